// Use case: a reporter asks about its case (issue 11): `X-STATUS` (X-状況), and/or
// `X-WITHDRAW-NDA` (X-非開示撤回) after one year from 起算日 (guideline §3 item 9).
//
// Authority is the one gate of signed mail (src/desk/signed-gate.ts; mail-protocol §6): one
// valid signature over the whole, encrypted mail, by a key the desk held for the case's
// reporter BEFORE this mail arrived (a key that came with it grants nothing), naming the
// case in signed content, never used before. Whoever else asks — a stranger, another key,
// unsigned, no case, an unknown case — gets at most the same content-free answer
// (`question-not-answered`), which never says whether the case exists; the coordinators
// are alerted only when a signed mail from the case's reporter address was refused.
import { checkRecipientKey, type Recipient } from '../crypto/openpgp.ts';
import { composeCoordinatorAlert, storeComposed, type ComposedNotice } from '../desk/execute.ts';
import { findCaseId } from '../forms/index.ts';
import type { ReporterKeywords } from '../forms/reporter-keywords.ts';
import { composeEncrypted, composeSignedClear } from '../outbound/compose.ts';
import { renderNotice } from '../outbound/templates.ts';
import { decideWithdrawal, reporterStatus } from '../rules/reporter-status.ts';
import { languageOf } from '../rules/screening.ts';
import { loadCaseView } from '../store/case-view.ts';
import type { Db } from '../store/db.ts';
import { claimForTriage } from '../store/messages.ts';
import { appendTimeline, getCase, getKey } from '../store/repo.ts';
import { keyOnFileBefore, ndaWithdrawnAt } from '../store/reporter-questions.ts';
import type { ReporterStatusContext } from '../notices/reporter-status.ts';
import { gateSigned, mayAnswer, refuseSigned } from './common.ts';
import type { DeskContext, OpenedVerdict } from './context.ts';
import { enqueueNotices } from './outbox.ts';

