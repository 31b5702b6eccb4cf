// Product-track decisions (src/rules/product.ts) → composed notices, ready to be stored and
// sent by the notify job: to vendors (notification, reminders, schedule, closing, removal,
// coordination-impossible invitation and outcome, introduction), to the reporter (schedule,
// publication, not accepted, stopped, may withdraw, outcome, introduction), to the
// coordinators (alerts), and the advisory to every party. A decision with nothing to send
// (e.g. the vendor `published` notice, which the advisory itself is) is skipped; one this
// module cannot compose is returned in `unhandled` for the caller to record.
//
// Confidentiality (guideline §2): a vendor notice carries the vulnerability details and is
// encrypted to that vendor's pinned keys only, sent to its registered contacts only; the
// reporter's identity goes with it only with consent (資料1 2.(4)). No usable key: the
// notice is withheld (stored, never sent) and the coordinators are told instead.
import { usableRecipients, type SigningKey } from '../crypto/openpgp.ts';
import type { StopReason as CmdStopReason } from '../commands/parse.ts';
import type { ReportForm } from '../domain/inspect.ts';
import { jstDate } from '../domain/clock.ts';
import { composeEncrypted, type OutboundAttachment } from '../outbound/compose.ts';
import { COORD_ALERT_FOR, PROGRESS_ITEMS, renderNotice, type AnyNoticeName, type CoordAlertKind, type Lang, type NoticeContexts, type ProgressItem } from '../outbound/templates.ts';
import type { IdentityHit } from '../outbound/identity-guard.ts';
import type { ProductCase, ProductDecision, Settings } from '../rules/product.ts';
import type { Db } from '../store/db.ts';
import { insertIdentityHold } from '../store/identity-holds.ts';
import { insertNotice } from '../store/repo.ts';
import { checkNotice, describeHits, encodeContext, holdRef, identityPolicy, kindWord, type Audience } from './identity-policy.ts';
import type { Vendor } from '../store/vendors.ts';
import type { VendorVulnerabilityStatus, Vulnerability } from '../store/vulnerabilities.ts';
import { fixedIn, nonEmpty, scoreLine, vendorOverall, vulnerabilityFacts, type ExportCase, type VulnerabilityFact } from '../export/model.ts';
import type { NoticeVulnerability } from '../notices/schema.ts';
import { resolvePriorityContacts, type PriorityContact } from './priority-contacts.ts';

export interface ComposedNotice {
  id: string;
  kind: string;
  recipients: string[];
  lang: Lang;
  /** Null when withheld: no usable key, nothing is sent. */
  raw: Buffer | null;
  withheldReason?: string;
  /** Held for the reporter's identity (issue 9 §5): what a coordinator's X-RELEASE / X-REDACT needs. */
  hold?: NoticeHold;
  /** The notice this one comes after: not sent before that one is sent (migration 024). */
  afterNotice?: string;
}

/** A notice held because it carries the reporter's identity: enough to render it again. */
export interface NoticeHold {
  ref: string;
  noticeName: AnyNoticeName;
  audience: Audience;
  vendorId: string;
  context: object;
  hits: IdentityHit[];
}

/** A rendered notice with the template and context it came from (the identity guard reads the context). */
export interface BuiltNotice {
  name: AnyNoticeName;
  context: object;
  subject: string;
  text: string;
}

export interface ExecuteContext {
  caseId: string;
  report: ReportForm;
  lang: Lang;
  snapshot: ProductCase;
  vendors: Map<string, Vendor>;
  coordinators: { name: string; email: string; armoredKeys: string[] }[];
  signer: SigningKey;
  address: string;
  domain: string;
  settings: Settings;
  now: Date;
  /** Makes Message-IDs unique per event and deterministic on a retry (e.g. the event's id). */
  eventKey: string;
  /** The reporter's address and usable keys (reporter notices; none → withheld). */
  reporter?: { email: string; armoredKeys: string[] };
  /** When the report was received (advisory: 資料2 III.4.7). */
  receivedAt?: Date;
  /**
   * The references a vendor knows the case by besides the desk's id (the partner's id of a
   * partner case, the vendor's own ids), for the subjects of its notices (mail-protocol §7).
   */
  vendorRefs?: ReadonlyMap<string, readonly string[]>;
  /** Priority-notice contacts (configuration `priorityNotice.contacts`; guideline §3 item 12). None: nothing is sent. */
  priorityContacts?: readonly PriorityContact[];
  /**
   * The case's vulnerabilities and each vendor's statements per vulnerability (issue 12,
   * src/store/vulnerabilities.ts): the advisory and the vendor notification show each, from
   * the export model (src/export/model.ts), the source the CSAF document is built from too.
   */
  vulnerabilities?: Vulnerability[];
  vulnerabilityStatuses?: VendorVulnerabilityStatus[];
  /**
   * issue 12 (guideline §5: the desk "publishes at the same time" as the partner): the
   * partners that brought the case get the published advisory, in English, encrypted to
   * their pinned keys (none: withheld), with the final CSAF document when they want it.
   */
  partners?: readonly PartnerAdvisoryCopy[];
}

