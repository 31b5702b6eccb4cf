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
