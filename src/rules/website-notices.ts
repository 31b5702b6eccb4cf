// The notices of the website track (guideline §4), as data: for each kind, who receives
// it, whether it must be encrypted, and which information classes of guideline §2 it may
// carry; and the TypeScript shape of the data a notice module renders. The rules
// (website.ts) decide *that* a notice goes and with which rule data (dates, counts, the
// consent flag); the notice module fills the rest from the case's report under these
// shapes and nothing else.
//
// There is no public audience: a website case has no advisory, and the site's name, URL
// and operator never appear in any public text or statistic (guideline §2, §4 items 5-6).
import type { IsoDate } from '../domain/clock.ts';
import type { VendorStatus } from '../domain/inspect.ts';
import type { StopReason } from './product-state.ts';

/** guideline §2's classes, as the website notices use them. */
export const INFO_CLASSES = [
  /** The case id `[VR-2026-0042]` and the desk's own contact details. */
  'case-ref',
  /** Site name and URL (never public; to the operator, the reporter who sent it, coordinators). */
  'site-identity',
  /** What is wrong and where, how to reproduce it (confidential until the site is fixed). */
  'vulnerability-details',
  /** The verification or attack method (PoC, steps): the operator only, never public. */
  'verification-method',
  /** The fix target and the desk's dates. */
  'schedule',
  /** What the operator said (reply status, comment). */
  'operator-status',
  /** The operator's identity (name, contact). */
  'operator-identity',
  /** Reporter's name, address, organisation: to the operator only with consent (資料1 2.(4)). */
  'reporter-identity',
  /** A coordinator's own words (a relay). */
  'coordinator-text',
  /** The reply form (mail-protocol §4), the confidentiality note for contractors, the personal-data guidance (§4 item 5). */
  'instructions',
  /** How to give the desk a key, and the desk's own key: for a first contact in clear. */
  'key-request',
] as const;
export type InfoClass = (typeof INFO_CLASSES)[number];

export type WebsiteAudience = 'operator' | 'reporter' | 'coordinators';

export interface NoticeSpec {
  audience: WebsiteAudience;
  /** Encrypted to the recipient's key; false: signed clear text, content-free (case-ref and key-request only). */
  encrypted: boolean;
  carries: readonly InfoClass[];
}

const OPERATOR_DETAILS = ['case-ref', 'site-identity', 'vulnerability-details', 'verification-method', 'schedule', 'instructions'] as const;
const COORDINATOR_ALERT = ['case-ref', 'site-identity', 'operator-identity', 'operator-status', 'schedule'] as const;

