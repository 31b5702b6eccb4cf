// The website rules' notice decisions (src/rules/website.ts) carried out: each becomes a
// stored notice (one module per notice, names and data shapes in
// src/rules/website-notices.ts), composed in the caller's transaction.
//
// Fail closed (guideline §2, §4; issue 11): a notice that must be encrypted goes only to
// exactly the key the decision names (the operator's pinned key), else it is withheld and
// the coordinators are told; the content-free notices (first contact, key reminder) go in
// clear, signed, with the desk's key, and carry nothing of the case. The reporter-identity
// guard reads every operator notice as it does a vendor's.
import { checkRecipientKey, type Recipient } from '../crypto/openpgp.ts';
import { composeForCoordinators, storeComposed, type ComposedNotice } from './execute.ts';
import { checkNotice, describeHits, identityPolicy } from './identity-policy.ts';
import type { ReportForm } from '../domain/inspect.ts';
import { composeEncrypted, composeSignedClear } from '../outbound/compose.ts';
import { renderNotice, type AnyNoticeName } from '../outbound/templates.ts';
import { WEBSITE_NOTICE_NAME } from '../notices/index.ts';
import { VENDOR_STATUSES } from '../notices/website.ts';
import { PERSONAL_DATA_ITEMS, type WebsiteNoticeData } from '../rules/website-notices.ts';
import type { WebsiteCase, WebsiteDecision } from '../rules/website.ts';
import type { Lang } from '../rules/screening.ts';
import type { Db } from '../store/db.ts';
import { getOperator } from '../store/operators.ts';
import { findKeysByEmail } from '../store/repo.ts';
import type { SigningKey } from '../crypto/openpgp.ts';
import type { Settings } from '../rules/product-state.ts';

type CaseRow = { id: string; report: unknown; lang: string; reporterEmail: string | null };

/**
 * What the website track's steps need of the desk: the mail path passes its DeskContext
 * (src/usecases/context.ts), `madoguchi case` builds one from the configuration.
 */
export interface WebsiteDeps {
  clock: () => Date;
  signer: SigningKey;
  address: string;
  domain: string;
  coordinators: { name: string; email: string; armoredKeys: string[] }[];
  settings: Settings;
}

const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim();

/** A website notice rendered by its module (WEBSITE_NOTICE_NAME: the module of each kind). */
function render<K extends keyof WebsiteNoticeData>(kind: K, lang: Lang, data: WebsiteNoticeData[K]): { subject: string; text: string } {
  const name: AnyNoticeName = WEBSITE_NOTICE_NAME[kind];
  return renderNotice(name, lang, data);
}

async function usable(armored: readonly string[], now: Date): Promise<Recipient[]> {
  const out: Recipient[] = [];
  for (const a of armored) {
    const k = await checkRecipientKey(a, now);
    if (k.ok) out.push(k.recipient);
  }
  return out;
}

