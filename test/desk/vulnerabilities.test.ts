// issue 12 "several vulnerabilities per case", through the desk over signed, encrypted mail
// (real gpg on every side, PostgreSQL): a coordinator adds a vulnerability (an invalid CVSS
// vector refused with bad-cvss, nothing stored), sets CVE ids (format and uniqueness
// checked), splits one; the vendors' notification shows each vulnerability with the
// addressee's status only; a vendor answers per vulnerability (`Vulnerability: N`), another
// for all; the advisory shows each vulnerability with each vendor's status, and says what
// the CSAF document (valid by the csaf-validator adapter) says: one source.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateCsaf } from '../../src/adapters/csaf-validator.ts';
import { loadSnapshot } from '../../src/desk/coordination.ts';
import { gatherDigest } from '../../src/desk/digest.ts';
import { jstDate } from '../../src/domain/clock.ts';
import { renderNotice } from '../../src/outbound/templates.ts';
import { DEFAULT_SETTINGS } from '../../src/rules/product.ts';
import { previewWindow } from '../../src/store/digest.ts';
import { noticeVulnerabilities } from '../../src/desk/execute.ts';
import { buildCsaf } from '../../src/export/csaf.ts';
import { buildCveRecords } from '../../src/export/cve.ts';
import { loadExportCase, loadVulnerabilityViews } from '../../src/export/load.ts';
import { vendorOverall, vulnerabilityFacts } from '../../src/export/model.ts';
import { listTimeline } from '../../src/store/repo.ts';
import { listVendorVulnerabilityStatuses, listVulnerabilities } from '../../src/store/vulnerabilities.ts';
import { PUBLISHER } from '../export/support.ts';
import { ACME, BETA, identityDesk, productReport, REPORTER, SATO, type IdentityDesk } from '../support/identity-desk.ts';

let t: IdentityDesk;
let caseId: string;
beforeAll(async () => {
  t = await identityDesk({ beta: true });
  caseId = await t.report(productReport({ summary: 'SQL injection in the search API.' }), '<vuln-1@reporter.test>');
}, 120_000);
afterAll(async () => t?.close());

const XSS = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N';

async function confirmation(mark: number): Promise<string> {
  const mails = (await t.readAll(SATO, mark)).filter((m) => m.messageId.startsWith('<command-confirmation.'));
  expect(mails).toHaveLength(1);
  return mails[0]!.text;
}

describe('vulnerability commands by signed mail', () => {
  it('refuses an incomplete CVSS vector with bad-cvss and stores nothing', async () => {
    const mark = t.sent.length;
    await t.command(`X-CASE: ${caseId}\nX-ADD-VULNERABILITY: CWE-79 CVSS:3.1/AV:N/AC:L Stored XSS in the admin console\n`, '<v-cmd-0@coord.test>');
    const text = await confirmation(mark);
    expect(text).toMatch(/X-ADD-VULNERABILITY: not a valid CVSS v3\.1 or v4\.0 vector \(base metrics PR, UI, S, C, I, A missing\): "CVSS:3\.1\/AV:N\/AC:L"/);
    expect(text).toContain('Nothing was changed');
    const vulns = await listVulnerabilities(t.db, caseId);
    // Still only the implicit vulnerability 1, read from the report.
    expect(vulns.map((v) => [v.number, v.implicit])).toEqual([[1, true]]);
  }, 60_000);

  it('adds vulnerability 2 (vulnerability 1 stored from the report first), sets both CVE ids; each on the timeline', async () => {
    const mark = t.sent.length;
    await t.command(
      `X-CASE: ${caseId}\nX-脆弱性追加: CWE-79 ${XSS} Stored XSS in the admin console\nX-SET-CVE: 1 CVE-2026-40001\nX-CVE設定: 2 cve-2026-40002\n`,
      '<v-cmd-1@coord.test>',
    );
    const text = await confirmation(mark);
    expect(text).toContain('All 3 commands were applied.');
    expect(text).toContain('The case has a new vulnerability 2 (CWE-79, 6.1 MEDIUM)');
    expect(text).toContain('Vulnerability 1, read from the report until now, is stored as it stood.');
    const vulns = await listVulnerabilities(t.db, caseId);
    expect(vulns.map((v) => ({ n: v.number, summary: v.summary, cwe: v.cwe, score: v.cvss?.baseScore ?? null, cve: v.cveId, implicit: v.implicit }))).toEqual([
      { n: 1, summary: 'SQL injection in the search API.', cwe: 'CWE-89', score: null, cve: 'CVE-2026-40001', implicit: false },
      { n: 2, summary: 'Stored XSS in the admin console', cwe: 'CWE-79', score: 6.1, cve: 'CVE-2026-40002', implicit: false },
    ]);
    const events = (await listTimeline(t.db, caseId)).map((e) => [e.event, e.actor]);
    expect(events).toEqual(expect.arrayContaining([
      ['vulnerability-stored', 'desk'],
      ['vulnerability-added', 'coordinator:Sato'],
      ['cve-set', 'coordinator:Sato'],
    ]));
  }, 60_000);

  it('refuses a CVE id another vulnerability has (cve-taken) and a number the case does not have', async () => {
    const mark = t.sent.length;
    await t.command(`X-CASE: ${caseId}\nX-SET-CVE: 2 CVE-2026-40001\nX-SPLIT-VULNERABILITY: 9 nothing\n`, '<v-cmd-2@coord.test>');
    const text = await confirmation(mark);
    expect(text).toContain(`CVE-2026-40001 is already the CVE id of vulnerability 1 of case ${caseId}`);
    expect(text).toContain(`Case ${caseId} has no vulnerability 9`);
    expect((await listVulnerabilities(t.db, caseId)).map((v) => v.cveId)).toEqual(['CVE-2026-40001', 'CVE-2026-40002']);
  }, 60_000);
});