/** Every notice the website rules may ask for. */
export const WEBSITE_NOTICES = {
  /** The details, encrypted to the operator's pinned key (guideline §4 item 2; issue 11). */
  'operator-notify': { audience: 'operator', encrypted: true, carries: [...OPERATOR_DETAILS, 'reporter-identity'] },
  /** No key pinned: a content-free first contact asking for a key (fail closed). */
  'operator-first-contact': { audience: 'operator', encrypted: false, carries: ['case-ref', 'key-request'] },
  /** The n-th reminder to a silent operator that holds the details (guideline §8). */
  'operator-remind': { audience: 'operator', encrypted: true, carries: ['case-ref', 'site-identity', 'schedule', 'instructions'] },
  /** The n-th reminder to an operator that was asked for a key and gave none: content-free again. */
  'operator-key-reminder': { audience: 'operator', encrypted: false, carries: ['case-ref', 'key-request'] },
  /** guideline §1: the operator is thanked when it reports the fix. */
  'operator-thanks': { audience: 'operator', encrypted: true, carries: ['case-ref', 'site-identity'] },
  /** The case was stopped after the details went: it is over, and the details stay confidential. */
  'operator-stopped': { audience: 'operator', encrypted: true, carries: ['case-ref', 'site-identity', 'coordinator-text'] },
  /** A coordinator's words to the operator; the desk speaks for the reporter (no identity). */
  'operator-relay': { audience: 'operator', encrypted: true, carries: ['case-ref', 'coordinator-text'] },
  'reporter-accepted': { audience: 'reporter', encrypted: true, carries: ['case-ref', 'site-identity'] },
  'reporter-not-accepted': { audience: 'reporter', encrypted: true, carries: ['case-ref', 'site-identity', 'coordinator-text'] },
  'reporter-stopped': { audience: 'reporter', encrypted: true, carries: ['case-ref', 'site-identity', 'coordinator-text'] },
  /** guideline §4 item 4: the operator reported the fix. No operator identity beyond the site. */
  'reporter-site-fixed': { audience: 'reporter', encrypted: true, carries: ['case-ref', 'site-identity', 'schedule'] },
  /** A coordinator's words to the reporter; the desk speaks for the operator (no identity). */
  'reporter-relay': { audience: 'reporter', encrypted: true, carries: ['case-ref', 'coordinator-text'] },
  /** A lookup proposed operator(s): a coordinator confirms one (X-CONFIRM-OPERATOR). */
  'coord-confirm-operator': { audience: 'coordinators', encrypted: true, carries: COORDINATOR_ALERT },
  /** The operator has no key: a content-free first contact went; a key is needed. */
  'coord-operator-no-key': { audience: 'coordinators', encrypted: true, carries: COORDINATOR_ALERT },
  /** The operator stayed silent through the reminders. */
  'coord-operator-silent': { audience: 'coordinators', encrypted: true, carries: COORDINATOR_ALERT },
  /** The fix target (起算日 + 90 days) came with no fix reported. */
  'coord-fix-target': { audience: 'coordinators', encrypted: true, carries: COORDINATOR_ALERT },
  /** The operator says the site is not vulnerable: a coordinator decides. */
  'coord-operator-not-vulnerable': { audience: 'coordinators', encrypted: true, carries: COORDINATOR_ALERT },
  /** The operator reported the fix; the reporter was told and the case closed. */
  'coord-operator-fixed': { audience: 'coordinators', encrypted: true, carries: COORDINATOR_ALERT },
  /** A signed operator reply the rules could not take (wrong operator, no details sent, case not open). */
  'coord-reply-out-of-scope': { audience: 'coordinators', encrypted: true, carries: COORDINATOR_ALERT },
} as const satisfies Record<string, NoticeSpec>;

export type WebsiteNoticeKind = keyof typeof WEBSITE_NOTICES;
export const WEBSITE_NOTICE_KINDS = Object.keys(WEBSITE_NOTICES) as WebsiteNoticeKind[];

export type OperatorNoticeKind = { [K in WebsiteNoticeKind]: (typeof WEBSITE_NOTICES)[K]['audience'] extends 'operator' ? K : never }[WebsiteNoticeKind];
export type ReporterNoticeKind = { [K in WebsiteNoticeKind]: (typeof WEBSITE_NOTICES)[K]['audience'] extends 'reporter' ? K : never }[WebsiteNoticeKind];
export type CoordinatorNoticeKind = { [K in WebsiteNoticeKind]: (typeof WEBSITE_NOTICES)[K]['audience'] extends 'coordinators' ? K : never }[WebsiteNoticeKind];

// ---- what a notice module renders --------------------------------------------------------

/** guideline §4 item 5: what the operator should publish if personal data may have leaked. */
export const PERSONAL_DATA_ITEMS = ['summary', 'likely-period', 'likely-number', 'kinds-of-data', 'cause', 'contact'] as const;
export type PersonalDataItem = (typeof PERSONAL_DATA_ITEMS)[number];

/** The reporter as the operator may see them: only with `consent.shareIdentity` (guideline §2). */
export interface ReporterIdentity {
  name: string;
  organization: string | null;
  email: string | null;
}

/** Every notice: the desk's tag and its own key, nothing of the case. */
export interface CaseRef {
  caseId: string;
}

export interface OperatorNotifyData extends CaseRef {
  siteUrl: string;
  siteName: string | null;
  vulnerabilityType: string | null;
  summary: string;
  reproduction: string;
  /** The verification method: to the operator only (guideline §2), never to anyone else. */
  verification: string | null;
  impact: string | null;
  /** 起算日 + websiteFixDays (guideline §4 item 3; §8). */
  fixTarget: IsoDate;
  /** The reply form's statuses (mail-protocol §4) the operator answers with. */
  replyStatuses: readonly VendorStatus[];
  /** Contractors may see the details only under confidentiality (issue 11). */
  contractorConfidentiality: true;
  /** What to publish if personal data may have leaked (guideline §4 item 5). */
  personalDataItems: readonly PersonalDataItem[];
  /** Null unless the reporter consented to share their identity (資料1 2.(4)). */
  reporter: ReporterIdentity | null;
}

