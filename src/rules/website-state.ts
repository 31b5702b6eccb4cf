// The website track's data (guideline §4; issue 11), after product-state.ts: the case
// snapshot the rules read, the settings (guideline §8 defaults), the events, the decisions,
// and `applyWebsiteDecision`, the pure reducer the rules (website.ts) and the caller share,
// so what the caller stores after carrying the decisions out is what the rules assumed.
//
// The decisions cannot carry anything to the public: there is no advisory, no published
// list, and every notice is for the operator, the reporter or the coordinators
// (website-notices.ts). guideline §2: the site's identity is never public.
import type { IsoDate } from '../domain/clock.ts';
import type { MailDeferral } from './business-days.ts';
import type { VendorReplyForm, VendorStatus } from '../domain/inspect.ts';
import type { OperatorContactState, OperatorIdState } from '../domain/operator.ts';
import type { RmState } from '../domain/states.ts';
import type { ReporterInfo, Settings, StopReason } from './product-state.ts';
import type { CoordinatorNoticeKind, OperatorNoticeKind, ReporterNoticeKind } from './website-notices.ts';

// ---- settings ---------------------------------------------------------------------------

/**
 * The reminder periods are the product track's (guideline §8: one row for vendors and
 * operators), so a product `Settings` with `websiteFixDays` added serves both tracks.
 */
export interface WebsiteSettings extends Pick<Settings, 'reminderAfterDays' | 'reminderEveryDays'> {
  /** Fix target, days after 起算日 (guideline §4 item 3; 003: about three months; §8: 90). */
  websiteFixDays: number;
  /** Unanswered reminders after which the coordinators are told the operator is silent (and reminders stop). */
  operatorSilentAfterReminders: number;
}

export const DEFAULT_WEBSITE_SETTINGS: Readonly<WebsiteSettings> = Object.freeze({
  reminderAfterDays: 7,
  reminderEveryDays: 7,
  websiteFixDays: 90,
  operatorSilentAfterReminders: 3,
});

// ---- the snapshot -----------------------------------------------------------------------

/** Where the desk learnt of an operator. Only `registry` entries are the desk's own data. */
export type OperatorSource = 'registry' | 'security.txt' | 'wkd' | 'coordinator';

/** An operator as a lookup proposes it (not trusted: a coordinator confirms; issue 11). */
export interface OperatorCandidate {
  /** The operators registry id when the registry knows it; null for a web finding. */
  operatorId: string | null;
  name: string | null;
  /** The contact address found (registry, security.txt `Contact`). */
  contact: string;
  /** A key found for the contact (registry, or WKD / security.txt `Encryption`). */
  keyFingerprint: string | null;
  source: OperatorSource;
}

/** An operator as a coordinator confirmed it (from the operators registry, read by the caller). */
export interface OperatorRef {
  id: string;
  name: string;
  source: OperatorSource;
  /** The key pinned for the operator in the registry; null: none (first contact asks for one). */
  keyFingerprint: string | null;
}

/** The confirmed operator of a case and everything the desk already did about it. */
export interface CaseOperator {
  id: string;
  name: string;
  source: OperatorSource;
  /** The key the last notice was encrypted to (null: none pinned then). */
  keyFingerprint: string | null;
  contact: OperatorContactState;
  /** First contact attempt, with or without a key: the case's 起算日 (issue 11). Set once. */
  firstContactAt: Date | null;
  /** When the details went (encrypted), null while awaiting a key. */
  detailsSentAt: Date | null;
  /** Last notice or reminder sent. */
  lastContactAt: Date | null;
  lastAnswerAt: Date | null;
  reminders: number;
  lastReminderAt: Date | null;
  /** When the coordinators were told the operator stayed silent (once). */
  silentAlertedAt: Date | null;
  /** What the operator last said (mail-protocol §4). */
  status: VendorStatus | null;
}

