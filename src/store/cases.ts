// The cases aggregate, beyond the row access in repo.ts (nextCaseId, createCase, getCase):
// the product-track snapshot column and the reads over many cases.
import type { ReportForm } from '../domain/inspect.ts';
import type { Db } from './db.ts';

/** The stored product-track snapshot (JSON, revived by the caller); null without one. `lock`: row locked for the transaction (pg). */
export async function loadCoordination(db: Db, caseId: string, opts: { lock?: boolean } = {}): Promise<unknown> {
  const [row] = await db.query<{ coordination: unknown }>(`SELECT coordination FROM cases WHERE id = $1${opts.lock && db.kind === 'pg' ? ' FOR UPDATE' : ''}`, [caseId]);
  return row?.coordination ?? null;
}

/** Writes the snapshot and `cases.state` derived from it in one statement; false when there is no such case. */
export async function saveCoordination(db: Db, caseId: string, serialized: string, state: string): Promise<boolean> {
  const rows = await db.query('UPDATE cases SET coordination = $2::text::jsonb, state = $3, updated_at = now() WHERE id = $1 RETURNING id', [caseId, serialized, state]);
  return rows.length > 0;
}

export interface CaseHint {
  id: string;
  product: ReportForm['product'] | null;
  vulnerability: ReportForm['vulnerability'] | null;
  vendors: { id: string }[] | null;
}

/** Of the most recent cases but one, only what duplicate detection reads (a hint, not a search). */
export async function recentCaseHints(db: Db, exceptId: string, limit: number): Promise<CaseHint[]> {
  return db.query<CaseHint>(
    `SELECT id, report->'product' AS product, report->'vulnerability' AS vulnerability, coordination->'vendors' AS vendors
       FROM cases WHERE id <> $1 ORDER BY created_at DESC LIMIT $2`,
    [exceptId, limit],
  );
}

/** Ids of the cases with product-track state not in one of `finalStates`, in id order (the tick's work). */
export async function activeCoordinatedCaseIds(db: Db, finalStates: readonly string[]): Promise<string[]> {
  const rows = await db.query<{ id: string }>(`SELECT id FROM cases WHERE coordination IS NOT NULL AND NOT (state = ANY($1::text[])) ORDER BY id`, [[...finalStates]]);
  return rows.map((r) => r.id);
}

/** Every case with product-track state: its snapshot, report and reporter address (the unreachable list). */
export async function coordinatedCases(db: Db): Promise<{ id: string; coordination: unknown; report: unknown; reporterEmail: string | null }[]> {
  const rows = await db.query<{ id: string; coordination: unknown; report: unknown; reporter_email: string | null }>('SELECT id, coordination, report, reporter_email FROM cases WHERE coordination IS NOT NULL');
  return rows.map((r) => ({ id: r.id, coordination: r.coordination, report: r.report, reporterEmail: r.reporter_email }));
}
