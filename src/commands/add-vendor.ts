// X-ADD-VENDOR: acme[, globex ...]: registered vendor(s) join the case and are notified at
// once when the report is accepted (their 起算日, guideline §3 item 4).
import type { CommandSpec } from './spec.ts';

export type AddVendorCommand = { kind: 'add-vendor'; vendor: string };

export const addVendor: CommandSpec<AddVendorCommand> = {
  kind: 'add-vendor',
  keywords: ['add-vendor'],
  arg: 'vendors',
  format: (c) => `X-ADD-VENDOR: ${c.vendor}`,
  effect: (c, _d, lang) =>
    lang === 'en'
      ? `Vendor ${c.vendor} is added to the case and sent the notification at once (its start date, 起算日, is today); if the report is not accepted yet, it is notified on acceptance.`
      : `製品開発者 ${c.vendor} を案件に追加し、直ちに通知します（本日がその製品開発者の起算日です）。届出が未受理の場合は、受理の時に通知します。`,
  toEvent: (c, _snapshot, vendors) => {
    const v = vendors.get(c.vendor);
    if (!v || v.removedAt) return { code: 'unknown-vendor', vendor: c.vendor };
    return { type: 'add-vendor', vendor: { id: v.id, name: v.name, product: v.products[0]?.name ?? null } };
  },
  samples: [{ kind: 'add-vendor', vendor: 'acme' }],
};
