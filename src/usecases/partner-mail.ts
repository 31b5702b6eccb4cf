// Use case: a partner CSIRT's signed, encrypted mail (issue 12; guideline §5). A registered
// partner (src/store/partners.ts) opens a case with its case form (docs/partner-form.md) or
// writes about a case it shares with the desk. Through the one gate of signed mail
// (src/desk/signed-gate.ts): one valid signature by the partner's PINNED key over the whole
// message, encrypted, recent, never seen before. Which case it is about comes from signed
// content only (the text and the signed Subject; src/forms/references.ts), never from the
// outer Subject or In-Reply-To.
//
// A new case is a product-track case (src/rules/product.ts) whose publication date is the
// partner's embargo, agreed from the start (EM `active`): the partner has coordinated the
// date with the reporter and the vendors abroad, and the desk does not propose its own
// 45 days (guideline §3.5 is about the desk's own cases). The vendors the form names that
// the vendor registry knows are added and notified at once, with that date (the existing
// add-vendor path: src/rules/product.ts notifyVendor); names it does not know go to the
// coordinators. A vendor's request for another date is never applied by itself
// (vendorProposesDate only proposes; docs/decisions.md "Partner cases").
import { keyFingerprints, usableRecipients } from '../crypto/openpgp.ts';
import { applyEvent, loadSnapshot, saveSnapshot } from '../desk/coordination.ts';
import { storeComposed, type ComposedNotice } from '../desk/execute.ts';
import type { GateResult } from '../desk/signed-gate.ts';
import { addCalendarDays, jstDate, jstStartOfDay } from '../domain/clock.ts';
import type { ReportForm } from '../domain/inspect.ts';
import type { PartnerMailRefusalCode as PartnerRefusalCode } from '../notices/partner-answer.ts';
import { PARTNER_FORM_REQUIRED, parsePartnerCaseForm, type PartnerCaseForm } from '../forms/partner.ts';
import { parseRefPattern, type RefPattern } from '../forms/ref-pattern.ts';
import { findReferences } from '../forms/references.ts';
import { composeEncrypted } from '../outbound/compose.ts';
import { type NoticeContexts, renderNotice } from '../outbound/templates.ts';
import { newProductCase, type ProductDecision } from '../rules/product.ts';
import type { Db } from '../store/db.ts';
import { claimForTriage } from '../store/messages.ts';
import { caseByPartnerRef, linkPartnerCase, listPartners, partnerBySigningKey, partnersOfCase, type Partner } from '../store/partners.ts';
import { appendTimeline, createCase, getCase, nextCaseId } from '../store/repo.ts';
import { getHandover } from '../store/handovers.ts';
import { listVendors, type Vendor } from '../store/vendors.ts';
import { forwardToCoordinators, noticesFor } from '../desk/case-notices.ts';
import { gateSigned, mayAnswer, refuseSigned } from './common.ts';
import { readHandoverAnswer } from './handover-answer.ts';
import type { DeskContext, OpenedVerdict } from './context.ts';
import { enqueueNotices } from './outbox.ts';
import { partnerStatusNotices } from '../desk/partner-status.ts';
import { jstYear, newCase } from './report.ts';

/** Routing only (the gate decides): whether a registered partner's pinned key made the signature. */
export async function signedByPartner(ctx: DeskContext, v: OpenedVerdict): Promise<boolean> {
  const fpr = v.signature.status === 'valid' ? v.signature.fingerprint : null;
  return fpr !== null && (await partnerBySigningKey(ctx.db, fpr, keyFingerprints)) !== null;
}

/** Which case a partner's signed text is about, from every reference it carries. */
type Target = { kind: 'case'; caseId: string; partnerRef: string | null } | { kind: 'new' } | { kind: 'refused'; code: PartnerRefusalCode };

