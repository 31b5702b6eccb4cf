// issue 12 (guideline §5; docs/partner-form.md "Attached CSAF 2.0"): a partner's case form
// with a CSAF 2.0 document attached inside the signed, encrypted content. The document gives
// what the form leaves out (here: products, vendors, summary, both vulnerabilities with CVE,
// CWE and CVSS); an invalid document, or one that disagrees with the form, opens nothing and
// the partner is told why (codes and validator paths, never the document's values).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateCsaf } from '../../src/adapters/csaf-validator.ts';
import { caseByPartnerRef } from '../../src/store/partners.ts';
import { listVulnerabilities } from '../../src/store/vulnerabilities.ts';
import { ACME, EVIL } from '../support/authority-desk.ts';
import { CERTCC, decryptNotice, embargoIn, partnerCsaf, partnerMailWithJson, partnerWorld, type CsafVuln, type PartnerWorld } from '../support/partner-desk.ts';

let w: PartnerWorld;
beforeAll(async () => {
  w = await partnerWorld();
  // The validator's first load (its worker thread) takes seconds, tens of seconds on a loaded machine.
  await validateCsaf({});
}, 240_000);
afterAll(async () => w?.close());

const embargo = embargoIn(40);
const formLines = (ref: string, extra: string[] = []): string => [`Partner case ID: ${ref}`, `Embargo: ${embargo.written}`, ...extra].join('\n') + '\n';

export const SQLI: CsafVuln = {
  summary: 'SQL injection in the login form of the web UI.',
  cve: 'CVE-2027-30001',
  cwe: { id: 'CWE-89', name: "Improper Neutralization of Special Elements used in an SQL Command ('SQL Injection')" },
  vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
};
export const TRAVERSAL: CsafVuln = {
  summary: 'Path traversal in the backup download.',
  cve: 'CVE-2027-30002',
  cwe: { id: 'CWE-22', name: "Improper Limitation of a Pathname to a Restricted Directory ('Path Traversal')" },
  vector: 'CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N',
};
const VENDORS = [
  { name: 'ACME', products: ['Acme Router'] },
  { name: 'Evil', products: ['Evil Box'] },
];

async function answerText(): Promise<string> {
  return decryptNotice((await w.notices('partner-answer')).pop()!.raw, w.certcc);
}