export async function reporterQuestion(ctx: DeskContext, id: number, v: OpenedVerdict, asked: ReporterKeywords): Promise<void> {
  const now = ctx.clock();
  // The case from signed content only (the gate checks it again): the signed Subject, or
  // the first case id of the text (`X-STATUS: VR-2026-0042`, `X-CASE:`).
  const bodyCaseId = findCaseId(v.desk.text.slice(0, 4000), ctx.casePrefix);
  const caseId = (v.desk.signedSubject ? findCaseId(v.desk.signedSubject, ctx.casePrefix) : null) ?? bodyCaseId;
  const from = v.from?.trim().toLowerCase() ?? null;
  const done = await ctx.db.tx(async (tx) => {
    if (!(await claimForTriage(tx, id))) return false;
    const c = caseId ? await getCase(tx, caseId) : null;
    const reporter = c !== null && from !== null && c.reporterEmail?.toLowerCase() === from ? c : null;
    const gate = await gateSigned(ctx, tx, id, v, now, {
      role: 'reporter',
      requireEncrypted: true,
      bodyCaseId,
      references: v.desk.references ?? [],
      // The reporter's key on file: the one the report was signed with when there is one,
      // and in any case one the desk held for the address before this mail (issue 11).
      isPinned: async (fpr) =>
        reporter !== null && v.desk.signerFpr === fpr && (reporter.reporterFpr === null || reporter.reporterFpr === fpr) && (await keyOnFileBefore(tx, from!, fpr, id)),
      check: (named) => Promise.resolve(reporter !== null && named.toUpperCase() === reporter.id.toUpperCase() ? null : { code: 'case-conflict' as const, detail: 'the signed content names another case' }),
    });
    if (!gate.ok || reporter === null) {
      if (!gate.ok && reporter !== null && gate.code !== 'unsigned') {
        // The reporter's address, signed, refused (another key, old, replayed, in clear…):
        // loud inward (mail-protocol §6), the alert names no case.
        await refuseSigned(ctx, tx, id, v, 'reporter', gate, now);
      } else {
        await appendTimeline(tx, { caseId: null, actor: 'desk', event: 'reporter-question-refused', data: { message: id, reason: gate.ok ? 'not-reporter' : gate.code } });
      }
      await contentFreeAnswer(ctx, tx, id, v, from, now);
      return true;
    }
    const c2 = reporter;
    const lang = c2.lang === 'en' ? 'en' : 'ja';
    const view = await loadCaseView(tx, c2.id, { now, settings: ctx.settings });
    if (!view) throw new Error(`case ${c2.id} has no view`);
    const answer: ReporterStatusContext = { caseId: c2.id, asked: [] };
    if (asked.status) {
      answer.asked.push('status');
      Object.assign(answer, reporterStatus(view, ctx.settings));
      await appendTimeline(tx, { caseId: c2.id, actor: 'reporter', event: 'reporter-status-asked', data: { message: id }, at: now });
    }
    const extra: ComposedNotice[] = [];
    if (asked.withdraw) {
      answer.asked.push('withdrawal');
      const w = decideWithdrawal(view, now, await ndaWithdrawnAt(tx, c2.id), ctx.settings);
      answer.withdrawal = w.result;
      if (w.result === 'recorded') {
        answer.withdrawalStart = w.startDate;
        await appendTimeline(tx, { caseId: c2.id, actor: 'reporter', event: 'nda-withdrawn', data: { message: id, startDate: w.startDate }, at: now });
        const base = { coordinators: ctx.coordinators, signer: ctx.signer, address: ctx.address, domain: ctx.domain, lang: 'ja' as const, now, eventKey: `m${id}`, caseId: c2.id };
        extra.push(...(await composeCoordinatorAlert(base, 'nda-withdrawn', `the reporter withdrew the non-disclosure request (起算日 ${w.startDate}); the reporter may now publish`)));
      } else {
        if (w.result === 'already') answer.recordedOn = w.recordedOn;
        if (w.result === 'early' && w.possibleFrom !== null) answer.possibleFrom = w.possibleFrom;
        await appendTimeline(tx, { caseId: c2.id, actor: 'reporter', event: 'nda-withdrawal-not-applied', data: { message: id, result: w.result }, at: now });
      }
    }
    if (extra.length > 0) await storeComposed(tx, extra, c2.id, id);
    // RFC 3834: no answer to automated mail, and not past the per-address limit (what was
    // recorded stays recorded).
    if (v.desk.automated || !(await mayAnswer(ctx, tx, c2.reporterEmail!, now, id))) return true;
    const rendered = renderNotice('reporter-status', lang, answer);
    // Encrypted to the key that signed (the key on file, checked by the gate) and to no other.
    const keys: Recipient[] = [];
    const k = await getKey(tx, gate.fingerprint);
    if (k) {
      const r = await checkRecipientKey(k.armored, now);
      if (r.ok) keys.push(r.recipient);
    }
    const nid = `<reporter-status.${c2.id}.m${id}@${ctx.domain}>`;
    const raw = keys.length > 0
      ? await composeEncrypted({ from: ctx.address, to: [c2.reporterEmail!], caseTag: c2.id, subject: rendered.subject, text: rendered.text, messageId: nid, date: now, autoSubmitted: 'auto-replied', ...(v.messageId ? { inReplyTo: v.messageId } : {}) }, ctx.signer, keys)
      : null;
    await storeComposed(tx, [{ id: nid, kind: 'reporter-status', recipients: [c2.reporterEmail!], lang, raw, ...(raw ? {} : { withheldReason: 'no usable key for the reporter' }) }], c2.id, id);
    return true;
  });
  if (done) await enqueueNotices(ctx, id);
}

/** The content-free answer (signed, in clear, nothing of the mail or any case), within the per-address limit. */
async function contentFreeAnswer(ctx: DeskContext, tx: Db, id: number, v: OpenedVerdict, to: string | null, now: Date): Promise<void> {
  if (to === null || v.desk.automated || v.rejected || !(await mayAnswer(ctx, tx, to, now, id))) return;
  const lang = languageOf(v.desk.text);
  const rendered = renderNotice('question-not-answered', lang, {});
  const nid = `<question-not-answered.m${id}@${ctx.domain}>`;
  const raw = await composeSignedClear(
    { from: ctx.address, to: [to], caseTag: null, subject: rendered.subject, text: rendered.text, messageId: nid, date: now, attachDeskKey: false, ...(v.messageId ? { inReplyTo: v.messageId } : {}) },
    ctx.signer,
  );
  await storeComposed(tx, [{ id: nid, kind: 'question-not-answered', recipients: [to], lang, raw }], null, id);
}
