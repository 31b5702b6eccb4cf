// issue 12 (migration 020): several vulnerabilities per case, a status per vulnerability per
// vendor, and the implicit vulnerability 1 of a case that has none stored (read from its
// report by the view case_vulnerabilities), on real PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/store/db.ts';
import { createCase } from '../../src/store/repo.ts';
import {
  addVulnerability,
  clearVendorVulnerabilityStatuses,
  copyVendorStatuses,
  findVulnerabilityByCve,
  listVendorVulnerabilityStatuses,
  listVulnerabilities,
  setVendorVulnerabilityStatus,
  setVulnerabilityCve,
} from '../../src/store/vulnerabilities.ts';
import { freshDatabase } from '../support/desk.ts';

let pgdb: Awaited<ReturnType<typeof freshDatabase>>;
let db: Db;

beforeAll(async () => {
  pgdb = await freshDatabase();
  db = await openDb({ databaseUrl: pgdb.url });
}, 60_000);

afterAll(async () => {
  await db?.close();
  await pgdb?.drop();
});

const report = (summary: string, type?: string, cvss?: string): object => ({
  kind: 'product',
  vulnerability: { summary, ...(type !== undefined ? { type } : {}) },
  ...(cvss !== undefined ? { cvss } : {}),
  missing: [],
});

describe('the implicit vulnerability of a case with none stored', () => {
  it('is vulnerability 1 from the report: summary, CWE out of the type text, the CVSS text unscored', async () => {
    await createCase(db, { id: 'VR-2026-0001', kind: 'product', lang: 'ja', report: report('XSS in search', 'クロスサイトスクリプティング (cwe-79)', ' CVSS:3.1/AV:N ') });
    expect(await listVulnerabilities(db, 'VR-2026-0001')).toEqual([
      { caseId: 'VR-2026-0001', number: 1, summary: 'XSS in search', cwe: 'CWE-79', cvss: null, cvssText: 'CVSS:3.1/AV:N', cveId: null, implicit: true },
    ]);
  });
  it('has no CWE when the type names none, and no CWE-0', async () => {
    await createCase(db, { id: 'VR-2026-0002', kind: 'product', lang: 'ja', report: report('s', 'CWE-0 or XCWE-22') });
    const [v] = await listVulnerabilities(db, 'VR-2026-0002');
    expect(v?.cwe).toBeNull();
    expect(v?.cvssText).toBeNull();
  });
  it('does not exist for a report without a summary, nor for an unknown case', async () => {
    await createCase(db, { id: 'VR-2026-0003', kind: 'product', lang: 'ja', report: {} });
    expect(await listVulnerabilities(db, 'VR-2026-0003')).toEqual([]);
    expect(await listVulnerabilities(db, 'VR-2026-9999')).toEqual([]);
  });
});

