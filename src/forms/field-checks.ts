// Field checks of what a form carries (issue 9 §6: "every bad value gets a verdict"): a
// limit per field and the characters a field may hold, each problem with a stable code.
// Pure functions of the parsed form; the screening (src/rules/screening.ts) turns a
// problem into the `invalid` answer, the desk (src/desk/bad-values.ts) records the codes.
//
// Why these limits (docs/decisions.md "Bad values"): a one-line field (a name, a version, a
// product) longer than 200 characters is not a name but pasted text; URLs get 2000 (the
// de-facto browser limit); free text gets what the notices that quote it can carry
// (templates.ts: summary and impact 20,000, reproduction and verification 100,000). A value
// over its limit is refused, never cut: a cut summary or reproduction could change meaning.
//
// Characters: a one-line field holds no control character at all (TAB included: it is what
// a copied table cell brings, and a TAB or NUL in a product name is not a product name);
// multi-line text may hold TAB and LF only. NUL is refused everywhere (PostgreSQL text and
// jsonb cannot store it). Bidirectional overrides are not refused: they are neutralised
// wherever a notice shows them (src/outbound/neutralise.ts).
import type { ReportForm, VendorReplyForm } from '../domain/inspect.ts';
import type { FieldProblemCode } from '../domain/refusals.ts';

/** Stable codes of a bad value (the verdict; the `invalid` notice explains each): the catalogue's `field` family. */
export { FIELD_PROBLEM_CODES, type FieldProblemCode } from '../domain/refusals.ts';

export interface FieldProblem {
  /** Canonical key (`product.name`, `workaround`), or `extra` for an unknown label's value. */
  field: string;
  code: FieldProblemCode;
}

export interface FieldLimit {
  /** One line (folded: line breaks become a space) or free text. */
  shape: 'line' | 'text';
  /** Characters (UTF-16 code units, as the templates count them). */
  max: number;
}

const line = (max: number): FieldLimit => ({ shape: 'line', max });
const text = (max: number): FieldLimit => ({ shape: 'text', max });

/** Limits of the report form (mail-protocol §2). */
export const REPORT_LIMITS: Record<string, FieldLimit> = {
  kind: line(100),
  'reporter.name': line(200),
  'reporter.organization': line(200),
  'reporter.email': line(254),
  'reporter.phone': line(50),
  'product.name': line(200),
  'product.version': line(200),
  'product.vendor': line(200),
  'website.url': line(2000),
  'website.name': line(200),
  'vulnerability.type': line(200),
  'vulnerability.summary': text(20_000),
  reproduction: text(100_000),
  verification: text(100_000),
  impact: text(20_000),
  cvss: line(200),
  reportedElsewhere: text(4000),
  'consent.creditName': line(200),
};

/** Limits of the vendor reply form (mail-protocol §4). */
export const VENDOR_LIMITS: Record<string, FieldLimit> = {
  caseId: line(40),
  status: line(100),
  fixedVersions: line(500),
  workaround: text(20_000),
  proposedPublication: line(40),
  advisoryUrl: line(2000),
  comment: text(100_000),
  otherVendors: text(4000),
  vulnerability: line(200),
  vendorReference: line(64),
};

/** A value under an unknown label (kept in `extra`). */
export const EXTRA_LIMIT: FieldLimit = text(20_000);

// eslint-disable-next-line no-control-regex -- control characters are what it finds
const LINE_FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;
// eslint-disable-next-line no-control-regex -- controls other than TAB and LF
const TEXT_FORBIDDEN = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/u;

/** The problem of one value under `limit`, or null. */
export function checkValue(value: string, limit: FieldLimit): FieldProblemCode | null {
  if ((limit.shape === 'line' ? LINE_FORBIDDEN : TEXT_FORBIDDEN).test(value)) return 'control-character';
  if (value.length > limit.max) return 'too-long';
  return null;
}

/**
 * A one-line value written over several lines (`Product name:` then the name on the next
 * line, or wrapped by the mail client) is one line: CR/LF runs and the blanks around them
 * become one space. A lone CR (old Mac line end) in free text becomes LF. Nothing else is
 * changed: a TAB or NUL stays, for checkValue to refuse.
 */
export function foldValue(value: string, limit: FieldLimit): string {
  if (limit.shape === 'line') return value.replace(/[ \t]*(?:\r\n?|\n)[ \t]*/g, ' ').trim();
  return value.replace(/\r\n?/g, '\n');
}

function paths(o: unknown, prefix = ''): [string, string][] {
  if (o === null || typeof o !== 'object' || Array.isArray(o)) return [];
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(o as Record<string, unknown>)) {
    const key = prefix === '' ? k : `${prefix}.${k}`;
    if (typeof v === 'string') out.push([key, v]);
    else if (v && typeof v === 'object' && !Array.isArray(v)) out.push(...paths(v, key));
  }
  return out;
}

function setPath(o: Record<string, unknown>, key: string, value: string): void {
  const parts = key.split('.');
  let at: Record<string, unknown> = o;
  for (const p of parts.slice(0, -1)) at = at[p] as Record<string, unknown>;
  at[parts[parts.length - 1]!] = value;
}

function foldForm<T extends object>(form: T, limits: Record<string, FieldLimit>): T {
  const copy = structuredClone(form) as unknown as Record<string, unknown>;
  for (const [key, value] of paths(copy)) {
    if (key.startsWith('extra.')) continue;
    const limit = limits[key];
    if (limit) setPath(copy, key, foldValue(value, limit));
  }
  return copy as unknown as T;
}

function checkForm(form: object, limits: Record<string, FieldLimit>): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const [key, value] of paths(form)) {
    const isExtra = key.startsWith('extra.');
    const limit = isExtra ? EXTRA_LIMIT : limits[key];
    if (!limit) continue;
    const code = checkValue(value, limit);
    // An unknown label's value is reported as `extra`: its label is the sender's text.
    if (code) out.push({ field: isExtra ? 'extra' : key, code });
  }
  if (form && 'extra' in form && form.extra && typeof form.extra === 'object') {
    // A label itself may carry what a value may not (NUL in `【\0】`).
    for (const label of Object.keys(form.extra)) if (checkValue(label, line(200))) out.push({ field: 'extra', code: 'control-character' });
  }
  return dedupe(out);
}

/** Distinct problems, in first-seen order. */
export function dedupe(problems: readonly FieldProblem[]): FieldProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const k = `${p.field}\u0000${p.code}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** The report with its one-line fields folded onto one line (see foldValue). */
export function foldReport(r: ReportForm): ReportForm {
  return foldForm(r, REPORT_LIMITS);
}

/** Every bad value of a report (after foldReport), one problem per field and code. */
export function checkReport(r: ReportForm): FieldProblem[] {
  return checkForm(r, REPORT_LIMITS);
}

/** The vendor reply with its one-line fields folded. */
export function foldVendorReply(r: VendorReplyForm): VendorReplyForm {
  return foldForm(r, VENDOR_LIMITS);
}

/** Every bad value of a vendor reply (after foldVendorReply). */
export function checkVendorReply(r: VendorReplyForm): FieldProblem[] {
  return checkForm(r, VENDOR_LIMITS);
}

/** Codes only, for logs and the message's verdict: `product.name:control-character, ...`. */
export function problemSummary(problems: readonly FieldProblem[]): string {
  return problems.map((p) => `${p.field}:${p.code}`).join(', ');
}
