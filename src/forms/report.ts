// The report form (届出様式) of mail-protocol.md §2: parsing what a reporter sent, and the
// blank form the desk sends back when a report is incomplete ("the desk answers the
// reporter with the list of what is missing").

import type { ReportForm, ReportVulnerability } from '../domain/inspect.ts';
import { normLabel, REPORT_FIELDS, REPORT_LABELS, type ReportKey } from './labels.ts';
import { addExtra, scanFields } from './lines.ts';
import { readConsent, readEmail, readKind } from './values.ts';

/** §2 "required: yes" for every report, in table order. */
const ALWAYS_REQUIRED: readonly ReportKey[] = ['kind', 'reporter.name', 'reporter.email', 'vulnerability.summary', 'reproduction'];
/** §2 "yes for `product`" / "yes for `website`". */
const PRODUCT_REQUIRED: readonly ReportKey[] = ['product.name', 'product.version'];
const WEBSITE_REQUIRED: readonly ReportKey[] = ['website.url'];

/**
 * Parses a §2 report. Never throws; absent fields are omitted (§5: "absent fields are
 * omitted, not empty strings") and `missing` lists the required canonical keys that are
 * absent or empty, in §2 table order.
 *
 * Decisions beyond the letter of §2:
 * - A label given twice: the first non-empty value wins; later non-empty values are kept
 *   in `extra` under the label as written, so nothing the reporter wrote is lost.
 * - A consent value that is not readable as yes/no (or says both) is not guessed: the
 *   consent stays absent (= false, §2 default) and the raw value goes to `extra`.
 * - `kind` naming neither product nor website (or both, unchecked) is kept raw, and
 *   then neither product nor website fields are required.
 * - Unknown labels with an empty value are not kept.
 */
export function parseReportForm(text: string): ReportForm {
  try {
    return parse(typeof text === 'string' ? text : '');
  } catch {
    // Only reachable on resource exhaustion (e.g. a string too long to split); the
    // contract (§1: "none crashes a worker") is a verdict, so report everything missing.
    return { missing: [...ALWAYS_REQUIRED] };
  }
}

// ---- numbered vulnerability blocks (the desk's extension of §2; docs/report-form.md) ----
//
// §2 has one vulnerability per report. A report of several writes the per-vulnerability
// fields again with the vulnerability's number after the label: `Summary 2:`, `CVSS 2:`,
// `脆弱性の概要 2：`, `脆弱性の種類（2）：`. The unnumbered fields (or number 1) are
// vulnerability 1, so every single-vulnerability form reads exactly as before.

/** The fields a vulnerability block may carry. */
const VULN_KEYS = ['vulnerability.type', 'vulnerability.summary', 'cvss'] as const;
type VulnKey = (typeof VULN_KEYS)[number];
/** Highest block number read (a bound on the label table; a report of more is for a coordinator to split). */
export const MAX_VULNERABILITY_BLOCKS = 20;
type BlockKey = `vuln:${number}:${VulnKey}`;

/** The §2 labels plus `<label> n`, `<label>#n`, `<label>(n)` for n = 1..20 of the vulnerability fields. */
const LABELS_WITH_BLOCKS: ReadonlyMap<string, ReportKey | BlockKey> = (() => {
  const map = new Map<string, ReportKey | BlockKey>(REPORT_LABELS);
  for (const f of REPORT_FIELDS) {
    if (!(VULN_KEYS as readonly string[]).includes(f.key)) continue;
    const key = f.key as VulnKey;
    for (const label of [...f.ja, ...f.en]) {
      for (let n = 1; n <= MAX_VULNERABILITY_BLOCKS; n++) {
        for (const form of [`${label} ${n}`, `${label}#${n}`, `${label}(${n})`, `${label}（${n}）`]) {
          const norm = normLabel(form);
          // Never shadow a §2 label (none ends in a digit today; this keeps it so).
          if (!REPORT_LABELS.has(norm)) map.set(norm, n === 1 ? key : `vuln:${n}:${key}`);
        }
      }
    }
  }
  return map;
})();

function parse(text: string): ReportForm {
  const form: ReportForm = { missing: [] };
  const extra: Record<string, string> = {};
  const taken = new Set<ReportKey>();
  const blocks = new Map<number, { fields: Partial<Record<VulnKey, string>>; labels: [string, string][] }>();
  for (const f of scanFields(text, LABELS_WITH_BLOCKS)) {
    if (f.key !== null && f.key.startsWith('vuln:')) {
      const [, n, key] = f.key.split(':') as [string, string, VulnKey];
      const b = blocks.get(Number(n)) ?? { fields: {}, labels: [] };
      blocks.set(Number(n), b);
      if (f.value === '') continue;
      if (b.fields[key] !== undefined) addExtra(extra, f.label, f.value);
      else {
        b.fields[key] = f.value;
        b.labels.push([f.label, f.value]);
      }
      continue;
    }
    const key = f.key as ReportKey | null;
    if (key === null || (f.value !== '' && taken.has(key))) {
      addExtra(extra, f.label, f.value);
      continue;
    }
    if (f.value === '') continue;
    taken.add(key);
    if (!assign(form, key, f.value)) addExtra(extra, f.label, f.value);
  }
  const vulns = vulnerabilityBlocks(form, blocks, extra);
  if (vulns !== null) form.vulnerabilities = vulns;
  if (Object.keys(extra).length > 0) form.extra = extra;
  form.missing = missingKeys(form);
  return form;
}

