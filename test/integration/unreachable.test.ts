// Scenario 2, first half (issue 4; guideline §3.7, 003 *8): a vendor that stays silent is
// reminded at 7, 14 and 21 days, becomes unreachable at 28 and its name goes on the public
// list (nothing else of the case does); when it answers it comes off the list.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, query, spawnDesk, type DeskProcess } from '../support/desk.ts';
import { encryptedMail, Gpg, makeKeyPair, makeReport, openNotice } from '../support/gpg.ts';
import { FIXTURES, ROOT } from '../support/paths.ts';

const DESK = 'desk@madoguchi.test';
const DAY = 86_400_000;
const gpg = new Gpg();
let work: string;
let db: Awaited<ReturnType<typeof freshDatabase>>;
let env: Record<string, string>;
let desk: DeskProcess;

const cli = (args: string[], input?: Buffer) =>
  spawnSync(process.execPath, [join(ROOT, 'bin', 'madoguchi.js'), ...args], { cwd: ROOT, env: { ...process.env, ...env }, input, encoding: 'utf8' });
const outboxTo = (to: string): Buffer[] => {
  const dir = join(work, 'outbox', 'new');
  return existsSync(dir) ? readdirSync(dir).map((n) => readFileSync(join(dir, n))).filter((b) => b.toString('latin1').includes(`\r\nTo: ${to}\r\n`)) : [];
};
const list = (lang: 'ja' | 'en'): string => {
  const f = join(work, 'public', `unreachable.${lang}.md`);
  return existsSync(f) ? readFileSync(f, 'utf8') : '';
};

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'mdg-unreach-'));
  db = await freshDatabase();
  env = {
    MADOGUCHI_DESK_ADDRESS: DESK,
    MADOGUCHI_KEYS_DIR: join(work, 'keys'),
    MADOGUCHI_INBOX: join(work, 'inbox'),
    MADOGUCHI_OUTBOX: join(work, 'outbox'),
    MADOGUCHI_PUBLIC_DIR: join(work, 'public'),
    MADOGUCHI_TRANSPORT: 'maildir',
    DATABASE_URL: db.url,
    MADOGUCHI_QUEUE_PREFIX: `mdg-unreach-${process.pid}`,
    MADOGUCHI_CLOCK_FILE: join(work, 'clock-offset'),
    MADOGUCHI_TICK_SECONDS: '1',
  };
  writeFileSync(join(work, 'clock-offset'), '0');
  desk = spawnDesk(env);
  await desk.waitForLog(/running \(/, 60_000);
  gpg.importFile(join(work, 'keys', 'desk.pub.asc'));
  gpg.importFile(join(FIXTURES, 'keys', 'reporter.sec.asc'));
  writeFileSync(join(work, 'silent.asc'), makeKeyPair(gpg, 'Silent PSIRT', 'psirt@silent.test'));
  writeFileSync(join(work, 'vendors.yaml'), ['vendors:', '  - id: silent', '    name: Silent Works', '    contacts: { to: [psirt@silent.test] }', '    keys: [silent.asc]', ''].join('\n'));
}, 120_000);

afterAll(async () => {
  await desk?.stop();
  await db?.drop();
  gpg.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('scenario 2: an unreachable vendor, and coordination impossible', () => {
  it('goes on the public list after three unanswered reminders, and comes off when it answers', async () => {
    const body = readFileSync(join(ROOT, 'test', 'fixtures', 'report-ja.txt'), 'utf8');
    expect(cli(['deliver'], makeReport(gpg, { from: 'taro@reporter.test', fromName: 'Taro', to: DESK, body, messageId: '<unr-1@reporter.test>' })).status).toBe(0);
    await expect.poll(async () => (await query(db.url, 'SELECT id FROM cases')).length, { timeout: 30_000 }).toBe(1);
    const [c] = await query<{ id: string }>(db.url, 'SELECT id FROM cases');
    expect(cli(['vendors', 'import', join(work, 'vendors.yaml')]).status).toBe(0);
    expect(cli(['case', c!.id, 'add-vendor', 'silent']).status).toBe(0);
    await expect.poll(() => outboxTo('psirt@silent.test').length, { timeout: 30_000 }).toBe(1);

    // Time passes in weekly steps; each step gives the next reminder.
    for (const [days, mails] of [[8, 2], [15, 3], [22, 4]] as const) {
      writeFileSync(join(work, 'clock-offset'), String(days * DAY));
      await expect.poll(() => outboxTo('psirt@silent.test').length, { timeout: 30_000 }).toBe(mails);
    }
    expect(list('en')).not.toContain('Silent Works');
    writeFileSync(join(work, 'clock-offset'), String(29 * DAY));
    await expect.poll(() => list('en'), { timeout: 30_000 }).toContain('Silent Works');
    expect(list('ja')).toContain('Silent Works');
    // Only the vendor's name: no case id, no product yet, nothing of the report.
    for (const text of [list('en'), list('ja')]) {
      expect(text).not.toContain(c!.id);
      expect(text).not.toContain('まどぐちメールサーバ');
      expect(text).not.toContain('山田');
    }

    // The vendor answers, signed and from its registered address: off the list.
    const form = [`案件番号: ${c!.id}`, '状態: 調査中'].join('\n');
    const reply = encryptedMail(gpg, { from: 'psirt@silent.test', signAs: 'psirt@silent.test', to: DESK, subject: `[${c!.id}] Re`, messageId: '<silent-1@silent.test>', body: form });
    expect(cli(['deliver'], reply).status).toBe(0);
    await expect.poll(() => list('en'), { timeout: 30_000 }).not.toContain('Silent Works');
  }, 180_000);

  it('coordination impossible: the vendor is invited to state its view, the committee decides, everyone concerned is told', async () => {
    const [c] = await query<{ id: string }>(db.url, 'SELECT id FROM cases');
    const has = (to: string, kind: string): Buffer | undefined => outboxTo(to).find((b) => b.toString('latin1').includes(`<${kind}.`));
    const open = cli(['case', c!.id, 'open-impossible']);
    expect(open.status, open.stdout + open.stderr).toBe(0);
    await expect.poll(() => has('psirt@silent.test', 'impossible-invite') !== undefined, { timeout: 30_000 }).toBe(true);

    // Before the vendor's deadline the committee cannot decide yet.
    const early = cli(['case', c!.id, 'committee-decision', 'publish']);
    expect(early.status).toBe(1);

    // The deadline passes (14 days): the decision is recorded and told.
    writeFileSync(join(work, 'clock-offset'), String(45 * DAY));
    await new Promise((r) => setTimeout(r, 1500));
    const decided = cli(['case', c!.id, 'committee-decision', 'publish']);
    expect(decided.status, decided.stdout + decided.stderr).toBe(0);
    await expect.poll(() => has('psirt@silent.test', 'impossible-outcome') !== undefined, { timeout: 30_000 }).toBe(true);
    await expect.poll(() => has('taro@reporter.test', 'impossible-outcome') !== undefined, { timeout: 30_000 }).toBe(true);
    expect(openNotice(gpg, has('psirt@silent.test', 'impossible-outcome')!).decryptedOk).toBe(true);
    expect(openNotice(gpg, has('taro@reporter.test', 'impossible-outcome')!).decryptedOk).toBe(true);
    const events = (await query<{ event: string }>(db.url, 'SELECT event FROM timeline WHERE case_id = $1', [c!.id])).map((e) => e.event);
    expect(events).toContain('state:impossible:decided');
  }, 120_000);
});
