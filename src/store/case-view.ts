// Loading the case views (src/rules/case-view.ts) for `madoguchi cases list|show`: the case
// row, its product-track snapshot and its last activity, in one query for any number of
// cases. Reads of the case (`case-read`) are not activity.
import { deriveCaseView, snapshotState, type CaseView } from '../rules/case-view.ts';
import { isWebsiteCase, reviveAnySnapshot, reviveSnapshot } from '../rules/snapshot-json.ts';
import type { Settings } from '../rules/product-state.ts';
import type { Db } from './handle.ts';

interface ViewRow {
  id: string;
  kind: string;
  state: string;
  coordination: unknown;
  last_activity: Date | string | null;
}

/** Every case's view, oldest case first (ids: only those). */
export async function loadCaseViews(db: Db, opts: { now: Date; settings?: Settings; ids?: string[] }): Promise<CaseView[]> {
  const rows = await db.query<ViewRow>(
    `SELECT c.id, c.kind, c.state, c.coordination,
            (SELECT max(t.at) FROM timeline t WHERE t.case_id = c.id AND t.event <> 'case-read') AS last_activity
       FROM cases c
      WHERE ($1::text[] IS NULL OR c.id = ANY($1::text[]))
      ORDER BY c.created_at, c.id`,
    [opts.ids ?? null],
  );
  return rows.map((r) =>
    deriveCaseView({
      id: r.id,
      kind: r.kind,
      storedState: r.state,
      snapshot: r.coordination ? reviveAnySnapshot(r.coordination) : null,
      lastActivity: r.last_activity === null ? null : new Date(r.last_activity),
      now: opts.now,
      ...(opts.settings ? { settings: opts.settings } : {}),
    }),
  );
}

export async function loadCaseView(db: Db, id: string, opts: { now: Date; settings?: Settings }): Promise<CaseView | null> {
  return (await loadCaseViews(db, { ...opts, ids: [id] }))[0] ?? null;
}

/**
 * Rewrites `cases.state` from the snapshot for every case with track state (product or website) (or those given): the
 * one-time catch-up for cases stored before saveSnapshot wrote the state (migration 017).
 * Returns how many rows changed.
 */
export async function refreshCaseStates(db: Db): Promise<number> {
  const rows = await db.query<{ id: string; state: string; coordination: unknown }>('SELECT id, state, coordination FROM cases WHERE coordination IS NOT NULL');
  let changed = 0;
  for (const r of rows) {
    // Each track's own state (a website snapshot is never read by the product rules).
    const s = snapshotState(reviveAnySnapshot(r.coordination));
    if (s === r.state) continue;
    await db.query('UPDATE cases SET state = $2 WHERE id = $1', [r.id, s]);
    changed++;
  }
  return changed;
}

/** A case's row as the exports read it (src/export/load.ts): kind, language, report, opened, snapshot. */
export async function loadCaseForExport(
  db: Db,
  id: string,
): Promise<{ id: string; kind: string; lang: string; report: unknown; createdAt: Date; snapshot: ReturnType<typeof reviveSnapshot> | null } | null> {
  const [r] = await db.query<{ id: string; kind: string; lang: string; report: unknown; created_at: Date | string; coordination: unknown }>(
    'SELECT id, kind, lang, report, created_at, coordination FROM cases WHERE id = $1',
    [id],
  );
  if (!r) return null;
  // A website snapshot is never read as a product one (issue 11; nothing of a site is exported).
  const any = r.coordination ? reviveAnySnapshot(r.coordination) : null;
  return { id: r.id, kind: r.kind, lang: r.lang, report: r.report, createdAt: new Date(r.created_at), snapshot: any !== null && !isWebsiteCase(any) ? reviveSnapshot(r.coordination) : null };
}
