// Use case: a registered vendor's self-report (issue 12; guideline §6, 002 資料1 VII): "a
// vendor that found and fixed a vulnerability in its own product (affecting no one
// else's) may report it with the fix; the desk publishes it on a date agreed with the
// vendor". The form is docs/partner-form.md "Vendor self-report form".
//
// Authority (issue 9 §1-3, src/desk/signed-gate.ts): one valid signature by a registered
// vendor's PINNED key over the whole message, encrypted to the desk, recent, never seen
// before, sent from that vendor's registered contact. Who the vendor is comes from the
// signature, never from the form. Anything else opens nothing: the coordinators are
// alerted (refuseSigned) and only the vendor's registered contacts — never the From
// address — may be told, content-free, that nothing was applied.
//
// A self-report opens a case of kind `self-report` on the product track (the same rules,
// so set-date, publication by the tick, the advisory and the CSAF/CVE exports work as for
// any case): the vendor is on the case as the party that answered (coordination
// `answered`, fix `fix-ready`, its fixed versions), so it is never sent the vulnerability
// notification nor reminded (it is the one who reported), but it hears of a changed date
// and of the publication like any vendor. The date it asked for is the agreed date (EM
// `active`); coordinators change it with X-SET-DATE. There is no reporter at the desk.
import { scoreCvss } from '../adapters/cvss.ts';
import { keyFingerprints, usableRecipients } from '../crypto/openpgp.ts';
import { saveSnapshot } from '../desk/coordination.ts';
import { composeCoordinatorAlert, composeForCoordinators, storeComposed, type ComposedNotice } from '../desk/execute.ts';
import { composeNotApplied } from '../desk/reply-recorded.ts';
import type { GateResult } from '../desk/signed-gate.ts';
import { storeSelfReportedVulnerability } from '../desk/vulnerabilities.ts';
import { jstDate } from '../domain/clock.ts';
import type { ReportForm } from '../domain/inspect.ts';
import type { SelfReportRefusalCode } from '../domain/refusals.ts';
import { parseSelfReportForm, type SelfReportForm } from '../forms/self-report.ts';
import { composeEncrypted } from '../outbound/compose.ts';
import { NOT_APPLIED_REASONS, renderNotice, type NoticeContexts } from '../outbound/templates.ts';
import { newProductCase, newVendor, type CaseVendor } from '../rules/product.ts';
import { languageOf } from '../rules/screening.ts';
import type { Db } from '../store/db.ts';
import { claimForTriage } from '../store/messages.ts';
import { appendTimeline, createCase, nextCaseId } from '../store/repo.ts';
import { vendorBySigningKey, type Vendor } from '../store/vendors.ts';
import { findVulnerabilityByCve, type StoredCvss } from '../store/vulnerabilities.ts';
import { gateSigned, mayAnswer, refuseSigned } from './common.ts';
import type { DeskContext, OpenedVerdict } from './context.ts';
import { enqueueNotices } from './outbox.ts';
import { jstYear } from './report.ts';

type CompleteForm = SelfReportForm & { product: string; affectedVersions: string; fixedVersions: string; summary: string; proposedPublication: string };
const isComplete = (f: SelfReportForm): f is CompleteForm =>
  f.product !== undefined && f.affectedVersions !== undefined && f.fixedVersions !== undefined && f.summary !== undefined && f.proposedPublication !== undefined;

