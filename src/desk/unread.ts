// What the store keeps of an unencrypted message (issue 9 §8). The desk answers such mail
// that it did not take its content in (templates/unencrypted.*): the original bytes stay in
// `messages.raw`, as every original does (the record of what arrived), but nothing read
// from them stays: no subject, no text, no parsed form, no attachment names. Who sent it,
// its Message-ID (for the answer's threading) and the signature verdict remain.
import type { InspectResult } from '../domain/inspect.ts';

export const UNREAD_NOTE = 'unencrypted: content not read into the store (the original is kept as received)';

export function unreadVerdict<V extends InspectResult & { desk: { text: string } }>(v: V): Omit<V, 'report' | 'vendorReply'> {
  const { report: _report, vendorReply: _vendorReply, ...rest } = v;
  return {
    ...rest,
    subject: null,
    kind: 'unknown',
    attachments: [],
    notes: [UNREAD_NOTE],
    desk: { ...v.desk, text: '' },
  };
}
