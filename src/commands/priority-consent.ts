// X-PRIORITY-CONSENT: acme: the vendor, consulted, agrees that its fix information may go
// to the priority-notice contacts before publication (guideline §3 item 12: "after
// consulting the vendor"). Recorded on the case; X-PRIORITY-NOTICE requires it of every
// vendor whose fix the notice carries.
import type { CommandSpec } from './spec.ts';

export type PriorityConsentCommand = { kind: 'priority-consent'; vendor: string };

export const priorityConsent: CommandSpec<PriorityConsentCommand> = {
  kind: 'priority-consent',
  keywords: ['priority-consent', '優先通知同意'],
  arg: 'vendor',
  format: (c) => `X-PRIORITY-CONSENT: ${c.vendor}`,
  effect: (c, _d, lang) =>
    lang === 'en'
      ? `The consent of vendor ${c.vendor} to a priority notice is recorded on the case.`
      : `製品開発者 ${c.vendor} の優先通知への同意を案件に記録しました。`,
  toEvent: (c) => ({ type: 'priority-consent', vendorId: c.vendor }),
  samples: [{ kind: 'priority-consent', vendor: 'acme' }],
};
