// `madoguchi cases list|show` and `vendors` through the bin script, on PostgreSQL: each
// case as it is now (issue 10, truthful state), its filters, and unknown values refused.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDeskKey } from '../../src/crypto/openpgp.ts';
import { applyEvent, saveSnapshot } from '../../src/desk/coordination.ts';
import { newProductCase, type ProductEvent } from '../../src/rules/product.ts';
import { openDb, type Db } from '../../src/store/db.ts';
import { insertHandover } from '../../src/store/handovers.ts';
import { linkPartnerCase, upsertPartner } from '../../src/store/partners.ts';
import { appendTimeline, createCase } from '../../src/store/repo.ts';
import { ensureDeskKeys } from '../../src/desk/keys.ts';
import { setVendorVulnerabilityStatus } from '../../src/store/vulnerabilities.ts';
import { freshDatabase, query } from '../support/desk.ts';
import { ROOT } from '../support/paths.ts';

let db: Awaited<ReturnType<typeof freshDatabase>>;
let work: string;
const run = (args: string[]) =>
  spawnSync(process.execPath, [join(ROOT, 'bin', 'madoguchi.js'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, DATABASE_URL: db.url } });

const DAY = 86_400_000;
const ACME = { id: 'acme', name: 'ACME Corporation', product: 'ACME Router 1.0' };
const BETA = { id: 'beta', name: 'Beta Soft', product: 'Beta CMS 2.3' };
const reporter = { name: '山田 太郎', consent: { shareIdentity: false, directContact: false, credit: false } };

/** A product case as screening opens it, then stepped by the rules at the given instants. */
async function productCase(store: Db, id: string, steps: [Date, ProductEvent][]): Promise<void> {
  await createCase(store, { id, kind: 'product', state: 'accepted', lang: 'ja', report: { kind: 'product' }, reporterEmail: 'taro@reporter.test' });
  await saveSnapshot(store, newProductCase({ id, reporter }));
  for (const [at, e] of steps) await applyEvent(store, id, e, at, 'coordinator:sato');
}

beforeAll(async () => {
  db = await freshDatabase();
  work = mkdtempSync(join(tmpdir(), 'mdg-cli-'));
  const store = await openDb({ databaseUrl: db.url });
  const now = Date.now();
  await productCase(store, 'VR-2026-0007', []);
  await appendTimeline(store, { caseId: 'VR-2026-0007', actor: 'desk', event: 'state:accepted' });
  // Coordinating: acme answered affected, beta silent; 起算日 two days ago, not overdue.
  await productCase(store, 'VR-2026-0010', [
    [new Date(now - 2 * DAY), { type: 'add-vendor', vendor: ACME }],
    [new Date(now - 2 * DAY), { type: 'add-vendor', vendor: BETA }],
    [new Date(now - DAY), { type: 'vendor-reply', vendorId: 'acme', reply: { status: 'affected' } }],
  ]);
  // Stopped after a vendor was notified.
  await productCase(store, 'VR-2026-0011', [
    [new Date(now - 3 * DAY), { type: 'add-vendor', vendor: BETA }],
    [new Date(now - 3 * DAY), { type: 'stop', reason: { kind: 'not-reproducible' } }],
  ]);
  // 起算日 2026-01-05: the 45-day target passed long ago with no agreed date.
  await productCase(store, 'VR-2026-0012', [[new Date('2026-01-05T01:00:00Z'), { type: 'add-vendor', vendor: ACME }]]);
  await createCase(store, { id: 'VR-2026-0013', kind: 'website', state: 'accepted', lang: 'en', report: { kind: 'website' } });
  // VR-2026-0007 handed over to CERT/CC (issue 12 "Outbound"), which answered with its id, a status and a date.
  const certcc = await generateDeskKey('CERT/CC', 'cert@certcc.test');
  await upsertPartner(store, { id: 'certcc', name: 'CERT/CC', caseIdPattern: 'VU#{6}', contacts: { to: ['cert@certcc.test'] }, keys: [{ fingerprint: certcc.fingerprint, armored: certcc.armoredPublic }] }, 'test');
  await insertHandover(store, { caseId: 'VR-2026-0007', partnerId: 'certcc', noticeId: '<partner-handover.VR-2026-0007.certcc@desk.test>', handedBy: 'coordinator:Sato', at: new Date(now - DAY) });
  await appendTimeline(store, { caseId: 'VR-2026-0007', actor: 'coordinator:Sato', event: 'case-handed-over', data: { partner: 'certcc', held: false } });
  await linkPartnerCase(store, 'VR-2026-0007', 'certcc', 'VU#777001', 'partner:certcc');
  await appendTimeline(store, { caseId: 'VR-2026-0007', actor: 'partner:certcc', event: 'partner-handover-answer', data: { partner: 'certcc', status: 'accepted', partnerRef: 'VU#777001', requestedDate: '2027-04-01', applied: false } });
  await store.close();
}, 60_000);

