// Who may command the desk by mail (docs/commands.md "Who may send commands").
//
// Authority comes from the signing key alone: a valid signature over the whole message
// by a key pinned for a coordinator in the configuration. The From header plays no part
// (anyone can write any From; mail-protocol §5 `matchesFrom` is not consulted). The mail
// must also be encrypted to the desk (commands carry case data), recent, and new: the same
// signed command delivered twice, or an old one, changes nothing.
//
// Nothing here sends mail or writes the case. The caller applies the commands only on
// `ok: true`, and on `ok: false` alerts the coordinators (confirm.ts renderRefusalAlert),
// never the From address.

import { createHash } from 'node:crypto';
import type { InspectResult, SignatureStatus } from '../domain/inspect.ts';
import type { AuthRefusal } from '../domain/refusals.ts';

export interface Coordinator {
  name: string;
  email: string;
  /** Pinned OpenPGP primary-key fingerprints (40 or 64 hex digits; spaces allowed). */
  fingerprints: string[];
  /** The language of the coordinator's digest (config coordinators[].lang; absent: ja). No part in authority. */
  lang?: 'ja' | 'en' | undefined;
}

/**
 * Remembers which signed commands were already seen. Implementations:
 * - `remember` must be atomic with respect to concurrent callers: when the key is already
 *   present it must throw `ReplayConflictError` (SQL: `INSERT ... ON CONFLICT (key) DO
 *   NOTHING RETURNING key`, no row → throw), so two copies processed at once cannot both
 *   pass;
 * - bind it to the transaction that applies the commands when possible: if applying fails
 *   and rolls back, the key is forgotten with it and a retried job is not a "replay".
 */
export interface ReplayStore {
  seen(key: string): Promise<boolean>;
  remember(key: string, at: Date): Promise<void>;
}

export class ReplayConflictError extends Error {
  constructor(readonly key: string) {
    super('replay key already remembered');
    this.name = 'ReplayConflictError';
  }
}

/** For tests and the CLI's dry runs; the desk uses the `command_replays` table. */
export class MemoryReplayStore implements ReplayStore {
  private readonly keys = new Map<string, Date>();

  seen(key: string): Promise<boolean> {
    return Promise.resolve(this.keys.has(key));
  }

  remember(key: string, at: Date): Promise<void> {
    if (this.keys.has(key)) return Promise.reject(new ReplayConflictError(key));
    this.keys.set(key, at);
    return Promise.resolve();
  }

  /** Forgets keys remembered before `before` (see replayRetentionMs); returns how many. */
  prune(before: Date): number {
    let n = 0;
    for (const [k, at] of this.keys) {
      if (at.getTime() < before.getTime()) {
        this.keys.delete(k);
        n++;
      }
    }
    return n;
  }

  get size(): number {
    return this.keys.size;
  }
}

export interface AuthSettings {
  /** A command signed longer ago than this is refused (`too-old`). Default 72. */
  maxAgeHours: number;
  /** A command signed further in the future than this is refused (`future-dated`). Default 10. */
  maxFutureMinutes: number;
}

export const DEFAULT_AUTH_SETTINGS: AuthSettings = { maxAgeHours: 72, maxFutureMinutes: 10 };

/** Why a command mail was refused: the catalogue's `command-auth` family (src/domain/refusals.ts). */
export { COMMAND_AUTH_REFUSALS as AUTH_REFUSALS, type AuthRefusal } from '../domain/refusals.ts';

export type AuthResult =
  | {
      ok: true;
      coordinator: Coordinator;
      /** The signing key (normalised). */
      fingerprint: string;
      signedAt: Date;
      /** Already remembered in the ReplayStore. */
      replayKey: string;
    }
  | {
      ok: false;
      reason: AuthRefusal;
      /** English, content-free (no text from the message): for logs. */
      detail: string;
      /** The signing key as the verdict names it (null when unsigned). */
      fingerprint: string | null;
      signatureStatus: SignatureStatus;
      /** The coordinator whose key signed, when one did (replay, too old, not encrypted). */
      coordinator: Coordinator | null;
    };

