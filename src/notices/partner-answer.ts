// `partner-answer`: to a partner CSIRT, encrypted to its pinned keys (issue 12, guideline §5):
// its case form opened a case (the desk's id beside the partner's, the publication date the
// desk holds, the vendors notified and the names the registry did not know), or it was not
// taken and why (codes of the `partner` family in src/domain/refusals.ts, and the form's
// fields by key and verdict code; never the values themselves).
import { formatJst } from '../domain/clock.ts';
import { PARTNER_FIELD_CODES, PARTNER_FIELD_PROBLEMS, PARTNER_REFUSAL_CODES, PARTNER_REFUSALS, type PartnerFieldCode, type PartnerRefusalCode } from '../domain/refusals.ts';
import { PARTNER_FORM_LIMITS, type PartnerFormKey } from '../forms/partner.ts';
import { HANDOVER_ANSWER_REFUSALS } from './handover-answer-refused.ts';
import { defineNotice, type Lang } from './notice.ts';
import { caseId, day, instant, line, lineList, list, name, oneOf, presentIff, refuser, strict } from './schema.ts';
import { safe } from './view.ts';

export interface PartnerAnswerContext {
  outcome: 'opened' | 'refused';
  /** The partner's own id, when the form gave one that could be read. */
  partnerRef?: string;
  /** `opened` only. */
  caseId?: string;
  embargo?: Date;
  publicationDate?: string;
  notified?: string[];
  unknownVendors?: string[];
  /** `refused` only. */
  reason?: PartnerMailRefusalCode;
  /** Form keys missing (`refused`). */
  missing?: string[];
  /** Form keys with their verdict codes (`refused`; the catalogue's `partner-field` family). */
  problems?: { field: string; code: PartnerFieldCode }[];
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
  outcome: oneOf(['opened', 'refused']),
  partnerRef: line(80).optional(),
  caseId: caseId.optional(),
  embargo: instant.optional(),
  publicationDate: day.optional(),
  notified: list(name, 100, 0).optional(),
  unknownVendors: list(name, 100, 0).optional(),
  reason: oneOf(PARTNER_MAIL_REFUSAL_CODES).optional(),
  missing: lineList(64, 20, { minItems: 0, pattern: KEY }).optional(),
  problems: list(strict({ field: line(64, KEY), code: oneOf(PARTNER_FIELD_CODES) }), 50, 0).optional(),
  csafErrors: lineList(270, 5, { minItems: 1, pattern: CSAF_FINDING }).optional(),
  disagrees: lineList(64, 20, { minItems: 1, pattern: KEY }).optional(),
}).superRefine((c, ctx) => {
  const refuse = refuser(ctx);
  const opened = c.outcome === 'opened';
  for (const k of ['caseId', 'embargo', 'publicationDate', 'notified', 'unknownVendors'] as const) presentIff(c, k, opened, 'outcome is opened', refuse);
  presentIff(c, 'reason', !opened, 'outcome is refused', refuse);
  if (opened) for (const k of ['missing', 'problems'] as const) if (c[k] !== undefined) refuse(k, 'must be absent when outcome is opened');
  if (c.csafErrors !== undefined && c.reason !== 'csaf-invalid') refuse('csafErrors', 'must be absent unless reason is csaf-invalid');
  presentIff(c, 'disagrees', c.reason === 'csaf-disagrees', 'reason is csaf-disagrees', refuse);
});

export default defineNotice<PartnerAnswerContext>()({
  template: 'partner-answer',
  schema,
  view: (lang, c) => ({
    opened: c.outcome === 'opened',
    refused: c.outcome === 'refused',
    hasPartnerRef: c.partnerRef !== undefined,
    partnerRef: safe(c.partnerRef ?? ''),
    caseId: c.caseId ?? '',
    embargo: c.embargo ? `${c.embargo.toISOString().slice(0, 16).replace('T', ' ')} UTC (${formatJst(c.embargo)})` : '',
    publicationDate: c.publicationDate ?? '',
    hasNotified: (c.notified ?? []).length > 0,
    notified: (c.notified ?? []).map(safe),
    hasUnknown: (c.unknownVendors ?? []).length > 0,
    unknownVendors: (c.unknownVendors ?? []).map(safe),
    reason: c.reason ? PARTNER_REFUSALS[c.reason].text[lang]({}) : '',
    hasMissing: (c.missing ?? []).length > 0,
    missing: c.missing ?? [],
    hasProblems: (c.problems ?? []).length > 0,
    // Each bad field with its code and the catalogue's reason (English: the partner is overseas).
    problems: (c.problems ?? []).map((p) => ({ field: p.field, code: p.code, reason: problemReason(p, lang) })),
    hasCsafErrors: (c.csafErrors ?? []).length > 0,
    csafErrors: c.csafErrors ?? [],
    hasDisagrees: (c.disagrees ?? []).length > 0,
    disagrees: c.disagrees ?? [],
  }),
});
