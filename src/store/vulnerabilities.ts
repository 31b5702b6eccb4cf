// A case's vulnerabilities and each vendor's status per vulnerability (issue 12; migration
// 020). Reads go through the view case_vulnerabilities, so a case with no stored
// vulnerability still has one: vulnerability 1 from its report (`implicit`).
import type { Db } from './handle.ts';

export type VulnerabilityStatus = 'unknown' | 'affected' | 'not-affected' | 'fixed';
export const VULNERABILITY_STATUSES: readonly VulnerabilityStatus[] = ['unknown', 'affected', 'not-affected', 'fixed'];

export interface StoredCvss {
  vector: string;
  version: '3.1' | '4.0';
  baseScore: number;
  severity: 'NONE' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
}

export interface Vulnerability {
  caseId: string;
  number: number;
  summary: string;
  /** `CWE-n`, or null. */
  cwe: string | null;
  /** Scored when it was stored; null when there is none (or for an implicit one). */
  cvss: StoredCvss | null;
  /**
   * The reporter's CVSS text, unscored: set only for the implicit vulnerability (the view
   * reads it from the report; the exporters score it and leave out what does not parse).
   */
  cvssText: string | null;
  cveId: string | null;
  /** Vulnerability 1 read from the report: the case has no stored vulnerability. */
  implicit: boolean;
}

export interface NewVulnerability {
  summary: string;
  cwe?: string | null;
  /** As src/adapters/cvss.ts scored it: the table refuses a vector without its score. */
  cvss?: StoredCvss | null;
  cveId?: string | null;
}

export interface VendorVulnerabilityStatus {
  caseId: string;
  number: number;
  vendorId: string;
  status: VulnerabilityStatus;
  fixedVersions: string | null;
  advisoryUrl: string | null;
  updatedAt: Date;
}

interface VulnRow {
  case_id: string;
  number: number;
  summary: string;
  cwe_id: string | null;
  cvss_vector: string | null;
  cvss_version: string | null;
  cvss_score: string | number | null;
  cvss_severity: string | null;
  cve_id: string | null;
  implicit: boolean;
}

function toVulnerability(r: VulnRow): Vulnerability {
  const scored = !r.implicit && r.cvss_vector !== null && r.cvss_version !== null && r.cvss_score !== null && r.cvss_severity !== null;
  return {
    caseId: r.case_id,
    number: Number(r.number),
    summary: r.summary,
    cwe: r.cwe_id,
    cvss: scored
      ? { vector: r.cvss_vector ?? '', version: r.cvss_version as StoredCvss['version'], baseScore: Number(r.cvss_score), severity: r.cvss_severity as StoredCvss['severity'] }
      : null,
    cvssText: r.implicit ? r.cvss_vector : null,
    cveId: r.cve_id,
    implicit: r.implicit,
  };
}

/** The case's vulnerabilities by number; empty when the case does not exist or its report has no summary. */
export async function listVulnerabilities(db: Db, caseId: string): Promise<Vulnerability[]> {
  const rows = await db.query<VulnRow>('SELECT * FROM case_vulnerabilities WHERE case_id = $1 ORDER BY number', [caseId]);
  return rows.map(toVulnerability);
}

/**
 * Adds a vulnerability with the next number. The first one stored for a case that had
 * only its implicit vulnerability 1 replaces it: the caller stores vulnerability 1 (from
 * the report, corrected as it sees fit) before adding a second.
 */
export async function addVulnerability(db: Db, caseId: string, v: NewVulnerability): Promise<Vulnerability> {
  return db.tx(async (t) => {
    // Serialises numbering per case: two adds at once would otherwise take the same number.
    await t.query('SELECT id FROM cases WHERE id = $1 FOR UPDATE', [caseId]);
    const rows = await t.query<VulnRow>(
      `INSERT INTO vulnerabilities (case_id, number, summary, cwe_id, cvss_vector, cvss_version, cvss_score, cvss_severity, cve_id)
       SELECT $1, coalesce(max(number), 0) + 1, $2, $3, $4, $5, $6, $7, $8 FROM vulnerabilities WHERE case_id = $1
       RETURNING *, false AS implicit`,
      [caseId, v.summary, v.cwe ?? null, v.cvss?.vector ?? null, v.cvss?.version ?? null, v.cvss?.baseScore ?? null, v.cvss?.severity ?? null, v.cveId ?? null],
    );
    const [r] = rows;
    if (!r) throw new Error(`vulnerability of ${caseId} not stored`);
    return toVulnerability(r);
  });
}