/** Upper-case hex without spaces, or null unless it is 40 (v4) or 64 (v6) hex digits. */
export function normalizeFingerprint(fpr: string): string | null {
  const f = fpr.replace(/[\s:]+/g, '').toUpperCase();
  return /^[0-9A-F]{40}(?:[0-9A-F]{24})?$/.test(f) ? f : null;
}

/**
 * Problems with the configured coordinators (for the config loader: refuse to start on
 * any). A key id or short fingerprint is refused: only a full fingerprint pins a key.
 */
export function validateCoordinators(list: readonly Coordinator[]): string[] {
  const problems: string[] = [];
  const owner = new Map<string, string>();
  list.forEach((c, i) => {
    const who = c.name?.trim() ? c.name : `coordinator #${i + 1}`;
    if (!c.name?.trim()) problems.push(`${who}: name is empty`);
    if (!/^[^@\s]+@[^@\s]+$/.test(c.email ?? '')) problems.push(`${who}: email is not an address`);
    if (!Array.isArray(c.fingerprints) || c.fingerprints.length === 0) problems.push(`${who}: no pinned key fingerprint`);
    for (const raw of c.fingerprints ?? []) {
      const f = normalizeFingerprint(raw);
      if (!f) {
        problems.push(`${who}: "${raw}" is not a full fingerprint (40 or 64 hex digits)`);
        continue;
      }
      const prev = owner.get(f);
      if (prev !== undefined && prev !== who) problems.push(`${who}: fingerprint ${f} is also pinned for ${prev}`);
      owner.set(f, who);
    }
  });
  return problems;
}

/** The coordinator who pinned `fingerprint`, or null. */
export function coordinatorFor(list: readonly Coordinator[], fingerprint: string | null): Coordinator | null {
  const f = fingerprint ? normalizeFingerprint(fingerprint) : null;
  if (!f) return null;
  return list.find((c) => c.fingerprints.some((p) => normalizeFingerprint(p) === f)) ?? null;
}

/**
 * The command text as hashed for replay protection: NFKC, LF line ends, trailing spaces
 * and surrounding blank lines removed. Two deliveries of the same signed mail give the
 * same text whatever transfer encoding or line ends they went through.
 */
export function normalizeCommandText(text: string): string {
  return text
    .replace(/^\uFEFF/u, '')
    .normalize('NFKC')
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.replace(/[ \t]+$/u, ''))
    .join('\n')
    .replace(/^\n+|\n+$/gu, '');
}

/**
 * sha256 over (signer fingerprint, signature creation time in whole seconds, normalised
 * signed text). Only signed data goes in: nothing an intermediary could change (an outer
 * Subject, Message-ID, Date) can make a replayed command look new.
 */
export function replayKey(fingerprint: string, signedAt: Date, text: string): string {
  const secs = Math.floor(signedAt.getTime() / 1000);
  return createHash('sha256')
    .update(`madoguchi-command-v1\0${fingerprint.toUpperCase()}\0${String(secs)}\0${normalizeCommandText(text)}`, 'utf8')
    .digest('hex');
}

/**
 * How long replay keys must be kept: a key remembered more than this long ago belongs to
 * a command that is refused as too old anyway (`DELETE FROM command_replays WHERE at <
 * now() - retention`).
 */
export function replayRetentionMs(settings: Partial<AuthSettings> = {}): number {
  const s = { ...DEFAULT_AUTH_SETTINGS, ...settings };
  return (s.maxAgeHours * 60 + s.maxFutureMinutes) * 60_000;
}

const ENCRYPTED: readonly InspectResult['encryption'][] = ['pgp-mime', 'inline'];

const SIGNATURE_PROBLEM: Record<Exclude<SignatureStatus, 'valid' | 'none'>, string> = {
  invalid: 'the signature does not verify (the text was changed, or the signature is forged)',
  'unknown-key': 'the signing key is not in the desk keyring',
  'expired-key': 'the signing key has expired',
  'revoked-key': 'the signing key is revoked',
  unsupported: 'the signature uses an algorithm or format the desk does not trust',
};

