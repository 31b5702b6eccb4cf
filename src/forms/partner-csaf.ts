// A CSAF 2.0 document attached to a partner's case form (issue 12, guideline §5;
// docs/partner-form.md "Attached CSAF 2.0"): what the desk takes from it. A pure reader: the
// caller has already checked that the one signature covers the attachment (the trust rule,
// docs/security.md), that it is not too large, and that the validator
// (src/adapters/csaf-validator.ts: strict schema and mandatory tests) found it valid. Every
// string taken is checked like a form value (field-checks.ts: control characters,
// length): a bad one makes the whole document refused, never partly used.
import { readCves, readCvssVector, MAX_LIST_ITEMS } from './advisory-values.ts';
import { checkValue, type FieldLimit } from './field-checks.ts';
import { formatRef, refPatternRegExp, type RefPattern } from './ref-pattern.ts';

/** The largest attached CSAF document the desk reads (bytes); larger is `csaf-too-large`. */
export const CSAF_MAX_BYTES = 1024 * 1024;

/** The document categories a case can be opened from (CSAF 2.0 §3.2.1.2 and §4.5 profile). */
export const CSAF_CATEGORIES: readonly string[] = ['csaf_security_advisory', 'csaf_base'];

export interface CsafVulnerability {
  summary: string;
  cve: string | null;
  cwe: string | null;
  /** A CVSS v3 vector (CSAF 2.0 has no v4 field); shape-checked, scored by the caller. */
  cvss: string | null;
}

export interface PartnerCsaf {
  /** document.tracking.id in the partner's registered form, or null when it has none of that pattern. */
  partnerCaseId: string | null;
  products: string[];
  vendors: string[];
  summary: string | null;
  vulnerabilities: CsafVulnerability[];
}

/** Why a valid CSAF still opens nothing: `path` is a JSON pointer of plain keys and indexes. */
export interface CsafProblem {
  test: 'madoguchi_category' | 'madoguchi_value' | 'madoguchi_case_id' | 'madoguchi_too_many';
  path: string;
}

export type CsafReading = { ok: true; csaf: PartnerCsaf } | { ok: false; problems: CsafProblem[] };

const NAME: FieldLimit = { shape: 'line', max: 300 };
const TEXT: FieldLimit = { shape: 'text', max: 20_000 };

type Obj = Record<string, unknown>;
const obj = (x: unknown): Obj | null => (x !== null && typeof x === 'object' && !Array.isArray(x) ? (x as Obj) : null);
const arr = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);
const str = (x: unknown): string | null => (typeof x === 'string' ? x : null);

/**
 * Reads a validated CSAF document. `casePattern` is the partner's registered case-id
 * pattern: tracking.id must hold one such id, as the form's `Partner case ID` must.
 */
export function readPartnerCsaf(doc: unknown, casePattern: RefPattern): CsafReading {
  const problems: CsafProblem[] = [];
  const bad = (test: CsafProblem['test'], path: string): void => {
    if (problems.length < 5) problems.push({ test, path });
  };
  const take = (value: string | null, limit: FieldLimit, path: string): string | null => {
    if (value === null) return null;
    const v = limit.shape === 'line' ? value.trim() : value.replace(/\r\n?/gu, '\n').trim();
    if (v === '') return null;
    if (checkValue(v, limit) !== null) {
      bad('madoguchi_value', path);
      return null;
    }
    return v;
  };
  const root = obj(doc) ?? {};
  const document = obj(root.document) ?? {};
  const category = str(document.category);
  if (category === null || !CSAF_CATEGORIES.includes(category)) bad('madoguchi_category', '/document/category');

  // tracking.id: the partner's own id, in its registered form (docs/partners.md).
  const trackingId = take(str(obj(document.tracking)?.id ?? null), { shape: 'line', max: 80 }, '/document/tracking/id');
  let partnerCaseId: string | null = null;
  if (trackingId !== null) {
    const m = refPatternRegExp(casePattern).exec(trackingId.normalize('NFKC'));
    if (m) partnerCaseId = formatRef(casePattern, m.slice(1));
    else bad('madoguchi_case_id', '/document/tracking/id');
  }

  // The product tree's branches: vendors by category `vendor`, products by `product_name`
  // (CSAF 2.0 §3.1.2.3), at any depth; each name once, in document order.
  const vendors: string[] = [];
  const products: string[] = [];
  const walk = (branches: unknown, path: string, depth: number): void => {
    if (depth > 30) return; // the schema bounds nothing here; the validator already read it
    arr(branches).forEach((b, i) => {
      const o = obj(b);
      if (!o) return;
      const here = `${path}/${String(i)}`;
      const into = o.category === 'vendor' ? vendors : o.category === 'product_name' ? products : null;
      if (into !== null) {
        const name = take(str(o.name), NAME, `${here}/name`);
        if (name !== null && !into.includes(name)) into.push(name);
      }
      walk(o.branches, `${here}/branches`, depth + 1);
    });
  };
  walk(obj(root.product_tree)?.branches, '/product_tree/branches', 0);
  if (vendors.length > MAX_LIST_ITEMS || products.length > MAX_LIST_ITEMS) bad('madoguchi_too_many', '/product_tree/branches');

  // Each vulnerability: its summary (a note of category summary or description), CVE, CWE
  // and the first CVSS v3 vector of its scores.
  const vulnerabilities: CsafVulnerability[] = [];
  const vulns = arr(root.vulnerabilities);
  if (vulns.length > MAX_LIST_ITEMS) bad('madoguchi_too_many', '/vulnerabilities');
  vulns.slice(0, MAX_LIST_ITEMS).forEach((x, i) => {
    const v = obj(x) ?? {};
    const at = `/vulnerabilities/${String(i)}`;
    const notes = arr(v.notes).map(obj);
    const ni = notes.findIndex((n) => n !== null && (n.category === 'summary' || n.category === 'description'));
    const summary = ni < 0 ? take(str(v.title), TEXT, `${at}/title`) : take(str(notes[ni]?.text), TEXT, `${at}/notes/${String(ni)}/text`);
    const cveText = str(v.cve);
    const cve = cveText === null ? null : (readCves(cveText)?.[0] ?? null);
    if (cveText !== null && cve === null) bad('madoguchi_value', `${at}/cve`);
    const cweText = str(obj(v.cwe)?.id ?? null);
    const cwe = cweText !== null && /^CWE-[1-9][0-9]{0,5}$/u.test(cweText) ? cweText : null;
    const si = arr(v.scores).findIndex((s) => str(obj(obj(s)?.cvss_v3)?.vectorString ?? null) !== null);
    const vectorText = si < 0 ? null : str(obj(obj(arr(v.scores)[si])?.cvss_v3)?.vectorString ?? null);
    const cvss = vectorText === null ? null : (readCvssVector(vectorText) ?? null);
    if (vectorText !== null && cvss === null) bad('madoguchi_value', `${at}/scores/${String(si)}/cvss_v3/vectorString`);
    if (summary === null) return; // nothing to tell the vendors: not a vulnerability the desk can store
    vulnerabilities.push({ summary, cve, cwe, cvss });
  });

  const summary = vulnerabilities[0]?.summary ?? take(str(document.title), TEXT, '/document/title');
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, csaf: { partnerCaseId, products, vendors, summary, vulnerabilities } };
}
