// Notices the desk sends, rendered from templates/<name>.<lang>.hbs.
//
// A template file is `Subject: ...` on its first line, a blank line, then the body. The
// subject is the real one: compose.ts puts it only into the protected (encrypted) inner
// headers, never into outer headers (pitfalls.md: never put template output into
// headers in clear).
//
// Every render context is checked against the template's schema first: required keys,
// their types, no unknown keys. Handlebars' `strict` catches `{{missing}}` but not
// `{{#if missing}}` (pitfalls.md), and an unknown key is how report text would slip into
// a content-free notice. The schema of the content-free notices (`unencrypted`, `nokey`,
// `rejected`) admits only enums and the desk's own fingerprint, so they cannot carry
// anything from the message they answer.
//
// The product track's notices (vendor-notify ... published) follow the guideline's
// information classes (guideline §2): each schema holds exactly what its reader may see.
// The reporter's identity reaches a vendor only with `shareIdentity: true`; the advisory
// and the reporter's notices have no key for the verification or attack method; the
// public unreachable list takes no case id, reporter or vulnerability detail at all.
// Text that comes from outside the desk and may span lines (the reporter's summary and
// steps, a vendor's workaround) is rendered as a quoted block (`  | `), so it cannot pass
// for the desk's own words nor for a label line of a form.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTemplateEngine } from '../adapters/handlebars.ts';
import { neutralise, neutraliseDeep } from './neutralise.ts';
import { formatCommand, STOP_REASONS, VENDOR_ID, type Command, type StopReason } from '../commands/parse.ts';
import { addCalendarDays, formatJst, isIsoDate, jstStartOfDay, type IsoDate } from '../domain/clock.ts';
import type { RejectReason } from '../domain/inspect.ts';
import type { ImpossibleOutcome } from '../domain/vultron.ts';
import { REPORT_FIELDS, VENDOR_FIELDS, type ReportKey } from '../forms/index.ts';
import { FIELD_PROBLEM_CODES, REPORT_LIMITS, VENDOR_LIMITS, type FieldProblemCode } from '../forms/field-checks.ts';
import type { AdvisoryVendorStatus, CoordinatorTemplate } from '../rules/product-state.ts';

export type Lang = 'ja' | 'en';
export const LANGS: readonly Lang[] = ['ja', 'en'];

/** The render context of each notice (what the caller passes to renderNotice). */
export interface NoticeContexts {
  /** Report accepted (受理). `productName` for `product`, `siteUrl` for `website`. */
  ack: { caseId: string; receivedAt: Date; kind: 'product' | 'website'; productName?: string; siteUrl?: string };
  /** Report incomplete: canonical keys of the missing fields and `blankReportForm(lang)`. */
  missing: { missing: ReportKey[]; blankForm: string; draftTag?: string };
  /** Content-free: a clear-text message arrived; `deskFingerprint` of the attached desk key. */
  unencrypted: { deskFingerprint: string };
  /** Content-free: the desk has no usable key for the recipient. */
  nokey: { why: 'none' | 'expired' | 'revoked' };
  /**
   * Content-free: a message was rejected: a mail-protocol §5 reason, or
   * `invalid-signature` (a tampered or forged signature: src/rules/screening.ts).
   */
  rejected: { reason: NoticeRejectReason };
  /**
   * A message with values the desk cannot accept (issue 9 §6): which fields and why, when
   * the answer is encrypted; without `problems` it is content-free (no field named).
   */
  invalid: { problems?: InvalidProblem[] };

  // ---- the product track (guideline §3) -------------------------------------------------
  /** To one vendor, encrypted to its pinned keys only: the case in full (§3.4). */
  'vendor-notify': VendorNotifyContext;
  /** The n-th reminder to a silent vendor (§8): case id and product name only. */
  'vendor-remind': VendorRemindContext;
  /** To a silent vendor: its name (then its product) is on the public unreachable list (§3.7). */
  'vendor-unreachable-listed': VendorUnreachableListedContext;
  /** To the coordinators: a new case, with vendor and duplicate candidates and the commands to act. */
  'coord-new-case': CoordNewCaseContext;
  /** To the coordinators: something needs a decision; about the case only its id. */
  'coord-alert': CoordAlertContext;
  /** To the reporter: progress in general terms, no vendor secrets (§2). */
  'reporter-progress': ReporterProgressContext;
  /** To a vendor of the case: the agreed date (§3.5), the case closed (§3.3), or it is off the case. */
  'vendor-update': VendorUpdateContext;
  /** To the reporter: the coordinator did not accept the report, with the reason (§3.2). */
  'reporter-not-accepted': { caseId: string; reason: string };
  /** Direct exchange (§3.10): the reporter and a vendor, both consenting, are told how to reach each other. */
  introduce: IntroduceContext;
  /** Relayed correspondence (§3.10): a coordinator's message to a vendor or the reporter, the other side masked. */
  relay: { caseId: string; audience: 'vendor' | 'reporter'; vendorName?: string; productName: string; message: string };
  /** To the coordinators: the reporter or a vendor wrote to the desk about a case (not a form). */
  correspondence: { caseId: string; party: 'reporter' | 'vendor'; vendorId?: string; vendorName?: string; receivedAt: Date; message: string };
  /** To the reporter: a message about the case was received and passed to the coordinators. */
  'reporter-received': { caseId: string };
  /**
   * Content-free, to the sender of a message signed by a key other than the one on file for
   * its address (issue 9 §4): the key is held for the coordinators; nothing of the message.
   */
  'key-held': Record<string, never>;
  /**
   * To a vendor's registered contacts, encrypted: a mail its pinned key signed over the whole
   * message was not applied, and why (issue 9 §2-3; content-free: the reason code only).
   */
  'signed-mail-not-applied': { reason: NotAppliedReason };
  /** To a vendor: its reply was applied, with what was recorded (issue 9 §8). */
  'vendor-reply-recorded': VendorReplyRecordedContext;
  /** To the reporter: handling stopped, with the reason (§3.3). */
  'reporter-stopped': { caseId: string; reason: StopReason };
  /** To the reporter: one year after 起算日 the non-disclosure request may be withdrawn (§3.9). */
  'reporter-withdrawal': { caseId: string; startDate: IsoDate };
  /** To a vendor: the coordination-impossible procedure is open; its view is invited (§3.8). */
  'impossible-invite': { caseId: string; vendorName: string; productName: string; deadline: IsoDate };
  /** To a vendor, the reporter or the coordinators: the committee's decision, never its reasons (§2). */
  'impossible-outcome': ImpossibleOutcomeContext;
  /** The public advisory (§3.13): summary-class information only (§2). */
  advisory: AdvisoryContext;
  /** To the reporter: the case is published, with the credit line as it appears. */
  published: PublishedContext;
}

/** Credit in the advisory: the name only when the reporter asked for it (資料2 III.4.7). */
export type CreditContext = { credit: true; creditName: string } | { credit: false; creditName?: never };

export interface VendorNotifyBase {
  caseId: string;
  /** The vendor as registered (the salutation). */
  vendorName: string;
  productName: string;
  productVersion: string;
  /** The reporter's text (several lines allowed; shown quoted). */
  summary: string;
  /** Free text or `CWE-n`, one line. */
  vulnerabilityType?: string;
  /** A CVSS vector, one line. */
  cvss?: string;
  impact?: string;
  /** Confidential: never public (§2). */
  reproduction: string;
  /** Confidential: never public (§2). */
  verification?: string;
  /** The case's 起算日 (§3.4; 003 *5). */
  startDate: IsoDate;
  /** The publication date on the table (JST calendar date). */
  publicationDate: IsoDate;
  /** Whether `publicationDate` is the desk's proposal or the agreed date. */
  dateStatus: 'proposed' | 'agreed';
  /** Settings.publicationDays: the target, days after 起算日 (45; 003 *9). */
  publicationDays: number;
  /** The reporter agreed to exchange information directly (§3.10): the desk offers to introduce. */
  offerDirectContact: boolean;
}

/** The reporter's name, e-mail and organisation only with consent (§2; 資料1 2.(4)). */
export type VendorNotifyContext = VendorNotifyBase &
  (
    | { shareIdentity: true; reporterName: string; reporterEmail: string; reporterOrganization?: string }
    | { shareIdentity: false; reporterName?: never; reporterEmail?: never; reporterOrganization?: never }
  );

export interface VendorRemindContext {
  caseId: string;
  vendorName: string;
  productName: string;
  /** 1 .. unreachableAfterReminders. */
  n: number;
  /** The first contact attempt (the vendor's 起算日). */
  since: Date;
  /** Settings.unreachableAfterReminders (3). */
  unreachableAfterReminders: number;
}

export interface VendorUnreachableListedContext {
  caseId: string;
  vendorName: string;
  /** The first contact attempt. */
  since: Date;
  /** When this stage went on the list. */
  listedAt: Date;
  /** `vendor-name`: the name was listed; `product-name`: the product name followed (§3.7). */
  stage: 'vendor-name' | 'product-name';
  /** Settings.productNameAfterDays (90): only with stage `vendor-name`. */
  productNameAfterDays?: number;
}

