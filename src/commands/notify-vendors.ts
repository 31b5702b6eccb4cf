// X-NOTIFY-VENDORS: the notification to the case's vendors that have not answered (guideline
// §3 item 4): a first one to those not notified yet, the same one again to those still silent.
import type { ProductDecision } from '../rules/product.ts';
import type { CommandSpec } from './spec.ts';

export type NotifyVendorsCommand = { kind: 'notify-vendors' };

export const notifyVendors: CommandSpec<NotifyVendorsCommand> = {
  kind: 'notify-vendors',
  keywords: ['notify-vendors'],
  arg: 'none',
  format: () => 'X-NOTIFY-VENDORS',
  effect: (_c, d, lang) => {
    const en = lang === 'en';
    if (d.notified === undefined && d.notifiedAgain === undefined) {
      return en
        ? 'The notification is sent to every vendor of the case that has not answered: a first notification to those not notified yet, the same notification again to those still silent (their start date, 起算日, and reminders unchanged).'
        : '回答のない製品開発者に通知を送ります。未通知の製品開発者には初回の通知を、通知済みで回答のない製品開発者には同じ通知を再送します（起算日と督促の回数は変わりません）。';
    }
    const first = d.notified ?? [];
    const again = d.notifiedAgain ?? [];
    if (first.length === 0 && again.length === 0) {
      return en ? 'Nothing was sent: the vendors still waiting were notified just now.' : '送信はありません。回答待ちの製品開発者には、直前に通知したところです。';
    }
    const parts = en
      ? [first.length > 0 ? `first notification to ${first.join(', ')}` : null, again.length > 0 ? `sent again to ${again.join(', ')} (start date and reminders unchanged)` : null]
      : [first.length > 0 ? `${first.join('、')} に初回の通知` : null, again.length > 0 ? `${again.join('、')} に再送（起算日と督促の回数は変わりません）` : null];
    const list = parts.filter((x) => x !== null);
    return en ? `Vendor notifications: ${list.join('; ')}.` : `製品開発者に通知しました：${list.join('、')}。`;
  },
  toEvent: () => ({ type: 'notify-vendors' }),
  details: (_c, before, decisions) => {
    const sent = decisions.filter((d): d is Extract<ProductDecision, { type: 'notify-vendor' }> => d.type === 'notify-vendor' && d.template === 'notify').map((d) => d.vendorId);
    const wasUnnotified = (id: string): boolean => before.vendors.find((v) => v.id === id)?.coordination === 'unnotified';
    return { notified: sent.filter(wasUnnotified), notifiedAgain: sent.filter((id) => !wasUnnotified(id)) };
  },
  samples: [{ kind: 'notify-vendors' }],
};
