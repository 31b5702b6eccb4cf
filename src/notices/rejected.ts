// `rejected`, content-free: a message was rejected, a mail-protocol §5 reason or
// `invalid-signature` (a tampered or forged signature: src/rules/screening.ts). An enum only.
import type { RejectReason } from '../domain/inspect.ts';
import { defineNotice } from './notice.ts';
import { oneOf, strict } from './schema.ts';
import { flags } from './view.ts';

export type NoticeRejectReason = RejectReason | 'invalid-signature';

// A record, so that a reason added to RejectReason fails to compile until it is here
// (and the template test then demands a sentence for it in both languages).
const REASONS: Record<NoticeRejectReason, true> = {
  'mixed-encryption': true,
  'not-for-us': true,
  'decompression-limit': true,
  'too-large': true,
  malformed: true,
  'no-content': true,
  'invalid-signature': true,
};
export const NOTICE_REJECT_REASONS = Object.keys(REASONS) as readonly NoticeRejectReason[];

export interface RejectedContext {
  reason: NoticeRejectReason;
}

export const schema = strict({ reason: oneOf(NOTICE_REJECT_REASONS) });

export default defineNotice<RejectedContext>()({
  template: 'rejected',
  schema,
  view: (_lang, c) => flags(NOTICE_REJECT_REASONS, c.reason),
});