/** What a vendor of the case is told besides the notification (product-state.ts VendorTemplate). */
export interface VendorUpdateContext {
  caseId: string;
  vendorName: string;
  productName: string;
  event: 'schedule' | 'stopped' | 'withdrawn';
  /** `schedule` only: the one common publication date (JST). */
  publicationDate?: IsoDate;
  /** `schedule` only, when the date changed. */
  previousDate?: IsoDate;
  /** `stopped` only: why (a duplicate's case id is not told). */
  stopReason?: StopReason;
}

/** guideline §3.10: identities cross only here, and only when both sides consented. */
export interface IntroduceContext {
  caseId: string;
  audience: 'vendor' | 'reporter';
  vendorName: string;
  productName: string;
  /** `vendor` only. */
  reporterName?: string;
  reporterEmail?: string;
  reporterOrganization?: string;
  /** `reporter` only: the vendor's registered contact addresses. */
  vendorContacts?: string[];
}

export interface CoordNewCaseContext {
  caseId: string;
  receivedAt: Date;
  kind: 'product' | 'website';
  /** As reported: `product` only (productName required). */
  productName?: string;
  productVersion?: string;
  reportedVendor?: string;
  /** As reported: `website` only (required). */
  siteUrl?: string;
  vulnerabilityType?: string;
  summary: string;
  /** registry/candidates.ts vendorCandidates, best first (empty for `website`). */
  vendorCandidates: { id: string; name: string; score: number; why: string[] }[];
  /** registry/candidates.ts duplicateCandidates, best first. */
  duplicateCandidates: { caseId: string; score: number; why: string[] }[];
}

export const COORD_ALERT_KINDS = [
  'unauthorised-command',
  // A different key proving a known address arrived by mail and is held (issue 9 §4); no case.
  'key-held',
  'reply-wrong-key',
  // A signed mail without authority (issue 9 §1-3: src/inbound/authority.ts codes); names no case.
  'signed-mail-refused',
  'vendor-unreachable',
  'impossible-deadline',
  'other-vendors-affected',
  'advisory-url-early',
  'late-vendor-date',
  'all-not-affected',
  'notice-withheld-no-key',
  // issue 9 §5: a notice to a vendor or the public carried the reporter's identity.
  'notice-withheld-identity',
  // Automatic answers to one address reached their limit (issue 9 §8; src/desk/answers.ts).
  'answers-rate-limited',
  // issue 9 §6: a job failed for good (nothing is left failed in silence), and a party's
  // message refused for a bad value (its verdict code in the detail).
  'job-failed',
  'bad-value',
  // The other coordinator notices of the rules (product-state.ts CoordinatorTemplate).
  'vendor-reachable',
  'product-name-published',
  'confirm-vendor',
  'date-proposed',
  'date-rejected',
  'reply-conflict',
  'reply-out-of-scope',
  'embargo-broken',
  'attacks-observed',
  'impossible-view',
  'published',
] as const;
export type CoordAlertKind = (typeof COORD_ALERT_KINDS)[number];
/**
 * Alerts about the desk rather than one case: no case id required. A failed job, a refused
 * value or a reply not signed by a vendor may name no case, or one that does not exist
 * (issue 9 §6).
 */
const DESK_LEVEL_ALERTS: ReadonlySet<CoordAlertKind> = new Set<CoordAlertKind>(['unauthorised-command', 'answers-rate-limited', 'key-held', 'job-failed', 'bad-value', 'reply-wrong-key']);

/**
 * The coord-alert kind of each coordinator notice the rules decide (`notify-coordinators`);
 * `impossible-decided` is the `impossible-outcome` notice (audience `coordinators`). A
 * Record, so that a template added to the rules fails to compile until it is mapped here.
 */
export const COORD_ALERT_FOR: Record<Exclude<CoordinatorTemplate, 'impossible-decided'>, CoordAlertKind> = {
  'vendor-unreachable': 'vendor-unreachable',
  'vendor-reachable': 'vendor-reachable',
  'product-name-published': 'product-name-published',
  'late-vendor': 'late-vendor-date',
  'confirm-vendor': 'confirm-vendor',
  'date-proposed': 'date-proposed',
  'date-rejected': 'date-rejected',
  'other-vendors': 'other-vendors-affected',
  'reply-conflict': 'reply-conflict',
  'reply-out-of-scope': 'reply-out-of-scope',
  'all-not-affected': 'all-not-affected',
  'advisory-url': 'advisory-url-early',
  'embargo-broken': 'embargo-broken',
  'attacks-observed': 'attacks-observed',
  'impossible-view': 'impossible-view',
  'impossible-deadline': 'impossible-deadline',
  published: 'published',
};

/** The gate's refusals that can reach a proven signer (src/inbound/authority.ts codes). */
export const NOT_APPLIED_REASONS = ['replayed-signature', 'signature-too-old', 'signature-in-future', 'no-case', 'unknown-case', 'case-conflict', 'sender-not-contact'] as const;
export type NotAppliedReason = (typeof NOT_APPLIED_REASONS)[number];

export interface VendorReplyRecordedContext {
  caseId: string;
  vendorName: string;
  status?: 'affected' | 'not-affected' | 'investigating' | 'fixed';
  fixedVersions?: string;
  proposedPublication?: IsoDate;
  advisoryUrl?: string;
  /** The reply came signed but not encrypted: the vendor is asked to encrypt next time. */
  askToEncrypt: boolean;
}

export interface CoordAlertContext {
  kind: CoordAlertKind;
  /** Absent for `unauthorised-command` and `signed-mail-refused` (the mail is not trusted to name a case). */
  caseId?: string;
  /** One short line made by the desk (the rules' `detail`). */
  detail: string;
}

export const PROGRESS_ITEMS = [
  'vendor-notified',
  'vendor-investigating',
  'vendor-confirmed',
  'fix-in-preparation',
  'fix-ready',
  'vendor-not-affected',
  'vendor-unreachable',
  'date-set',
  'date-changed',
] as const;
export type ProgressItem = (typeof PROGRESS_ITEMS)[number];

export type ReporterProgressContext = {
  caseId: string;
  /** What happened, in general terms (no fixed versions, no vendor's words). */
  progress: ProgressItem[];
  /** Required with `date-set` / `date-changed`, absent otherwise. */
  publicationDate?: IsoDate;
} & ({ vendorNamesPublic: true; vendorNames: string[] } | { vendorNamesPublic: false; vendorNames?: never });

export interface ImpossibleOutcomeContext {
  caseId: string;
  audience: 'vendor' | 'reporter' | 'coordinators';
  outcome: ImpossibleOutcome;
  /** With outcome `publish`, when the date is set. */
  publicationDate?: IsoDate;
  /** Audience `vendor` only (required there). */
  vendorName?: string;
}

export interface AdvisoryVendor {
  name: string;
  status: AdvisoryVendorStatus;
  product?: string;
  /** Status `fixed` only. */
  fixedVersions?: string;
  /** Not with status `not-affected`. */
  workaround?: string;
  advisoryUrl?: string;
  /** The vendor's view on the publication (public once published, §2). */
  statement?: string;
}

export type AdvisoryContext = {
  caseId: string;
  title: string;
  publishedOn: IsoDate;
  /** Date received (資料2 III.4.7). */
  receivedOn: IsoDate;
  productName: string;
  affectedVersions: string;
  /** The public summary (what is wrong, not how to exploit it). */
  summary: string;
  vulnerabilityType?: string;
  cvss?: string;
  impact?: string;
  vendors: AdvisoryVendor[];
  /** Further URLs (CVE, other advisories). */
  references?: string[];
  /** The desk's contact for the advisory. */
  contact: string;
  /** Published after the publication judgment committee decided to (§3.8): the fact only. */
  byCommittee: boolean;
} & CreditContext;

export type PublishedContext = {
  caseId: string;
  publishedOn: IsoDate;
  /** The desk's published advisory. */
  advisoryUrl?: string;
} & CreditContext;

/** One line of the public unreachable list (§3.7; 003 *8). */
export interface UnreachableListEntry {
  vendorName: string;
  /** When the vendor name was listed. */
  since: Date;
  /** Only once the product name is published (about three months later). */
  productName?: string;
}

export type NoticeRejectReason = RejectReason | 'invalid-signature';

/** One bad value named in the `invalid` notice: the field's canonical key and its code (forms/field-checks.ts). */
export interface InvalidProblem {
  field: string;
  code: FieldProblemCode;
}
const INVALID_FIELDS: readonly string[] = [...new Set([...Object.keys(REPORT_LIMITS), ...Object.keys(VENDOR_LIMITS), 'extra'])];
// A record, so that a reason added to RejectReason fails to compile until it is here
// (and the template test then demands a sentence for it in both languages).
const REASONS: Record<NoticeRejectReason, true> = {
  'mixed-encryption': true,
  'not-for-us': true,
  'decompression-limit': true,
  'too-large': true,
  malformed: true,
  'no-content': true,
  'invalid-signature': true,
};
export const NOTICE_REJECT_REASONS = Object.keys(REASONS) as readonly NoticeRejectReason[];

