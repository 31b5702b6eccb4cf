// What a reporter's question needs of the store (issue 11): whether a key was on file for the
// reporter before the question arrived (a key that came with the very mail, or after it,
// grants nothing: mail-protocol §6 "Keys grant nothing by arriving"), and the one record
// of a withdrawn non-disclosure request (guideline §3 item 9) on the case's timeline.
import type { Db } from './db.ts';
import { normFingerprint } from './repo.ts';

/**
 * True when `fingerprint` is a usable key on file for `email` and was first seen before
 * message `messageId` was stored (both times are the database's own clock).
 */
export async function keyOnFileBefore(db: Db, email: string, fingerprint: string, messageId: number): Promise<boolean> {
  const rows = await db.query<{ ok: boolean }>(
    `SELECT true AS ok
       FROM keys k, messages m
      WHERE m.id = $3 AND k.fingerprint = $2 AND k.emails @> ARRAY[$1::text]
        AND k.status = 'ok' AND k.first_seen < m.received_at`,
    [email.trim().toLowerCase(), normFingerprint(fingerprint), messageId],
  );
  return rows.length > 0;
}

/**
 * When the reporter's withdrawal of the non-disclosure request was recorded, or null. Locks
 * the case row first (in the caller's transaction), so that two differently signed requests
 * handled at once record it once.
 */
export async function ndaWithdrawnAt(db: Db, caseId: string): Promise<Date | null> {
  await db.query('SELECT id FROM cases WHERE id = $1 FOR UPDATE', [caseId]);
  const rows = await db.query<{ at: Date }>(`SELECT at FROM timeline WHERE case_id = $1 AND event = 'nda-withdrawn' ORDER BY id LIMIT 1`, [caseId]);
  return rows[0] ? new Date(rows[0].at) : null;
}
