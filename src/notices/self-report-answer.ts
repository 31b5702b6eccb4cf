// `self-report-answer`: to a registered vendor's contacts, encrypted to its pinned keys
// (issue 12, guideline §6): its self-report opened a case (the desk's id, the publication
// day), or it was not taken and why (codes of the `self-report` family in
// src/domain/refusals.ts, and the form's fields by key and verdict code; never the values).
import type { IsoDate } from '../domain/clock.ts';
import { SELF_REPORT_REFUSAL_CODES, SELF_REPORT_REFUSALS, type SelfReportRefusalCode } from '../domain/refusals.ts';
import { formAnswerView, outcomeSchema, PROBLEM_CODE, refusalSchema, refuseOutcomeMismatch, type FormAnswer } from './form-answer.ts';
import { defineNotice } from './notice.ts';
import { caseId, day, refuser, strict } from './schema.ts';
import { dayShort } from './view.ts';

/** The answer's outcome and refusal (form-answer.ts), with the case the self-report opened. */
export interface SelfReportAnswerContext extends FormAnswer<SelfReportRefusalCode> {
  /** `opened` only. */
  caseId?: string;
  publicationDate?: IsoDate;
}

export const schema = strict({
  ...outcomeSchema,
  caseId: caseId.optional(),
  publicationDate: day.optional(),
  ...refusalSchema(SELF_REPORT_REFUSAL_CODES, PROBLEM_CODE),
}).superRefine((c, ctx) => {
  refuseOutcomeMismatch(c, ['caseId', 'publicationDate'], refuser(ctx));
});

export default defineNotice<SelfReportAnswerContext>()({
  template: 'self-report-answer',
  schema,
  view: (lang, c) => ({
    ...formAnswerView(lang, c, SELF_REPORT_REFUSALS),
    caseId: c.caseId ?? '',
    publicationDate: c.publicationDate ? dayShort(c.publicationDate, lang) : '',
  }),
});
