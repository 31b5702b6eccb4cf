// After the queue gave up on a job (issue 9 §6): nothing is left failed in silence.
import { composeInvalidAnswer, type FailureCode, failureCodeOf, jobFailedAlert } from '../desk/bad-values.ts';
import { storeComposed } from '../desk/execute.ts';
import { inspectMessage } from '../inbound/pipeline.ts';
import { type JobData, type JobName, jobKey } from '../jobs/registry.ts';
import { languageOf } from '../rules/screening.ts';
import { appendTimeline, getMessage, getNotice, markNoticeFailed, setMessageState } from '../store/repo.ts';
import { mayAnswer } from './common.ts';
import type { DeskContext, OpenedVerdict } from './context.ts';
import { maybeFinish, settleDependents } from './outbox.ts';

/**
 * After the queue gave up on a job: nothing is left failed in silence (issue 9 §6). The
 * message is failed with its reason code and filed (IMAP: Failed), a notice is marked
 * failed, and the coordinators get a `job-failed` alert; a sender whose value the
 * database or a template refused gets the content-free `invalid` answer.
 */
export async function onFinalFailure(ctx: DeskContext, name: JobName, data: JobData, reason: string): Promise<void> {
  const db = ctx.db;
  const code = failureCodeOf(reason);
  let caseId: string | null = null;
  let alert = true;
  if (name === 'notify' && data.noticeId) {
    await markNoticeFailed(db, data.noticeId, reason).catch(() => undefined);
    const n = await getNotice(db, data.noticeId);
    caseId = n?.caseId ?? null;
    await appendTimeline(db, { caseId, actor: 'desk', event: 'notice-failed', data: { notice: data.noticeId, code, reason } });
    // The notices that come after this one (migration 024) will not go: they look now.
    await settleDependents(ctx, data.noticeId);
    if (n?.messageRef) await maybeFinish(ctx, n.messageRef);
    // An alert that cannot be sent is not answered by another alert (no loop).
    alert = n?.kind !== 'coord-alert';
  } else if (name === 'file' && data.messageId) {
    // The work is done; only the move failed (IMAP down). The message keeps its state and
    // stays unfiled: the coordinator sees the job in the failed set and can retry it.
    await appendTimeline(db, { caseId: null, actor: 'desk', event: 'file-failed', data: { message: data.messageId, code, reason } });
  } else if (data.messageId) {
    // The alert is queued before the message shows failed: whoever sees the failed state
    // (a coordinator, `inspect`, a test) finds the alert already on its way.
    if (ctx.coordinators.length > 0) await queueJobFailedAlert(ctx, name, data, code, null);
    alert = false;
    const m = await getMessage(db, data.messageId);
    await setMessageState(db, data.messageId, 'failed', { error: reason.startsWith(code) ? reason : `${code}: ${reason}` });
    await appendTimeline(db, { caseId: null, actor: 'desk', event: 'message-failed', data: { message: data.messageId, job: name, code, reason } });
    if (m && (code === 'database-refused' || code === 'template-refused')) await answerRefused(ctx, data.messageId, m.raw, m.verdict as OpenedVerdict | null).catch(() => undefined);
    await ctx.queue.add('file', { messageId: data.messageId }, `file-${data.messageId}`);
  } else {
    await appendTimeline(db, { caseId: null, actor: 'desk', event: 'job-failed', data: { job: name, code, reason } });
  }
  if (!alert || ctx.coordinators.length === 0) return;
  await queueJobFailedAlert(ctx, name, data, code, caseId);
}

async function queueJobFailedAlert(ctx: DeskContext, name: JobName, data: JobData, code: FailureCode, caseId: string | null): Promise<void> {
  const notices = await jobFailedAlert({ coordinators: ctx.coordinators, signer: ctx.signer, address: ctx.address, domain: ctx.domain, now: ctx.clock(), caseId }, name, data, code);
  const ids = await storeComposed(ctx.db, notices, caseId, null);
  for (const id of ids) await ctx.queue.add('notify', { noticeId: id }, `notify-${jobKey(id)}`);
}

/** The content-free `invalid` answer to a sender whose value the store or a template refused. */
export async function answerRefused(ctx: DeskContext, messageId: number, raw: Buffer, stored: OpenedVerdict | null): Promise<void> {
  // Refused while opening, the verdict was never stored: read the envelope again (who
  // sent it, whether a machine did: RFC 3834, no answer to automated mail).
  const v = stored?.desk
    ? { from: stored.from, rejected: stored.rejected, automated: stored.desk.automated, text: stored.desk.text, messageId: stored.messageId }
    : await inspectMessage(raw, { ring: ctx.ring, limits: ctx.limits, now: ctx.clock(), casePrefix: ctx.casePrefix }).then((r) => ({ from: r.verdict.from, rejected: r.verdict.rejected, automated: r.automated, text: r.text, messageId: r.verdict.messageId }));
  if (!v.from || v.rejected || v.automated) return;
  const to = v.from;
  const nid = `<invalid.m${messageId}@${ctx.domain}>`;
  const now = ctx.clock();
  const notice = await composeInvalidAnswer({ from: ctx.address, to, lang: languageOf(v.text), problems: [], keys: [], caseTag: null, messageId: nid, inReplyTo: v.messageId, now, signer: ctx.signer });
  // Under the same per-address limits as every automatic answer (issue 9 §8).
  const ids = await ctx.db.tx(async (tx) => ((await mayAnswer(ctx, tx, to, now, messageId)) ? storeComposed(tx, [notice], null, messageId) : []));
  for (const id of ids) await ctx.queue.add('notify', { noticeId: id }, `notify-${jobKey(id)}`);
}