/**
 * Decides whether a command mail may act. Checks, in this order (the first failure is
 * the answer):
 * 1. the verdict did not reject the message (`unreadable`);
 * 2. it is signed over its whole content (the verdict's `signature` already only counts a
 *    signature that covers everything) (`not-signed`), and the signature is `valid`
 *    (`bad-signature`; `unknown-key` by an unpinned key is `not-a-coordinator-key`);
 * 3. the signing key is pinned for a coordinator (`not-a-coordinator-key`);
 * 4. the message was encrypted (`not-encrypted`; the command is remembered as seen, so
 *    the same signed text cannot be re-sent encrypted by whoever saw it in clear);
 * 5. `signedAt` (the signature's creation time) is within `maxAgeHours` before `now`
 *    (`too-old`) and at most `maxFutureMinutes` after it (`future-dated`);
 * 6. the same signed command was not seen before (`replay`); on success it is remembered.
 *
 * `text` is the message's own text (Inbound.text): the signed command text.
 * `signedAt` must be the creation time of the signature the verdict names (see
 * docs/commands.md for what the crypto adapter must expose).
 */
export async function authorizeCommandMail(
  verdict: InspectResult,
  text: string,
  coordinators: readonly Coordinator[],
  signedAt: Date | null,
  now: Date,
  replay: ReplayStore,
  settings: Partial<AuthSettings> = {},
): Promise<AuthResult> {
  const s = { ...DEFAULT_AUTH_SETTINGS, ...settings };
  const sig = verdict.signature;
  const fpr = sig.fingerprint ? normalizeFingerprint(sig.fingerprint) : null;
  const coordinator = sig.status === 'none' ? null : coordinatorFor(coordinators, fpr);
  const refuse = (reason: AuthRefusal, detail: string): AuthResult => ({
    ok: false,
    reason,
    detail,
    fingerprint: fpr ?? sig.fingerprint,
    signatureStatus: sig.status,
    coordinator: sig.status === 'valid' ? coordinator : null,
  });

  if (verdict.rejected) return refuse('unreadable', `the message was rejected before reading (${verdict.rejected.reason})`);
  if (sig.status === 'none') return refuse('not-signed', 'the message is not signed over its whole content');
  if (sig.status !== 'valid') {
    if (sig.status === 'unknown-key' && !coordinator) return refuse('not-a-coordinator-key', 'signed by a key that is neither in the desk keyring nor pinned for a coordinator');
    return refuse('bad-signature', SIGNATURE_PROBLEM[sig.status]);
  }
  if (!fpr || !coordinator) return refuse('not-a-coordinator-key', `signed by ${fpr ?? 'an unidentified key'}, which is not pinned for any coordinator`);

  const when = signedAt && Number.isFinite(signedAt.getTime()) ? signedAt : null;
  if (!when) return refuse('bad-signature', 'the signature has no usable creation time');
  const key = replayKey(fpr, when, text);

  if (!ENCRYPTED.includes(verdict.encryption)) {
    // Seen in clear: whoever saw it must not be able to re-send it encrypted.
    await replay.remember(key, now).catch((e: unknown) => {
      if (!(e instanceof ReplayConflictError)) throw e;
    });
    return refuse('not-encrypted', `the message was not encrypted to the desk (encryption: ${verdict.encryption})`);
  }

  const age = now.getTime() - when.getTime();
  if (age > s.maxAgeHours * 3_600_000) return refuse('too-old', `signed ${String(Math.floor(age / 3_600_000))} hours ago; commands are accepted for ${String(s.maxAgeHours)} hours`);
  if (-age > s.maxFutureMinutes * 60_000) return refuse('future-dated', `signed ${String(Math.ceil(-age / 60_000))} minutes in the future; at most ${String(s.maxFutureMinutes)} are tolerated`);

  if (await replay.seen(key)) return refuse('replay', 'this signed command was already received');
  try {
    await replay.remember(key, now);
  } catch (e) {
    if (e instanceof ReplayConflictError) return refuse('replay', 'this signed command was already received');
    throw e;
  }
  return { ok: true, coordinator, fingerprint: fpr, signedAt: when, replayKey: key };
}
