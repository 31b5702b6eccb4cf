// Vendor statuses back to the partner of a partner case (issue 12; guideline §5: the desk
// "collects the vendors' fixes, reports back to the partner, and publishes at the same
// time"). Shared by every use case that steps a case (through noticesFor): when an event
// notifies a domestic vendor, records its answer (status, fixed versions, advisory URL),
// finds it unreachable, carries a vendor's request for another date, or publishes, each
// partner of the case gets one `partner-status` notice listing every vendor's status,
// signed and encrypted to the partner's pinned keys, with the case's CSAF 2.0 document
// attached when the partner's registry entry asks for it (`wants_csaf`).
//
// - A vendor's date request on a partner case is never applied (the rules only put it on
//   the table as a proposal; the agreed date stays the partner's): it goes to the partner
//   marked REQUEST, and the coordinators are told that it went there (`partner-date-request`)
//   instead of being asked to decide it (`date-proposed`).
// - Fail closed (guideline §2): a partner without a usable pinned key or contact, or removed
//   from the registry, gets nothing; the notice is stored withheld and the coordinators are
//   told. A CSAF document that fails its validation is not attached (coordinators told).
// - No reporter identity: the notice's schema has no field for it, and the CSAF document
//   names the reporter only once published and only with the reporter's credit consent.
import { usableRecipients } from '../crypto/openpgp.ts';
import { validateCsaf } from '../adapters/csaf-validator.ts';
import { type ComposedNotice, composeCoordinatorAlert } from '../desk/execute.ts';
import { buildCsaf } from '../export/csaf.ts';
import { loadExportCase } from '../export/load.ts';
import { NotExportable } from '../export/model.ts';
import { composeEncrypted, type OutboundAttachment } from '../outbound/compose.ts';
import { renderNotice, type NoticeContexts } from '../outbound/templates.ts';
import type { ProductCase, ProductDecision } from '../rules/product.ts';
import type { Db } from '../store/db.ts';
import { getPartner } from '../store/partners.ts';
import { appendTimeline } from '../store/repo.ts';
import type { DeskContext } from './context.ts';

type PartnerStatusVendor = NoticeContexts['partner-status']['vendors'][number];

/** What of one event the partner hears about. */
interface Changes {
  vendors: Set<string>;
  /** Vendor → the date it asked for (the rules' `date-proposed`: a date not already agreed). */
  requests: Map<string, string>;
  published: string | null;
}

/** The vendor-status changes of one event's decisions (pure). */
export function partnerChanges(decisions: readonly ProductDecision[]): Changes {
  const out: Changes = { vendors: new Set(), requests: new Map(), published: null };
  for (const d of decisions) {
    if (d.type === 'set-state' && d.machine === 'coordination' && (d.to === 'notified' || d.to === 'unreachable' || d.to === 'answered')) out.vendors.add(d.vendorId);
    else if (d.type === 'update-vendor' && (d.patch.status !== undefined || d.patch.fixedVersions !== undefined || d.patch.advisoryUrl !== undefined)) out.vendors.add(d.vendorId);
    else if (d.type === 'notify-coordinators' && d.template === 'date-proposed' && d.vendorId !== undefined && d.date !== undefined) {
      out.requests.set(d.vendorId, d.date);
      out.vendors.add(d.vendorId);
    } else if (d.type === 'send-advisory') out.published = d.advisory.date;
  }
  return out;
}

/** The decisions the desk's own notices are composed from on a partner case: the date is the partner's to decide. */
export function withoutPartnerDecided(decisions: readonly ProductDecision[]): ProductDecision[] {
  return decisions.filter((d) => !(d.type === 'notify-coordinators' && d.template === 'date-proposed'));
}

