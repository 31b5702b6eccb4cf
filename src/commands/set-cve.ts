// X-SET-CVE: N CVE-2026-12345 (X-CVE設定): the CVE id assigned to vulnerability N (issue 12),
// or a correction of it. The id is checked when the mail is read against the CVE record
// format's pattern (^CVE-[0-9]{4}-[0-9]{4,19}$, CVE JSON 5 cveId); one CVE id names one
// vulnerability, so an id another vulnerability has is refused (cve-taken).
import type { CommandSpec } from './spec.ts';

export type SetCveCommand = { kind: 'set-cve'; number: number; cve: string };

export const setCve: CommandSpec<SetCveCommand> = {
  kind: 'set-cve',
  // CVE設定: "set the CVE" (keywords are folded to lower case).
  keywords: ['set-cve', 'cve設定'],
  arg: 'cve',
  format: (c) => `X-SET-CVE: ${String(c.number)} ${c.cve}`,
  effect: (c, d, lang) => {
    const prev = d.previousCve;
    if (lang === 'en') return `Vulnerability ${String(c.number)} has the CVE id ${c.cve}.${prev ? ` It was ${prev}.` : ''}`;
    return `脆弱性 ${String(c.number)} の CVE 番号を ${c.cve} にしました。${prev ? `（変更前：${prev}）` : ''}`;
  },
  toEvent: () => null,
  samples: [{ kind: 'set-cve', number: 2, cve: 'CVE-2026-123456' }],
};