afterAll(async () => {
  await db?.drop();
  if (work) rmSync(work, { recursive: true, force: true });
});

const JST_UTC = String.raw`\d{4}-\d\d-\d\d \d\d:\d\d JST \((\d{4}-\d\d-\d\d )?\d\d:\d\d UTC\)`;
const ids = (stdout: string): string[] => stdout.trim().split('\n').map((l) => l.split('\t')[0] ?? '');

describe('madoguchi cases list', () => {
  it('shows each case as it is now: state, vendors and their status, 起算日, dates JST with UTC, last activity, who the desk waits for', () => {
    const p = run(['cases', 'list']);
    expect(p.status, p.stderr).toBe(0);
    expect(ids(p.stdout)).toEqual(['VR-2026-0007', 'VR-2026-0010', 'VR-2026-0011', 'VR-2026-0012', 'VR-2026-0013']);
    const line = (id: string): string[] => p.stdout.split('\n').find((l) => l.startsWith(id))?.split('\t') ?? [];
    expect(line('VR-2026-0007').slice(0, 4)).toEqual(['VR-2026-0007', 'product', 'accepted', 'vendors —']);
    const coordinating = line('VR-2026-0010');
    expect(coordinating.slice(0, 4)).toEqual(['VR-2026-0010', 'product', 'coordinating', 'vendors acme: answered affected, beta: notified']);
    expect(coordinating[4]).toMatch(new RegExp(`^起算日 ${JST_UTC}$`));
    expect(coordinating[5]).toMatch(new RegExp(`^target ${JST_UTC}$`));
    expect(coordinating[6]).toMatch(new RegExp(`^last ${JST_UTC}$`));
    expect(coordinating[7]).toBe('waiting for vendor:beta, coordinator');
    expect(line('VR-2026-0011').slice(0, 4)).toEqual(['VR-2026-0011', 'product', 'stopped', 'vendors beta: notified']);
    expect(line('VR-2026-0011')[7]).toBe('waiting for —');
    expect(line('VR-2026-0012').slice(2, 6)).toEqual(['coordinating OVERDUE', 'vendors acme: notified', '起算日 2026-01-05 00:00 JST (2026-01-04 15:00 UTC)', 'target 2026-02-19 00:00 JST (2026-02-18 15:00 UTC)']);
    expect(line('VR-2026-0013').slice(0, 3)).toEqual(['VR-2026-0013', 'website', 'accepted']);
  });

  it('filters by state (several allowed), vendor and overdue', () => {
    expect(ids(run(['cases', 'list', '--state', 'stopped']).stdout)).toEqual(['VR-2026-0011']);
    expect(ids(run(['cases', 'list', '--state', 'stopped', 'accepted']).stdout)).toEqual(['VR-2026-0007', 'VR-2026-0011', 'VR-2026-0013']);
    expect(ids(run(['cases', 'list', '--vendor', 'acme']).stdout)).toEqual(['VR-2026-0010', 'VR-2026-0012']);
    expect(ids(run(['cases', 'list', '--vendor', 'beta', '--state', 'coordinating']).stdout)).toEqual(['VR-2026-0010']);
    expect(ids(run(['cases', 'list', '--overdue']).stdout)).toEqual(['VR-2026-0012']);
    expect(run(['cases', 'list', '--state', 'published']).stdout.trim()).toBe('no cases');
  });

  it('refuses an unknown state or vendor instead of listing nothing', () => {
    const bogus = run(['cases', 'list', '--state', 'bogus']);
    expect(bogus.status).toBe(2);
    expect(bogus.stderr).toMatch(/argument 'bogus' is invalid.*Allowed choices are received, deferred, accepted, coordinating/s);
    expect(bogus.stdout).toBe('');
    const vendor = run(['cases', 'list', '--vendor', 'nosuch']);
    expect(vendor.status).toBe(2);
    expect(vendor.stderr).toContain('no vendor "nosuch"');
    expect(vendor.stdout).toBe('');
  });

  it('--json gives the same views, instants in UTC and the JST dates', () => {
    const p = run(['cases', 'list', '--json', '--vendor', 'acme']);
    expect(p.status, p.stderr).toBe(0);
    const rows = JSON.parse(p.stdout) as { id: string; state: string; overdue: boolean; overdueReasons: string[]; startDateJst: string; targetJst: string; vendors: { id: string; status: string; firstContactAt: string }[]; waitingFor: { who: string }[] }[];
    expect(rows.map((r) => [r.id, r.state, r.overdue])).toEqual([
      ['VR-2026-0010', 'coordinating', false],
      ['VR-2026-0012', 'coordinating', true],
    ]);
    expect(rows[1]).toMatchObject({ startDateJst: '2026-01-05', targetJst: '2026-02-19', overdueReasons: ['the publication target 2026-02-19 has passed with no agreed date'] });
    expect(rows[1]?.vendors[0]).toMatchObject({ id: 'acme', status: 'notified', firstContactAt: '2026-01-05T01:00:00.000Z' });
  });
});

