// The product track's data (guideline §3): the case snapshot the rules read, the settings
// (guideline §8 defaults), the events and the decisions, and `applyDecisions`, the pure
// reducer that turns a snapshot and the decisions taken on it into the next snapshot. The
// rules (product.ts) build their own working copy with this same reducer, so what the
// caller stores after carrying the decisions out is exactly what the rules assumed.
import type { MailDeferral } from './business-days.ts';
import type { IsoDate } from '../domain/clock.ts';
import type { CommandError } from '../domain/refusals.ts';
import type { VendorReplyForm, VendorStatus } from '../domain/inspect.ts';
import type { RmState } from '../domain/states.ts';
import type { CoordinationState, EmState, FixState, ImpossibleOutcome, ImpossibleState, PxaEvent, PxaState } from '../domain/vultron.ts';

// ---- settings ---------------------------------------------------------------------------

export interface Settings {
  /** Publication target, days after 起算日 (guideline §3.5; 003 *9: 45). */
  publicationDays: number;
  /** First reminder to a silent vendor, days after the first contact attempt (§8: 7). */
  reminderAfterDays: number;
  /** Later reminders, days after the previous one (§8: 7). */
  reminderEveryDays: number;
  /** Unanswered reminders after which the vendor is unreachable, 連絡不能 (§8: 3). */
  unreachableAfterReminders: number;
  /** Product name published this many days after the vendor name (§3.7; 003: about three months; §8: 90). */
  productNameAfterDays: number;
  /** Reporter may withdraw the non-disclosure request this long after 起算日 (§3.9; 003 *9: one year). */
  withdrawAfterDays: number;
  /** A vendor-list lookup with exactly one match notifies it without asking a coordinator. */
  autoNotifySingleMatch: boolean;
  /** Days the vendor has to state its view to the publication judgment committee (§3.8; the desk's default). */
  opinionDays: number;
}

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  publicationDays: 45,
  reminderAfterDays: 7,
  reminderEveryDays: 7,
  unreachableAfterReminders: 3,
  productNameAfterDays: 90,
  withdrawAfterDays: 365,
  autoNotifySingleMatch: false,
  opinionDays: 14,
});

// ---- the snapshot -----------------------------------------------------------------------

/** guideline §2 (reporter identity), mail-protocol §2 consent.*: all default false. */
export interface Consent {
  shareIdentity: boolean;
  directContact: boolean;
  credit: boolean;
  creditName?: string | null;
}

export interface ReporterInfo {
  /** The reporter's name (credited when `consent.credit` and no `creditName`). */
  name: string;
  consent: Consent;
}

/** A vendor as the vendor list knows it. */
export interface VendorRef {
  id: string;
  name: string;
  /** Product name and version, for the unreachable list (§3.7). */
  product?: string | null;
}

/** One vendor of a case, with everything the desk already did about it. */
export interface CaseVendor {
  id: string;
  name: string;
  product: string | null;
  fix: FixState;
  coordination: CoordinationState;
  /** First contact attempt: this vendor's 起算日 (guideline §3.4); set once. */
  firstContactAt: Date | null;
  /** Last notice or reminder sent. */
  lastContactAt: Date | null;
  lastAnswerAt: Date | null;
  /** Reminders sent (the n of `reminded(n)`). */
  reminders: number;
  lastReminderAt: Date | null;
  /** Since when the vendor is 連絡不能 (null when reachable). */
  unreachableSince: Date | null;
  /** On the published unreachable list: vendor name since, product name since (§3.7). */
  vendorNamePublishedAt: Date | null;
  productNamePublishedAt: Date | null;
  /** What the vendor last said (mail-protocol §4). */
  status: VendorStatus | null;
  fixedVersions: string | null;
  workaround: string | null;
  advisoryUrl: string | null;
  proposedPublication: IsoDate | null;
  /**
   * When the reporter and this vendor were introduced for direct exchange (guideline
   * §3.10); done once. Absent in snapshots stored before the direct exchange existed:
   * read as null.
   */
  introducedAt?: Date | null;
}

