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

/** States in which the rules decide nothing more on time passing (onTick returns at once). */
export const FINAL_CASE_STATES = ['published', 'stopped', 'not-accepted'] as const satisfies readonly CaseState[];

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
  /** The case's 起算日 (JST date of the first contact attempt to any vendor; 003 *5). */
  startDateJst: IsoDate | null;
  /** 起算日 + publicationDays (guideline §3.5; 003 *9: 45). */
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
}

export interface CaseViewInput {
  id: string;
  kind: string;
  /** cases.state: the view's state for a case without product-track state. */
  storedState: string;
  snapshot: ProductCase | null;
  lastActivity: Date | null;
  now: Date;
  settings?: Settings;
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
