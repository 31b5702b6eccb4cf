// A case as it is now (issue 10, "truthful state"): one pure derivation from the product
// track's snapshot (src/rules/product-state.ts), the only state the rules change. The
// stored `cases.state` is `caseState(snapshot)`, written by saveSnapshot in the same
// transaction as the event that changed the snapshot, and `madoguchi cases list|show` print
// `deriveCaseView`; test/store/case-view.test.ts replays the scenarios through the store
// and checks that the two never differ.
//
// States are data (style anchor 4, Vultron): the case state is a name for a combination of
// the machines (RM, EM, PXA, the 調整不能 procedure, each vendor's contact), in the order
// `caseState` tests them.
import { addDays, jstDate, publicationTarget, type IsoDate } from '../domain/clock.ts';
import { pxaFlags } from '../domain/vultron.ts';
import { DEFAULT_SETTINGS, type CaseVendor, type ProductCase, type Settings } from './product-state.ts';
import { isWebsiteCase } from './snapshot-json.ts';
import {
  DEFAULT_WEBSITE_SETTINGS,
  nextReminderAt,
  WEBSITE_CASE_STATES,
  websiteCaseState,
  type CaseOperator,
  type OperatorSource,
  type WebsiteCase,
  type WebsiteCaseState,
  type WebsiteSettings,
} from './website.ts';
import type { OperatorContactState, OperatorIdState } from '../domain/operator.ts';

export const CASE_STATES = [
  /** Screened, not accepted yet (RM received or valid): a coordinator accepts or rejects. */
  'received',
  /** RM deferred. */
  'deferred',
  /** Accepted (guideline §3.2), no vendor written to yet. */
  'accepted',
  /** Vendors written to, no publication date agreed (guideline §3.4-3.7). */
  'coordinating',
  /** A publication date agreed (EM active, or revise: the agreed date stands; §3.5). */
  'scheduled',
  /** The 調整不能 procedure is open: the committee has not decided (§3.8). */
  'committee',
  /** Public before publication (Vultron P; the embargo ended): a coordinator publishes. */
  'public',
  /** The committee decided not to publish (§3.8): nothing will be published. */
  'withheld',
  /** Published (§3.13). Final. */
  'published',
  /** Handling stopped after acceptance (§3.3; RM closed). Final. */
  'stopped',
  /** Not accepted (§3.2), or stopped before acceptance (RM invalid). Final. */
  'not-accepted',
] as const;
export type CaseState = (typeof CASE_STATES)[number];

/**
 * States in which the rules decide nothing more on time passing (onTick returns at once),
 * of either track: a website case's `fixed` too (src/rules/website.ts).
 */
export const FINAL_CASE_STATES = ['published', 'stopped', 'not-accepted', 'fixed'] as const satisfies readonly AnyCaseState[];

/** The states of both tracks (a website case's are in src/rules/website.ts), each once. */
export type AnyCaseState = CaseState | WebsiteCaseState;
export const ALL_CASE_STATES: readonly AnyCaseState[] = [...new Set<AnyCaseState>([...CASE_STATES, ...WEBSITE_CASE_STATES])];

export function isCaseState(s: string): s is CaseState {
  return (CASE_STATES as readonly string[]).includes(s);
}

export function isFinalCaseState(s: string): boolean {
  return (FINAL_CASE_STATES as readonly string[]).includes(s);
}

/** The state of a product case, from its snapshot alone (what `cases.state` holds). */
export function caseState(c: ProductCase): CaseState {
  if (c.publishedAt !== null) return 'published';
  switch (c.rm) {
    case 'closed':
      return 'stopped';
    case 'invalid':
      return 'not-accepted';
    case 'received':
    case 'valid':
      return 'received';
    case 'deferred':
      return 'deferred';
    case 'accepted':
      break;
  }
  if (c.procedure?.outcome === 'do-not-publish') return 'withheld';
  if (c.impossible === 'open' || c.impossible === 'vendor-invited') return 'committee';
  if (pxaFlags(c.pxa).publicAware) return 'public';
  if ((c.em === 'active' || c.em === 'revise') && c.publication.agreed !== null) return 'scheduled';
  if (c.vendors.some((v) => v.coordination !== 'unnotified')) return 'coordinating';
  return 'accepted';
}