/**
 * Vulnerability 1 and each numbered block, by number; null when there is no block. A block
 * without a summary is not a vulnerability (a summary is what §2 requires of one): its
 * fields go to `extra` as written, so nothing is lost and nothing is guessed.
 */
function vulnerabilityBlocks(
  form: ReportForm,
  blocks: Map<number, { fields: Partial<Record<VulnKey, string>>; labels: [string, string][] }>,
  extra: Record<string, string>,
): ReportVulnerability[] | null {
  const out: ReportVulnerability[] = [];
  for (const [n, b] of [...blocks.entries()].sort((a, c) => a[0] - c[0])) {
    if (b.fields['vulnerability.summary'] === undefined) {
      for (const [label, value] of b.labels) addExtra(extra, label, value);
      continue;
    }
    out.push(block(n, b.fields['vulnerability.type'], b.fields['vulnerability.summary'], b.fields.cvss));
  }
  if (out.length === 0) return null;
  return [block(1, form.vulnerability?.type, form.vulnerability?.summary, form.cvss), ...out];
}

function block(number: number, type: string | undefined, summary: string | undefined, cvss: string | undefined): ReportVulnerability {
  return { number, ...(type !== undefined ? { type } : {}), ...(summary !== undefined ? { summary } : {}), ...(cvss !== undefined ? { cvss } : {}) };
}

/** Stores one non-empty value; false when the value cannot be read (kept in `extra` then). */
function assign(form: ReportForm, key: ReportKey, value: string): boolean {
  switch (key) {
    case 'kind':
      form.kind = readKind(value);
      return true;
    case 'reporter.name':
      (form.reporter ??= {}).name = value;
      return true;
    case 'reporter.organization':
      (form.reporter ??= {}).organization = value;
      return true;
    case 'reporter.email':
      (form.reporter ??= {}).email = readEmail(value);
      return true;
    case 'reporter.phone':
      (form.reporter ??= {}).phone = value;
      return true;
    case 'product.name':
      (form.product ??= {}).name = value;
      return true;
    case 'product.version':
      (form.product ??= {}).version = value;
      return true;
    case 'product.vendor':
      (form.product ??= {}).vendor = value;
      return true;
    case 'website.url':
      (form.website ??= {}).url = value;
      return true;
    case 'website.name':
      (form.website ??= {}).name = value;
      return true;
    case 'vulnerability.type':
      (form.vulnerability ??= {}).type = value;
      return true;
    case 'vulnerability.summary':
      (form.vulnerability ??= {}).summary = value;
      return true;
    case 'reproduction':
      form.reproduction = value;
      return true;
    case 'verification':
      form.verification = value;
      return true;
    case 'impact':
      form.impact = value;
      return true;
    case 'cvss':
      form.cvss = value;
      return true;
    case 'reportedElsewhere':
      form.reportedElsewhere = value;
      return true;
    case 'consent.shareIdentity':
    case 'consent.directContact':
    case 'consent.credit': {
      const { consent, name } = readConsent(value);
      if (consent === undefined) return false;
      const c = (form.consent ??= {});
      if (key === 'consent.shareIdentity') c.shareIdentity = consent;
      else if (key === 'consent.directContact') c.directContact = consent;
      else {
        c.credit = consent;
        if (name !== undefined) c.creditName = name;
      }
      return true;
    }
  }
}

function has(form: ReportForm, key: ReportKey): boolean {
  switch (key) {
    case 'kind':
      return form.kind !== undefined;
    case 'reporter.name':
      return form.reporter?.name !== undefined;
    case 'reporter.email':
      return form.reporter?.email !== undefined;
    case 'product.name':
      return form.product?.name !== undefined;
    case 'product.version':
      return form.product?.version !== undefined;
    case 'website.url':
      return form.website?.url !== undefined;
    case 'vulnerability.summary':
      return form.vulnerability?.summary !== undefined;
    case 'reproduction':
      return form.reproduction !== undefined;
    default:
      return true;
  }
}

function missingKeys(form: ReportForm): string[] {
  const required = [
    ...ALWAYS_REQUIRED,
    ...(form.kind === 'product' ? PRODUCT_REQUIRED : []),
    ...(form.kind === 'website' ? WEBSITE_REQUIRED : []),
  ];
  const order = REPORT_FIELDS.map((f) => f.key);
  return required.filter((k) => !has(form, k)).sort((a, b) => order.indexOf(a) - order.indexOf(b));
}

/**
 * The blank §2 form, one numbered line per field with its first label in `lang` and a
 * colon (full-width for Japanese, as Japanese forms write it). Values are left empty, so
 * parsing it back yields every always-required key in `missing`; the choices for
 * 届出種別 / Report type and the consents are for the reply template to explain (writing
 * them into the form would make an unedited form read as an answer).
 */
export function blankReportForm(lang: 'ja' | 'en'): string {
  const colon = lang === 'ja' ? '：' : ':';
  return (
    REPORT_FIELDS.map((f, i) => `${String(i + 1)}. ${(lang === 'ja' ? f.ja[0] : f.en[0]) ?? f.key}${colon}`).join(
      '\n',
    ) + '\n'
  );
}