describe('a report with numbered vulnerability blocks (docs/report-form.md)', () => {
  it('opens a case with each block stored, 1 first; a CVSS that does not score is left out and said so', async () => {
    const tail = ['Vulnerability type 2: CWE-22', 'Summary 2: Path traversal in the export', 'CVSS 2: CVSS:3.1/AV:N', 'Vulnerability type 3: Cross-site scripting (CWE-79)', 'Summary 3: Stored XSS in the admin console', `CVSS 3: ${XSS}`].join('\n');
    const id = await t.report(productReport({ summary: 'SQL injection in the login form.', tail }), '<vuln-blocks@reporter.test>');
    const vulns = await listVulnerabilities(t.db, id);
    expect(vulns.map((v) => ({ n: v.number, summary: v.summary, cwe: v.cwe, score: v.cvss?.baseScore ?? null, implicit: v.implicit }))).toEqual([
      { n: 1, summary: 'SQL injection in the login form.', cwe: 'CWE-89', score: null, implicit: false },
      { n: 2, summary: 'Path traversal in the export', cwe: 'CWE-22', score: null, implicit: false },
      { n: 3, summary: 'Stored XSS in the admin console', cwe: 'CWE-79', score: 6.1, implicit: false },
    ]);
    const stored = (await listTimeline(t.db, id)).filter((e) => e.event === 'vulnerability-stored').map((e) => e.data as { number: number; from: string; cvssLeftOut?: string });
    expect(stored.map((d) => [d.number, d.from, d.cvssLeftOut !== undefined])).toEqual([
      [1, 'report', false],
      [2, 'report', true],
      [3, 'report', false],
    ]);
  }, 60_000);
});

