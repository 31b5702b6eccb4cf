// `relay`: relayed correspondence (guideline §3.10): a coordinator's message to a vendor or
// the reporter, the other side masked. The vendor is greeted by name; the reporter is never
// told which vendor (§2).
import { defineNotice } from './notice.ts';
import { block, caseId, name, oneOf, presentIff, refuser, strict } from './schema.ts';
import { flags, quoted, safe } from './view.ts';

export interface RelayContext {
  caseId: string;
  audience: 'vendor' | 'reporter';
  vendorName?: string;
  productName: string;
  message: string;
}

export const schema = strict({
  caseId,
  audience: oneOf(['vendor', 'reporter']),
  vendorName: name.optional(),
  productName: name,
  message: block(20_000),
}).superRefine((c, ctx) => {
  presentIff(c, 'vendorName', c.audience === 'vendor', 'audience is vendor', refuser(ctx));
});

export default defineNotice<RelayContext>()({
  template: 'relay',
  schema,
  view: (_lang, c) => ({ caseId: c.caseId, ...flags(['vendor', 'reporter'], c.audience), vendorName: safe(c.vendorName ?? ''), productName: safe(c.productName), message: quoted(c.message) }),
});
