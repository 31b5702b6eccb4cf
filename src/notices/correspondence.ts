// `correspondence`: to the coordinators: the reporter or a vendor wrote to the desk about a
// case (not a form); the message is rendered quoted.
import { VENDOR_ID } from '../commands/parse.ts';
import { formatJst } from '../domain/clock.ts';
import { defineNotice } from './notice.ts';
import { block, caseId, instant, line, name, oneOf, presentIff, refuser, strict } from './schema.ts';
import { flags, quoted, safe } from './view.ts';

export interface CorrespondenceContext {
  caseId: string;
  party: 'reporter' | 'vendor';
  vendorId?: string;
  vendorName?: string;
  receivedAt: Date;
  message: string;
}

export const schema = strict({
  caseId,
  party: oneOf(['reporter', 'vendor']),
  vendorId: line(64, VENDOR_ID).optional(),
  vendorName: name.optional(),
  receivedAt: instant,
  message: block(100_000),
}).superRefine((c, ctx) => {
  const refuse = refuser(ctx);
  presentIff(c, 'vendorId', c.party === 'vendor', 'party is vendor', refuse);
  presentIff(c, 'vendorName', c.party === 'vendor', 'party is vendor', refuse);
});

export default defineNotice<CorrespondenceContext>()({
  template: 'correspondence',
  schema,
  view: (_lang, c) => ({
    caseId: c.caseId,
    ...flags(['reporter', 'vendor'], c.party),
    vendorId: c.vendorId ?? '',
    vendorName: safe(c.vendorName ?? ''),
    receivedAt: formatJst(c.receivedAt),
    message: quoted(c.message),
  }),
});