/** The one common publication date (guideline §3.5; 001). */
export interface Publication {
  /** Under negotiation (EM proposed or revise). */
  proposed: IsoDate | null;
  /** 'desk' or the id of the vendor that proposed it. */
  proposedBy: string | null;
  /** Agreed (EM active or revise): publication happens on this JST date. */
  agreed: IsoDate | null;
}

/** The 調整不能 procedure (guideline §3.8; 003 *10). */
export interface ImpossibleProcedure {
  vendorIds: string[];
  openedAt: Date;
  /** The vendor may state its view up to and including this JST date. */
  deadline: IsoDate;
  vendorViewAt: Date | null;
  deadlineAlertedAt: Date | null;
  outcome: ImpossibleOutcome | null;
  decidedAt: Date | null;
}

export interface ProductCase {
  id: string;
  rm: RmState;
  em: EmState;
  pxa: PxaState;
  impossible: ImpossibleState;
  publication: Publication;
  publishedAt: Date | null;
  /** 起算日: JST date of the first contact attempt to any vendor of the case (003 *5). */
  firstContactDate: IsoDate | null;
  vendors: CaseVendor[];
  procedure: ImpossibleProcedure | null;
  reporter: ReporterInfo;
  /** When the reporter was told they may withdraw the non-disclosure request (§3.9). */
  withdrawalNoticeAt: Date | null;
  /**
   * Priority notices (guideline §3 item 12): the vendors' recorded consent, when the
   * reporter was told, each notice sent. Absent in snapshots stored before: read as none.
   */
  priority?: PriorityRecord;
}

/** What the desk recorded for priority notices on one case (guideline §3 item 12). */
export interface PriorityRecord {
  /** Consent to a priority notice, per vendor, as recorded by a coordinator (X-PRIORITY-CONSENT). */
  consents: { vendorId: string; at: Date }[];
  /** When the reporter was told a priority notice goes out (or, with no reporter at the desk, when that was noted). */
  reporterToldAt: Date | null;
  /** Each priority notice sent: when, with which vendors' fix information. */
  sent: { at: Date; vendors: string[] }[];
}

/** The record of a snapshot, empty when it has none. */
export function priorityOf(c: ProductCase): PriorityRecord {
  return c.priority ?? { consents: [], reporterToldAt: null, sent: [] };
}

export function newVendor(ref: VendorRef): CaseVendor {
  return {
    id: ref.id,
    name: ref.name,
    product: ref.product ?? null,
    fix: 'vendor-unaware',
    coordination: 'unnotified',
    firstContactAt: null,
    lastContactAt: null,
    lastAnswerAt: null,
    reminders: 0,
    lastReminderAt: null,
    unreachableSince: null,
    vendorNamePublishedAt: null,
    productNamePublishedAt: null,
    status: null,
    fixedVersions: null,
    workaround: null,
    advisoryUrl: null,
    proposedPublication: null,
    introducedAt: null,
  };
}

/** A case as screening opens it (received → valid → accepted), before any vendor. */
export function newProductCase(init: { id: string; reporter: ReporterInfo; rm?: RmState; vendors?: VendorRef[] }): ProductCase {
  return {
    id: init.id,
    rm: init.rm ?? 'accepted',
    em: 'none',
    pxa: 'pxa',
    impossible: 'none',
    publication: { proposed: null, proposedBy: null, agreed: null },
    publishedAt: null,
    firstContactDate: null,
    vendors: (init.vendors ?? []).map(newVendor),
    procedure: null,
    reporter: init.reporter,
    withdrawalNoticeAt: null,
  };
}

// ---- events -----------------------------------------------------------------------------

/** guideline §3.3: why handling stops (the coordinator decides). */
export type StopReason =
  | { kind: 'not-vulnerability' }
  | { kind: 'duplicate'; caseId: string }
  | { kind: 'not-reproducible' }
  | { kind: 'illegal' }
  /** Already publicly known (the coordinator says where in the command's text). */
  | { kind: 'known' };

