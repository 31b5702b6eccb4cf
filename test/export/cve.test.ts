// issue 12: `export cve` gives one CVE JSON 5 record per vulnerability with a CVE id, valid
// against the official CVE Record Format 5.1 schema (shared/standards/cve) with ajv.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileSchema } from '../../src/adapters/ajv.ts';
import { buildCveRecords } from '../../src/export/cve.ts';
import { newVendor, type CaseVendor, type ProductCase } from '../../src/rules/product-state.ts';
import { ACME, BETA, newCase } from '../rules/product-support.ts';
import { exportCase, PUBLISHER, REPORTER_NAME, status, vuln } from './support.ts';

const SCHEMA = JSON.parse(readFileSync('/work/shared/standards/cve/CVE_Record_Format_bundled.json', 'utf8')) as object;
const validate = compileSchema(SCHEMA);
const CNA = { orgId: '8254265b-2729-46b6-b9e3-3dfca2d5bfca', shortName: 'madoguchi' };
const at = (s: string): Date => new Date(s);

function answered(ref: typeof ACME, more: Partial<CaseVendor>): CaseVendor {
  return { ...newVendor(ref), coordination: 'answered', firstContactAt: at('2026-01-05T01:00:00Z'), lastAnswerAt: at('2026-01-08T02:00:00Z'), ...more };
}
function coordinated(vendors: CaseVendor[], more: Partial<ProductCase> = {}): ProductCase {
  return { ...newCase({}), em: 'active', publication: { proposed: null, proposedBy: null, agreed: '2026-02-10' }, vendors, ...more };
}

type Rec = { cveMetadata: { cveId: string; datePublished?: string }; containers: { cna: { descriptions: { lang: string; value: string }[]; affected: { vendor: string; versions?: { version: string; status: string }[]; defaultStatus?: string }[]; metrics?: Record<string, { baseScore: number }>[]; problemTypes?: unknown[]; credits?: unknown[]; references: { url: string }[]; solutions?: unknown[] } } };

function ok(r: unknown): void {
  const v = validate(r);
  expect(v.valid ? [] : v.errors).toEqual([]);
}

const TWO = {
  vulnerabilities: [
    vuln(1, { cwe: 'CWE-89', cveId: 'CVE-2026-10001', cvss: { vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', version: '3.1' as const, baseScore: 9.8, severity: 'CRITICAL' as const } }),
    vuln(2, { cwe: 'CWE-22', cveId: 'CVE-2026-10002', cvss: { vector: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', version: '4.0' as const, baseScore: 9.3, severity: 'CRITICAL' as const } }),
    vuln(3),
  ],
  statuses: [status(1, 'acme', 'fixed', { fixedVersions: '1.0.1', advisoryUrl: 'https://acme.example/sa/1' }), status(2, 'acme', 'not-affected'), status(2, 'beta', 'affected')],
};

describe('CVE records', () => {
  it('one per vulnerability with a CVE id, each valid, with its own statuses and scores', () => {
    const ec = exportCase(coordinated([answered(ACME, { fix: 'vendor-aware', status: 'affected' }), answered(BETA, { fix: 'vendor-aware', status: 'investigating' })]), TWO);
    const { records, warnings } = buildCveRecords(ec, PUBLISHER, CNA);
    expect(warnings).toEqual([]);
    expect(records).toHaveLength(2);
    for (const r of records) ok(r);
    const [r1, r2] = records as Rec[];
    expect(r1?.cveMetadata.cveId).toBe('CVE-2026-10001');
    expect(r1?.containers.cna.affected.map((a) => [a.vendor, a.versions])).toEqual([
      ['Acme Corp', [{ version: '3.2.1', status: 'affected' }, { version: '1.0.1', status: 'unaffected' }]],
      ['Beta Soft', [{ version: '3.2.1', status: 'unknown' }]],
    ]);
    expect(r1?.containers.cna.metrics?.[0]?.cvssV3_1?.baseScore).toBe(9.8);
    expect(r1?.containers.cna.references.map((x) => x.url)).toEqual(['https://acme.example/sa/1', 'https://desk.example/advisories/VR-2026-0001']);
    expect(r2?.containers.cna.affected.map((a) => a.versions?.[0]?.status)).toEqual(['unaffected', 'affected']);
    expect(r2?.containers.cna.metrics?.[0]?.cvssV4_0?.baseScore).toBe(9.3);
    expect(r1?.cveMetadata.datePublished).toBeUndefined();
    expect(JSON.stringify(records)).not.toContain(REPORTER_NAME);
  });

  it('a published Japanese case: an English description besides the Japanese one, the date, credit with consent', () => {
    const snap = coordinated([answered(ACME, { fix: 'fix-deployed', status: 'fixed', fixedVersions: '3.2.2' })], {
      publishedAt: at('2026-02-09T15:00:00Z'),
      reporter: { name: REPORTER_NAME, consent: { shareIdentity: false, directContact: false, credit: true, creditName: 'Taro Y.' } },
    });
    const ec = exportCase(snap, { lang: 'ja', product: { name: 'ExampleCMS', version: '3.2.1 およびそれ以前' }, vulnerabilities: [vuln(1, { summary: '検索欄にクロスサイトスクリプティング', cwe: 'CWE-79', cveId: 'CVE-2026-20001' })] });
    const [r] = buildCveRecords(ec, PUBLISHER, CNA).records as Rec[];
    ok(r);
    expect(r?.containers.cna.descriptions).toEqual([
      { lang: 'ja', value: '検索欄にクロスサイトスクリプティング' },
      { lang: 'en', value: "Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting') (CWE-79) in Acme Router 1.0 (Acme Corp)." },
    ]);
    expect(r?.cveMetadata.datePublished).toBe('2026-02-09T15:00:00.000Z');
    expect(r?.containers.cna.credits).toEqual([{ lang: 'ja', value: 'Taro Y.', type: 'finder' }]);
  });

  it('no version reported: the status is the product default', () => {
    const ec = exportCase(coordinated([answered(ACME, { fix: 'not-affected', status: 'not-affected' })]), { product: { name: null, version: null }, vulnerabilities: [vuln(1, { cveId: 'CVE-2026-30001' })] });
    const [r] = buildCveRecords(ec, PUBLISHER, { orgId: CNA.orgId, shortName: null }).records as Rec[];
    ok(r);
    expect(r?.containers.cna.affected).toEqual([{ vendor: 'Acme Corp', product: 'Acme Router 1.0', defaultStatus: 'unaffected' }]);
  });

  it('refuses a case without a CVE id, and a record with no reference URL at all', () => {
    const ec = exportCase(coordinated([answered(ACME, { fix: 'vendor-aware', status: 'affected' })]));
    expect(() => buildCveRecords(ec, PUBLISHER, CNA)).toThrow(/has no vulnerability with a CVE id/);
    const withCve = exportCase(ec.snapshot, { vulnerabilities: [vuln(1, { cveId: 'CVE-2026-40001' })] });
    expect(() => buildCveRecords(withCve, { ...PUBLISHER, advisoryUrl: null }, CNA)).toThrow(/CVE-2026-40001: no reference URL/);
  });

  it('the schema check is not a rubber stamp', () => {
    const ec = exportCase(coordinated([answered(ACME, { fix: 'vendor-aware', status: 'affected' })]), { vulnerabilities: [vuln(1, { cveId: 'CVE-2026-50001' })] });
    const [r] = buildCveRecords(ec, PUBLISHER, CNA).records as Rec[];
    ok(r);
    r!.containers.cna.descriptions = [{ lang: 'ja', value: 'only Japanese' }];
    expect(validate(r).valid).toBe(false);
  });
});