describe('per-vulnerability status per vendor', () => {
  it("notifies each vendor of each vulnerability with its own status only, and a reply form with the Vulnerability line", async () => {
    const mark = t.sent.length;
    await t.command(`X-CASE: ${caseId}\nX-ADD-VENDOR: acme, beta\n`, '<v-cmd-3@coord.test>');
    const [acme] = (await t.readAll(ACME, mark)).filter((m) => m.messageId.startsWith('<vendor-notify.'));
    expect(acme).toBeDefined();
    const text = acme!.text;
    expect(text).toMatch(/Vulnerability 1\n[\s\S]*Type: {2}CWE-89\n {4}CVE: {3}CVE-2026-40001\n {4}Status:\n {6}- ACME Corporation \(Madoguchi Mail Server\): unknown/);
    expect(text).toMatch(/Vulnerability 2\n[\s\S]*CVSS: {2}6\.1 MEDIUM \(CVSS:3\.1\/AV:N\/AC:L\/PR:N\/UI:R\/S:C\/C:L\/I:L\/A:N\)\n {4}CVE: {3}CVE-2026-40002/);
    // No vendor learns another's name or status before publication.
    expect(text).not.toContain('Beta Soft');
    expect(text).toMatch(/^Vulnerability:$/m);
  }, 60_000);

  it('records a status for the vulnerability named, the other for all; an unknown number is refused', async () => {
    await t.vendorMail(ACME, `Re: [${caseId}] notice`, `Case ID: ${caseId}\nVulnerability: 1\nStatus: fixed\nFixed versions: 2.3.2\n`, '<acme-r1@acme.test>');
    const acmeMark = t.sent.length;
    await t.vendorMail(ACME, `Re: [${caseId}] notice`, `Case ID: ${caseId}\nVulnerability: 2\nStatus: not affected\n`, '<acme-r2@acme.test>');
    // ACME is told what it said for vulnerability 2, not its status over both.
    const recorded = (await t.readAll(ACME, acmeMark)).filter((m) => m.messageId.startsWith('<vendor-reply-recorded.'));
    expect(recorded).toHaveLength(1);
    expect(recorded[0]!.text).toContain('For vulnerability:  2 (the others keep what you said before)');
    expect(recorded[0]!.text).toContain('Status:  not affected');
    await t.vendorMail(BETA, `Re: [${caseId}] notice`, `Case ID: ${caseId}\nStatus: affected\n`, '<beta-r1@beta.test>');
    const mark = t.sent.length;
    await t.vendorMail(BETA, `Re: [${caseId}] notice`, `Case ID: ${caseId}\nVulnerability: 7\nStatus: not affected\n`, '<beta-r2@beta.test>');
    const statuses = (await listVendorVulnerabilityStatuses(t.db, caseId)).map((s) => [s.number, s.vendorId, s.status, s.fixedVersions]);
    expect(statuses).toEqual([
      [1, 'acme', 'fixed', '2.3.2'],
      [2, 'acme', 'not-affected', null],
    ]);
    const s = await loadSnapshot(t.db, caseId);
    // The rules keep one status per vendor: ACME's over both (fixed and not affected → fixed),
    // never "not affected" from its last reply alone. Beta's stands for both, unchanged by the refused reply.
    expect(s?.vendors.find((v) => v.id === 'acme')).toMatchObject({ status: 'fixed', fix: expect.stringMatching(/^fix-/) as unknown });
    expect(s?.vendors.find((v) => v.id === 'beta')).toMatchObject({ status: 'affected' });
    const refused = (await t.readAll(BETA, mark)).filter((m) => m.messageId.startsWith('<invalid.'));
    expect(refused).toHaveLength(1);
    expect(refused[0]!.text).toContain('names no vulnerability of this case');
    const events = (await listTimeline(t.db, caseId)).filter((e) => e.event === 'vendor-vulnerability-status').map((e) => e.data);
    expect(events).toEqual([
      { vendor: 'acme', numbers: [1], status: 'fixed' },
      { vendor: 'acme', numbers: [2], status: 'not-affected' },
    ]);
  }, 120_000);

  it("a split takes the CWE, CVSS and each vendor's statement of the vulnerability split, never its CVE id", async () => {
    await t.command(`X-CASE: ${caseId}\nX-SPLIT-VULNERABILITY: 2 Reflected XSS in the error page\n`, '<v-cmd-4@coord.test>');
    const v3 = (await listVulnerabilities(t.db, caseId)).find((v) => v.number === 3);
    expect(v3).toMatchObject({ summary: 'Reflected XSS in the error page', cwe: 'CWE-79', cveId: null, cvss: { vector: XSS, baseScore: 6.1 } });
    expect((await listVendorVulnerabilityStatuses(t.db, caseId)).filter((s) => s.number === 3).map((s) => [s.vendorId, s.status])).toEqual([['acme', 'not-affected']]);
    expect((await listTimeline(t.db, caseId)).some((e) => e.event === 'vulnerability-split' && (e.data as { from?: number }).from === 2)).toBe(true);
  }, 60_000);
});

describe("the coordinators' digest", () => {
  it('shows each vulnerability of the case line: number, CWE, score, CVE, each vendor status; never the summary', async () => {
    const digest = await gatherDigest(t.db, {
      day: jstDate(new Date()),
      now: new Date(),
      window: await previewWindow(t.db, SATO),
      settings: DEFAULT_SETTINGS,
      silentDays: 7,
      deskKey: t.signer.armoredPublic,
      coordinators: [],
    });
    const line = digest.sections.flatMap((s) => (s.kind === 'new' ? s.lines : [])).find((l) => l.type === 'case' && l.caseId === caseId);
    expect(line).toMatchObject({ vulnerabilities: [{ number: 1, cve: 'CVE-2026-40001' }, { number: 2, score: 6.1, severity: 'MEDIUM' }, { number: 3, cve: null }] });
    const { text } = renderNotice('digest', 'en', digest);
    expect(text).toContain('      vulnerability 1 CWE-89 no CVSS CVE-2026-40001 acme:fixed beta:affected\n');
    expect(text).toContain('      vulnerability 2 CWE-79 6.1 MEDIUM CVE-2026-40002 acme:not-affected beta:affected\n');
    expect(text).toContain('      vulnerability 3 CWE-79 6.1 MEDIUM no CVE acme:not-affected beta:affected\n');
    expect(text).not.toContain('Stored XSS');
  }, 60_000);
});

