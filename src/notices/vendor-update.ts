// `vendor-update`: to a vendor of the case: the agreed date (guideline §3.5), the case
// closed (§3.3), or it is off the case (product-state.ts VendorTemplate).
import { STOP_REASONS, type StopReason } from '../commands/parse.ts';
import type { IsoDate } from '../domain/clock.ts';
import { defineNotice } from './notice.ts';
import { caseId, day, name, oneOf, presentIff, refuser, strict } from './schema.ts';
import { dayLong, dayShort, flags, safe } from './view.ts';

export interface VendorUpdateContext {
  caseId: string;
  vendorName: string;
  productName: string;
  event: 'schedule' | 'stopped' | 'withdrawn';
  /** `schedule` only: the one common publication date (JST). */
  publicationDate?: IsoDate;
  /** `schedule` only, when the date changed. */
  previousDate?: IsoDate;
  /** `stopped` only: why (a duplicate's case id is not told). */
  stopReason?: StopReason;
}

export const schema = strict({
  caseId,
  vendorName: name,
  productName: name,
  event: oneOf(['schedule', 'stopped', 'withdrawn']),
  publicationDate: day.optional(),
  previousDate: day.optional(),
  stopReason: oneOf(STOP_REASONS).optional(),
}).superRefine((c, ctx) => {
  const refuse = refuser(ctx);
  presentIff(c, 'publicationDate', c.event === 'schedule', 'event is schedule', refuse);
  if (c.event !== 'schedule' && c.previousDate !== undefined) refuse('previousDate', 'must be absent unless event is schedule');
  presentIff(c, 'stopReason', c.event === 'stopped', 'event is stopped', refuse);
});

export default defineNotice<VendorUpdateContext>()({
  template: 'vendor-update',
  schema,
  view: (lang, c) => ({
    caseId: c.caseId,
    vendorName: safe(c.vendorName),
    productName: safe(c.productName),
    ...flags(['schedule', 'stopped', 'withdrawn'], c.event),
    publicationDate: c.publicationDate === undefined ? '' : dayLong(c.publicationDate, lang),
    hasPrevious: c.previousDate !== undefined,
    previousDate: c.previousDate === undefined ? '' : dayShort(c.previousDate, lang),
    ...flags(STOP_REASONS, c.stopReason ?? ''),
  }),
});