// ---- vendors ----------------------------------------------------------------------------

/**
 * One vendor's status as a coordinator reads it: `not notified`, `notified`,
 * `reminded(2)`, `unreachable`, `answered` and what it said last (`answered affected`,
 * `answered not affected`, `answered investigating`, `answered fixed`).
 */
export function vendorStatusLabel(v: CaseVendor): string {
  switch (v.coordination) {
    case 'unnotified':
      return 'not notified';
    case 'notified':
      return 'notified';
    case 'reminded':
      return `reminded(${v.reminders})`;
    case 'unreachable':
      return 'unreachable';
    case 'answered':
      return v.status === null ? 'answered' : `answered ${v.status.replace('-', ' ')}`;
  }
}

export interface VendorView {
  id: string;
  name: string;
  product: string | null;
  /** vendorStatusLabel. */
  status: string;
  coordination: CaseVendor['coordination'];
  /** What it said last (mail-protocol §4), null before any answer with a status. */
  answer: CaseVendor['status'];
  fix: CaseVendor['fix'];
  reminders: number;
  /** This vendor's 起算日 (JST date of its first contact attempt, guideline §3.4). */
  startDateJst: IsoDate | null;
  firstContactAt: Date | null;
  lastContactAt: Date | null;
  lastAnswerAt: Date | null;
  unreachableSince: Date | null;
  /** On the public unreachable list (§3.7): the name since, the product since. */
  listedSince: Date | null;
  productListedSince: Date | null;
  proposedPublicationJst: IsoDate | null;
}

function vendorView(v: CaseVendor): VendorView {
  return {
    id: v.id,
    name: v.name,
    product: v.product,
    status: vendorStatusLabel(v),
    coordination: v.coordination,
    answer: v.status,
    fix: v.fix,
    reminders: v.reminders,
    startDateJst: v.firstContactAt ? jstDate(v.firstContactAt) : null,
    firstContactAt: v.firstContactAt,
    lastContactAt: v.lastContactAt,
    lastAnswerAt: v.lastAnswerAt,
    unreachableSince: v.unreachableSince,
    listedSince: v.vendorNamePublishedAt,
    productListedSince: v.productNamePublishedAt,
    proposedPublicationJst: v.proposedPublication,
  };
}

// ---- the view ---------------------------------------------------------------------------

/** Who the desk is waiting for, and for what (the command that moves it on, if any). */
export interface Waiting {
  /** `coordinator`, `committee`, `desk` or `vendor:<id>`. */
  who: string;
  what: string;
}

export interface CaseView {
  id: string;
  kind: string;
  state: string;
  /** The case's 起算日 (JST date of the first contact attempt to any vendor, or to the site's operator; 003 *5). */
  startDateJst: IsoDate | null;
  /** 起算日 + publicationDays (guideline §3.5; 003 *9: 45); a website case's fix target (起算日 + websiteFixDays). */
  targetJst: IsoDate | null;
  /** A date under negotiation (EM proposed or revise) and who proposed it. */
  proposedJst: IsoDate | null;
  proposedBy: string | null;
  /** The agreed publication date (EM active or revise). */
  agreedJst: IsoDate | null;
  publishedAt: Date | null;
  /** The latest timeline entry other than a read (null when there is none). */
  lastActivity: Date | null;
  waitingFor: Waiting[];
  /** Why the case is overdue; empty when it is not. */
  overdue: string[];
  vendors: VendorView[];
  /** A website case's own clock and operator (absent for product cases). */
  website?: WebsiteClockView;
}

export interface CaseViewInput {
  id: string;
  kind: string;
  /** cases.state: the view's state for a case without coordination state. */
  storedState: string;
  snapshot: ProductCase | WebsiteCase | null;
  lastActivity: Date | null;
  now: Date;
  /** The product settings; a website case reads its reminder periods and `websiteFixDays` (default 90) here too. */
  settings?: Settings & Partial<WebsiteSettings>;
}

const coordinator = (what: string): Waiting => ({ who: 'coordinator', what });