/** Composes and stores, in `into`, the notices the website decisions ask for; returns their ids. */
export async function websiteNoticesFor(
  ctx: WebsiteDeps,
  into: Db,
  c: CaseRow,
  decisions: readonly WebsiteDecision[],
  after: WebsiteCase,
  eventKey: string,
  messageRef: number | null,
): Promise<string[]> {
  const now = ctx.clock();
  const lang = (c.lang === 'en' ? 'en' : 'ja');
  const report = c.report as ReportForm;
  const siteUrl = oneLine(report.website?.url ?? '').slice(0, 2000);
  const notices: ComposedNotice[] = [];
  const perKind = new Map<string, number>();
  const nidOf = (kind: string, who: string): string => {
    const n = perKind.get(kind) ?? 0;
    perKind.set(kind, n + 1);
    return `<${kind}.${c.id}.${who}.${eventKey}${n === 0 ? '' : `.${String(n + 1)}`}@${ctx.domain}>`;
  };
  const base = { coordinators: ctx.coordinators, signer: ctx.signer, address: ctx.address, domain: ctx.domain, lang: 'ja' as Lang, now, caseId: c.id };
  const toCoordinators = async (kind: keyof WebsiteNoticeData & `coord-${string}`, detail: string): Promise<void> => {
    const n = perKind.get(kind) ?? 0;
    perKind.set(kind, n + 1);
    const op = after.operator;
    const rendered = render(kind, 'ja', { caseId: c.id, detail: oneLine(detail), siteUrl, operatorId: op?.id ?? null, operatorName: op?.name ?? null, fixTarget: after.fixTarget });
    notices.push(...(await composeForCoordinators({ ...base, eventKey: n === 0 ? eventKey : `${eventKey}.${String(n + 1)}` }, kind, rendered)));
  };
  const policy = identityPolicy(report, after, c.reporterEmail);
  const reporterKeys = c.reporterEmail ? await usable((await findKeysByEmail(into, c.reporterEmail)).map((k) => k.armored), now) : [];
  const operator = after.operator ? await getOperator(into, after.operator.id) : null;
  const operatorTo = operator ? [...operator.contacts.to, ...operator.contacts.cc] : [];

  /** To the operator, encrypted to exactly `fingerprint` (its pinned key); withheld otherwise. */
  const toOperatorEncrypted = async <K extends keyof WebsiteNoticeData>(kind: K, fingerprint: string, data: WebsiteNoticeData[K]): Promise<void> => {
    const nid = nidOf(kind, 'operator');
    const pinned = operator?.keys.find((k) => k.fingerprint.toUpperCase() === fingerprint.toUpperCase());
    const keys = pinned ? await usable([pinned.armored], now) : [];
    const why = !operator ? 'the operator is not in the registry' : operatorTo.length === 0 ? 'no contact address' : keys.length === 0 ? 'the key named is not pinned or not usable now' : null;
    if (why !== null) {
      notices.push({ id: nid, kind, recipients: operatorTo, lang, raw: null, withheldReason: why });
      await toCoordinators('coord-operator-no-key', `${after.operator?.id ?? '?'}: ${kind} withheld (${why}); nothing of the case went`);
      return;
    }
    // issue 9 §5: the reporter's identity goes to the operator only with consent, as to a vendor.
    const hits = checkNotice(policy, 'vendor', kind, data);
    if (hits.length > 0) {
      notices.push({ id: nid, kind, recipients: operatorTo, lang, raw: null, withheldReason: `the text contains the reporter's ${describeHits(hits)}` });
      await toCoordinators('coord-operator-no-key', `${after.operator?.id ?? '?'}: ${kind} withheld: it carries the reporter's ${describeHits(hits)} without consent`);
      return;
    }
    const rendered = render(kind, lang, data);
    const raw = await composeEncrypted({ from: ctx.address, to: operatorTo, caseTag: c.id, subject: rendered.subject, text: rendered.text, messageId: nid, date: now }, ctx.signer, keys);
    notices.push({ id: nid, kind, recipients: operatorTo, lang, raw });
  };
  /** Content-free, in clear, signed, with the desk's key: nothing of the case (fail closed). */
  const toOperatorClear = async (kind: 'operator-first-contact' | 'operator-key-reminder', reminder: number | null): Promise<void> => {
    const nid = nidOf(kind, 'operator');
    if (operatorTo.length === 0) {
      notices.push({ id: nid, kind, recipients: [], lang, raw: null, withheldReason: 'no contact address' });
      return;
    }
    const rendered = render(kind, lang, { caseId: c.id, deskKeyFingerprint: ctx.signer.fingerprint, reminder });
    const raw = await composeSignedClear({ from: ctx.address, to: operatorTo, caseTag: c.id, subject: rendered.subject, text: rendered.text, messageId: nid, date: now, attachDeskKey: true }, ctx.signer);
    notices.push({ id: nid, kind, recipients: operatorTo, lang, raw });
  };
  /** To the reporter, encrypted to the reporter's key; withheld without one. */
  const toReporter = async <K extends keyof WebsiteNoticeData>(kind: K, data: WebsiteNoticeData[K]): Promise<void> => {
    if (!c.reporterEmail) return;
    const nid = nidOf(kind, 'reporter');
    if (reporterKeys.length === 0) {
      notices.push({ id: nid, kind, recipients: [c.reporterEmail], lang, raw: null, withheldReason: 'no usable key for the reporter' });
      return;
    }
    const rendered = render(kind, lang, data);
    const raw = await composeEncrypted({ from: ctx.address, to: [c.reporterEmail], caseTag: c.id, subject: rendered.subject, text: rendered.text, messageId: nid, date: now }, ctx.signer, reporterKeys);
    notices.push({ id: nid, kind, recipients: [c.reporterEmail], lang, raw });
  };

  for (const d of decisions) {
    if (d.type === 'notify-coordinators') {
      await toCoordinators(d.notice.kind, d.notice.detail);
    } else if (d.type === 'notify-reporter') {
      const n = d.notice;
      switch (n.kind) {
        case 'reporter-accepted':
          await toReporter(n.kind, { caseId: c.id, siteUrl });
          break;
        case 'reporter-not-accepted':
          await toReporter(n.kind, { caseId: c.id, siteUrl, reason: n.reason });
          break;
        case 'reporter-stopped':
          await toReporter(n.kind, { caseId: c.id, siteUrl, reason: n.reason });
          break;
        case 'reporter-site-fixed':
          await toReporter(n.kind, { caseId: c.id, siteUrl, fixedOn: n.fixedOn });
          break;
        case 'reporter-relay':
          await toReporter(n.kind, { caseId: c.id, text: n.text });
          break;
      }
    } else if (d.type === 'notify-operator') {
      const n = d.notice;
      switch (n.kind) {
        case 'operator-notify': {
          const r = report.reporter ?? {};
          await toOperatorEncrypted(n.kind, n.keyFingerprint, {
            caseId: c.id,
            siteUrl,
            siteName: report.website?.name ? oneLine(report.website.name) : null,
            vulnerabilityType: report.vulnerability?.type ? oneLine(report.vulnerability.type) : null,
            summary: report.vulnerability?.summary ?? '',
            reproduction: report.reproduction ?? '',
            verification: report.verification ?? null,
            impact: report.impact ?? null,
            fixTarget: n.fixTarget,
            replyStatuses: VENDOR_STATUSES,
            contractorConfidentiality: true,
            personalDataItems: PERSONAL_DATA_ITEMS,
            // guideline §2 (資料1 2.(4)): only with the reporter's consent.
            reporter: n.includeReporterIdentity ? { name: oneLine(r.name ?? after.reporter.name), organization: r.organization ? oneLine(r.organization) : null, email: c.reporterEmail } : null,
          });
          break;
        }
        case 'operator-first-contact':
          await toOperatorClear(n.kind, null);
          break;
        case 'operator-key-reminder':
          await toOperatorClear(n.kind, n.n);
          break;
        case 'operator-remind':
          await toOperatorEncrypted(n.kind, n.keyFingerprint, { caseId: c.id, siteUrl, n: n.n, since: n.since, fixTarget: n.fixTarget, replyStatuses: VENDOR_STATUSES });
          break;
        case 'operator-thanks':
          await toOperatorEncrypted(n.kind, n.keyFingerprint, { caseId: c.id, siteUrl });
          break;
        case 'operator-stopped':
          await toOperatorEncrypted(n.kind, n.keyFingerprint, { caseId: c.id, siteUrl, reason: n.reason });
          break;
        case 'operator-relay':
          await toOperatorEncrypted(n.kind, n.keyFingerprint, { caseId: c.id, text: n.text });
          break;
      }
    }
  }
  return storeComposed(into, notices, c.id, messageRef);
}