export async function partnerMail(ctx: DeskContext, id: number, v: OpenedVerdict): Promise<void> {
  const now = ctx.clock();
  const done = await ctx.db.tx(async (tx) => {
    if (!(await claimForTriage(tx, id))) return false;
    const found: { partner?: Partner } = {};
    // The case is chosen below from every reference of the signed text (a partner's own ids
    // are no desk ids); the gate still proves the signer, the encryption, the age, and
    // claims the signature once (a replay changes nothing).
    const gate = await gateSigned(ctx, tx, id, v, now, {
      role: 'partner',
      requireEncrypted: true,
      bodyCaseId: null,
      references: [],
      caseless: true,
      isPinned: async (fpr) => {
        const p = await partnerBySigningKey(tx, fpr, keyFingerprints);
        if (p) found.partner = p;
        return p !== null;
      },
    });
    const partner = found.partner;
    if (!gate.ok || !partner) {
      const refused: Extract<GateResult, { ok: false }> = gate.ok ? { ok: false, code: 'signer-not-pinned', detail: 'no partner', fingerprint: gate.fingerprint } : gate;
      await refuseSigned(ctx, tx, id, v, 'partner', refused, now);
      return true;
    }
    const own = parseRefPattern(partner.caseIdPattern);
    if (!own.ok) throw new Error(`partner ${partner.id}: stored case-id pattern unreadable`);
    const signedText = [v.desk.signedSubject ?? '', v.desk.text].join('\n');
    const form = parsePartnerCaseForm(v.desk.text, { casePattern: own.pattern });
    const target = await targetOf(ctx, tx, partner, own.pattern, signedText, form);
    if (target.kind === 'refused') {
      await refuse(ctx, tx, id, partner, target.code, form, now);
      return true;
    }
    if (target.kind === 'case') {
      // A case handed over to this partner (X-HANDOVER): its answer lines are read first.
      const answer = await readHandoverAnswer(ctx, tx, { id, partner, pattern: own.pattern, caseId: target.caseId, partnerRef: target.partnerRef, text: v.desk.text, now });
      if (answer.kind === 'refused') {
        await refuse(ctx, tx, id, partner, answer.code, form, now);
        return true;
      }
      // Not applied and answered already (bad values; a closed case): only the text may go on.
      if (answer.kind === 'answered' && !answer.forward) return true;
      await appendTimeline(tx, { caseId: target.caseId, actor: `partner:${partner.id}`, event: 'partner-correspondence', data: { message: id, partnerRef: answer.partnerRef } });
      await forwardToCoordinators(ctx, tx, target.caseId, { party: 'partner', partnerId: partner.id, partnerName: partner.name, partnerRef: answer.partnerRef ?? 'no partner id yet' }, v.desk.text, now, id);
      return true;
    }
    // A new case: the whole form, readable, with an embargo still ahead.
    const problem: PartnerRefusalCode | null =
      form.partnerCaseId === undefined && form.missing.length === PARTNER_FORM_KEYS
        ? 'unknown-reference'
        : form.missing.length > 0
          ? 'form-incomplete'
          : form.problems.length > 0
            ? 'form-invalid'
            : new Date(form.embargo?.at ?? 0).getTime() <= now.getTime()
              ? 'embargo-past'
              : null;
    if (problem !== null || !isComplete(form)) {
      await refuse(ctx, tx, id, partner, problem ?? 'form-incomplete', form, now);
      return true;
    }
    await openPartnerCase(ctx, tx, id, partner, form, new Date(form.embargo.at), now);
    return true;
  });
  if (done) await enqueueNotices(ctx, id);
}

/** The required keys of the form: all missing means no form at all. */
const PARTNER_FORM_KEYS = PARTNER_FORM_REQUIRED.length;

type CompleteForm = PartnerCaseForm & { partnerCaseId: string; embargo: { at: string; written: string }; products: string[]; vendors: string[]; summary: string };
const isComplete = (f: PartnerCaseForm): f is CompleteForm =>
  f.partnerCaseId !== undefined && f.embargo !== undefined && f.products !== undefined && f.vendors !== undefined && f.summary !== undefined;

/**
 * The references of the signed text, judged (mail-protocol §7): another partner's id, or a
 * desk case this partner does not share, is refused (a partner's key speaks only for its
 * own cases); ids naming two cases are refused; one case → correspondence on it; none →
 * a new case (when the text is a form).
 */