/** Content-free (clear text, signed): no site, no vulnerability, nothing of the reporter. */
export interface OperatorKeyRequestData extends CaseRef {
  /** The desk's key fingerprint and where to fetch it (WKD, the desk's site). */
  deskKeyFingerprint: string;
  /** The reminder's number; null for the first contact itself. */
  reminder: number | null;
}

export interface OperatorRemindData extends CaseRef {
  siteUrl: string;
  n: number;
  /** The first contact attempt (起算日). */
  since: IsoDate;
  fixTarget: IsoDate;
  replyStatuses: readonly VendorStatus[];
}

export interface OperatorThanksData extends CaseRef {
  siteUrl: string;
}

export interface OperatorStoppedData extends CaseRef {
  siteUrl: string;
  reason: StopReason['kind'];
}

export interface RelayData extends CaseRef {
  /** The coordinator's text as written, quoted; nothing of the other party. */
  text: string;
}

export interface ReporterAcceptedData extends CaseRef {
  siteUrl: string;
}

export interface ReporterNotAcceptedData extends CaseRef {
  siteUrl: string;
  reason: string;
}

export interface ReporterStoppedData extends CaseRef {
  siteUrl: string;
  /** A duplicate's case id is not told. */
  reason: StopReason['kind'];
}

export interface ReporterSiteFixedData extends CaseRef {
  siteUrl: string;
  /** JST date the operator reported the fix. */
  fixedOn: IsoDate;
}

export interface CoordinatorAlertData extends CaseRef {
  /** The rules' own line (ids, dates, counts); coordinators may read the whole case. */
  detail: string;
  siteUrl: string;
  operatorId: string | null;
  operatorName: string | null;
  fixTarget: IsoDate | null;
}

/** The data each notice kind renders from. */
export interface WebsiteNoticeData {
  'operator-notify': OperatorNotifyData;
  'operator-first-contact': OperatorKeyRequestData;
  'operator-remind': OperatorRemindData;
  'operator-key-reminder': OperatorKeyRequestData;
  'operator-thanks': OperatorThanksData;
  'operator-stopped': OperatorStoppedData;
  'operator-relay': RelayData;
  'reporter-accepted': ReporterAcceptedData;
  'reporter-not-accepted': ReporterNotAcceptedData;
  'reporter-stopped': ReporterStoppedData;
  'reporter-site-fixed': ReporterSiteFixedData;
  'reporter-relay': RelayData;
  'coord-confirm-operator': CoordinatorAlertData;
  'coord-operator-no-key': CoordinatorAlertData;
  'coord-operator-silent': CoordinatorAlertData;
  'coord-fix-target': CoordinatorAlertData;
  'coord-operator-not-vulnerable': CoordinatorAlertData;
  'coord-operator-fixed': CoordinatorAlertData;
  'coord-reply-out-of-scope': CoordinatorAlertData;
}

/** Which fields of each data shape hold which class (for the tests and the notice modules). */
export const FIELD_CLASSES: Readonly<Record<string, InfoClass>> = {
  caseId: 'case-ref',
  deskKeyFingerprint: 'key-request',
  reminder: 'key-request',
  siteUrl: 'site-identity',
  siteName: 'site-identity',
  vulnerabilityType: 'vulnerability-details',
  summary: 'vulnerability-details',
  reproduction: 'vulnerability-details',
  impact: 'vulnerability-details',
  verification: 'verification-method',
  fixTarget: 'schedule',
  since: 'schedule',
  fixedOn: 'schedule',
  n: 'schedule',
  replyStatuses: 'instructions',
  contractorConfidentiality: 'instructions',
  personalDataItems: 'instructions',
  reporter: 'reporter-identity',
  text: 'coordinator-text',
  reason: 'coordinator-text',
  detail: 'operator-status',
  operatorId: 'operator-identity',
  operatorName: 'operator-identity',
};
