// The automatic answers given per address (src/desk/answers.ts decides on the limits).
import type { Db } from './db.ts';

/**
 * Locks the address's gate row for the caller's transaction (an upsert), so two answers
 * claimed at once are counted one after the other; returns when the coordinators were last alerted.
 */
export async function lockAnswerGate(tx: Db, address: string): Promise<Date | null> {
  const [gate] = await tx.query<{ alerted_at: Date | null }>(
    `INSERT INTO answer_gate (address) VALUES ($1)
     ON CONFLICT (address) DO UPDATE SET address = EXCLUDED.address
     RETURNING alerted_at`,
    [address],
  );
  return gate?.alerted_at ? new Date(gate.alerted_at) : null;
}

/** Forgets answers at or before `before`; counts those after `hourAgo` and all up to `now`. */
export async function countAnswers(tx: Db, address: string, before: Date, hourAgo: Date, now: Date): Promise<{ hour: number; day: number }> {
  await tx.query('DELETE FROM answer_log WHERE address = $1 AND at <= $2', [address, before]);
  const [counts] = await tx.query<{ hour: number | string; day: number | string }>(
    `SELECT count(*) FILTER (WHERE at > $2) AS hour, count(*) AS day FROM answer_log WHERE address = $1 AND at <= $3`,
    [address, hourAgo, now],
  );
  return { hour: Number(counts?.hour ?? 0), day: Number(counts?.day ?? 0) };
}

export async function logAnswer(tx: Db, address: string, at: Date): Promise<void> {
  await tx.query('INSERT INTO answer_log (address, at) VALUES ($1, $2)', [address, at]);
}

export async function markAnswerGateAlerted(tx: Db, address: string, at: Date): Promise<void> {
  await tx.query('UPDATE answer_gate SET alerted_at = $2 WHERE address = $1', [address, at]);
}
