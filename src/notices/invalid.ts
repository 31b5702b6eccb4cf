// `invalid`: a message with values the desk cannot accept (issue 9 §6): which fields and
// why, when the answer is encrypted; without `problems` it is content-free (no field named).
// A field is named by its canonical key (an enum) and shown by its label, never by what
// the sender wrote.
import { REPORT_FIELDS, VENDOR_FIELDS } from '../forms/index.ts';
import { FIELD_PROBLEM_CODES, REPORT_LIMITS, VENDOR_LIMITS, type FieldProblemCode } from '../forms/field-checks.ts';
import { FIELD_PROBLEMS } from '../domain/refusals.ts';
import { defineNotice, type Lang } from './notice.ts';
import { list, oneOf, strict } from './schema.ts';
import { fieldLabel } from './view.ts';

/** One bad value: the field's canonical key and its code (forms/field-checks.ts). */
export interface InvalidProblem {
  field: string;
  code: FieldProblemCode;
}

export interface InvalidContext {
  problems?: InvalidProblem[];
}

const INVALID_FIELDS: readonly string[] = [...new Set([...Object.keys(REPORT_LIMITS), ...Object.keys(VENDOR_LIMITS), 'extra'])];

export const schema = strict({
  problems: list(strict({ field: oneOf(INVALID_FIELDS), code: oneOf(FIELD_PROBLEM_CODES) }), 100).optional(),
});

function label(field: string, lang: Lang): string {
  if (field === 'extra') return lang === 'ja' ? '様式にない項目' : 'an item that is not part of the form';
  if (field === 'consent.creditName') return fieldLabel('consent.credit', lang);
  const report = REPORT_FIELDS.find((f) => f.key === field);
  if (report) return fieldLabel(report.key, lang);
  const vendor = VENDOR_FIELDS.find((f) => f.key === field);
  return (lang === 'ja' ? vendor?.ja[0] : vendor?.en[0]) ?? field;
}

/** The catalogue's wording (src/domain/refusals.ts `field` family): one text, not a copy. */
function reason(p: InvalidProblem, lang: Lang): string {
  const limit = REPORT_LIMITS[p.field] ?? VENDOR_LIMITS[p.field];
  return FIELD_PROBLEMS[p.code].text[lang]({ oneLine: limit?.shape === 'line', max: (limit?.max ?? 20_000).toLocaleString('en-US') });
}

export default defineNotice<InvalidContext>()({
  template: 'invalid',
  schema,
  view: (lang, c) => {
    const problems = c.problems ?? [];
    return { hasProblems: problems.length > 0, problems: problems.map((p) => ({ label: label(p.field, lang), reason: reason(p, lang) })) };
  },
});