/** What a coordinator tells the desk to do. Refused with an `error` decision when not allowed now. */
export type CoordinatorCommand =
  | { type: 'accept' }
  | { type: 'reject'; reason: string }
  /** `text`: the coordinator's words (e.g. where it is already known); internal, on the case record. */
  | { type: 'stop'; reason: StopReason; text?: string | null }
  | { type: 'add-vendor'; vendor: VendorRef }
  | { type: 'remove-vendor'; vendorId: string }
  | { type: 'set-date'; date: IsoDate }
  | { type: 'mark-unreachable'; vendorId: string }
  /** guideline §3.7: contact with an unreachable vendor resumed (003 *8: its list entry is withdrawn). */
  | { type: 'mark-reachable'; vendorId: string }
  /**
   * guideline §3.4: the notification to every vendor of the case that has not answered: a
   * first notification to those not notified yet, the same notification again to those
   * still silent (their 起算日 and reminders unchanged).
   */
  | { type: 'notify-vendors' }
  /**
   * guideline §3.10: introduce the reporter and this vendor to each other. `vendorConsents`
   * is the vendor registry's `acceptsDirect` for the vendor, read by the caller; the
   * reporter's consent is in the snapshot.
   */
  | { type: 'direct-contact'; vendorId: string; vendorConsents: boolean }
  | { type: 'open-impossible'; vendorIds: string[] }
  | { type: 'committee-decision'; decision: 'publish' | 'withhold' }
  | { type: 'publish' }
  | { type: 'flag'; flag: PxaEvent }
  | { type: 'note'; text: string }
  /**
   * guideline §3.10: when the reporter and the vendor do not exchange directly, the desk
   * relays their messages. A coordinator passes `text` to one vendor of the case
   * (`vendorId`) or to the reporter (`vendorId` null); the desk speaks for the other side
   * (the `relay` decision). Allowed on an accepted case, also after publication.
   */
  | { type: 'relay'; vendorId: string | null; text: string }
  /** guideline §3 item 12: a coordinator records that the vendor, consulted, agrees to a priority notice. */
  | { type: 'priority-consent'; vendorId: string }
  /**
   * guideline §3 item 12: send the fix information to the configured government and
   * critical-infrastructure contacts. The caller reads beforehand (the rules are pure):
   * `contacts`, how many configured contacts have a usable key now; `reporter`, whether the
   * case has a reporter at the desk and whether an encrypted notice can reach them.
   */
  /**
   * guideline §3 item 12. `reporterNoticeSent`: whether an earlier priority notice to the
   * reporter was sent (absent: the snapshot's `reporterToldAt` stands, as before issue 12's
   * notice dependency); false with a reporter at the desk: they are told again.
   */
  | { type: 'priority-notice'; contacts: number; reporter: 'none' | 'reachable' | 'no-key'; reporterNoticeSent?: boolean };

export const COMMAND_TYPES = [
  'accept', 'reject', 'stop', 'add-vendor', 'remove-vendor', 'set-date', 'mark-unreachable',
  'mark-reachable', 'notify-vendors', 'direct-contact', 'open-impossible', 'committee-decision',
  'publish', 'flag', 'note', 'relay', 'priority-consent', 'priority-notice',
] as const satisfies readonly CoordinatorCommand['type'][];

/** A vendor's signed reply (mail-protocol §4), already matched to the case and the vendor. */
export interface VendorReplyEvent {
  type: 'vendor-reply';
  vendorId: string;
  reply: VendorReplyForm;
  /** The vendor says other vendors are affected too (guideline §3.6), as it wrote it. */
  otherVendorsAffected?: string;
}

/** The vendor-list lookup for the case's product (guideline §3.4). */
export interface VendorsMatchedEvent {
  type: 'vendors-matched';
  candidates: VendorRef[];
}

/** Time passes: the scheduler calls the rules with the current time. */
export interface TickEvent {
  type: 'tick';
  /**
   * Timed mail to people (reminders, the one-year notice) waits for a business day (issue
   * 11; docs/decisions.md): the desk passes its calendar's deferral; absent, none.
   */
  deferMail?: MailDeferral;
}