export interface WebsiteCase {
  /** Tells a website snapshot from a product one in `cases.coordination`. */
  track: 'website';
  id: string;
  rm: RmState;
  operatorId: OperatorIdState;
  /** What the lookups proposed (until a coordinator confirms one). */
  candidates: OperatorCandidate[];
  operator: CaseOperator | null;
  /** 起算日: JST date of the first contact attempt to the operator. */
  firstContactDate: IsoDate | null;
  /** 起算日 + websiteFixDays, fixed when the clock starts (the operator was told this date). */
  fixTarget: IsoDate | null;
  fixTargetAlertedAt: Date | null;
  /** When the operator reported the fix (the case then closed). */
  fixedAt: Date | null;
  reporter: ReporterInfo;
}

export function newCaseOperator(ref: OperatorRef): CaseOperator {
  return {
    id: ref.id,
    name: ref.name,
    source: ref.source,
    keyFingerprint: ref.keyFingerprint,
    contact: 'uncontacted',
    firstContactAt: null,
    detailsSentAt: null,
    lastContactAt: null,
    lastAnswerAt: null,
    reminders: 0,
    lastReminderAt: null,
    silentAlertedAt: null,
    status: null,
  };
}

/** A website case as screening opens it (received by default: a coordinator accepts it). */
export function newWebsiteCase(init: { id: string; reporter: ReporterInfo; rm?: RmState }): WebsiteCase {
  return {
    track: 'website',
    id: init.id,
    rm: init.rm ?? 'received',
    operatorId: 'unidentified',
    candidates: [],
    operator: null,
    firstContactDate: null,
    fixTarget: null,
    fixTargetAlertedAt: null,
    fixedAt: null,
    reporter: init.reporter,
  };
}

// ---- events -----------------------------------------------------------------------------

/** What a coordinator tells the desk to do on a website case. Refused with one `error` decision when not allowed now. */
export type WebsiteCommand =
  | { type: 'accept' }
  | { type: 'reject'; reason: string }
  | { type: 'stop'; reason: StopReason; text?: string | null }
  | { type: 'note'; text: string }
  /**
   * A coordinator's words to the operator (`operatorId`, the case's operator) or to the
   * reporter (null); the desk speaks for the other side (guideline §3.10 applied to §4).
   */
  | { type: 'relay'; operatorId: string | null; text: string }
  /** The operator of the site, from the operators registry (the caller reads it). */
  | { type: 'confirm-operator'; operator: OperatorRef }
  /**
   * Send the details now (e.g. after a key was pinned for an operator that was asked for
   * one), or again to a silent operator. `keyFingerprint`: the key pinned for the case's
   * operator in the registry now (read by the caller); null sends the content-free first
   * contact again.
   */
  | { type: 'notify-operator'; keyFingerprint: string | null };

export const WEBSITE_COMMAND_TYPES = ['accept', 'reject', 'stop', 'note', 'relay', 'confirm-operator', 'notify-operator'] as const satisfies readonly WebsiteCommand['type'][];

/** The lookups (operators registry by hostname, security.txt, WKD) found candidates. */
export interface OperatorProposedEvent {
  type: 'operator-proposed';
  candidates: OperatorCandidate[];
}

/** A reply signed by the operator's pinned key (mail-protocol §4, §6), matched to the case. */
export interface OperatorReplyEvent {
  type: 'operator-reply';
  operatorId: string;
  reply: VendorReplyForm;
}

export interface WebsiteTickEvent {
  type: 'tick';
  /** Reminders to the operator wait for a business day (issue 11; docs/decisions.md); absent, none. */
  deferMail?: MailDeferral;
}

export type WebsiteEvent = WebsiteCommand | OperatorProposedEvent | OperatorReplyEvent | WebsiteTickEvent;

// ---- decisions --------------------------------------------------------------------------

