// What a log line may say about a message: its stable codes, never its content (issue 10).
import type { Db } from './handle.ts';

export interface MessageLogFacts {
  /** mail-protocol §5 kind: report, vendor-reply, unknown. */
  kind: string | null;
  encryption: string | null;
  signature: string | null;
  /** The rejection code, or null when the message was read. */
  rejected: string | null;
  /** The case the message opened, if it opened one. */
  case: string | null;
  /** Milliseconds from storing the message to the end of its triage. */
  sinceReceivedMs: number | null;
}

export async function messageLogFacts(db: Db, id: number): Promise<MessageLogFacts | null> {
  const rows = await db.query<{ kind: string | null; encryption: string | null; signature: string | null; rejected: string | null; case_id: string | null; ms: string | number | null }>(
    `SELECT verdict->>'kind' AS kind, verdict->>'encryption' AS encryption, verdict->'signature'->>'status' AS signature,
            verdict->'rejected'->>'reason' AS rejected,
            (SELECT c.id FROM cases c WHERE c.opened_from = m.id LIMIT 1) AS case_id,
            (EXTRACT(EPOCH FROM (now() - m.received_at)) * 1000)::bigint AS ms
       FROM messages m WHERE m.id = $1`,
    [id],
  );
  const r = rows[0];
  if (!r) return null;
  return { kind: r.kind, encryption: r.encryption, signature: r.signature, rejected: r.rejected, case: r.case_id, sinceReceivedMs: r.ms === null ? null : Number(r.ms) };
}
