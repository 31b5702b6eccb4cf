// `partner-answer`: to a partner CSIRT, encrypted to its pinned keys (issue 12, guideline §5):
// its case form opened a case (the desk's id beside the partner's, the publication date the
// desk holds, the vendors notified and the names the registry did not know), or it was not
// taken and why (codes of the `partner` family in src/domain/refusals.ts, and the form's
// fields by key and verdict code; never the values themselves).
import { formatJst } from '../domain/clock.ts';
import { PARTNER_REFUSAL_CODES, PARTNER_REFUSALS, type PartnerRefusalCode } from '../domain/refusals.ts';
import { defineNotice } from './notice.ts';
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
  reason?: PartnerRefusalCode;
  /** Form keys missing (`refused`). */
  missing?: string[];
  /** Form keys with their verdict codes (`refused`). */
  problems?: { field: string; code: string }[];
}

const KEY = /^[A-Za-z][A-Za-z0-9.-]{0,63}$/u;
const CODE = /^[a-z]+(-[a-z]+)*$/u;

export const schema = strict({
  outcome: oneOf(['opened', 'refused']),
  partnerRef: line(80).optional(),
  caseId: caseId.optional(),
  embargo: instant.optional(),
  publicationDate: day.optional(),
  notified: list(name, 100, 0).optional(),
  unknownVendors: list(name, 100, 0).optional(),
  reason: oneOf(PARTNER_REFUSAL_CODES).optional(),
  missing: lineList(64, 20, { minItems: 0, pattern: KEY }).optional(),
  problems: list(strict({ field: line(64, KEY), code: line(64, CODE) }), 50, 0).optional(),
}).superRefine((c, ctx) => {
  const refuse = refuser(ctx);
  const opened = c.outcome === 'opened';
  for (const k of ['caseId', 'embargo', 'publicationDate', 'notified', 'unknownVendors'] as const) presentIff(c, k, opened, 'outcome is opened', refuse);
  presentIff(c, 'reason', !opened, 'outcome is refused', refuse);
  if (opened) for (const k of ['missing', 'problems'] as const) if (c[k] !== undefined) refuse(k, 'must be absent when outcome is opened');
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
    problems: c.problems ?? [],
  }),
});