/** To the operator; the reporter's identity goes only with consent (guideline §2). */
export type OperatorNotice =
  | { kind: 'operator-notify'; fixTarget: IsoDate; includeReporterIdentity: boolean; keyFingerprint: string }
  | { kind: 'operator-first-contact' }
  | { kind: 'operator-remind'; n: number; since: IsoDate; fixTarget: IsoDate; keyFingerprint: string }
  | { kind: 'operator-key-reminder'; n: number; since: IsoDate }
  | { kind: 'operator-thanks'; keyFingerprint: string }
  | { kind: 'operator-stopped'; reason: StopReason['kind']; keyFingerprint: string }
  | { kind: 'operator-relay'; text: string; keyFingerprint: string };

export type ReporterNotice =
  | { kind: 'reporter-accepted' }
  | { kind: 'reporter-not-accepted'; reason: string }
  /** A duplicate's case id is not told. */
  | { kind: 'reporter-stopped'; reason: StopReason['kind'] }
  | { kind: 'reporter-site-fixed'; fixedOn: IsoDate }
  | { kind: 'reporter-relay'; text: string };

export interface CoordinatorNotice {
  kind: CoordinatorNoticeKind;
  detail: string;
  date?: IsoDate;
}

// Each notice union names exactly the kinds of its audience in website-notices.ts.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const audiencesMatch: [Same<OperatorNotice['kind'], OperatorNoticeKind>, Same<ReporterNotice['kind'], ReporterNoticeKind>] = [true, true];
void audiencesMatch;

export type WebsiteCasePatch = Partial<Pick<WebsiteCase, 'candidates' | 'firstContactDate' | 'fixTarget' | 'fixTargetAlertedAt' | 'fixedAt'>>;
export type OperatorPatch = Partial<Omit<CaseOperator, 'id' | 'contact'>>;

export type WebsiteSetState =
  | { type: 'set-state'; machine: 'rm'; to: RmState }
  | { type: 'set-state'; machine: 'operator-id'; to: OperatorIdState }
  | { type: 'set-state'; machine: 'operator-contact'; to: OperatorContactState };

/**
 * What the website rules decide. Deliberately no advisory, no publication and no public
 * list: nothing here can take a website case's content to the public (guideline §2, §4).
 */
export type WebsiteDecision =
  /** Timeline entry (coordinators only). */
  | { type: 'record'; event: string; detail: string }
  /** A coordinator command not allowed now: nothing else is decided. */
  | { type: 'error'; message: string }
  | WebsiteSetState
  | { type: 'update-case'; patch: WebsiteCasePatch }
  /** The confirmed operator (replacing one not contacted yet). */
  | { type: 'set-operator'; operator: CaseOperator }
  | { type: 'update-operator'; patch: OperatorPatch }
  | { type: 'notify-operator'; notice: OperatorNotice }
  | { type: 'notify-reporter'; notice: ReporterNotice }
  | { type: 'notify-coordinators'; notice: CoordinatorNotice };

// ---- the reducer ------------------------------------------------------------------------

function withOperator(c: WebsiteCase, f: (o: CaseOperator) => CaseOperator): WebsiteCase {
  if (c.operator === null) throw new RangeError(`case ${c.id} has no operator`);
  return { ...c, operator: f(c.operator) };
}

/** The snapshot after one decision. Notices, records and errors change nothing here. */
export function applyWebsiteDecision(c: WebsiteCase, d: WebsiteDecision): WebsiteCase {
  switch (d.type) {
    case 'set-state':
      switch (d.machine) {
        case 'rm':
          return { ...c, rm: d.to };
        case 'operator-id':
          return { ...c, operatorId: d.to };
        case 'operator-contact':
          return withOperator(c, (o) => ({ ...o, contact: d.to }));
      }
      break;
    case 'update-case':
      return { ...c, ...d.patch };
    case 'set-operator':
      return { ...c, operator: d.operator };
    case 'update-operator':
      return withOperator(c, (o) => ({ ...o, ...d.patch }));
    default:
      return c;
  }
  return c;
}

export function applyWebsiteDecisions(c: WebsiteCase, ds: readonly WebsiteDecision[]): WebsiteCase {
  return ds.reduce(applyWebsiteDecision, c);
}
