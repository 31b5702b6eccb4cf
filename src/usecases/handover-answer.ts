// A partner CSIRT's answer about a case the desk handed over to it (issue 12 "Outbound";
// guideline §5; docs/partners.md "Handing a case over"). Part of the partner mail use case
// (partner-mail.ts): the mail has passed the signed-mail gate (one valid signature by THIS
// partner's pinned key over the whole message, encrypted, recent, never seen before) and
// names the case in its signed content; only then is it read here.
//
// - `Partner case ID`: the partner's own id for the case, kept as its partner reference
//   (case_partners, as for a case the partner opened), so later mail is matched by it and
//   subjects carry it (mail-protocol §7);
// - `Status`: recorded on the timeline (`cases show`);
// - `Requested date`: recorded and sent to the coordinators (coord-alert `date-proposed`),
//   never applied by itself (guideline §3.5: one date, agreed by the desk; X-SET-DATE).
//
// An answer that cannot be taken is answered, never dropped in silence
// (handover-answer-refused, signed and encrypted to the partner's pinned keys):
// - a value that cannot be read (an unknown status, a malformed date, an id not of the
//   partner's registered template, a control character, an over-long value): as a vendor
//   reply with a bad value (issue 9 §6; src/usecases/vendor-reply.ts), NOTHING of the
//   message is applied, not even its good lines (an answer is read as a whole: a status
//   without the date it came with could say something the partner did not mean); the
//   partner is told each field and the catalogue's reason (`partner-field`), the
//   coordinators alerted (`bad-value`, codes only), the verdict kept on the message. The
//   stored message itself is kept as every message is (`madoguchi inspect`).
// - a case published or stopped (guideline §3.3, §3.8; src/rules/handover.ts): nothing
//   applied, the partner told the case is closed; its text still reaches the coordinators.
// Labels the answer does not know are no bad values: they are the partner's free text
// (a `Comment:`), forwarded to the coordinators as correspondence.
import { loadSnapshot } from '../desk/coordination.ts';
import { composeCoordinatorAlert, storeComposed } from '../desk/execute.ts';
import { isAnswer, parseHandoverAnswer, type HandoverAnswerProblem } from '../forms/handover-answer.ts';
import type { RefPattern } from '../forms/ref-pattern.ts';
import type { HandoverAnswerRefusedContext } from '../notices/handover-answer-refused.ts';
import { handoverClosed } from '../rules/handover.ts';
import type { Db } from '../store/db.ts';
import { getHandover } from '../store/handovers.ts';
import { setMessageError } from '../store/messages.ts';
import { caseByPartnerRef, linkPartnerCase, type Partner } from '../store/partners.ts';
import { appendTimeline } from '../store/repo.ts';
import { answerPartner } from './common.ts';
import type { DeskContext } from './context.ts';

/**
 * `read`: the answer lines (if any) were applied; the mail goes on as correspondence.
 * `refused`: the references conflict (answered by the caller, partner-answer).
 * `answered`: not applied and the partner answered here; `forward`: the text still goes to
 * the coordinators as correspondence.
 */
export type HandoverAnswerResult =
  | { kind: 'read'; partnerRef: string | null }
  | { kind: 'refused'; code: 'reference-conflict' }
  | { kind: 'answered'; partnerRef: string | null; forward: boolean };

/**
 * Reads the answer lines of the partner's signed text about `caseId`, when the case was
 * handed over to that partner; otherwise changes nothing (the mail stays correspondence).
 * `partnerRef`: the partner's id for the case known so far (null: none yet).
 */
