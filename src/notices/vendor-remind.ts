// `vendor-remind`: the n-th reminder to a silent vendor (guideline §8): case id and product name only.
import { formatJst } from '../domain/clock.ts';
import { defineNotice } from './notice.ts';
import { caseId, count, instant, name, refuser, strict } from './schema.ts';
import { safe } from './view.ts';

export interface VendorRemindContext {
  caseId: string;
  vendorName: string;
  productName: string;
  /** 1 .. unreachableAfterReminders. */
  n: number;
  /** The first contact attempt (the vendor's 起算日). */
  since: Date;
  /** Settings.unreachableAfterReminders (3). */
  unreachableAfterReminders: number;
}

export const schema = strict({
  caseId,
  vendorName: name,
  productName: name,
  n: count(99),
  since: instant,
  unreachableAfterReminders: count(99),
}).superRefine((c, ctx) => {
  if (c.n > c.unreachableAfterReminders) refuser(ctx)('n', `must not exceed unreachableAfterReminders (${c.unreachableAfterReminders})`);
});

export default defineNotice<VendorRemindContext>()({
  template: 'vendor-remind',
  schema,
  view: (_lang, c) => ({
    caseId: c.caseId,
    vendorName: safe(c.vendorName),
    productName: safe(c.productName),
    n: c.n,
    since: formatJst(c.since),
    limit: c.unreachableAfterReminders,
    isLast: c.n >= c.unreachableAfterReminders,
  }),
});
