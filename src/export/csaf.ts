// `madoguchi export csaf CASE` (issue 12): a CSAF 2.0 `csaf_security_advisory` built from the
// export model (model.ts). References are to OASIS CSAF Version 2.0 (csaf-v2.0-os).
//
// - TLP (§3.2.1.5.2, TLP v1 labels only in 2.0: AMBER, GREEN, RED, WHITE): AMBER before
//   publication (the document is for the vendors and partners coordinating the case),
//   WHITE once published. CLEAR exists only from CSAF 2.1.
// - tracking.status (§3.2.1.12.6): `interim` while the case is coordinated, `final` once
//   published. Never `draft`: the document describes the case as it stands.
// - Scores: CSAF 2.0 carries CVSS v2 and v3 only (§3.2.3.11); a v4.0 vector goes into a
//   vulnerability note instead of being dropped or converted.
import { cweName } from '../adapters/csaf-validator.ts';
import type { CaseVendor } from '../rules/product-state.ts';
import type { Vulnerability } from '../store/vulnerabilities.ts';
import { advisoryUrlOf, checkExportable, credit, isPublished, nonEmpty, productName, resolveStatus, scoreOf, type ExportCase, type Publisher, type ResolvedStatus } from './model.ts';

export { scoreOf } from './model.ts';

/** A JSON value as it is written out. */
type Json = Record<string, unknown>;

export interface CsafResult {
  document: Json;
  /** What was left out and why (an unknown CWE, a reporter's CVSS text that does not parse). */
  warnings: string[];
}

const TLP_URL = 'https://www.first.org/tlp/';

/** Ids of the product tree: one affected product per vendor, one per fixed version text. */
interface Products {
  tree: Json;
  affected: Map<string, string>;
  fixed: Map<string, string>;
}

const fixKey = (vendorId: string, versions: string): string => `${vendorId}\u0000${versions}`;

function productTree(c: ExportCase, byVendor: Map<string, ResolvedStatus[]>): Products {
  const affected = new Map<string, string>();
  const fixed = new Map<string, string>();
  const version = nonEmpty(c.product.version);
  let n = 0;
  const branches = c.snapshot.vendors.map((v) => {
    const name = productName(c, v);
    const pid = `CSAFPID-${String(++n).padStart(4, '0')}`;
    affected.set(v.id, pid);
    const reported = version === null ? { category: 'product_name', name, product: { product_id: pid, name } } : { category: 'product_name', name, branches: [versionBranch(version, `${name} ${version}`, pid)] };
    const fixes = [...new Set((byVendor.get(v.id) ?? []).flatMap((s) => (hasFix(s) && s.fixedVersions !== null ? [s.fixedVersions] : [])))];
    const fixBranches = fixes.map((fv) => {
      const fpid = `CSAFPID-${String(++n).padStart(4, '0')}`;
      fixed.set(fixKey(v.id, fv), fpid);
      return { category: 'product_name', name, branches: [versionBranch(fv, `${name} ${fv}`, fpid)] };
    });
    return { category: 'vendor', name: v.name, branches: [reported, ...fixBranches] };
  });
  return { tree: { branches }, affected, fixed };
}

/**
 * A version as written by a reporter or vendor: a single version is `product_version`; text
 * that names a range ("3.2.1 and earlier", "<= 2.0") is `product_version_range` (mandatory
 * test 6.1.31 refuses range words in product_version).
 */
function versionBranch(text: string, fullName: string, pid: string): Json {
  const single = /^v?[0-9A-Za-z][0-9A-Za-z._+-]*$/.test(text) && !/^(all|any|before|prior|earlier|later|through)$/i.test(text);
  return { category: single ? 'product_version' : 'product_version_range', name: text, product: { product_id: pid, name: fullName } };
}

const STATUS_TEXT = {
  en: { fixed: (v: string) => `Fixed in ${v}.`, fixedNoVersion: 'The vendor reports a fix; see its advisory.' },
  ja: { fixed: (v: string) => `${v} で修正されています。`, fixedNoVersion: '製品開発者が修正を報告しています。製品開発者の公表情報を参照してください。' },
} as const;

function involvement(c: ExportCase, v: CaseVendor): { status: string; date: Date | null; summary: string } {
  const published = isPublished(c);
  switch (v.coordination) {
    case 'unnotified':
      return { status: 'not_contacted', date: null, summary: v.name };
    case 'notified':
    case 'reminded':
    case 'unreachable':
      return { status: 'contact_attempted', date: v.lastContactAt ?? v.firstContactAt, summary: v.name };
    case 'answered': {
      const done = published || v.fix === 'not-affected' || v.fix === 'fix-ready' || v.fix === 'fix-deployed';
      return { status: done ? 'completed' : 'in_progress', date: v.lastAnswerAt, summary: v.name };
    }
  }
}

