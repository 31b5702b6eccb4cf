// The registry of the desk's notices (issue 10): notice name → its module (src/notices/<name>.ts:
// the render-context schema, the view, the template). Adding a notice is one module, one
// line here and its templates/<name>.ja.hbs and .en.hbs (docs/architecture.md, "Notices").
// Rendering is src/outbound/templates.ts renderNotice.
import ack from './ack.ts';
import advisory from './advisory.ts';
import coordAlert from './coord-alert.ts';
import coordNewCase from './coord-new-case.ts';
import correspondence from './correspondence.ts';
import digest from './digest.ts';
import impossibleInvite from './impossible-invite.ts';
import impossibleOutcome from './impossible-outcome.ts';
import introduce from './introduce.ts';
import invalid from './invalid.ts';
import keyHeld from './key-held.ts';
import missing from './missing.ts';
import nokey from './nokey.ts';
import type { NoticeModule } from './notice.ts';
import handoverAnswerRefused from './handover-answer-refused.ts';
import partnerAnswer from './partner-answer.ts';
import partnerStatus from './partner-status.ts';
import partnerHandover from './partner-handover.ts';
import priorityNotice from './priority-notice.ts';
import reporterPriority from './reporter-priority.ts';
import selfReportAnswer from './self-report-answer.ts';
import coordSelfReport from './coord-self-report.ts';
import published from './published.ts';
import questionNotAnswered from './question-not-answered.ts';
import rejected from './rejected.ts';
import relay from './relay.ts';
import reporterNotAccepted from './reporter-not-accepted.ts';
import reporterProgress from './reporter-progress.ts';
import reporterReceived from './reporter-received.ts';
import reporterStatus from './reporter-status.ts';
import reporterStopped from './reporter-stopped.ts';
import reporterWithdrawal from './reporter-withdrawal.ts';
import { checkContext } from './schema.ts';
import type { WebsiteNoticeData, WebsiteNoticeKind } from '../rules/website-notices.ts';
import signedMailNotApplied from './signed-mail-not-applied.ts';
import unencrypted from './unencrypted.ts';
import vendorNotify from './vendor-notify.ts';
import vendorRemind from './vendor-remind.ts';
import vendorReplyRecorded from './vendor-reply-recorded.ts';
import vendorUnreachableListed from './vendor-unreachable-listed.ts';
import vendorUpdate from './vendor-update.ts';
// The website track (guideline §4; data shapes in src/rules/website-notices.ts).
import operatorNotify from './operator-notify.ts';
import operatorFirstContact from './operator-first-contact.ts';
import operatorRemind from './operator-remind.ts';
import operatorKeyReminder from './operator-key-reminder.ts';
import operatorThanks from './operator-thanks.ts';
import operatorStopped from './operator-stopped.ts';
import operatorRelay from './operator-relay.ts';
import reporterAccepted from './reporter-accepted.ts';
import reporterSiteNotAccepted from './reporter-site-not-accepted.ts';
import reporterSiteStopped from './reporter-site-stopped.ts';
import reporterSiteFixed from './reporter-site-fixed.ts';
import reporterRelay from './reporter-relay.ts';
import coordConfirmOperator from './coord-confirm-operator.ts';
import coordOperatorNoKey from './coord-operator-no-key.ts';
import coordOperatorSilent from './coord-operator-silent.ts';
import coordFixTarget from './coord-fix-target.ts';
import coordOperatorNotVulnerable from './coord-operator-not-vulnerable.ts';
import coordOperatorFixed from './coord-operator-fixed.ts';
import coordReplyOutOfScope from './coord-reply-out-of-scope.ts';

