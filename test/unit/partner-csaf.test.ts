// docs/partner-form.md "Attached CSAF 2.0": what the desk takes from a (validated) CSAF
// document, and what makes it refuse the document whole (src/forms/partner-csaf.ts).
import { describe, expect, it } from 'vitest';
import { parseRefPattern } from '../../src/forms/ref-pattern.ts';
import { readPartnerCsaf } from '../../src/forms/partner-csaf.ts';
import { partnerCsaf } from '../support/partner-desk.ts';

const p = parseRefPattern('VU#{6}');
if (!p.ok) throw new Error('pattern');
const pattern = p.pattern;
const VULN = { summary: 'SQL injection.', cve: 'CVE-2027-50001', cwe: { id: 'CWE-89', name: 'x' }, vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' };

describe('readPartnerCsaf', () => {
  it('takes the tracking id, vendors, product names, summary and each vulnerability', () => {
    const doc = partnerCsaf({ id: 'VU#500001', vendors: [{ name: 'ACME', products: ['Acme Router', 'Acme NAS'] }, { name: 'Evil', products: ['Evil Box'] }], vulns: [VULN, { ...VULN, summary: 'Second.', cve: 'CVE-2027-50002' }] });
    const r = readPartnerCsaf(doc, pattern);
    expect(r).toEqual({
      ok: true,
      csaf: {
        partnerCaseId: 'VU#500001',
        vendors: ['ACME', 'Evil'],
        products: ['Acme Router', 'Acme NAS', 'Evil Box'],
        summary: 'SQL injection.',
        vulnerabilities: [
          { summary: 'SQL injection.', cve: 'CVE-2027-50001', cwe: 'CWE-89', cvss: VULN.vector },
          { summary: 'Second.', cve: 'CVE-2027-50002', cwe: 'CWE-89', cvss: VULN.vector },
        ],
      },
    });
  });

  it('a tracking id not of the partner’s pattern, a control character in a vendor name, another category: refused with their paths', () => {
    const doc = partnerCsaf({ id: 'OTHER-1', vendors: [{ name: 'AC\u0007ME', products: ['Acme Router'] }], vulns: [VULN] }) as { document: { category: string } };
    doc.document.category = 'csaf_vex';
    const r = readPartnerCsaf(doc, pattern);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual([
      { test: 'madoguchi_category', path: '/document/category' },
      { test: 'madoguchi_case_id', path: '/document/tracking/id' },
      { test: 'madoguchi_value', path: '/product_tree/branches/0/name' },
    ]);
  });
});
