// What the use cases share below them: the one gate of signed mail (issue 9 §1-3,
// src/desk/signed-gate.ts), a signed mail's refusal, and the per-address answer limit.
import { keyFingerprints, usableRecipients } from '../crypto/openpgp.ts';
import { claimAnswer } from '../desk/answers.ts';
import { composeCoordinatorAlert, storeComposed, type ComposedNotice } from '../desk/execute.ts';
import { type GateInput, type GateResult, type SignedRole, gateSignedMail } from '../desk/signed-gate.ts';
import { composeEncrypted } from '../outbound/compose.ts';
import { renderNotice, type NoticeContexts } from '../outbound/templates.ts';
import type { Lang } from '../rules/screening.ts';
import type { Db } from '../store/db.ts';
import type { Partner } from '../store/partners.ts';
import { appendTimeline } from '../store/repo.ts';
import { vendorBySigningKey } from '../store/vendors.ts';
import type { DeskContext, OpenedVerdict } from './context.ts';

/**
 * May the desk answer `to` now? Claims one answer under the per-address limits (answers.ts);
 * over them, the coordinators are alerted once and no answer goes.
 */
export async function mayAnswer(ctx: DeskContext, tx: Db, to: string, now: Date, messageRef: number): Promise<boolean> {
  const claim = await claimAnswer(tx, to, now, ctx.answerLimits);
  if (claim.ok) return true;
  if (claim.alert) {
    const alertCtx = { coordinators: ctx.coordinators, signer: ctx.signer, address: ctx.address, domain: ctx.domain, lang: 'ja' as const, now, eventKey: `m${messageRef}`, caseId: null };
    const limit = claim.window === 'hour' ? `${ctx.answerLimits.perHour} per hour` : `${ctx.answerLimits.perDay} per day`;
    await storeComposed(tx, await composeCoordinatorAlert(alertCtx, 'answers-rate-limited', `automatic answers to ${to} reached the limit of ${limit}; no further answers until it passes`), null, messageRef);
  }
  return false;
}

/** Whether a pinned vendor key made the message's signature (routing only; the gate decides). */
export async function signedByVendor(ctx: DeskContext, v: OpenedVerdict): Promise<boolean> {
  const fpr = v.signature.status === 'valid' ? v.signature.fingerprint : null;
  return fpr !== null && (await vendorBySigningKey(ctx.db, fpr, keyFingerprints)) !== null;
}

/** issue 9 §1-3: the one gate a signed mail passes before it changes a case (src/desk/signed-gate.ts). */
export function gateSigned(ctx: DeskContext, tx: Db, id: number, v: OpenedVerdict, now: Date, g: Pick<GateInput, 'role' | 'requireEncrypted' | 'bodyCaseId' | 'references' | 'isPinned' | 'check' | 'caseless'>): Promise<GateResult> {
  const t = ctx.trust;
  return gateSignedMail(tx, {
    // A verdict stored before the desk knew authority has none (fail closed).
    authority: v.desk.authority ?? { ok: false, code: 'unsigned', fingerprint: null, status: 'none', signatureId: null, signedAt: null },
    encrypted: v.encryption === 'pgp-mime' || v.encryption === 'inline',
    signedSubject: v.desk.signedSubject ?? null,
    casePrefix: ctx.casePrefix,
    deskDomain: ctx.domain,
    now,
    maxAgeHours: g.role === 'coordinator' ? t.commandMaxAgeHours : t.replyMaxAgeHours,
    maxFutureMinutes: t.maxFutureMinutes,
    messageRef: id,
    ...g,
  });
}

/** A signed mail given no authority: kept, on the timeline with its code, and the coordinators alerted (never naming a case). */
export async function refuseSigned(ctx: DeskContext, tx: Db, id: number, v: OpenedVerdict, role: SignedRole, r: Extract<GateResult, { ok: false }>, now: Date): Promise<void> {
  const event = role === 'coordinator' ? 'command-mail-refused' : role === 'vendor' || role === 'operator' ? 'reply-refused' : role === 'partner' ? 'partner-mail-refused' : 'reporter-message-refused';
  await appendTimeline(tx, { caseId: null, actor: 'desk', event, data: { message: id, reason: r.code, detail: r.detail } });
  const base = { coordinators: ctx.coordinators, signer: ctx.signer, address: ctx.address, domain: ctx.domain, lang: 'ja' as Lang, now, eventKey: `m${id}`, caseId: null };
  // The role is what the mail's form reads as (a partner's answer has a vendor reply's labels),
  // not who sent it: say so, so that a forged partner mail is not reported as a vendor's.
  const alert = await composeCoordinatorAlert(base, 'signed-mail-refused', `${r.code}: a signed mail from ${v.from ?? 'no address'}, read as a ${role} mail by its form, was given no authority (${r.detail})`);
  await storeComposed(tx, alert, null, id);
}

/**
 * An automatic answer to a partner (guideline §5): to its registered contacts, in English,
 * signed and encrypted to its pinned keys; limited like every automatic answer (issue 9 §8,
 * the limit counted on its first contact); no usable key → stored withheld, nothing naming
 * the case goes out (fail closed).
 */
export async function answerPartner<N extends 'partner-answer' | 'handover-answer-refused'>(
  ctx: DeskContext,
  tx: Db,
  o: { kind: N; context: NoticeContexts[N]; partner: Partner; messageId: number; caseId: string | null; noticeId: string; now: Date },
): Promise<void> {
  const to = [...o.partner.contacts.to, ...o.partner.contacts.cc];
  const first = o.partner.contacts.to[0];
  if (!first || !(await mayAnswer(ctx, tx, first, o.now, o.messageId))) {
    await appendTimeline(tx, { caseId: o.caseId, actor: 'desk', event: 'answer-withheld', data: { message: o.messageId, kind: o.kind, reason: 'rate-limited' } });
    return;
  }
  const keys = await usableRecipients(o.partner.keys.map((k) => k.armored), o.now);
  const rendered = renderNotice(o.kind, 'en', o.context);
  const base = { id: o.noticeId, kind: o.kind, recipients: to, lang: 'en' as const };
  const notice: ComposedNotice =
    keys.length === 0
      ? { ...base, raw: null, withheldReason: 'no usable pinned key' }
      : { ...base, raw: await composeEncrypted({ from: ctx.address, to, caseTag: o.caseId, subject: rendered.subject, text: rendered.text, messageId: o.noticeId, date: o.now, autoSubmitted: 'auto-replied' }, ctx.signer, keys) };
  await storeComposed(tx, [notice], o.caseId, o.messageId);
}
