// Scenario 2 of issue 4 (guideline §3.7, §3.8; 003 *8, *10), over real mail: Postfix (SMTP)
// → Dovecot → the desk by IMAP IDLE; the desk answers by SMTP into each party's Dovecot
// mailbox, and every party reads its own mail with its own gpg home.
//   A vendor that stays silent is reminded at 7, 14 and 21 days, becomes unreachable at 28
//   and its name goes on the public list (nothing else of the case does); its signed answer
//   takes it off. Then the coordinator opens the coordination-impossible procedure by
//   signed mail, the vendor is invited to state its view, the committee's decision (by
//   signed mail, refused before the vendor's deadline) is told to vendor and reporter.
// Only the vendor registry (an administrator's task) uses the CLI.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collectMail,
  DeskClock,
  encryptedTo,
  exportSecretKey,
  fingerprintOf,
  idStarts,
  isPgpMimeEncrypted,
  keyIdsOf,
  messageIdOf,
  readNotice,
  recipientHome,
  signedEncryptedMail,
  waitForMail,
} from '../support/coordination.ts';
import { deskCli, freshDatabase, query, onMailServers, spawnDesk, type DeskProcess } from '../support/desk.ts';
import { Gpg, makeKeyPair, makeReport } from '../support/gpg.ts';
import { readMailbox, sendRaw, startMailServers, type MailServers } from '../support/mailservers.ts';
import { FIXTURES, ROOT } from '../support/paths.ts';

const DESK = 'desk@madoguchi.test';
const REPORTER = 'taro@reporter.test';
const SILENT = 'psirt@silent.test';
const SATO = 'sato@desk.test';
const PARTIES = [REPORTER, SILENT, SATO] as const;
const DAY = 86_400_000;
const world = new Gpg(); // every party's keys: to write their mail
const homes = new Map<string, Gpg>(); // each recipient's own keyring: to read theirs
let servers: MailServers;
let work: string;
let db: Awaited<ReturnType<typeof freshDatabase>>;
let env: Record<string, string>;
let desk: DeskProcess;
let clock: DeskClock;
let deskFpr: string;
let caseId: string;

const cli = deskCli(() => env);
const home = (addr: string): Gpg => homes.get(addr)!;
/** The public list, where the desk writes it (desk.publicDir, MADOGUCHI_PUBLIC_DIR). */
const list = (lang: 'ja' | 'en'): string => {
  const f = join(work, 'public', `unreachable.${lang}.md`);
  return existsSync(f) ? readFileSync(f, 'utf8') : '';
};
/** A coordinator command mail: keyword lines, signed by Sato's key at the desk's time, encrypted to the desk, over SMTP. */
async function command(lines: string[], messageId: string): Promise<void> {
  const { raw } = signedEncryptedMail(world, { from: SATO, signAs: SATO, to: DESK, subject: 'commands', messageId, body: `${lines.join('\n')}\n`, signedAt: clock.now() });
  expect((await sendRaw(SATO, [DESK], raw)).accepted).toEqual([DESK]);
}
const confirmations = async (): Promise<Buffer[]> => (await readMailbox(SATO)).filter(idStarts('command-confirmation.'));
/** Sends a command mail and returns the text of its (new) confirmation, decrypted by the coordinator. */
async function commandConfirmed(lines: string[], messageId: string): Promise<string> {
  const before = (await confirmations()).length;
  await command(lines, messageId);
  await expect.poll(async () => (await confirmations()).length, { timeout: 60_000 }).toBe(before + 1);
  const o = await readNotice(home(SATO), (await confirmations()).at(-1)!);
  expect(o.decryptedOk).toBe(true);
  expect(o.signer).toBe(deskFpr);
  return o.text;
}
const events = async (): Promise<string[]> => (await query<{ event: string }>(db.url, 'SELECT event FROM timeline WHERE case_id = $1 ORDER BY id', [caseId])).map((e) => e.event);