/** One partner's copy of the advisory (src/desk/partner-status.ts partnerAdvisoryCopies). */
export interface PartnerAdvisoryCopy {
  partnerId: string;
  /** The partner's id of the case, in the subject (mail-protocol §7). */
  partnerRef: string;
  to: string[];
  /** Empty when the partner has no usable pinned key or left the registry: fail closed. */
  armoredKeys: string[];
  attachments: OutboundAttachment[];
}

/** The export model of the case as it stands in this event (issue 12 "one source"). */
export function exportModelOf(ctx: ExecuteContext): ExportCase {
  return {
    id: ctx.caseId,
    lang: ctx.lang === 'en' ? 'en' : 'ja',
    openedAt: ctx.receivedAt ?? ctx.now,
    product: { name: nonEmpty(ctx.report.product?.name), version: nonEmpty(ctx.report.product?.version) },
    snapshot: ctx.snapshot,
    vulnerabilities: ctx.vulnerabilities ?? [],
    statuses: ctx.vulnerabilityStatuses ?? [],
  };
}

/** The facts as a notice's context carries them; `nameOf` gives each vendor's name as that notice may show it. */
export function noticeVulnerabilities(facts: readonly VulnerabilityFact[], nameOf: (vendorId: string, fallback: string) => string, withSummary = true): NoticeVulnerability[] {
  return facts.map((f) => ({
    number: f.number,
    ...(withSummary ? { summary: f.summary } : {}),
    ...(f.cwe !== null ? { cwe: f.cwe } : {}),
    ...(f.cve !== null ? { cve: f.cve } : {}),
    ...(f.score !== null ? { cvss: scoreLine(f.score) } : {}),
    statuses: f.vendors.map((v) => {
      // "Affected, fixed in 1.2.3" names its fix as the CSAF document does (fixedIn).
      const fix = fixedIn(v);
      return { name: nameOf(v.vendorId, v.vendorName), product: v.product, status: v.status, ...(fix !== null ? { fixedVersions: fix } : {}) };
    }),
  }));
}

const STOP_REASONS: readonly CmdStopReason[] = ['not-vulnerability', 'duplicate', 'not-reproducible', 'illegal', 'known'];
const isStopReason = (r: string | undefined): r is CmdStopReason => STOP_REASONS.includes(r as CmdStopReason);

const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim().slice(0, 480);

