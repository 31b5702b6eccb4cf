// The partner case form (issue 12, guideline §5; docs/partner-form.md): what a partner
// CSIRT writes to open a case with the desk. Same line grammar as the report form
// (lines.ts: labels ja/en, numbering, brackets, quoted lines and signatures never fields);
// only the label table and the value readers differ. A pure parser: the signature, the
// partner's identity (its pinned key) and the clock are the caller's.

import { MAX_LIST_ITEMS, readCves, readCvssVector, readList } from './advisory-values.ts';
import type { PartnerFieldCode } from '../domain/refusals.ts';
import { FIELD_PROBLEM_CODES, type FieldLimit } from './field-checks.ts';
import { labelMap, type FieldLabels } from './labels.ts';
import { addExtra } from './lines.ts';
import { formatRef, refPatternRegExp, type RefPattern } from './ref-pattern.ts';
import { blankForm, checkedFields, SHARED_FIELDS, SHARED_LIMITS } from './shared-fields.ts';
import { readZonedTime } from './zoned-time.ts';

export type PartnerFormKey = 'partnerCaseId' | 'embargo' | 'products' | 'vendors' | 'summary' | 'cve' | 'cvss' | 'contact';

/** The labels (first one is the one the desk writes in a blank form). */
export const PARTNER_FORM_FIELDS: readonly FieldLabels<PartnerFormKey>[] = [
  { key: 'partnerCaseId', ja: ['連携機関の案件番号', '調整機関の案件番号'], en: ['Partner case ID', 'Partner case', 'Partner reference'] },
  { key: 'embargo', ja: ['公表日時', '公表予定日時', 'エンバーゴ'], en: ['Embargo', 'Embargo until', 'Publication date'] },
  { key: 'products', ja: ['対象製品', '製品名'], en: ['Products', 'Product', 'Affected products'] },
  { key: 'vendors', ja: ['製品開発者', 'ベンダ', 'ベンダー'], en: ['Vendors', 'Vendor'] },
  SHARED_FIELDS.summary,
  SHARED_FIELDS.cve,
  SHARED_FIELDS.cvss,
  { key: 'contact', ja: ['連絡先', '担当者'], en: ['Contact'] },
];

const LABELS = labelMap(PARTNER_FORM_FIELDS);

/** Field limits (the shape and reasons of field-checks.ts). */
export const PARTNER_FORM_LIMITS: Record<PartnerFormKey, FieldLimit> = {
  partnerCaseId: { shape: 'line', max: 80 },
  embargo: { shape: 'line', max: 200 },
  products: { shape: 'text', max: 20_000 },
  vendors: { shape: 'text', max: 20_000 },
  summary: SHARED_LIMITS.summary,
  cve: SHARED_LIMITS.cve,
  cvss: SHARED_LIMITS.cvss,
  contact: { shape: 'text', max: 4000 },
};

/** Required for a partner case: without any of these the desk cannot notify anyone. */
export const PARTNER_FORM_REQUIRED: readonly PartnerFormKey[] = ['partnerCaseId', 'embargo', 'products', 'vendors', 'summary'];

/**
 * Stable verdict codes of a bad value. The embargo codes name what is missing, so the
 * answer can say "your embargo has no time zone", never guess one.
 */
export const FORM_PROBLEM_CODES = [
  ...FIELD_PROBLEM_CODES,
  'embargo-no-date',
  'embargo-no-time',
  'embargo-no-zone',
  'embargo-unknown-zone',
  'embargo-invalid',
  'case-id-mismatch',
  'bad-cve',
  'bad-cvss',
  'bad-url',
  'bad-date',
  'too-many-items',
] as const satisfies readonly PartnerFieldCode[];
export type FormProblemCode = (typeof FORM_PROBLEM_CODES)[number];

export interface FormProblem {
  field: string;
  code: FormProblemCode;
}

export interface PartnerCaseForm {
  /** The partner's id as registered (`VU#123456`) when a pattern was given; else as written. */
  partnerCaseId?: string;
  /** The embargo instant in UTC (ISO 8601) and as written. */
  embargo?: { at: string; written: string };
  products?: string[];
  vendors?: string[];
  summary?: string;
  /** CVE ids; an empty list means the partner said there is none yet. */
  cve?: string[];
  cvss?: string;
  contact?: string;
  /** Values under unknown labels and values that could not be read, by label as written. */
  extra?: Record<string, string>;
  /** Required keys absent or unreadable, in table order. */
  missing: PartnerFormKey[];
  /** Every bad value (one per field and code). */
  problems: FormProblem[];
}

