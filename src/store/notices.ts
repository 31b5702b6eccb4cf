// The notices aggregate, beyond the row access in repo.ts (insertNotice, getNotice,
// markNoticeSent / Failed): what the outbox needs to queue and retry them.
import type { Db } from './db.ts';
import type { NoticeState } from './repo.ts';

/** The notices one inbound message caused (its answers, alerts, confirmations). */
export async function noticesOfMessage(db: Db, messageId: number): Promise<{ id: string; state: NoticeState }[]> {
  return db.query<{ id: string; state: NoticeState }>('SELECT id, state FROM notices WHERE message_ref = $1', [messageId]);
}

/** A send attempt that failed: counted, with the server's answer; the notice stays as it was. */
export async function recordSendFailure(db: Db, id: string, response: string): Promise<void> {
  await db.query('UPDATE notices SET attempts = attempts + 1, error = $2, updated_at = now() WHERE id = $1', [id, response]);
}

/**
 * A pending notice whose prerequisite (migration 024 `after_notice`) will never be sent is
 * withheld, with why: it must not go either (fail closed). Returns false when it was no
 * longer pending (sent or withheld already: a job run twice does nothing twice).
 */
export async function withholdNotice(db: Db, id: string, why: string): Promise<boolean> {
  const rows = await db.query(`UPDATE notices SET state = 'withheld', error = $2, updated_at = now() WHERE id = $1 AND state = 'pending' RETURNING id`, [id, why]);
  return rows.length === 1;
}

/** The pending notices that wait for notice `id` (migration 024). */
export async function pendingDependents(db: Db, id: string): Promise<string[]> {
  const rows = await db.query<{ id: string }>(`SELECT id FROM notices WHERE after_notice = $1 AND state = 'pending' ORDER BY id`, [id]);
  return rows.map((r) => r.id);
}

/** Whether a notice of `kind` about the case was sent (not only stored or queued). */
export async function hasSentNotice(db: Db, caseId: string, kind: string): Promise<boolean> {
  const rows = await db.query(`SELECT 1 FROM notices WHERE case_id = $1 AND kind = $2 AND state = 'sent' LIMIT 1`, [caseId, kind]);
  return rows.length > 0;
}