export async function composeDecisions(ctx: ExecuteContext, decisions: readonly ProductDecision[]): Promise<{ notices: ComposedNotice[]; unhandled: ProductDecision[] }> {
  const notices: ComposedNotice[] = [];
  const unhandled: ProductDecision[] = [];
  const id = (kind: string, who: string): string => `<${kind}.${ctx.caseId}.${who}.${ctx.eventKey}@${ctx.domain}>`;
  const r = ctx.report;

  // Several notices of one kind in one event (two vendors withheld, say) each need their own
  // Message-ID, or the second is stored as a duplicate of the first and never sent. The
  // decisions come in the same order on a retry, so the numbering is deterministic.
  const perKind = new Map<string, number>();
  const toCoordinators = async (kind: string, render: () => { subject: string; text: string }): Promise<void> => {
    const n = perKind.get(kind) ?? 0;
    perKind.set(kind, n + 1);
    notices.push(...(await composeForCoordinators(n === 0 ? ctx : { ...ctx, eventKey: `${ctx.eventKey}.${String(n + 1)}` }, kind, render())));
  };
  const built = <N extends AnyNoticeName>(name: N, lang: Lang, context: NoticeContexts[N]): BuiltNotice => ({ name, context, ...renderNotice(name, lang, context) });
  // issue 9 §5: one guard before anything goes to a vendor or the public.
  const policy = identityPolicy(r, ctx.snapshot, ctx.reporter?.email ?? null);
  /** True when the notice was held for the reporter's identity (stored withheld, coordinators alerted). */
  const heldForIdentity = async (audience: Audience, vendorId: string, kind: string, nid: string, to: string[], b: BuiltNotice): Promise<boolean> => {
    const hits = checkNotice(policy, audience, b.name, b.context);
    if (hits.length === 0) return false;
    const ref = holdRef(nid);
    notices.push({ id: nid, kind, recipients: to, lang: ctx.lang, raw: null, withheldReason: `the text contains the reporter's ${describeHits(hits)}`, hold: { ref, noticeName: b.name, audience, vendorId, context: b.context, hits } });
    // The alert names the fields, never the identity itself (it goes by mail).
    // One alert per hold: its own Message-ID, though several notices of one event may be held.
    const alert = renderNotice('coord-alert', ctx.lang, { kind: 'notice-withheld-identity', caseId: ctx.caseId, detail: oneLine(`hold ${ref}: ${kind} to ${vendorId} held: the reporter's ${describeHits(hits)}`) });
    notices.push(...(await composeForCoordinators({ ...ctx, eventKey: `${ctx.eventKey}.${ref}` }, 'coord-alert', alert)));
    return true;
  };
  /** One notice to a vendor of the case: its pinned keys and registered contacts only; else withheld. */
  const toVendor = async (vendorId: string, kind: string, nid: string, render: (vendor: Vendor) => BuiltNotice): Promise<void> => {
    const vendor = ctx.vendors.get(vendorId);
    const keys = vendor ? await usableRecipients(vendor.keys.map((k) => k.armored), ctx.now) : [];
    const to = vendor ? [...vendor.contacts.to, ...vendor.contacts.cc] : [];
    if (!vendor || keys.length === 0 || to.length === 0) {
      // Fail closed: nothing of the case without a usable pinned key; the coordinators are told.
      const why = !vendor ? 'not in the registry' : keys.length === 0 ? 'no usable pinned key' : 'no contact address';
      notices.push({ id: nid, kind, recipients: to, lang: ctx.lang, raw: null, withheldReason: why });
      await toCoordinators('coord-alert', () =>
        renderNotice('coord-alert', ctx.lang, { kind: 'notice-withheld-no-key', caseId: ctx.caseId, detail: oneLine(`${vendorId}: ${kind} withheld (${why})`) }),
      );
      return;
    }
    const rendered = render(vendor);
    if (await heldForIdentity('vendor', vendorId, kind, nid, to, rendered)) return;
    const raw = await composeEncrypted({ from: ctx.address, to, caseTag: ctx.caseId, subject: rendered.subject, text: rendered.text, messageId: nid, date: ctx.now, refs: ctx.vendorRefs?.get(vendorId) ?? [] }, ctx.signer, keys);
    notices.push({ id: nid, kind, recipients: to, lang: ctx.lang, raw });
  };
  /** One notice to the reporter, encrypted to the reporter's key; withheld without one. */
  const toReporter = async (kind: string, rendered: { subject: string; text: string }): Promise<void> => {
    if (!ctx.reporter) return;
    const nid = id(kind, 'reporter');
    const keys = await usableRecipients(ctx.reporter.armoredKeys, ctx.now);
    if (keys.length === 0) {
      notices.push({ id: nid, kind, recipients: [ctx.reporter.email], lang: ctx.lang, raw: null, withheldReason: 'no usable key for the reporter' });
      return;
    }
    const raw = await composeEncrypted({ from: ctx.address, to: [ctx.reporter.email], caseTag: ctx.caseId, subject: rendered.subject, text: rendered.text, messageId: nid, date: ctx.now }, ctx.signer, keys);
    notices.push({ id: nid, kind, recipients: [ctx.reporter.email], lang: ctx.lang, raw });
  };
  const productOf = (vendor: Vendor): string => r.product?.name ?? vendor.products[0]?.name ?? vendor.name;
  /** The reporter's priority notice of this event, when one was composed: the contacts' notices come after it. */
  let reporterTold: string | undefined;

  /**
   * guideline §3 item 12: the fix information of `vendorIds` to every configured contact,
   * each signed and encrypted to that contact's pinned key alone. A contact without a usable
   * key gets nothing (withheld) and the coordinators are told (fail closed). Nothing about
   * the reporter: the context has no such key, and the summary goes only when the identity
   * guard finds none of the reporter's details in the text (as for the public advisory).
   */
  const priorityNotices = async (vendorIds: readonly string[]): Promise<void> => {
    const snap = ctx.snapshot;
    const fixes = vendorIds.flatMap((vid) => {
      const v = snap.vendors.find((x) => x.id === vid);
      if (!v?.fixedVersions) return [];
      const registry = ctx.vendors.get(vid);
      return [
        {
          vendorName: oneLine(registry?.nameJa && ctx.lang === 'ja' ? registry.nameJa : v.name),
          fixedVersions: oneLine(v.fixedVersions),
          ...(v.workaround ? { workaround: v.workaround } : {}),
          ...(v.advisoryUrl ? { advisoryUrl: v.advisoryUrl } : {}),
        },
      ];
    });
    const base: Omit<NoticeContexts['priority-notice'], 'contactName' | 'sector'> = {
      caseId: ctx.caseId,
      productName: oneLine(r.product?.name ?? ctx.caseId),
      ...(r.product?.version ? { affectedVersions: oneLine(r.product.version) } : {}),
      ...(r.vulnerability?.type ? { vulnerabilityType: oneLine(r.vulnerability.type) } : {}),
      ...(r.cvss ? { cvss: oneLine(r.cvss) } : {}),
      fixes,
      ...(snap.publication.agreed ? { publicationDate: snap.publication.agreed } : {}),
    };
    // The summary is the reporter's own text: left out when it names them; whatever else
    // still names them holds every notice back (the coordinators are told once).
    const full = r.vulnerability?.summary ? { ...base, summary: r.vulnerability.summary } : base;
    const body = checkNotice(policy, 'public', 'priority-notice', full).length === 0 ? full : base;
    const hits = checkNotice(policy, 'public', 'priority-notice', body);
    if (hits.length > 0) {
      await toCoordinators('coord-alert', () => renderNotice('coord-alert', ctx.lang, { kind: 'notice-withheld-identity', caseId: ctx.caseId, detail: oneLine(`priority notice withheld: the reporter's ${describeHits(hits)}`) }));
    }
    // "After the reporter was told": each contact's notice is stored waiting for the
    // reporter's notice of this command and goes only once that one is sent; if it is
    // never sent (failed, withheld), neither are these (src/usecases/outbox.ts).
    const after = reporterTold !== undefined ? { afterNotice: reporterTold } : {};
    for (const rc of await resolvePriorityContacts(ctx.priorityContacts ?? [], ctx.now)) {
      const nid = id('priority-notice', rc.contact.id);
      const to = [rc.contact.email];
      if (hits.length > 0) {
        notices.push({ id: nid, kind: 'priority-notice', recipients: to, lang: ctx.lang, raw: null, withheldReason: `the text contains the reporter's ${describeHits(hits)}`, ...after });
        continue;
      }
      if (!rc.ok) {
        notices.push({ id: nid, kind: 'priority-notice', recipients: to, lang: ctx.lang, raw: null, withheldReason: rc.why, ...after });
        await toCoordinators('coord-alert', () => renderNotice('coord-alert', ctx.lang, { kind: 'notice-withheld-no-key', caseId: ctx.caseId, detail: oneLine(`priority notice to ${rc.contact.id} withheld: ${rc.why}`) }));
        continue;
      }
      const rendered = renderNotice('priority-notice', ctx.lang, { ...body, contactName: oneLine(rc.contact.name), sector: rc.contact.sector });
      const raw = await composeEncrypted({ from: ctx.address, to, caseTag: ctx.caseId, subject: rendered.subject, text: rendered.text, messageId: nid, date: ctx.now }, ctx.signer, rc.keys);
      notices.push({ id: nid, kind: 'priority-notice', recipients: to, lang: ctx.lang, raw, ...after });
    }
  };

  for (const d of decisions) {
    if (d.type === 'notify-vendor' && (d.template === 'schedule' || d.template === 'stopped' || d.template === 'withdrawn')) {
      // guideline §3.5 (the one date, told to every vendor), §3.3 (closed), and a vendor taken
      // off the case: all still under non-disclosure, so encrypted to its pinned keys.
      const template = d.template;
      if ((template === 'schedule' && !d.date) || (template === 'stopped' && !isStopReason(d.reason))) {
        unhandled.push(d);
        continue;
      }
      await toVendor(d.vendorId, `vendor-${template}`, id(`vendor-${template}`, d.vendorId), (vendor) =>
        built('vendor-update', ctx.lang, {
          caseId: ctx.caseId,
          vendorName: vendor.nameJa && ctx.lang === 'ja' ? vendor.nameJa : vendor.name,
          productName: productOf(vendor),
          event: template,
          ...(template === 'schedule' && d.date ? { publicationDate: d.date, ...(d.previousDate ? { previousDate: d.previousDate } : {}) } : {}),
          ...(template === 'stopped' && isStopReason(d.reason) ? { stopReason: d.reason } : {}),
        }),
      );
    } else if (d.type === 'notify-vendor' && d.template === 'published') {
      // The advisory itself (send-advisory, same event) is the vendor's publication notice.
      continue;
    } else if (d.type === 'introduce') {
      // guideline §3.10: both consented (the rules checked); each side gets the other's contact.
      const vendor = ctx.vendors.get(d.vendorId);
      if (!vendor || !ctx.reporter || !r.reporter?.name || !r.reporter.email) {
        unhandled.push(d);
        continue;
      }
      const reporter = r.reporter;
      const vendorName = vendor.nameJa && ctx.lang === 'ja' ? vendor.nameJa : vendor.name;
      await toVendor(vendor.id, 'introduce', id('introduce', vendor.id), () =>
        built('introduce', ctx.lang, {
          caseId: ctx.caseId,
          audience: 'vendor',
          vendorName,
          productName: productOf(vendor),
          reporterName: oneLine(reporter.name ?? ''),
          reporterEmail: reporter.email ?? '',
          ...(reporter.organization ? { reporterOrganization: oneLine(reporter.organization) } : {}),
        }),
      );
      await toReporter(
        'introduce',
        renderNotice('introduce', ctx.lang, { caseId: ctx.caseId, audience: 'reporter', vendorName, productName: productOf(vendor), vendorContacts: [...vendor.contacts.to, ...vendor.contacts.cc] }),
      );
    } else if (d.type === 'relay') {
      // guideline §3.10 without direct exchange: the desk speaks for the other side.
      if (d.vendorId === null) {
        if (!ctx.reporter) {
          unhandled.push(d);
          continue;
        }
        await toReporter('relay', renderNotice('relay', ctx.lang, { caseId: ctx.caseId, audience: 'reporter', productName: oneLine(r.product?.name ?? ctx.caseId), message: d.text }));
        continue;
      }
      // Fail closed (§2): the command was refused before when its text names the reporter
      // (relayLeak); the guard in toVendor holds anything that still carries the identity.
      await toVendor(d.vendorId, 'relay', id('relay', d.vendorId), (vendor) =>
        built('relay', ctx.lang, {
          caseId: ctx.caseId,
          audience: 'vendor',
          vendorName: vendor.nameJa && ctx.lang === 'ja' ? vendor.nameJa : vendor.name,
          productName: productOf(vendor),
          message: d.text,
        }),
      );
    } else if (d.type === 'notify-reporter' && d.template === 'priority-notice') {
      // guideline §3 item 12: the reporter is told first. The rules decide this notice before
      // the send; the contacts' notices are stored waiting for it (afterNotice, migration
      // 024), so none goes before it is sent, and none if it never is.
      if (!ctx.reporter) {
        unhandled.push(d);
        continue;
      }
      await toReporter('reporter-priority', renderNotice('reporter-priority', ctx.lang, { caseId: ctx.caseId }));
      reporterTold = id('reporter-priority', 'reporter');
    } else if (d.type === 'send-priority-notice') {
      await priorityNotices(d.vendors);
    } else if (d.type === 'notify-reporter' && d.template === 'not-accepted' && d.reason && d.reason.trim() !== '') {
      await toReporter('reporter-not-accepted', renderNotice('reporter-not-accepted', ctx.lang, { caseId: ctx.caseId, reason: d.reason }));
    } else if (d.type === 'notify-vendor' && (d.template === 'notify' || d.template === 'impossible-invite')) {
      if (!ctx.vendors.has(d.vendorId)) {
        unhandled.push(d);
        continue;
      }
      const kind = d.template === 'notify' ? 'vendor-notify' : 'impossible-invite';
      await toVendor(d.vendorId, kind, id(kind, d.vendorId), (vendor) => {
        const productName = productOf(vendor);
        if (d.template !== 'notify') return built('impossible-invite', ctx.lang, { caseId: ctx.caseId, vendorName: vendor.name, productName, deadline: d.deadline ?? jstDate(ctx.now) });
        const start = ctx.snapshot.firstContactDate ?? jstDate(ctx.now);
        const date = d.date ?? ctx.snapshot.publication.agreed ?? ctx.snapshot.publication.proposed ?? start;
        const base = {
          caseId: ctx.caseId,
          vendorName: vendor.nameJa && ctx.lang === 'ja' ? vendor.nameJa : vendor.name,
          productName,
          productVersion: r.product?.version ?? '',
          summary: r.vulnerability?.summary ?? '',
          ...(r.vulnerability?.type ? { vulnerabilityType: oneLine(r.vulnerability.type) } : {}),
          ...(r.cvss ? { cvss: oneLine(r.cvss) } : {}),
          ...(r.impact ? { impact: r.impact } : {}),
          reproduction: r.reproduction ?? '',
          ...(r.verification ? { verification: r.verification } : {}),
          startDate: start,
          publicationDate: date,
          dateStatus: ctx.snapshot.publication.agreed ? ('agreed' as const) : ('proposed' as const),
          publicationDays: ctx.settings.publicationDays,
          offerDirectContact: d.offerDirectContact,
          // issue 12: once the case's vulnerabilities are stored (a coordinator added or split
          // one), each is shown with this vendor's own status only.
          ...((ctx.vulnerabilities ?? []).some((v) => !v.implicit)
            ? { vulnerabilities: noticeVulnerabilities(vulnerabilityFacts(exportModelOf(ctx), [], [vendor.id]), (_id, n) => n) }
            : {}),
        };
        // 資料1 2.(4): the reporter's identity only with consent.
        return d.includeReporterIdentity
          ? built('vendor-notify', ctx.lang, {
              ...base,
              shareIdentity: true,
              reporterName: r.reporter?.name ?? '',
              reporterEmail: r.reporter?.email ?? '',
              ...(r.reporter?.organization ? { reporterOrganization: oneLine(r.reporter.organization) } : {}),
            })
          : built('vendor-notify', ctx.lang, { ...base, shareIdentity: false });
      });
    } else if (d.type === 'notify-vendor' && d.template === 'impossible-decided' && d.outcome) {
      // guideline §3.8: the committee's decision is told to everyone concerned; its
      // reasoning never leaves the desk (§2), only the outcome.
      const outcome = d.outcome;
      await toVendor(d.vendorId, 'impossible-outcome', id('impossible-outcome', d.vendorId), (vendor) =>
        built('impossible-outcome', ctx.lang, { caseId: ctx.caseId, audience: 'vendor', outcome, vendorName: vendor.name }),
      );
    } else if (d.type === 'notify-reporter' && d.template === 'impossible-decided' && d.outcome && ctx.reporter) {
      await toReporter('impossible-outcome', renderNotice('impossible-outcome', ctx.lang, { caseId: ctx.caseId, audience: 'reporter', outcome: d.outcome }));
    } else if (d.type === 'notify-coordinators' && d.template === 'impossible-decided') {
      const outcome = decisions.find((x): x is Extract<ProductDecision, { type: 'notify-reporter' }> => x.type === 'notify-reporter' && x.template === 'impossible-decided')?.outcome;
      if (!outcome) {
        unhandled.push(d);
        continue;
      }
      await toCoordinators('impossible-outcome', () => renderNotice('impossible-outcome', ctx.lang, { caseId: ctx.caseId, audience: 'coordinators', outcome }));
    } else if (d.type === 'remind-vendor') {
      const { n, since } = d;
      await toVendor(d.vendorId, 'vendor-remind', id(`vendor-remind-${n}`, d.vendorId), (vendor) =>
        built('vendor-remind', ctx.lang, { caseId: ctx.caseId, vendorName: vendor.name, productName: productOf(vendor), n, since, unreachableAfterReminders: ctx.settings.unreachableAfterReminders }),
      );
    } else if (d.type === 'notify-coordinators' && d.template !== 'impossible-decided') {
      const kind = COORD_ALERT_FOR[d.template];
      await toCoordinators('coord-alert', () => renderNotice('coord-alert', ctx.lang, { kind, caseId: ctx.caseId, detail: oneLine(d.detail) }));
    } else if (d.type === 'notify-reporter' && ctx.reporter && ['schedule', 'published', 'may-withdraw', 'stopped'].includes(d.template)) {
      const rendered =
        d.template === 'schedule' && d.date
          ? renderNotice('reporter-progress', ctx.lang, { caseId: ctx.caseId, progress: [d.previousDate ? 'date-changed' : 'date-set'], publicationDate: d.date, vendorNamesPublic: false })
          : d.template === 'published'
            ? renderNotice('published', ctx.lang, { caseId: ctx.caseId, publishedOn: d.date ?? jstDate(ctx.now), ...(d.credit ? { credit: true as const, creditName: d.credit } : { credit: false as const }) })
            : d.template === 'may-withdraw'
              ? renderNotice('reporter-withdrawal', ctx.lang, { caseId: ctx.caseId, startDate: d.since ?? jstDate(ctx.now) })
              : d.template === 'stopped' && isStopReason(d.reason)
                ? renderNotice('reporter-stopped', ctx.lang, { caseId: ctx.caseId, reason: d.reason })
                : null;
      if (!rendered) {
        unhandled.push(d);
        continue;
      }
      await toReporter(`reporter-${d.template}`, rendered);
    } else if (d.type === 'send-advisory') {
      // guideline §3.13: on the agreed date the advisory goes to every party of the case at
      // once (vendors, reporter, coordinators); the verification method is never in it (§2).
      const a = d.advisory;
      // issue 12 "one source": the vulnerabilities, scores, CVEs, each vendor's status and
      // fixed versions come from the export model, as in the CSAF document (src/export/csaf.ts).
      const model = exportModelOf(ctx);
      const facts = vulnerabilityFacts(model, [], a.vendors.map((v) => v.vendorId));
      // The advisory in `lang`; the credit line only `withCredit` (a partner's copy has none, guideline §2; below).
      const advisoryIn = (lang: Lang, withCredit: boolean): BuiltNotice => {
        // The registry's publish_name: a vendor that did not agree to be named is listed by its
        // status only (docs/decisions.md), as on the unreachable list.
        const nameOf = (vendorId: string, fallback: string): string => {
          const i = a.vendors.findIndex((v) => v.vendorId === vendorId);
          return ctx.vendors.get(vendorId)?.publishName === false ? (lang === 'ja' ? `製品開発者 ${i + 1}（名称非公開）` : `Vendor ${i + 1} (name not published)`) : fallback;
        };
        const one = facts.length === 1 ? facts[0] : undefined;
        const summary =
          facts.length > 1
            ? lang === 'ja'
              ? `${r.product?.name ?? 'この製品'} に ${facts.length} 件の脆弱性があります（下記「脆弱性」）。`
              : `${facts.length} vulnerabilities have been found in ${r.product?.name ?? 'the product'} (see "Vulnerabilities" below).`
            : (one?.summary ?? r.vulnerability?.summary ?? '');
        return built('advisory', lang, {
          caseId: ctx.caseId,
          title: oneLine(`${r.product?.name ?? ''} ${r.vulnerability?.type ?? ''}`.trim() || ctx.caseId),
          publishedOn: a.date,
          receivedOn: jstDate(ctx.receivedAt ?? ctx.now),
          productName: r.product?.name ?? '',
          affectedVersions: oneLine(r.product?.version ?? ''),
          summary,
          // The reporter's words for the type of the one vulnerability (the block below has its CWE only).
          ...(facts.length <= 1 && r.vulnerability?.type ? { vulnerabilityType: oneLine(r.vulnerability.type) } : {}),
          ...(facts.length === 0 && r.cvss ? { cvss: oneLine(r.cvss) } : {}),
          ...(facts.length > 0 ? { vulnerabilities: noticeVulnerabilities(facts, nameOf, facts.length > 1) } : {}),
          vendors: a.vendors.map((v) => {
            // With the model: the vendor's status over all vulnerabilities and every fixed version.
            const overall = facts.length > 0 ? vendorOverall(facts, v.vendorId) : { status: v.status, fixedVersions: v.fixedVersions };
            const status = overall.status;
            const product = facts[0]?.vendors.find((x) => x.vendorId === v.vendorId)?.product ?? v.product;
            return {
              name: nameOf(v.vendorId, v.name),
              status,
              ...(product ? { product } : {}),
              ...((status === 'fixed' || status === 'affected') && overall.fixedVersions ? { fixedVersions: overall.fixedVersions } : {}),
              ...(status !== 'not-affected' && v.workaround ? { workaround: v.workaround } : {}),
              ...(v.advisoryUrl ? { advisoryUrl: v.advisoryUrl } : {}),
            };
          }),
          contact: ctx.address,
          byCommittee: a.byCommittee,
          ...(withCredit && a.credit ? { credit: true as const, creditName: a.credit } : { credit: false as const }),
        });
      };
      const rendered = advisoryIn(ctx.lang, true);
      const parties: { who: string; to: string[]; armored: string[]; vendorId?: string }[] = [
        ...a.vendors.flatMap((v) => {
          const vendor = ctx.vendors.get(v.vendorId);
          return vendor ? [{ who: vendor.id, to: [...vendor.contacts.to, ...vendor.contacts.cc], armored: vendor.keys.map((k) => k.armored), vendorId: vendor.id }] : [];
        }),
        ...(ctx.reporter ? [{ who: 'reporter', to: [ctx.reporter.email], armored: ctx.reporter.armoredKeys }] : []),
        ...ctx.coordinators.map((c) => ({ who: c.email.split('@')[0]!.replace(/[^A-Za-z0-9_-]/g, '_'), to: [c.email], armored: c.armoredKeys })),
      ];
      for (const p of parties) {
        const nid = id('advisory', p.who);
        const keys = await usableRecipients(p.armored, ctx.now);
        if (keys.length === 0 || p.to.length === 0) {
          notices.push({ id: nid, kind: 'advisory', recipients: p.to, lang: ctx.lang, raw: null, withheldReason: 'no usable key' });
          continue;
        }
        // The advisory is the public text (guideline §3.13): a vendor's copy carries no
        // identity whatever the consent; the reporter's and the coordinators' copies go.
        if (p.vendorId !== undefined && (await heldForIdentity('public', p.vendorId, 'advisory', nid, p.to, rendered))) continue;
        const refs = p.vendorId !== undefined ? (ctx.vendorRefs?.get(p.vendorId) ?? []) : [];
        const raw = await composeEncrypted({ from: ctx.address, to: p.to, caseTag: ctx.caseId, subject: rendered.subject, text: rendered.text, messageId: nid, date: ctx.now, refs }, ctx.signer, keys);
        notices.push({ id: nid, kind: 'advisory', recipients: p.to, lang: ctx.lang, raw });
      }
      // The partners that brought the case: partners are written to in English (as
      // partner-status). No reporter identity, whatever the consent (the credit line is left
      // out): the partner is not a party the reporter consented to; a copy whose text still
      // names the reporter is withheld and the coordinators told (guideline §2, fail closed).
      const forPartner = (ctx.partners ?? []).length > 0 ? advisoryIn('en', false) : null;
      for (const p of ctx.partners ?? []) {
        if (forPartner === null) break;
        const nid = id('advisory', `partner-${p.partnerId.replace(/[^A-Za-z0-9_-]/g, '_')}`);
        const keys = await usableRecipients(p.armoredKeys, ctx.now);
        const hits = checkNotice(policy, 'public', forPartner.name, forPartner.context);
        if (keys.length === 0 || p.to.length === 0 || hits.length > 0) {
          const why = hits.length > 0 ? `the text contains the reporter's ${describeHits(hits)}` : 'no usable key';
          notices.push({ id: nid, kind: 'advisory', recipients: p.to, lang: 'en', raw: null, withheldReason: why });
          await toCoordinators('coord-alert', () =>
            renderNotice('coord-alert', ctx.lang, { kind: hits.length > 0 ? 'notice-withheld-identity' : 'notice-withheld-no-key', caseId: ctx.caseId, detail: oneLine(`partner ${p.partnerId} (${p.partnerRef}): advisory withheld (${why})`) }),
          );
          continue;
        }
        const raw = await composeEncrypted(
          { from: ctx.address, to: p.to, caseTag: ctx.caseId, subject: forPartner.subject, text: forPartner.text, messageId: nid, date: ctx.now, refs: [p.partnerRef], attachments: p.attachments },
          ctx.signer,
          keys,
        );
        notices.push({ id: nid, kind: 'advisory', recipients: p.to, lang: 'en', raw });
      }
    } else if (d.type === 'notify-vendor' || d.type === 'notify-reporter' || d.type === 'notify-coordinators' || d.type === 'publish-unreachable-list') {
      unhandled.push(d);
    }
  }
  // guideline §3.6 / issue 4: the reporter hears how the case progresses, in general terms
  // only (no vendor names before publication, nothing a vendor said in confidence, §2).
  const progress = progressOf(decisions);
  if (progress.length > 0 && ctx.reporter) await toReporter('reporter-progress', renderNotice('reporter-progress', ctx.lang, { caseId: ctx.caseId, progress, vendorNamesPublic: false }));
  return { notices, unhandled };
}

