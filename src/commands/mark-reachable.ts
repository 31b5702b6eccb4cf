// X-MARK-REACHABLE: acme: contact resumed (guideline §3 item 7); the unreachable entry is withdrawn.
import type { CommandSpec } from './spec.ts';

export type MarkReachableCommand = { kind: 'mark-reachable'; vendor: string };

export const markReachable: CommandSpec<MarkReachableCommand> = {
  kind: 'mark-reachable',
  keywords: ['mark-reachable'],
  arg: 'vendors',
  format: (c) => `X-MARK-REACHABLE: ${c.vendor}`,
  effect: (c, _d, lang) =>
    lang === 'en'
      ? `Vendor ${c.vendor} is reachable again: its unreachable-vendor entry is withdrawn and the coordinators are told. If it never received the notification, it is sent now.`
      : `製品開発者 ${c.vendor} との連絡が再開しました。連絡不能としての掲載を取り下げ、調整担当者に知らせます。まだ通知を受け取っていない場合は、ここで通知します。`,
  toEvent: (c) => ({ type: 'mark-reachable', vendorId: c.vendor }),
  samples: [{ kind: 'mark-reachable', vendor: 'acme' }],
};