/** Every notice. */
export type AnyNoticeName = keyof NoticeContexts;
/**
 * The screening notices (report intake, src/rules/screening.ts), which NOTICE_NAMES lists.
 * Kept to these five so the exhaustive switches over it elsewhere still hold; the product
 * track's notices are CoordinationNoticeName.
 */
export type NoticeName = 'ack' | 'missing' | 'unencrypted' | 'nokey' | 'rejected' | 'invalid';
export const NOTICE_NAMES: readonly NoticeName[] = ['ack', 'missing', 'unencrypted', 'nokey', 'rejected', 'invalid'];
export type CoordinationNoticeName = Exclude<AnyNoticeName, NoticeName>;
export const COORDINATION_NOTICE_NAMES: readonly CoordinationNoticeName[] = [
  'vendor-notify',
  'vendor-remind',
  'vendor-unreachable-listed',
  'coord-new-case',
  'coord-alert',
  'reporter-progress',
  'vendor-update',
  'reporter-not-accepted',
  'introduce',
  'relay',
  'correspondence',
  'reporter-received',
  'key-held',
  'vendor-reply-recorded',
  'signed-mail-not-applied',
  'reporter-stopped',
  'reporter-withdrawal',
  'impossible-invite',
  'impossible-outcome',
  'advisory',
  'published',
];
export const ALL_NOTICE_NAMES: readonly AnyNoticeName[] = [...NOTICE_NAMES, ...COORDINATION_NOTICE_NAMES];

export interface RenderedNotice {
  /** The real subject (single line): for protected inner headers only. */
  subject: string;
  /** Body text, LF line ends, ending with one newline. */
  text: string;
}

/** A render context that does not fit the template's schema. */
export class NoticeContextError extends Error {
  constructor(
    readonly template: string,
    readonly key: string,
    problem: string,
  ) {
    super(`notice "${template}": context key "${key}" ${problem}`);
    this.name = 'NoticeContextError';
  }
}

// ---- dates and fingerprints ------------------------------------------------------------

const pad2 = (n: number): string => String(n).padStart(2, '0');

function wallClock(ms: number): { date: string; time: string } {
  const d = new Date(ms);
  return {
    date: `${String(d.getUTCFullYear())}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`,
    time: `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}`,
  };
}

/** Every date the desk shows, JST with UTC beside it: the one formatter is src/domain/clock.ts. */
export { formatJst };

/** 40 hex digits in groups of four, the way gpg prints them (`ABCD EF01 ... `). */
export function formatFingerprint(fpr: string): string {
  const groups = fpr.toUpperCase().match(/.{1,4}/g) ?? [];
  return [groups.slice(0, 5).join(' '), groups.slice(5).join(' ')].filter((s) => s.length > 0).join('  ');
}

// ---- schemas ---------------------------------------------------------------------------

type FieldType =
  /** One line of text: no control characters (a newline would let data forge desk text). */
  | { type: 'line'; max: number; pattern?: RegExp }
  /** Several lines of text (the blank form; outside text is rendered quoted). */
  | { type: 'text'; max: number }
  | { type: 'date' }
  | { type: 'enum'; values: readonly string[] }
  /** A non-empty list of distinct values from `values`. */
  | { type: 'enum[]'; values: readonly string[] }
  | { type: 'bool' }
  /** A finite number in [min, max]; whole when `integer`. */
  | { type: 'number'; min: number; max: number; integer?: boolean }
  /** A JST calendar date `YYYY-MM-DD` that exists (clock.ts IsoDate). */
  | { type: 'day' }
  /** A list of one-line values (`line` rules each), `minItems` (default 1) to `maxItems`. */
  | { type: 'line[]'; max: number; maxItems: number; minItems?: number; pattern?: RegExp }
  /** A list of plain objects, each checked against `of` (unknown keys rejected). */
  | { type: 'list'; of: Schema; maxItems: number; minItems?: number };

type Field = FieldType & { optional?: boolean };
interface Schema {
  [key: string]: Field;
}

// eslint-disable-next-line no-control-regex -- control characters are what it finds
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;
const CASE_ID = /^[A-Z][A-Z0-9]{0,15}-\d{4}-\d{4,6}$/;
const FINGERPRINT = /^[0-9A-F]{40}$/;
const EMAIL = /^[^\s@<>()[\],;:"]+@[^\s@<>()[\],;:"]+\.[^\s@<>()[\],;:"]+$/u;
const URL_RE = /^https?:\/\/[^\s<>"]+$/iu;
const REPORT_KEYS: readonly string[] = REPORT_FIELDS.map((f) => f.key);

const caseId: Field = { type: 'line', max: 40, pattern: CASE_ID };
const name: Field = { type: 'line', max: 300 };
/** A count the desk's settings give (days, reminders). */
const count = (max: number): Field => ({ type: 'number', min: 1, max, integer: true });
const opt = (f: Field): Field => ({ ...f, optional: true });
/** Outside text that may span lines: the reporter's report, a vendor's answer. */
const block = (max: number): Field => ({ type: 'text', max });

const SCHEMAS: { [N in AnyNoticeName]: Schema } = {
  ack: {
    caseId,
    receivedAt: { type: 'date' },
    kind: { type: 'enum', values: ['product', 'website'] },
    productName: { type: 'line', max: 300, optional: true },
    siteUrl: { type: 'line', max: 2000, optional: true },
  },
  missing: {
    missing: { type: 'enum[]', values: REPORT_KEYS },
    blankForm: { type: 'text', max: 20_000 },
    // The draft's tag (src/desk/drafts.ts): a reply quoting it continues this report.
    draftTag: { type: 'line', max: 40, pattern: /^DRAFT-[A-Z0-9]{8,16}$/, optional: true },
  },
  unencrypted: { deskFingerprint: { type: 'line', max: 40, pattern: FINGERPRINT } },
  nokey: { why: { type: 'enum', values: ['none', 'expired', 'revoked'] } },
  rejected: { reason: { type: 'enum', values: NOTICE_REJECT_REASONS } },
  invalid: {
    problems: opt({ type: 'list', maxItems: 100, of: { field: { type: 'enum', values: INVALID_FIELDS }, code: { type: 'enum', values: FIELD_PROBLEM_CODES } } }),
  },
  'vendor-notify': {
    caseId,
    vendorName: name,
    productName: name,
    productVersion: { type: 'line', max: 300 },
    summary: block(20_000),
    vulnerabilityType: opt({ type: 'line', max: 200 }),
    cvss: opt({ type: 'line', max: 200 }),
    impact: opt(block(20_000)),
    reproduction: block(100_000),
    verification: opt(block(100_000)),
    startDate: { type: 'day' },
    publicationDate: { type: 'day' },
    dateStatus: { type: 'enum', values: ['proposed', 'agreed'] },
    publicationDays: count(3650),
    offerDirectContact: { type: 'bool' },
    shareIdentity: { type: 'bool' },
    reporterName: opt(name),
    reporterEmail: opt({ type: 'line', max: 320, pattern: EMAIL }),
    reporterOrganization: opt(name),
  },
  'vendor-remind': {
    caseId,
    vendorName: name,
    productName: name,
    n: count(99),
    since: { type: 'date' },
    unreachableAfterReminders: count(99),
  },
  'vendor-unreachable-listed': {
    caseId,
    vendorName: name,
    since: { type: 'date' },
    listedAt: { type: 'date' },
    stage: { type: 'enum', values: ['vendor-name', 'product-name'] },
    productNameAfterDays: opt(count(3650)),
  },
  'coord-new-case': {
    caseId,
    receivedAt: { type: 'date' },
    kind: { type: 'enum', values: ['product', 'website'] },
    productName: opt(name),
    productVersion: opt({ type: 'line', max: 300 }),
    reportedVendor: opt(name),
    siteUrl: opt({ type: 'line', max: 2000 }),
    vulnerabilityType: opt({ type: 'line', max: 200 }),
    summary: block(20_000),
    vendorCandidates: {
      type: 'list',
      minItems: 0,
      maxItems: 50,
      of: {
        id: { type: 'line', max: 64, pattern: VENDOR_ID },
        name,
        score: { type: 'number', min: 0, max: 1_000_000 },
        why: { type: 'line[]', max: 500, maxItems: 30, minItems: 0 },
      },
    },
    duplicateCandidates: {
      type: 'list',
      minItems: 0,
      maxItems: 50,
      of: {
        caseId,
        score: { type: 'number', min: 0, max: 1 },
        why: { type: 'line[]', max: 500, maxItems: 30, minItems: 0 },
      },
    },
  },
  'coord-alert': {
    kind: { type: 'enum', values: COORD_ALERT_KINDS },
    caseId: opt(caseId),
    detail: { type: 'line', max: 500 },
  },
  'reporter-progress': {
    caseId,
    progress: { type: 'enum[]', values: PROGRESS_ITEMS },
    publicationDate: opt({ type: 'day' }),
    vendorNamesPublic: { type: 'bool' },
    vendorNames: opt({ type: 'line[]', max: 300, maxItems: 50 }),
  },
  'vendor-update': {
    caseId,
    vendorName: name,
    productName: name,
    event: { type: 'enum', values: ['schedule', 'stopped', 'withdrawn'] },
    publicationDate: opt({ type: 'day' }),
    previousDate: opt({ type: 'day' }),
    stopReason: opt({ type: 'enum', values: STOP_REASONS }),
  },
  'reporter-not-accepted': { caseId, reason: block(4000) },
  introduce: {
    caseId,
    audience: { type: 'enum', values: ['vendor', 'reporter'] },
    vendorName: name,
    productName: name,
    reporterName: opt(name),
    reporterEmail: opt({ type: 'line', max: 300, pattern: EMAIL }),
    reporterOrganization: opt(name),
    vendorContacts: opt({ type: 'line[]', max: 300, maxItems: 20, pattern: EMAIL }),
  },
  relay: {
    caseId,
    audience: { type: 'enum', values: ['vendor', 'reporter'] },
    vendorName: opt(name),
    productName: name,
    message: block(20_000),
  },
  correspondence: {
    caseId,
    party: { type: 'enum', values: ['reporter', 'vendor'] },
    vendorId: opt({ type: 'line', max: 64, pattern: VENDOR_ID }),
    vendorName: opt(name),
    receivedAt: { type: 'date' },
    message: block(100_000),
  },
  'reporter-received': { caseId },
  'key-held': {},
  'signed-mail-not-applied': { reason: { type: 'enum', values: NOT_APPLIED_REASONS } },
  'vendor-reply-recorded': {
    caseId,
    vendorName: name,
    status: opt({ type: 'enum', values: ['affected', 'not-affected', 'investigating', 'fixed'] }),
    fixedVersions: opt({ type: 'line', max: 300 }),
    proposedPublication: opt({ type: 'day' }),
    advisoryUrl: opt({ type: 'line', max: 2000 }),
    askToEncrypt: { type: 'bool' },
  },
  'reporter-stopped': { caseId, reason: { type: 'enum', values: STOP_REASONS } },
  'reporter-withdrawal': { caseId, startDate: { type: 'day' } },
  'impossible-invite': { caseId, vendorName: name, productName: name, deadline: { type: 'day' } },
  'impossible-outcome': {
    caseId,
    audience: { type: 'enum', values: ['vendor', 'reporter', 'coordinators'] },
    outcome: { type: 'enum', values: ['publish', 'do-not-publish'] satisfies ImpossibleOutcome[] },
    publicationDate: opt({ type: 'day' }),
    vendorName: opt(name),
  },
  advisory: {
    caseId,
    title: { type: 'line', max: 300 },
    publishedOn: { type: 'day' },
    receivedOn: { type: 'day' },
    productName: name,
    affectedVersions: { type: 'line', max: 500 },
    summary: block(20_000),
    vulnerabilityType: opt({ type: 'line', max: 200 }),
    cvss: opt({ type: 'line', max: 200 }),
    impact: opt(block(20_000)),
    vendors: {
      type: 'list',
      maxItems: 100,
      of: {
        name,
        status: { type: 'enum', values: ['fixed', 'affected', 'not-affected', 'unknown'] satisfies AdvisoryVendorStatus[] },
        product: opt(name),
        fixedVersions: opt({ type: 'line', max: 500 }),
        workaround: opt(block(20_000)),
        advisoryUrl: opt({ type: 'line', max: 2000, pattern: URL_RE }),
        statement: opt(block(20_000)),
      },
    },
    references: opt({ type: 'line[]', max: 2000, maxItems: 30, pattern: URL_RE }),
    contact: { type: 'line', max: 300 },
    byCommittee: { type: 'bool' },
    credit: { type: 'bool' },
    creditName: opt(name),
  },
  published: {
    caseId,
    publishedOn: { type: 'day' },
    advisoryUrl: opt({ type: 'line', max: 2000, pattern: URL_RE }),
    credit: { type: 'bool' },
    creditName: opt(name),
  },
};

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Date) return 'a Date';
  return typeof v === 'string' ? 'a string' : typeof v;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);

