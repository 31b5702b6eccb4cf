// Use case: a vendor's reply (mail-protocol §4).
import { keyFingerprints, usableRecipients } from '../crypto/openpgp.ts';
import { composeInvalidAnswer, recordBadValue } from '../desk/bad-values.ts';
import { applyEvent, loadSnapshot } from '../desk/coordination.ts';
import { namedVulnerabilities, recordVendorVulnerabilityStatus } from '../desk/vulnerabilities.ts';
import { type ComposedNotice, composeCoordinatorAlert, storeComposed } from '../desk/execute.ts';
import { composeNotApplied, composeReplyRecorded } from '../desk/reply-recorded.ts';
import type { GateResult } from '../desk/signed-gate.ts';
import { type FieldProblem, checkVendorReply, dedupe, foldVendorReply } from '../forms/field-checks.ts';
import { findCaseId, parseVendorReplyForm } from '../forms/index.ts';
import { NOT_APPLIED_REASONS } from '../outbound/templates.ts';
import type { ProductDecision } from '../rules/product.ts';
import { type Lang, languageOf } from '../rules/screening.ts';
import type { Db } from '../store/db.ts';
import { claimForTriage } from '../store/messages.ts';
import { appendTimeline, getCase } from '../store/repo.ts';
import { caseByPartnerRef, listPartners, partnersWhoBroughtCase } from '../store/partners.ts';
import { addVendorReference, caseByVendorReference, MAX_REFS_PER_VENDOR, vendorSubjectRefs } from '../store/vendor-references.ts';
import { findReferences } from '../forms/references.ts';
import { parseRefPattern } from '../forms/ref-pattern.ts';
import { type Vendor, vendorBySigningKey } from '../store/vendors.ts';
import { forwardToCoordinators, noticesFor } from '../desk/case-notices.ts';
import { gateSigned, mayAnswer, refuseSigned } from './common.ts';
import type { DeskContext, OpenedVerdict } from './context.ts';
import { enqueueNotices } from './outbox.ts';
import { publishUnreachableList } from './tick.ts';

type ByReference = { kind: 'none' } | { kind: 'case'; caseId: string; vendorId: string } | { kind: 'conflict' };

/**
 * The case a vendor's signed reply names by the references the vendor knows it by (issue 12;
 * mail-protocol §7), read from signed content only (the body, and the Subject only when the
 * signature covers it): the vendor's own ids (`Vendor reference:` lines, or bracketed in the
 * subject as the desk writes them), and a partner's id of a partner case the vendor is on.
 * Only the references of the vendor whose pinned key made the signature count: another
 * vendor's reference names nothing. Routing only: the gate still proves the signer.
 */
async function caseFromReferences(ctx: DeskContext, tx: Db, v: OpenedVerdict, bodyCaseId: string | null): Promise<ByReference> {
  const fpr = v.signature.status === 'valid' ? v.signature.fingerprint : null;
  const vendor = fpr === null ? null : await vendorBySigningKey(tx, fpr, keyFingerprints);
  if (!vendor) return { kind: 'none' };
  const signedSubject = v.desk.authority?.ok === true ? (v.desk.signedSubject ?? '') : '';
  const text = v.desk.text.slice(0, 100_000);
  const partners = (await listPartners(tx)).flatMap((p) => {
    const r = parseRefPattern(p.caseIdPattern);
    return r.ok ? [{ partnerId: p.id, pattern: r.pattern }] : [];
  });
  const scan = findReferences(`${signedSubject}\n${text}`, { casePrefix: ctx.casePrefix, partners });
  const cases = new Set<string>();
  const own = [...scan.references.flatMap((r) => (r.kind === 'vendor' ? [r.ref] : [])), ...bracketed(signedSubject)];
  for (const ref of own) {
    const c = await caseByVendorReference(tx, vendor.id, ref);
    if (c !== null) cases.add(c);
  }
  for (const r of scan.references) {
    if (r.kind !== 'partner') continue;
    const c = await caseByPartnerRef(tx, r.partnerId, r.ref);
    // A partner's id names the case only to a vendor of that case.
    if (c !== null && (await loadSnapshot(tx, c))?.vendors.some((x) => x.id === vendor.id)) cases.add(c);
  }
  if (bodyCaseId !== null) {
    const named = findCaseId(bodyCaseId, ctx.casePrefix);
    if (named !== null && [...cases].some((c) => c.toUpperCase() !== named.toUpperCase())) return { kind: 'conflict' };
    return cases.size === 0 ? { kind: 'none' } : { kind: 'case', caseId: named ?? [...cases][0]!, vendorId: vendor.id };
  }
  if (cases.size > 1) return { kind: 'conflict' };
  const [only] = cases;
  return only === undefined ? { kind: 'none' } : { kind: 'case', caseId: only, vendorId: vendor.id };
}

