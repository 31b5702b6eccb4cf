// Issue 12's proof "a case with two vulnerabilities and mixed vendor statuses", over real mail
// (mail-protocol §7): Postfix (SMTP) → Dovecot → the desk by IMAP IDLE, the desk answering by
// SMTP into each party's Dovecot mailbox; every party reads its own mail with its own gpg home.
//   a reporter's signed, encrypted product report with two numbered vulnerability blocks
//   (docs/report-form.md: CWE-79 with a CVSS v3.1 vector, CWE-22 with a CVSS v4.0 vector) about
//   a product the registered vendors ACME and Beta make together → acknowledged → the
//   coordinator accepts and adds both vendors → each vendor's notification lists both
//   vulnerabilities → an X-ADD-VULNERABILITY with an invalid vector is refused over mail with
//   the reason (bad-cvss), and nothing of that mail is applied (not even its X-SET-CVE) → the
//   CVE ids are set by X-SET-CVE → ACME answers per vulnerability (docs/vendor-reply-form.md
//   `Vulnerability:`): 1 "affected, fixed in 4.1.1", 2 "not affected"; Beta answers "affected"
//   for both in one form → `cases show --json` has each vulnerability with each vendor's status
//   → the coordinators' digest on the next business morning shows each (codes only) → the
//   coordinator sets the date → on it, the advisory to every party lists both vulnerabilities
//   with each vendor's status; `export csaf` is valid (CSAF validator) with the product status
//   of the replies; `export cve` gives one CVE JSON 5 record per vulnerability, valid against
//   the CVE record schema.
// Finally every mail the desk sent: RFC 3156, encrypted to its recipient only, signed by the
// desk, nothing of the case in clear, nothing of the reporter to a vendor.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileSchema } from '../../src/adapters/ajv.ts';
import { validateCsaf } from '../../src/adapters/csaf-validator.ts';
import { isJapaneseHoliday } from '../../src/adapters/holiday-jp.ts';
import { addCalendarDays, jstDate, jstStartOfDay } from '../../src/domain/clock.ts';
import { businessCalendar } from '../../src/rules/business-days.ts';
import { makeReport } from '../support/gpg.ts';
import { DESK, MailWorld, type Received } from '../support/mail-world.ts';
import { sendRaw } from '../support/mailservers.ts';
import { innerSubject } from '../support/partner-desk.ts';

const REPORTER = 'hanako@reporter.test';
const ACME = 'psirt@acme.test';
const BETA = 'psirt@beta.test';
const SATO = 'sato@desk.test';
const PARTIES = [REPORTER, ACME, BETA, SATO] as const;
/** The reporter's identity: never to a vendor (no consent; guideline §2). */
const IDENTITY = ['Hanako Suzuki', 'Example Research Lab', '+81-3-9876-5432', REPORTER];
const PRODUCT = 'Twin Router';
const XSS = 'Stored cross-site scripting in the admin console';
const TRAVERSAL = 'Path traversal in the firmware export';
const V31 = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N'; // 6.1 MEDIUM
const V40 = 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N'; // 9.3 CRITICAL
const CVE1 = 'CVE-2027-31001';
const CVE2 = 'CVE-2027-31002';
const FIXED = '4.1.1';
/** What is never outside the encryption. */
const CASE_SECRETS = [PRODUCT, XSS, TRAVERSAL, CVE1, CVE2, 'CWE-79', 'CWE-22', V31, V40, ...IDENTITY.slice(0, 3)];
const CVE_SCHEMA = '/work/shared/standards/cve/CVE_Record_Format_bundled.json';
const CNA_ORG = '8254265b-2729-46b6-b9e3-3dfca2d5bfca';

let w: MailWorld;
let caseId: string;
let date: string;

const received = (addr: string, prefix: string, count = 1): Promise<Received> => w.received(addr, prefix, count);
const calendar = businessCalendar(isJapaneseHoliday);

interface VulnView {
  number: number;
  summary: string;
  cwe: string | null;
  cve: string | null;
  cvss: { vector: string; version: string; baseScore: number; severity: string } | null;
  vendors: { id: string; status: string; fixedVersions: string | null }[];
}
interface Shown {
  state: string;
  agreedJst: string | null;
  vendors: { id: string; status: string }[];
  vulnerabilities: VulnView[];
}
const shown = (): Promise<Shown> => w.shown<Shown>(caseId);
/** Each vulnerability as `n CWE score CVE vendor:status…`, for one readable comparison. */
const perVendor = (vs: VulnView[]): string[] => vs.map((v) => [v.number, v.cwe, v.cvss ? `${v.cvss.version}:${v.cvss.baseScore.toFixed(1)}` : 'no-cvss', v.cve ?? 'no-cve', ...v.vendors.map((x) => `${x.id}:${x.status}${x.fixedVersions ? `@${x.fixedVersions}` : ''}`)].join(' '));

