// `signed-mail-not-applied`: to a vendor's registered contacts, encrypted: a mail its pinned
// key signed over the whole message was not applied, and why (issue 9 §2-3; content-free:
// the reason code only).
import { defineNotice } from './notice.ts';
import { oneOf, strict } from './schema.ts';
import { flags } from './view.ts';

/** The gate's refusals that can reach a proven signer (src/inbound/authority.ts codes). */
export const NOT_APPLIED_REASONS = ['replayed-signature', 'signature-too-old', 'signature-in-future', 'no-case', 'unknown-case', 'case-conflict', 'sender-not-contact'] as const;
export type NotAppliedReason = (typeof NOT_APPLIED_REASONS)[number];

export interface SignedMailNotAppliedContext {
  reason: NotAppliedReason;
}

export const schema = strict({ reason: oneOf(NOT_APPLIED_REASONS) });

export default defineNotice<SignedMailNotAppliedContext>()({
  template: 'signed-mail-not-applied',
  schema,
  view: (_lang, c) => flags(NOT_APPLIED_REASONS, c.reason),
});
