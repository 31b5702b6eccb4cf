// Use case: a message screened as a report (src/rules/screening.ts) — a new case, a draft,
// a content-free answer or a refusal — and a new case's summary to the coordinators.
import { checkRecipientKey } from '../crypto/openpgp.ts';
import { recordBadValue } from '../desk/bad-values.ts';
import { applyEvent, saveSnapshot } from '../desk/coordination.ts';
import { findContinuedDraft, keepDraft, noteDraftNotice } from '../desk/drafts.ts';
import { composeForCoordinators, storeComposed } from '../desk/execute.ts';
import { unreadVerdict } from '../desk/unread.ts';
import { storeReportedVulnerabilities } from '../desk/vulnerabilities.ts';
import type { InspectResult, ReportForm } from '../domain/inspect.ts';
import { blankReportForm, parseReportForm } from '../forms/index.ts';
import { composeEncrypted, composeSignedClear } from '../outbound/compose.ts';
import { type NoticeContexts, type NoticeName, renderNotice } from '../outbound/templates.ts';
import { VENDOR_WEIGHTS, duplicateCandidates, vendorCandidates } from '../registry/candidates.ts';
import { newProductCase } from '../rules/product.ts';
import { newWebsiteCase } from '../rules/website.ts';
import { type Decision, type KeyStatus, type Lang, screen } from '../rules/screening.ts';
import { recentCaseHints } from '../store/cases.ts';
import type { Db } from '../store/db.ts';
import { type Draft, closeDraft } from '../store/drafts.ts';
import { claimForTriage } from '../store/messages.ts';
import { type NewTimelineEntry, addParty, appendTimelineMany, createCase, findKeysByEmail, getCase, insertNotice, nextCaseId, setMessageState } from '../store/repo.ts';
import { listVendors } from '../store/vendors.ts';
import { noticesFor } from '../desk/case-notices.ts';
import { mayAnswer } from './common.ts';
import { type DeskContext, type OpenedVerdict, PermanentError } from './context.ts';
import { enqueueNotices } from './outbox.ts';

async function senderKey(ctx: DeskContext, email: string): Promise<{ status: KeyStatus; armored: string | null }> {
  const now = ctx.clock();
  let worst: KeyStatus = 'none';
  for (const k of await findKeysByEmail(ctx.db, email)) {
    const c = await checkRecipientKey(k.armored, now);
    if (c.ok) return { status: 'ok', armored: k.armored };
    if (c.why === 'revoked') worst = 'revoked';
    else if (c.why === 'expired' && worst !== 'revoked') worst = 'expired';
  }
  return { status: worst, armored: null };
}

/**
 * Everything that is not a vendor reply, a command mail or correspondence is screened as a
 * report (src/rules/screening.ts): a new case, a draft kept or continued, a content-free
 * answer, or a refusal; the decisions are carried out in one transaction.
 */
