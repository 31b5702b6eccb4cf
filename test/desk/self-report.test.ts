// issue 12 (guideline §6): a registered vendor's signed, encrypted self-report opens a case
// of kind `self-report`: the vendor is answered encrypted with the case id and is never
// sent the vulnerability notification; the coordinators are told; its date is the agreed
// date, which a coordinator moves with X-SET-DATE (the vendor told); with the clock moved
// to that day the tick publishes it, and the CSAF export of the case is valid.
// Real PostgreSQL, real OpenPGP keys on both sides (openpgp.js), jobs run in order.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileSchema } from '../../src/adapters/ajv.ts';
import { validateCsaf } from '../../src/adapters/csaf-validator.ts';
import { addCalendarDays, jstDate, jstStartOfDay } from '../../src/domain/clock.ts';
import { buildCsaf } from '../../src/export/csaf.ts';
import { loadExportCase } from '../../src/export/load.ts';
import { getCase, nextCaseId } from '../../src/store/repo.ts';
import { ACME, SATO, authorityWorld, encryptEntity, pgpMimeMail, textPart, type AuthorityWorld } from '../support/authority-desk.ts';
import { deskCliAsync } from '../support/desk.ts';
import { decryptNotice } from '../support/partner-desk.ts';

let w: AuthorityWorld;
beforeAll(async () => {
  w = await authorityWorld();
  // The world's two cases were created without the counter: step it past them.
  const year = new Date(Date.now() + 9 * 3_600_000).getUTCFullYear();
  await nextCaseId(w.db, 'VR', year);
  await nextCaseId(w.db, 'VR', year);
}, 60_000);
afterAll(async () => w?.close());

const DAY = 86_400_000;
const PUBLISHER = { name: 'madoguchi test desk', namespace: 'https://desk.example', advisoryUrl: 'https://desk.example/advisories/{case}' };

/** The self-report form (docs/partner-form.md), Japanese labels. */
function selfReportForm(date: string, extra: string[] = []): string {
  return [
    '製品名：Acme Router',
    '影響を受けるバージョン：1.0 から 1.4',
    '修正バージョン：1.5',
    '脆弱性の概要：管理画面にクロスサイトスクリプティングの脆弱性があります。',
    `公表希望日：${date}`,
    'アドバイザリURL：https://acme.test/security/2027-01',
    'CVSS：CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N',
    ...extra,
  ].join('\n') + '\n';
}

const mail = async (body: string, id: string): Promise<Buffer> => pgpMimeMail({ from: ACME, subject: 'Self-report', messageId: id }, await encryptEntity(w, textPart(body), w.acme));

const caseOf = async (messageId: number): Promise<string | null> =>
  (await w.db.query<{ id: string }>('SELECT id FROM cases WHERE opened_from = $1', [messageId]))[0]?.id ?? null;

describe('a vendor self-report to publication', () => {
  const date = jstDate(new Date(Date.now() + 20 * DAY));
  const moved = addCalendarDays(date, 5);
  let caseId: string;

  it('opens a case of kind self-report with the vendor as the party that fixed, and its date agreed', async () => {
    const m = await w.deliver(await mail(selfReportForm(date), '<sr1@acme.test>'));
    caseId = (await caseOf(m))!;
    expect(caseId).toMatch(/^VR-\d{4}-\d{4}$/);
    expect((await getCase(w.db, caseId))?.kind).toBe('self-report');
    const s = await w.snapshot(caseId);
    expect(s.em).toBe('active');
    expect(s.publication.agreed).toBe(date);
    expect(s.vendors).toHaveLength(1);
    expect(s.vendors[0]).toMatchObject({ id: 'acme', coordination: 'answered', fix: 'fix-ready', status: 'fixed', fixedVersions: '1.5', advisoryUrl: 'https://acme.test/security/2027-01' });
  }, 60_000);

  it('never notifies the vendor of its own report; answers it encrypted with the case id', async () => {
    const mine = (await w.notices()).filter((n) => n.id.includes(caseId));
    expect(mine.filter((n) => n.kind === 'vendor-notify' || n.kind === 'vendor-remind')).toEqual([]);
    const [answer] = mine.filter((n) => n.kind === 'self-report-answer');
    expect(answer?.recipient).toBe(ACME);
    expect(answer?.state).toBe('sent');
    const text = await decryptNotice(answer!.raw, w.acme);
    expect(text).toContain(caseId);
    expect(text).toContain('自己届出）を受け付け、案件を開始しました');
  }, 60_000);

  it('tells the coordinators, encrypted, what the vendor reported', async () => {
    const [n] = (await w.notices('coord-self-report')).filter((x) => x.id.includes(caseId));
    expect(n?.recipient).toBe(SATO);
    const text = await decryptNotice(n!.raw, w.sato);
    expect(text).toContain('Acme Router');
    expect(text).toContain('1.5');
    expect(text).toContain('X-SET-DATE');
  }, 60_000);

  it('a coordinator moves the date with X-SET-DATE; the vendor is told the new date', async () => {
    const body = textPart(`X-CASE: ${caseId}\nX-SET-DATE: ${moved}\n`);
    await w.deliver(pgpMimeMail({ from: SATO, subject: `[${caseId}] date`, messageId: '<sr-cmd1@coord.test>' }, await encryptEntity(w, body, w.sato)));
    expect((await w.snapshot(caseId)).publication.agreed).toBe(moved);
    const [n] = (await w.notices('vendor-schedule')).filter((x) => x.id.includes(caseId));
    expect(n?.recipient).toBe(ACME);
    const text = await decryptNotice(n!.raw, w.acme);
    expect(text).toContain(caseId);
  }, 60_000);

  it('the tick does not publish before the agreed day, and publishes on it (clock moved)', async () => {
    w.now = new Date(jstStartOfDay(moved).getTime() - 3_600_000);
    await w.desk.tickAll();
    expect((await w.snapshot(caseId)).publishedAt).toBeNull();
    w.now = new Date(jstStartOfDay(moved).getTime() + 3_600_000);
    await w.desk.tickAll();
    const s = await w.snapshot(caseId);
    expect(s.publishedAt).not.toBeNull();
    expect(s.em).toBe('exited');
    const advisories = (await w.notices('advisory')).filter((n) => n.id.includes(caseId));
    expect(advisories.map((n) => n.recipient).sort()).toEqual([ACME, SATO].sort());
    const text = await decryptNotice(advisories.find((n) => n.recipient === SATO)!.raw, w.sato);
    expect(text).toContain('Acme Router');
    expect(text).toContain('1.5');
  }, 60_000);

  it('its CSAF export is final and valid, with the vendor fix', async () => {
    const { document } = buildCsaf(await loadExportCase(w.db, caseId), PUBLISHER);
    const doc = document as { document: { tracking: { status: string } }; vulnerabilities: { product_status?: Record<string, string[]>; remediations?: { category: string }[] }[] };
    expect(doc.document.tracking.status).toBe('final');
    expect(doc.vulnerabilities[0]?.product_status?.fixed?.length).toBeGreaterThan(0);
    expect(doc.vulnerabilities[0]?.remediations?.map((r) => r.category)).toContain('vendor_fix');
    const r = await validateCsaf(document);
    expect(r.errors).toEqual([]);
  }, 60_000);
});