export async function readHandoverAnswer(
  ctx: DeskContext,
  tx: Db,
  m: { id: number; partner: Partner; pattern: RefPattern; caseId: string; partnerRef: string | null; text: string; now: Date },
): Promise<HandoverAnswerResult> {
  if ((await getHandover(tx, m.caseId, m.partner.id)) === null) return { kind: 'read', partnerRef: m.partnerRef };
  const answer = parseHandoverAnswer(m.text, m.pattern);
  if (!isAnswer(answer)) return { kind: 'read', partnerRef: m.partnerRef };
  const actor = `partner:${m.partner.id}`;
  const snapshot = await loadSnapshot(tx, m.caseId);
  const closed = snapshot ? handoverClosed(snapshot) : null;
  if (closed !== null) {
    // guideline §3.3, §3.8: a published or stopped case takes no status or date any more.
    await appendTimeline(tx, { caseId: m.caseId, actor, event: 'partner-handover-answer-refused', data: { message: m.id, partner: m.partner.id, reason: 'case-closed', why: closed.why } });
    await answerPartnerRefused(ctx, tx, m, { caseId: m.caseId, ...(m.partnerRef !== null ? { partnerRef: m.partnerRef } : {}), reason: 'case-closed' });
    return { kind: 'answered', partnerRef: m.partnerRef, forward: true };
  }
  if (answer.problems.length > 0) {
    await refuseBadValues(ctx, tx, m, answer.problems);
    return { kind: 'answered', partnerRef: m.partnerRef, forward: false };
  }
  let partnerRef = m.partnerRef;
  if (answer.partnerCaseId !== undefined) {
    // One partner id names one case, and a case has one id per partner (021_partners.sql).
    if (partnerRef !== null && partnerRef !== answer.partnerCaseId) return { kind: 'refused', code: 'reference-conflict' };
    const other = await caseByPartnerRef(tx, m.partner.id, answer.partnerCaseId);
    if (other !== null && other !== m.caseId) return { kind: 'refused', code: 'reference-conflict' };
    if (partnerRef === null) {
      await linkPartnerCase(tx, m.caseId, m.partner.id, answer.partnerCaseId, actor);
      partnerRef = answer.partnerCaseId;
    }
  }
  await appendTimeline(tx, {
    caseId: m.caseId,
    actor,
    event: 'partner-handover-answer',
    data: {
      message: m.id,
      partner: m.partner.id,
      ...(answer.status !== undefined ? { status: answer.status } : {}),
      ...(partnerRef !== null ? { partnerRef } : {}),
      ...(answer.requestedDate !== undefined ? { requestedDate: answer.requestedDate, applied: false } : {}),
    },
  });
  if (answer.requestedDate !== undefined) {
    const alert = await composeCoordinatorAlert(
      { coordinators: ctx.coordinators, signer: ctx.signer, address: ctx.address, domain: ctx.domain, lang: 'ja', now: m.now, eventKey: `m${m.id}.handover-date`, caseId: m.caseId },
      'date-proposed',
      `partner ${m.partner.id}${partnerRef !== null ? ` (${partnerRef})` : ''} requests publication on ${answer.requestedDate}; not applied (X-SET-DATE to agree)`,
    );
    await storeComposed(tx, alert, m.caseId, m.id);
  }
  return { kind: 'read', partnerRef };
}

type AnswerMail = { id: number; partner: Partner; caseId: string; partnerRef: string | null; now: Date };

/**
 * issue 9 §6, as src/usecases/vendor-reply.ts: the verdict on the message (codes only, a
 * value that could not be read is never stored or echoed), the timeline, the coordinators'
 * `bad-value` alert, and the partner told each field and why.
 */
async function refuseBadValues(ctx: DeskContext, tx: Db, m: AnswerMail, problems: readonly HandoverAnswerProblem[]): Promise<void> {
  const codes = problems.map((p) => ({ field: p.field, code: p.code }));
  const verdict = `bad-value: ${codes.map((p) => `${p.field}:${p.code}`).join(', ')}`;
  await setMessageError(tx, m.id, verdict);
  await appendTimeline(tx, { caseId: m.caseId, actor: `partner:${m.partner.id}`, event: 'partner-handover-answer-refused', data: { message: m.id, partner: m.partner.id, reason: 'answer-invalid', problems: codes } });
  const alert = await composeCoordinatorAlert(
    { coordinators: ctx.coordinators, signer: ctx.signer, address: ctx.address, domain: ctx.domain, lang: 'ja', now: m.now, eventKey: `m${m.id}.handover-invalid`, caseId: m.caseId },
    'bad-value',
    `${verdict} (answer of partner ${m.partner.id} to the handed-over case; nothing applied, the partner told which fields)`,
  );
  await storeComposed(tx, alert, m.caseId, m.id);
  await answerPartnerRefused(ctx, tx, m, { caseId: m.caseId, ...(m.partnerRef !== null ? { partnerRef: m.partnerRef } : {}), reason: 'answer-invalid', problems: codes });
}

/** handover-answer-refused to the partner (src/usecases/common.ts answerPartner). */
function answerPartnerRefused(ctx: DeskContext, tx: Db, m: AnswerMail, context: HandoverAnswerRefusedContext): Promise<void> {
  return answerPartner(ctx, tx, { kind: 'handover-answer-refused', context, partner: m.partner, messageId: m.id, caseId: m.caseId, noticeId: `<handover-answer-refused.${m.caseId}.m${String(m.id)}@${ctx.domain}>`, now: m.now });
}