describe('a case form with a CSAF 2.0 document attached inside the signed content', () => {
  it('the fixture is valid CSAF 2.0 (strict schema and mandatory tests)', async () => {
    const r = await validateCsaf(partnerCsaf({ id: 'VU#300001', vendors: VENDORS, vulns: [SQLI, TRAVERSAL] }));
    expect(r.errors).toEqual([]);
  }, 120_000);

  it('opens the case with the vendors and both vulnerabilities (CVE, CWE, CVSS) of the document', async () => {
    const doc = partnerCsaf({ id: 'VU#300001', vendors: VENDORS, vulns: [SQLI, TRAVERSAL] });
    await w.deliver(await partnerMailWithJson(w, CERTCC, w.certcc, formLines('VU#300001'), [JSON.stringify(doc)], '<c1@certcc.test>'));
    const caseId = await caseByPartnerRef(w.db, 'certcc', 'VU#300001');
    expect(caseId, JSON.stringify(await w.timeline('partner-mail-refused'))).not.toBeNull();
    const s = await w.snapshot(caseId!);
    expect(s.vendors.map((v) => [v.id, v.coordination]).sort()).toEqual([
      ['acme', 'notified'],
      ['evil', 'notified'],
    ]);
    const vulns = await listVulnerabilities(w.db, caseId!);
    expect(vulns.map((v) => [v.number, v.summary, v.cveId, v.cwe, v.cvss?.vector, v.cvss?.baseScore])).toEqual([
      [1, SQLI.summary, 'CVE-2027-30001', 'CWE-89', SQLI.vector, 9.8],
      [2, TRAVERSAL.summary, 'CVE-2027-30002', 'CWE-22', TRAVERSAL.vector, 6.5],
    ]);
    // The vendors hear of both vulnerabilities from the first notice.
    const notices = (await w.notices('vendor-notify')).filter((n) => n.id.includes(caseId!));
    expect(notices.map((n) => n.recipient).sort()).toEqual([ACME, EVIL]);
    const text = await decryptNotice(notices.find((n) => n.recipient === ACME)!.raw, w.acme);
    expect(text).toContain('CVE-2027-30002');
    const answer = await decryptNotice((await w.notices('partner-answer')).filter((n) => n.id.includes(caseId!))[0]!.raw, w.certcc);
    expect(answer).toContain('VU#300001');
    expect(answer).toContain(caseId!);
  }, 240_000);

  it('an invalid document: refused csaf-invalid with the validator paths, no case', async () => {
    const doc = partnerCsaf({ id: 'VU#300002', vendors: VENDORS, vulns: [SQLI] }) as { document: { tracking: Record<string, unknown>; title: string } };
    doc.document.tracking.status = 'secret-draft-with-a-value-that-must-not-be-echoed';
    await w.deliver(await partnerMailWithJson(w, CERTCC, w.certcc, formLines('VU#300002'), [JSON.stringify(doc)], '<c2@certcc.test>'));
    expect(await caseByPartnerRef(w.db, 'certcc', 'VU#300002')).toBeNull();
    expect((await w.timeline('partner-mail-refused')).map((t) => t.data.reason)).toContain('csaf-invalid');
    const text = await answerText();
    expect(text).toContain('not a valid CSAF 2.0 security advisory');
    expect(text).toMatch(/- [A-Za-z0-9_]+: \/document\/tracking\/status/u);
    expect(text).not.toContain('secret-draft');
  }, 240_000);

  it('a tracking id other than the form’s partner case id: refused csaf-disagrees naming the field, no case', async () => {
    const doc = partnerCsaf({ id: 'VU#399999', vendors: VENDORS, vulns: [SQLI] });
    await w.deliver(await partnerMailWithJson(w, CERTCC, w.certcc, formLines('VU#300003'), [JSON.stringify(doc)], '<c3@certcc.test>'));
    expect(await caseByPartnerRef(w.db, 'certcc', 'VU#300003')).toBeNull();
    expect(await caseByPartnerRef(w.db, 'certcc', 'VU#399999')).toBeNull();
    expect((await w.timeline('partner-mail-refused')).map((t) => t.data.reason)).toContain('csaf-disagrees');
    const text = await answerText();
    expect(text).toContain('give different values');
    expect(text).toContain('  - partnerCaseId');
  }, 240_000);

  it('vendors in the form other than the document’s: refused csaf-disagrees, never one picked', async () => {
    const doc = partnerCsaf({ id: 'VU#300004', vendors: VENDORS, vulns: [SQLI] });
    await w.deliver(await partnerMailWithJson(w, CERTCC, w.certcc, formLines('VU#300004', ['Vendors: ACME']), [JSON.stringify(doc)], '<c4@certcc.test>'));
    expect(await caseByPartnerRef(w.db, 'certcc', 'VU#300004')).toBeNull();
    expect(await answerText()).toContain('  - vendors');
  }, 240_000);

  it('two JSON attachments: refused csaf-several, no case', async () => {
    const doc = JSON.stringify(partnerCsaf({ id: 'VU#300005', vendors: VENDORS, vulns: [SQLI] }));
    await w.deliver(await partnerMailWithJson(w, CERTCC, w.certcc, formLines('VU#300005'), [doc, doc], '<c5@certcc.test>'));
    expect(await caseByPartnerRef(w.db, 'certcc', 'VU#300005')).toBeNull();
    expect((await w.timeline('partner-mail-refused')).map((t) => t.data.reason)).toContain('csaf-several');
  }, 240_000);

  it('a document over 1 MiB: refused csaf-too-large without being parsed, no case', async () => {
    const doc = partnerCsaf({ id: 'VU#300006', vendors: VENDORS, vulns: [SQLI], title: 'x'.repeat(1024 * 1024) });
    await w.deliver(await partnerMailWithJson(w, CERTCC, w.certcc, formLines('VU#300006'), [JSON.stringify(doc)], '<c6@certcc.test>'));
    expect(await caseByPartnerRef(w.db, 'certcc', 'VU#300006')).toBeNull();
    expect((await w.timeline('partner-mail-refused')).map((t) => t.data.reason)).toContain('csaf-too-large');
    expect(await answerText()).toContain('larger than 1 MiB');
  }, 240_000);
});
