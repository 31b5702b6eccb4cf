// `impossible-outcome`: to a vendor, the reporter or the coordinators: the committee's
// decision, never its reasons (guideline §2, §3.8).
import type { IsoDate } from '../domain/clock.ts';
import type { ImpossibleOutcome } from '../domain/vultron.ts';
import { defineNotice } from './notice.ts';
import { caseId, day, name, oneOf, presentIff, refuser, strict } from './schema.ts';
import { dayLong, flags, safe } from './view.ts';

export interface ImpossibleOutcomeContext {
  caseId: string;
  audience: 'vendor' | 'reporter' | 'coordinators';
  outcome: ImpossibleOutcome;
  /** With outcome `publish`, when the date is set. */
  publicationDate?: IsoDate;
  /** Audience `vendor` only (required there). */
  vendorName?: string;
}

const OUTCOMES: readonly ImpossibleOutcome[] = ['publish', 'do-not-publish'];

export const schema = strict({
  caseId,
  audience: oneOf(['vendor', 'reporter', 'coordinators']),
  outcome: oneOf(OUTCOMES),
  publicationDate: day.optional(),
  vendorName: name.optional(),
}).superRefine((c, ctx) => {
  const refuse = refuser(ctx);
  presentIff(c, 'vendorName', c.audience === 'vendor', 'audience is vendor', refuse);
  if (c.outcome !== 'publish' && c.publicationDate !== undefined) refuse('publicationDate', 'must be absent unless outcome is publish');
});

export default defineNotice<ImpossibleOutcomeContext>()({
  template: 'impossible-outcome',
  schema,
  view: (lang, c) => ({
    caseId: c.caseId,
    vendorName: safe(c.vendorName ?? ''),
    ...flags(['vendor', 'reporter', 'coordinators'], c.audience),
    publish: c.outcome === 'publish',
    withhold: c.outcome === 'do-not-publish',
    hasDate: c.publicationDate !== undefined,
    publicationDate: c.publicationDate === undefined ? '' : dayLong(c.publicationDate, lang),
  }),
});