async function targetOf(ctx: DeskContext, tx: Db, partner: Partner, pattern: RefPattern, text: string, form: PartnerCaseForm): Promise<Target> {
  const partners = (await listPartners(tx)).flatMap((p) => {
    const r = parseRefPattern(p.caseIdPattern);
    return r.ok ? [{ partnerId: p.id, pattern: p.id === partner.id ? pattern : r.pattern }] : [];
  });
  const scan = findReferences(text, { casePrefix: ctx.casePrefix, partners });
  const mine = new Set(scan.references.flatMap((r) => (r.kind === 'partner' && r.partnerId === partner.id ? [r.ref] : [])));
  // Two partners may write ids alike (both `VU#{6}`): an id that reads as ours is ours.
  if (scan.references.some((r) => r.kind === 'partner' && r.partnerId !== partner.id && !mine.has(r.ref))) return { kind: 'refused', code: 'foreign-reference' };
  const cases = new Map<string, string | null>();
  for (const r of scan.references) {
    if (r.kind !== 'desk') continue;
    const link = (await partnersOfCase(tx, r.id)).find((l) => l.partnerId === partner.id);
    if (link) cases.set(r.id, link.partnerRef);
    // A case the desk handed over to this partner (X-HANDOVER) before it gave its own id.
    else if ((await getHandover(tx, r.id, partner.id)) !== null) cases.set(r.id, null);
    else return { kind: 'refused', code: 'foreign-reference' };
  }
  for (const ref of mine) {
    const c = await caseByPartnerRef(tx, partner.id, ref);
    if (c !== null) cases.set(c, ref);
  }
  if (cases.size > 1) return { kind: 'refused', code: 'reference-conflict' };
  const [only] = cases;
  if (only) {
    // The form's own id for another case than the one the text names: two cases.
    if (form.partnerCaseId !== undefined && only[1] !== null && form.partnerCaseId !== only[1]) return { kind: 'refused', code: 'reference-conflict' };
    return { kind: 'case', caseId: only[0], partnerRef: only[1] };
  }
  return { kind: 'new' };
}

const norm = (s: string): string => s.normalize('NFKC').toLowerCase().replace(/[\s.,・（）()]+/gu, '');

/** The registry's vendor a name from the form means: its id, name or Japanese name, exactly (normalised). */
function vendorNamed(vendors: readonly Vendor[], written: string): Vendor | undefined {
  const w = norm(written);
  const hits = vendors.filter((x) => [x.id, x.name, x.nameJa ?? ''].some((n) => n !== '' && norm(n) === w));
  return hits.length === 1 ? hits[0] : undefined;
}

async function openPartnerCase(
  ctx: DeskContext,
  tx: Db,
  id: number,
  partner: Partner,
  form: CompleteForm,
  embargo: Date,
  now: Date,
): Promise<void> {
  const caseId = await nextCaseId(tx, ctx.casePrefix, jstYear(now));
  // The desk's dates are JST days (guideline §8) and the tick publishes at the start of the
  // agreed day, so the agreed day is the first JST day that begins at or after the
  // partner's instant: never before the embargo (an early publication is a leak), at most
  // a day after it. The instant itself is kept on the timeline and told to the partner.
  const embargoDay = jstDate(embargo);
  const date = jstStartOfDay(embargoDay).getTime() >= embargo.getTime() ? embargoDay : addCalendarDays(embargoDay, 1);
  const report: ReportForm = {
    kind: 'product',
    // The vendor notification needs a version and reproduction steps; the partner form has
    // neither (the partner sends details on request): say so rather than leave them empty.
    product: { name: form.products.join('; ').slice(0, 300), version: '記載なし（連携機関からの案件）', vendor: form.vendors.join('; ').slice(0, 300) },
    vulnerability: { summary: form.summary },
    reproduction: `連携機関（${partner.name.slice(0, 100)}）の案件 ${form.partnerCaseId} です。再現手順などの詳細は、窓口を通じて連携機関に確認します。`,
    ...(form.cvss ? { cvss: form.cvss } : {}),
    extra: { partner: partner.id, partnerRef: form.partnerCaseId, embargo: form.embargo.at, ...(form.cve && form.cve.length > 0 ? { cve: form.cve.join(' ') } : {}) },
    missing: [],
  };
  // Japanese: the case's notices go to domestic vendors and the coordinators; the partner's
  // own answers are in English (partner-answer).
  await createCase(tx, { id: caseId, kind: 'product', state: 'accepted', lang: 'ja', report, reporterEmail: null, reporterFpr: null, openedFrom: id });
  const snapshot = newProductCase({ id: caseId, reporter: { name: '', consent: { shareIdentity: false, directContact: false, credit: false, creditName: null } } });
  await saveSnapshot(tx, { ...snapshot, em: 'active', publication: { proposed: null, proposedBy: null, agreed: date } });
  await linkPartnerCase(tx, caseId, partner.id, form.partnerCaseId, `partner:${partner.id}`);
  await appendTimeline(tx, { caseId, actor: `partner:${partner.id}`, event: 'partner-case-opened', data: { message: id, partner: partner.id, partnerRef: form.partnerCaseId, embargo: embargo.toISOString(), date } });

  const registry = (await listVendors(tx)).filter((x) => x.removedAt === null);
  const named = new Map<string, Vendor>();
  const unknown: string[] = [];
  for (const w of form.vendors) {
    const hit = vendorNamed(registry, w);
    if (hit) named.set(hit.id, hit);
    else unknown.push(w.slice(0, 300));
  }
  const partnerCtx: NonNullable<NoticeContexts['coord-new-case']['partner']> = { id: partner.id, name: partner.name.slice(0, 300), ref: form.partnerCaseId, embargo, publicationDate: date };
  await newCase(ctx, tx, caseId, report, now, id, partnerCtx);
  const c = await getCase(tx, caseId);
  if (!c) throw new Error(`case ${caseId}: not found after creation`);
  // The partner hears the vendors' statuses in one partner-status after they are all
  // notified (src/desk/partner-status.ts), not once per vendor.
  const opened: ProductDecision[] = [];
  for (const vendor of named.values()) {
    await applyEvent(tx, caseId, { type: 'add-vendor', vendor: { id: vendor.id, name: vendor.name, product: form.products[0] ?? '' } }, now, `partner:${partner.id}`, ctx.settings, async (tx2, decisions, after) => {
      await noticesFor(ctx, tx2, c, decisions, after, `m${id}.${vendor.id}`, id, { partnerStatus: false });
      opened.push(...decisions);
    });
  }
  await answerPartner(ctx, tx, id, partner, now, caseId, {
    outcome: 'opened',
    partnerRef: form.partnerCaseId,
    caseId,
    embargo,
    publicationDate: date,
    notified: [...named.values()].map((x) => x.name.slice(0, 300)),
    unknownVendors: unknown,
  });
  const after = await loadSnapshot(tx, caseId);
  if (after) await storeComposed(tx, await partnerStatusNotices(ctx, tx, caseId, [{ partnerId: partner.id, partnerRef: form.partnerCaseId }], opened, after, `m${id}`), caseId, id);
}

