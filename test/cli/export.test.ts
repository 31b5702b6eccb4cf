// `madoguchi export csaf|cve CASE` through the bin script, on PostgreSQL (issue 12): JSON on
// stdout that validates; an unknown or unexportable case is one line on stderr and exit 1;
// every export is logged as a read of the case.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Each case spawns the bin (a cold Node start); on a loaded machine that takes seconds.
const SLOW = 180_000;
import { validateCsaf } from '../../src/adapters/csaf-validator.ts';
import { applyEvent, saveSnapshot } from '../../src/desk/coordination.ts';
import { newProductCase, type ProductEvent } from '../../src/rules/product.ts';
import { openDb, type Db } from '../../src/store/db.ts';
import { createCase, listTimeline } from '../../src/store/repo.ts';
import { addVulnerability, setVendorVulnerabilityStatus } from '../../src/store/vulnerabilities.ts';
import { deskCliAsync, freshDatabase } from '../support/desk.ts';

const SCHEMA = '/work/shared/standards/cve/CVE_Record_Format_bundled.json';
let pg: Awaited<ReturnType<typeof freshDatabase>>;
let store: Db;
// Asynchronous: a CSAF export loads the validator in the child for seconds, and a worker
// blocked in spawnSync past vitest's 60 s RPC timeout fails the whole run.
const run = (args: string[], env: Record<string, string> = {}) =>
  deskCliAsync(() => ({ DATABASE_URL: pg.url, MADOGUCHI_CSAF_NAMESPACE: 'https://desk.example', MADOGUCHI_ADVISORY_URL: 'https://desk.example/adv/{case}', ...env }))(['export', ...args]);

