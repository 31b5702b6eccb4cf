// `introduce`: direct exchange (guideline §3.10): the reporter and a vendor, both
// consenting, are told how to reach each other. Identities cross only here; each side gets
// the other's contact, never its own echoed to the other.
import { defineNotice } from './notice.ts';
import { EMAIL, caseId, line, lineList, name, oneOf, presentIff, refuser, strict } from './schema.ts';
import { flags, safe } from './view.ts';

export interface IntroduceContext {
  caseId: string;
  audience: 'vendor' | 'reporter';
  vendorName: string;
  productName: string;
  /** `vendor` only. */
  reporterName?: string;
  reporterEmail?: string;
  reporterOrganization?: string;
  /** `reporter` only: the vendor's registered contact addresses. */
  vendorContacts?: string[];
}

export const schema = strict({
  caseId,
  audience: oneOf(['vendor', 'reporter']),
  vendorName: name,
  productName: name,
  reporterName: name.optional(),
  reporterEmail: line(300, EMAIL).optional(),
  reporterOrganization: name.optional(),
  vendorContacts: lineList(300, 20, { pattern: EMAIL }).optional(),
}).superRefine((c, ctx) => {
  const refuse = refuser(ctx);
  presentIff(c, 'reporterName', c.audience === 'vendor', 'audience is vendor', refuse);
  presentIff(c, 'reporterEmail', c.audience === 'vendor', 'audience is vendor', refuse);
  if (c.audience !== 'vendor' && c.reporterOrganization !== undefined) refuse('reporterOrganization', 'must be absent unless audience is vendor');
  presentIff(c, 'vendorContacts', c.audience === 'reporter', 'audience is reporter', refuse);
});

export default defineNotice<IntroduceContext>()({
  template: 'introduce',
  schema,
  view: (_lang, c) => ({
    caseId: c.caseId,
    ...flags(['vendor', 'reporter'], c.audience),
    vendorName: safe(c.vendorName),
    productName: safe(c.productName),
    reporterName: safe(c.reporterName ?? ''),
    reporterEmail: safe(c.reporterEmail ?? ''),
    hasOrganization: c.reporterOrganization !== undefined,
    reporterOrganization: safe(c.reporterOrganization ?? ''),
    vendorContacts: (c.vendorContacts ?? []).map(safe).join(', '),
  }),
});
