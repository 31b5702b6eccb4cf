// X-DIRECT-CONTACT: acme: introduce reporter and vendor to each other (guideline §3 item 10),
// only when both consented, once per vendor.
import type { CommandSpec } from './spec.ts';

export type DirectContactCommand = { kind: 'direct-contact'; vendor: string };

export const directContact: CommandSpec<DirectContactCommand> = {
  kind: 'direct-contact',
  keywords: ['direct-contact'],
  arg: 'vendor',
  format: (c) => `X-DIRECT-CONTACT: ${c.vendor}`,
  effect: (c, _d, lang) =>
    lang === 'en'
      ? `The reporter and vendor ${c.vendor} will be introduced to each other for direct exchange (both consented); each is told how to reach the other.`
      : `発見者と製品開発者 ${c.vendor} が直接やりとりできるよう（双方が同意済み）、それぞれに相手の連絡先を伝えて紹介します。`,
  toEvent: (c, _snapshot, vendors) => {
    // The vendor's consent is the registry's accepts_direct (guideline §3.10); the rules
    // check the reporter's consent in the snapshot.
    const v = vendors.get(c.vendor);
    if (!v || v.removedAt) return { code: 'unknown-vendor', vendor: c.vendor };
    return { type: 'direct-contact', vendorId: v.id, vendorConsents: v.acceptsDirect };
  },
  samples: [{ kind: 'direct-contact', vendor: 'acme' }],
};
