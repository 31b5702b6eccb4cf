// `vendor-unreachable-listed`: to a silent vendor: its name (then its product) is on the
// public unreachable list (guideline §3.7).
import { formatJst } from '../domain/clock.ts';
import { defineNotice } from './notice.ts';
import { caseId, count, instant, name, oneOf, presentIff, refuser, strict } from './schema.ts';
import { safe } from './view.ts';

export interface VendorUnreachableListedContext {
  caseId: string;
  vendorName: string;
  /** The first contact attempt. */
  since: Date;
  /** When this stage went on the list. */
  listedAt: Date;
  /** `vendor-name`: the name was listed; `product-name`: the product name followed (§3.7). */
  stage: 'vendor-name' | 'product-name';
  /** Settings.productNameAfterDays (90): only with stage `vendor-name`. */
  productNameAfterDays?: number;
}

export const schema = strict({
  caseId,
  vendorName: name,
  since: instant,
  listedAt: instant,
  stage: oneOf(['vendor-name', 'product-name']),
  productNameAfterDays: count(3650).optional(),
}).superRefine((c, ctx) => {
  const refuse = refuser(ctx);
  presentIff(c, 'productNameAfterDays', c.stage === 'vendor-name', 'stage is vendor-name', refuse);
  if (c.listedAt.getTime() < c.since.getTime()) refuse('listedAt', 'must not be before since');
});

export default defineNotice<VendorUnreachableListedContext>()({
  template: 'vendor-unreachable-listed',
  schema,
  view: (_lang, c) => ({
    caseId: c.caseId,
    vendorName: safe(c.vendorName),
    since: formatJst(c.since),
    listedAt: formatJst(c.listedAt),
    productListed: c.stage === 'product-name',
    productNameAfterDays: c.productNameAfterDays ?? 0,
  }),
});
