// X-REMOVE-VENDOR: acme: a vendor leaves the case (one already written to is told it is out).
import type { CommandSpec } from './spec.ts';

export type RemoveVendorCommand = { kind: 'remove-vendor'; vendor: string };

export const removeVendor: CommandSpec<RemoveVendorCommand> = {
  kind: 'remove-vendor',
  keywords: ['remove-vendor'],
  arg: 'vendors',
  format: (c) => `X-REMOVE-VENDOR: ${c.vendor}`,
  effect: (c, _d, lang) => (lang === 'en' ? `Vendor ${c.vendor} is removed from the case.` : `製品開発者 ${c.vendor} を案件から外しました。`),
  toEvent: (c) => ({ type: 'remove-vendor', vendorId: c.vendor }),
  samples: [{ kind: 'remove-vendor', vendor: 'acme' }],
};