describe('the advisory and the CSAF document say the same (one source)', () => {
  it('publishes an advisory with each vulnerability and the vendors’ statuses; the CSAF document is valid and agrees', async () => {
    const mark = t.sent.length;
    const today = new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);
    await t.command(`X-CASE: ${caseId}\nX-SET-DATE: ${today}\nX-PUBLISH\n`, '<v-cmd-5@coord.test>');
    const [advisory] = (await t.readAll(REPORTER, mark)).filter((m) => m.messageId.startsWith('<advisory.'));
    expect(advisory).toBeDefined();
    const text = advisory!.text;
    const block = (n: number): string => {
      const start = text.indexOf(`  Vulnerability ${n}\n`);
      expect(start, `vulnerability ${n} in the advisory`).toBeGreaterThan(0);
      const next = text.indexOf('  Vulnerability ', start + 10);
      return text.slice(start, next > start ? next : text.indexOf('\nSolution', start));
    };
    expect(text).toContain('3 vulnerabilities have been found in Madoguchi Mail Server');
    expect(block(1)).toMatch(/CVE: {3}CVE-2026-40001/);
    expect(block(1)).toContain('- ACME Corporation (Madoguchi Mail Server): vulnerable, fix available; fixed in 2.3.2');
    expect(block(1)).toContain('- Beta Soft (Beta Mail Gateway): vulnerable\n');
    expect(block(2)).toContain('6.1 MEDIUM');
    expect(block(2)).toContain('- ACME Corporation (Madoguchi Mail Server): not vulnerable');
    expect(block(3)).toContain('CVE:   not assigned yet');
    // The steps to reproduce never reach the advisory (guideline §2).
    expect(text).not.toContain("q=' OR");

    const model = await loadExportCase(t.db, caseId);
    const { document } = buildCsaf(model, PUBLISHER);
    const validation = await validateCsaf(document);
    expect(validation.errors ?? [], JSON.stringify(validation)).toEqual([]);
    expect(validation.valid).toBe(true);

    // The same CVEs, scores, product statuses and fixed versions in both.
    type Doc = { product_tree: { branches: { name: string; branches: { name: string; branches: { name: string; product: { product_id: string } }[] }[] }[] }; vulnerabilities: { cve?: string; scores?: { cvss_v3: { baseScore: number } }[]; product_status?: Record<string, string[]>; title: string }[] };
    const doc = document as unknown as Doc;
    const productOf = new Map<string, { vendor: string; version: string }>();
    for (const vendor of doc.product_tree.branches) for (const p of vendor.branches) for (const v of p.branches) productOf.set(v.product.product_id, { vendor: vendor.name, version: v.name });
    expect(doc.vulnerabilities.map((v) => v.cve ?? null)).toEqual(['CVE-2026-40001', 'CVE-2026-40002', null]);
    for (const [i, v] of doc.vulnerabilities.entries()) {
      const b = block(i + 1);
      if (v.cve) expect(b).toContain(v.cve);
      for (const s of v.scores ?? []) expect(b).toContain(`${s.cvss_v3.baseScore.toFixed(1)} `);
      const status = v.product_status ?? {};
      for (const pid of status.known_not_affected ?? []) expect(b).toContain(`- ${productOf.get(pid)!.vendor} (`);
      for (const pid of status.known_not_affected ?? []) expect(b).toMatch(new RegExp(`- ${productOf.get(pid)!.vendor} \\([^)]*\\): not vulnerable`));
      for (const pid of status.known_affected ?? []) expect(b).toMatch(new RegExp(`- ${productOf.get(pid)!.vendor} \\([^)]*\\): vulnerable`));
      for (const pid of status.fixed ?? []) expect(b).toContain(`fixed in ${productOf.get(pid)!.version}`);
      for (const pid of status.under_investigation ?? []) expect(b).toMatch(new RegExp(`- ${productOf.get(pid)!.vendor} \\([^)]*\\): unknown`));
    }
    // Vulnerability 1: ACME fixed in 2.3.2 in both, Beta affected in both.
    const fixed1 = (doc.vulnerabilities[0]!.product_status?.fixed ?? []).map((pid) => productOf.get(pid));
    expect(fixed1).toEqual([{ vendor: 'ACME Corporation', version: '2.3.2' }]);
  }, 120_000);
});