function waitingFor(c: ProductCase, state: CaseState, now: Date, s: Settings): Waiting[] {
  const today = jstDate(now);
  switch (state) {
    case 'published':
    case 'stopped':
    case 'not-accepted':
      return [];
    case 'received':
      return [coordinator('accept (X-ACCEPT), reject (X-REJECT) or stop (X-STOP) the report')];
    case 'deferred':
      return [coordinator('the report is deferred: accept it (X-ACCEPT) or stop it (X-STOP)')];
    case 'withheld':
      return [coordinator('the committee decided not to publish: stop the case (X-STOP) when it is over')];
    default:
      break;
  }
  const out: Waiting[] = [];
  if (state === 'public') out.push(coordinator('the case is public: publish now (X-PUBLISH)'));
  const p = c.procedure;
  if (c.impossible === 'vendor-invited' && p) {
    if (p.vendorViewAt === null && today <= p.deadline) out.push(...p.vendorIds.map((id) => ({ who: `vendor:${id}`, what: `its view for the publication judgment committee, until ${p.deadline}` })));
    else out.push({ who: 'committee', what: 'the publication judgment committee\'s decision (X-COMMITTEE-DECISION)' });
  }
  if (c.vendors.length === 0) out.push(coordinator('add the vendor (X-ADD-VENDOR)'));
  for (const v of c.vendors) {
    switch (v.coordination) {
      case 'unnotified':
        out.push(coordinator(`${v.id} is not notified yet (X-NOTIFY-VENDORS)`));
        break;
      case 'notified':
      case 'reminded': {
        // guideline §8: the next reminder, or 連絡不能 after the last one (003 *8).
        const last = v.lastReminderAt ?? v.firstContactAt;
        const next = last ? jstDate(addDays(last, v.reminders === 0 ? s.reminderAfterDays : s.reminderEveryDays)) : null;
        const then = v.reminders >= s.unreachableAfterReminders ? 'unreachable' : `reminder ${v.reminders + 1} of ${s.unreachableAfterReminders}`;
        out.push({ who: `vendor:${v.id}`, what: `an answer${next ? ` (${then} on ${next})` : ''}` });
        break;
      }
      case 'unreachable':
        if (!(p && c.impossible !== 'none' && p.vendorIds.includes(v.id))) {
          out.push(coordinator(`${v.id} is unreachable: X-MARK-REACHABLE when contact resumes, or X-OPEN-IMPOSSIBLE`));
        }
        break;
      case 'answered':
        break;
    }
  }
  if (c.vendors.length > 0 && c.vendors.every((v) => v.fix === 'not-affected')) {
    out.push(coordinator('every vendor says it is not affected: stop the case (X-STOP) or add vendors (X-ADD-VENDOR)'));
  }
  const pub = c.publication;
  if (state !== 'public' && p?.outcome !== 'do-not-publish') {
    if (c.em === 'proposed' && pub.proposed !== null) out.push(coordinator(`agree the publication date (X-SET-DATE): ${pub.proposed} proposed by ${pub.proposedBy ?? 'desk'}`));
    if (c.em === 'revise' && pub.proposed !== null) out.push(coordinator(`decide on ${pub.proposed} proposed by ${pub.proposedBy ?? 'desk'} (X-SET-DATE); ${pub.agreed ?? '?'} stands until then`));
    if ((c.em === 'active' || c.em === 'revise') && pub.agreed !== null && c.vendors.some((v) => v.fix !== 'not-affected')) {
      out.push({ who: 'desk', what: `publication on ${pub.agreed} (the desk publishes on the day)` });
    }
  }
  return out;
}

function overdue(c: ProductCase, state: CaseState, target: IsoDate | null, now: Date): string[] {
  if (isFinalCaseState(state) || c.rm !== 'accepted') return [];
  const today = jstDate(now);
  const out: string[] = [];
  const agreed = c.publication.agreed;
  // Publication happens on the agreed JST date (§3.5, §3.13): the day after, it is late.
  if (agreed !== null && today > agreed) out.push(`the agreed publication date ${agreed} has passed`);
  if (agreed === null && target !== null && today > target) out.push(`the publication target ${target} has passed with no agreed date`);
  const p = c.procedure;
  if (c.impossible === 'vendor-invited' && p && p.outcome === null && today > p.deadline) out.push(`the committee has not decided; the vendor's time ended ${p.deadline}`);
  return out;
}