/** The partner is told, encrypted, why nothing was opened (codes and field keys only). */
async function refuse(ctx: DeskContext, tx: Db, id: number, partner: Partner, code: PartnerRefusalCode, form: PartnerCaseForm, now: Date): Promise<void> {
  await appendTimeline(tx, { caseId: null, actor: 'desk', event: 'partner-mail-refused', data: { message: id, partner: partner.id, reason: code } });
  const showForm = code === 'form-incomplete' || code === 'form-invalid';
  await answerPartner(ctx, tx, id, partner, now, null, {
    outcome: 'refused',
    reason: code,
    ...(form.partnerCaseId !== undefined ? { partnerRef: form.partnerCaseId } : {}),
    ...(showForm ? { missing: [...form.missing], problems: form.problems.map((p) => ({ field: p.field, code: p.code })) } : {}),
  });
}

async function answerPartner(ctx: DeskContext, tx: Db, id: number, partner: Partner, now: Date, caseId: string | null, answer: NoticeContexts['partner-answer']): Promise<void> {
  const to = [...partner.contacts.to, ...partner.contacts.cc];
  const nid = `<partner-answer.${caseId ?? partner.id}.m${String(id)}@${ctx.domain}>`;
  const first = partner.contacts.to[0];
  if (!first || !(await mayAnswer(ctx, tx, first, now, id))) {
    await appendTimeline(tx, { caseId, actor: 'desk', event: 'answer-withheld', data: { message: id, kind: 'partner-answer', reason: 'rate-limited' } });
    return;
  }
  const keys = await usableRecipients(partner.keys.map((k) => k.armored), now);
  const rendered = renderNotice('partner-answer', 'en', answer);
  const notice: ComposedNotice =
    keys.length === 0
      ? { id: nid, kind: 'partner-answer', recipients: to, lang: 'en', raw: null, withheldReason: 'no usable pinned key' }
      : {
          id: nid,
          kind: 'partner-answer',
          recipients: to,
          lang: 'en',
          raw: await composeEncrypted({ from: ctx.address, to, caseTag: caseId, subject: rendered.subject, text: rendered.text, messageId: nid, date: now, autoSubmitted: 'auto-replied' }, ctx.signer, keys),
        };
  await storeComposed(tx, [notice], caseId, id);
}
