// Reads the export model (model.ts) of one case from the store.
import { loadCaseForExport } from '../store/case-view.ts';
import type { Db } from '../store/handle.ts';
import { listVendorVulnerabilityStatuses, listVulnerabilities } from '../store/vulnerabilities.ts';
import { NotExportable, vulnerabilityViews, type ExportCase, type VulnerabilityView } from './model.ts';

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

/** The case as the exports see it; NotExportable when there is no such case or no product track. */
export async function loadExportCase(db: Db, id: string): Promise<ExportCase> {
  const row = await loadCaseForExport(db, id);
  if (row === null) throw new NotExportable(`no case ${id}`);
  if (row.snapshot === null) throw new NotExportable(`case ${id} (${row.kind}) has no product track: nothing to export`);
  const report = row.report !== null && typeof row.report === 'object' ? (row.report as Record<string, unknown>) : {};
  const product = report.product !== null && typeof report.product === 'object' ? (report.product as Record<string, unknown>) : {};
  return {
    id: row.id,
    lang: row.lang === 'ja' ? 'ja' : 'en',
    openedAt: row.createdAt,
    product: { name: str(product.name), version: str(product.version) },
    snapshot: row.snapshot,
    vulnerabilities: await listVulnerabilities(db, id),
    statuses: await listVendorVulnerabilityStatuses(db, id),
  };
}

/** The case's vulnerabilities for display (`cases show`, the digest); none for a case without a product track. */
export async function loadVulnerabilityViews(db: Db, id: string): Promise<VulnerabilityView[]> {
  try {
    return vulnerabilityViews(await loadExportCase(db, id));
  } catch (e) {
    if (e instanceof NotExportable) return [];
    throw e;
  }
}