function checkLine(bad: (problem: string) => never, v: unknown, max: number, pattern?: RegExp): void {
  if (typeof v !== 'string') return bad(`must be a string, got ${describe(v)}`);
  if (v.trim() === '') return bad('must not be empty');
  if (v.length > max) return bad(`is longer than ${max} characters`);
  if (CONTROL.test(v)) return bad('must be one line without control characters');
  if (pattern && !pattern.test(v)) return bad(`does not match ${String(pattern)}`);
}

function checkField(name: string, key: string, spec: FieldType, v: unknown): void {
  const bad = (problem: string): never => {
    throw new NoticeContextError(name, key, problem);
  };
  switch (spec.type) {
    case 'line':
      return checkLine(bad, v, spec.max, spec.pattern);
    case 'text':
      if (typeof v !== 'string') return bad(`must be a string, got ${describe(v)}`);
      if (v.trim() === '') return bad('must not be empty');
      if (v.length > spec.max) return bad(`is longer than ${spec.max} characters`);
      // eslint-disable-next-line no-control-regex -- controls other than TAB and LF
      if (/[\u0000-\u0008\u000b-\u001f\u007f]/u.test(v)) return bad('must not contain control characters');
      return;
    case 'date':
      if (!(v instanceof Date)) return bad(`must be a Date, got ${describe(v)}`);
      if (!Number.isFinite(v.getTime())) return bad('is an invalid Date');
      return;
    case 'enum':
      if (typeof v !== 'string' || !spec.values.includes(v)) return bad(`must be one of ${spec.values.join(', ')}`);
      return;
    case 'enum[]': {
      if (!Array.isArray(v)) return bad(`must be an array, got ${describe(v)}`);
      if (v.length === 0) return bad('must not be empty');
      const seen = new Set<unknown>();
      for (const item of v as unknown[]) {
        if (typeof item !== 'string' || !spec.values.includes(item)) return bad(`has an unknown entry ${JSON.stringify(item) ?? String(item)}`);
        if (seen.has(item)) return bad(`lists ${item} twice`);
        seen.add(item);
      }
      return;
    }
    case 'bool':
      if (typeof v !== 'boolean') return bad(`must be true or false, got ${describe(v)}`);
      return;
    case 'number':
      if (typeof v !== 'number' || !Number.isFinite(v)) return bad(`must be a finite number, got ${describe(v)}`);
      if (spec.integer && !Number.isInteger(v)) return bad('must be a whole number');
      if (v < spec.min || v > spec.max) return bad(`must be between ${spec.min} and ${spec.max}`);
      return;
    case 'day':
      if (!isIsoDate(v)) return bad('must be a calendar date YYYY-MM-DD');
      return;
    case 'line[]': {
      if (!Array.isArray(v)) return bad(`must be an array, got ${describe(v)}`);
      const min = spec.minItems ?? 1;
      if (v.length < min) return bad(min === 1 ? 'must not be empty' : `must have at least ${min} entries`);
      if (v.length > spec.maxItems) return bad(`has more than ${spec.maxItems} entries`);
      (v as unknown[]).forEach((item, i) => {
        checkLine((problem) => bad(`entry ${i} ${problem}`), item, spec.max, spec.pattern);
      });
      return;
    }
    case 'list': {
      if (!Array.isArray(v)) return bad(`must be an array, got ${describe(v)}`);
      const min = spec.minItems ?? 1;
      if (v.length < min) return bad(min === 1 ? 'must not be empty' : `must have at least ${min} entries`);
      if (v.length > spec.maxItems) return bad(`has more than ${spec.maxItems} entries`);
      (v as unknown[]).forEach((item, i) => {
        checkObject(name, `${key}[${i}]`, spec.of, item);
      });
      return;
    }
  }
}

/** Checks one object against a schema: not a plain object, unknown keys, missing keys, each value. */
function checkObject(name: string, path: string, schema: Schema, value: unknown): void {
  const at = (key: string): string => (path === '' ? key : `${path}.${key}`);
  if (!isPlainObject(value)) throw new NoticeContextError(name, path === '' ? '(context)' : path, `must be a plain object, got ${describe(value)}`);
  for (const key of Object.keys(value)) {
    if (!Object.hasOwn(schema, key)) throw new NoticeContextError(name, at(key), 'is not part of this template (unknown keys are rejected)');
  }
  for (const [key, spec] of Object.entries(schema)) {
    const v = value[key];
    if (v === undefined) {
      if (spec.optional) continue;
      throw new NoticeContextError(name, at(key), 'is missing');
    }
    checkField(name, at(key), spec, v);
  }
}

type Fail = (key: string, problem: string) => never;

/** `key` present exactly when `cond` holds (`when` says when, for the message). */
function presentIff(c: Record<string, unknown>, key: string, cond: boolean, when: string, fail: Fail): void {
  if (cond && c[key] === undefined) fail(key, `is missing (required when ${when})`);
  if (!cond && c[key] !== undefined) fail(key, `must be absent unless ${when}`);
}

