// X-HANDOVER (issue 12 "Outbound"; guideline §5; docs/commands.md, docs/partners.md): the
// desk hands a case over to a partner CSIRT of the partner registry, because a vendor has
// no domestic office. Not a product-track event (the case's own state does not change):
// applied here, in the caller's transaction, by the mail path (src/usecases/command.ts)
// and the CLI path (src/desk/commands.ts) alike.
//
// - Refused with catalogue codes (src/domain/refusals.ts): `unknown-partner`,
//   `partner-no-key` (fail closed: nothing of the case without a usable pinned key; the
//   refusal goes to the coordinator who asked, and the timeline keeps it),
//   `case-closed` (stopped or published), `not-accepted` (the report is not accepted yet:
//   src/rules/handover.ts), `already-handed-over`. A website case never gets here: it
//   has no handover (refused `website-case` by src/desk/website-case.ts).
// - The partner receives `partner-handover`, signed and encrypted to its pinned keys only:
//   the report as a vendor would read it, the desk's case id, the date on the table. The
//   reporter's identity only with the reporter's consent (guideline §2; 資料1 2.(4)): the
//   identity guard (identity-policy.ts, audience `vendor`: the partner passes the report to
//   the vendor) checks every field, and a hit holds the notice for X-RELEASE / X-REDACT
//   (identity-release.ts), the coordinators alerted, as for any vendor notice.
// - case_handovers (store/handovers.ts) is the lock: one handover per case and partner.
import { usableRecipients, type SigningKey } from '../crypto/openpgp.ts';
import type { CommandError } from '../domain/refusals.ts';
import type { HandoverCommand } from '../commands/handover.ts';
import type { ReportForm } from '../domain/inspect.ts';
import { composeEncrypted } from '../outbound/compose.ts';
import { renderNotice, type NoticeContexts } from '../outbound/templates.ts';
import { handoverRefusal } from '../rules/handover.ts';
import type { ProductCase } from '../rules/product.ts';
import type { Db } from '../store/db.ts';
import { getHandover, insertHandover } from '../store/handovers.ts';
import { getPartner, type Partner } from '../store/partners.ts';
import { appendTimeline, getCase } from '../store/repo.ts';
import { loadSnapshot } from './coordination.ts';
import { composeForCoordinators, storeComposed, type ComposedNotice } from './execute.ts';
import { checkNotice, describeHits, holdRef, identityPolicy } from './identity-policy.ts';

export interface HandoverDeps {
  signer: SigningKey;
  address: string;
  domain: string;
  coordinators: { name: string; email: string; armoredKeys: string[] }[];
  now: Date;
  /** As the timeline names actors (`coordinator:Name`, `cli:user`). */
  actor: string;
}

export type HandoverOutcome = { ok: true; noticeIds: string[]; held: boolean } | { ok: false; error: CommandError };

/** The identity hold's party for a partner: vendor ids never contain ':' (store/vendors.ts VENDOR_ID_RE). */
export const PARTNER_PARTY_PREFIX = 'partner:';

const oneLine = (s: string, max: number): string => s.replace(/\s+/gu, ' ').trim().slice(0, max);
const text = (s: string | undefined): string | undefined => (s !== undefined && s.trim() !== '' ? s : undefined);

/** The notice's context: the report as a vendor reads it (vendor-notify's fields), for the partner. */
export function handoverContext(partner: Partner, caseId: string, r: ReportForm, s: ProductCase): NoticeContexts['partner-handover'] {
  const date = s.publication.agreed ?? s.publication.proposed;
  const vendor = text(r.product?.vendor);
  const base = {
    caseId,
    partnerName: oneLine(partner.name, 300),
    productName: oneLine(text(r.product?.name) ?? '(not given)', 300),
    productVersion: oneLine(text(r.product?.version) ?? '(not given)', 300),
    ...(vendor !== undefined ? { vendorName: oneLine(vendor, 300) } : {}),
    summary: text(r.vulnerability?.summary) ?? '(not given)',
    ...(text(r.vulnerability?.type) !== undefined ? { vulnerabilityType: oneLine(r.vulnerability!.type!, 200) } : {}),
    ...(text(r.cvss) !== undefined ? { cvss: oneLine(r.cvss!, 200) } : {}),
    ...(text(r.impact) !== undefined ? { impact: r.impact! } : {}),
    reproduction: text(r.reproduction) ?? '(not given)',
    ...(text(r.verification) !== undefined ? { verification: r.verification! } : {}),
    ...(date !== null ? { publicationDate: date, dateStatus: s.publication.agreed !== null ? ('agreed' as const) : ('proposed' as const) } : {}),
  };
  // guideline §2; 資料1 2.(4): the reporter's identity only with consent.
  const who = r.reporter;
  if (s.reporter.consent.shareIdentity && text(who?.name) !== undefined && text(who?.email) !== undefined) {
    return {
      ...base,
      shareIdentity: true,
      reporterName: oneLine(who!.name!, 300),
      reporterEmail: oneLine(who!.email!, 320),
      ...(text(who?.organization) !== undefined ? { reporterOrganization: oneLine(who!.organization!, 300) } : {}),
    };
  }
  return { ...base, shareIdentity: false };
}

