// Use case: signed free text about an existing case from one of its parties.
import { type Recipient, checkRecipientKey } from '../crypto/openpgp.ts';
import { storeComposed } from '../desk/execute.ts';
import { findCaseId } from '../forms/index.ts';
import { composeEncrypted } from '../outbound/compose.ts';
import { renderNotice } from '../outbound/templates.ts';
import { claimForTriage } from '../store/messages.ts';
import { appendTimeline, findKeysByEmail, getCase } from '../store/repo.ts';
import { forwardToCoordinators } from '../desk/case-notices.ts';
import { gateSigned, mayAnswer, refuseSigned, signedByVendor } from './common.ts';
import type { DeskContext, OpenedVerdict } from './context.ts';
import { enqueueNotices } from './outbox.ts';
import { vendorReply } from './vendor-reply.ts';

/**
 * Free text about an existing case (the subject's case tag, or the first case id in the
 * text) from one of its parties, signed: the reporter's follow-up goes to the coordinators
 * and the reporter gets a receipt; a vendor's goes the vendor-reply way (its key and
 * address are checked there). Nothing is passed to the other side except by a
 * coordinator's X-RELAY (guideline §3.10). Returns false when the message is no such
 * correspondence (it is then screened as a report).
 */
export async function correspondence(ctx: DeskContext, id: number, v: OpenedVerdict): Promise<boolean> {
  // The case from signed content only (issue 9 §3): the signed Subject or the first case
  // id of the signed text, never the outer Subject. A mail naming none is screened as a report.
  const bodyCaseId = findCaseId(v.desk.text.slice(0, 4000), ctx.casePrefix);
  const caseId = (v.desk.signedSubject ? findCaseId(v.desk.signedSubject, ctx.casePrefix) : null) ?? bodyCaseId;
  const c = caseId ? await getCase(ctx.db, caseId) : null;
  if (!c) {
    // A vendor's pinned key over free text that names no case the desk has (the case only in
    // the outer Subject, say): not a report to screen ("missing fields" would be nonsense to
    // a vendor) but a signed mail the gate refuses (no-case / unknown-case), the vendor told
    // why and the coordinators alerted.
    if (await signedByVendor(ctx, v)) {
      await vendorReply(ctx, id, v);
      return true;
    }
    return false;
  }
  const from = v.from?.toLowerCase() ?? null;
  const isReporter = v.desk.signerFpr !== null && from !== null && c.reporterEmail?.toLowerCase() === from && (c.reporterFpr === null || c.reporterFpr === v.desk.signerFpr);
  if (!isReporter) {
    if (!(await signedByVendor(ctx, v))) return false;
    await vendorReply(ctx, id, v);
    return true;
  }
  const now = ctx.clock();
  const done = await ctx.db.tx(async (tx) => {
    if (!(await claimForTriage(tx, id))) return false;
    const gate = await gateSigned(ctx, tx, id, v, now, {
      role: 'reporter',
      requireEncrypted: true,
      bodyCaseId,
      references: v.desk.references ?? [],
      isPinned: (fpr) => Promise.resolve(fpr === v.desk.signerFpr),
      check: (named) => Promise.resolve(named.toUpperCase() === c.id.toUpperCase() ? null : { code: 'case-conflict' as const, detail: 'the signed content names another case' }),
    });
    if (!gate.ok) {
      await refuseSigned(ctx, tx, id, v, 'reporter', gate, now);
      return true;
    }
    await appendTimeline(tx, { caseId: c.id, actor: 'reporter', event: 'reporter-message', data: { message: id, chars: v.desk.text.length } });
    await forwardToCoordinators(ctx, tx, c.id, { party: 'reporter' }, v.desk.text, now, id);
    // RFC 3834: no receipt to automated mail, and not past the per-address limit.
    if (v.desk.automated || !(await mayAnswer(ctx, tx, c.reporterEmail!, now, id))) return true;
    const receipt = renderNotice('reporter-received', c.lang === 'en' ? 'en' : 'ja', { caseId: c.id });
    const keys: Recipient[] = [];
    for (const k of await findKeysByEmail(tx, c.reporterEmail!)) {
      const r = await checkRecipientKey(k.armored, now);
      if (r.ok) keys.push(r.recipient);
    }
    const nid = `<reporter-received.${c.id}.m${id}@${ctx.domain}>`;
    const raw = keys.length > 0
      ? await composeEncrypted({ from: ctx.address, to: [c.reporterEmail!], caseTag: c.id, subject: receipt.subject, text: receipt.text, messageId: nid, date: now, autoSubmitted: 'auto-replied', ...(v.messageId ? { inReplyTo: v.messageId } : {}) }, ctx.signer, keys)
      : null;
    await storeComposed(tx, [{ id: nid, kind: 'reporter-received', recipients: [c.reporterEmail!], lang: c.lang === 'en' ? 'en' : 'ja', raw, ...(raw ? {} : { withheldReason: 'no usable key for the reporter' }) }], c.id, id);
    return true;
  });
  if (done) await enqueueNotices(ctx, id);
  return true;
}
