// The vendor self-report form (issue 12, guideline §6; docs/self-report-form.md): a
// registered vendor reports a vulnerability it found and fixed in its own product, with
// the fix and the date it wants it published. Same line grammar as the other forms
// (lines.ts); a pure parser with verdicts. Who the vendor is comes from its signature,
// never from the form.

import { readCves, readCvssVector, readHttpUrl } from './advisory-values.ts';
import type { FieldLimit } from './field-checks.ts';
import { labelMap, type FieldLabels } from './labels.ts';
import { addExtra, scanFields } from './lines.ts';
import type { FormProblem, FormProblemCode } from './partner.ts';
import { blankForm, checkedFields, SHARED_FIELDS, SHARED_LIMITS } from './shared-fields.ts';
import { readDate } from './values.ts';

export type SelfReportKey =
  | 'product'
  | 'affectedVersions'
  | 'fixedVersions'
  | 'summary'
  | 'proposedPublication'
  | 'advisoryUrl'
  | 'cve'
  | 'cvss';

export const SELF_REPORT_FIELDS: readonly FieldLabels<SelfReportKey>[] = [
  { key: 'product', ja: ['製品名', '対象製品'], en: ['Product', 'Product name'] },
  { key: 'affectedVersions', ja: ['影響を受けるバージョン', '対象バージョン'], en: ['Affected versions', 'Affected version'] },
  { key: 'fixedVersions', ja: ['修正バージョン', '対策バージョン'], en: ['Fixed versions', 'Fixed version'] },
  SHARED_FIELDS.summary,
  { key: 'proposedPublication', ja: ['公表希望日', '公表予定日'], en: ['Proposed publication date', 'Publication date'] },
  { key: 'advisoryUrl', ja: ['公表URL', 'アドバイザリURL'], en: ['Advisory URL'] },
  SHARED_FIELDS.cve,
  SHARED_FIELDS.cvss,
];

const LABELS = labelMap(SELF_REPORT_FIELDS);

export const SELF_REPORT_LIMITS: Record<SelfReportKey, FieldLimit> = {
  product: { shape: 'line', max: 200 },
  affectedVersions: { shape: 'line', max: 500 },
  fixedVersions: { shape: 'line', max: 500 },
  summary: SHARED_LIMITS.summary,
  proposedPublication: { shape: 'line', max: 40 },
  advisoryUrl: { shape: 'line', max: 2000 },
  cve: SHARED_LIMITS.cve,
  cvss: SHARED_LIMITS.cvss,
};

/** §6: "with the fix" and "on a date agreed with the vendor": both are required. */
export const SELF_REPORT_REQUIRED: readonly SelfReportKey[] = ['product', 'affectedVersions', 'fixedVersions', 'summary', 'proposedPublication'];

export interface SelfReportForm {
  product?: string;
  affectedVersions?: string;
  fixedVersions?: string;
  summary?: string;
  /** `YYYY-MM-DD`: a publication day (the desk publishes on JST days, docs/partner-form.md). */
  proposedPublication?: string;
  advisoryUrl?: string;
  /** At most one CVE id (one self-report is one vulnerability); empty: none assigned yet. */
  cve?: string[];
  /** The vector's shape only; the use case scores it (src/adapters/cvss.ts) and refuses one that does not score. */
  cvss?: string;
  extra?: Record<string, string>;
  missing: SelfReportKey[];
  problems: FormProblem[];
}

/** Parses a self-report. Never throws; first non-empty value of a label wins. */
export function parseSelfReportForm(text: string): SelfReportForm {
  try {
    return parse(typeof text === 'string' ? text : '');
  } catch {
    return { missing: [...SELF_REPORT_REQUIRED], problems: [] };
  }
}

function parse(text: string): SelfReportForm {
  const form: SelfReportForm = { missing: [], problems: [] };
  const extra: Record<string, string> = {};
  const taken = new Set<SelfReportKey>();
  const problem = (field: string, code: FormProblemCode): void => {
    if (!form.problems.some((p) => p.field === field && p.code === code)) form.problems.push({ field, code });
  };
  for (const { key, label, value } of checkedFields(text, LABELS, SELF_REPORT_LIMITS, extra, problem)) {
    if (taken.has(key)) {
      addExtra(extra, label, value);
      continue;
    }
    taken.add(key);
    const code = assign(form, key, value);
    if (code !== null) {
      problem(key, code);
      addExtra(extra, label, value);
    }
  }
  if (Object.keys(extra).length > 0) form.extra = extra;
  form.missing = SELF_REPORT_REQUIRED.filter((k) => form[k] === undefined);
  return form;
}

/** Stores one value; the verdict when it cannot be read. */
function assign(form: SelfReportForm, key: SelfReportKey, value: string): FormProblemCode | null {
  switch (key) {
    case 'product':
    case 'affectedVersions':
    case 'fixedVersions':
    case 'summary':
      form[key] = value;
      return null;
    case 'proposedPublication': {
      const d = readDate(value);
      if (d === undefined) return 'bad-date';
      form.proposedPublication = d;
      return null;
    }
    case 'advisoryUrl': {
      const u = readHttpUrl(value);
      if (u === undefined) return 'bad-url';
      form.advisoryUrl = u;
      return null;
    }
    case 'cve': {
      const ids = readCves(value.replace(/\n/gu, ' '));
      if (ids === undefined) return 'bad-cve';
      // One self-report is one vulnerability (guideline §6), stored with its CVE id (a
      // CVE id names one vulnerability): two ids for one summary are not split by guess.
      if (ids.length > 1) return 'too-many-items';
      form.cve = ids;
      return null;
    }
    case 'cvss': {
      const v = readCvssVector(value);
      if (v === undefined) return 'bad-cvss';
      form.cvss = v;
      return null;
    }
  }
}

/** The blank form in `lang`, one numbered line per field. */
export function blankSelfReportForm(lang: 'ja' | 'en'): string {
  return blankForm(SELF_REPORT_FIELDS, lang);
}

/**
 * Routing only (the use case's gate decides): whether `text` is written as a self-report
 * form — the label of its own field `affectedVersions` (in no other form) beside
 * `fixedVersions` or `proposedPublication`. A form missing other fields still routes here,
 * so the vendor is told what is missing rather than its mail read as something else.
 */
export function looksLikeSelfReport(text: string): boolean {
  try {
    const keys = new Set(scanFields(typeof text === 'string' ? text : '', LABELS).flatMap((f) => (f.key === null ? [] : [f.key])));
    return keys.has('affectedVersions') && (keys.has('fixedVersions') || keys.has('proposedPublication'));
  } catch {
    return false;
  }
}
