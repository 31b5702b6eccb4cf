// `invalid`: a message with values the desk cannot accept (issue 9 §6): which fields and
// why, when the answer is encrypted; without `problems` it is content-free (no field named).
// A field is named by its canonical key (an enum) and shown by its label, never by what
// the sender wrote.
import { REPORT_FIELDS, VENDOR_FIELDS } from '../forms/index.ts';
import { FIELD_PROBLEM_CODES, REPORT_LIMITS, VENDOR_LIMITS, type FieldProblemCode } from '../forms/field-checks.ts';
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

function reason(p: InvalidProblem, lang: Lang): string {
  const limit = REPORT_LIMITS[p.field] ?? VENDOR_LIMITS[p.field];
  const oneLine = limit?.shape === 'line';
  switch (p.code) {
    case 'control-character':
      return lang === 'ja'
        ? oneLine
          ? '制御文字（タブや NUL など）が含まれています。1 行の文字だけで書いてください'
          : '制御文字（NUL など）が含まれています。取り除いてください'
        : oneLine
          ? 'contains a control character (such as TAB or NUL); please write it as plain text on one line'
          : 'contains a control character (such as NUL); please remove it';
    case 'too-long': {
      const max = (limit?.max ?? 20_000).toLocaleString('en-US');
      return lang === 'ja' ? `長すぎます。${max} 文字以内に短くするか、添付ファイルにしてください` : `is too long (at most ${max} characters); please shorten it or attach it as a file`;
    }
    case 'unknown-case':
      return lang === 'ja' ? 'この窓口にない案件番号です。通知に書かれた案件番号を確認してください' : 'is not a case of this desk; please check the case ID given in our notice';
  }
}

export default defineNotice<InvalidContext>()({
  template: 'invalid',
  schema,
  view: (lang, c) => {
    const problems = c.problems ?? [];
    return { hasProblems: problems.length > 0, problems: problems.map((p) => ({ label: label(p.field, lang), reason: reason(p, lang) })) };
  },
});