describe('a self-report the desk cannot take', () => {
  it('a missing field: answered encrypted with the field, no case', async () => {
    w.now = null;
    const body = selfReportForm(jstDate(new Date(Date.now() + 20 * DAY))).replace(/^修正バージョン：.*\n/mu, '');
    const m = await w.deliver(await mail(body, '<sr2@acme.test>'));
    expect(await caseOf(m)).toBeNull();
    const n = (await w.notices('self-report-answer')).find((x) => x.message_ref === m)!;
    const text = await decryptNotice(n.raw, w.acme);
    expect(text).toContain('必須の項目がありません');
    expect(text).toContain('- fixedVersions');
    expect((await w.timeline('self-report-refused')).map((t) => t.data.reason)).toContain('form-incomplete');
  }, 60_000);

  it('a publication day that is today (JST): date-not-ahead, no case', async () => {
    const m = await w.deliver(await mail(selfReportForm(jstDate(new Date())), '<sr3@acme.test>'));
    expect(await caseOf(m)).toBeNull();
    const n = (await w.notices('self-report-answer')).find((x) => x.message_ref === m)!;
    expect(await decryptNotice(n.raw, w.acme)).toContain('本日（日本時間）より後の日付');
  }, 60_000);

  it('a day that does not exist: form-invalid naming the field', async () => {
    const m = await w.deliver(await mail(selfReportForm('2027-02-30'), '<sr4@acme.test>'));
    expect(await caseOf(m)).toBeNull();
    const text = await decryptNotice((await w.notices('self-report-answer')).find((x) => x.message_ref === m)!.raw, w.acme);
    expect(text).toContain('proposedPublication: bad-date');
  }, 60_000);
});

