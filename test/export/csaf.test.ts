// issue 12: `export csaf` builds a CSAF 2.0 csaf_security_advisory that passes
// @secvisogram/csaf-validator-lib's strict schema and every mandatory test: for the case
// after every step of every product-track scenario (test/rules/case-scenarios.ts) and for
// hand-built cases (one vulnerability, two with mixed vendor statuses, before and after
// publication). Nothing of the reporter but a consented credit, nothing of the
// verification method (guideline §2).
import { beforeAll, describe, expect, it } from 'vitest';
import { validateCsaf } from '../../src/adapters/csaf-validator.ts';
import { buildCsaf } from '../../src/export/csaf.ts';
import { NotExportable } from '../../src/export/model.ts';
import { newVendor, type CaseVendor, type ProductCase } from '../../src/rules/product-state.ts';
import { SCENARIOS } from '../rules/case-scenarios.ts';
import { ACME, BETA, newCase, Sim } from '../rules/product-support.ts';
import { exportCase, PUBLISHER, REPORTER_NAME, status, vuln } from './support.ts';

// The validator's first load (in its worker thread) takes seconds, tens of seconds on a loaded
// machine: paid once here, not inside the first test's 30 s.
beforeAll(async () => {
  await validateCsaf({});
}, 180_000);

async function valid(doc: unknown): Promise<void> {
  const r = await validateCsaf(doc);
  expect(r.errors).toEqual([]);
  expect(r.valid).toBe(true);
}

type Doc = {
  document: { distribution: { tlp: { label: string } }; tracking: { status: string; version: string; revision_history: unknown[] }; acknowledgments?: unknown; references?: { url: string }[] };
  product_tree: unknown;
  vulnerabilities: { product_status?: Record<string, string[]>; remediations?: { category: string; product_ids: string[]; details: string; url?: string }[]; scores?: unknown[]; cwe?: { id: string; name: string }; cve?: string; notes: { category: string; text: string }[]; involvements: { party: string; status: string; date?: string }[] }[];
};

const at = (s: string): Date => new Date(s);

function answered(ref: typeof ACME, more: Partial<CaseVendor>): CaseVendor {
  return { ...newVendor(ref), coordination: 'answered', firstContactAt: at('2026-01-05T01:00:00Z'), lastContactAt: at('2026-01-05T01:00:00Z'), lastAnswerAt: at('2026-01-08T02:00:00Z'), ...more };
}

function coordinated(vendors: CaseVendor[], more: Partial<ProductCase> = {}): ProductCase {
  return { ...newCase({}), em: 'active', publication: { proposed: null, proposedBy: null, agreed: '2026-02-10' }, firstContactDate: '2026-01-05', vendors, ...more };
}

describe('every scenario, after every step', () => {
  for (const sc of SCENARIOS) {
    it(sc.name, async () => {
      const sim = new Sim({ ...newCase(sc.consent ?? {}), ...(sc.rm ? { rm: sc.rm } : {}) }, sc.start);
      let exported = 0;
      for (const st of sc.steps) {
        if (st.advance !== undefined) sim.clock.advance(st.advance);
        if (st.at !== undefined) sim.clock.set(st.at);
        sim.step(st.event);
        const ec = exportCase(sim.c);
        let doc: Doc;
        try {
          doc = buildCsaf(ec, PUBLISHER).document as Doc;
        } catch (e) {
          // Only a case with nothing to say is refused: not accepted, or no vendor yet.
          expect(e).toBeInstanceOf(NotExportable);
          expect((sim.c.rm !== 'accepted' && sim.c.rm !== 'closed') || sim.c.vendors.length === 0).toBe(true);
          continue;
        }
        await valid(doc);
        exported++;
        const published = sim.c.publishedAt !== null;
        expect(doc.document.distribution.tlp.label).toBe(published ? 'WHITE' : 'AMBER');
        expect(doc.document.tracking.status).toBe(published ? 'final' : 'interim');
        // The reporter is named only as the credit they asked for, once published.
        const credited = published && sim.c.reporter.consent.credit;
        expect(JSON.stringify(doc).includes(REPORTER_NAME)).toBe(credited);
        if (credited) expect(doc.document.acknowledgments).toEqual([{ names: [REPORTER_NAME] }]);
      }
      if (sc.rm === undefined && sc.steps.some((s) => s.state !== 'not-accepted')) expect(exported).toBeGreaterThan(0);
    });
  }
});