/** Rules across keys, run after every key passed its own check. */
const CROSS: { [N in AnyNoticeName]?: (c: NoticeContexts[N] & Record<string, unknown>, fail: Fail) => void } = {
  ack: (c, fail) => {
    if (c.kind === 'product' && c.productName === undefined) fail('productName', 'is missing (required when kind is product)');
    if (c.kind === 'product' && c.siteUrl !== undefined) fail('siteUrl', 'must be absent when kind is product');
    if (c.kind === 'website' && c.siteUrl === undefined) fail('siteUrl', 'is missing (required when kind is website)');
    if (c.kind === 'website' && c.productName !== undefined) fail('productName', 'must be absent when kind is website');
  },
  'vendor-notify': (c, fail) => {
    // guideline §2; 資料1 2.(4): the reporter's identity only with consent.
    presentIff(c, 'reporterName', c.shareIdentity, 'shareIdentity is true', fail);
    presentIff(c, 'reporterEmail', c.shareIdentity, 'shareIdentity is true', fail);
    if (!c.shareIdentity && c.reporterOrganization !== undefined) fail('reporterOrganization', 'must be absent unless shareIdentity is true');
  },
  'vendor-remind': (c, fail) => {
    if (c.n > c.unreachableAfterReminders) fail('n', `must not exceed unreachableAfterReminders (${c.unreachableAfterReminders})`);
  },
  'vendor-unreachable-listed': (c, fail) => {
    presentIff(c, 'productNameAfterDays', c.stage === 'vendor-name', 'stage is vendor-name', fail);
    if (c.listedAt.getTime() < c.since.getTime()) fail('listedAt', 'must not be before since');
  },
  'coord-new-case': (c, fail) => {
    const product = c.kind === 'product';
    presentIff(c, 'productName', product, 'kind is product', fail);
    presentIff(c, 'siteUrl', !product, 'kind is website', fail);
    if (!product) {
      for (const k of ['productVersion', 'reportedVendor']) if (c[k] !== undefined) fail(k, 'must be absent when kind is website');
      if (c.vendorCandidates.length > 0) fail('vendorCandidates', 'must be empty when kind is website');
    }
    const ids = new Set<string>();
    c.vendorCandidates.forEach((v, i) => {
      if (ids.has(v.id)) fail(`vendorCandidates[${i}].id`, `lists ${v.id} twice`);
      ids.add(v.id);
    });
    c.duplicateCandidates.forEach((d, i) => {
      if (d.caseId === c.caseId) fail(`duplicateCandidates[${i}].caseId`, 'is the case itself');
    });
  },
  'coord-alert': (c, fail) => {
    // Whoever wrote a refused command mail does not get to name a case in the alert.
    // Whoever wrote a refused command or signed mail does not get to name a case in the alert.
    const untrusted = c.kind === 'unauthorised-command' || c.kind === 'signed-mail-refused' || c.kind === 'key-held';
    if (untrusted && c.caseId !== undefined) fail('caseId', `must be absent for ${c.kind}`);
    // Desk-level alerts (not about one case) carry no case id.
    if (!untrusted && !DESK_LEVEL_ALERTS.has(c.kind) && c.caseId === undefined) fail('caseId', `is missing (required for ${c.kind})`);
  },
  'reporter-progress': (c, fail) => {
    const dated = c.progress.includes('date-set') || c.progress.includes('date-changed');
    presentIff(c, 'publicationDate', dated, 'progress has date-set or date-changed', fail);
    if (c.progress.includes('date-set') && c.progress.includes('date-changed')) fail('progress', 'must not have both date-set and date-changed');
    // guideline §2: vendor names only when they are public.
    presentIff(c, 'vendorNames', c.vendorNamesPublic, 'vendorNamesPublic is true', fail);
  },
  'vendor-update': (c, fail) => {
    presentIff(c, 'publicationDate', c.event === 'schedule', 'event is schedule', fail);
    if (c.event !== 'schedule' && c.previousDate !== undefined) fail('previousDate', 'must be absent unless event is schedule');
    presentIff(c, 'stopReason', c.event === 'stopped', 'event is stopped', fail);
  },
  introduce: (c, fail) => {
    // guideline §3.10: each side gets the other's contact, never its own echoed to the other.
    presentIff(c, 'reporterName', c.audience === 'vendor', 'audience is vendor', fail);
    presentIff(c, 'reporterEmail', c.audience === 'vendor', 'audience is vendor', fail);
    if (c.audience !== 'vendor' && c.reporterOrganization !== undefined) fail('reporterOrganization', 'must be absent unless audience is vendor');
    presentIff(c, 'vendorContacts', c.audience === 'reporter', 'audience is reporter', fail);
  },
  relay: (c, fail) => {
    // The vendor is greeted by name; the reporter is never told which vendor (§2).
    presentIff(c, 'vendorName', c.audience === 'vendor', 'audience is vendor', fail);
  },
  correspondence: (c, fail) => {
    presentIff(c, 'vendorId', c.party === 'vendor', 'party is vendor', fail);
    presentIff(c, 'vendorName', c.party === 'vendor', 'party is vendor', fail);
  },
  'impossible-outcome': (c, fail) => {
    presentIff(c, 'vendorName', c.audience === 'vendor', 'audience is vendor', fail);
    if (c.outcome !== 'publish' && c.publicationDate !== undefined) fail('publicationDate', 'must be absent unless outcome is publish');
  },
  advisory: (c, fail) => {
    presentIff(c, 'creditName', c.credit, 'credit is true', fail);
    c.vendors.forEach((v, i) => {
      if (v.fixedVersions !== undefined && v.status !== 'fixed') fail(`vendors[${i}].fixedVersions`, 'must be absent unless status is fixed');
      if (v.workaround !== undefined && v.status === 'not-affected') fail(`vendors[${i}].workaround`, 'must be absent when status is not-affected');
    });
  },
  published: (c, fail) => {
    presentIff(c, 'creditName', c.credit, 'credit is true', fail);
  },
};

/** Checks `context` against the schema of `name`; throws NoticeContextError naming the key. */
export function validateNoticeContext<N extends AnyNoticeName>(name: N, context: unknown): asserts context is NoticeContexts[N] {
  const schema = SCHEMAS[name] as Schema | undefined;
  if (!schema) throw new Error(`unknown notice template "${String(name)}"`);
  checkObject(name, '', schema, context);
  const cross = CROSS[name] as ((c: unknown, fail: Fail) => void) | undefined;
  cross?.(context, (key, problem) => {
    throw new NoticeContextError(name, key, problem);
  });
}

// ---- views: what a template sees -------------------------------------------------------

const fieldLabel = (key: ReportKey, lang: Lang): string => {
  const f = REPORT_FIELDS.find((x) => x.key === key);
  return (lang === 'ja' ? f?.ja[0] : f?.en[0]) ?? key;
};

/** The `invalid` notice: each field by its label in the reader's language, and why (issue 9 §6). */
function invalidView(lang: Lang, c: NoticeContexts['invalid']): object {
  const label = (field: string): string => {
    if (field === 'extra') return lang === 'ja' ? '様式にない項目' : 'an item that is not part of the form';
    if (field === 'consent.creditName') return fieldLabel('consent.credit', lang);
    const report = REPORT_FIELDS.find((f) => f.key === field);
    if (report) return fieldLabel(report.key, lang);
    const vendor = VENDOR_FIELDS.find((f) => f.key === field);
    return (lang === 'ja' ? vendor?.ja[0] : vendor?.en[0]) ?? field;
  };
  const reason = (p: InvalidProblem): string => {
    const limit = REPORT_LIMITS[p.field] ?? VENDOR_LIMITS[p.field];
    const oneLine = limit?.shape === 'line';
    switch (p.code) {
      case 'control-character':
        return lang === 'ja'
          ? oneLine
            ? '制御文字（タブや NUL など）が含まれています。1 行の文字だけで書いてください'
            : '制御文字（NUL など）が含まれています。取り除いてください'
          : oneLine
            ? 'contains a control character (such as TAB or NUL); please write it as plain text on one line'
            : 'contains a control character (such as NUL); please remove it';
      case 'too-long': {
        const max = (limit?.max ?? 20_000).toLocaleString('en-US');
        return lang === 'ja' ? `長すぎます。${max} 文字以内に短くするか、添付ファイルにしてください` : `is too long (at most ${max} characters); please shorten it or attach it as a file`;
      }
      case 'unknown-case':
        return lang === 'ja' ? 'この窓口にない案件番号です。通知に書かれた案件番号を確認してください' : 'is not a case of this desk; please check the case ID given in our notice';
    }
  };
  const problems = c.problems ?? [];
  return { hasProblems: problems.length > 0, problems: problems.map((p) => ({ label: label(p.field), reason: reason(p) })) };
}

const camel = (s: string): string => s.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());

/** Flags `{ product: true, website: false }` for `{{#if}}` (every flag defined). */
function flags(values: readonly string[], chosen: string): Record<string, boolean> {
  return Object.fromEntries(values.map((v) => [camel(v), v === chosen]));
}

// ---- helpers of the product track's views ----------------------------------------------

/** Outside text for display: the one sanitizer (neutralise.ts): controls and bidi overrides become visible escapes. */
const safe = neutralise;