describe('"affected, fixed in" for one vulnerability (found by the real-mail two-vulnerability case)', () => {
  it('keeps the fixed versions: stored, shown, in the advisory text, and a fix in the CSAF document and the CVE record alike', async () => {
    const tail = ['Vulnerability type 2: CWE-22', 'Summary 2: Path traversal in the export', `CVSS 2: ${XSS}`].join('\n');
    const id = await t.report(productReport({ summary: 'SQL injection in the report filter.', tail }), '<vuln-fixed-in@reporter.test>');
    await t.command(`X-CASE: ${id}\nX-ADD-VENDOR: acme\nX-SET-CVE: 1 CVE-2026-40101\nX-SET-CVE: 2 CVE-2026-40102\n`, '<v-cmd-6@coord.test>');
    // mail-protocol §4: 影響あり with 修正バージョン, for vulnerability 1 only; 2 not affected.
    await t.vendorMail(ACME, `Re: [${id}] notice`, `Case ID: ${id}\nVulnerability: 1\nStatus: affected\nFixed versions: 2.3.5\n`, '<acme-fi1@acme.test>');
    await t.vendorMail(ACME, `Re: [${id}] notice`, `Case ID: ${id}\nVulnerability: 2\nStatus: not affected\nFixed versions: 9.9.9\n`, '<acme-fi2@acme.test>');
    // Stored with its fixed versions (a "not affected" one names no fix: its line is dropped).
    expect((await listVendorVulnerabilityStatuses(t.db, id)).map((s) => [s.number, s.status, s.fixedVersions])).toEqual([
      [1, 'affected', '2.3.5'],
      [2, 'not-affected', null],
    ]);
    const model = await loadExportCase(t.db, id);
    // `cases show` and the digest (the views), and the advisory's blocks and vendor list.
    expect((await loadVulnerabilityViews(t.db, id)).map((v) => v.vendors.map((x) => [x.status, x.fixedVersions]))).toEqual([[['affected', '2.3.5']], [['not-affected', null]]]);
    const facts = vulnerabilityFacts(model);
    expect(noticeVulnerabilities(facts, (_id, n) => n).map((v) => v.statuses.map((s) => [s.status, s.fixedVersions]))).toEqual([[['affected', '2.3.5']], [['not-affected', undefined]]]);
    expect(vendorOverall(facts, 'acme')).toEqual({ status: 'affected', fixedVersions: '2.3.5' });
    // The CSAF document: known_affected and a `fixed` product 2.3.5 for vulnerability 1.
    const { document } = buildCsaf(model, PUBLISHER);
    expect((await validateCsaf(document)).errors).toEqual([]);
    const doc = document as unknown as { vulnerabilities: { product_status?: Record<string, string[]> }[] };
    expect(Object.keys(doc.vulnerabilities[0]!.product_status ?? {}).sort()).toEqual(['fixed', 'known_affected']);
    // The CVE record: the fixed version unaffected, and a solution naming it.
    const [r1] = buildCveRecords(model, PUBLISHER, { orgId: '8254265b-2729-46b6-b9e3-3dfca2d5bfca', shortName: null }).records as { containers: { cna: { affected: { versions?: { version: string; status: string }[] }[]; solutions?: { value: string }[] } } }[];
    expect(r1!.containers.cna.affected[0]!.versions).toEqual([
      { version: '2.3.1', status: 'affected' },
      { version: '2.3.5', status: 'unaffected' },
    ]);
    expect(r1!.containers.cna.solutions?.map((s) => s.value)).toEqual(['ACME Corporation: fixed in 2.3.5.']);
    // The published advisory, as rendered and sent (its schema lets an affected vendor's fix through).
    const mark = t.sent.length;
    const today = new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);
    await t.command(`X-CASE: ${id}\nX-SET-DATE: ${today}\nX-PUBLISH\n`, '<v-cmd-7@coord.test>');
    const [advisory] = (await t.readAll(ACME, mark)).filter((m) => m.messageId.startsWith('<advisory.'));
    expect(advisory).toBeDefined();
    expect(advisory!.text).toContain('- ACME Corporation (Madoguchi Mail Server): vulnerable; fixed in 2.3.5\n');
    expect(advisory!.text).toContain('- ACME Corporation (Madoguchi Mail Server): not vulnerable\n');
    expect(advisory!.text).toMatch(/Solution\n {2}- ACME Corporation \(Madoguchi Mail Server\)\n {6}Fixed in: 2\.3\.5\n/);
  }, 120_000);
});
