// Notices about a case, shared by every use case that steps one and by `madoguchi case`
// (src/desk/commands.ts applyCommands; it cannot reach into src/usecases/): the rules'
// decisions become stored notices, the same for a command by mail or on the command line
// (issue 12: the partner's `partner-status` and advisory included), and what a party wrote
// is relayed to the coordinators.
import { composeDecisions, composeForCoordinators, storeComposed } from './execute.ts';
import type { ReportForm } from '../domain/inspect.ts';
import { neutralise } from '../outbound/neutralise.ts';
import { renderNotice } from '../outbound/templates.ts';
import type { ProductCase, ProductDecision } from '../rules/product.ts';
import type { Lang } from '../rules/screening.ts';
import type { Db } from '../store/db.ts';
import { findKeysByEmail } from '../store/repo.ts';
import { partnersWhoBroughtCase } from '../store/partners.ts';
import { vendorSubjectRefs } from '../store/vendor-references.ts';
import { listVendors } from '../store/vendors.ts';
import { listVendorVulnerabilityStatuses, listVulnerabilities } from '../store/vulnerabilities.ts';
import { partnerAdvisoryCopies, partnerStatusNotices, withoutPartnerDecided, type NoticeDeps } from './partner-status.ts';

/** Composes and stores, in `into` (the open transaction), the notices decisions ask for. */
export async function noticesFor(
  ctx: NoticeDeps,
  into: Db,
  c: { id: string; report: unknown; lang: string; reporterEmail: string | null; createdAt: Date },
  decisions: ProductDecision[],
  after: ProductCase,
  eventKey: string,
  messageRef: number | null,
  opts: { partnerStatus?: boolean } = {},
): Promise<string[]> {
  const vendors = new Map((await listVendors(into, { includeRemoved: true })).map((x) => [x.id, x]));
  // issue 12 (guideline §5, mail-protocol §7): the partners that brought the case hear the
  // vendors' statuses, and every vendor's subjects carry the partner's id and its own ids
  // (a partner the case was handed over to is not told the domestic vendors' statuses here).
  const partners = await partnersWhoBroughtCase(into, c.id);
  const vendorRefs = await vendorSubjectRefs(into, c.id, after.vendors.map((v) => v.id), partners.map((p) => p.partnerRef));
  const reporter = c.reporterEmail ? { email: c.reporterEmail, armoredKeys: (await findKeysByEmail(into, c.reporterEmail)).map((k) => k.armored) } : undefined;
  const { notices } = await composeDecisions(
    {
      coordinators: ctx.coordinators,
      signer: ctx.signer,
      address: ctx.address,
      domain: ctx.domain,
      lang: c.lang as Lang,
      now: ctx.clock(),
      eventKey,
      caseId: c.id,
      report: c.report as ReportForm,
      snapshot: after,
      vendors,
      settings: ctx.settings,
      receivedAt: c.createdAt,
      vulnerabilities: await listVulnerabilities(into, c.id),
      vulnerabilityStatuses: await listVendorVulnerabilityStatuses(into, c.id),
      vendorRefs,
      partners: await partnerAdvisoryCopies(ctx, into, c.id, partners, decisions),
      priorityContacts: ctx.priorityContacts,
      ...(reporter ? { reporter } : {}),
    },
    // On a partner case the date is the partner's to decide: a vendor's request is forwarded
    // to it (partner-status.ts), and the coordinators are told so instead of `date-proposed`.
    partners.length > 0 ? withoutPartnerDecided(decisions) : decisions,
  );
  const partnerNotices = opts.partnerStatus === false ? [] : await partnerStatusNotices(ctx, into, c.id, partners, decisions, after, eventKey);
  return storeComposed(into, [...notices, ...partnerNotices], c.id, messageRef);
}

/** What a party wrote about a case, to every coordinator, encrypted (guideline §3.10: the desk relays). */
export async function forwardToCoordinators(
  ctx: Pick<NoticeDeps, 'coordinators' | 'signer' | 'address' | 'domain'>,
  tx: Db,
  caseId: string,
  who: { party: 'reporter' } | { party: 'vendor'; vendorId: string; vendorName: string } | { party: 'partner'; partnerId: string; partnerName: string; partnerRef: string },
  text: string,
  now: Date,
  messageRef: number,
): Promise<void> {
  // Control characters become visible escapes here rather than a template refusal: the
  // coordinators read what was written (issue 9 §6).
  const message = text.trim() === '' ? '(no text)' : neutralise(text.slice(0, 100_000));
  const rendered = renderNotice('correspondence', 'ja', { caseId, ...who, receivedAt: now, message });
  const notices = await composeForCoordinators(
    { coordinators: ctx.coordinators, signer: ctx.signer, address: ctx.address, domain: ctx.domain, lang: 'ja', now, eventKey: `m${messageRef}`, caseId },
    'correspondence',
    rendered,
  );
  await storeComposed(tx, notices, caseId, messageRef);
}
