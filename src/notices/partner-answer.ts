// `partner-answer`: to a partner CSIRT, encrypted to its pinned keys (issue 12, guideline §5):
// its case form opened a case (the desk's id beside the partner's, the publication date the
// desk holds, the vendors notified and the names the registry did not know), or it was not
// taken and why (codes of the `partner` family in src/domain/refusals.ts, and the form's
// fields by key and verdict code; never the values themselves).
import { formatJst } from '../domain/clock.ts';
import { PARTNER_REFUSAL_CODES, PARTNER_REFUSALS, type PartnerRefusalCode } from '../domain/refusals.ts';
import { formAnswerView, outcomeSchema, refusalSchema, refuseOutcomeMismatch, type FormAnswer } from './form-answer.ts';
import { defineNotice } from './notice.ts';
import { caseId, day, instant, line, list, name, refuser, strict } from './schema.ts';
import { safe } from './view.ts';

/** The answer's outcome and refusal (form-answer.ts), with what a partner is told of its case. */
export interface PartnerAnswerContext extends FormAnswer<PartnerRefusalCode> {
  /** The partner's own id, when the form gave one that could be read. */
  partnerRef?: string;
  /** `opened` only. */
  caseId?: string;
  embargo?: Date;
  publicationDate?: string;
  notified?: string[];
  unknownVendors?: string[];
}

export const schema = strict({
  ...outcomeSchema,
  partnerRef: line(80).optional(),
  caseId: caseId.optional(),
  embargo: instant.optional(),
  publicationDate: day.optional(),
  notified: list(name, 100, 0).optional(),
  unknownVendors: list(name, 100, 0).optional(),
  ...refusalSchema(PARTNER_REFUSAL_CODES),
}).superRefine((c, ctx) => {
  refuseOutcomeMismatch(c, ['caseId', 'embargo', 'publicationDate', 'notified', 'unknownVendors'], refuser(ctx));
});

export default defineNotice<PartnerAnswerContext>()({
  template: 'partner-answer',
  schema,
  view: (lang, c) => ({
    ...formAnswerView(lang, c, PARTNER_REFUSALS),
    hasPartnerRef: c.partnerRef !== undefined,
    partnerRef: safe(c.partnerRef ?? ''),
    caseId: c.caseId ?? '',
    embargo: c.embargo ? `${c.embargo.toISOString().slice(0, 16).replace('T', ' ')} UTC (${formatJst(c.embargo)})` : '',
    publicationDate: c.publicationDate ?? '',
    hasNotified: (c.notified ?? []).length > 0,
    notified: (c.notified ?? []).map(safe),
    hasUnknown: (c.unknownVendors ?? []).length > 0,
    unknownVendors: (c.unknownVendors ?? []).map(safe),
  }),
});
