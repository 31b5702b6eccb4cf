// `correspondence`: to the coordinators: the reporter, a vendor or a partner CSIRT wrote to the desk about a
// case (not a form); the message is rendered quoted.
import { VENDOR_ID } from '../commands/parse.ts';
import { formatJst } from '../domain/clock.ts';
import { defineNotice } from './notice.ts';
import { block, caseId, instant, line, name, oneOf, presentIff, refuser, strict } from './schema.ts';
import { flags, quoted, safe } from './view.ts';

export interface CorrespondenceContext {
  caseId: string;
  party: 'reporter' | 'vendor' | 'partner';
  vendorId?: string;
  vendorName?: string;
  /** `partner` only (issue 12): the partner CSIRT and its own id for the case. */
  partnerId?: string;
  partnerName?: string;
  partnerRef?: string;
  receivedAt: Date;
  message: string;
}

export const schema = strict({
  caseId,
  party: oneOf(['reporter', 'vendor', 'partner']),
  vendorId: line(64, VENDOR_ID).optional(),
  vendorName: name.optional(),
  partnerId: line(64, VENDOR_ID).optional(),
  partnerName: name.optional(),
  partnerRef: line(80).optional(),
  receivedAt: instant,
  message: block(100_000),
}).superRefine((c, ctx) => {
  const refuse = refuser(ctx);
  presentIff(c, 'vendorId', c.party === 'vendor', 'party is vendor', refuse);
  presentIff(c, 'vendorName', c.party === 'vendor', 'party is vendor', refuse);
  for (const k of ['partnerId', 'partnerName', 'partnerRef'] as const) presentIff(c, k, c.party === 'partner', 'party is partner', refuse);
});

export default defineNotice<CorrespondenceContext>()({
  template: 'correspondence',
  schema,
  view: (_lang, c) => ({
    caseId: c.caseId,
    ...flags(['reporter', 'vendor', 'partner'], c.party),
    vendorId: c.vendorId ?? '',
    vendorName: safe(c.vendorName ?? ''),
    partnerId: c.partnerId ?? '',
    partnerName: safe(c.partnerName ?? ''),
    partnerRef: safe(c.partnerRef ?? ''),
    receivedAt: formatJst(c.receivedAt),
    message: quoted(c.message),
  }),
});
