// Use case: a site operator's reply (mail-protocol §4 applied to the website track; issue
// 11). The operator answers with the vendor reply form (status, comment, …); the reply
// counts only when signed by the key pinned for the operator in the registry, encrypted,
// sent from one of its registered contacts, and about the case its signed text names, a
// website case whose confirmed operator it is. Otherwise nothing changes and the
// coordinators are alerted, as for vendors.
import { composeCoordinatorAlert, storeComposed } from '../desk/execute.ts';
import type { GateResult } from '../desk/signed-gate.ts';
import { loadWebsiteSnapshot } from '../desk/website-coordination.ts';
import { applyWebsiteEvent, websiteSettingsOf } from '../desk/website-coordination.ts';
import { checkVendorReply, dedupe, foldVendorReply, type FieldProblem } from '../forms/field-checks.ts';
import { findCaseId, parseVendorReplyForm } from '../forms/index.ts';
import { composeInvalidAnswer, recordBadValue } from '../desk/bad-values.ts';
import { usableRecipients } from '../crypto/openpgp.ts';
import { languageOf, type Lang } from '../rules/screening.ts';
import { claimForTriage } from '../store/messages.ts';
import { operatorByKeyFingerprint, type Operator } from '../store/operators.ts';
import { appendTimeline, getCase } from '../store/repo.ts';
import { forwardToCoordinators } from './case-notices.ts';
import { gateSigned, refuseSigned } from './common.ts';
import type { DeskContext, OpenedVerdict } from './context.ts';
import { enqueueNotices } from './outbox.ts';
import { websiteNoticesFor } from '../desk/website-notices.ts';

/** Routing only (the gate decides): a valid signature by a key pinned for a site operator. */
export async function signedByOperator(ctx: DeskContext, v: OpenedVerdict): Promise<boolean> {
  const fpr = v.signature.status === 'valid' ? v.signature.fingerprint : null;
  return fpr !== null && (await operatorByKeyFingerprint(ctx.db, fpr)) !== null;
}

export async function operatorReply(ctx: DeskContext, id: number, v: OpenedVerdict): Promise<void> {
  const now = ctx.clock();
  const lang: Lang = 'ja';
  const done = await ctx.db.tx(async (tx) => {
    if (!(await claimForTriage(tx, id))) return false;
    const found: { operator?: Operator; c?: NonNullable<Awaited<ReturnType<typeof getCase>>> } = {};
    const signedForm = parseVendorReplyForm(v.desk.text, { casePrefix: ctx.casePrefix });
    // issue 9 §1-3 through the one gate: the operator's pinned key over the whole message,
    // encrypted (the reply talks about an unfixed site), new, recent, the case from signed content.
    const gate = await gateSigned(ctx, tx, id, v, now, {
      role: 'operator',
      requireEncrypted: true,
      bodyCaseId: signedForm.caseId ?? findCaseId(v.desk.text.slice(0, 4000), ctx.casePrefix),
      references: v.desk.references ?? [],
      isPinned: async (fpr) => {
        const op = await operatorByKeyFingerprint(tx, fpr);
        if (op) found.operator = op;
        return op !== null;
      },
      check: async (caseId) => {
        const op = found.operator;
        if (!op || !v.from || ![...op.contacts.to, ...op.contacts.cc].includes(v.from.toLowerCase())) {
          return { code: 'sender-not-contact' as const, detail: `signed by ${op?.id ?? 'an operator'}'s key but not sent from its registered contact` };
        }
        const c = await getCase(tx, caseId);
        if (!c) return { code: 'unknown-case' as const, detail: 'the signed content names no existing case' };
        found.c = c;
        return null;
      },
    });
    const { operator, c } = found;
    const base = { coordinators: ctx.coordinators, signer: ctx.signer, address: ctx.address, domain: ctx.domain, lang, now, eventKey: `m${id}` };
    // A genuine operator's reply (its pinned key over the whole message, from its registered
    // contact) with a bad value (issue 9 §6), as for vendors: a case the desk does not have,
    // a control character, an over-long field. Refused with its code; the operator is told
    // which field and why, encrypted to its pinned keys; the coordinators are alerted.
    const unknownCase = !gate.ok && gate.code === 'unknown-case';
    const problems: FieldProblem[] =
      operator && (gate.ok || unknownCase)
        ? dedupe([...(unknownCase ? [{ field: 'caseId', code: 'unknown-case' as const }] : []), ...(v.desk.problems ?? []), ...checkVendorReply(foldVendorReply(v.vendorReply ?? {}))])
        : [];
    if (operator && problems.length > 0) {
      const verdict = await recordBadValue(tx, id, problems);
      await appendTimeline(tx, { caseId: c ? c.id : null, actor: 'desk', event: 'reply-refused', data: { message: id, reason: problems[0]?.code ?? 'bad-value', detail: verdict } });
      await storeComposed(tx, await composeCoordinatorAlert({ ...base, caseId: c ? c.id : null }, 'bad-value', `${verdict} (reply from operator ${operator.id})`), c ? c.id : null, id);
      const keys = await usableRecipients(operator.keys.map((k) => k.armored), now);
      const answer = await composeInvalidAnswer({ from: ctx.address, to: v.from!, lang: languageOf(v.desk.text), problems, keys, caseTag: c ? c.id : null, messageId: `<invalid.m${id}@${ctx.domain}>`, inReplyTo: v.messageId, now, signer: ctx.signer });
      await storeComposed(tx, [answer], c ? c.id : null, id);
      return true;
    }
    if (!gate.ok || !operator || !c) {
      const refused: Extract<GateResult, { ok: false }> = gate.ok ? { ok: false, code: 'unknown-case', detail: 'no case', fingerprint: gate.fingerprint } : gate;
      await refuseSigned(ctx, tx, id, v, 'operator', refused, now);
      return true;
    }
    // Only a website case takes an operator's reply (never the product rules).
    if (!(await loadWebsiteSnapshot(tx, c.id))) {
      await appendTimeline(tx, { caseId: c.id, actor: 'desk', event: 'reply-refused', data: { message: id, detail: 'not a website case' } });
      await storeComposed(tx, await composeCoordinatorAlert({ ...base, caseId: c.id }, 'reply-wrong-key', `operator ${operator.id} replied about a case that is not a website case; nothing changed`), c.id, id);
      return true;
    }
    const reply = { ...foldVendorReply(v.vendorReply ?? {}), caseId: c.id };
    await applyWebsiteEvent(tx, c.id, { type: 'operator-reply', operatorId: operator.id, reply }, now, `operator:${operator.id}`, websiteSettingsOf(ctx.settings), async (tx2, decisions, after) => {
      await websiteNoticesFor(ctx, tx2, c, decisions, after, `m${id}`, id);
      // What the operator wrote beyond the form's fields reaches the coordinators (only them).
      if (v.kind !== 'vendor-reply' || reply.comment) {
        await forwardToCoordinators(ctx, tx2, c.id, { party: 'vendor', vendorId: operator.id, vendorName: operator.name }, v.desk.text, now, id);
      }
    });
    return true;
  });
  if (done) await enqueueNotices(ctx, id);
}
