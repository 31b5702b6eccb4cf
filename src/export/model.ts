// What the machine-readable advisories (CSAF 2.0, CVE JSON 5; issue 12) are built from: one
// case, its vulnerabilities and what each vendor said about each. Pure: the loader
// (load.ts) reads it from the store, the tests build it by hand or from the rules'
// scenarios, and csaf.ts / cve.ts turn the same model into each format (one source).
//
// guideline §2 (information classes): only summary-class information goes out: the
// vulnerability's summary, type and score, product and vendor names, statuses, fixes,
// workarounds, dates. Never the reproduction steps or the verification (attack) method,
// and the reporter's name only where the reporter asked for credit (see `credit`).
import { scoreCvss, type CvssScore } from '../adapters/cvss.ts';
import { advisoryStatus, creditOf } from '../rules/product.ts';
import type { CaseVendor, ProductCase } from '../rules/product-state.ts';
import type { VendorVulnerabilityStatus, Vulnerability, VulnerabilityStatus } from '../store/vulnerabilities.ts';

export interface ExportCase {
  id: string;
  lang: 'ja' | 'en';
  openedAt: Date;
  /** The product as the report names it (mail-protocol §2 product.name / product.version). */
  product: { name: string | null; version: string | null };
  snapshot: ProductCase;
  vulnerabilities: Vulnerability[];
  statuses: VendorVulnerabilityStatus[];
}

/** Who the desk is in an export (config `desk.name`, `exports.*`). */
export interface Publisher {
  name: string;
  /** CSAF publisher namespace: the desk organisation's URL. */
  namespace: string;
  /** The desk's advisory page for a case (`{case}` replaced), or null. */
  advisoryUrl: string | null;
}

/** Why a case cannot be exported: one line, for the command line. */
export class NotExportable extends Error {
  override name = 'NotExportable';
}

/** Refuses what has nothing to export (the caller prints the reason). */
export function checkExportable(c: ExportCase): void {
  const rm = c.snapshot.rm;
  if (rm !== 'accepted' && rm !== 'closed') throw new NotExportable(`case ${c.id} is not accepted (${rm}): nothing to export`);
  if (c.vulnerabilities.length === 0) throw new NotExportable(`case ${c.id} has no vulnerability (its report has no summary)`);
  if (c.snapshot.vendors.length === 0) throw new NotExportable(`case ${c.id} has no vendor: there is no product to name`);
}

export interface ResolvedStatus {
  status: VulnerabilityStatus;
  fixedVersions: string | null;
  advisoryUrl: string | null;
  workaround: string | null;
}

/**
 * What one vendor said about one vulnerability: its statement for that vulnerability when
 * there is one, else its last §4 answer for the case, which a vendor gives without naming a
 * vulnerability and so stands for each (docs/decisions.md, issue 12).
 */
export function resolveStatus(c: ExportCase, v: Vulnerability, vendor: CaseVendor): ResolvedStatus {
  const own = c.statuses.find((s) => s.number === v.number && s.vendorId === vendor.id);
  const workaround = nonEmpty(vendor.workaround);
  if (own) return { status: own.status, fixedVersions: nonEmpty(own.fixedVersions), advisoryUrl: nonEmpty(own.advisoryUrl), workaround };
  const st = advisoryStatus(vendor);
  return {
    status: st,
    // An affected vendor's fixed versions are a fix too ("affected, fixed in 1.2.3"; issue 12).
    fixedVersions: st === 'fixed' || st === 'affected' ? nonEmpty(vendor.fixedVersions) : null,
    advisoryUrl: nonEmpty(vendor.advisoryUrl),
    workaround,
  };
}

/** A vendor's product name: as the desk recorded it for the vendor, else as reported. */
export function productName(c: ExportCase, vendor: CaseVendor): string {
  return nonEmpty(vendor.product) ?? nonEmpty(c.product.name) ?? (c.lang === 'ja' ? `${vendor.name} の製品` : `product of ${vendor.name}`);
}

/** Published: the case's public date has come (guideline §3.13). */
export function isPublished(c: ExportCase): boolean {
  return c.snapshot.publishedAt !== null;
}

/**
 * The name to credit, only once published and only when the reporter asked for credit
 * (資料2 III.4.7; mail-protocol §2 consent.credit). Before publication the documents go to
 * vendors and partners, who get the reporter's identity by consent.shareIdentity in the
 * notice itself, never through an export.
 */
export function credit(c: ExportCase): string | null {
  return isPublished(c) ? creditOf(c.snapshot) : null;
}

export function advisoryUrlOf(p: Publisher, caseId: string): string | null {
  return p.advisoryUrl === null ? null : p.advisoryUrl.replaceAll('{case}', encodeURIComponent(caseId));
}

export function nonEmpty(s: string | null | undefined): string | null {
  const t = (s ?? '').trim();
  return t === '' ? null : t;
}