/** Builds the CSAF 2.0 security advisory of a case; throws NotExportable when there is nothing to say. */
export function buildCsaf(c: ExportCase, publisher: Publisher): CsafResult {
  checkExportable(c);
  const warnings: string[] = [];
  const published = isPublished(c);
  const lang = c.lang;
  const text = STATUS_TEXT[lang];
  const resolved = new Map<number, Map<string, ResolvedStatus>>();
  const byVendor = new Map<string, ResolvedStatus[]>();
  for (const vuln of c.vulnerabilities) {
    const m = new Map<string, ResolvedStatus>();
    for (const vendor of c.snapshot.vendors) {
      const s = resolveStatus(c, vuln, vendor);
      m.set(vendor.id, s);
      byVendor.set(vendor.id, [...(byVendor.get(vendor.id) ?? []), s]);
    }
    resolved.set(vuln.number, m);
  }
  const products = productTree(c, byVendor);

  const vulnerabilities = c.vulnerabilities.map((vuln) => vulnerability(c, vuln, resolved.get(vuln.number) ?? new Map<string, ResolvedStatus>(), products, publisher, text, warnings));

  // Mandatory test 6.1.24: two involvements of one party on one date are refused; vendors
  // answering on the same day keep their entry without a date (shared/notes/pitfalls.md).
  const seenDates = new Set<string>();
  const involvements = c.snapshot.vendors.map((v) => {
    const inv = involvement(c, v);
    const date = inv.date?.toISOString() ?? null;
    const keep = date !== null && !seenDates.has(date);
    if (keep) seenDates.add(date);
    return { party: 'vendor', status: inv.status, ...(keep ? { date } : {}), summary: inv.summary };
  });
  const coordinatorDone = published || c.snapshot.rm === 'closed';
  const allInvolvements = [{ party: 'coordinator', status: coordinatorDone ? 'completed' : 'in_progress', summary: publisher.name }, ...involvements];
  for (const v of vulnerabilities) v.involvements = allInvolvements;

  const history = revisionHistory(c, lang);
  const last = history[history.length - 1];
  const first = history[0];
  const url = advisoryUrlOf(publisher, c.id);
  const names = [...new Set(c.snapshot.vendors.map((v) => productName(c, v)))];
  const title = lang === 'ja' ? `${names.join('、')} における脆弱性 (${c.id})` : `Vulnerabilities in ${names.join(', ')} (${c.id})`;
  const count = c.vulnerabilities.length;
  const summary =
    lang === 'ja'
      ? `${names.join('、')} に ${count} 件の脆弱性があります。${published ? '' : 'この文書は公表前の調整のためのものです (TLP:AMBER)。'}`
      : `${count === 1 ? 'One vulnerability has' : `${count} vulnerabilities have`} been reported in ${names.join(', ')}.${published ? '' : ' This document is for coordination before publication (TLP:AMBER).'}`;
  const ack = credit(c);
  const document: Json = {
    category: 'csaf_security_advisory',
    csaf_version: '2.0',
    distribution: { tlp: { label: published ? 'WHITE' : 'AMBER', url: TLP_URL } },
    lang,
    notes: [{ category: 'summary', title: lang === 'ja' ? '概要' : 'Summary', text: summary }],
    publisher: { category: 'coordinator', name: publisher.name, namespace: publisher.namespace },
    ...(url !== null ? { references: [{ category: 'self', summary: lang === 'ja' ? 'この公表情報' : 'This advisory', url }] } : {}),
    ...(ack !== null ? { acknowledgments: [{ names: [ack] }] } : {}),
    title,
    tracking: {
      id: c.id,
      status: published ? 'final' : 'interim',
      version: last?.number ?? '1',
      initial_release_date: first?.date ?? c.openedAt.toISOString(),
      current_release_date: last?.date ?? c.openedAt.toISOString(),
      revision_history: history,
      generator: { engine: { name: 'madoguchi' } },
    },
  };
  return { document: { document, product_tree: products.tree, vulnerabilities }, warnings };
}

