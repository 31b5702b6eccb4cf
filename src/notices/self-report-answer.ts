// `self-report-answer`: to a registered vendor's contacts, encrypted to its pinned keys
// (issue 12, guideline §6): its self-report opened a case (the desk's id, the publication
// day), or it was not taken and why (codes of the `self-report` family in
// src/domain/refusals.ts, and the form's fields by key and verdict code; never the values).
import type { IsoDate } from '../domain/clock.ts';
import { SELF_REPORT_REFUSAL_CODES, SELF_REPORT_REFUSALS, type SelfReportRefusalCode } from '../domain/refusals.ts';
import { defineNotice } from './notice.ts';
import { caseId, day, line, lineList, list, oneOf, presentIff, refuser, strict } from './schema.ts';
import { dayShort } from './view.ts';

export interface SelfReportAnswerContext {
  outcome: 'opened' | 'refused';
  /** `opened` only. */
  caseId?: string;
  publicationDate?: IsoDate;
  /** `refused` only. */
  reason?: SelfReportRefusalCode;
  missing?: string[];
  problems?: { field: string; code: string }[];
}

const KEY = /^[A-Za-z][A-Za-z0-9.-]{0,63}$/u;
const CODE = /^[a-z]+(-[a-z]+)*$/u;

export const schema = strict({
  outcome: oneOf(['opened', 'refused']),
  caseId: caseId.optional(),
  publicationDate: day.optional(),
  reason: oneOf(SELF_REPORT_REFUSAL_CODES).optional(),
  missing: lineList(64, 20, { minItems: 0, pattern: KEY }).optional(),
  problems: list(strict({ field: line(64, KEY), code: line(64, CODE) }), 50, 0).optional(),
}).superRefine((c, ctx) => {
  const refuse = refuser(ctx);
  const opened = c.outcome === 'opened';
  for (const k of ['caseId', 'publicationDate'] as const) presentIff(c, k, opened, 'outcome is opened', refuse);
  presentIff(c, 'reason', !opened, 'outcome is refused', refuse);
  if (opened) for (const k of ['missing', 'problems'] as const) if (c[k] !== undefined) refuse(k, 'must be absent when outcome is opened');
});

export default defineNotice<SelfReportAnswerContext>()({
  template: 'self-report-answer',
  schema,
  view: (lang, c) => ({
    opened: c.outcome === 'opened',
    refused: c.outcome === 'refused',
    caseId: c.caseId ?? '',
    publicationDate: c.publicationDate ? dayShort(c.publicationDate, lang) : '',
    reason: c.reason ? SELF_REPORT_REFUSALS[c.reason].text[lang]({}) : '',
    hasMissing: (c.missing ?? []).length > 0,
    missing: c.missing ?? [],
    hasProblems: (c.problems ?? []).length > 0,
    problems: c.problems ?? [],
  }),
});
