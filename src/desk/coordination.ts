// Persistence of the product track (guideline §3): the ProductCase snapshot of a case is
// read, stepped by the pure rules (src/rules/product.ts) and written back in one
// transaction, with the case row locked, and every decision lands on the timeline. The
// notices the decisions ask for are returned to the caller, which composes and queues them.
import { ReplayConflictError, type ReplayStore } from '../commands/auth.ts';
import { DEFAULT_SETTINGS, stepProduct, type ProductCase, type ProductDecision, type ProductEvent, type Settings } from '../rules/product.ts';
import type { Db } from '../store/db.ts';
import { snapshotState } from '../rules/case-view.ts';
import { isWebsiteCase, reviveAnySnapshot, reviveSnapshot, serializeSnapshot, type CaseSnapshot } from '../rules/snapshot-json.ts';
import { appendTimeline } from '../store/repo.ts';
import { loadCoordination, saveCoordination } from '../store/cases.ts';
import { pruneReplays, rememberReplay, replaySeen } from '../store/command-replays.ts';

export { reviveSnapshot, serializeSnapshot };

/** Either track's snapshot (null: the case has none); `isWebsiteCase` tells which. */
export async function loadAnySnapshot(db: Db, caseId: string, opts: { lock?: boolean } = {}): Promise<CaseSnapshot | null> {
  const coordination = await loadCoordination(db, caseId, opts);
  return coordination ? reviveAnySnapshot(coordination) : null;
}

/**
 * The product-track snapshot; null when the case has none or is a website case, so the
 * product rules never run on a website snapshot (issue 11).
 */
export async function loadSnapshot(db: Db, caseId: string, opts: { lock?: boolean } = {}): Promise<ProductCase | null> {
  const c = await loadAnySnapshot(db, caseId, opts);
  return c === null || isWebsiteCase(c) ? null : c;
}

/**
 * Writes the snapshot and, in the same statement, `cases.state` derived from it (issue 10:
 * one source of truth; src/rules/case-view.ts caseState), so the stored state is never the
 * state of the day the case was opened.
 */
export async function saveSnapshot(db: Db, c: CaseSnapshot): Promise<void> {
  if (!(await saveCoordination(db, c.id, serializeSnapshot(c), snapshotState(c)))) throw new Error(`no case ${c.id}`);
}

/** Timeline entry for a decision (the audit log of guideline §2 / 000 §4). */
function timelineOf(d: ProductDecision): { event: string; data: unknown } {
  switch (d.type) {
    case 'record':
      return { event: d.event, data: { detail: d.detail } };
    case 'error':
      return { event: 'command-refused', data: { message: d.message } };
    case 'set-state':
      return { event: `state:${d.machine}:${d.to}`, data: 'vendorId' in d ? { vendor: d.vendorId } : {} };
    case 'send-advisory':
      // The advisory itself is the public text; the timeline notes that it went out.
      return { event: 'advisory', data: { date: d.advisory.date } };
    default:
      return { event: d.type, data: d };
  }
}

/**
 * One track's rules as trackStepper steps them: how its snapshot is read (null: the case
 * is not on this track), the pure step of its rules, and its timeline entry per decision.
 */
export interface Track<C extends CaseSnapshot, E, D, S> {
  load: (db: Db, caseId: string, opts: { lock?: boolean }) => Promise<C | null>;
  step: (c: C, event: E, now: Date, settings: S) => { case: C; decisions: D[] };
  timelineOf: (d: D) => { event: string; data: unknown };
}

/** One track's step of a case by one event (trackStepper): the decisions and the snapshot after, or null when the case is not on the track. */
export type TrackStep<C, E, D, S> = (
  db: Db,
  caseId: string,
  event: E,
  now: Date,
  actor: string,
  settings?: S,
  /** Runs inside the same transaction (e.g. composing and storing the notices decided). */
  within?: (tx: Db, decisions: D[], snapshot: C) => Promise<void>,
) => Promise<{ decisions: D[]; snapshot: C } | null>;

/**
 * The one step of either track (the website track's is this one, issue 11): steps the case's
 * `track` by one event at `now`, in one transaction with the case row locked; the snapshot
 * is written back unless every decision is a refusal, and every decision lands on the
 * timeline. Returns the decisions (the notices among them are for the caller to send) and
 * the snapshot after, or null when the case is not on this track.
 */
export function trackStepper<C extends CaseSnapshot, E, D extends { type: string }, S>(track: Track<C, E, D, S>, defaults: S): TrackStep<C, E, D, S> {
  return async (db, caseId, event, now, actor, settings = defaults, within) =>
    db.tx(async (tx) => {
      const before = await track.load(tx, caseId, { lock: true });
      if (!before) return null;
      const { case: after, decisions } = track.step(before, event, now, settings);
      if (decisions.some((d) => d.type !== 'error')) await saveSnapshot(tx, after);
      for (const d of decisions) {
        const t = track.timelineOf(d);
        await appendTimeline(tx, { caseId, actor, event: t.event, data: t.data, at: now });
      }
      if (within) await within(tx, decisions, after);
      return { decisions, snapshot: after };
    });
}

/**
 * Steps the case's product track by one event at `now`, in one transaction. Returns the
 * decisions (the notices among them are for the caller to send), or null when the case
 * has no product-track state.
 */
export const applyEvent: TrackStep<ProductCase, ProductEvent, ProductDecision, Settings> = trackStepper({ load: loadSnapshot, step: stepProduct, timelineOf }, DEFAULT_SETTINGS);

/** Replay store on the database (src/commands/auth.ts): run it inside the applying transaction. */
export class DbReplayStore implements ReplayStore {
  constructor(private readonly db: Db) {}
  async seen(key: string): Promise<boolean> {
    return replaySeen(this.db, key);
  }
  async remember(key: string, at: Date): Promise<void> {
    if (!(await rememberReplay(this.db, key, at))) throw new ReplayConflictError(key);
  }
  async prune(olderThan: Date): Promise<number> {
    return pruneReplays(this.db, olderThan);
  }
}