/**
 * Applies one X-HANDOVER to case `caseId` inside the open transaction `tx`: stores the
 * partner's notice (pending, or held for the reporter's identity) and the handover. The
 * caller enqueues the notices (the mail path files the command mail once they are sent:
 * `messageRef`).
 */
export async function applyHandover(tx: Db, deps: HandoverDeps, caseId: string, cmd: HandoverCommand, messageRef: number | null): Promise<HandoverOutcome> {
  const fail = (error: CommandError): HandoverOutcome => ({ ok: false, error });
  const c = await getCase(tx, caseId);
  const snapshot = c ? await loadSnapshot(tx, caseId, { lock: true }) : null;
  if (!c || !snapshot) return fail({ code: 'unknown-case' });
  const partner = await getPartner(tx, cmd.partner);
  if (!partner || partner.removedAt !== null) return fail({ code: 'unknown-partner', partner: cmd.partner });
  // guideline §3.2 before §3.4, §3.3, §3.8 (src/rules/handover.ts): only an accepted case
  // that is neither stopped nor published.
  const refused = handoverRefusal(snapshot);
  if (refused !== null) return fail(refused);
  if ((await getHandover(tx, caseId, partner.id)) !== null) return fail({ code: 'already-handed-over', partner: partner.id });
  const keys = await usableRecipients(partner.keys.map((k) => k.armored), deps.now);
  const to = [...partner.contacts.to, ...partner.contacts.cc];
  if (keys.length === 0 || to.length === 0) {
    // Fail closed (mail-protocol: no key for a recipient → no details sent): the refusal
    // tells the coordinator who asked; the timeline keeps it for the others.
    await appendTimeline(tx, { caseId, actor: deps.actor, event: 'handover-refused', data: { partner: partner.id, reason: 'partner-no-key' } });
    return fail({ code: 'partner-no-key', partner: partner.id });
  }

  const nid = `<partner-handover.${caseId}.${partner.id}@${deps.domain}>`;
  if (!(await insertHandover(tx, { caseId, partnerId: partner.id, noticeId: nid, handedBy: deps.actor, at: deps.now }))) {
    return fail({ code: 'already-handed-over', partner: partner.id });
  }
  const report = c.report as ReportForm;
  const context = handoverContext(partner, caseId, report, snapshot);
  // Partners are written to in English (as partner-answer).
  const rendered = renderNotice('partner-handover', 'en', context);
  const notices: ComposedNotice[] = [];
  const hits = checkNotice(identityPolicy(report, snapshot, c.reporterEmail), 'vendor', 'partner-handover', context);
  if (hits.length > 0) {
    const ref = holdRef(nid);
    notices.push({
      id: nid,
      kind: 'partner-handover',
      recipients: to,
      lang: 'en',
      raw: null,
      withheldReason: `the text contains the reporter's ${describeHits(hits)}`,
      hold: { ref, noticeName: 'partner-handover', audience: 'vendor', vendorId: `${PARTNER_PARTY_PREFIX}${partner.id}`, context, hits },
    });
    // The alert names the fields, never the identity itself (it goes by mail).
    const alert = renderNotice('coord-alert', c.lang, { kind: 'notice-withheld-identity', caseId, detail: oneLine(`hold ${ref}: partner-handover to ${partner.id} held: the reporter's ${describeHits(hits)}`, 480) });
    notices.push(...(await composeForCoordinators({ coordinators: deps.coordinators, signer: deps.signer, address: deps.address, domain: deps.domain, lang: c.lang, now: deps.now, eventKey: `handover.${partner.id}.${ref}`, caseId }, 'coord-alert', alert)));
  } else {
    const raw = await composeEncrypted({ from: deps.address, to, caseTag: caseId, subject: rendered.subject, text: rendered.text, messageId: nid, date: deps.now }, deps.signer, keys);
    notices.push({ id: nid, kind: 'partner-handover', recipients: to, lang: 'en', raw });
  }
  await storeComposed(tx, notices, caseId, messageRef);
  await appendTimeline(tx, {
    caseId,
    actor: deps.actor,
    event: 'case-handed-over',
    data: { partner: partner.id, notice: nid, held: hits.length > 0, reporterIdentity: context.shareIdentity, ...(context.publicationDate ? { publicationDate: context.publicationDate } : {}) },
  });
  return { ok: true, noticeIds: notices.map((n) => n.id), held: hits.length > 0 };
}
