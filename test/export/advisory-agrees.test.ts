// issue 12 "one source": the published advisory (ja/en) and the CSAF document are built from
// the same export model (src/export/model.ts). For a case with two vulnerabilities and mixed
// vendor statuses (one vendor fixed one and is not affected by the other; another answered
// for all), the advisory's facts as src/desk/execute.ts builds them and the CSAF document
// (valid by the csaf-validator adapter) give the same CVEs, scores, product statuses and
// fixed versions. The desk-level proof over mail is test/desk/vulnerabilities.test.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import { validateCsaf } from '../../src/adapters/csaf-validator.ts';
import { noticeVulnerabilities } from '../../src/desk/execute.ts';
import { buildCsaf } from '../../src/export/csaf.ts';
import { vendorOverall, vulnerabilityFacts } from '../../src/export/model.ts';
import { renderNotice } from '../../src/outbound/templates.ts';
import { newVendor, type CaseVendor, type ProductCase } from '../../src/rules/product-state.ts';
import { ACME, BETA, newCase } from '../rules/product-support.ts';
import { exportCase, PUBLISHER, status, vuln } from './support.ts';

// The validator's first load (in its worker thread) takes seconds, tens of seconds on a loaded
// machine: paid once here, not inside the first test's 30 s.
beforeAll(async () => {
  await validateCsaf({});
}, 180_000);

const at = (s: string): Date => new Date(s);
const answered = (ref: typeof ACME, more: Partial<CaseVendor>): CaseVendor => ({
  ...newVendor(ref),
  coordination: 'answered',
  firstContactAt: at('2026-01-05T01:00:00Z'),
  lastContactAt: at('2026-01-05T01:00:00Z'),
  lastAnswerAt: at('2026-01-08T02:00:00Z'),
  ...more,
});
const snapshot = (vendors: CaseVendor[]): ProductCase => ({ ...newCase(), vendors, firstContactDate: '2026-01-05', publishedAt: at('2026-02-01T00:00:00Z'), publication: { proposed: null, proposedBy: null, agreed: '2026-02-01' } });

type Csaf = {
  product_tree: { branches: { name: string; branches: { branches: { name: string; product: { product_id: string } }[] }[] }[] };
  vulnerabilities: { cve?: string; scores?: { cvss_v3: { baseScore: number; baseSeverity: string } }[]; product_status?: Record<string, string[]> }[];
};

describe('the advisory and the CSAF document say the same', () => {
  const ec = exportCase(snapshot([answered(ACME, { fix: 'vendor-aware', status: 'affected' }), answered(BETA, { fix: 'vendor-aware', status: 'affected', lastAnswerAt: at('2026-01-09T00:00:00Z') })]), {
    vulnerabilities: [
      vuln(1, { cwe: 'CWE-89', cveId: 'CVE-2026-10001', cvss: { vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', version: '3.1', baseScore: 9.8, severity: 'CRITICAL' } }),
      vuln(2, { cwe: 'CWE-79', cveId: 'CVE-2026-10002', cvss: { vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', version: '3.1', baseScore: 6.1, severity: 'MEDIUM' } }),
    ],
    statuses: [status(1, 'acme', 'fixed', { fixedVersions: '1.0.1' }), status(2, 'acme', 'not-affected')],
  });

  it('same CVEs, scores, product statuses and fixed versions; the CSAF document is valid', async () => {
    const { document } = buildCsaf(ec, PUBLISHER);
    const r = await validateCsaf(document);
    expect(r.errors).toEqual([]);
    const doc = document as unknown as Csaf;
    const facts = vulnerabilityFacts(ec);
    const advisory = noticeVulnerabilities(facts, (_id, n) => n);
    const product = new Map<string, { vendor: string; version: string }>();
    for (const v of doc.product_tree.branches) for (const p of v.branches) for (const b of p.branches) product.set(b.product.product_id, { vendor: v.name, version: b.name });
    expect(advisory.map((a) => a.cve)).toEqual(doc.vulnerabilities.map((v) => v.cve));
    for (const [i, a] of advisory.entries()) {
      const c = doc.vulnerabilities[i]!;
      const s = c.scores?.[0]?.cvss_v3;
      expect(a.cvss).toBe(s ? `${s.baseScore.toFixed(1)} ${s.baseSeverity} (${facts[i]!.score!.vector})` : undefined);
      const ps = c.product_status ?? {};
      const vendorsIn = (k: string): string[] => (ps[k] ?? []).map((pid) => product.get(pid)!.vendor).sort();
      // CSAF: a fixed vendor's reported version is known_affected, its fixed version `fixed`.
      expect(vendorsIn('known_affected')).toEqual(a.statuses.filter((x) => x.status === 'affected' || x.status === 'fixed').map((x) => x.name).sort());
      expect(vendorsIn('known_not_affected')).toEqual(a.statuses.filter((x) => x.status === 'not-affected').map((x) => x.name).sort());
      expect(vendorsIn('under_investigation')).toEqual(a.statuses.filter((x) => x.status === 'unknown').map((x) => x.name).sort());
      expect((ps.fixed ?? []).map((pid) => `${product.get(pid)!.vendor} ${product.get(pid)!.version}`)).toEqual(a.statuses.filter((x) => x.fixedVersions !== undefined).map((x) => `${x.name} ${x.fixedVersions!}`));
    }
    // The mixed statuses themselves: ACME fixed 1 and is not affected by 2; Beta's answer stands for both.
    expect(advisory.map((a) => a.statuses.map((x) => `${x.name}:${x.status}${x.fixedVersions ? `@${x.fixedVersions}` : ''}`))).toEqual([
      [`${ACME.name}:fixed@1.0.1`, `${BETA.name}:affected`],
      [`${ACME.name}:not-affected`, `${BETA.name}:affected`],
    ]);
    expect(vendorOverall(facts, ACME.id)).toEqual({ status: 'fixed', fixedVersions: '1.0.1' });
    expect(vendorOverall(facts, BETA.id)).toEqual({ status: 'affected', fixedVersions: null });
  });

  it('the rendered advisory (ja and en) carries each CVE, score and fixed version of the CSAF document', () => {
    const doc = buildCsaf(ec, PUBLISHER).document as unknown as Csaf;
    const vulnerabilities = noticeVulnerabilities(vulnerabilityFacts(ec), (_id, n) => n);
    for (const lang of ['ja', 'en'] as const) {
      const { text } = renderNotice('advisory', lang, {
        caseId: ec.id,
        title: 'ExampleCMS',
        publishedOn: '2026-02-01',
        receivedOn: '2026-01-04',
        productName: 'ExampleCMS',
        affectedVersions: '3.2.1',
        summary: 'Two vulnerabilities.',
        vulnerabilities,
        vendors: [{ name: ACME.name, status: 'fixed', fixedVersions: '1.0.1' }, { name: BETA.name, status: 'affected' }],
        contact: 'vuln@desk.test',
        byCommittee: false,
        credit: false,
      });
      for (const v of doc.vulnerabilities) {
        expect(text).toContain(v.cve!);
        for (const s of v.scores ?? []) expect(text).toContain(`${s.cvss_v3.baseScore.toFixed(1)} ${s.cvss_v3.baseSeverity}`);
      }
      expect(text).toContain(lang === 'en' ? 'fixed in 1.0.1' : '修正版：1.0.1');
    }
  });
});
