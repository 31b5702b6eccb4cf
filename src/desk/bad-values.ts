// Every bad value gets a verdict and an answer (issue 9 §6). What the desk does when a
// value cannot be taken: the stable code on the message, the answer to the sender (the
// `invalid` notice: encrypted with the fields and why, content-free otherwise), and, when
// a job fails for good anyway, the coordinators' `job-failed` alert. The checks
// themselves are pure (src/forms/field-checks.ts); this module only carries them out.
import { type Recipient, type SigningKey } from '../crypto/openpgp.ts';
import { jstDate } from '../domain/clock.ts';
import { problemSummary, type FieldProblem } from '../forms/field-checks.ts';
import { loggableReason } from '../log.ts';
import { composeEncrypted, composeSignedClear } from '../outbound/compose.ts';
import { NoticeContextError, renderNotice, type Lang } from '../outbound/templates.ts';
import type { Db } from '../store/db.ts';
import { setMessageError } from '../store/messages.ts';
import { composeCoordinatorAlert, type ComposedNotice, type ExecuteContext } from './execute.ts';

/**
 * The message-level verdict codes of this module, kept in `messages.error` (the first word)
 * and in the timeline: `bad-value` (refused at screening, the fields' codes follow),
 * `database-refused` (SQLSTATE class 22, data exception), `template-refused` (a notice's
 * schema refused a value), `job-failed` (any other error on the last attempt).
 */
export type FailureCode = 'bad-value' | 'database-refused' | 'template-refused' | 'job-failed';

/**
 * Why an error cannot be cured by retrying, or null. PostgreSQL's class 22 (data exception:
 * 22P05 a NUL in jsonb, 22021 bad encoding, 22001 too long) and a notice context its
 * template refuses are the value's fault: the same value fails the same way five times.
 */
export function refusalOf(e: unknown): 'database-refused' | 'template-refused' | null {
  if (e instanceof NoticeContextError) return 'template-refused';
  const code = e !== null && typeof e === 'object' ? (e as { code?: unknown }).code : undefined;
  if (typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code)) return 'database-refused';
  return null;
}

/** The stable code at the head of a final failure's reason (see refusalOf). */
export function failureCodeOf(reason: string): FailureCode {
  const m = /^(database-refused|template-refused|bad-value)\b/.exec(reason);
  return (m?.[1] as FailureCode | undefined) ?? 'job-failed';
}

/** `code: loggable reason` (values quoted in the error cut out: they may be content). */
export function refusalReason(code: 'database-refused' | 'template-refused', e: unknown): string {
  return `${code}: ${loggableReason(e)}`;
}

/**
 * A copy of `v` the store can hold: PostgreSQL text and jsonb cannot keep U+0000, so each
 * NUL becomes U+FFFD; `nul` says whether there was one (the sender is then told of a
 * control character, see the desk's open()).
 */
export function storable<T>(v: T): { value: T; nul: boolean } {
  let nul = false;
  const walk = (x: unknown): unknown => {
    if (typeof x === 'string') {
      if (!x.includes('\u0000')) return x;
      nul = true;
      return x.replaceAll('\u0000', '\uFFFD');
    }
    if (Array.isArray(x)) return x.map(walk);
    if (x !== null && typeof x === 'object' && !(x instanceof Date) && !(x instanceof Uint8Array)) {
      const out: Record<string, unknown> = {};
      for (const [k, y] of Object.entries(x as Record<string, unknown>)) out[walk(k) as string] = walk(y);
      return out;
    }
    return x;
  };
  const value = walk(v) as T;
  return { value, nul };
}

/** Where a NUL was found, as field problems (the text as a whole when no form field holds it). */
export function nulProblems(form: object | undefined): FieldProblem[] {
  const found: FieldProblem[] = [];
  const walk = (x: unknown, path: string): void => {
    if (typeof x === 'string') {
      if (x.includes('\u0000')) found.push({ field: path.startsWith('extra.') || path === 'extra' ? 'extra' : path, code: 'control-character' });
      return;
    }
    if (x !== null && typeof x === 'object' && !Array.isArray(x)) {
      for (const [k, y] of Object.entries(x as Record<string, unknown>)) walk(y, path === '' ? k : `${path}.${k}`);
    }
  };
  if (form) walk(form, '');
  return found;
}

export interface InvalidAnswer {
  from: string;
  to: string;
  lang: Lang;
  /** Named only when the answer is encrypted (`keys` non-empty). */
  problems: readonly FieldProblem[];
  /** Usable keys of the recipient: none → the answer is content-free, signed in clear. */
  keys: Recipient[];
  caseTag: string | null;
  messageId: string;
  inReplyTo: string | null;
  now: Date;
  signer: SigningKey;
}

/** The `invalid` notice to the sender of a refused message (issue 9 §6). */
export async function composeInvalidAnswer(a: InvalidAnswer): Promise<ComposedNotice> {
  // An answer to a message (RFC 3834 §5).
  const base = { from: a.from, to: [a.to], caseTag: a.caseTag, messageId: a.messageId, date: a.now, autoSubmitted: 'auto-replied' as const, ...(a.inReplyTo ? { inReplyTo: a.inReplyTo, references: a.inReplyTo } : {}) };
  const encrypted = a.keys.length > 0;
  const rendered = renderNotice('invalid', a.lang, encrypted && a.problems.length > 0 ? { problems: a.problems.map((p) => ({ field: p.field, code: p.code })) } : {});
  const raw = encrypted
    ? await composeEncrypted({ ...base, subject: rendered.subject, text: rendered.text }, a.signer, a.keys)
    : await composeSignedClear({ ...base, subject: rendered.subject, text: rendered.text, attachDeskKey: true }, a.signer);
  return { id: a.messageId, kind: 'invalid', recipients: [a.to], lang: a.lang, raw };
}

/** Records a message's bad-value verdict (`bad-value: field:code, ...`): codes only, never content. */
export async function recordBadValue(db: Db, messageId: number, problems: readonly FieldProblem[]): Promise<string> {
  const verdict = `bad-value: ${problemSummary(problems)}`;
  await setMessageError(db, messageId, verdict);
  return verdict;
}

/** The coordinators' alert of a failed job (no content: job, ids and the code). */
export function jobFailedAlert(
  ctx: Pick<ExecuteContext, 'coordinators' | 'signer' | 'address' | 'domain' | 'now'> & { caseId: string | null },
  job: string,
  ids: { messageId?: number | undefined; noticeId?: string | undefined },
  code: FailureCode,
): Promise<ComposedNotice[]> {
  const what = ids.messageId !== undefined ? `message ${ids.messageId}` : ids.noticeId !== undefined ? 'a notice' : 'no message';
  // A job of no message (the clock's tick) runs every few seconds: a failure that persists
  // (a template refusing a publication) fails every tick. One alert per job, code and JST day
  // (the same Message-ID is stored once), not one a second; another day, another alert.
  const key = ids.messageId !== undefined ? `m${ids.messageId}` : ids.noticeId !== undefined ? `n${ids.noticeId.replace(/[^A-Za-z0-9]/g, '').slice(0, 40)}` : `t${jstDate(ctx.now)}-${code}`;
  return composeCoordinatorAlert({ ...ctx, lang: 'ja', eventKey: `failed-${job}-${key}` }, 'job-failed', `${code}: job ${job} failed for good (${what})`);
}