describe('madoguchi cases show', () => {
  it('shows a case as it is now, with its timeline, and the read itself is logged', async () => {
    const p = run(['cases', 'show', 'VR-2026-0010', '--actor', 'coordinator:sato']);
    expect(p.status, p.stderr).toBe(0);
    expect(p.stdout).toContain('state: coordinating');
    expect(p.stdout).toMatch(new RegExp(`^起算日 +${JST_UTC}$`, 'm'));
    expect(p.stdout).toMatch(new RegExp(`^target +${JST_UTC} \\(起算日 \\+ 45 days\\)$`, 'm'));
    expect(p.stdout).toMatch(/^agreed +—$/m);
    expect(p.stdout).toMatch(/^overdue +no$/m);
    expect(p.stdout).toMatch(/^ {2}vendor:beta: an answer \(reminder 1 of 3 on \d{4}-\d\d-\d\d\)$/m);
    expect(p.stdout).toMatch(/^ {2}coordinator: agree the publication date \(X-SET-DATE\): \d{4}-\d\d-\d\d proposed by desk$/m);
    expect(p.stdout).toMatch(new RegExp(`^  acme  ACME Corporation  answered affected  起算日 \\d{4}-\\d\\d-\\d\\d  last written to ${JST_UTC}  last answer ${JST_UTC}$`, 'm'));
    expect(p.stdout).toMatch(/^ {2}beta {2}Beta Soft {2}notified /m);
    expect(p.stdout).toContain('state:coordination:answered  {"vendor":"acme"}');
    const reads = await query<{ actor: string }>(db.url, `SELECT actor FROM timeline WHERE case_id = 'VR-2026-0010' AND event = 'case-read'`);
    expect(reads).toEqual([{ actor: 'coordinator:sato' }]);
  });

  it('a stopped case shows stopped and waits for nothing; the read is not its last activity', async () => {
    const [last] = await query<{ at: Date }>(db.url, `SELECT max(at) AS at FROM timeline WHERE case_id = 'VR-2026-0011'`);
    const p = run(['cases', 'show', 'VR-2026-0011']);
    expect(p.status, p.stderr).toBe(0);
    expect(p.stdout).toContain('state: stopped');
    expect(p.stdout).toMatch(/^waiting for:\n {2}nothing \(the case is over\)$/m);
    const again = run(['cases', 'show', 'VR-2026-0011', '--json']);
    const v = JSON.parse(again.stdout) as { state: string; lastActivity: string; waitingFor: unknown[]; timeline: { event: string }[] };
    expect(v.state).toBe('stopped');
    expect(v.waitingFor).toEqual([]);
    expect(v.lastActivity).toBe(last?.at.toISOString());
    expect(v.timeline.filter((t) => t.event === 'case-read')).toHaveLength(2);
  });

  it('a case handed over to a partner shows the partner, its id, its status and the date it asked for', () => {
    const p = run(['cases', 'show', 'VR-2026-0007']);
    expect(p.status, p.stderr).toBe(0);
    expect(p.stdout).toMatch(new RegExp(`^partners:\n {2}certcc {2}VU#777001 {2}handed over ${JST_UTC} by coordinator:Sato {2}status accepted {2}requested 2027-04-01 \\(not applied\\)$`, 'm'));
    expect(p.stdout).toMatch(/ {2}coordinator:Sato {2}case-handed-over {2}\{.*"partner": ?"certcc"/u);
    expect(p.stdout).toMatch(/ {2}partner:certcc {2}partner-handover-answer {2}\{.*"status": ?"accepted"/u);
    const json = JSON.parse(run(['cases', 'show', 'VR-2026-0007', '--json']).stdout) as { partners: unknown[]; handovers: unknown[] };
    expect(json.partners).toEqual([{ partnerId: 'certcc', partnerRef: 'VU#777001' }]);
    expect(json.handovers).toEqual([expect.objectContaining({ partnerId: 'certcc', handedBy: 'coordinator:Sato' })]);
  });

  it('says so for an unknown case', () => {
    const p = run(['cases', 'show', 'VR-2026-9999']);
    expect(p.status).toBe(1);
    expect(p.stderr).toContain('no case VR-2026-9999');
  });
});

describe('madoguchi vendors', () => {
  it('imports a YAML registry and lists it', async () => {
    const key = await generateDeskKey('ACME PSIRT', 'psirt@acme.test');
    writeFileSync(join(work, 'acme.asc'), key.armoredPublic);
    writeFileSync(
      join(work, 'vendors.yaml'),
      ['vendors:', '  - id: acme', '    name: ACME Corporation', '    contacts: { to: [psirt@acme.test] }', '    keys: [acme.asc]', '    products:', '      - name: ACME Router', '        keywords: [router]', ''].join('\n'),
    );
    const imp = run(['vendors', 'import', join(work, 'vendors.yaml')]);
    expect(imp.status, imp.stderr + imp.stdout).toBe(0);
    const list = run(['vendors', 'list']);
    expect(list.status).toBe(0);
    expect(list.stdout).toContain('acme');
    const show = run(['vendors', 'show', 'acme']);
    expect(show.stdout).toContain(key.fingerprint);
  });
});

describe('vulnerabilities on the command line (issue 12)', () => {
  // `madoguchi case` signs with the desk's key and hands notices to the queue: a key
  // directory of its own and a queue prefix no other test uses.
  const env = (): Record<string, string> => ({ MADOGUCHI_KEYS_DIR: join(work, 'keys'), MADOGUCHI_QUEUE_PREFIX: `mdg-cli-vulns-${process.pid}` });
  const runCase = (args: string[]) =>
    spawnSync(process.execPath, [join(ROOT, 'bin', 'madoguchi.js'), 'case', ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, DATABASE_URL: db.url, ...env() } });
  beforeAll(async () => {
    await ensureDeskKeys(join(work, 'keys'), 'Desk', 'desk@madoguchi.test', () => undefined);
  }, 60_000);

  it('adds vulnerabilities and sets a CVE id; an invalid vector or CVE id is refused, never guessed', () => {
    const bad = runCase(['VR-2026-0010', 'add-vulnerability', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H', 'SQL', 'injection']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('not a valid CVSS vector: base metric A missing');
    const badCve = runCase(['VR-2026-0010', 'set-cve', '1', 'CVE-2026-12']);
    expect(badCve.status).toBe(2);
    expect(badCve.stderr).toContain('not a CVE id');
    const one = runCase(['VR-2026-0010', 'add-vulnerability', 'CWE-89', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'SQL', 'injection', 'in', 'search']);
    expect(one.status, one.stderr).toBe(0);
    expect(one.stdout).toContain('add-vulnerability: done (vulnerability 1 (9.8 CRITICAL))');
    const two = runCase(['VR-2026-0010', '脆弱性追加', 'CWE-79', 'Stored', 'XSS']);
    expect(two.status, two.stderr).toBe(0);
    expect(two.stdout).toContain('vulnerability 2');
    const cve = runCase(['VR-2026-0010', 'set-cve', '2', 'CVE-2026-50002']);
    expect(cve.status, cve.stderr).toBe(0);
    const missing = runCase(['VR-2026-0010', 'set-cve', '5', 'CVE-2026-50005']);
    expect(missing.status).toBe(1);
    expect(missing.stdout).toContain('has no vulnerability 5');
  }, 60_000);

  it('cases show lists each vulnerability with its CWE, score, CVE and each vendor status (text and --json)', async () => {
    const store = await openDb({ databaseUrl: db.url });
    try {
      // ACME answered "affected" for the case; for vulnerability 2 it said "not affected".
      await setVendorVulnerabilityStatus(store, { caseId: 'VR-2026-0010', number: 2, vendorId: 'acme', status: 'not-affected' });
    } finally {
      await store.close();
    }
    const p = run(['cases', 'show', 'VR-2026-0010']);
    expect(p.status, p.stderr).toBe(0);
    const block = p.stdout.slice(p.stdout.indexOf('vulnerabilities:\n'), p.stdout.indexOf('\nparty') > 0 ? p.stdout.indexOf('\nparty') : p.stdout.indexOf('\ntimeline:'));
    expect(block.split('\n')).toEqual([
      'vulnerabilities:',
      '  #1  CWE-89  9.8 CRITICAL (CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H)  no CVE',
      '      SQL injection in search',
      '      acme: affected',
      '      beta: unknown',
      '  #2  CWE-79  no CVSS score  CVE-2026-50002',
      '      Stored XSS',
      '      acme: not-affected',
      '      beta: unknown',
    ]);
    const j = run(['cases', 'show', 'VR-2026-0010', '--json']);
    const v = JSON.parse(j.stdout) as { vulnerabilities: { number: number; cve: string | null; cvss: { baseScore: number; severity: string } | null; vendors: { id: string; status: string }[] }[] };
    expect(v.vulnerabilities.map((x) => [x.number, x.cve, x.cvss?.baseScore ?? null, x.cvss?.severity ?? null, x.vendors.map((y) => `${y.id}:${y.status}`)])).toEqual([
      [1, null, 9.8, 'CRITICAL', ['acme:affected', 'beta:unknown']],
      [2, 'CVE-2026-50002', null, null, ['acme:not-affected', 'beta:unknown']],
    ]);
    // The timeline has each command.
    expect((JSON.parse(j.stdout) as { timeline: { event: string }[] }).timeline.map((t) => t.event)).toEqual(expect.arrayContaining(['vulnerability-added', 'cve-set']));
  }, 60_000);
});