export async function selfReport(ctx: DeskContext, id: number, v: OpenedVerdict): Promise<void> {
  const now = ctx.clock();
  const done = await ctx.db.tx(async (tx) => {
    if (!(await claimForTriage(tx, id))) return false;
    const found: { vendor?: Vendor } = {};
    // No case is named: a self-report opens one. The gate still proves the signer (a
    // vendor's pinned key, removed vendors excluded), the encryption and the age, and claims
    // the signature once (a replay opens nothing).
    const gate = await gateSigned(ctx, tx, id, v, now, {
      role: 'vendor',
      requireEncrypted: true,
      bodyCaseId: null,
      references: [],
      caseless: true,
      isPinned: async (fpr) => {
        const vendor = await vendorBySigningKey(tx, fpr, keyFingerprints);
        if (vendor) found.vendor = vendor;
        return vendor !== null;
      },
    });
    const vendor = found.vendor;
    // The pinned key alone is not the vendor: the mail comes from its registered contact too
    // (as for its replies, mail-protocol §4).
    const fromContact = vendor !== undefined && v.from !== null && [...vendor.contacts.to, ...vendor.contacts.cc].includes(v.from);
    if (!gate.ok || !vendor || !fromContact) {
      const refused: Extract<GateResult, { ok: false }> = !gate.ok
        ? gate
        : { ok: false, code: vendor ? 'sender-not-contact' : 'signer-not-pinned', detail: vendor ? `signed by ${vendor.id}'s key but not sent from its registered contact` : 'no vendor', fingerprint: gate.fingerprint };
      await refuseSigned(ctx, tx, id, v, 'vendor', refused, now);
      await appendTimeline(tx, { caseId: null, actor: 'desk', event: 'self-report-refused', data: { message: id, reason: refused.code } });
      const reason = NOT_APPLIED_REASONS.find((r) => r === refused.code);
      const contact = vendor?.contacts.to[0];
      if (vendor && reason && contact && !v.desk.automated && (await mayAnswer(ctx, tx, contact, now, id))) {
        await storeComposed(tx, [await composeNotApplied({ signer: ctx.signer, address: ctx.address, domain: ctx.domain, now, messageRef: id }, vendor, reason)], null, id);
      }
      return true;
    }
    const read = parseSelfReportForm(v.desk.text);
    // The vector is stored scored (src/adapters/cvss.ts): one of the right shape that does
    // not score is refused like any value the desk cannot read, never stored unscored.
    const scored = read.cvss !== undefined ? scoreCvss(read.cvss) : null;
    const form: SelfReportForm = scored !== null && !scored.ok ? { ...read, problems: [...read.problems, { field: 'cvss', code: 'bad-cvss' }] } : read;
    const cvss: StoredCvss | null = scored?.ok ? { vector: scored.score.vector, version: scored.score.version, baseScore: scored.score.baseScore, severity: scored.score.baseSeverity } : null;
    const cve = form.cve?.[0] ?? null;
    const today = jstDate(now);
    const problem: SelfReportRefusalCode | null =
      form.missing.length > 0
        ? 'form-incomplete'
        : form.problems.length > 0
          ? 'form-invalid'
          : (form.proposedPublication ?? '') <= today
            ? 'date-not-ahead'
            : cve !== null && (await findVulnerabilityByCve(tx, cve)) !== null
              ? 'cve-taken'
              : null;
    if (problem !== null || !isComplete(form)) {
      await refuse(ctx, tx, id, v, vendor, problem ?? 'form-incomplete', form, now);
      return true;
    }
    await openSelfReport(ctx, tx, id, v, vendor, form, now, { cve, cvss });
    return true;
  });
  if (done) await enqueueNotices(ctx, id);
}

async function openSelfReport(ctx: DeskContext, tx: Db, id: number, v: OpenedVerdict, vendor: Vendor, form: CompleteForm, now: Date, vuln: { cve: string | null; cvss: StoredCvss | null }): Promise<void> {
  const caseId = await nextCaseId(tx, ctx.casePrefix, jstYear(now));
  const lang = languageOf(v.desk.text);
  const date = form.proposedPublication;
  const report: ReportForm = {
    kind: 'product',
    product: { name: form.product, version: form.affectedVersions, vendor: vendor.name },
    vulnerability: { summary: form.summary },
    // Nothing to reproduce for anyone: the vendor fixed its own product (guideline §6).
    reproduction: lang === 'ja' ? '製品開発者からの自己届出です（修正済み）。' : 'A self-report by the vendor (fixed).',
    ...(form.cvss ? { cvss: form.cvss } : {}),
    extra: { selfReport: vendor.id, fixedVersions: form.fixedVersions, ...(form.advisoryUrl ? { advisoryUrl: form.advisoryUrl } : {}), ...(form.cve && form.cve.length > 0 ? { cve: form.cve.join(' ') } : {}) },
    missing: [],
  };
  await createCase(tx, { id: caseId, kind: 'self-report', state: 'accepted', lang, report, reporterEmail: null, reporterFpr: null, openedFrom: id });
  // The vendor is the party that reported: aware, fixed, answered (never notified nor
  // reminded); its own date is the agreed one from the start (guideline §6).
  const self: CaseVendor = {
    ...newVendor({ id: vendor.id, name: vendor.name, product: form.product }),
    fix: 'fix-ready',
    coordination: 'answered',
    firstContactAt: now,
    lastAnswerAt: now,
    status: 'fixed',
    fixedVersions: form.fixedVersions,
    advisoryUrl: form.advisoryUrl ?? null,
    proposedPublication: date,
  };
  const snapshot = newProductCase({ id: caseId, reporter: { name: '', consent: { shareIdentity: false, directContact: false, credit: false, creditName: null } } });
  await saveSnapshot(tx, { ...snapshot, em: 'active', publication: { proposed: null, proposedBy: null, agreed: date }, firstContactDate: jstDate(now), vendors: [self] });
  // issue 12: the vulnerability the vendor reported is stored as vulnerability 1 with its
  // CVE id and scored vector, in the transaction that opens the case (as a report's
  // numbered blocks are, src/desk/vulnerabilities.ts): `cases show`, the advisory and the
  // CSAF / CVE JSON 5 exports then carry the CVE id the vendor gave.
  await storeSelfReportedVulnerability(tx, caseId, { summary: form.summary, cveId: vuln.cve, cvss: vuln.cvss });
  await appendTimeline(tx, { caseId, actor: `vendor:${vendor.id}`, event: 'self-report-opened', data: { message: id, vendor: vendor.id, date } });

  const coord: NoticeContexts['coord-self-report'] = {
    caseId,
    vendorId: vendor.id,
    vendorName: vendor.name.slice(0, 300),
    productName: form.product,
    affectedVersions: form.affectedVersions,
    fixedVersions: form.fixedVersions,
    summary: form.summary,
    publicationDate: date,
    ...(form.advisoryUrl ? { advisoryUrl: form.advisoryUrl } : {}),
    ...(form.cve && form.cve.length > 0 ? { cve: form.cve } : {}),
    ...(form.cvss ? { cvss: form.cvss } : {}),
  };
  const base = { coordinators: ctx.coordinators, signer: ctx.signer, address: ctx.address, domain: ctx.domain, lang: 'ja' as const, now, eventKey: `m${id}`, caseId };
  await storeComposed(tx, await composeForCoordinators(base, 'coord-self-report', renderNotice('coord-self-report', 'ja', coord)), caseId, id);
  await answerVendor(ctx, tx, id, vendor, now, caseId, lang, { outcome: 'opened', caseId, publicationDate: date });
}