/** The block of vulnerability `n` in a notice's text (`  Vulnerability n` up to the next block or section). */
function block(text: string, n: number): string {
  const start = text.indexOf(`  Vulnerability ${n}\n`);
  expect(start, `vulnerability ${n} in:\n${text}`).toBeGreaterThanOrEqual(0);
  const rest = text.slice(start + 5);
  const end = rest.search(/\n {2}Vulnerability \d|\n\S/);
  return end < 0 ? rest : rest.slice(0, end);
}

/** The newest command confirmation to the coordinator (the `count`-th). */
const confirmation = (count: number): Promise<Received> => received(SATO, 'command-confirmation.', count);

beforeAll(async () => {
  w = await MailWorld.start({
    prefix: 'tv',
    parties: [
      { id: 'reporter', name: 'Hanako Suzuki', addr: REPORTER },
      { id: 'acme', name: 'ACME PSIRT', addr: ACME },
      { id: 'beta', name: 'Beta PSIRT', addr: BETA },
      { id: 'sato', name: 'Sato', addr: SATO },
    ],
    coordinators: [SATO],
    env: {
      // The coordinators' digest (issue 11), to see each vulnerability in it on a business morning.
      MADOGUCHI_DIGEST: 'true',
      MADOGUCHI_DIGEST_TIME: '09:00',
      // What `export cve` needs (docs/exports.md): the CNA and a reference URL for every record.
      MADOGUCHI_CVE_ORG_ID: CNA_ORG,
      MADOGUCHI_CVE_SHORT_NAME: 'madoguchi',
      MADOGUCHI_ADVISORY_URL: 'https://desk.example/advisories/{case}',
    },
  });
  // The vendor registry, an administrator's task: the product is made by both vendors.
  const products = [{ name: PRODUCT, keywords: ['router'] }];
  const vendors = w.vendorsYaml([
    { id: 'acme', name: 'ACME', addr: ACME, products },
    { id: 'beta', name: 'Beta', addr: BETA, products },
  ]);
  await w.run(['vendors', 'import', vendors]);
}, 300_000);

afterAll(async () => {
  await w?.stop();
});