/**
 * Which of the reporter's identifying details (guideline §2) a text to a vendor carries,
 * when the reporter did not consent to share them with vendors; null when none (or
 * consent). The identity guard's matching (src/outbound/identity-guard.ts: NFKC, case,
 * spacing, punctuation, both name orders, telephone formats); over-matching only holds a
 * text for a coordinator to rephrase.
 */
export function identityIn(text: string, ctx: Pick<ExecuteContext, 'snapshot' | 'report' | 'reporter'>): string | null {
  const policy = identityPolicy(ctx.report, ctx.snapshot, ctx.reporter?.email ?? null);
  const kinds = new Set(checkNotice(policy, 'vendor', 'relay', { message: text }).map((h) => h.kind));
  for (const k of ['email', 'name', 'organization', 'phone'] as const) if (kinds.has(k)) return kindWord(k);
  return null;
}

/** What the reporter is told of one event's decisions (the date has its own notice). */
export function progressOf(decisions: readonly ProductDecision[]): ProgressItem[] {
  const items = new Set<ProgressItem>();
  for (const d of decisions) {
    // A first notification only (the vendor's coordination state becomes `notified`), not a
    // notification sent again (notify-vendors).
    if (d.type === 'set-state' && d.machine === 'coordination' && d.to === 'notified') items.add('vendor-notified');
    else if (d.type === 'set-state' && d.machine === 'coordination' && d.to === 'unreachable') items.add('vendor-unreachable');
    else if (d.type === 'update-vendor' && d.patch.status !== undefined && d.patch.status !== null) {
      const byStatus = { investigating: 'vendor-investigating', affected: 'vendor-confirmed', fixed: 'fix-ready', 'not-affected': 'vendor-not-affected' } as const;
      items.add(byStatus[d.patch.status]);
    }
  }
  return PROGRESS_ITEMS.filter((p) => items.has(p));
}