describe('one vulnerability (the implicit one from the report)', () => {
  it('before publication: AMBER, interim, CWE with its catalogue name, the v3.1 score, statuses and involvements', async () => {
    const ec = exportCase(coordinated([answered(ACME, { fix: 'vendor-aware', status: 'affected', workaround: 'Disable the search box.' }), { ...newVendor(BETA), coordination: 'reminded', reminders: 1, firstContactAt: at('2026-01-05T01:00:00Z'), lastContactAt: at('2026-01-12T01:00:00Z') }]));
    const { document, warnings } = buildCsaf(ec, PUBLISHER);
    await valid(document);
    expect(warnings).toEqual([]);
    const doc = document as Doc;
    expect(doc.document.distribution.tlp.label).toBe('AMBER');
    expect(doc.document.tracking).toMatchObject({ status: 'interim', version: '2' });
    expect(doc.document.references?.[0]?.url).toBe('https://desk.example/advisories/VR-2026-0001');
    const [v] = doc.vulnerabilities;
    expect(v?.cwe).toEqual({ id: 'CWE-79', name: "Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')" });
    expect(v?.scores).toEqual([{ products: ['CSAFPID-0001'], cvss_v3: expect.objectContaining({ version: '3.1', baseScore: 6.1, baseSeverity: 'MEDIUM' }) as unknown }]);
    expect(v?.product_status).toEqual({ known_affected: ['CSAFPID-0001'], under_investigation: ['CSAFPID-0002'] });
    expect(v?.remediations).toEqual([{ category: 'workaround', details: 'Disable the search box.', product_ids: ['CSAFPID-0001'] }]);
    expect(v?.involvements).toEqual([
      { party: 'coordinator', status: 'in_progress', summary: 'madoguchi test desk' },
      { party: 'vendor', status: 'in_progress', date: '2026-01-08T02:00:00.000Z', summary: 'Acme Corp' },
      { party: 'vendor', status: 'contact_attempted', date: '2026-01-12T01:00:00.000Z', summary: 'Beta Soft' },
    ]);
    expect(doc.document.acknowledgments).toBeUndefined();
  });

  it('two vendors answering at the same instant: the second involvement has no date (test 6.1.24)', async () => {
    const ec = exportCase(coordinated([answered(ACME, { fix: 'vendor-aware', status: 'affected' }), answered(BETA, { fix: 'not-affected', status: 'not-affected' })]));
    const doc = buildCsaf(ec, PUBLISHER).document as Doc;
    await valid(doc);
    expect(doc.vulnerabilities[0]?.involvements.filter((i) => i.date !== undefined)).toHaveLength(1);
    expect(doc.vulnerabilities[0]?.involvements.map((i) => i.status)).toEqual(['in_progress', 'in_progress', 'completed']);
  });

  it('after publication: WHITE, final, a fixed version in the tree, vendor_fix with the advisory URL, credit only with consent', async () => {
    const pub = at('2026-02-10T00:00:00Z');
    const vendor = answered(ACME, { fix: 'fix-deployed', status: 'fixed', fixedVersions: '3.2.2', advisoryUrl: 'https://acme.example/sa/1', vendorNamePublishedAt: null });
    for (const consent of [{ credit: true, creditName: 'Taro Y.' }, {}]) {
      const ec = exportCase({ ...coordinated([vendor]), publishedAt: pub, reporter: { name: REPORTER_NAME, consent: { shareIdentity: false, directContact: false, credit: false, ...consent } } });
      const doc = buildCsaf(ec, PUBLISHER).document as Doc;
      await valid(doc);
      expect(doc.document.distribution.tlp.label).toBe('WHITE');
      expect(doc.document.tracking.status).toBe('final');
      expect(doc.document.tracking.revision_history).toHaveLength(3);
      expect(doc.vulnerabilities[0]?.product_status).toEqual({ known_affected: ['CSAFPID-0001'], fixed: ['CSAFPID-0002'] });
      expect(doc.vulnerabilities[0]?.remediations).toEqual([{ category: 'vendor_fix', details: 'Fixed in 3.2.2.', product_ids: ['CSAFPID-0001'], url: 'https://acme.example/sa/1' }]);
      expect(doc.vulnerabilities[0]?.involvements.map((i) => i.status)).toEqual(['completed', 'completed']);
      if ('credit' in consent) expect(doc.document.acknowledgments).toEqual([{ names: ['Taro Y.'] }]);
      else expect(doc.document.acknowledgments).toBeUndefined();
      expect(JSON.stringify(doc)).not.toContain(REPORTER_NAME);
    }
  });

  it('a vendor affected with fixed versions ("affected, fixed in 1.2.3"): the fixed version in the tree and a vendor_fix, as for "fixed"', async () => {
    const vendor = answered(ACME, { fix: 'vendor-aware', status: 'affected', fixedVersions: '1.2.3' });
    const doc = buildCsaf(exportCase(coordinated([vendor])), PUBLISHER).document as Doc;
    await valid(doc);
    expect(doc.vulnerabilities[0]?.product_status).toEqual({ known_affected: ['CSAFPID-0001'], fixed: ['CSAFPID-0002'] });
    expect(doc.vulnerabilities[0]?.remediations).toEqual([{ category: 'vendor_fix', details: 'Fixed in 1.2.3.', product_ids: ['CSAFPID-0001'] }]);
    // Affected without versions stays affected, with no fix claimed.
    const bare = buildCsaf(exportCase(coordinated([answered(ACME, { fix: 'vendor-aware', status: 'affected', fixedVersions: null })])), PUBLISHER).document as Doc;
    expect(bare.vulnerabilities[0]?.product_status).toEqual({ known_affected: ['CSAFPID-0001'] });
    expect(bare.vulnerabilities[0]?.remediations).toBeUndefined();
  });

  it('a consented credit is not given before publication', () => {
    const ec = exportCase({ ...coordinated([answered(ACME, { fix: 'vendor-aware', status: 'affected' })]), reporter: { name: REPORTER_NAME, consent: { shareIdentity: true, directContact: true, credit: true } } });
    const doc = buildCsaf(ec, PUBLISHER).document as Doc;
    expect(doc.document.acknowledgments).toBeUndefined();
    expect(JSON.stringify(doc)).not.toContain(REPORTER_NAME);
  });

  it('a Japanese case with a range version: product_version_range, Japanese notes, still valid', async () => {
    const ec = exportCase(coordinated([answered(ACME, { fix: 'vendor-aware', status: 'affected', product: null })]), { lang: 'ja', product: { name: 'ExampleCMS', version: '3.2.1 およびそれ以前' } });
    const doc = buildCsaf(ec, PUBLISHER).document as Doc & { product_tree: { branches: { branches: { branches: { category: string }[] }[] }[] } };
    await valid(doc);
    expect(doc.product_tree.branches[0]?.branches[0]?.branches[0]?.category).toBe('product_version_range');
  });
});