/** Every notice, by name. */
export const NOTICES = {
  // The screening notices (report intake, src/rules/screening.ts).
  ack,
  missing,
  unencrypted,
  nokey,
  rejected,
  invalid,
  // The product track (guideline §3) and the desk's answers (issue 9).
  'vendor-notify': vendorNotify,
  'vendor-remind': vendorRemind,
  'vendor-unreachable-listed': vendorUnreachableListed,
  'coord-new-case': coordNewCase,
  'coord-alert': coordAlert,
  'reporter-progress': reporterProgress,
  'vendor-update': vendorUpdate,
  'reporter-not-accepted': reporterNotAccepted,
  introduce,
  relay,
  correspondence,
  'reporter-received': reporterReceived,
  'key-held': keyHeld,
  'vendor-reply-recorded': vendorReplyRecorded,
  'signed-mail-not-applied': signedMailNotApplied,
  'reporter-stopped': reporterStopped,
  'reporter-withdrawal': reporterWithdrawal,
  'impossible-invite': impossibleInvite,
  'impossible-outcome': impossibleOutcome,
  advisory,
  published,
  // The coordinators' morning digest (issue 11).
  digest,
  // A reporter's question about its case (issue 11).
  'reporter-status': reporterStatus,
  'question-not-answered': questionNotAnswered,
  // Partner CSIRTs (issue 12, guideline §5).
  'partner-answer': partnerAnswer,
  'partner-status': partnerStatus,
  'partner-handover': partnerHandover,
  'handover-answer-refused': handoverAnswerRefused,
  // Vendor self-reports (issue 12, guideline §6).
  'self-report-answer': selfReportAnswer,
  'coord-self-report': coordSelfReport,
  // Priority notices (issue 12, guideline §3 item 12).
  'priority-notice': priorityNotice,
  'reporter-priority': reporterPriority,
  // The website track (guideline §4; src/rules/website-notices.ts WEBSITE_NOTICES).
  'operator-notify': operatorNotify,
  'operator-first-contact': operatorFirstContact,
  'operator-remind': operatorRemind,
  'operator-key-reminder': operatorKeyReminder,
  'operator-thanks': operatorThanks,
  'operator-stopped': operatorStopped,
  'operator-relay': operatorRelay,
  'reporter-accepted': reporterAccepted,
  'reporter-site-not-accepted': reporterSiteNotAccepted,
  'reporter-site-stopped': reporterSiteStopped,
  'reporter-site-fixed': reporterSiteFixed,
  'reporter-relay': reporterRelay,
  'coord-confirm-operator': coordConfirmOperator,
  'coord-operator-no-key': coordOperatorNoKey,
  'coord-operator-silent': coordOperatorSilent,
  'coord-fix-target': coordFixTarget,
  'coord-operator-not-vulnerable': coordOperatorNotVulnerable,
  'coord-operator-fixed': coordOperatorFixed,
  'coord-reply-out-of-scope': coordReplyOutOfScope,
} as const;

/**
 * The notice that renders each website notice kind (src/rules/website-notices.ts): the same
 * name, except where a product notice of that name has another shape (it has no site URL).
 */
export const WEBSITE_NOTICE_NAME = {
  'operator-notify': 'operator-notify',
  'operator-first-contact': 'operator-first-contact',
  'operator-remind': 'operator-remind',
  'operator-key-reminder': 'operator-key-reminder',
  'operator-thanks': 'operator-thanks',
  'operator-stopped': 'operator-stopped',
  'operator-relay': 'operator-relay',
  'reporter-accepted': 'reporter-accepted',
  'reporter-not-accepted': 'reporter-site-not-accepted',
  'reporter-stopped': 'reporter-site-stopped',
  'reporter-site-fixed': 'reporter-site-fixed',
  'reporter-relay': 'reporter-relay',
  'coord-confirm-operator': 'coord-confirm-operator',
  'coord-operator-no-key': 'coord-operator-no-key',
  'coord-operator-silent': 'coord-operator-silent',
  'coord-fix-target': 'coord-fix-target',
  'coord-operator-not-vulnerable': 'coord-operator-not-vulnerable',
  'coord-operator-fixed': 'coord-operator-fixed',
  'coord-reply-out-of-scope': 'coord-reply-out-of-scope',
} as const satisfies { [K in WebsiteNoticeKind]: AnyNoticeName };

/** The website track's notices (guideline §4). */
export type WebsiteNoticeName = (typeof WEBSITE_NOTICE_NAME)[WebsiteNoticeKind];
export const WEBSITE_NOTICE_NAMES = Object.values(WEBSITE_NOTICE_NAME) as readonly WebsiteNoticeName[];

type ContextOf<M> = M extends NoticeModule<infer C> ? C : never;

/** The render context of each notice (what the caller passes to renderNotice). */
export type NoticeContexts = { [N in keyof typeof NOTICES]: ContextOf<(typeof NOTICES)[N]> };