describe('stored vulnerabilities', () => {
  it('replace the implicit one and are numbered 1, 2, ... within the case', async () => {
    await createCase(db, { id: 'VR-2026-0010', kind: 'product', lang: 'en', report: report('from the report') });
    const a = await addVulnerability(db, 'VR-2026-0010', { summary: 'SQL injection', cwe: 'CWE-89', cvss: { vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', version: '3.1', baseScore: 9.8, severity: 'CRITICAL' } });
    const b = await addVulnerability(db, 'VR-2026-0010', { summary: 'Path traversal' });
    expect([a.number, b.number]).toEqual([1, 2]);
    const list = await listVulnerabilities(db, 'VR-2026-0010');
    expect(list.map((v) => [v.number, v.summary, v.implicit])).toEqual([
      [1, 'SQL injection', false],
      [2, 'Path traversal', false],
    ]);
    expect(list[0]?.cvss).toEqual({ vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', version: '3.1', baseScore: 9.8, severity: 'CRITICAL' });
    expect(await setVulnerabilityCve(db, 'VR-2026-0010', 2, 'CVE-2026-12345')).toBe(true);
    expect(await setVulnerabilityCve(db, 'VR-2026-0010', 3, 'CVE-2026-12346')).toBe(false);
    expect((await listVulnerabilities(db, 'VR-2026-0010'))[1]?.cveId).toBe('CVE-2026-12345');
  });
  it('numbers concurrent additions without a collision', async () => {
    await createCase(db, { id: 'VR-2026-0011', kind: 'product', lang: 'en', report: {} });
    const added = await Promise.all([1, 2, 3, 4].map((i) => addVulnerability(db, 'VR-2026-0011', { summary: `v${i}` })));
    expect(added.map((v) => v.number).sort()).toEqual([1, 2, 3, 4]);
  });
  it('refuse a malformed CWE, CVE id, a vector without its score, and an unknown case', async () => {
    await expect(addVulnerability(db, 'VR-2026-0011', { summary: 's', cwe: '79' })).rejects.toThrow();
    await expect(addVulnerability(db, 'VR-2026-0011', { summary: 's', cveId: 'CVE-26-1' })).rejects.toThrow();
    await expect(db.query("INSERT INTO vulnerabilities (case_id, number, summary, cvss_vector) VALUES ('VR-2026-0011', 9, 's', 'CVSS:3.1/AV:N')")).rejects.toThrow();
    await expect(addVulnerability(db, 'VR-2026-0404', { summary: 's' })).rejects.toThrow();
    await expect(addVulnerability(db, 'VR-2026-0011', { summary: '' })).rejects.toThrow();
  });
});

describe('a status per vulnerability per vendor', () => {
  it('keeps the latest statement of each vendor about each vulnerability', async () => {
    await setVendorVulnerabilityStatus(db, { caseId: 'VR-2026-0010', number: 1, vendorId: 'acme', status: 'affected' });
    await setVendorVulnerabilityStatus(db, { caseId: 'VR-2026-0010', number: 2, vendorId: 'acme', status: 'not-affected' });
    await setVendorVulnerabilityStatus(db, { caseId: 'VR-2026-0010', number: 1, vendorId: 'acme', status: 'fixed', fixedVersions: '2.0.1', advisoryUrl: 'https://acme.example/adv/1' });
    const s = await listVendorVulnerabilityStatuses(db, 'VR-2026-0010');
    expect(s.map((x) => [x.number, x.vendorId, x.status, x.fixedVersions, x.advisoryUrl])).toEqual([
      [1, 'acme', 'fixed', '2.0.1', 'https://acme.example/adv/1'],
      [2, 'acme', 'not-affected', null, null],
    ]);
  });
  it('refuses an unknown status, a non-http advisory URL and a vulnerability that is not stored', async () => {
    await expect(setVendorVulnerabilityStatus(db, { caseId: 'VR-2026-0010', number: 1, vendorId: 'acme', status: 'investigating' as 'unknown' })).rejects.toThrow();
    await expect(setVendorVulnerabilityStatus(db, { caseId: 'VR-2026-0010', number: 1, vendorId: 'acme', status: 'fixed', advisoryUrl: 'javascript:alert(1)' })).rejects.toThrow();
    await expect(setVendorVulnerabilityStatus(db, { caseId: 'VR-2026-0001', number: 1, vendorId: 'acme', status: 'fixed' })).rejects.toThrow();
  });
});

describe('splitting and answering for all (issue 12 commands and vendor replies)', () => {
  it('copies what each vendor said about one vulnerability to another, keeping what the other has already', async () => {
    await setVendorVulnerabilityStatus(db, { caseId: 'VR-2026-0010', number: 1, vendorId: 'beta', status: 'affected' });
    const v = await addVulnerability(db, 'VR-2026-0010', { summary: 'split off vulnerability 1' });
    await setVendorVulnerabilityStatus(db, { caseId: 'VR-2026-0010', number: v.number, vendorId: 'beta', status: 'not-affected' });
    expect(await copyVendorStatuses(db, 'VR-2026-0010', 1, v.number)).toBe(1);
    const s = (await listVendorVulnerabilityStatuses(db, 'VR-2026-0010')).filter((x) => x.number === v.number);
    expect(s.map((x) => [x.vendorId, x.status, x.fixedVersions])).toEqual([
      ['acme', 'fixed', '2.0.1'],
      ['beta', 'not-affected', null],
    ]);
  });
  it("clears one vendor's per-vulnerability statements only", async () => {
    const before = (await listVendorVulnerabilityStatuses(db, 'VR-2026-0010')).filter((x) => x.vendorId === 'beta').length;
    expect(before).toBeGreaterThan(0);
    expect(await clearVendorVulnerabilityStatuses(db, 'VR-2026-0010', 'beta')).toBe(before);
    const after = await listVendorVulnerabilityStatuses(db, 'VR-2026-0010');
    expect(after.some((x) => x.vendorId === 'beta')).toBe(false);
    expect(after.some((x) => x.vendorId === 'acme')).toBe(true);
  });
  it('finds the vulnerability that has a CVE id, in any case', async () => {
    const withCve = (await listVulnerabilities(db, 'VR-2026-0010')).find((x) => x.cveId !== null);
    expect(withCve).toBeDefined();
    expect(await findVulnerabilityByCve(db, withCve!.cveId!)).toEqual({ caseId: 'VR-2026-0010', number: withCve!.number });
    expect(await findVulnerabilityByCve(db, 'CVE-2099-99999')).toBeNull();
  });
});