function lines(text: string): string[] {
  const ls = safe(text.replace(/\r\n?|[\u2028\u2029]/g, '\n'))
    .split('\n')
    .map((l) => l.trimEnd());
  while (ls.length > 0 && ls[0] === '') ls.shift();
  while (ls.length > 0 && ls[ls.length - 1] === '') ls.pop();
  return ls;
}

/**
 * Outside text as a quoted block: every line starts with `  | `, so nothing in it reads as
 * the desk's own text, a heading, or a label line of a form (lines.ts: `| 状態：` is no label).
 */
function quoted(text: string): string {
  return lines(text)
    .map((l) => (l === '' ? '  |' : `  | ${l}`))
    .join('\n');
}

/** Text indented by `n` spaces (public text of the advisory). */
function indent(text: string, n: number): string {
  const pad = ' '.repeat(n);
  return lines(text)
    .map((l) => (l === '' ? '' : `${pad}${l}`))
    .join('\n');
}

function utcMinute(d: Date): string {
  const w = wallClock(d.getTime());
  return `${w.date} ${w.time}`;
}

/** A JST calendar date with the UTC instant it begins: `2026-12-20 JST (from 2026-12-19 15:00 UTC)`. */
function dayLong(day: IsoDate, lang: Lang): string {
  const utc = utcMinute(jstStartOfDay(day));
  return lang === 'ja' ? `${day}（日本時間／UTC ${utc} から）` : `${day} JST (from ${utc} UTC)`;
}

/** A JST calendar date, labelled: `2026-12-20（日本時間）`, `2026-12-20 (JST)`. */
function dayShort(day: IsoDate, lang: Lang): string {
  return lang === 'ja' ? `${day}（日本時間）` : `${day} (JST)`;
}

/** The last minute of a JST calendar date (a deadline "until" that date). */
function endOfDay(day: IsoDate): Date {
  return new Date(jstStartOfDay(addCalendarDays(day, 1)).getTime() - 60_000);
}

/** The credit line, the same in the advisory and in the reporter's `published` notice. */
function creditLine(lang: Lang, name: string): string {
  return lang === 'ja' ? `この脆弱性情報は、${safe(name)} 氏が報告しました。` : `Thanks to ${safe(name)}, who reported this vulnerability.`;
}

/**
 * The mail-protocol §4 reply form with blank values, in the vendor's language, the case id
 * filled in: the first label of each VENDOR_FIELDS entry (what parseVendorReplyForm reads).
 */
export function blankVendorReplyForm(lang: Lang, caseId?: string): string {
  const colon = lang === 'ja' ? '：' : ':';
  return VENDOR_FIELDS.map((f) => {
    const label = (lang === 'ja' ? f.ja[0] : f.en[0]) ?? f.key;
    const value = f.key === 'caseId' && caseId !== undefined ? (lang === 'ja' ? caseId : ` ${caseId}`) : '';
    return `${label}${colon}${value}`;
  }).join('\n');
}

function vendorNotifyView(lang: Lang, c: NoticeContexts['vendor-notify']): object {
  return {
    caseId: c.caseId,
    vendorName: safe(c.vendorName),
    productName: safe(c.productName),
    productVersion: safe(c.productVersion),
    summary: quoted(c.summary),
    hasType: c.vulnerabilityType !== undefined,
    vulnerabilityType: safe(c.vulnerabilityType ?? ''),
    hasCvss: c.cvss !== undefined,
    cvss: safe(c.cvss ?? ''),
    hasImpact: c.impact !== undefined,
    impact: c.impact === undefined ? '' : quoted(c.impact),
    reproduction: quoted(c.reproduction),
    hasVerification: c.verification !== undefined,
    verification: c.verification === undefined ? '' : quoted(c.verification),
    startDate: dayShort(c.startDate, lang),
    publicationDate: dayLong(c.publicationDate, lang),
    ...flags(['proposed', 'agreed'], c.dateStatus),
    publicationDays: c.publicationDays,
    shareIdentity: c.shareIdentity,
    reporterName: safe(c.reporterName ?? ''),
    reporterEmail: safe(c.reporterEmail ?? ''),
    hasOrganization: c.reporterOrganization !== undefined,
    reporterOrganization: safe(c.reporterOrganization ?? ''),
    offerDirectContact: c.offerDirectContact,
    replyForm: blankVendorReplyForm(lang, c.caseId),
  };
}

/** `X-ADD-VENDOR: acme` → `add-vendor acme` (docs/commands.md: the CLI takes the keyword without `X-`). */
function cliForm(mailLine: string): string {
  const m = /^X-([A-Z-]+)(?::\s?(.*))?$/u.exec(mailLine);
  if (!m) throw new Error(`not a one-line command: ${mailLine}`);
  return [(m[1] ?? '').toLowerCase(), m[2] ?? ''].filter((x) => x !== '').join(' ');
}

function commandLines(caseId: string, cmds: Command[]): { mail: string[]; cli: string[] } {
  const formatted = cmds.map(formatCommand);
  return { mail: [`X-CASE: ${caseId}`, ...formatted], cli: formatted.map((l) => `madoguchi case ${caseId} ${cliForm(l)}`) };
}

function coordNewCaseView(c: NoticeContexts['coord-new-case']): object {
  const top = c.vendorCandidates[0];
  const dup = c.duplicateCandidates[0];
  const add = commandLines(c.caseId, [{ kind: 'add-vendor', vendor: top?.id ?? '<vendor-id>' }]);
  const stopDup = dup ? commandLines(c.caseId, [{ kind: 'stop', reason: 'duplicate', duplicateOf: dup.caseId, text: null }]) : { mail: [], cli: [] };
  const stop = commandLines(c.caseId, [{ kind: 'stop', reason: 'not-vulnerability', text: null }]);
  return {
    caseId: c.caseId,
    receivedAt: formatJst(c.receivedAt),
    ...flags(['product', 'website'], c.kind),
    productName: safe(c.productName ?? ''),
    hasVersion: c.productVersion !== undefined,
    productVersion: safe(c.productVersion ?? ''),
    hasReportedVendor: c.reportedVendor !== undefined,
    reportedVendor: safe(c.reportedVendor ?? ''),
    siteUrl: safe(c.siteUrl ?? ''),
    hasType: c.vulnerabilityType !== undefined,
    vulnerabilityType: safe(c.vulnerabilityType ?? ''),
    summary: quoted(c.summary),
    hasVendors: c.vendorCandidates.length > 0,
    vendors: c.vendorCandidates.map((v, i) => ({ no: i + 1, id: v.id, name: safe(v.name), score: String(Math.round(v.score * 100) / 100), why: v.why.map(safe) })),
    hasDuplicates: c.duplicateCandidates.length > 0,
    duplicates: c.duplicateCandidates.map((d, i) => ({ no: i + 1, caseId: d.caseId, score: d.score.toFixed(2), why: d.why.map(safe) })),
    hasTop: top !== undefined,
    addMail: add.mail,
    addCli: add.cli,
    hasDup: dup !== undefined,
    dupMail: stopDup.mail,
    dupCli: stopDup.cli,
    stopMail: stop.mail,
    stopCli: stop.cli,
    otherReasons: STOP_REASONS.filter((r) => r !== 'duplicate' && r !== 'not-vulnerability').join(', '),
  };
}

const ADVISORY_STATUSES: readonly AdvisoryVendorStatus[] = ['fixed', 'affected', 'not-affected', 'unknown'];

function advisoryView(lang: Lang, c: NoticeContexts['advisory']): object {
  const vendors = c.vendors.map((v) => ({
    name: safe(v.name),
    hasProduct: v.product !== undefined,
    product: safe(v.product ?? ''),
    ...flags(ADVISORY_STATUSES, v.status),
    hasFixedVersions: v.fixedVersions !== undefined,
    fixedVersions: safe(v.fixedVersions ?? ''),
    hasWorkaround: v.workaround !== undefined,
    workaround: v.workaround === undefined ? '' : indent(v.workaround, 8),
    hasAdvisoryUrl: v.advisoryUrl !== undefined,
    advisoryUrl: safe(v.advisoryUrl ?? ''),
    hasStatement: v.statement !== undefined,
    statement: v.statement === undefined ? '' : indent(v.statement, 4),
  }));
  const countermeasures = vendors.filter((v) => v.hasFixedVersions || v.hasWorkaround);
  const links = [
    ...vendors.filter((v) => v.hasAdvisoryUrl).map((v) => `${v.name}: ${v.advisoryUrl}`),
    ...(c.references ?? []).map(safe),
  ];
  return {
    caseId: c.caseId,
    title: safe(c.title),
    publishedOn: c.publishedOn,
    receivedOn: c.receivedOn,
    productName: safe(c.productName),
    affectedVersions: safe(c.affectedVersions),
    summary: indent(c.summary, 2),
    hasType: c.vulnerabilityType !== undefined,
    vulnerabilityType: safe(c.vulnerabilityType ?? ''),
    hasCvss: c.cvss !== undefined,
    cvss: safe(c.cvss ?? ''),
    hasImpact: c.impact !== undefined,
    impact: c.impact === undefined ? '' : indent(c.impact, 2),
    vendors,
    hasUnknown: c.vendors.some((v) => v.status === 'unknown'),
    hasCountermeasures: countermeasures.length > 0,
    countermeasures,
    statements: vendors.filter((v) => v.hasStatement),
    hasStatements: vendors.some((v) => v.hasStatement),
    hasLinks: links.length > 0,
    links,
    contact: safe(c.contact),
    byCommittee: c.byCommittee,
    credit: c.credit,
    creditLine: c.credit ? creditLine(lang, c.creditName) : '',
  };
}

