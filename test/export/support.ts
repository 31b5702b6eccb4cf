// Export models (src/export/model.ts) for the export tests: from a product-track snapshot
// (a scenario's, or one built by hand) plus vulnerabilities and per-vulnerability statuses.
import type { ExportCase, Publisher } from '../../src/export/model.ts';
import type { ProductCase } from '../../src/rules/product-state.ts';
import type { VendorVulnerabilityStatus, Vulnerability } from '../../src/store/vulnerabilities.ts';

export const PUBLISHER: Publisher = { name: 'madoguchi test desk', namespace: 'https://desk.example', advisoryUrl: 'https://desk.example/advisories/{case}' };

/** The reporter's confidential text: must never reach an export (guideline §2). */
export const REPORTER_NAME = '山田 太郎';

export function vuln(number: number, v: Partial<Vulnerability> = {}): Vulnerability {
  return { caseId: 'VR-2026-0001', number, summary: `Summary of vulnerability ${number}`, cwe: null, cvss: null, cvssText: null, cveId: null, implicit: false, ...v };
}

export function status(number: number, vendorId: string, s: VendorVulnerabilityStatus['status'], more: Partial<VendorVulnerabilityStatus> = {}): VendorVulnerabilityStatus {
  return { caseId: 'VR-2026-0001', number, vendorId, status: s, fixedVersions: null, advisoryUrl: null, updatedAt: new Date('2026-01-20T00:00:00Z'), ...more };
}

export function exportCase(snapshot: ProductCase, more: Partial<ExportCase> = {}): ExportCase {
  return {
    id: snapshot.id,
    lang: 'en',
    openedAt: new Date('2026-01-04T03:00:00Z'),
    product: { name: 'ExampleCMS', version: '3.2.1' },
    snapshot,
    vulnerabilities: [vuln(1, { implicit: true, cwe: 'CWE-79', cvssText: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N' })],
    statuses: [],
    ...more,
  };
}