/** The case as it is now: state, vendors, dates, last activity, what the desk waits for. */
export function deriveCaseView(i: CaseViewInput): CaseView {
  const s = i.settings ?? DEFAULT_SETTINGS;
  const c = i.snapshot;
  if (c !== null && isWebsiteCase(c)) return deriveWebsiteView(i, c, { ...DEFAULT_WEBSITE_SETTINGS, ...i.settings });
  if (c === null) {
    // No product-track state (e.g. a website case): the stored state is all there is.
    return {
      id: i.id, kind: i.kind, state: i.storedState, startDateJst: null, targetJst: null, proposedJst: null, proposedBy: null, agreedJst: null, publishedAt: null,
      lastActivity: i.lastActivity, waitingFor: [coordinator(`a ${i.kind} case has no coordination track in the desk yet`)], overdue: [], vendors: [],
    };
  }
  const state = caseState(c);
  const target = c.firstContactDate !== null ? publicationTarget(c.firstContactDate, s.publicationDays) : null;
  const negotiating = c.em === 'proposed' || c.em === 'revise';
  return {
    id: i.id,
    kind: i.kind,
    state,
    startDateJst: c.firstContactDate,
    targetJst: target,
    proposedJst: negotiating ? c.publication.proposed : null,
    proposedBy: negotiating ? c.publication.proposedBy : null,
    agreedJst: c.em === 'active' || c.em === 'revise' || c.publishedAt !== null ? c.publication.agreed : null,
    publishedAt: c.publishedAt,
    lastActivity: i.lastActivity,
    waitingFor: waitingFor(c, state, i.now, s),
    overdue: overdue(c, state, target, i.now),
    vendors: c.vendors.map(vendorView),
  };
}

// ---- website cases (guideline §4; issue 11) ----------------------------------------------

export interface OperatorView {
  id: string;
  name: string;
  source: OperatorSource;
  /** operatorStatusLabel. */
  status: string;
  contact: OperatorContactState;
  /** What it said last (mail-protocol §4), null before any answer with a status. */
  answer: CaseOperator['status'];
  keyPinned: boolean;
  reminders: number;
  firstContactAt: Date | null;
  detailsSentAt: Date | null;
  lastContactAt: Date | null;
  lastAnswerAt: Date | null;
  /** JST date of the next reminder (or of the silence alert after the last one). */
  nextReminderJst: IsoDate | null;
  silentSince: Date | null;
}

/** A website case's clock: 起算日 (first contact attempt), fix target, the operator. */
export interface WebsiteClockView {
  startDateJst: IsoDate | null;
  /** 起算日 + websiteFixDays (guideline §4 item 3; §8: 90), as the operator was told. */
  fixTargetJst: IsoDate | null;
  fixedAt: Date | null;
  identification: OperatorIdState;
  /** Operators proposed by the lookups, awaiting a coordinator's confirmation. */
  candidates: number;
  operator: OperatorView | null;
}

/**
 * The operator's status as a coordinator reads it: `not contacted`, `awaiting key`,
 * `awaiting key, reminded(1)`, `notified`, `reminded(2)`, `silent after 3 reminders`,
 * `answered investigating`, `fixed`.
 */
export function operatorStatusLabel(op: CaseOperator): string {
  switch (op.contact) {
    case 'uncontacted':
      return 'not contacted';
    case 'awaiting-key':
    case 'notified': {
      const base = op.contact === 'awaiting-key' ? 'awaiting key' : 'notified';
      if (op.silentAlertedAt !== null) return `${op.contact === 'awaiting-key' ? `${base}, ` : ''}silent after ${op.reminders} reminder(s)`;
      if (op.reminders === 0) return base;
      return op.contact === 'awaiting-key' ? `${base}, reminded(${op.reminders})` : `reminded(${op.reminders})`;
    }
    case 'answered':
      return op.status === null ? 'answered' : `answered ${op.status.replace('-', ' ')}`;
    case 'fixed':
      return 'fixed';
  }
}

