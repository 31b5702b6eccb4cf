// Helpers of the notices' views: how the desk shows dates, fingerprints and outside text.
// Dates: the one formatter is src/domain/clock.ts (formatJst, JST with UTC beside it).
// Outside text: the one sanitizer is src/outbound/neutralise.ts.
import { addCalendarDays, formatUtcMinute, jstStartOfDay, type IsoDate } from '../domain/clock.ts';
import { REPORT_FIELDS, VENDOR_FIELDS, type ReportKey } from '../forms/index.ts';
import { neutralise } from '../outbound/neutralise.ts';
import type { Lang } from './notice.ts';
import type { NoticeVulnerability } from './schema.ts';

/** Outside text for display: controls and bidi overrides become visible escapes. */
export const safe = neutralise;

/** 40 hex digits in groups of four, the way gpg prints them (`ABCD EF01 ... `). */
export function formatFingerprint(fpr: string): string {
  const groups = fpr.toUpperCase().match(/.{1,4}/g) ?? [];
  return [groups.slice(0, 5).join(' '), groups.slice(5).join(' ')].filter((s) => s.length > 0).join('  ');
}

const camel = (s: string): string => s.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());

/** Flags `{ product: true, website: false }` for `{{#if}}` (every flag defined). */
export function flags(values: readonly string[], chosen: string): Record<string, boolean> {
  return Object.fromEntries(values.map((v) => [camel(v), v === chosen]));
}

/** The first label of a report field in `lang` (what the reporter's form says). */
export function fieldLabel(key: ReportKey, lang: Lang): string {
  const f = REPORT_FIELDS.find((x) => x.key === key);
  return (lang === 'ja' ? f?.ja[0] : f?.en[0]) ?? key;
}

function lines(text: string): string[] {
  const ls = safe(text.replace(/\r\n?|[\u2028\u2029]/g, '\n'))
    .split('\n')
    .map((l) => l.trimEnd());
  while (ls.length > 0 && ls[0] === '') ls.shift();
  while (ls.length > 0 && ls[ls.length - 1] === '') ls.pop();
  return ls;
}

/**
 * Outside text as a quoted block: every line starts with `  | `, so nothing in it reads as
 * the desk's own text, a heading, or a label line of a form (lines.ts: `| 状態：` is no label).
 */
export function quoted(text: string): string {
  return lines(text)
    .map((l) => (l === '' ? '  |' : `  | ${l}`))
    .join('\n');
}

/** Text indented by `n` spaces (public text of the advisory). */
export function indent(text: string, n: number): string {
  const pad = ' '.repeat(n);
  return lines(text)
    .map((l) => (l === '' ? '' : `${pad}${l}`))
    .join('\n');
}

/** A JST calendar date with the UTC instant it begins: `2026-12-20 JST (from 2026-12-19 15:00 UTC)`. */
export function dayLong(day: IsoDate, lang: Lang): string {
  const utc = formatUtcMinute(jstStartOfDay(day));
  return lang === 'ja' ? `${day}（日本時間／UTC ${utc} から）` : `${day} JST (from ${utc} UTC)`;
}

/** A JST calendar date, labelled: `2026-12-20（日本時間）`, `2026-12-20 (JST)`. */
export function dayShort(day: IsoDate, lang: Lang): string {
  return lang === 'ja' ? `${day}（日本時間）` : `${day} (JST)`;
}

/** The last minute of a JST calendar date (a deadline "until" that date). */
export function endOfDay(day: IsoDate): Date {
  return new Date(jstStartOfDay(addCalendarDays(day, 1)).getTime() - 60_000);
}

/** The credit line, the same in the advisory and in the reporter's `published` notice. */
export function creditLine(lang: Lang, name: string): string {
  return lang === 'ja' ? `この脆弱性情報は、${safe(name)} 氏が報告しました。` : `Thanks to ${safe(name)}, who reported this vulnerability.`;
}

/** Credit in the advisory: the name only when the reporter asked for it (資料2 III.4.7). */
export type CreditContext = { credit: true; creditName: string } | { credit: false; creditName?: never };

/**
 * The mail-protocol §4 reply form with blank values, in the vendor's language, the case id
 * filled in: the first label of each VENDOR_FIELDS entry (what parseVendorReplyForm reads).
 */
export function blankVendorReplyForm(lang: Lang, caseId?: string, opts: { vendorReference?: boolean; severalVulnerabilities?: boolean } = {}): string {
  const colon = lang === 'ja' ? '：' : ':';
  // The vendor reference line (issue 12) is a vendor's: a site operator's reply stores none.
  // issue 12: the `Vulnerability:` line only where there is a choice (docs/decisions.md).
  return VENDOR_FIELDS.filter((f) => (f.key !== 'vendorReference' || opts.vendorReference === true) && (f.key !== 'vulnerability' || opts.severalVulnerabilities === true)).map((f) => {
    const label = (lang === 'ja' ? f.ja[0] : f.en[0]) ?? f.key;
    const value = f.key === 'caseId' && caseId !== undefined ? (lang === 'ja' ? caseId : ` ${caseId}`) : '';
    return `${label}${colon}${value}`;
  }).join('\n');
}

const STATUS_WORDS: Record<NoticeVulnerability['statuses'][number]['status'], [string, string]> = {
  fixed: ['vulnerable, fix available', '該当製品あり（対策済み）'],
  affected: ['vulnerable', '該当製品あり'],
  'not-affected': ['not vulnerable', '該当製品なし'],
  unknown: ['unknown', '未確認'],
};

/**
 * Each vulnerability as a block of text (issue 12): number, summary, CWE, CVSS score and
 * severity, CVE, each vendor's status. `summary` formats the summary: `quoted` for the
 * reporter's words in a vendor notification, an indent for the public advisory.
 */
export function vulnerabilityBlocks(lang: Lang, vulns: readonly NoticeVulnerability[], summary: (text: string) => string): string {
  const en = lang === 'en';
  const out: string[] = [];
  for (const v of vulns) {
    if (out.length > 0) out.push('');
    out.push(en ? `  Vulnerability ${String(v.number)}` : `  脆弱性 ${String(v.number)}`);
    if (v.summary !== undefined) out.push(summary(v.summary));
    if (v.cwe !== undefined) out.push(`    ${en ? 'Type:  ' : '種別：'}${safe(v.cwe)}`);
    if (v.cvss !== undefined) out.push(`    ${en ? 'CVSS:  ' : 'CVSS：'}${safe(v.cvss)}`);
    out.push(`    ${en ? 'CVE:   ' : 'CVE：'}${v.cve !== undefined ? safe(v.cve) : en ? 'not assigned yet' : '未採番'}`);
    if (v.statuses.length > 0) {
      out.push(en ? '    Status:' : '    状況：');
      for (const s of v.statuses) {
        const who = `${safe(s.name)}${s.product !== undefined ? (en ? ` (${safe(s.product)})` : `（${safe(s.product)}）`) : ''}`;
        const fixed = s.fixedVersions !== undefined ? (en ? `; fixed in ${safe(s.fixedVersions)}` : `（修正版：${safe(s.fixedVersions)}）`) : '';
        out.push(en ? `      - ${who}: ${STATUS_WORDS[s.status][0]}${fixed}` : `      ・${who}：${STATUS_WORDS[s.status][1]}${fixed}`);
      }
    }
  }
  return out.join('\n');
}
