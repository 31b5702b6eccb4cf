// X-MARK-UNREACHABLE: acme: the unreachable-vendor procedure starts (guideline §3 item 7).
import type { CommandSpec } from './spec.ts';

export type MarkUnreachableCommand = { kind: 'mark-unreachable'; vendor: string };

export const markUnreachable: CommandSpec<MarkUnreachableCommand> = {
  kind: 'mark-unreachable',
  keywords: ['mark-unreachable'],
  arg: 'vendors',
  format: (c) => `X-MARK-UNREACHABLE: ${c.vendor}`,
  effect: (c, _d, lang) =>
    lang === 'en'
      ? `Vendor ${c.vendor} is marked unreachable: the unreachable-vendor procedure starts (its name may be published to find a contact).`
      : `製品開発者 ${c.vendor} を連絡不能としました。連絡不能開発者の手続き（連絡先を求めるための製品開発者名の公表など）を開始します。`,
  toEvent: (c) => ({ type: 'mark-unreachable', vendorId: c.vendor }),
  samples: [{ kind: 'mark-unreachable', vendor: 'acme' }],
};
