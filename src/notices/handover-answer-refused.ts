// `handover-answer-refused`: to a partner CSIRT, encrypted to its pinned keys (issue 12
// "Outbound"; guideline §5): its signed answer about a case the desk handed over to it
// (X-HANDOVER) was not applied, and why (the `partner` family of src/domain/refusals.ts):
// - `answer-invalid`: values that could not be read, each field by its label with the
//   catalogue's reason (the `partner-field` family), never the value itself (as the
//   `invalid` notice answers a vendor, issue 9 §6); nothing of the message was applied;
// - `case-closed`: the case is published or stopped (src/rules/handover.ts handoverClosed).
// Written in English first: partners are overseas (as partner-answer, partner-handover).
import { HANDOVER_ANSWER_FIELDS, HANDOVER_ANSWER_LIMITS, type HandoverAnswerKey } from '../forms/handover-answer.ts';
import { PARTNER_FIELD_CODES, PARTNER_FIELD_PROBLEMS, PARTNER_REFUSALS, type PartnerFieldCode } from '../domain/refusals.ts';
import { defineNotice, type Lang } from './notice.ts';
import { caseId, line, list, oneOf, presentIff, refuser, strict } from './schema.ts';
import { safe } from './view.ts';

export const HANDOVER_ANSWER_REFUSALS = ['answer-invalid', 'case-closed'] as const;

export interface HandoverAnswerRefusedContext {
  /** The desk's case the answer was about. */
  caseId: string;
  /** The partner's own id for the case, when the desk knows one (its subject carries it). */
  partnerRef?: string;
  reason: (typeof HANDOVER_ANSWER_REFUSALS)[number];
  /** `answer-invalid` only: each bad value, by field key and catalogue code. */
  problems?: { field: HandoverAnswerKey; code: PartnerFieldCode }[];
}

const KEYS = HANDOVER_ANSWER_FIELDS.map((f) => f.key);

export const schema = strict({
  caseId,
  partnerRef: line(80).optional(),
  reason: oneOf(HANDOVER_ANSWER_REFUSALS),
  problems: list(strict({ field: oneOf(KEYS), code: oneOf(PARTNER_FIELD_CODES) }), 20).optional(),
}).superRefine((c, ctx) => {
  presentIff(c, 'problems', c.reason === 'answer-invalid', 'reason is answer-invalid', refuser(ctx));
});

/** The field as the partner wrote it on the form (the label the handover notice asks for). */
function label(field: HandoverAnswerKey, lang: Lang): string {
  const f = HANDOVER_ANSWER_FIELDS.find((x) => x.key === field);
  return (lang === 'ja' ? f?.ja[0] : f?.en[0]) ?? field;
}

/** The catalogue's wording (`partner-field` family): one text, not a copy. */
function reason(p: { field: HandoverAnswerKey; code: PartnerFieldCode }, lang: Lang): string {
  const limit = HANDOVER_ANSWER_LIMITS[p.field];
  return PARTNER_FIELD_PROBLEMS[p.code].text[lang]({ oneLine: limit.shape === 'line', max: limit.max.toLocaleString('en-US') });
}

export default defineNotice<HandoverAnswerRefusedContext>()({
  template: 'handover-answer-refused',
  schema,
  view: (lang, c) => ({
    caseId: c.caseId,
    hasPartnerRef: c.partnerRef !== undefined,
    partnerRef: safe(c.partnerRef ?? ''),
    reason: PARTNER_REFUSALS[c.reason].text[lang]({}),
    invalid: c.reason === 'answer-invalid',
    problems: (c.problems ?? []).map((p) => ({ label: label(p.field, lang), code: p.code, reason: reason(p, lang) })),
  }),
});
