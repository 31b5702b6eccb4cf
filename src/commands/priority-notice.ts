// X-PRIORITY-NOTICE: the fix information of the case goes to the configured government and
// critical-infrastructure contacts, signed and encrypted to each one's pinned key
// (guideline §3 item 12; docs/priority-notice.md). Only once a fix exists, before
// publication, with every fixed vendor's consent recorded (X-PRIORITY-CONSENT); the
// reporter is told first, by the desk, as part of this command. Otherwise refused with
// the first condition not met (src/rules/priority-notice.ts).
import type { CommandSpec } from './spec.ts';

export type PriorityNoticeCommand = { kind: 'priority-notice' };

export const priorityNotice: CommandSpec<PriorityNoticeCommand> = {
  kind: 'priority-notice',
  keywords: ['priority-notice', '優先通知'],
  arg: 'none',
  format: () => 'X-PRIORITY-NOTICE',
  effect: (_c, _d, lang) =>
    lang === 'en'
      ? 'The reporter is told first; then the fix information goes to every priority-notice contact, encrypted to its pinned key (a contact without a usable key gets nothing, and the coordinators are told). Nothing about the reporter is sent.'
      : '発見者に先に伝えたうえで、優先通知の各連絡先に、登録された鍵で暗号化した対策情報を送ります（鍵が使えない連絡先には送らず、調整担当者に知らせます）。発見者に関する情報は送りません。',
  // What the rules need beyond the snapshot is read by the caller (src/desk/priority-lookups.ts);
  // without it, nothing is usable: refused (fail closed).
  toEvent: (_c, _s, _v, lookups) => ({ type: 'priority-notice', contacts: lookups?.priorityContacts ?? 0, reporter: lookups?.reporter ?? 'no-key', reporterNoticeSent: lookups?.reporterNoticeSent ?? false }),
  samples: [{ kind: 'priority-notice' }],
};