const ALERT_TITLES: Record<Lang, Record<CoordAlertKind, string>> = {
  en: {
    'unauthorised-command': 'A command mail was refused',
    'key-held': 'A different key arrived for a known address and is held',
    'reply-wrong-key': 'A reply was signed with a key not registered for the vendor',
    'signed-mail-refused': 'A signed mail was given no authority',
    'vendor-unreachable': 'A vendor is unreachable',
    'impossible-deadline': "The vendor's time to state its view is over",
    'other-vendors-affected': 'A vendor reports that other vendors are affected',
    'advisory-url-early': 'A vendor gave an advisory URL before publication',
    'late-vendor-date': 'A vendor was first contacted late for the case date',
    'all-not-affected': 'Every vendor says it is not affected',
    'notice-withheld-no-key': 'A notice was not sent: no usable key',
    'notice-withheld-identity': "A notice was held: it carries the reporter's identity",
    'answers-rate-limited': 'Automatic answers to one address reached their limit',
    'job-failed': 'A job of the desk failed for good',
    'bad-value': 'A message was refused for a value the desk cannot accept',
    'vendor-reachable': 'A vendor is reachable again',
    'product-name-published': 'A product name was added to the unreachable list',
    'confirm-vendor': 'Confirm the vendors of the case',
    'date-proposed': 'A vendor proposes a publication date',
    'date-rejected': 'A proposed publication date was not taken',
    'reply-conflict': "A vendor's reply contradicts its earlier answer",
    'reply-out-of-scope': 'A vendor reply was not processed',
    'embargo-broken': 'The case became public before publication',
    'attacks-observed': 'Attacks are observed',
    'impossible-view': 'A vendor stated its view for the committee',
    published: 'The case is published',
  },
  ja: {
    'unauthorised-command': '権限のないコマンドメールを拒否しました',
    'key-held': '登録済みのアドレスに別の鍵が届いたため保留しました',
    'reply-wrong-key': '製品開発者の登録鍵ではない鍵で署名された返信がありました',
    'signed-mail-refused': '署名付きメールを権限なしとして扱いました',
    'vendor-unreachable': '製品開発者と連絡が取れません',
    'impossible-deadline': '製品開発者の意見表明の期限が過ぎました',
    'other-vendors-affected': '他の製品開発者も影響を受けるとの連絡がありました',
    'advisory-url-early': '公表前に製品開発者から公表URLが届きました',
    'late-vendor-date': '公表日に対して連絡の遅れた製品開発者がいます',
    'all-not-affected': 'すべての製品開発者が影響なしと回答しました',
    'notice-withheld-no-key': '使える鍵がないため通知を送っていません',
    'notice-withheld-identity': '発見者の身元が含まれるため通知を保留しています',
    'answers-rate-limited': '同じアドレスへの自動応答が上限に達しました',
    'job-failed': '窓口の処理が最終的に失敗しました',
    'bad-value': '受け付けられない値を含むメールを受け付けませんでした',
    'vendor-reachable': '製品開発者と連絡が取れるようになりました',
    'product-name-published': '連絡不能一覧に製品名を掲載しました',
    'confirm-vendor': '製品開発者の確認をお願いします',
    'date-proposed': '製品開発者から公表日の提案がありました',
    'date-rejected': '提案された公表日を採用しませんでした',
    'reply-conflict': '製品開発者の回答が以前の回答と矛盾しています',
    'reply-out-of-scope': '処理しなかった製品開発者の返信があります',
    'embargo-broken': '公表前に本件が公知になりました',
    'attacks-observed': '攻撃が観測されています',
    'impossible-view': '製品開発者が委員会への意見を表明しました',
    published: '本件を公表しました',
  },
};

function view<N extends AnyNoticeName>(name: N, lang: Lang, context: NoticeContexts[N]): object {
  switch (name) {
    case 'ack': {
      const c = context as NoticeContexts['ack'];
      return {
        caseId: c.caseId,
        receivedAt: formatJst(c.receivedAt),
        ...flags(['product', 'website'], c.kind),
        productName: c.productName ?? '',
        siteUrl: c.siteUrl ?? '',
      };
    }
    case 'missing': {
      const c = context as NoticeContexts['missing'];
      return {
        fields: c.missing.map((k) => fieldLabel(k, lang)),
        blankForm: c.blankForm.replace(/\r\n?/g, '\n').replace(/\n+$/, ''),
        hasDraftTag: c.draftTag !== undefined,
        draftTag: c.draftTag ?? '',
        labels: {
          kind: fieldLabel('kind', lang),
          productName: fieldLabel('product.name', lang),
          productVersion: fieldLabel('product.version', lang),
          websiteUrl: fieldLabel('website.url', lang),
          shareIdentity: fieldLabel('consent.shareIdentity', lang),
          directContact: fieldLabel('consent.directContact', lang),
          credit: fieldLabel('consent.credit', lang),
        },
      };
    }
    case 'unencrypted': {
      const c = context as NoticeContexts['unencrypted'];
      return { fingerprint: formatFingerprint(c.deskFingerprint) };
    }
    case 'nokey': {
      const c = context as NoticeContexts['nokey'];
      return flags(['none', 'expired', 'revoked'], c.why);
    }
    case 'rejected': {
      const c = context as NoticeContexts['rejected'];
      return flags(NOTICE_REJECT_REASONS, c.reason);
    }
    case 'invalid':
      return invalidView(lang, context as NoticeContexts['invalid']);
    case 'vendor-notify':
      return vendorNotifyView(lang, context as NoticeContexts['vendor-notify']);
    case 'vendor-remind': {
      const c = context as NoticeContexts['vendor-remind'];
      return {
        caseId: c.caseId,
        vendorName: safe(c.vendorName),
        productName: safe(c.productName),
        n: c.n,
        since: formatJst(c.since),
        limit: c.unreachableAfterReminders,
        isLast: c.n >= c.unreachableAfterReminders,
      };
    }
    case 'vendor-unreachable-listed': {
      const c = context as NoticeContexts['vendor-unreachable-listed'];
      return {
        caseId: c.caseId,
        vendorName: safe(c.vendorName),
        since: formatJst(c.since),
        listedAt: formatJst(c.listedAt),
        productListed: c.stage === 'product-name',
        productNameAfterDays: c.productNameAfterDays ?? 0,
      };
    }
    case 'coord-new-case':
      return coordNewCaseView(context as NoticeContexts['coord-new-case']);
    case 'coord-alert': {
      const c = context as NoticeContexts['coord-alert'];
      return {
        hasCase: c.caseId !== undefined,
        caseId: c.caseId ?? '',
        title: ALERT_TITLES[lang][c.kind],
        detail: safe(c.detail),
        ...flags(COORD_ALERT_KINDS, c.kind),
      };
    }
    case 'reporter-progress': {
      const c = context as NoticeContexts['reporter-progress'];
      return {
        caseId: c.caseId,
        vendorNamesPublic: c.vendorNamesPublic,
        vendorNames: (c.vendorNames ?? []).map(safe).join(lang === 'ja' ? '、' : ', '),
        items: c.progress.map((p) => flags(PROGRESS_ITEMS, p)),
        publicationDate: c.publicationDate === undefined ? '' : dayLong(c.publicationDate, lang),
      };
    }
    case 'vendor-update': {
      const c = context as NoticeContexts['vendor-update'];
      return {
        caseId: c.caseId,
        vendorName: safe(c.vendorName),
        productName: safe(c.productName),
        ...flags(['schedule', 'stopped', 'withdrawn'], c.event),
        publicationDate: c.publicationDate === undefined ? '' : dayLong(c.publicationDate, lang),
        hasPrevious: c.previousDate !== undefined,
        previousDate: c.previousDate === undefined ? '' : dayShort(c.previousDate, lang),
        ...flags(STOP_REASONS, c.stopReason ?? ''),
      };
    }
    case 'reporter-not-accepted': {
      const c = context as NoticeContexts['reporter-not-accepted'];
      return { caseId: c.caseId, reason: quoted(c.reason) };
    }
    case 'introduce': {
      const c = context as NoticeContexts['introduce'];
      return {
        caseId: c.caseId,
        ...flags(['vendor', 'reporter'], c.audience),
        vendorName: safe(c.vendorName),
        productName: safe(c.productName),
        reporterName: safe(c.reporterName ?? ''),
        reporterEmail: safe(c.reporterEmail ?? ''),
        hasOrganization: c.reporterOrganization !== undefined,
        reporterOrganization: safe(c.reporterOrganization ?? ''),
        vendorContacts: (c.vendorContacts ?? []).map(safe).join(', '),
      };
    }
    case 'relay': {
      const c = context as NoticeContexts['relay'];
      return { caseId: c.caseId, ...flags(['vendor', 'reporter'], c.audience), vendorName: safe(c.vendorName ?? ''), productName: safe(c.productName), message: quoted(c.message) };
    }
    case 'correspondence': {
      const c = context as NoticeContexts['correspondence'];
      return {
        caseId: c.caseId,
        ...flags(['reporter', 'vendor'], c.party),
        vendorId: c.vendorId ?? '',
        vendorName: safe(c.vendorName ?? ''),
        receivedAt: formatJst(c.receivedAt),
        message: quoted(c.message),
      };
    }
    case 'reporter-received':
      return { caseId: (context as NoticeContexts['reporter-received']).caseId };
    case 'key-held':
      return {};
    case 'signed-mail-not-applied':
      return flags(NOT_APPLIED_REASONS, (context as NoticeContexts['signed-mail-not-applied']).reason);
    case 'vendor-reply-recorded': {
      const c = context as NoticeContexts['vendor-reply-recorded'];
      return {
        caseId: c.caseId,
        vendorName: safe(c.vendorName),
        hasStatus: c.status !== undefined,
        ...flags(['affected', 'not-affected', 'investigating', 'fixed'], c.status ?? ''),
        hasFixedVersions: c.fixedVersions !== undefined,
        fixedVersions: safe(c.fixedVersions ?? ''),
        hasProposedPublication: c.proposedPublication !== undefined,
        proposedPublication: c.proposedPublication === undefined ? '' : dayLong(c.proposedPublication, lang),
        hasAdvisoryUrl: c.advisoryUrl !== undefined,
        advisoryUrl: safe(c.advisoryUrl ?? ''),
        askToEncrypt: c.askToEncrypt,
      };
    }
    case 'reporter-stopped': {
      const c = context as NoticeContexts['reporter-stopped'];
      return { caseId: c.caseId, ...flags(STOP_REASONS, c.reason) };
    }
    case 'reporter-withdrawal': {
      const c = context as NoticeContexts['reporter-withdrawal'];
      return { caseId: c.caseId, startDate: dayShort(c.startDate, lang) };
    }
    case 'impossible-invite': {
      const c = context as NoticeContexts['impossible-invite'];
      return { caseId: c.caseId, vendorName: safe(c.vendorName), productName: safe(c.productName), deadline: formatJst(endOfDay(c.deadline)) };
    }
    case 'impossible-outcome': {
      const c = context as NoticeContexts['impossible-outcome'];
      return {
        caseId: c.caseId,
        vendorName: safe(c.vendorName ?? ''),
        ...flags(['vendor', 'reporter', 'coordinators'], c.audience),
        publish: c.outcome === 'publish',
        withhold: c.outcome === 'do-not-publish',
        hasDate: c.publicationDate !== undefined,
        publicationDate: c.publicationDate === undefined ? '' : dayLong(c.publicationDate, lang),
      };
    }
    case 'advisory':
      return advisoryView(lang, context as NoticeContexts['advisory']);
    case 'published': {
      const c = context as NoticeContexts['published'];
      return {
        caseId: c.caseId,
        publishedOn: dayShort(c.publishedOn, lang),
        hasUrl: c.advisoryUrl !== undefined,
        advisoryUrl: safe(c.advisoryUrl ?? ''),
        credit: c.credit,
        creditLine: c.credit ? creditLine(lang, c.creditName) : '',
      };
    }
  }
  throw new Error(`unknown notice template "${String(name)}"`);
}