/** Assigns (or corrects) a stored vulnerability's CVE id. False when there is no such vulnerability. */
export async function setVulnerabilityCve(db: Db, caseId: string, number: number, cveId: string | null): Promise<boolean> {
  const rows = await db.query('UPDATE vulnerabilities SET cve_id = $3, updated_at = now() WHERE case_id = $1 AND number = $2 RETURNING number', [caseId, number, cveId]);
  return rows.length === 1;
}

/** Records what a vendor said about one stored vulnerability (the latest statement wins). */
export async function setVendorVulnerabilityStatus(
  db: Db,
  s: { caseId: string; number: number; vendorId: string; status: VulnerabilityStatus; fixedVersions?: string | null; advisoryUrl?: string | null },
): Promise<VendorVulnerabilityStatus> {
  const rows = await db.query<StatusRow>(
    `INSERT INTO vulnerability_vendor_status (case_id, number, vendor_id, status, fixed_versions, advisory_url)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (case_id, number, vendor_id) DO UPDATE
       SET status = EXCLUDED.status, fixed_versions = EXCLUDED.fixed_versions, advisory_url = EXCLUDED.advisory_url, updated_at = now()
     RETURNING *`,
    [s.caseId, s.number, s.vendorId, s.status, s.fixedVersions ?? null, s.advisoryUrl ?? null],
  );
  const [r] = rows;
  if (!r) throw new Error(`status of ${s.caseId} #${s.number} not stored`);
  return toStatus(r);
}

interface StatusRow {
  case_id: string;
  number: number;
  vendor_id: string;
  status: VulnerabilityStatus;
  fixed_versions: string | null;
  advisory_url: string | null;
  updated_at: Date | string;
}

function toStatus(r: StatusRow): VendorVulnerabilityStatus {
  return {
    caseId: r.case_id,
    number: Number(r.number),
    vendorId: r.vendor_id,
    status: r.status,
    fixedVersions: r.fixed_versions,
    advisoryUrl: r.advisory_url,
    updatedAt: new Date(r.updated_at),
  };
}

/** Every per-vulnerability vendor status of the case, by number then vendor. */
export async function listVendorVulnerabilityStatuses(db: Db, caseId: string): Promise<VendorVulnerabilityStatus[]> {
  const rows = await db.query<StatusRow>('SELECT * FROM vulnerability_vendor_status WHERE case_id = $1 ORDER BY number, vendor_id', [caseId]);
  return rows.map(toStatus);
}

/** The stored vulnerability that has this CVE id, in any case (a CVE id names one vulnerability); null when none. */
export async function findVulnerabilityByCve(db: Db, cveId: string): Promise<{ caseId: string; number: number } | null> {
  const rows = await db.query<{ case_id: string; number: number }>('SELECT case_id, number FROM vulnerabilities WHERE cve_id = $1', [cveId]);
  const [r] = rows;
  return r ? { caseId: r.case_id, number: Number(r.number) } : null;
}

/** What each vendor said about vulnerability `from`, said about `to` too (a split, issue 12). */
export async function copyVendorStatuses(db: Db, caseId: string, from: number, to: number): Promise<number> {
  const rows = await db.query(
    `INSERT INTO vulnerability_vendor_status (case_id, number, vendor_id, status, fixed_versions, advisory_url, updated_at)
     SELECT case_id, $3, vendor_id, status, fixed_versions, advisory_url, updated_at FROM vulnerability_vendor_status
      WHERE case_id = $1 AND number = $2
     ON CONFLICT (case_id, number, vendor_id) DO NOTHING
     RETURNING vendor_id`,
    [caseId, from, to],
  );
  return rows.length;
}

/** Forgets a vendor's per-vulnerability statements of a case (its answer for all of them came since). */
export async function clearVendorVulnerabilityStatuses(db: Db, caseId: string, vendorId: string): Promise<number> {
  const rows = await db.query('DELETE FROM vulnerability_vendor_status WHERE case_id = $1 AND vendor_id = $2 RETURNING number', [caseId, vendorId]);
  return rows.length;
}

/** The cases that have stored vulnerabilities (not only the one their report describes). */
export async function casesWithStoredVulnerabilities(db: Db): Promise<string[]> {
  const rows = await db.query<{ case_id: string }>('SELECT DISTINCT case_id FROM vulnerabilities ORDER BY case_id');
  return rows.map((r) => r.case_id);
}
