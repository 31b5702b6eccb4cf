// Automatic answers, limited per address (issue 9 §8; RFC 3834 §2: a responder must limit
// how often it answers one address). Anyone can put any address in From: without a limit
// the desk is a mail cannon aimed at a third party (each forged mail buys one answer), and
// two robots that slip past the automated-mail check answer each other forever.
//
// The claim is atomic: the address's gate row is locked by an upsert in the caller's
// transaction, so two answers claimed at once are counted one after the other.
import type { Db } from '../store/db.ts';

export interface AnswerLimits {
  perHour: number;
  perDay: number;
}

/** config/default.yaml `limits.answersPerAddressPerHour` / `…PerDay`. */
export const DEFAULT_ANSWER_LIMITS: AnswerLimits = { perHour: 10, perDay: 50 };

const HOUR = 3600_000;
const DAY = 24 * HOUR;

export type AnswerClaim =
  | { ok: true }
  /** `alert`: the first refusal since the address was last over its limit (tell coordinators once). */
  | { ok: false; alert: boolean; window: 'hour' | 'day' };

/**
 * Claims one answer to `address` at `now` (the desk's clock). Within the limits the answer
 * is counted and may go; over either limit nothing is counted and the answer must not go.
 * Coordinators are alerted once per day per address, however long the flood lasts.
 */
export async function claimAnswer(tx: Db, address: string, now: Date, limits: AnswerLimits): Promise<AnswerClaim> {
  const addr = address.trim().toLowerCase();
  const [gate] = await tx.query<{ alerted_at: Date | null }>(
    `INSERT INTO answer_gate (address) VALUES ($1)
     ON CONFLICT (address) DO UPDATE SET address = EXCLUDED.address
     RETURNING alerted_at`,
    [addr],
  );
  const dayAgo = new Date(now.getTime() - DAY);
  await tx.query('DELETE FROM answer_log WHERE address = $1 AND at <= $2', [addr, dayAgo]);
  const [counts] = await tx.query<{ hour: number | string; day: number | string }>(
    `SELECT count(*) FILTER (WHERE at > $2) AS hour, count(*) AS day FROM answer_log WHERE address = $1 AND at <= $3`,
    [addr, new Date(now.getTime() - HOUR), now],
  );
  const hour = Number(counts?.hour ?? 0);
  const day = Number(counts?.day ?? 0);
  const window = day >= limits.perDay ? 'day' : hour >= limits.perHour ? 'hour' : null;
  if (window === null) {
    await tx.query('INSERT INTO answer_log (address, at) VALUES ($1, $2)', [addr, now]);
    return { ok: true };
  }
  const lastAlert = gate?.alerted_at ? new Date(gate.alerted_at) : null;
  const alert = lastAlert === null || lastAlert.getTime() <= dayAgo.getTime();
  if (alert) await tx.query('UPDATE answer_gate SET alerted_at = $2 WHERE address = $1', [addr, now]);
  return { ok: false, alert, window };
}