/** The vendor is told, encrypted, why nothing was opened (codes and field keys only); the coordinators too. */
async function refuse(ctx: DeskContext, tx: Db, id: number, v: OpenedVerdict, vendor: Vendor, code: SelfReportRefusalCode, form: SelfReportForm, now: Date): Promise<void> {
  await appendTimeline(tx, { caseId: null, actor: 'desk', event: 'self-report-refused', data: { message: id, vendor: vendor.id, reason: code } });
  const alertCtx = { coordinators: ctx.coordinators, signer: ctx.signer, address: ctx.address, domain: ctx.domain, lang: 'ja' as const, now, eventKey: `m${id}`, caseId: null };
  await storeComposed(tx, await composeCoordinatorAlert(alertCtx, 'bad-value', `self-report from ${vendor.id} not taken: ${code}`), null, id);
  const showForm = code === 'form-incomplete' || code === 'form-invalid';
  await answerVendor(ctx, tx, id, vendor, now, null, languageOf(v.desk.text), {
    outcome: 'refused',
    reason: code,
    ...(showForm ? { missing: [...form.missing], problems: form.problems.map((p) => ({ field: p.field, code: p.code })) } : {}),
  });
}

/** To the vendor's registered contacts (never the From address alone), encrypted to its pinned keys; withheld without one. */
async function answerVendor(ctx: DeskContext, tx: Db, id: number, vendor: Vendor, now: Date, caseId: string | null, lang: 'ja' | 'en', answer: NoticeContexts['self-report-answer']): Promise<void> {
  const to = [...vendor.contacts.to, ...vendor.contacts.cc];
  const nid = `<self-report-answer.${caseId ?? vendor.id}.m${String(id)}@${ctx.domain}>`;
  const first = vendor.contacts.to[0];
  if (!first || !(await mayAnswer(ctx, tx, first, now, id))) {
    await appendTimeline(tx, { caseId, actor: 'desk', event: 'answer-withheld', data: { message: id, kind: 'self-report-answer', reason: 'rate-limited' } });
    return;
  }
  const keys = await usableRecipients(vendor.keys.map((k) => k.armored), now);
  const rendered = renderNotice('self-report-answer', lang, answer);
  const notice: ComposedNotice =
    keys.length === 0
      ? { id: nid, kind: 'self-report-answer', recipients: to, lang, raw: null, withheldReason: 'no usable pinned key' }
      : {
          id: nid,
          kind: 'self-report-answer',
          recipients: to,
          lang,
          raw: await composeEncrypted({ from: ctx.address, to, caseTag: caseId, subject: rendered.subject, text: rendered.text, messageId: nid, date: now, autoSubmitted: 'auto-replied' }, ctx.signer, keys),
        };
  await storeComposed(tx, [notice], caseId, id);
}