/** A vendor's status names a fix: it says fixed, or it is affected and gave the fixed versions. */
function hasFix(s: ResolvedStatus): boolean {
  return s.status === 'fixed' || (s.status === 'affected' && s.fixedVersions !== null);
}
function vulnerability(
  c: ExportCase,
  vuln: Vulnerability,
  statuses: Map<string, ResolvedStatus>,
  products: Products,
  publisher: Publisher,
  text: (typeof STATUS_TEXT)[keyof typeof STATUS_TEXT],
  warnings: string[],
): Json & { involvements?: unknown } {
  const status = { known_affected: [] as string[], known_not_affected: [] as string[], fixed: [] as string[], under_investigation: [] as string[] };
  const remediations: Json[] = [];
  for (const vendor of c.snapshot.vendors) {
    const s = statuses.get(vendor.id);
    const pid = products.affected.get(vendor.id);
    if (!s || pid === undefined) continue;
    switch (s.status) {
      case 'not-affected':
        status.known_not_affected.push(pid);
        break;
      case 'unknown':
        status.under_investigation.push(pid);
        break;
      case 'affected':
      case 'fixed': {
        status.known_affected.push(pid);
        // "Affected, fixed in 1.2.3" (§4 reply: 影響あり with 修正バージョン) names a fix as
        // much as 修正済 does: the partner's CSAF must carry it as the status mail does
        // (issue 12: the advisory and the CSAF say the same thing).
        if (!hasFix(s)) break;
        const fpid = s.fixedVersions === null ? undefined : products.fixed.get(fixKey(vendor.id, s.fixedVersions));
        if (fpid !== undefined) status.fixed.push(fpid);
        remediations.push({
          category: 'vendor_fix',
          details: s.fixedVersions !== null ? text.fixed(s.fixedVersions) : text.fixedNoVersion,
          product_ids: [pid],
          ...(s.advisoryUrl !== null ? { url: s.advisoryUrl } : {}),
        });
        break;
      }
    }
    if (s.workaround !== null && s.status !== 'not-affected') remediations.push({ category: 'workaround', details: s.workaround, product_ids: [pid] });
  }
  const productStatus = Object.fromEntries(Object.entries(status).filter(([, ids]) => ids.length > 0));
  const notes: Json[] = [{ category: 'description', title: c.lang === 'ja' ? '脆弱性の概要' : 'Summary', text: vuln.summary }];
  const scores: Json[] = [];
  const score = scoreOf(vuln, warnings);
  if (score !== null) {
    if (score.version === '3.1') {
      const affectedIds = [...status.known_affected];
      const scoreProducts = affectedIds.length > 0 ? affectedIds : [...products.affected.values()];
      scores.push({ products: scoreProducts, cvss_v3: score.json });
    } else {
      notes.push({ category: 'other', title: 'CVSS v4.0', text: `${score.vector} (${score.baseScore} ${score.baseSeverity})` });
    }
  }
  let cwe: Json | null = null;
  if (vuln.cwe !== null) {
    const name = cweName(vuln.cwe);
    if (name !== null) cwe = { id: vuln.cwe, name };
    else warnings.push(`vulnerability ${vuln.number}: ${vuln.cwe} is not in the CWE catalogue the validator knows; left out`);
  }
  return {
    ...(vuln.cveId !== null ? { cve: vuln.cveId } : {}),
    ...(cwe !== null ? { cwe } : {}),
    ids: [{ system_name: publisher.name, text: `${c.id}#${vuln.number}` }],
    notes,
    ...(Object.keys(productStatus).length > 0 ? { product_status: productStatus } : {}),
    ...(remediations.length > 0 ? { remediations } : {}),
    ...(scores.length > 0 ? { scores } : {}),
    title: c.lang === 'ja' ? `脆弱性 ${vuln.number}` : `Vulnerability ${vuln.number}`,
  };
}

/**
 * One revision per change the document's readers would see: the case opened (version 1),
 * each vendor's latest answer, publication. Ordered by date and numbered 1..n (integer
 * versioning, §3.2.1.12.8; tests 6.1.14, 6.1.21, 6.1.22).
 */
function revisionHistory(c: ExportCase, lang: 'ja' | 'en'): { date: string; number: string; summary: string }[] {
  const entries: { at: Date; summary: string }[] = [{ at: c.openedAt, summary: lang === 'ja' ? '初版' : 'Initial version' }];
  for (const v of c.snapshot.vendors) {
    if (v.lastAnswerAt !== null) entries.push({ at: v.lastAnswerAt, summary: lang === 'ja' ? `${v.name} の回答を反映` : `Status of ${v.name} updated` });
  }
  if (c.snapshot.publishedAt !== null) entries.push({ at: c.snapshot.publishedAt, summary: lang === 'ja' ? '公表' : 'Published' });
  entries.sort((a, b) => a.at.getTime() - b.at.getTime());
  return entries.map((e, i) => ({ date: e.at.toISOString(), number: String(i + 1), summary: e.summary }));
}