export async function screenReport(ctx: DeskContext, id: number, raw: Buffer, v: OpenedVerdict): Promise<void> {
  const db = ctx.db;
  const from = v.from;
  const key = from ? await senderKey(ctx, from) : { status: 'none' as const, armored: null };
  // A resend completing a draft may carry only the missing fields, too few labels for
  // the classifier to call it a report: the form is read from the sender's text anyway.
  const asReport = v.kind === 'unknown' && !v.rejected && v.encryption !== 'none' ? { ...v, report: parseReportForm(v.desk.text) } : v;
  // Only a reply to the draft's notice, of the same kind, continues a draft (drafts.ts).
  const draft = from && !v.rejected && v.encryption !== 'none' ? await findContinuedDraft(db, raw, { email: from, fpr: v.desk.signerFpr }, v.desk.text, asReport.report?.kind) : null;
  const decisions = screen({ verdict: asReport, text: v.desk.text, automated: v.desk.automated, senderKey: key.status, draft: (draft?.report as ReportForm | undefined) ?? null, problems: v.desk.problems ?? [] });
  const now = ctx.clock();

  const done = await db.tx(async (tx) => {
    // The conditional update is the lock: a second run of this job finds no row.
    if (!(await claimForTriage(tx, id))) return false;
    const log: NewTimelineEntry[] = [];
    let caseId: string | null = null;
    let report: ReportForm | null = null;
    let kept: Draft | null = null;
    // Issue 9 §8: the answer to an unencrypted message says its contents were not processed;
    // so nothing parsed from it stays in the store (the original bytes are kept, as always).
    if (v.encryption === 'none') await setMessageState(tx, id, 'triaged', { verdict: unreadVerdict(v) });
    for (const d of decisions) {
      switch (d.type) {
        case 'open-case': {
          caseId = await nextCaseId(tx, ctx.casePrefix, jstYear(now));
          report = d.report;
          await createCase(tx, { id: caseId, kind: d.report.kind ?? 'unknown', state: d.states[d.states.length - 1]!, lang: d.lang, report: d.report, reporterEmail: from, reporterFpr: v.desk.signerFpr, openedFrom: id });
          await addParty(tx, { caseId, role: 'reporter', email: from, name: d.report.reporter?.name ?? null, keyFpr: v.desk.signerFpr, data: { consent: d.report.consent ?? {} } });
          for (const s of d.states) log.push({ caseId, actor: 'desk', event: `state:${s}`, data: { message: id } });
          if (d.report.kind === 'product' || d.report.kind === 'website') {
            // Each track's own state: the product track (guideline §3, src/rules/product.ts)
            // or the website track (§4, src/rules/website.ts), told apart in the snapshot.
            const c = d.report.consent ?? {};
            const reporter = {
              name: d.report.reporter?.name ?? '',
              consent: { shareIdentity: c.shareIdentity === true, directContact: c.directContact === true, credit: c.credit === true, creditName: c.creditName ?? null },
            };
            await saveSnapshot(tx, d.report.kind === 'product' ? newProductCase({ id: caseId, reporter }) : newWebsiteCase({ id: caseId, reporter }));
          }
          // issue 12: a product report's numbered vulnerability blocks, each stored.
          if (d.report.kind === 'product') await storeReportedVulnerabilities(tx, caseId, d.report);
          break;
        }
        case 'save-draft':
          report = d.report;
          kept = await keepDraft(tx, draft, { reporterEmail: from!, reporterFpr: v.desk.signerFpr, report: d.report, messageId: id });
          break;
        case 'close-draft':
          if (draft) await closeDraft(tx, draft.id, { caseId });
          break;
        case 'record':
          log.push({ caseId, actor: 'desk', event: d.event, data: { message: id, detail: d.detail } });
          break;
        case 'invalid':
          await recordBadValue(tx, id, d.problems);
          break;
        case 'notice': {
          if (!(await mayAnswer(ctx, tx, d.to, now, id))) {
            log.push({ caseId, actor: 'desk', event: 'answer-withheld', data: { message: id, kind: d.template, reason: 'rate-limited' } });
            break;
          }
          const noticeId = `<${d.template}.${caseId ?? `m${id}`}@${ctx.domain}>`;
          const raw = await compose(ctx, d, noticeId, caseId, report, v, key.armored, now, kept?.tag);
          await insertNotice(tx, { id: noticeId, caseId, messageRef: id, kind: d.template, lang: d.lang, recipient: d.to, raw });
          if (kept) await noteDraftNotice(tx, kept, noticeId);
          log.push({ caseId, actor: 'desk', event: 'notice-queued', data: { notice: noticeId, kind: d.template, to: d.to, encrypted: d.encrypted } });
          break;
        }
      }
    }
    await appendTimelineMany(tx, log);
    if (caseId && report && decisions.some((d) => d.type === 'open-case')) await newCase(ctx, tx, caseId, report, now, id);
    return true;
  });
  if (done) await enqueueNotices(ctx, id);
}

/**
 * A new case (issue 4): the coordinators get its summary with vendor candidates from the
 * registry and duplicate candidates among past cases, ranked, with the commands to act
 * (guideline §3.4: the desk identifies the vendor; the coordinator decides). With
 * `autoNotifySingleMatch`, a product matching exactly one registered vendor's product
 * notifies that vendor at once (the rules' `vendors-matched`).
 */
export async function newCase(ctx: DeskContext, tx: Db, caseId: string, report: ReportForm, now: Date, messageRef: number, partner?: NoticeContexts['coord-new-case']['partner']): Promise<void> {
  const kind = report.kind === 'website' ? 'website' : report.kind === 'product' ? 'product' : null;
  const notifying = kind !== null && ctx.coordinators.length > 0;
  // A partner case (src/usecases/partner-mail.ts) has its vendors from the partner's form.
  const autoNotify = kind === 'product' && ctx.settings.autoNotifySingleMatch && !partner;
  if (!notifying && !autoNotify) return;
  const vendors = kind === 'product' ? await listVendors(tx) : [];
  const candidates = kind === 'product' ? vendorCandidates(vendors, report, { limit: 5 }) : [];
  // Only what duplicateCandidates reads, of the most recent cases (the notice is a hint).
  const pastRows = notifying
    ? await recentCaseHints(tx, caseId, 2000)
    : [];
  const past = pastRows.map((r) => ({ id: r.id, report: { ...(r.product ? { product: r.product } : {}), ...(r.vulnerability ? { vulnerability: r.vulnerability } : {}) }, vendors: (r.vendors ?? []).map((v) => v.id) }));
  const duplicates = duplicateCandidates(past, report, { vendors: candidates.slice(0, 1).map((c) => c.vendor.id), limit: 5 });
  const summary = report.vulnerability?.summary?.trim() ?? '';
  const productName = report.product?.name?.trim() ?? '';
  const siteUrl = report.website?.url?.trim() ?? '';
  if (notifying && kind && summary !== '' && (kind === 'product' ? productName !== '' : siteUrl !== '')) {
    const line = (x: string | undefined): string | undefined => (x && x.trim() !== '' ? x.replace(/\s+/g, ' ').trim().slice(0, 300) : undefined);
    const version = line(report.product?.version);
    const reportedVendor = line(report.product?.vendor);
    const vulnerabilityType = line(report.vulnerability?.type);
    const rendered = renderNotice('coord-new-case', 'ja', {
      caseId,
      receivedAt: now,
      kind,
      ...(kind === 'product' ? { productName: line(productName)! } : { siteUrl: siteUrl.slice(0, 2000) }),
      ...(kind === 'product' && version ? { productVersion: version } : {}),
      ...(kind === 'product' && reportedVendor ? { reportedVendor } : {}),
      ...(vulnerabilityType ? { vulnerabilityType } : {}),
      summary,
      vendorCandidates: candidates.map((c) => ({ id: c.vendor.id, name: c.vendor.name, score: c.score, why: c.why })),
      duplicateCandidates: duplicates.map((d) => ({ caseId: d.caseId, score: d.score, why: d.why })),
      ...(partner ? { partner } : {}),
    });
    const notices = await composeForCoordinators(
      { coordinators: ctx.coordinators, signer: ctx.signer, address: ctx.address, domain: ctx.domain, lang: 'ja', now, eventKey: `m${messageRef}`, caseId },
      'coord-new-case',
      rendered,
    );
    await storeComposed(tx, notices, caseId, messageRef);
  }
  const exact = candidates.filter((c) => c.score >= VENDOR_WEIGHTS.productExact);
  const only = exact.length === 1 ? exact[0] : undefined;
  if (autoNotify && only) {
    const c = await getCase(tx, caseId);
    if (!c) return;
    await applyEvent(
      tx,
      caseId,
      { type: 'vendors-matched', candidates: [{ id: only.vendor.id, name: only.vendor.name, product: productName }] },
      now,
      'desk',
      ctx.settings,
      async (tx2, decisions, after) => void (await noticesFor(ctx, tx2, c, decisions, after, `m${messageRef}`, messageRef)),
    );
  }
}

