// `partner-answer`: to a partner CSIRT, encrypted to its pinned keys (issue 12, guideline §5):
// its case form opened a case (the desk's id beside the partner's, the publication date the
// desk holds, the vendors notified and the names the registry did not know), or it was not
// taken and why (codes of the `partner` family in src/domain/refusals.ts, and the form's
// fields by key and verdict code; never the values themselves).
import { formatJst } from '../domain/clock.ts';
import { PARTNER_FIELD_CODES, PARTNER_FIELD_PROBLEMS, PARTNER_REFUSAL_CODES, PARTNER_REFUSALS, type PartnerFieldCode, type PartnerRefusalCode } from '../domain/refusals.ts';
import { PARTNER_FORM_LIMITS, type PartnerFormKey } from '../forms/partner.ts';
import { formAnswerView, outcomeSchema, refusalSchema, refuseOutcomeMismatch, type FormAnswer } from './form-answer.ts';
import { HANDOVER_ANSWER_REFUSALS } from './handover-answer-refused.ts';
import { defineNotice, type Lang } from './notice.ts';
import { caseId, day, instant, line, lineList, list, name, oneOf, presentIff, refuser, strict } from './schema.ts';
import { safe } from './view.ts';

/** The answer's outcome and refusal (form-answer.ts), with what a partner is told of its case. */
export interface PartnerAnswerContext extends FormAnswer<PartnerMailRefusalCode, PartnerFieldCode> {
  /** The partner's own id, when the form gave one that could be read. */
  partnerRef?: string;
  /** `opened` only. */
  caseId?: string;
  embargo?: Date;
  publicationDate?: string;
  notified?: string[];
  unknownVendors?: string[];
  /** `csaf-invalid`: the validator's first findings, as `test: /json/pointer` only (never a value of the document). */
  csafErrors?: string[];
  /** `csaf-disagrees`: the form keys whose form and CSAF values differ. */
  disagrees?: string[];
}

/** The refusals of a partner's case mail; an answer to a handed-over case has its own notice (handover-answer-refused). */
export type PartnerMailRefusalCode = Exclude<PartnerRefusalCode, (typeof HANDOVER_ANSWER_REFUSALS)[number]>;
export const PARTNER_MAIL_REFUSAL_CODES = PARTNER_REFUSAL_CODES.filter((c): c is PartnerMailRefusalCode => !(HANDOVER_ANSWER_REFUSALS as readonly string[]).includes(c));

/** The catalogue's wording of a bad value of the form (`partner-field` family), with the field's limit. */
function problemReason(p: { field: string; code: PartnerFieldCode }, lang: Lang): string {
  const limit = (PARTNER_FORM_LIMITS as Partial<Record<string, (typeof PARTNER_FORM_LIMITS)[PartnerFormKey]>>)[p.field];
  return PARTNER_FIELD_PROBLEMS[p.code].text[lang]({ oneLine: limit?.shape === 'line', max: (limit?.max ?? 20_000).toLocaleString('en-US') });
}

const KEY = /^[A-Za-z][A-Za-z0-9.-]{0,63}$/u;
/** A validator finding as the desk repeats it: the test's name and a JSON pointer of plain keys and indexes. */
export const CSAF_FINDING = /^[A-Za-z0-9_]{1,64}: \/[A-Za-z0-9_/-]{0,200}$/u;

export const schema = strict({
  ...outcomeSchema,
  partnerRef: line(80).optional(),
  caseId: caseId.optional(),
  embargo: instant.optional(),
  publicationDate: day.optional(),
  notified: list(name, 100, 0).optional(),
  unknownVendors: list(name, 100, 0).optional(),
  ...refusalSchema(PARTNER_MAIL_REFUSAL_CODES, oneOf(PARTNER_FIELD_CODES)),
  csafErrors: lineList(270, 5, { minItems: 1, pattern: CSAF_FINDING }).optional(),
  disagrees: lineList(64, 20, { minItems: 1, pattern: KEY }).optional(),
}).superRefine((c, ctx) => {
  const refuse = refuser(ctx);
  refuseOutcomeMismatch(c, ['caseId', 'embargo', 'publicationDate', 'notified', 'unknownVendors'], refuse);
  // The attached CSAF document's refusals (docs/partner-form.md "Attached CSAF 2.0").
  if (c.csafErrors !== undefined && c.reason !== 'csaf-invalid') refuse('csafErrors', 'must be absent unless reason is csaf-invalid');
  presentIff(c, 'disagrees', c.reason === 'csaf-disagrees', 'reason is csaf-disagrees', refuse);
});

export default defineNotice<PartnerAnswerContext>()({
  template: 'partner-answer',
  schema,
  view: (lang, c) => ({
    // Each bad field with its code and the catalogue's reason (English: the partner is overseas).
    ...formAnswerView(lang, c, PARTNER_REFUSALS, (p) => ({ field: p.field, code: p.code, reason: problemReason(p, lang) })),
    hasPartnerRef: c.partnerRef !== undefined,
    partnerRef: safe(c.partnerRef ?? ''),
    caseId: c.caseId ?? '',
    embargo: c.embargo ? `${c.embargo.toISOString().slice(0, 16).replace('T', ' ')} UTC (${formatJst(c.embargo)})` : '',
    publicationDate: c.publicationDate ?? '',
    hasNotified: (c.notified ?? []).length > 0,
    notified: (c.notified ?? []).map(safe),
    hasUnknown: (c.unknownVendors ?? []).length > 0,
    unknownVendors: (c.unknownVendors ?? []).map(safe),
    hasCsafErrors: (c.csafErrors ?? []).length > 0,
    csafErrors: c.csafErrors ?? [],
    hasDisagrees: (c.disagrees ?? []).length > 0,
    disagrees: c.disagrees ?? [],
  }),
});
