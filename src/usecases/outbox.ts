// The outbox: queue a message's stored notices, send one (the stored bytes as they are),
// finish a message whose notices are all final, and file it.
import { composeCoordinatorAlert, storeComposed } from '../desk/execute.ts';
import { jobKey } from '../jobs/registry.ts';
import { filingState, finishIfComplete, markFiled } from '../store/messages.ts';
import { noticesOfMessage, pendingDependents, recordSendFailure, withholdNotice } from '../store/notices.ts';
import { appendTimeline, getNotice, markNoticeSent, type Notice } from '../store/repo.ts';
import { type DeskContext, DeferredError, PermanentError } from './context.ts';

/** How long a notice waiting for another (migration 024) waits before it looks again. */
export const AFTER_NOTICE_RECHECK_MS = 60_000;

export async function enqueueNotices(ctx: DeskContext, messageId: number): Promise<void> {
  const rows = await noticesOfMessage(ctx.db, messageId);
  if (rows.length === 0) return maybeFinish(ctx, messageId);
  for (const r of rows) if (r.state === 'pending') await ctx.queue.add('notify', { noticeId: r.id }, `notify-${jobKey(r.id)}`);
  await maybeFinish(ctx, messageId);
}

/** Queues the given stored notices (those not tied to a message: a tick, a lookup after a command). */
export async function enqueueNoticeIds(ctx: DeskContext, ids: readonly string[]): Promise<void> {
  for (const id of ids) await ctx.queue.add('notify', { noticeId: id }, `notify-${jobKey(id)}`);
}

export async function notify(ctx: DeskContext, noticeId: string): Promise<void> {
  const db = ctx.db;
  const n = await getNotice(db, noticeId);
  if (!n) throw new PermanentError(`notice ${noticeId} does not exist`);
  // `failed` is sent again only by an explicit retry (`madoguchi jobs retry`): the
  // reconciler re-enqueues `pending` notices alone.
  if (n.state === 'sent' || n.state === 'withheld') return;
  // A notice that comes after another (migration 024; guideline §3 item 12: the priority
  // notice goes "after the reporter was told") goes only once that one is sent.
  if (n.afterNotice !== null && !(await prerequisiteSent(ctx, n, n.afterNotice))) return;
  // The stored bytes are sent as they are: a retry after a crash resends the same
  // message with the same Message-ID, never a second, different notice.
  // `recipient` holds one address, or several separated by commas (a vendor's to + cc).
  const to = n.recipient.split(',').map((a) => a.trim()).filter((a) => a.length > 0);
  const r = await ctx.transport.send(n.raw, { from: ctx.address, to }, n.id);
  if (!r.ok) {
    await recordSendFailure(db, n.id, r.response);
    if (r.permanent) throw new PermanentError(`notice ${n.id} refused: ${r.response}`);
    throw new Error(`notice ${n.id} not sent yet: ${r.response}`);
  }
  await markNoticeSent(db, n.id);
  await appendTimeline(db, { caseId: n.caseId, actor: 'desk', event: 'notice-sent', data: { notice: n.id, kind: n.kind, to: n.recipient } });
  // The notices that wait for this one need not wait for their next look.
  await settleDependents(ctx, n.id);
  if (n.messageRef) await maybeFinish(ctx, n.messageRef);
}

/**
 * The dependency between two notices (migration 024), for notice `n` that comes after
 * `afterId`, by the prerequisite's state:
 * - `sent`: true, `n` goes now;
 * - `pending` (not sent yet: its job is queued or retrying, the server may be down): `n`
 *   stays pending and its job looks again later (DeferredError, no attempt used up);
 * - `failed` (its job gave up) or `withheld` (never to be sent), or gone: `n` must not go
 *   either (fail closed). It is withheld with why, the timeline says so, and the
 *   coordinators are told; false.
 */
async function prerequisiteSent(ctx: DeskContext, n: Notice, afterId: string): Promise<boolean> {
  const pre = await getNotice(ctx.db, afterId);
  const state = pre?.state ?? 'missing';
  if (state === 'sent') return true;
  if (state === 'pending') throw new DeferredError(`notice ${n.id} waits for ${afterId} (not sent yet)`, AFTER_NOTICE_RECHECK_MS);
  const why = `not sent: it comes after ${afterId}, which was ${state === 'missing' ? 'never stored' : state === 'failed' ? 'not sent (failed)' : 'withheld'}`;
  const now = ctx.clock();
  const alerts = await ctx.db.tx(async (tx) => {
    if (!(await withholdNotice(tx, n.id, why))) return [];
    await appendTimeline(tx, { caseId: n.caseId, actor: 'desk', event: 'notice-withheld', data: { notice: n.id, kind: n.kind, after: afterId, prerequisite: state } });
    const alert = await composeCoordinatorAlert(
      { coordinators: ctx.coordinators, signer: ctx.signer, address: ctx.address, domain: ctx.domain, lang: 'ja', now, eventKey: `after.${jobKey(n.id)}`, caseId: n.caseId },
      'notice-withheld-prerequisite',
      `${n.kind} to ${n.recipient} ${why}`,
    );
    return storeComposed(tx, alert, n.caseId, null);
  });
  await enqueueNoticeIds(ctx, alerts);
  if (n.messageRef) await maybeFinish(ctx, n.messageRef);
  return false;
}

/** The pending notices that come after notice `id` are queued to look again now. */
export async function settleDependents(ctx: DeskContext, id: string): Promise<void> {
  // A job id already taken (the dependent's job waiting, delayed) is not queued twice: it
  // looks again when its delay ends.
  await enqueueNoticeIds(ctx, await pendingDependents(ctx.db, id));
}

/** A triaged message whose notices are all final is done, then filed. */
export async function maybeFinish(ctx: DeskContext, messageId: number): Promise<void> {
  // One round trip (each one costs): mark done when nothing is pending, and report the
  // state either way. An IMAP message still has to be moved; other sources are filed here.
  const row = await finishIfComplete(ctx.db, messageId);
  if (!row || row.filed || (row.state !== 'done' && row.state !== 'failed')) return;
  if (row.source.startsWith('imap:') && ctx.filer) await ctx.queue.add('file', { messageId }, `file-${messageId}`);
  else await markFiled(ctx.db, messageId, { onlyOnce: true });
}

export async function fileMessage(ctx: DeskContext, id: number): Promise<void> {
  const m = await filingState(ctx.db, id);
  if (!m || m.filed || (m.state !== 'done' && m.state !== 'failed')) return;
  // Moving an IMAP message twice is harmless (the second UID MOVE finds nothing), so a
  // crash between the move and this mark only repeats the move.
  if (ctx.filer) await ctx.filer.file(m.source, m.sourceRef, m.state === 'done' ? 'processed' : 'failed');
  await markFiled(ctx.db, id);
}