// issue 12: the vulnerability a self-report gives is stored in the case's vulnerabilities
// table at intake (vulnerability 1: the summary, the CVE id as given, the vector scored),
// so `cases show`, the CSAF document and the CVE JSON 5 record carry its CVE id.
describe('a self-report with a CVE id', () => {
  const CVE = 'CVE-2027-40001';
  const CVE_SCHEMA = '/work/shared/standards/cve/CVE_Record_Format_bundled.json';
  const cli = deskCliAsync(() => ({ DATABASE_URL: w.url, MADOGUCHI_CSAF_NAMESPACE: 'https://desk.example', MADOGUCHI_ADVISORY_URL: 'https://desk.example/advisories/{case}', MADOGUCHI_CVE_ORG_ID: '8254265b-2729-46b6-b9e3-3dfca2d5bfca' }));
  const date = jstDate(new Date(Date.now() + 20 * DAY));
  let caseId: string;

  it('stores vulnerability 1 with the CVE id and the scored vector, in the transaction that opens the case', async () => {
    w.now = null;
    const m = await w.deliver(await mail(selfReportForm(date, [`CVE番号：${CVE}`]), '<sr-cve1@acme.test>'));
    caseId = (await caseOf(m))!;
    expect(caseId).toMatch(/^VR-\d{4}-\d{4}$/);
    const rows = await w.db.query<{ number: number; cve_id: string | null; cvss_vector: string | null; cvss_score: string; summary: string }>('SELECT number, cve_id, cvss_vector, cvss_score::text, summary FROM vulnerabilities WHERE case_id = $1', [caseId]);
    expect(rows).toEqual([{ number: 1, cve_id: CVE, cvss_vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', cvss_score: '6.1', summary: '管理画面にクロスサイトスクリプティングの脆弱性があります。' }]);
    const stored = (await w.db.query<{ data: { from: string; cve: string } }>(`SELECT data FROM timeline WHERE case_id = $1 AND event = 'vulnerability-stored'`, [caseId])).map((r) => r.data);
    expect(stored).toMatchObject([{ from: 'self-report', cve: CVE }]);
  }, 60_000);

  it('cases show --json gives the vulnerability with its CVE id and the vendor fixed', async () => {
    const r = await cli(['cases', 'show', caseId, '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const shown = JSON.parse(r.stdout) as { vulnerabilities: { number: number; cve: string | null; fromReport: boolean; cvss: { baseScore: number } | null; vendors: { id: string; status: string }[] }[] };
    expect(shown.vulnerabilities).toHaveLength(1);
    expect(shown.vulnerabilities[0]).toMatchObject({ number: 1, cve: CVE, fromReport: false, cvss: { baseScore: 6.1 }, vendors: [{ id: 'acme', status: 'fixed' }] });
  }, 120_000);

  it('the CSAF document carries the CVE id and is valid', async () => {
    const { document } = buildCsaf(await loadExportCase(w.db, caseId), PUBLISHER);
    const doc = document as { vulnerabilities: { cve?: string }[] };
    expect(doc.vulnerabilities.map((x) => x.cve)).toEqual([CVE]);
    expect((await validateCsaf(document)).errors).toEqual([]);
  }, 60_000);

  it('export cve gives its CVE JSON 5 record, valid against the CVE record schema', async () => {
    const r = await cli(['export', 'cve', caseId, '--schema', CVE_SCHEMA]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const records = JSON.parse(r.stdout) as { cveMetadata: { cveId: string } }[];
    expect(records.map((x) => x.cveMetadata.cveId)).toEqual([CVE]);
    const validate = compileSchema(JSON.parse(readFileSync(CVE_SCHEMA, 'utf8')) as object);
    const v = validate(records[0]);
    expect(v.valid ? [] : v.errors).toEqual([]);
  }, 120_000);

  it('the same CVE id in another self-report: cve-taken, no case, nothing stored', async () => {
    const m = await w.deliver(await mail(selfReportForm(date, [`CVE番号：${CVE}`]), '<sr-cve2@acme.test>'));
    expect(await caseOf(m)).toBeNull();
    const text = await decryptNotice((await w.notices('self-report-answer')).find((x) => x.message_ref === m)!.raw, w.acme);
    expect(text).toContain('別の案件の脆弱性にすでに付いています');
    expect((await w.timeline('self-report-refused')).map((t) => t.data.reason)).toContain('cve-taken');
    expect(await w.db.query('SELECT case_id FROM vulnerabilities WHERE cve_id = $1', [CVE])).toEqual([{ case_id: caseId }]);
  }, 60_000);

  it('two CVE ids for one vulnerability: form-invalid (cve: too-many-items), never one picked', async () => {
    const m = await w.deliver(await mail(selfReportForm(date, ['CVE番号：CVE-2027-40002, CVE-2027-40003']), '<sr-cve3@acme.test>'));
    expect(await caseOf(m)).toBeNull();
    const text = await decryptNotice((await w.notices('self-report-answer')).find((x) => x.message_ref === m)!.raw, w.acme);
    expect(text).toContain('cve: too-many-items');
    expect(await w.db.query(`SELECT cve_id FROM vulnerabilities WHERE cve_id LIKE 'CVE-2027-4000%' AND cve_id <> $1`, [CVE])).toEqual([]);
  }, 60_000);

  it('a CVE id that is not one, or a vector that does not score: refused naming the field', async () => {
    const m1 = await w.deliver(await mail(selfReportForm(date, ['CVE番号：CVE-2027-12']), '<sr-cve4@acme.test>'));
    expect(await caseOf(m1)).toBeNull();
    expect(await decryptNotice((await w.notices('self-report-answer')).find((x) => x.message_ref === m1)!.raw, w.acme)).toContain('cve: bad-cve');
    // The shape of a vector, but a value v3.1 does not define (AV:Q): not stored unscored.
    const body = selfReportForm(date).replace('CVSS:3.1/AV:N/', 'CVSS:3.1/AV:Q/');
    const m2 = await w.deliver(await mail(body, '<sr-cve5@acme.test>'));
    expect(await caseOf(m2)).toBeNull();
    expect(await decryptNotice((await w.notices('self-report-answer')).find((x) => x.message_ref === m2)!.raw, w.acme)).toContain('cvss: bad-cvss');
  }, 60_000);
});