const ACME = { id: 'acme', name: 'ACME Corporation', product: 'ACME Router' };
const BETA = { id: 'beta', name: 'Beta Soft', product: 'Beta CMS' };
const reporter = { name: '山田 太郎', consent: { shareIdentity: false, directContact: false, credit: false } };
const REPORT = { kind: 'product', product: { name: 'ACME Router', version: '1.0' }, vulnerability: { summary: 'Stored XSS in the admin page', type: 'CWE-79' }, cvss: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', reproduction: 'SECRET-STEPS', verification: 'SECRET-POC', missing: [] };

async function productCase(id: string, steps: ProductEvent[], rm: 'accepted' | 'received' = 'accepted'): Promise<void> {
  await createCase(store, { id, kind: 'product', state: 'accepted', lang: 'en', report: REPORT, reporterEmail: 'taro@reporter.test' });
  await saveSnapshot(store, newProductCase({ id, reporter, rm }));
  const t0 = Date.now() - 3 * 86_400_000;
  for (const [i, e] of steps.entries()) await applyEvent(store, id, e, new Date(t0 + i * 3_600_000), 'coordinator:sato');
}

beforeAll(async () => {
  pg = await freshDatabase();
  store = await openDb({ databaseUrl: pg.url });
  // One implicit vulnerability from the report; acme affected, beta silent.
  await productCase('VR-2026-0001', [
    { type: 'add-vendor', vendor: ACME },
    { type: 'add-vendor', vendor: BETA },
    { type: 'vendor-reply', vendorId: 'acme', reply: { status: 'affected' } },
  ]);
  // Two stored vulnerabilities with CVE ids and mixed statuses.
  await productCase('VR-2026-0002', [
    { type: 'add-vendor', vendor: ACME },
    { type: 'add-vendor', vendor: BETA },
    { type: 'vendor-reply', vendorId: 'beta', reply: { status: 'investigating' } },
  ]);
  await addVulnerability(store, 'VR-2026-0002', { summary: 'SQL injection in login', cwe: 'CWE-89', cveId: 'CVE-2026-11111', cvss: { vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', version: '3.1', baseScore: 9.8, severity: 'CRITICAL' } });
  await addVulnerability(store, 'VR-2026-0002', { summary: 'Path traversal in export', cwe: 'CWE-22', cveId: 'CVE-2026-11112' });
  await setVendorVulnerabilityStatus(store, { caseId: 'VR-2026-0002', number: 1, vendorId: 'acme', status: 'fixed', fixedVersions: '1.0.1', advisoryUrl: 'https://acme.example/sa' });
  await setVendorVulnerabilityStatus(store, { caseId: 'VR-2026-0002', number: 2, vendorId: 'acme', status: 'not-affected' });
  // Not accepted yet.
  await productCase('VR-2026-0003', [], 'received');
}, 120_000);

afterAll(async () => {
  await store?.close();
  await pg?.drop();
});

describe('export csaf', () => {
  it('prints a valid CSAF document of the case, without the reporter or the verification method, and logs the read', async () => {
    const r = await run(['csaf', 'VR-2026-0001', '--actor', 'coordinator:sato']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as { document: { tracking: { status: string }; distribution: { tlp: { label: string } } }; vulnerabilities: { cwe?: { id: string }; product_status: unknown }[] };
    expect((await validateCsaf(doc)).errors).toEqual([]);
    expect(doc.document.tracking.status).toBe('interim');
    expect(doc.document.distribution.tlp.label).toBe('AMBER');
    expect(doc.vulnerabilities).toHaveLength(1);
    expect(doc.vulnerabilities[0]?.cwe?.id).toBe('CWE-79');
    expect(doc.vulnerabilities[0]?.product_status).toEqual({ known_affected: ['CSAFPID-0001'], under_investigation: ['CSAFPID-0002'] });
    for (const secret of ['山田', 'taro@reporter.test', 'SECRET-STEPS', 'SECRET-POC']) expect(r.stdout).not.toContain(secret);
    const reads = (await listTimeline(store, 'VR-2026-0001')).filter((t) => t.event === 'case-read');
    expect(reads.map((t) => [t.actor, t.data])).toEqual([['coordinator:sato', { via: 'cli', export: 'csaf' }]]);
  }, SLOW);

  it('two vulnerabilities with mixed statuses', async () => {
    const r = await run(['csaf', 'VR-2026-0002']);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as { vulnerabilities: { cve: string; product_status: unknown }[] };
    expect((await validateCsaf(doc)).valid).toBe(true);
    expect(doc.vulnerabilities.map((v) => [v.cve, v.product_status])).toEqual([
      ['CVE-2026-11111', { known_affected: ['CSAFPID-0001'], fixed: ['CSAFPID-0002'], under_investigation: ['CSAFPID-0003'] }],
      ['CVE-2026-11112', { known_not_affected: ['CSAFPID-0001'], under_investigation: ['CSAFPID-0003'] }],
    ]);
  }, SLOW);

  it('an unknown case and a case not accepted: one line, exit 1, nothing on stdout', async () => {
    for (const [id, msg] of [
      ['VR-2026-0404', 'madoguchi export csaf: no case VR-2026-0404\n'],
      ['VR-2026-0003', 'madoguchi export csaf: case VR-2026-0003 is not accepted (received): nothing to export\n'],
    ] as const) {
      const r = await run(['csaf', id]);
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(msg);
    }
  }, SLOW);
});

describe('export cve', () => {
  const env = { MADOGUCHI_CVE_ORG_ID: '8254265b-2729-46b6-b9e3-3dfca2d5bfca' };
  it('prints one schema-valid record per CVE id (checked by --schema too)', async () => {
    const r = await run(['cve', 'VR-2026-0002', '--schema', SCHEMA], env);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const records = JSON.parse(r.stdout) as { cveMetadata: { cveId: string } }[];
    expect(records.map((x) => x.cveMetadata.cveId)).toEqual(['CVE-2026-11111', 'CVE-2026-11112']);
  }, SLOW);
  it('refuses without a CVE id, without a CNA orgId, and with an unreadable schema', async () => {
    expect(await run(['cve', 'VR-2026-0001'], env)).toMatchObject({ status: 1, stdout: '', stderr: 'madoguchi export cve: case VR-2026-0001 has no vulnerability with a CVE id\n' });
    expect(await run(['cve', 'VR-2026-0002'])).toMatchObject({ status: 1, stdout: '', stderr: 'madoguchi export cve: no CNA orgId configured (exports.cveOrgId, MADOGUCHI_CVE_ORG_ID)\n' });
    const bad = await run(['cve', 'VR-2026-0002', '--schema', '/nonexistent/schema.json'], env);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^madoguchi export cve: cannot read the CVE schema \/nonexistent\/schema\.json: .*\n$/);
  }, SLOW);
});