export type ProductEvent = CoordinatorCommand | VendorReplyEvent | VendorsMatchedEvent | TickEvent;

// ---- decisions --------------------------------------------------------------------------

export type VendorTemplate = 'notify' | 'schedule' | 'published' | 'stopped' | 'withdrawn' | 'impossible-invite' | 'impossible-decided';

export type ReporterTemplate = 'accepted' | 'not-accepted' | 'stopped' | 'schedule' | 'published' | 'may-withdraw' | 'impossible-decided' | 'priority-notice';

export type CoordinatorTemplate =
  | 'vendor-unreachable'
  | 'vendor-reachable'
  | 'product-name-published'
  | 'late-vendor'
  | 'confirm-vendor'
  | 'date-proposed'
  | 'date-rejected'
  | 'other-vendors'
  | 'reply-conflict'
  | 'reply-out-of-scope'
  | 'all-not-affected'
  | 'advisory-url'
  | 'embargo-broken'
  | 'attacks-observed'
  | 'impossible-view'
  | 'impossible-deadline'
  | 'impossible-decided'
  | 'published';

export type UnreachableListChange = 'add-vendor' | 'add-product' | 'remove';

export type AdvisoryVendorStatus = 'fixed' | 'affected' | 'not-affected' | 'unknown';

/** What goes public on the publication date (guideline §2: summary, countermeasures, status, schedule; §3.13). */
export interface Advisory {
  caseId: string;
  /** JST date of publication. */
  date: IsoDate;
  vendors: {
    vendorId: string;
    name: string;
    product: string | null;
    status: AdvisoryVendorStatus;
    fixedVersions: string | null;
    workaround: string | null;
    advisoryUrl: string | null;
  }[];
  /** The reporter's name only when the reporter asked for credit (資料2 III.4.7). */
  credit: string | null;
  /** Published after a publication judgment committee decided to (§3.8). */
  byCommittee: boolean;
}

export type CasePatch = Partial<Pick<ProductCase, 'publication' | 'publishedAt' | 'firstContactDate' | 'procedure' | 'withdrawalNoticeAt' | 'priority'>>;
export type VendorPatch = Partial<Omit<CaseVendor, 'id' | 'fix' | 'coordination'>>;

export type SetStateDecision =
  | { type: 'set-state'; machine: 'rm'; to: RmState }
  | { type: 'set-state'; machine: 'em'; to: EmState }
  | { type: 'set-state'; machine: 'pxa'; to: PxaState }
  | { type: 'set-state'; machine: 'impossible'; to: ImpossibleState }
  | { type: 'set-state'; machine: 'fix'; vendorId: string; to: FixState }
  | { type: 'set-state'; machine: 'coordination'; vendorId: string; to: CoordinationState };