async function compose(
  ctx: DeskContext,
  d: Extract<Decision, { type: 'notice' }>,
  messageId: string,
  caseId: string | null,
  report: ReportForm | null,
  v: InspectResult,
  recipientKey: string | null,
  now: Date,
  draftTag?: string,
): Promise<Buffer> {
  const lang: Lang = d.lang;
  const base = {
    from: ctx.address,
    to: [d.to],
    caseTag: caseId,
    messageId,
    date: now,
    autoSubmitted: 'auto-replied' as const,
    ...(caseId === null && draftTag ? { draftTag } : {}),
    ...(v.messageId ? { inReplyTo: v.messageId, references: v.messageId } : {}),
  };
  if (d.encrypted) {
    // Fail closed: details only to a key that is usable now.
    const check = recipientKey ? await checkRecipientKey(recipientKey, now) : null;
    if (!check?.ok) throw new PermanentError(`no usable key for ${d.to}: details not sent`);
    const rendered = render(ctx, d.template, lang, caseId, report, now, d, base.draftTag);
    return composeEncrypted({ ...base, subject: rendered.subject, text: rendered.text }, ctx.signer, [check.recipient]);
  }
  const rendered = render(ctx, d.template, lang, caseId, report, now, d);
  return composeSignedClear({ ...base, subject: rendered.subject, text: rendered.text, attachDeskKey: d.template === 'unencrypted' || d.template === 'nokey' }, ctx.signer);
}

function render(ctx: DeskContext, t: NoticeName, lang: Lang, caseId: string | null, report: ReportForm | null, now: Date, d?: Extract<Decision, { type: 'notice' }>, draftTag?: string) {
  switch (t) {
    case 'ack': {
      const kind = report?.kind === 'website' ? 'website' : 'product';
      return renderNotice('ack', lang, {
        caseId: caseId!,
        receivedAt: now,
        kind,
        ...(kind === 'product' && report?.product?.name ? { productName: report.product.name } : {}),
        ...(kind === 'website' && report?.website?.url ? { siteUrl: report.website.url } : {}),
      });
    }
    case 'missing':
      return renderNotice('missing', lang, { missing: (report?.missing ?? []) as NoticeContexts['missing']['missing'], blankForm: blankReportForm(lang), ...(draftTag ? { draftTag } : {}) });
    case 'unencrypted':
      return renderNotice('unencrypted', lang, { deskFingerprint: ctx.signer.fingerprint });
    case 'nokey':
      return renderNotice('nokey', lang, { why: d?.keyWhy === 'expired' || d?.keyWhy === 'revoked' ? d.keyWhy : 'none' });
    case 'rejected':
      return renderNotice('rejected', lang, { reason: d?.reason ?? 'malformed' });
    case 'invalid':
      // Which fields and why only inside encryption; content-free otherwise (issue 9 §6).
      return renderNotice('invalid', lang, d?.encrypted && d.problems && d.problems.length > 0 ? { problems: d.problems } : {});
  }
}

/** Case ids count by the JST year (guideline §8: JST is the desk's time zone). */
export function jstYear(d: Date): number {
return new Date(d.getTime() + 9 * 3600 * 1000).getUTCFullYear();
}
