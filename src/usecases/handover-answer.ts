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
import type { PartnerRefusalCode } from '../domain/refusals.ts';
import { composeCoordinatorAlert, storeComposed } from '../desk/execute.ts';
import { isAnswer, parseHandoverAnswer } from '../forms/handover-answer.ts';
import type { RefPattern } from '../forms/ref-pattern.ts';
import type { Db } from '../store/db.ts';
import { getHandover } from '../store/handovers.ts';
import { caseByPartnerRef, linkPartnerCase, type Partner } from '../store/partners.ts';
import { appendTimeline } from '../store/repo.ts';
import type { DeskContext } from './context.ts';

export type HandoverAnswerResult = { ok: true; partnerRef: string | null } | { ok: false; code: PartnerRefusalCode };

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
  if ((await getHandover(tx, m.caseId, m.partner.id)) === null) return { ok: true, partnerRef: m.partnerRef };
  const answer = parseHandoverAnswer(m.text, m.pattern);
  if (!isAnswer(answer)) return { ok: true, partnerRef: m.partnerRef };
  let partnerRef = m.partnerRef;
  if (answer.partnerCaseId !== undefined) {
    // One partner id names one case, and a case has one id per partner (021_partners.sql).
    if (partnerRef !== null && partnerRef !== answer.partnerCaseId) return { ok: false, code: 'reference-conflict' };
    const other = await caseByPartnerRef(tx, m.partner.id, answer.partnerCaseId);
    if (other !== null && other !== m.caseId) return { ok: false, code: 'reference-conflict' };
    if (partnerRef === null) {
      await linkPartnerCase(tx, m.caseId, m.partner.id, answer.partnerCaseId, `partner:${m.partner.id}`);
      partnerRef = answer.partnerCaseId;
    }
  }
  await appendTimeline(tx, {
    caseId: m.caseId,
    actor: `partner:${m.partner.id}`,
    event: 'partner-handover-answer',
    data: {
      message: m.id,
      partner: m.partner.id,
      ...(answer.status !== undefined ? { status: answer.status } : {}),
      ...(partnerRef !== null ? { partnerRef } : {}),
      ...(answer.requestedDate !== undefined ? { requestedDate: answer.requestedDate, applied: false } : {}),
      // Codes only: a value that could not be read is never stored or echoed.
      ...(answer.problems.length > 0 ? { problems: answer.problems } : {}),
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
  return { ok: true, partnerRef };
}