/**
 * The versions a vendor's statement names as the fix: with "fixed", and with "affected" too
 * ("affected, fixed in 1.2.3": a §4 reply 影響あり with 修正バージョン, mail-protocol §4), as
 * the CSAF document counts it (csaf.ts `hasFix`); never with "not affected" or "unknown". Every
 * text built from the model (advisory, `cases show`, CVE records) takes the fix from here, so
 * none of them drops what the CSAF document carries (issue 12 "one source").
 */
export function fixedIn(s: { status: VulnerabilityStatus; fixedVersions: string | null }): string | null {
  return s.status === 'fixed' || s.status === 'affected' ? s.fixedVersions : null;
}


/** The stored score, or the implicit vulnerability's reporter text scored now (left out, with a warning, when it does not parse). */
export function scoreOf(vuln: Vulnerability, warnings: string[]): CvssScore | null {
  const vector = vuln.cvss?.vector ?? vuln.cvssText;
  if (vector === null) return null;
  const r = scoreCvss(vector);
  if (r.ok) return r.score;
  warnings.push(`vulnerability ${vuln.number}: CVSS left out: ${r.error}`);
  return null;
}

// ---- the facts every published text takes from the model (issue 12 "one source") --------

/** One vendor's statement about one vulnerability, as every document gives it. */
export interface VendorFact extends ResolvedStatus {
  vendorId: string;
  vendorName: string;
  product: string;
}

/** One vulnerability as the advisory, the notices and the CSAF document give it. */
export interface VulnerabilityFact {
  number: number;
  summary: string;
  cwe: string | null;
  cve: string | null;
  score: CvssScore | null;
  vendors: VendorFact[];
}

/**
 * Each vulnerability with its score and each vendor's status for it (resolveStatus): what
 * the advisory text (src/desk/execute.ts) and the CSAF document (csaf.ts) both say.
 * `vendorIds`: only these vendors (the advisory's), in this order; default every vendor.
 */
export function vulnerabilityFacts(c: ExportCase, warnings: string[] = [], vendorIds?: readonly string[]): VulnerabilityFact[] {
  const vendors = vendorIds === undefined ? c.snapshot.vendors : vendorIds.flatMap((id) => c.snapshot.vendors.filter((v) => v.id === id));
  return c.vulnerabilities.map((v) => ({
    number: v.number,
    summary: v.summary,
    cwe: v.cwe,
    cve: v.cveId,
    score: scoreOf(v, warnings),
    vendors: vendors.map((vendor) => ({ vendorId: vendor.id, vendorName: vendor.name, product: productName(c, vendor), ...resolveStatus(c, v, vendor) })),
  }));
}

/**
 * A vendor's status over all the case's vulnerabilities (the advisory's vendor list):
 * affected while any is affected, else fixed when any is fixed, not affected when none is,
 * else unknown; its fixed versions are every vulnerability's fix (fixedIn), once each.
 */
export function vendorOverall(facts: readonly VulnerabilityFact[], vendorId: string): { status: VulnerabilityStatus; fixedVersions: string | null } {
  const each = facts.flatMap((f) => f.vendors.filter((v) => v.vendorId === vendorId));
  const statuses = each.map((v) => v.status);
  const status: VulnerabilityStatus = statuses.includes('affected') ? 'affected' : statuses.includes('fixed') ? 'fixed' : statuses.length > 0 && statuses.every((s) => s === 'not-affected') ? 'not-affected' : 'unknown';
  const fixed = [...new Set(each.flatMap((v) => fixedIn(v) ?? []))];
  return { status, fixedVersions: fixed.length > 0 ? fixed.join(', ') : null };
}

/** `9.8 CRITICAL (CVSS:3.1/AV:N/...)`: a score as the texts show it. */
export function scoreLine(s: CvssScore): string {
  return `${s.baseScore.toFixed(1)} ${s.baseSeverity} (${s.vector})`;
}

/** One vulnerability as `cases show --json` and the digest give it (no text beyond the summary). */
export interface VulnerabilityView {
  number: number;
  summary: string;
  cwe: string | null;
  cve: string | null;
  cvss: { vector: string; version: '3.1' | '4.0'; baseScore: number; severity: string } | null;
  /** True while the case has no stored vulnerability: this one is read from the report. */
  fromReport: boolean;
  vendors: { id: string; name: string; status: VulnerabilityStatus; fixedVersions: string | null }[];
}

/** The case's vulnerabilities with each vendor's status (vulnerabilityFacts), for display. */
export function vulnerabilityViews(c: ExportCase): VulnerabilityView[] {
  const facts = vulnerabilityFacts(c);
  return facts.map((f, i) => ({
    number: f.number,
    summary: f.summary,
    cwe: f.cwe,
    cve: f.cve,
    cvss: f.score === null ? null : { vector: f.score.vector, version: f.score.version, baseScore: f.score.baseScore, severity: f.score.baseSeverity },
    fromReport: c.vulnerabilities[i]?.implicit === true,
    vendors: f.vendors.map((v) => ({ id: v.vendorId, name: v.vendorName, status: v.status, fixedVersions: fixedIn(v) })),
  }));
}