/** One alert to every coordinator (encrypted to each one's keys; withheld without a key). */
export async function composeCoordinatorAlert(
  ctx: Pick<ExecuteContext, 'coordinators' | 'signer' | 'address' | 'domain' | 'lang' | 'now' | 'eventKey'> & { caseId: string | null },
  kind: CoordAlertKind,
  detail: string,
): Promise<ComposedNotice[]> {
  const rendered = renderNotice('coord-alert', ctx.lang, { kind, ...(ctx.caseId && kind !== 'unauthorised-command' ? { caseId: ctx.caseId } : {}), detail: oneLine(detail) });
  return composeForCoordinators(ctx, 'coord-alert', rendered);
}

/** A rendered notice to every coordinator, each encrypted to its own keys (withheld without one). */
export async function composeForCoordinators(
  ctx: Pick<ExecuteContext, 'coordinators' | 'signer' | 'address' | 'domain' | 'lang' | 'now' | 'eventKey'> & { caseId: string | null },
  kind: string,
  rendered: { subject: string; text: string },
): Promise<ComposedNotice[]> {
  const out: ComposedNotice[] = [];
  for (const c of ctx.coordinators) {
    const nid = `<${kind}.${ctx.caseId ?? 'desk'}.${c.email.split('@')[0]!.replace(/[^A-Za-z0-9_-]/g, '_')}.${ctx.eventKey}@${ctx.domain}>`;
    const keys = await usableRecipients(c.armoredKeys, ctx.now);
    if (keys.length === 0) {
      out.push({ id: nid, kind, recipients: [c.email], lang: ctx.lang, raw: null, withheldReason: 'no usable key for the coordinator' });
      continue;
    }
    const raw = await composeEncrypted(
      { from: ctx.address, to: [c.email], caseTag: ctx.caseId, subject: rendered.subject, text: rendered.text, messageId: nid, date: ctx.now },
      ctx.signer,
      keys,
    );
    out.push({ id: nid, kind, recipients: [c.email], lang: ctx.lang, raw });
  }
  return out;
}

/**
 * Stores composed notices in `into` (the open transaction): pending ones are sent by the
 * notify job, withheld ones (no usable key) are kept with empty bytes and never sent.
 */
export async function storeComposed(into: Db, notices: readonly ComposedNotice[], caseId: string | null, messageRef: number | null): Promise<string[]> {
  for (const n of notices) {
    await insertNotice(into, {
      id: n.id,
      caseId,
      messageRef,
      kind: n.kind,
      lang: n.lang,
      recipient: n.recipients.join(', '),
      raw: n.raw ?? Buffer.alloc(0),
      ...(n.raw ? {} : { state: 'withheld' as const }),
      ...(n.afterNotice !== undefined ? { afterNotice: n.afterNotice } : {}),
    });
    if (n.hold && caseId) {
      await insertIdentityHold(into, {
        noticeId: n.id,
        caseId,
        ref: n.hold.ref,
        noticeName: n.hold.noticeName,
        lang: n.lang,
        audience: n.hold.audience,
        party: { vendorId: n.hold.vendorId },
        context: encodeContext(n.hold.context) as Record<string, unknown>,
        hits: n.hold.hits,
      });
    }
  }
  return notices.filter((n) => n.raw).map((n) => n.id);
}