describe('a case with two vulnerabilities and mixed vendor statuses, over SMTP and IMAP (gpg on every side)', () => {
  it("the reporter's signed, encrypted report with two numbered blocks opens a case with both vulnerabilities stored", async () => {
    const body = [
      'Report type: product',
      '1. Reporter name: Hanako Suzuki',
      '2. Organization: Example Research Lab',
      `3. Contact email: ${REPORTER}`,
      '4. Phone: +81-3-9876-5432',
      `5. Product name: ${PRODUCT}`,
      '6. Product version: 4.1.0',
      '7. Vendor: ACME and Beta (made together)',
      '8. Vulnerability type: CWE-79',
      `9. Summary: ${XSS}`,
      '10. Steps to reproduce:',
      'Log in as an administrator and save <script>alert(7)</script> as the device name.',
      '11. Impact: Takeover of the administrator session.',
      `12. CVSS: ${V31}`,
      '13. Share my identity with the vendor: no',
      '14. Direct contact with the vendor: no',
      '15. Credit me in the advisory: no',
      'Vulnerability type 2: CWE-22',
      `Summary 2: ${TRAVERSAL}`,
      `CVSS 2: ${V40}`,
      '',
    ].join('\n');
    const raw = makeReport(w.world, { from: REPORTER, fromName: 'Hanako Suzuki', to: DESK, body, messageId: '<tv-report@reporter.test>', subject: 'Vulnerability report' });
    expect((await sendRaw(REPORTER, [DESK], raw)).accepted).toEqual([DESK]);
    const ack = await received(REPORTER, 'ack.');
    caseId = /VR-\d{4}-\d{4}/.exec(ack.text)?.[0] ?? '';
    expect(caseId).not.toBe('');
    const v = await shown();
    // Both blocks stored at intake (docs/report-form.md), 1 first; each vector scored, v3.1 and v4.0.
    expect(v.vulnerabilities.map((x) => [x.number, x.summary, x.cwe, x.cvss?.version ?? null, x.cvss?.baseScore ?? null, x.cvss?.severity ?? null, x.cve])).toEqual([
      [1, XSS, 'CWE-79', '3.1', 6.1, 'MEDIUM', null],
      [2, TRAVERSAL, 'CWE-22', '4.0', 9.3, 'CRITICAL', null],
    ]);
  }, 180_000);

  it('the coordinator accepts and adds both vendors: each notification, encrypted to that vendor, lists both vulnerabilities', async () => {
    await w.command(SATO, [`X-CASE: ${caseId}`, 'X-ACCEPT', 'X-ADD-VENDOR: acme, beta']);
    const conf = await confirmation(1);
    expect(conf.text).toContain(caseId);
    for (const [addr, other] of [[ACME, 'Beta'], [BETA, 'ACME']] as const) {
      const { raw, text } = await received(addr, 'vendor-notify.');
      expect(raw.toString('latin1')).toMatch(new RegExp(`^Subject: \\[${caseId}\\]\\r$`, 'm'));
      expect(text).toContain(caseId);
      const one = block(text, 1);
      expect(one).toContain(XSS);
      expect(one).toContain('CWE-79');
      expect(one).toContain(`6.1 MEDIUM (${V31})`);
      const two = block(text, 2);
      expect(two).toContain(TRAVERSAL);
      expect(two).toContain('CWE-22');
      expect(two).toContain(`9.3 CRITICAL (${V40})`);
      // The blank reply form has the `Vulnerability:` line: the case has two (docs/vendor-reply-form.md).
      expect(text).toMatch(/^Vulnerability:\s*$/m);
      // Each vendor sees its own status only, never the other vendor (guideline §2), nor the reporter.
      expect(one).not.toContain(`${other} (`);
      for (const s of IDENTITY) expect(text).not.toContain(s);
    }
    const v = await shown();
    expect(v.state).toBe('coordinating');
    expect(v.vendors.map((x) => x.id).sort()).toEqual(['acme', 'beta']);
  }, 180_000);

  it('an X-ADD-VULNERABILITY with an invalid CVSS vector is refused over mail with the reason; nothing of that mail is applied', async () => {
    const bad = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:Q';
    await w.command(SATO, [`X-CASE: ${caseId}`, `X-SET-CVE: 1 ${CVE1}`, `X-ADD-VULNERABILITY: CWE-352 ${bad} Cross-site request forgery in the settings page`]);
    const conf = await confirmation(2);
    // The refusal names the command, says the vector is not valid and quotes it: no guess, no correction.
    expect(conf.text).toMatch(/X-ADD-VULNERABILITY[\s\S]*not a valid CVSS v3\.1 or v4\.0 vector/);
    expect(conf.text).toContain(bad);
    const v = await shown();
    expect(v.vulnerabilities.map((x) => [x.number, x.cve])).toEqual([
      [1, null],
      [2, null],
    ]);
  }, 180_000);

  it('the coordinator sets both CVE ids by X-SET-CVE', async () => {
    await w.command(SATO, [`X-CASE: ${caseId}`, `X-SET-CVE: 1 ${CVE1}`, `X-SET-CVE: 2 ${CVE2}`]);
    await confirmation(3);
    expect((await shown()).vulnerabilities.map((x) => [x.number, x.cve])).toEqual([
      [1, CVE1],
      [2, CVE2],
    ]);
  }, 180_000);

  it('ACME answers per vulnerability (1 affected, fixed in 4.1.1; 2 not affected), Beta affected for both: cases show has each per vendor', async () => {
    await w.send(ACME, `Re: [${caseId}]`, [`Case ID: ${caseId}`, 'Vulnerability: 1', 'Status: affected', `Fixed versions: ${FIXED}`].join('\n') + '\n');
    const first = await received(ACME, 'vendor-reply-recorded.');
    expect(first.text).toContain('For vulnerability:  1');
    await w.send(ACME, `Re: [${caseId}]`, [`Case ID: ${caseId}`, 'Vulnerability: 2', 'Status: not affected'].join('\n') + '\n');
    const second = await received(ACME, 'vendor-reply-recorded.', 2);
    expect(second.text).toContain('For vulnerability:  2');
    await w.send(BETA, `Re: [${caseId}]`, [`Case ID: ${caseId}`, 'Status: affected'].join('\n') + '\n');
    await received(BETA, 'vendor-reply-recorded.');
    const v = await shown();
    expect(perVendor(v.vulnerabilities)).toEqual([
      `1 CWE-79 3.1:6.1 ${CVE1} acme:affected@${FIXED} beta:affected`,
      `2 CWE-22 4.0:9.3 ${CVE2} acme:not-affected beta:affected`,
    ]);
    // The rules keep one status per vendor: ACME is still affected (by 1), never "not affected" from its last reply.
    expect(v.vendors.map((x) => `${x.id}: ${x.status}`)).toEqual(['acme: answered affected', 'beta: answered affected']);
  }, 240_000);

  it("the coordinators' digest on the next business morning shows each vulnerability with each vendor's status, codes only", async () => {
    const before = (await w.inbox(SATO, 'digest.')).length;
    const day = calendar.after(jstDate(w.clock.now()));
    w.clock.setTo(new Date(`${day}T08:59:40+09:00`));
    const digest = await received(SATO, 'digest.', before + 1);
    expect(digest.text).toContain(caseId);
    const lines = digest.text.split(/\r?\n/).map((l) => l.trim());
    const word = lines.some((l) => l.startsWith('脆弱性 1 ')) ? '脆弱性' : 'vulnerability';
    expect(lines).toContain(`${word} 1 CWE-79 6.1 MEDIUM ${CVE1} acme:affected beta:affected`);
    expect(lines).toContain(`${word} 2 CWE-22 9.3 CRITICAL ${CVE2} acme:not-affected beta:affected`);
    // Codes and numbers only: no summary, product or vector in the digest.
    for (const s of [XSS, TRAVERSAL, V40]) expect(digest.text).not.toContain(s);
  }, 240_000);

  it('the coordinator sets the date; on it the advisory to every party lists both vulnerabilities with each vendor\'s status', async () => {
    date = addCalendarDays(jstDate(w.clock.now()), 20);
    await w.command(SATO, [`X-CASE: ${caseId}`, `X-SET-DATE: ${date}`]);
    await confirmation(4);
    await expect.poll(async () => (await shown()).agreedJst, { timeout: 60_000 }).toBe(date);
    await w.settled();
    w.clock.setTo(new Date(jstStartOfDay(date).getTime() + 3_600_000));
    for (const addr of PARTIES) {
      const a = await received(addr, 'advisory.');
      const what = `${addr} advisory`;
      expect(a.text, what).toContain(caseId);
      expect(a.text, what).toContain(`2 vulnerabilities have been found in ${PRODUCT}`);
      const one = block(a.text, 1);
      expect(one, what).toContain(XSS);
      expect(one, what).toContain('CWE-79');
      expect(one, what).toContain('6.1 MEDIUM');
      expect(one, what).toContain(CVE1);
      expect(one, what).toContain(`- ACME (${PRODUCT}): vulnerable; fixed in ${FIXED}`);
      expect(one, what).toMatch(new RegExp(`- Beta \\(${PRODUCT}\\): vulnerable\\n`));
      const two = block(a.text, 2);
      expect(two, what).toContain(TRAVERSAL);
      expect(two, what).toContain('CWE-22');
      expect(two, what).toContain('9.3 CRITICAL');
      expect(two, what).toContain(CVE2);
      expect(two, what).toContain(`- ACME (${PRODUCT}): not vulnerable`);
      expect(two, what).toMatch(new RegExp(`- Beta \\(${PRODUCT}\\): vulnerable\\n`));
      // The steps to reproduce are never published (guideline §2).
      expect(a.text, what).not.toContain('alert(7)');
      expect(innerSubject(a.mime), what).toContain(caseId);
    }
    await received(REPORTER, 'reporter-published.');
    expect((await shown()).state).toBe('published');
  }, 300_000);

  it('export csaf: a valid final CSAF 2.0 advisory whose product status per vulnerability is what each vendor answered', async () => {
    const doc = JSON.parse(await w.run(['export', 'csaf', caseId])) as {
      document: { tracking: { status: string; id: string }; distribution: { tlp: { label: string } } };
      product_tree: { branches: { name: string; branches: { name: string; branches: { name: string; product: { product_id: string } }[] }[] }[] };
      vulnerabilities: { cve?: string; cwe?: { id: string }; scores?: { cvss_v3: { baseScore: number; vectorString: string } }[]; notes?: { text: string }[]; product_status?: Record<string, string[]>; remediations?: { category: string; details: string; product_ids: string[] }[] }[];
    };
    const v = await validateCsaf(doc);
    expect(v.errors).toEqual([]);
    expect(v.valid).toBe(true);
    expect(doc.document.tracking).toMatchObject({ id: caseId, status: 'final' });
    expect(doc.document.distribution.tlp.label).toBe('WHITE');
    // Product ids → `vendor version`, from the product tree (vendor → product → version).
    const name = new Map<string, string>();
    for (const vendor of doc.product_tree.branches) for (const p of vendor.branches) for (const ver of p.branches) name.set(ver.product.product_id, `${vendor.name} ${ver.name}`);
    const statusOf = (i: number): Record<string, string[]> => Object.fromEntries(Object.entries(doc.vulnerabilities[i]!.product_status ?? {}).map(([k, ids]) => [k, ids.map((id) => name.get(id) ?? id).sort()]));
    expect(doc.vulnerabilities.map((x) => [x.cve, x.cwe?.id])).toEqual([
      [CVE1, 'CWE-79'],
      [CVE2, 'CWE-22'],
    ]);
    // 1: ACME affected in the reported version and fixed in 4.1.1 (with a vendor fix); Beta affected.
    expect(statusOf(0)).toEqual({ known_affected: ['ACME 4.1.0', 'Beta 4.1.0'], fixed: [`ACME ${FIXED}`] });
    expect(doc.vulnerabilities[0]!.remediations?.filter((r) => r.category === 'vendor_fix').map((r) => [r.details, r.product_ids.map((id) => name.get(id))])).toEqual([[`Fixed in ${FIXED}.`, ['ACME 4.1.0']]]);
    expect(doc.vulnerabilities[0]!.scores?.map((s) => [s.cvss_v3.vectorString, s.cvss_v3.baseScore])).toEqual([[V31, 6.1]]);
    // 2: ACME not affected, Beta affected; its v4.0 vector is a note (CSAF 2.0 has no v4 score).
    expect(statusOf(1)).toEqual({ known_affected: ['Beta 4.1.0'], known_not_affected: ['ACME 4.1.0'] });
    expect(JSON.stringify(doc.vulnerabilities[1]!.notes)).toContain(V40);
    expect(JSON.stringify(doc)).not.toContain('alert(7)');
    for (const s of IDENTITY) expect(JSON.stringify(doc)).not.toContain(s);
  }, 120_000);

  it('export cve: one CVE JSON 5 record per vulnerability, each valid against the CVE record schema', async () => {
    const records = JSON.parse(await w.run(['export', 'cve', caseId, '--schema', CVE_SCHEMA])) as {
      cveMetadata: { cveId: string; datePublished?: string };
      containers: { cna: { providerMetadata: { orgId: string }; affected: { vendor: string; versions?: { version: string; status: string }[] }[]; problemTypes?: { descriptions: { cweId?: string }[] }[]; metrics?: Record<string, { baseScore: number; vectorString: string }>[] } };
    }[];
    const validate = compileSchema(JSON.parse(readFileSync(CVE_SCHEMA, 'utf8')) as object);
    for (const r of records) {
      const v = validate(r);
      expect(v.valid ? [] : v.errors).toEqual([]);
    }
    expect(records.map((r) => r.cveMetadata.cveId)).toEqual([CVE1, CVE2]);
    const [r1, r2] = records;
    expect(r1!.containers.cna.providerMetadata.orgId).toBe(CNA_ORG);
    expect(r1!.cveMetadata.datePublished).toBeDefined();
    const affected = (r: (typeof records)[number]): string[] => r.containers.cna.affected.map((a) => `${a.vendor}: ${(a.versions ?? []).map((x) => `${x.version} ${x.status}`).join(', ')}`);
    expect(affected(r1!)).toEqual([`ACME: 4.1.0 affected, ${FIXED} unaffected`, 'Beta: 4.1.0 affected']);
    expect(affected(r2!)).toEqual(['ACME: 4.1.0 unaffected', 'Beta: 4.1.0 affected']);
    expect(r1!.containers.cna.problemTypes?.[0]?.descriptions[0]?.cweId).toBe('CWE-79');
    expect(r2!.containers.cna.problemTypes?.[0]?.descriptions[0]?.cweId).toBe('CWE-22');
    expect(r1!.containers.cna.metrics?.[0]?.cvssV3_1).toMatchObject({ vectorString: V31, baseScore: 6.1 });
    expect(r2!.containers.cna.metrics?.[0]?.cvssV4_0).toMatchObject({ vectorString: V40, baseScore: 9.3 });
  }, 120_000);

  it('every mail the desk sent: RFC 3156, encrypted to its recipient, signed by the desk, nothing in clear, nothing of the reporter to a vendor', async () => {
    const seenBy = new Set<string>();
    await w.everyMailSealed(CASE_SECRETS, (addr, text, what) => {
      seenBy.add(addr);
      const seen = w.addressesIn(text);
      if (addr === ACME || addr === BETA) {
        // A vendor sees its own address only: not the reporter's, not the other vendor's.
        expect([...seen], what).toEqual(seen.size === 0 ? [] : [addr]);
        for (const s of IDENTITY) expect(text, what).not.toContain(s);
      }
    });
    expect(seenBy).toEqual(new Set(PARTIES));
  }, 300_000);
});