export interface PartnerFormOptions {
  /** The partner's registered case-id pattern: the case id must contain one such id. */
  casePattern?: RefPattern;
}

/**
 * Parses a partner case form. Never throws. A label given twice: list fields (products,
 * vendors, CVE) collect every occurrence; other fields take the first non-empty value and
 * keep later ones in `extra`. A value that cannot be read is kept raw in `extra` with a
 * problem, and a required field that could not be read is also `missing`.
 */
export function parsePartnerCaseForm(text: string, options: PartnerFormOptions = {}): PartnerCaseForm {
  try {
    return parse(typeof text === 'string' ? text : '', options);
  } catch {
    // Resource exhaustion only; a verdict, never a crash.
    return { missing: [...PARTNER_FORM_REQUIRED], problems: [] };
  }
}

const LIST_KEYS: ReadonlySet<PartnerFormKey> = new Set(['products', 'vendors', 'cve']);

function parse(text: string, options: PartnerFormOptions): PartnerCaseForm {
  const form: PartnerCaseForm = { missing: [], problems: [] };
  const extra: Record<string, string> = {};
  const taken = new Set<PartnerFormKey>();
  const lists = new Map<PartnerFormKey, string[]>();
  const problem = (field: string, code: FormProblemCode): void => {
    if (!form.problems.some((p) => p.field === field && p.code === code)) form.problems.push({ field, code });
  };
  for (const { key, label, value } of checkedFields(text, LABELS, PARTNER_FORM_LIMITS, extra, problem)) {
    if (LIST_KEYS.has(key)) {
      lists.set(key, [...(lists.get(key) ?? []), value]);
      continue;
    }
    if (taken.has(key)) {
      addExtra(extra, label, value);
      continue;
    }
    taken.add(key);
    if (!assign(form, key, value, options, problem)) addExtra(extra, label, value);
  }
  for (const [key, values] of lists) {
    const joined = values.join('\n');
    if (key === 'cve') {
      const ids = readCves(joined.replace(/\n/gu, ' '));
      if (ids === undefined) {
        problem('cve', 'bad-cve');
        addExtra(extra, 'CVE', joined);
      } else form.cve = ids;
      continue;
    }
    const items = readList(joined);
    if (items === undefined) problem(key, 'too-many-items');
    else if (items.length > 0) {
      if (key === 'products') form.products = items;
      else form.vendors = items;
    }
  }
  if (Object.keys(extra).length > 0) form.extra = extra;
  form.missing = PARTNER_FORM_REQUIRED.filter((k) => form[k] === undefined);
  return form;
}

function assign(
  form: PartnerCaseForm,
  key: PartnerFormKey,
  value: string,
  options: PartnerFormOptions,
  problem: (field: string, code: FormProblemCode) => void,
): boolean {
  switch (key) {
    case 'partnerCaseId': {
      if (!options.casePattern) {
        form.partnerCaseId = value;
        return true;
      }
      const m = refPatternRegExp(options.casePattern).exec(value.normalize('NFKC'));
      if (!m) {
        problem(key, 'case-id-mismatch');
        return false;
      }
      form.partnerCaseId = formatRef(options.casePattern, m.slice(1));
      return true;
    }
    case 'embargo': {
      const r = readZonedTime(value);
      if (!r.ok) {
        problem(key, `embargo-${r.problem}`);
        return false;
      }
      form.embargo = { at: r.iso, written: value };
      return true;
    }
    case 'summary':
      form.summary = value;
      return true;
    case 'cvss': {
      const v = readCvssVector(value);
      if (v === undefined) {
        problem(key, 'bad-cvss');
        return false;
      }
      form.cvss = v;
      return true;
    }
    case 'contact':
      form.contact = value;
      return true;
    case 'products':
    case 'vendors':
    case 'cve':
      return false; // collected as lists by parse()
  }
}

export { MAX_LIST_ITEMS };

/** The blank form in `lang`, one numbered line per field (as blankReportForm). */
export function blankPartnerCaseForm(lang: 'ja' | 'en'): string {
  return blankForm(PARTNER_FORM_FIELDS, lang);
}
