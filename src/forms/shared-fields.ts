// The fields the partner case form (docs/partner-form.md; guideline §5) and the vendor
// self-report form (docs/self-report-form.md; guideline §6) share, with the same labels and
// limits in both: the summary, the CVE ids and the CVSS vector (read by advisory-values.ts).
// The first label of each is the one the desk writes in a blank form.
import { checkValue, foldValue, type FieldLimit, type FieldProblemCode } from './field-checks.ts';
import type { FieldLabels } from './labels.ts';
import { addExtra, scanFields } from './lines.ts';

export type SharedFieldKey = 'summary' | 'cve' | 'cvss';

export const SHARED_FIELDS: { readonly [K in SharedFieldKey]: FieldLabels<K> } = {
  summary: { key: 'summary', ja: ['脆弱性の概要', '概要'], en: ['Summary', 'Vulnerability summary', 'Description'] },
  cve: { key: 'cve', ja: ['CVE番号'], en: ['CVE', 'CVE ID'] },
  cvss: { key: 'cvss', ja: ['CVSSベクトル', 'CVSS'], en: ['CVSS', 'CVSS vector'] },
};

export const SHARED_LIMITS: { readonly [K in SharedFieldKey]: FieldLimit } = {
  summary: { shape: 'text', max: 20_000 },
  cve: { shape: 'text', max: 4000 },
  cvss: { shape: 'line', max: 300 },
};

/**
 * The fields of `text` under the labels of `labels` whose values can be kept, folded to
 * their `limits`. Empty values are skipped; a value over its limit is a `problem` of its key
 * and never yielded (never stored, never echoed); a value under an unknown label goes to
 * `extra` by its label as written, or is a problem of `extra` when it or its label is too long.
 */
export function* checkedFields<K extends string>(
  text: string,
  labels: ReadonlyMap<string, K>,
  limits: Record<K, FieldLimit>,
  extra: Record<string, string>,
  problem: (field: string, code: FieldProblemCode) => void,
): Generator<{ key: K; label: string; value: string }> {
  for (const f of scanFields(text, labels)) {
    if (f.key === null) {
      const bad = checkValue(f.value, { shape: 'text', max: 20_000 }) ?? checkValue(f.label, { shape: 'line', max: 200 });
      if (bad !== null) problem('extra', bad);
      else addExtra(extra, f.label, f.value);
      continue;
    }
    if (f.value === '') continue;
    const limit = limits[f.key];
    const value = foldValue(f.value, limit);
    const bad = checkValue(value, limit);
    if (bad !== null) {
      problem(f.key, bad);
      continue; // never stored, never echoed
    }
    yield { key: f.key, label: f.label, value };
  }
}

/** The blank form in `lang`, one numbered line per field with its first label. */
export function blankForm<K extends string>(fields: readonly FieldLabels<K>[], lang: 'ja' | 'en'): string {
  const colon = lang === 'ja' ? '：' : ':';
  return fields.map((f, i) => `${String(i + 1)}. ${(lang === 'ja' ? f.ja[0] : f.en[0]) ?? f.key}${colon}`).join('\n') + '\n';
}