function operatorView(op: CaseOperator, s: WebsiteSettings): OperatorView {
  const next = nextReminderAt(op, s);
  return {
    id: op.id,
    name: op.name,
    source: op.source,
    status: operatorStatusLabel(op),
    contact: op.contact,
    answer: op.status,
    keyPinned: op.keyFingerprint !== null,
    reminders: op.reminders,
    firstContactAt: op.firstContactAt,
    detailsSentAt: op.detailsSentAt,
    lastContactAt: op.lastContactAt,
    lastAnswerAt: op.lastAnswerAt,
    nextReminderJst: next === null ? null : jstDate(next),
    silentSince: op.silentAlertedAt,
  };
}

function websiteWaitingFor(c: WebsiteCase, state: WebsiteCaseState, s: WebsiteSettings): Waiting[] {
  switch (state) {
    case 'fixed':
    case 'stopped':
    case 'not-accepted':
      return [];
    case 'received':
      return [coordinator('accept (X-ACCEPT), reject (X-REJECT) or stop (X-STOP) the report')];
    case 'deferred':
      return [coordinator('the report is deferred: accept it (X-ACCEPT) or stop it (X-STOP)')];
    default:
      break;
  }
  const op = c.operator;
  if (op === null) {
    const n = c.candidates.length;
    return [coordinator(`confirm the site's operator (X-CONFIRM-OPERATOR)${n > 0 ? `: ${n} candidate(s) proposed` : ': none proposed yet'}`)];
  }
  const who = `operator:${op.id}`;
  const next = nextReminderAt(op, s);
  const then = op.reminders >= s.operatorSilentAfterReminders ? 'coordinators alerted' : `reminder ${op.reminders + 1} of ${s.operatorSilentAfterReminders}`;
  const when = next === null ? '' : ` (${then} on ${jstDate(next)})`;
  const silent = op.silentAlertedAt !== null ? [coordinator(`${op.id} is silent after ${op.reminders} reminder(s): write to it another way, X-NOTIFY-OPERATOR, or X-STOP`)] : [];
  switch (op.contact) {
    case 'uncontacted':
      return [coordinator(`${op.id} is not contacted yet (X-NOTIFY-OPERATOR)`)];
    case 'awaiting-key':
      return [{ who, what: `its key${when}` }, coordinator(`pin ${op.id}'s key (madoguchi operators), then X-NOTIFY-OPERATOR sends the details`), ...silent];
    case 'notified':
      return [{ who, what: `an answer${when}` }, ...silent];
    case 'answered':
      if (op.status === 'not-affected') return [coordinator(`${op.id} says the site is not vulnerable: X-RELAY to the reporter, or X-STOP`)];
      return [{ who, what: `the fix report (fix target ${c.fixTarget ?? '?'})` }];
    case 'fixed':
      return [];
  }
}

function deriveWebsiteView(i: CaseViewInput, c: WebsiteCase, s: WebsiteSettings): CaseView {
  const state = websiteCaseState(c);
  const today = jstDate(i.now);
  const overdue = !isFinalCaseState(state) && c.rm === 'accepted' && c.fixTarget !== null && today > c.fixTarget ? [`the fix target ${c.fixTarget} has passed with no fix reported`] : [];
  return {
    id: i.id,
    kind: i.kind,
    state,
    startDateJst: c.firstContactDate,
    targetJst: c.fixTarget,
    proposedJst: null,
    proposedBy: null,
    agreedJst: null,
    publishedAt: null,
    lastActivity: i.lastActivity,
    waitingFor: websiteWaitingFor(c, state, s),
    overdue,
    vendors: [],
    website: {
      startDateJst: c.firstContactDate,
      fixTargetJst: c.fixTarget,
      fixedAt: c.fixedAt,
      identification: c.operatorId,
      candidates: c.candidates.length,
      operator: c.operator === null ? null : operatorView(c.operator, s),
    },
  };
}

/** The state a snapshot of either track stores in `cases.state`. */
export function snapshotState(c: ProductCase | WebsiteCase): AnyCaseState {
  return isWebsiteCase(c) ? websiteCaseState(c) : caseState(c);
}
