// `ack`: the report is accepted (受理), with its case id.
import { formatJst } from '../domain/clock.ts';
import { defineNotice } from './notice.ts';
import { caseId, instant, line, oneOf, presentIff, refuser, strict } from './schema.ts';
import { flags } from './view.ts';

/** `productName` for `product`, `siteUrl` for `website`. */
export interface AckContext {
  caseId: string;
  receivedAt: Date;
  kind: 'product' | 'website';
  productName?: string;
  siteUrl?: string;
}

export const schema = strict({
  caseId,
  receivedAt: instant,
  kind: oneOf(['product', 'website']),
  productName: line(300).optional(),
  siteUrl: line(2000).optional(),
}).superRefine((c, ctx) => {
  const refuse = refuser(ctx);
  presentIff(c, 'productName', c.kind === 'product', 'kind is product', refuse);
  presentIff(c, 'siteUrl', c.kind === 'website', 'kind is website', refuse);
});

export default defineNotice<AckContext>()({
  template: 'ack',
  schema,
  view: (_lang, c) => ({
    caseId: c.caseId,
    receivedAt: formatJst(c.receivedAt),
    ...flags(['product', 'website'], c.kind),
    productName: c.productName ?? '',
    siteUrl: c.siteUrl ?? '',
  }),
});