beforeAll(async () => {
  servers = await startMailServers();
  db = await freshDatabase();
  work = mkdtempSync(join(tmpdir(), 'mdg-unreach-'));
  clock = new DeskClock(join(work, 'clock-offset'));
  world.importFile(join(FIXTURES, 'keys', 'reporter.sec.asc'));
  writeFileSync(join(work, 'silent.asc'), makeKeyPair(world, 'Silent PSIRT', SILENT));
  // The coordinator: key in the desk's key directory, fingerprint pinned in the configuration.
  mkdirSync(join(work, 'keys'), { recursive: true });
  writeFileSync(join(work, 'keys', 'sato.asc'), makeKeyPair(world, 'Sato', SATO));
  env = {
    ...onMailServers(servers, DESK),
    MADOGUCHI_KEYS_DIR: join(work, 'keys'),
    MADOGUCHI_OUTBOX: join(work, 'outbox'),
    MADOGUCHI_PUBLIC_DIR: join(work, 'public'),
    DATABASE_URL: db.url,
    MADOGUCHI_QUEUE_PREFIX: `mdg-unreach-${process.pid}`,
    MADOGUCHI_JOB_BACKOFF_MS: '200',
    MADOGUCHI_CLOCK_FILE: clock.file,
    MADOGUCHI_TICK_SECONDS: '1',
    MADOGUCHI_COORDINATORS: JSON.stringify([{ name: 'Sato', email: SATO, fingerprints: [fingerprintOf(world, SATO)] }]),
  };
  desk = spawnDesk(env);
  await desk.waitForLog(/imap: connected/, 60_000);
  const deskPub = readFileSync(join(work, 'keys', 'desk.pub.asc'));
  world.importText(deskPub.toString());
  deskFpr = fingerprintOf(world, DESK);
  homes.set(REPORTER, recipientHome(readFileSync(join(FIXTURES, 'keys', 'reporter.sec.asc')), deskPub));
  for (const addr of [SILENT, SATO]) homes.set(addr, recipientHome(exportSecretKey(world, addr), deskPub));
  writeFileSync(join(work, 'vendors.yaml'), ['vendors:', '  - id: silent', '    name: Silent Works', `    contacts: { to: [${SILENT}] }`, '    keys: [silent.asc]', ''].join('\n'));
}, 180_000);