describe('two vulnerabilities with mixed vendor statuses', () => {
  it('each vulnerability has its own product status per vendor, CVE, CWE and score', async () => {
    const ec = exportCase(coordinated([answered(ACME, { fix: 'vendor-aware', status: 'affected' }), answered(BETA, { fix: 'vendor-aware', status: 'investigating', lastAnswerAt: at('2026-01-09T00:00:00Z') })]), {
      vulnerabilities: [
        vuln(1, { cwe: 'CWE-89', cveId: 'CVE-2026-10001', cvss: { vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', version: '3.1', baseScore: 9.8, severity: 'CRITICAL' } }),
        vuln(2, { cwe: 'CWE-22', cveId: 'CVE-2026-10002', cvss: { vector: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', version: '4.0', baseScore: 9.3, severity: 'CRITICAL' } }),
      ],
      statuses: [
        status(1, 'acme', 'fixed', { fixedVersions: '1.0.1' }),
        status(2, 'acme', 'not-affected'),
        status(2, 'beta', 'affected'),
      ],
    });
    const { document, warnings } = buildCsaf(ec, PUBLISHER);
    await valid(document);
    expect(warnings).toEqual([]);
    const [v1, v2] = (document as Doc).vulnerabilities;
    // acme: own statement per vulnerability; beta: its §4 answer (investigating) stands for vulnerability 1.
    expect(v1?.product_status).toEqual({ known_affected: ['CSAFPID-0001'], fixed: ['CSAFPID-0002'], under_investigation: ['CSAFPID-0003'] });
    expect(v2?.product_status).toEqual({ known_affected: ['CSAFPID-0003'], known_not_affected: ['CSAFPID-0001'] });
    expect([v1?.cve, v2?.cve]).toEqual(['CVE-2026-10001', 'CVE-2026-10002']);
    expect(v1?.cwe?.name).toBe("Improper Neutralization of Special Elements used in an SQL Command ('SQL Injection')");
    expect(v1?.scores).toHaveLength(1);
    // CSAF 2.0 has no CVSS v4 field: the vector is a note, not dropped.
    expect(v2?.scores).toBeUndefined();
    expect(v2?.notes).toContainEqual({ category: 'other', title: 'CVSS v4.0', text: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N (9.3 CRITICAL)' });
  });
});

describe('what is left out, and what is refused', () => {
  it('a CWE unknown to the catalogue and a reporter CVSS text that does not parse are left out with a warning', async () => {
    const ec = exportCase(coordinated([answered(ACME, { fix: 'vendor-aware', status: 'affected' })]), { vulnerabilities: [vuln(1, { implicit: true, cwe: 'CWE-999999', cvssText: 'CVSS:3.1/AV:N/AC:L' })] });
    const { document, warnings } = buildCsaf(ec, PUBLISHER);
    await valid(document);
    expect(warnings).toEqual([
      'vulnerability 1: CVSS left out: base metrics PR, UI, S, C, I, A missing',
      'vulnerability 1: CWE-999999 is not in the CWE catalogue the validator knows; left out',
    ]);
    expect((document as Doc).vulnerabilities[0]?.cwe).toBeUndefined();
  });
  it('a case not accepted, without vulnerability or without vendor is not exportable', () => {
    const vendors = [answered(ACME, {})];
    expect(() => buildCsaf(exportCase({ ...coordinated(vendors), rm: 'received' }), PUBLISHER)).toThrow(/is not accepted \(received\)/);
    expect(() => buildCsaf(exportCase(coordinated(vendors), { vulnerabilities: [] }), PUBLISHER)).toThrow(/has no vulnerability/);
    expect(() => buildCsaf(exportCase(coordinated([])), PUBLISHER)).toThrow(/has no vendor/);
  });
  it('the validator refuses a document that breaks a mandatory test (it is not a rubber stamp)', async () => {
    const ec = exportCase(coordinated([answered(ACME, { fix: 'vendor-aware', status: 'affected' })]));
    const doc = buildCsaf(ec, PUBLISHER).document as Doc;
    doc.vulnerabilities[0]!.product_status = { known_affected: ['CSAFPID-0001'], known_not_affected: ['CSAFPID-0001'] };
    const r = await validateCsaf(doc);
    expect(r.valid).toBe(false);
    expect(r.errors.join('\n')).toMatch(/mandatoryTest_6_1_6/);
  });
});
