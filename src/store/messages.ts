// The messages aggregate, beyond the row access in repo.ts (storeMessage, getMessage,
// setMessageState): the claims and marks the intake runner and the use cases need.
// The database is the truth of where a message is (pitfalls.md: a queued job can run
// twice): every write here is conditional, so a second run finds nothing to do.
import type { Db } from './db.ts';

/**
 * Claims an opened message for triage. The conditional update is the lock: a second run of
 * the same job (or a concurrent one) finds no row and gets false.
 */
export async function claimForTriage(db: Db, id: number): Promise<boolean> {
  const claimed = await db.query<{ id: number }>(`UPDATE messages SET state = 'triaged', updated_at = now() WHERE id = $1 AND state = 'opened' RETURNING id`, [id]);
  return claimed.length > 0;
}

/** A message's bad-value or failure verdict (codes only, never content). */
export async function setMessageError(db: Db, id: number, error: string): Promise<void> {
  await db.query('UPDATE messages SET error = $2, updated_at = now() WHERE id = $1', [id, error]);
}

export interface FilingState {
  state: string;
  source: string;
  sourceRef: string | null;
  filed: boolean;
}

/**
 * Marks a triaged message `done` when none of its notices is pending, and reports its state
 * either way, in one round trip (each one costs). Null when the message does not exist.
 */
export async function finishIfComplete(db: Db, id: number): Promise<Omit<FilingState, 'sourceRef'> | null> {
  const [row] = await db.query<{ state: string; source: string; filed: boolean }>(
    `WITH done AS (
       UPDATE messages SET state = 'done', updated_at = now()
        WHERE id = $1 AND state = 'triaged'
          AND NOT EXISTS (SELECT 1 FROM notices WHERE message_ref = $1 AND state = 'pending')
        RETURNING state, source, filed_at)
     SELECT state, source, filed_at IS NOT NULL AS filed FROM done
     UNION ALL
     SELECT state, source, filed_at IS NOT NULL FROM messages WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM done)`,
    [id],
  );
  return row ? { state: row.state, source: row.source, filed: row.filed } : null;
}

/** Where a message stands for filing (IMAP: moved to Processed / Failed). */
export async function filingState(db: Db, id: number): Promise<FilingState | null> {
  const [m] = await db.query<{ state: string; source: string; source_ref: string | null; filed_at: Date | null }>('SELECT state, source, source_ref, filed_at FROM messages WHERE id = $1', [id]);
  return m ? { state: m.state, source: m.source, sourceRef: m.source_ref, filed: m.filed_at !== null } : null;
}

/** The message is filed. `onlyOnce`: keep the first filing time when it was filed already. */
export async function markFiled(db: Db, id: number, opts: { onlyOnce?: boolean } = {}): Promise<void> {
  await db.query(`UPDATE messages SET filed_at = now() WHERE id = $1${opts.onlyOnce ? ' AND filed_at IS NULL' : ''}`, [id]);
}

/** Finished messages (done or failed) not filed yet, oldest first: the reconciler files them. */
export async function listUnfiled(db: Db, limit: number): Promise<number[]> {
  const rows = await db.query<{ id: number }>(`SELECT id FROM messages WHERE filed_at IS NULL AND state IN ('done', 'failed') ORDER BY id LIMIT $1`, [limit]);
  return rows.map((r) => Number(r.id));
}