// ---- files and rendering ---------------------------------------------------------------

export const TEMPLATE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'templates');

const engine = createTemplateEngine();
const files = new Map<string, { subject: string; body: string }>();

function loadFile(path: string): { subject: string; body: string } {
  let entry = files.get(path);
  if (!entry) {
    const src = readFileSync(path, 'utf8').replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
    const m = /^Subject: ([^\n]*)\n\n/.exec(src);
    if (!m) throw new Error(`${path}: the first line must be "Subject: ..." followed by a blank line`);
    entry = { subject: m[1] ?? '', body: src.slice(m[0].length) };
    files.set(path, entry);
  }
  return entry;
}

/** Forgets loaded and compiled templates (after editing templates/ at run time). */
export function clearTemplateCache(): void {
  files.clear();
  engine.clear();
}

export interface RenderOptions {
  /** Directory of the `.hbs` files (default: the project's templates/). */
  dir?: string;
}

/**
 * Renders notice `name` in `lang`. Throws NoticeContextError (naming the key) when the
 * context does not fit the template, before anything is rendered.
 */
export function renderNotice<N extends AnyNoticeName>(name: N, lang: Lang, context: NoticeContexts[N], opts: RenderOptions = {}): RenderedNotice {
  if (!LANGS.includes(lang)) throw new Error(`unknown notice language "${String(lang)}"`);
  validateNoticeContext(name, context);
  return renderFile(name, lang, view(name, lang, context), opts);
}

function renderFile(name: string, lang: Lang, view: object, opts: RenderOptions): RenderedNotice {
  // Every notice passes here: whatever a view forgot to clean is neutralised (issue 9 §6).
  const v = neutraliseDeep(view);
  const path = join(opts.dir ?? TEMPLATE_DIR, `${name}.${lang}.hbs`);
  const file = loadFile(path);
  const subject = engine.compile(`${path}#subject`, file.subject)(v).trim();
  if (subject === '' || CONTROL.test(subject)) throw new Error(`${path}: the rendered subject must be one non-empty line`);
  const text = `${engine
    .compile(`${path}#body`, file.body)(v)
    .replace(/\r\n?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/\n+$/, '')}\n`;
  return { subject, text };
}

// ---- the public list of unreachable vendors (guideline §3.7; 003 *8) --------------------

const UNREACHABLE_ENTRY: Schema = {
  vendorName: name,
  since: { type: 'date' },
  productName: opt(name),
};
/** A case id of the desk (mail-protocol §3, prefix configurable) anywhere in a text, any width or case. */
function caseIdIn(text: string, prefix: string): boolean {
  const p = prefix.normalize('NFKC').replace(/[^A-Za-z0-9]/g, '');
  return new RegExp(`(?<![A-Za-z0-9])${p}\\s*[-‐‑–—−ー－]\\s*\\d{4}\\s*[-‐‑–—−ー－]\\s*\\d{4,6}(?!\\d)`, 'iu').test(text.normalize('NFKC'));
}

/** Markdown inline text: the characters that would make a link, emphasis, HTML or a table cell. */
function mdText(s: string): string {
  return safe(s).replace(/[\\`*_[\]<>|~&]/g, '\\$&');
}

/**
 * The public list of unreachable vendors, as Markdown (templates/unreachable-list.<lang>.hbs,
 * its `Subject` the title). Only what may be public (guideline §3.7; 003 *8): the vendor's
 * name, since when it is listed (JST with UTC), and the product name once that is published.
 * No case id, reporter or vulnerability detail has a place in an entry; a name that carries
 * a case id of the desk (`opts.casePrefix`, default `VR`) is refused. One row per vendor name (the earliest date; its published product
 * names), so the number of its cases does not show.
 */
export function renderUnreachableList(entries: readonly UnreachableListEntry[], lang: Lang, opts: RenderOptions & { casePrefix?: string } = {}): string {
  if (!LANGS.includes(lang)) throw new Error(`unknown notice language "${String(lang)}"`);
  if (!Array.isArray(entries)) throw new NoticeContextError('unreachable-list', 'entries', `must be an array, got ${describe(entries)}`);
  const rows = new Map<string, { vendor: string; since: Date; products: string[] }>();
  entries.forEach((e: unknown, i) => {
    checkObject('unreachable-list', `entries[${i}]`, UNREACHABLE_ENTRY, e);
    const entry = e as UnreachableListEntry;
    for (const key of ['vendorName', 'productName'] as const) {
      const v = entry[key];
      if (v !== undefined && caseIdIn(v, opts.casePrefix ?? 'VR')) throw new NoticeContextError('unreachable-list', `entries[${i}].${key}`, 'must not contain a case id');
    }
    const vendor = entry.vendorName.trim();
    const row = rows.get(vendor) ?? { vendor, since: entry.since, products: [] };
    if (entry.since.getTime() < row.since.getTime()) row.since = entry.since;
    const product = entry.productName?.trim();
    if (product !== undefined && !row.products.includes(product)) row.products.push(product);
    rows.set(vendor, row);
  });
  const sorted = [...rows.values()].sort((a, b) => a.since.getTime() - b.since.getTime() || (a.vendor < b.vendor ? -1 : a.vendor > b.vendor ? 1 : 0));
  const v = {
    hasRows: sorted.length > 0,
    rows: sorted.map((r) => ({
      vendor: mdText(r.vendor),
      since: formatJst(r.since),
      product: r.products.length === 0 ? '—' : r.products.map(mdText).join(lang === 'ja' ? '、' : ', '),
    })),
  };
  const doc = renderFile('unreachable-list', lang, v, opts);
  return `# ${doc.subject}\n\n${doc.text}`;
}