/** Every notice. */
export type AnyNoticeName = keyof NoticeContexts;
/**
 * The screening notices (report intake, src/rules/screening.ts), which NOTICE_NAMES lists.
 * Kept to these so the exhaustive switches over it elsewhere still hold; the product
 * track's notices are CoordinationNoticeName, the website track's WebsiteNoticeName.
 */
export type NoticeName = 'ack' | 'missing' | 'unencrypted' | 'nokey' | 'rejected' | 'invalid';
export const NOTICE_NAMES: readonly NoticeName[] = ['ack', 'missing', 'unencrypted', 'nokey', 'rejected', 'invalid'];
export type CoordinationNoticeName = Exclude<AnyNoticeName, NoticeName | WebsiteNoticeName>;
export const ALL_NOTICE_NAMES = Object.keys(NOTICES) as readonly AnyNoticeName[];
export const COORDINATION_NOTICE_NAMES = ALL_NOTICE_NAMES.filter((n): n is CoordinationNoticeName => !(NOTICE_NAMES as readonly string[]).includes(n) && !(WEBSITE_NOTICE_NAMES as readonly string[]).includes(n));

/** The module of notice `name` (an unknown name is a programming error). */
export function noticeModule<N extends AnyNoticeName>(name: N): NoticeModule<NoticeContexts[N]> {
  if (!Object.hasOwn(NOTICES, name)) throw new Error(`unknown notice template "${String(name)}"`);
  return NOTICES[name] as unknown as NoticeModule<NoticeContexts[N]>;
}

/** Checks `context` against the schema of `name`; throws NoticeContextError naming the notice and the key. */
export function validateNoticeContext<N extends AnyNoticeName>(name: N, context: unknown): asserts context is NoticeContexts[N] {
  checkContext(name, noticeModule(name).schema, context);
}

export { LANGS, type Lang, type NoticeModule, type RenderedNotice } from './notice.ts';
export { NoticeContextError } from './schema.ts';
export { blankVendorReplyForm, formatFingerprint, type CreditContext } from './view.ts';
export { COORD_ALERT_FOR, COORD_ALERT_KINDS, type CoordAlertContext, type CoordAlertKind } from './coord-alert.ts';
export { PROGRESS_ITEMS, type ProgressItem, type ReporterProgressContext } from './reporter-progress.ts';
export { NOT_APPLIED_REASONS, type NotAppliedReason } from './signed-mail-not-applied.ts';
export { NOTICE_REJECT_REASONS, type NoticeRejectReason } from './rejected.ts';
export type { InvalidProblem } from './invalid.ts';
export type { VendorNotifyBase, VendorNotifyContext } from './vendor-notify.ts';
export type { VendorRemindContext } from './vendor-remind.ts';
export type { VendorUnreachableListedContext } from './vendor-unreachable-listed.ts';
export type { VendorUpdateContext } from './vendor-update.ts';
export type { IntroduceContext } from './introduce.ts';
export type { CoordNewCaseContext } from './coord-new-case.ts';
export type { VendorReplyRecordedContext } from './vendor-reply-recorded.ts';
export type { ImpossibleOutcomeContext } from './impossible-outcome.ts';
export type { AdvisoryContext, AdvisoryVendor } from './advisory.ts';
export type { PublishedContext } from './published.ts';
export type { UnreachableListEntry } from './unreachable-list.ts';

/** Compile-time check: each website kind's data shape is exactly its notice's context. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const WEBSITE_SHAPES_MATCH: { [K in WebsiteNoticeKind]: Same<WebsiteNoticeData[K], NoticeContexts[(typeof WEBSITE_NOTICE_NAME)[K]]> } = {
  'operator-notify': true,
  'operator-first-contact': true,
  'operator-remind': true,
  'operator-key-reminder': true,
  'operator-thanks': true,
  'operator-stopped': true,
  'operator-relay': true,
  'reporter-accepted': true,
  'reporter-not-accepted': true,
  'reporter-stopped': true,
  'reporter-site-fixed': true,
  'reporter-relay': true,
  'coord-confirm-operator': true,
  'coord-operator-no-key': true,
  'coord-operator-silent': true,
  'coord-fix-target': true,
  'coord-operator-not-vulnerable': true,
  'coord-operator-fixed': true,
  'coord-reply-out-of-scope': true,
};