/** The bracketed tokens of a subject (`[VR-2026-0042] [PSIRT-2027-0099] Re: …`), at most 20. */
function bracketed(subject: string): string[] {
  return [...subject.slice(0, 2000).normalize('NFKC').matchAll(/\[\s*([^[\]\r\n]{1,64}?)\s*\]/gu)].slice(0, 20).map((m) => m[1] ?? '').filter((r) => r !== '');
}

/**
 * A vendor's reply (mail-protocol §4) counts only when signed by a key pinned for a
 * vendor AND sent from that vendor's registered contact, whatever else the message
 * claims; otherwise nothing changes and the coordinators are alerted (issue 4).
 */
export async function vendorReply(ctx: DeskContext, id: number, v: OpenedVerdict): Promise<void> {
  const now = ctx.clock();
  const lang: Lang = 'ja';
  const done = await ctx.db.tx(async (tx) => {
    if (!(await claimForTriage(tx, id))) return false;
    // issue 9 §1-3: one pinned vendor key's signature over the whole message, sent from
    // that vendor's contact, new, recent, about the case its signed text names.
    const found: { vendor?: Vendor; c?: NonNullable<Awaited<ReturnType<typeof getCase>>> } = {};
    const signedForm = v.kind === 'vendor-reply' ? parseVendorReplyForm(v.desk.text, { casePrefix: ctx.casePrefix }) : {};
    const bodyCaseId = signedForm.caseId ?? findCaseId(v.desk.text.slice(0, 4000), ctx.casePrefix);
    // issue 12 (mail-protocol §7): a reply may name the case only by a reference the signing
    // vendor knows it by (its own tracking id, a partner's id), in signed content only.
    const byRef = await caseFromReferences(ctx, tx, v, bodyCaseId);
    const gate = await gateSigned(ctx, tx, id, v, now, {
      role: 'vendor',
      requireEncrypted: false,
      bodyCaseId: bodyCaseId ?? (byRef.kind === 'case' ? byRef.caseId : null),
      references: v.desk.references ?? [],
      isPinned: async (fpr) => {
        const vendor = await vendorBySigningKey(tx, fpr, keyFingerprints);
        if (vendor) found.vendor = vendor;
        return vendor !== null;
      },
      check: async (caseId) => {
        const vendor = found.vendor;
        if (!vendor || !v.from || ![...vendor.contacts.to, ...vendor.contacts.cc].includes(v.from)) {
          return { code: 'sender-not-contact' as const, detail: `signed by ${vendor?.id ?? 'a vendor'}'s key but not sent from its registered contact` };
        }
        // A reference grants a case only to the vendor it belongs to (the one that signed).
        if (byRef.kind === 'case' && byRef.vendorId !== vendor.id) return { code: 'no-case' as const, detail: 'the reference names a case of another vendor' };
        if (byRef.kind === 'conflict' || (byRef.kind === 'case' && byRef.caseId.toUpperCase() !== caseId.toUpperCase())) {
          return { code: 'case-conflict' as const, detail: 'the references in the signed content name different cases' };
        }
        const c = await getCase(tx, caseId);
        if (!c) return { code: 'unknown-case' as const, detail: 'the signed content names no existing case' };
        found.c = c;
        return null;
      },
    });
    const { vendor, c } = found;
    const store = async (into: Db, notices: ComposedNotice[]): Promise<void> => void (await storeComposed(into, notices, c ? c.id : null, id));
    const base = { coordinators: ctx.coordinators, signer: ctx.signer, address: ctx.address, domain: ctx.domain, lang: (c?.lang) ?? lang, now, eventKey: `m${id}` };
    // A genuine vendor's reply (its pinned key over the whole message, from its contact)
    // with a bad value (issue 9 §6): a case the desk does not have, a control character, an
    // over-long field. Refused with its code, the vendor told which field and why
    // (encrypted to its pinned keys), the coordinators alerted.
    const unknownCase = !gate.ok && gate.code === 'unknown-case';
    // issue 12: a `Vulnerability:` line naming no vulnerability of the case is a bad value too.
    const named = gate.ok && c ? await namedVulnerabilities(tx, c.id, foldVendorReply(v.vendorReply ?? {})) : { numbers: null, problem: null };
    const problems: FieldProblem[] =
      vendor && (gate.ok || unknownCase)
        ? dedupe([
            ...(unknownCase ? [{ field: 'caseId', code: 'unknown-case' as const }] : []),
            ...(v.desk.problems ?? []),
            ...checkVendorReply(foldVendorReply(v.vendorReply ?? {})),
            ...(named.problem ? [named.problem] : []),
          ])
        : [];
    if (vendor && problems.length > 0) {
      const verdict = await recordBadValue(tx, id, problems);
      await appendTimeline(tx, { caseId: c ? c.id : null, actor: 'desk', event: 'reply-refused', data: { message: id, reason: problems[0]?.code ?? 'bad-value', detail: verdict } });
      await store(tx, await composeCoordinatorAlert({ ...base, caseId: c ? c.id : null }, 'bad-value', `${verdict} (reply from ${vendor.id})`));
      const keys = await usableRecipients(vendor.keys.map((k) => k.armored), now);
      const answer = await composeInvalidAnswer({ from: ctx.address, to: v.from!, lang: languageOf(v.desk.text), problems, keys, caseTag: c ? c.id : null, messageId: `<invalid.m${id}@${ctx.domain}>`, inReplyTo: v.messageId, now, signer: ctx.signer });
      await store(tx, [answer]);
      return true;
    }
    if (!gate.ok || !vendor || !c) {
      const refused: Extract<GateResult, { ok: false }> = gate.ok ? { ok: false, code: 'unknown-case', detail: 'no case', fingerprint: gate.fingerprint } : gate;
      await refuseSigned(ctx, tx, id, v, 'vendor', refused, now);
      // The vendor's pinned key signed the whole message: its registered contacts (never
      // the From address) are told, content-free, that nothing was applied and why.
      const reason = NOT_APPLIED_REASONS.find((r) => r === refused.code);
      // Limited like every automatic answer (issue 9 §8): a vendor's public signed statement
      // re-sent a thousand times must not become a thousand mails to the vendor.
      const contact = vendor?.contacts.to[0];
      if (vendor && reason && contact && !v.desk.automated && (await mayAnswer(ctx, tx, contact, now, id))) {
        await storeComposed(tx, [await composeNotApplied({ signer: ctx.signer, address: ctx.address, domain: ctx.domain, now, messageRef: id }, vendor, reason)], null, id);
      }
      return true;
    }
    // `into`: the transaction handle in use (PGlite has one session: an outer handle used
    // inside a nested transaction would wait forever).
    const before = (await loadSnapshot(tx, c.id))?.vendors.find((x) => x.id === vendor.id);
    const signedStatus = foldVendorReply(v.vendorReply ?? {}).status;
    const reply = { ...(await recordVendorVulnerabilityStatus(tx, c.id, vendor.id, before, foldVendorReply(v.vendorReply ?? {}), named.numbers, `vendor:${vendor.id}`)), caseId: c.id };
    // issue 12 (mail-protocol §7): the vendor's own id for the case, kept for the subjects of
    // later notices to it and for matching its replies; before the event, so the notices of
    // this very reply carry it already.
    // Only a vendor of the case gives it a reference (a reply out of scope records none).
    const onCase = (await loadSnapshot(tx, c.id))?.vendors.some((x) => x.id === vendor.id) === true;
    const ownRef = onCase ? signedForm.vendorReference : undefined;
    if (ownRef !== undefined) {
      // A desk id is no vendor's reference: it would name two cases in every subject.
      const added = findCaseId(ownRef, ctx.casePrefix) !== null ? ({ ok: false, reason: 'desk-id' } as const) : await addVendorReference(tx, c.id, vendor.id, ownRef, `vendor:${vendor.id}`);
      if (!added.ok) {
        const why = added.reason === 'too-many' ? `already ${String(MAX_REFS_PER_VENDOR)} references for this case` : added.reason === 'desk-id' ? 'it is a desk case id' : `it already names case ${added.otherCase}`;
        await appendTimeline(tx, { caseId: c.id, actor: 'desk', event: 'vendor-reference-refused', data: { message: id, vendor: vendor.id, reason: added.reason } });
        await store(tx, await composeCoordinatorAlert({ ...base, caseId: c.id }, 'bad-value', `${vendor.id}: vendor reference ${ownRef} not recorded: ${why}`));
      }
    }
    const refs = (await vendorSubjectRefs(tx, c.id, [vendor.id], (await partnersWhoBroughtCase(tx, c.id)).map((p) => p.partnerRef))).get(vendor.id) ?? [];
    const otherVendorsAffected = reply.otherVendors;
    const r = await applyEvent(tx, c.id, { type: 'vendor-reply', vendorId: vendor.id, reply, ...(otherVendorsAffected ? { otherVendorsAffected } : {}) }, now, `vendor:${vendor.id}`, ctx.settings, async (tx2, decisions, after) => {
      await noticesFor(ctx, tx2, c, decisions, after, `m${id}`, id);
      // What the vendor wrote beyond the form's fields reaches the coordinators (only them):
      // a free-text message, or the form's comment.
      if (v.kind !== 'vendor-reply' || reply.comment) {
        await forwardToCoordinators(ctx, tx2, c.id, { party: 'vendor', vendorId: vendor.id, vendorName: vendor.name }, v.desk.text, now, id);
      }
      // issue 9 §8: the vendor is told what was recorded (not when the reply was out of scope).
      if (!decisions.some((d) => d.type === 'notify-coordinators' && d.template === 'reply-out-of-scope')) {
        const recorded = Object.assign({}, ...decisions.map((d) => (d.type === 'update-vendor' && d.vendorId === vendor.id ? d.patch : {}))) as Partial<Extract<ProductDecision, { type: 'update-vendor' }>['patch']>;
        const notice = await composeReplyRecorded(
          { signer: ctx.signer, address: ctx.address, domain: ctx.domain, now, lang: c.lang === 'en' ? 'en' : lang, caseId: c.id, messageRef: id, inReplyTo: v.messageId, refs },
          vendor,
          {
            // issue 12: a reply for some vulnerabilities is told what it said for them, not the
            // vendor's status over all of them (what the rules keep).
            ...(named.numbers !== null && signedStatus !== undefined ? { status: signedStatus } : recorded.status ? { status: recorded.status } : {}),
            ...(recorded.fixedVersions ? { fixedVersions: recorded.fixedVersions } : {}),
            ...(recorded.proposedPublication ? { proposedPublication: recorded.proposedPublication } : {}),
            ...(recorded.advisoryUrl ? { advisoryUrl: recorded.advisoryUrl } : {}),
          },
          v.encryption !== 'pgp-mime' && v.encryption !== 'inline',
          named.numbers ?? undefined,
        );
        await storeComposed(tx2, [notice], c.id, id);
      }
    });
    if (!r) await appendTimeline(tx, { caseId: c.id, actor: 'desk', event: 'reply-refused', data: { message: id, detail: 'the case has no product-track state' } });
    return true;
  });
  if (done) {
    await enqueueNotices(ctx, id);
    await publishUnreachableList(ctx); // an answer takes the vendor off the list
  }
}
