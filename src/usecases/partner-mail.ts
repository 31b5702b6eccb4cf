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
import { validateCsaf } from '../adapters/csaf-validator.ts';
import { keyFingerprints } from '../crypto/openpgp.ts';
import { applyEvent, loadSnapshot, saveSnapshot } from '../desk/coordination.ts';
import { storeComposed } from '../desk/execute.ts';
import type { GateResult } from '../desk/signed-gate.ts';
import { addCalendarDays, jstDate, jstStartOfDay } from '../domain/clock.ts';
import type { ReportForm } from '../domain/inspect.ts';
import type { PartnerMailRefusalCode as PartnerRefusalCode } from '../notices/partner-answer.ts';
import { PARTNER_FORM_REQUIRED, parsePartnerCaseForm, type PartnerCaseForm } from '../forms/partner.ts';
import { readPartnerCsaf, type PartnerCsaf } from '../forms/partner-csaf.ts';
import { CSAF_FINDING } from '../notices/partner-answer.ts';
import { storePartnerCsafVulnerabilities } from '../desk/vulnerabilities.ts';
import { parseRefPattern, type RefPattern } from '../forms/ref-pattern.ts';
import { findReferences } from '../forms/references.ts';
import type { NoticeContexts } from '../outbound/templates.ts';
import { newProductCase, type ProductDecision } from '../rules/product.ts';
import type { Db } from '../store/db.ts';
import { claimForTriage } from '../store/messages.ts';
import { caseByPartnerRef, linkPartnerCase, listPartners, partnerBySigningKey, partnersOfCase, type Partner } from '../store/partners.ts';
import { appendTimeline, createCase, getCase, nextCaseId } from '../store/repo.ts';
import { getHandover } from '../store/handovers.ts';
import { listVendors, type Vendor } from '../store/vendors.ts';
import { forwardToCoordinators, noticesFor } from '../desk/case-notices.ts';
import { answerPartner, gateSigned, refuseSigned } from './common.ts';
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
  // The attached CSAF document is validated before the transaction: the validator runs in its
  // own thread and its first load takes seconds (src/adapters/csaf-validator.ts), which no
  // transaction should wait for. Whose mail it is, the gate below still decides.
  const attached = await attachedCsaf(v);
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
    // The CSAF document read as the form is (docs/partner-form.md "Attached CSAF 2.0"): its
    // tracking id names the partner's case as the form's `Partner case ID` does.
    const csaf = attached.kind === 'valid' ? readPartnerCsaf(attached.doc, own.pattern) : null;
    const csafId = csaf?.ok === true ? csaf.csaf.partnerCaseId : null;
    const target = await targetOf(ctx, tx, partner, own.pattern, csafId === null ? signedText : `${signedText}\n${csafId}`, form.partnerCaseId === undefined && csafId !== null ? { ...form, partnerCaseId: csafId } : form);
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
    // The attached CSAF document, when there is one: one, small enough, valid, and agreeing
    // with the form on every field both give; else nothing is opened (never partly used).
    if (attached.kind === 'refused') {
      await refuse(ctx, tx, id, partner, attached.code, form, now, attached.findings ? { csafErrors: attached.findings } : {});
      return true;
    }
    if (csaf !== null && !csaf.ok) {
      await refuse(ctx, tx, id, partner, 'csaf-invalid', form, now, { csafErrors: csaf.problems.map((p) => `${p.test}: ${p.path}`) });
      return true;
    }
    if (csaf !== null && form.problems.length === 0) {
      const differ = disagreements(form, csaf.csaf);
      if (differ.length > 0) {
        await refuse(ctx, tx, id, partner, 'csaf-disagrees', form, now, { disagrees: differ });
        return true;
      }
    }
    const merged = csaf === null ? form : withCsaf(form, csaf.csaf);
    // A new case: the whole form, readable, with an embargo still ahead.
    const problem: PartnerRefusalCode | null =
      merged.partnerCaseId === undefined && merged.missing.length === PARTNER_FORM_KEYS
        ? 'unknown-reference'
        : merged.missing.length > 0
          ? 'form-incomplete'
          : merged.problems.length > 0
            ? 'form-invalid'
            : new Date(merged.embargo?.at ?? 0).getTime() <= now.getTime()
              ? 'embargo-past'
              : null;
    if (problem !== null || !isComplete(merged)) {
      await refuse(ctx, tx, id, partner, problem ?? 'form-incomplete', merged, now);
      return true;
    }
    await openPartnerCase(ctx, tx, id, partner, merged, new Date(merged.embargo.at), now, csaf?.ok === true ? csaf.csaf.vulnerabilities : []);
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
  vulnerabilities: PartnerCsaf['vulnerabilities'],
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
  // The attached CSAF document's vulnerabilities, stored before any vendor is notified so the
  // notification and the exports carry each of them (CVE, CWE, CVSS).
  if (vulnerabilities.length > 0) await storePartnerCsafVulnerabilities(tx, caseId, vulnerabilities);
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
  await answerPartnerCase(ctx, tx, id, partner, now, caseId, {
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
async function refuse(ctx: DeskContext, tx: Db, id: number, partner: Partner, code: PartnerRefusalCode, form: PartnerCaseForm, now: Date, csafDetail: { csafErrors?: string[]; disagrees?: string[] } = {}): Promise<void> {
  await appendTimeline(tx, { caseId: null, actor: 'desk', event: 'partner-mail-refused', data: { message: id, partner: partner.id, reason: code } });
  const showForm = code === 'form-incomplete' || code === 'form-invalid';
  await answerPartnerCase(ctx, tx, id, partner, now, null, {
    outcome: 'refused',
    reason: code,
    ...(form.partnerCaseId !== undefined ? { partnerRef: form.partnerCaseId } : {}),
    ...(showForm ? { missing: [...form.missing], problems: form.problems.map((p) => ({ field: p.field, code: p.code })) } : {}),
    ...csafDetail,
  });
}

/** partner-answer to the partner (src/usecases/common.ts answerPartner). */
function answerPartnerCase(ctx: DeskContext, tx: Db, id: number, partner: Partner, now: Date, caseId: string | null, answer: NoticeContexts['partner-answer']): Promise<void> {
  return answerPartner(ctx, tx, { kind: 'partner-answer', context: answer, partner, messageId: id, caseId, noticeId: `<partner-answer.${caseId ?? partner.id}.m${String(id)}@${ctx.domain}>`, now });
}

// ---- the attached CSAF 2.0 document (docs/partner-form.md "Attached CSAF 2.0") ----------------

type AttachedCsaf = { kind: 'none' } | { kind: 'valid'; doc: unknown } | { kind: 'refused'; code: 'csaf-several' | 'csaf-too-large' | 'csaf-invalid'; findings?: string[] };

/**
 * The one JSON attachment of the signed content, validated (strict schema and mandatory
 * tests; src/adapters/csaf-validator.ts). `open` keeps JSON attachments only when the one
 * signature covers the whole message (src/usecases/open.ts attachedJson), so nothing read
 * here lies outside it. The validator's findings are repeated as `test: /path` only, and
 * only paths of plain keys and indexes: never a value of the document.
 */
async function attachedCsaf(v: OpenedVerdict): Promise<AttachedCsaf> {
  const json = v.desk.attachedJson ?? [];
  if (json.length === 0 || v.desk.authority?.ok !== true) return { kind: 'none' };
  if (json.length > 1) return { kind: 'refused', code: 'csaf-several' };
  const text = json[0]?.text ?? null;
  if (text === null) return { kind: 'refused', code: 'csaf-too-large' };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { kind: 'refused', code: 'csaf-invalid', findings: ['json_parse: /'] };
  }
  const r = await validateCsaf(doc);
  if (r.valid) return { kind: 'valid', doc };
  // A validator that hung or died says so in `errors` (src/adapters/csaf-validator.ts): the
  // desk's failure, not the partner's document. The job fails before anything is claimed and
  // the queue tries again (a partner is never refused for the desk's own trouble).
  const broken = r.errors.find((e) => e.startsWith('the CSAF validator'));
  if (broken !== undefined) throw new Error(`partner CSAF not validated: ${broken}`);
  const findings = [...new Set(r.errors.map(finding))].slice(0, 5);
  return { kind: 'refused', code: 'csaf-invalid', findings: findings.length > 0 ? findings : ['csaf_validator: /'] };
}

/** `test: /path` of a validator error (`test: /path: message`), or the test alone when the path is not plain. */
function finding(error: string): string {
  const [test = '', path = ''] = error.split(': ');
  const t = /^[A-Za-z0-9_]{1,64}$/u.test(test) ? test : 'csaf_validator';
  const candidate = `${t}: ${path}`;
  return CSAF_FINDING.test(candidate) ? candidate : `${t}: /`;
}

const same = (a: string, b: string): boolean => norm(a) === norm(b);
const sameList = (a: readonly string[], b: readonly string[]): boolean => {
  const x = new Set(a.map(norm));
  const y = new Set(b.map(norm));
  return x.size === y.size && [...x].every((k) => y.has(k));
};

/** The form keys on which the form and the CSAF document both give a value, and differ: never guessed which is right. */
function disagreements(form: PartnerCaseForm, c: PartnerCsaf): string[] {
  const out: string[] = [];
  if (form.partnerCaseId !== undefined && c.partnerCaseId !== null && form.partnerCaseId !== c.partnerCaseId) out.push('partnerCaseId');
  if (form.products !== undefined && c.products.length > 0 && !sameList(form.products, c.products)) out.push('products');
  if (form.vendors !== undefined && c.vendors.length > 0 && !sameList(form.vendors, c.vendors)) out.push('vendors');
  if (form.summary !== undefined && c.summary !== null && !same(form.summary, c.summary)) out.push('summary');
  const cves = c.vulnerabilities.flatMap((x) => (x.cve === null ? [] : [x.cve]));
  if (form.cve !== undefined && form.cve.length > 0 && cves.length > 0 && !sameList(form.cve, cves)) out.push('cve');
  const vectors = c.vulnerabilities.flatMap((x) => (x.cvss === null ? [] : [x.cvss]));
  if (form.cvss !== undefined && vectors.length > 0 && !vectors.includes(form.cvss)) out.push('cvss');
  return out;
}

/** The form, with what it does not give taken from the CSAF document (the embargo never: CSAF has none). */
function withCsaf(form: PartnerCaseForm, c: PartnerCsaf): PartnerCaseForm {
  const cves = c.vulnerabilities.flatMap((x) => (x.cve === null ? [] : [x.cve]));
  const vector = c.vulnerabilities.find((x) => x.cvss !== null)?.cvss ?? null;
  const out: PartnerCaseForm = {
    ...form,
    ...(form.partnerCaseId === undefined && c.partnerCaseId !== null ? { partnerCaseId: c.partnerCaseId } : {}),
    ...(form.products === undefined && c.products.length > 0 ? { products: c.products } : {}),
    ...(form.vendors === undefined && c.vendors.length > 0 ? { vendors: c.vendors } : {}),
    ...(form.summary === undefined && c.summary !== null ? { summary: c.summary } : {}),
    ...((form.cve === undefined || form.cve.length === 0) && cves.length > 0 ? { cve: cves } : {}),
    ...(form.cvss === undefined && vector !== null ? { cvss: vector } : {}),
  };
  out.missing = PARTNER_FORM_REQUIRED.filter((k) => out[k] === undefined);
  return out;
}