const oneLine = (s: string, max: number): string => s.replace(/\s+/gu, ' ').trim().slice(0, max);
const URL_OK = /^https?:\/\/[^\s<>"]+$/iu;

function vendorEntry(v: ProductCase['vendors'][number], changes: Changes): PartnerStatusVendor {
  const answered = v.coordination === 'answered';
  const fixed = v.fixedVersions !== null && v.fixedVersions.trim() !== '' ? oneLine(v.fixedVersions, 500) : undefined;
  const url = v.advisoryUrl !== null && URL_OK.test(v.advisoryUrl.trim()) ? v.advisoryUrl.trim().slice(0, 2000) : undefined;
  const requested = changes.requests.get(v.id);
  return {
    name: oneLine(v.name, 300),
    contact: v.coordination,
    ...(answered && v.status !== null ? { status: v.status } : {}),
    ...(fixed !== undefined ? { fixedVersions: fixed } : {}),
    ...(url !== undefined ? { advisoryUrl: url } : {}),
    ...(requested !== undefined ? { requestedDate: requested } : {}),
    updated: changes.vendors.has(v.id),
  };
}

/** The case's CSAF 2.0 document as an attachment, validated; null (with the reason) when it cannot be. */
async function csafAttachment(ctx: DeskContext, into: Db, caseId: string): Promise<{ ok: true; attachment: OutboundAttachment } | { ok: false; reason: string }> {
  try {
    const { document } = buildCsaf(await loadExportCase(into, caseId), ctx.publisher);
    const v = await validateCsaf(document);
    if (!v.valid) return { ok: false, reason: `the CSAF document fails validation: ${v.errors[0] ?? 'unknown error'}` };
    // CSAF 2.0 §5.1: the file name is the tracking id in lower case, `.json`.
    return { ok: true, attachment: { filename: `${caseId.toLowerCase().replace(/[^+\-a-z0-9]+/gu, '_')}.json`, contentType: 'application/json', content: Buffer.from(`${JSON.stringify(document, null, 2)}\n`, 'utf8') } };
  } catch (e) {
    if (e instanceof NotExportable) return { ok: false, reason: e.message };
    throw e;
  }
}

/**
 * The partner notices of one event on a case (none when the case has no partner or the
 * event changed nothing the partner hears about). Stored in `into`; returns the ids to send.
 */
export async function partnerStatusNotices(
  ctx: DeskContext,
  into: Db,
  caseId: string,
  links: readonly { partnerId: string; partnerRef: string }[],
  decisions: readonly ProductDecision[],
  after: ProductCase,
  eventKey: string,
): Promise<ComposedNotice[]> {
  const changes = partnerChanges(decisions);
  if (links.length === 0 || (changes.vendors.size === 0 && changes.published === null)) return [];
  const now = ctx.clock();
  const out: ComposedNotice[] = [];
  const alert = async (partnerId: string, what: string, kind: 'notice-withheld-no-key' | 'partner-date-request' | 'csaf-not-attached', detail: string): Promise<void> => {
    out.push(
      ...(await composeCoordinatorAlert(
        { coordinators: ctx.coordinators, signer: ctx.signer, address: ctx.address, domain: ctx.domain, lang: 'ja', now, eventKey: `${eventKey}.${partnerId}.${what}`, caseId },
        kind,
        detail,
      )),
    );
  };
  let csaf: Awaited<ReturnType<typeof csafAttachment>> | null = null;
  for (const link of links) {
    const partner = await getPartner(into, link.partnerId);
    const nid = `<partner-status.${caseId}.${link.partnerId}.${eventKey}@${ctx.domain}>`;
    const to = partner ? [...partner.contacts.to, ...partner.contacts.cc] : [];
    const keys = partner && partner.removedAt === null ? await usableRecipients(partner.keys.map((k) => k.armored), now) : [];
    const requests = [...changes.requests].map(([v, d]) => `${v} asks for ${d}`).join('; ');
    if (!partner || keys.length === 0 || to.length === 0) {
      // Fail closed: nothing of the case without a usable pinned key; the coordinators are told.
      const why = !partner ? 'not in the registry' : partner.removedAt !== null ? 'removed from the registry' : keys.length === 0 ? 'no usable pinned key' : 'no contact address';
      out.push({ id: nid, kind: 'partner-status', recipients: to, lang: 'en', raw: null, withheldReason: why });
      await alert(link.partnerId, 'withheld', 'notice-withheld-no-key', `partner ${link.partnerId} (${link.partnerRef}): partner-status withheld (${why})${requests === '' ? '' : `; NOT forwarded: ${requests}`}`);
      continue;
    }
    const attachments: OutboundAttachment[] = [];
    if (partner.wantsCsaf) {
      csaf ??= await csafAttachment(ctx, into, caseId);
      if (csaf.ok) attachments.push(csaf.attachment);
      else await alert(link.partnerId, 'csaf', 'csaf-not-attached', `partner ${link.partnerId} (${link.partnerRef}): sent without CSAF: ${csaf.reason}`);
    }
    const context: NoticeContexts['partner-status'] = {
      caseId,
      partnerRef: link.partnerRef,
      ...(after.publication.agreed !== null ? { publicationDate: after.publication.agreed } : {}),
      ...(changes.published !== null ? { publishedOn: changes.published } : {}),
      vendors: after.vendors.map((v) => vendorEntry(v, changes)),
      csafAttached: attachments.length > 0,
    };
    // Partners are written to in English (as partner-answer).
    const rendered = renderNotice('partner-status', 'en', context);
    const raw = await composeEncrypted(
      { from: ctx.address, to, caseTag: caseId, subject: rendered.subject, text: rendered.text, messageId: nid, date: now, refs: [link.partnerRef], attachments },
      ctx.signer,
      keys,
    );
    out.push({ id: nid, kind: 'partner-status', recipients: to, lang: 'en', raw });
    if (changes.requests.size > 0) {
      await appendTimeline(into, { caseId, actor: 'desk', event: 'partner-date-request-forwarded', data: { partner: link.partnerId, requests: Object.fromEntries(changes.requests), agreed: after.publication.agreed } });
      await alert(link.partnerId, 'request', 'partner-date-request', `${requests}: forwarded to partner ${link.partnerId} (${link.partnerRef}); not applied, the agreed date ${after.publication.agreed ?? '(none)'} stays until the partner agrees`);
    }
  }
  return out;
}
