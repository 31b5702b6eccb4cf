// What a reporter may know of its case (issue 11; guideline §2 information classes), from
// the truthful case view (src/rules/case-view.ts): the state in the reporter's terms,
// whether the vendor(s) or the site's operator were written to and answered, the agreed
// publication date, 起算日, and whom the desk waits for — in general terms only. Never a
// vendor's or operator's name, words, fix versions or dates it proposed, nor the committee's
// deliberation (§2: "committee judgment and the vendor's comments … never public").
import { jstDate, type IsoDate } from '../domain/clock.ts';
import type { CaseView } from './case-view.ts';
import { withdrawalDate } from './product.ts';
import { DEFAULT_SETTINGS, type Settings } from './product-state.ts';

export const REPORTER_STATES = [
  'under-review',
  'accepted',
  'coordinating',
  'scheduled',
  'committee',
  'publishing',
  'not-to-be-published',
  'published',
  'fixed',
  'stopped',
  'not-accepted',
] as const;
export type ReporterState = (typeof REPORTER_STATES)[number];

export const REPORTER_WAITING = ['desk', 'vendor', 'operator', 'committee', 'publication'] as const;
export type ReporterWaiting = (typeof REPORTER_WAITING)[number];

export interface ReporterStatus {
  state: ReporterState;
  /** Whom the case is coordinated with: the product's vendor(s) or the site's operator. */
  party: 'vendor' | 'operator';
  contacted: boolean;
  answered: boolean;
  /** 起算日, when the clock has started. */
  startDate?: IsoDate;
  /** The agreed publication date (product cases). */
  publicationDate?: IsoDate;
  /** From when the non-disclosure request may be withdrawn (product cases, clock started, not published). */
  withdrawableFrom?: IsoDate;
  waiting: ReporterWaiting[];
}

/** The case view's state → the reporter's words for it (both tracks). */
export function reporterState(state: string): ReporterState {
  switch (state) {
    case 'received':
    case 'deferred':
      return 'under-review';
    case 'accepted':
      return 'accepted';
    case 'scheduled':
      return 'scheduled';
    case 'committee':
      return 'committee';
    case 'public':
      return 'publishing';
    case 'withheld':
      return 'not-to-be-published';
    case 'published':
      return 'published';
    case 'fixed':
      return 'fixed';
    case 'stopped':
      return 'stopped';
    case 'not-accepted':
      return 'not-accepted';
    default:
      // coordinating, awaiting-key, operator-notified, operator-answered, and any state a
      // later track adds: "being coordinated" says nothing wrong.
      return 'coordinating';
  }
}

function waitingOf(who: string): ReporterWaiting {
  if (who.startsWith('vendor:')) return 'vendor';
  if (who.startsWith('operator:')) return 'operator';
  if (who === 'committee') return 'committee';
  if (who === 'desk') return 'publication';
  return 'desk';
}

/** Whether non-disclosure withdrawal applies to the case at all (guideline §3 item 9: the product track). */
export function withdrawalApplies(view: CaseView): boolean {
  return view.kind === 'product' && view.website === undefined && view.publishedAt === null && view.state !== 'published';
}

export function reporterStatus(view: CaseView, s: Settings = DEFAULT_SETTINGS): ReporterStatus {
  const website = view.website;
  const party = website !== undefined ? 'operator' : 'vendor';
  const op = website?.operator ?? null;
  const contacted = website !== undefined ? op !== null && op.contact !== 'uncontacted' : view.vendors.some((v) => v.coordination !== 'unnotified');
  const answered = website !== undefined ? op !== null && (op.contact === 'answered' || op.contact === 'fixed') : view.vendors.some((v) => v.coordination === 'answered');
  const start = website !== undefined ? website.startDateJst : view.startDateJst;
  const waiting = [...new Set(view.waitingFor.map((w) => waitingOf(w.who)))].sort((a, b) => REPORTER_WAITING.indexOf(a) - REPORTER_WAITING.indexOf(b));
  return {
    state: reporterState(view.state),
    party,
    contacted,
    answered,
    ...(start !== null ? { startDate: start } : {}),
    ...(view.agreedJst !== null && website === undefined ? { publicationDate: view.agreedJst } : {}),
    ...(start !== null && withdrawalApplies(view) ? { withdrawableFrom: withdrawalDate(start, s) } : {}),
    waiting,
  };
}

export type WithdrawalOutcome =
  | { result: 'recorded'; startDate: IsoDate }
  | { result: 'already'; recordedOn: IsoDate }
  | { result: 'early'; possibleFrom: IsoDate | null }
  | { result: 'not-applicable' };

/**
 * A reporter's X-WITHDRAW-NDA (guideline §3 item 9; 003 *9: one year or more after 起算日).
 * `recordedAt`: when a withdrawal was recorded before (the request is applied once).
 */
export function decideWithdrawal(view: CaseView, now: Date, recordedAt: Date | null, s: Settings = DEFAULT_SETTINGS): WithdrawalOutcome {
  if (recordedAt !== null) return { result: 'already', recordedOn: jstDate(recordedAt) };
  if (!withdrawalApplies(view)) return { result: 'not-applicable' };
  const start = view.startDateJst;
  if (start === null) return { result: 'early', possibleFrom: null };
  const from = withdrawalDate(start, s);
  if (jstDate(now) < from) return { result: 'early', possibleFrom: from };
  return { result: 'recorded', startDate: start };
}