export type ProductDecision =
  /** Timeline entry (coordinators only). */
  | { type: 'record'; event: string; detail: string }
  /** A coordinator command not allowed now: nothing else is decided; the caller tells the coordinator. */
  | { type: 'error'; message: string; refusal?: CommandError }
  | SetStateDecision
  | { type: 'update-case'; patch: CasePatch }
  | { type: 'update-vendor'; vendorId: string; patch: VendorPatch }
  | { type: 'add-vendor'; vendor: CaseVendor }
  | { type: 'remove-vendor'; vendorId: string }
  /**
   * A notice to one vendor of the case. The reporter's identity goes with it only with the
   * reporter's consent (guideline §2; 資料1 2.(4)); direct contact is offered only when the
   * reporter agreed to it (§3.10).
   */
  | {
      type: 'notify-vendor';
      vendorId: string;
      template: VendorTemplate;
      includeReporterIdentity: boolean;
      offerDirectContact: boolean;
      /** Publication date (proposed or agreed) where the notice carries one. */
      date?: IsoDate | null;
      /** `schedule`: the agreed date this one replaces, if any. */
      previousDate?: IsoDate | null;
      deadline?: IsoDate;
      reason?: StopReason['kind'];
      outcome?: ImpossibleOutcome;
    }
  /** The n-th reminder to a silent vendor (§8). */
  | { type: 'remind-vendor'; vendorId: string; n: number; since: Date }
  | {
      type: 'notify-reporter';
      template: ReporterTemplate;
      /** Publication date for `schedule` and `published`. */
      date?: IsoDate;
      /** `schedule`: the agreed date this one replaces, if any. */
      previousDate?: IsoDate;
      /** `published`: the name credited in the advisory, null when not credited. */
      credit?: string | null;
      /** `not-accepted`: free text; `stopped`: the §3.3 reason (a duplicate's case id is not told). */
      reason?: string;
      outcome?: ImpossibleOutcome;
      /** `may-withdraw`: the 起算日. */
      since?: IsoDate;
    }
  | { type: 'notify-coordinators'; template: CoordinatorTemplate; detail: string; vendorId?: string; date?: IsoDate }
  /** The published list of unreachable vendors changes for this vendor (§3.7; 003 *8). */
  | { type: 'publish-unreachable-list'; change: UnreachableListChange; vendorId: string }
  /** Publication (§3.13): the only decision that carries case content to the public. */
  | { type: 'send-advisory'; advisory: Advisory }
  /**
   * Direct exchange (guideline §3.10): the reporter and this vendor both consented, so each
   * is told how to reach the other (the vendor gets the reporter's name, address and
   * organisation; the reporter the vendor's name and contact address).
   */
  | { type: 'introduce'; vendorId: string }
  /**
   * Relayed correspondence (guideline §3.10, no direct exchange): a coordinator passes `text`
   * to one vendor of the case (`vendorId`) or to the reporter (`vendorId` null). The desk
   * speaks for the other side: neither party's identity goes with it (§2).
   */
  | { type: 'relay'; vendorId: string | null; text: string }
  /**
   * A priority notice (guideline §3 item 12): the fix information of these vendors to every
   * configured contact, encrypted to each contact's pinned key; never the reporter's identity.
   */
  | { type: 'send-priority-notice'; vendors: string[] };

// ---- the reducer ------------------------------------------------------------------------

function patchVendor(c: ProductCase, vendorId: string, f: (v: CaseVendor) => CaseVendor): ProductCase {
  if (!c.vendors.some((v) => v.id === vendorId)) throw new RangeError(`case ${c.id} has no vendor "${vendorId}"`);
  return { ...c, vendors: c.vendors.map((v) => (v.id === vendorId ? f(v) : v)) };
}

/** The snapshot after one decision. Notices, records and errors change nothing here. */
export function applyDecision(c: ProductCase, d: ProductDecision): ProductCase {
  switch (d.type) {
    case 'set-state':
      switch (d.machine) {
        case 'rm':
          return { ...c, rm: d.to };
        case 'em':
          return { ...c, em: d.to };
        case 'pxa':
          return { ...c, pxa: d.to };
        case 'impossible':
          return { ...c, impossible: d.to };
        case 'fix':
          return patchVendor(c, d.vendorId, (v) => ({ ...v, fix: d.to }));
        case 'coordination':
          return patchVendor(c, d.vendorId, (v) => ({ ...v, coordination: d.to }));
      }
      break;
    case 'update-case':
      return { ...c, ...d.patch };
    case 'update-vendor':
      return patchVendor(c, d.vendorId, (v) => ({ ...v, ...d.patch }));
    case 'add-vendor':
      if (c.vendors.some((v) => v.id === d.vendor.id)) throw new RangeError(`case ${c.id} already has vendor "${d.vendor.id}"`);
      return { ...c, vendors: [...c.vendors, d.vendor] };
    case 'remove-vendor':
      return { ...c, vendors: c.vendors.filter((v) => v.id !== d.vendorId) };
    default:
      return c;
  }
  return c;
}

export function applyDecisions(c: ProductCase, ds: readonly ProductDecision[]): ProductCase {
  return ds.reduce(applyDecision, c);
}
