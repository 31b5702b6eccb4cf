// Automatic answers, limited per address (issue 9 §8; RFC 3834 §2: a responder must limit
// how often it answers one address). Anyone can put any address in From: without a limit
// the desk is a mail cannon aimed at a third party (each forged mail buys one answer), and
// two robots that slip past the automated-mail check answer each other forever.
//
// The claim is atomic: the address's gate row is locked by an upsert in the caller's
// transaction, so two answers claimed at once are counted one after the other.
import type { Db } from '../store/db.ts';
import { countAnswers, lockAnswerGate, logAnswer, markAnswerGateAlerted } from '../store/answer-log.ts';

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
  const lastAlert = await lockAnswerGate(tx, addr);
  const dayAgo = new Date(now.getTime() - DAY);
  const { hour, day } = await countAnswers(tx, addr, dayAgo, new Date(now.getTime() - HOUR), now);
  const window = day >= limits.perDay ? 'day' : hour >= limits.perHour ? 'hour' : null;
  if (window === null) {
    await logAnswer(tx, addr, now);
    return { ok: true };
  }
  const alert = lastAlert === null || lastAlert.getTime() <= dayAgo.getTime();
  if (alert) await markAnswerGateAlerted(tx, addr, now);
  return { ok: false, alert, window };
}
