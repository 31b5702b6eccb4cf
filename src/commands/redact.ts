// X-REDACT: H7K3QX0 [field [text]] (X-墨消し): a held notice with the reporter's identity
// masked (every field, or `field` only), or `field` replaced by `text` (issue 9 §5); it is
// sent once nothing is left. Applied to the held notice (desk/identity-release.ts).
import type { CommandSpec } from './spec.ts';
import { cont } from './syntax.ts';

export type RedactCommand = { kind: 'redact'; hold: string; field: string | null; text: string | null };

export const redact: CommandSpec<RedactCommand> = {
  kind: 'redact',
  // 墨消し: "black out".
  keywords: ['redact', '墨消し'],
  arg: 'redact',
  format: (c) => `X-REDACT: ${c.hold}${c.field !== null ? ` ${c.field}` : ''}${c.text !== null ? ` ${cont(c.text)}` : ''}`,
  effect: (c, _d, lang, clean) => {
    const en = lang === 'en';
    if (c.text !== null) {
      return en
        ? `The field ${clean(c.field ?? '')} of the notice held as ${c.hold} is replaced by your text; the notice is sent once it no longer carries the reporter's identity.`
        : `保留 ${c.hold} の通知の項目 ${clean(c.field ?? '')} をご指定の本文に置き換えました。発見者の身元が含まれなくなった時点で送ります。`;
    }
    return en
      ? `The reporter's identity is masked in ${c.field !== null ? `the field ${clean(c.field)} of ` : ''}the notice held as ${c.hold}; the notice is sent once it no longer carries it.`
      : `保留 ${c.hold} の通知${c.field !== null ? `の項目 ${clean(c.field)}` : ''}で発見者の身元を伏せました。身元が含まれなくなった時点で送ります。`;
  },
  toEvent: () => null,
  samples: [
    { kind: 'redact', hold: 'H7K3QX0', field: null, text: null },
    { kind: 'redact', hold: 'H7K3QX0', field: 'reproduction', text: null },
    { kind: 'redact', hold: 'H7K3QX0', field: 'summary', text: 'SQL injection in the search API.\nSee step 3.' },
  ],
};