afterAll(async () => {
  await desk?.stop();
  await servers?.stop();
  await db?.drop();
  world.close();
  for (const h of homes.values()) h.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('scenario 2 over SMTP and IMAP: an unreachable vendor, and coordination impossible', () => {
  it('goes on the public list after three unanswered reminders, and comes off when it answers', async () => {
    const body = readFileSync(join(ROOT, 'test', 'fixtures', 'report-ja.txt'), 'utf8');
    const sent = await sendRaw(REPORTER, [DESK], makeReport(world, { from: REPORTER, fromName: 'Taro', to: DESK, body, messageId: '<unr-1@reporter.test>' }));
    expect(sent.accepted).toEqual([DESK]);
    expect((await readNotice(home(REPORTER), await waitForMail(REPORTER, idStarts('ack.')))).decryptedOk).toBe(true);
    await expect.poll(async () => (await query(db.url, 'SELECT id FROM cases')).length, { timeout: 30_000 }).toBe(1);
    const [c] = await query<{ id: string }>(db.url, 'SELECT id FROM cases');
    caseId = c!.id;
    expect(cli(['vendors', 'import', join(work, 'vendors.yaml')]).status).toBe(0);
    expect(await commandConfirmed([`X-CASE: ${caseId}`, 'X-ADD-VENDOR: silent'], '<cmd-add@desk.test>')).toMatch(/X-ADD-VENDOR: silent\r?\n\s+実行しました/);
    const notify = await waitForMail(SILENT, idStarts('vendor-notify.'));
    expect((await readNotice(home(SILENT), notify)).decryptedOk).toBe(true);
    expect(await readMailbox(SILENT)).toHaveLength(1);

    // Time passes in weekly steps; each step gives the next reminder.
    for (const [days, mails] of [[8, 2], [15, 3], [22, 4]] as const) {
      clock.setOffset(days * DAY);
      await expect.poll(async () => (await readMailbox(SILENT)).length, { timeout: 60_000 }).toBe(mails);
      const reminder = (await readMailbox(SILENT)).at(-1)!;
      expect(messageIdOf(reminder)).toMatch(new RegExp(`^<vendor-remind-${mails - 1}\\.`));
      expect((await readNotice(home(SILENT), reminder)).decryptedOk).toBe(true);
    }
    expect(list('en')).not.toContain('Silent Works');
    clock.setOffset(29 * DAY);
    await expect.poll(() => list('en'), { timeout: 60_000 }).toContain('Silent Works');
    expect(list('ja')).toContain('Silent Works');
    // Only the vendor's name: no case id, no product yet, nothing of the report.
    for (const text of [list('en'), list('ja')]) {
      expect(text).not.toContain(caseId);
      expect(text).not.toContain('まどぐちメールサーバ');
      expect(text).not.toContain('山田');
    }

    // The vendor answers, signed and from its registered address, over SMTP: off the list.
    const form = [`案件番号: ${caseId}`, '状態: 調査中'].join('\n');
    const reply = signedEncryptedMail(world, { from: SILENT, signAs: SILENT, to: DESK, subject: `[${caseId}] Re`, messageId: '<silent-1@silent.test>', body: form, signedAt: clock.now() });
    expect((await sendRaw(SILENT, [DESK], reply.raw)).accepted).toEqual([DESK]);
    await expect.poll(() => list('en'), { timeout: 60_000 }).not.toContain('Silent Works');
    expect(list('ja')).not.toContain('Silent Works');
  }, 300_000);

  it('coordination impossible by signed mail: the vendor is invited to state its view, the committee decides, everyone concerned is told', async () => {
    const opened = await commandConfirmed([`X-CASE: ${caseId}`, 'X-OPEN-IMPOSSIBLE: no agreement on the date'], '<cmd-open@desk.test>');
    expect(opened).toMatch(/X-OPEN-IMPOSSIBLE.*\r?\n\s+実行しました/);
    const invite = await waitForMail(SILENT, idStarts('impossible-invite.'));
    expect((await readNotice(home(SILENT), invite)).decryptedOk).toBe(true);

    // Before the vendor's deadline the committee cannot decide yet: an error, nothing changes.
    const early = await commandConfirmed([`X-CASE: ${caseId}`, 'X-COMMITTEE-DECISION: publish'], '<cmd-early@desk.test>');
    expect(early).toMatch(/X-COMMITTEE-DECISION: publish.*\r?\n\s+エラー：/);
    expect(await events()).not.toContain('state:impossible:decided');

    // The deadline passes (14 days): the decision is recorded and told.
    clock.setOffset(45 * DAY);
    await new Promise((r) => setTimeout(r, 1500));
    const decided = await commandConfirmed([`X-CASE: ${caseId}`, 'X-COMMITTEE-DECISION: publish'], '<cmd-decide@desk.test>');
    expect(decided).toMatch(/X-COMMITTEE-DECISION: publish.*\r?\n\s+実行しました/);
    for (const addr of [SILENT, REPORTER, SATO]) {
      const outcome = await waitForMail(addr, idStarts('impossible-outcome.'));
      const o = await readNotice(home(addr), outcome);
      expect(o.decryptedOk, addr).toBe(true);
      expect(o.signer, addr).toBe(deskFpr);
      expect(o.text, addr).toContain(caseId);
    }
    expect(await events()).toContain('state:impossible:decided');
  }, 300_000);

  it('every mail the desk sent: RFC 3156, decrypted by its recipient’s key, signed by the desk', async () => {
    await expect.poll(async () => (await query(db.url, `SELECT 1 FROM notices WHERE state <> 'sent'`)).length, { timeout: 60_000 }).toBe(0);
    const notices = await query<{ id: string; recipient: string }>(db.url, 'SELECT id, recipient FROM notices');
    let all: { to: string; raw: Buffer }[] = [];
    await expect
      .poll(async () => (all = await collectMail(PARTIES)).length, { timeout: 60_000 })
      .toBe(notices.length);
    expect(all.map((m) => `${m.to} ${messageIdOf(m.raw)}`).sort()).toEqual(notices.map((n) => `${n.recipient} ${n.id}`).sort());
    for (const { to: addr, raw } of all) {
      const what = `${addr} ${messageIdOf(raw)}`;
      expect(isPgpMimeEncrypted(raw), what).toBe(true);
      expect(encryptedTo(world, raw).every((k) => keyIdsOf(world, addr).includes(k)), what).toBe(true);
      const o = await readNotice(home(addr), raw);
      expect(o.decryptedOk, what).toBe(true);
      expect(o.signer, what).toBe(deskFpr);
      for (const s of ['まどぐち', '山田', 'alert(1)']) expect(raw.toString('utf8'), what).not.toContain(s);
    }
  }, 120_000);
});
