// Scenario 2 of issue 4 (guideline §3.7, §3.8; 003 *8, *10), over real mail: Postfix (SMTP)
// → Dovecot → the desk by IMAP IDLE; the desk answers by SMTP into each party's Dovecot
// mailbox, and every party reads its own mail with its own gpg home.
//   A vendor that stays silent is reminded at 7, 14 and 21 days, becomes unreachable at 28
//   and its name goes on the public list (nothing else of the case does); its signed answer
//   takes it off. Then the coordinator opens the coordination-impossible procedure by
//   signed mail, the vendor is invited to state its view, the committee's decision (by
//   signed mail, refused before the vendor's deadline) is told to vendor and reporter.
// Only the vendor registry (an administrator's task) uses the CLI.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idStarts, messageIdOf, readNotice, waitForMail } from '../support/coordination.ts';
import { query } from '../support/desk.ts';
import { makeReport } from '../support/gpg.ts';
import { readMailbox, sendRaw } from '../support/mailservers.ts';
import { DESK, MailWorld } from '../support/mail-world.ts';
import { FIXTURES, ROOT } from '../support/paths.ts';

const REPORTER = 'taro@reporter.test';
const SILENT = 'psirt@silent.test';
const SATO = 'sato@desk.test';
const DAY = 86_400_000;
let w: MailWorld;
let caseId: string;

/** The public list, where the desk writes it (desk.publicDir, MADOGUCHI_PUBLIC_DIR). */
const list = (lang: 'ja' | 'en'): string => {
  const f = join(w.work, 'public', `unreachable.${lang}.md`);
  return existsSync(f) ? readFileSync(f, 'utf8') : '';
};
const confirmations = async (): Promise<Buffer[]> => (await readMailbox(SATO)).filter(idStarts('command-confirmation.'));
/** Sends a command mail (signed by Sato at the desk's time, encrypted) and returns the text of its (new) confirmation. */
async function commandConfirmed(lines: string[], messageId: string): Promise<string> {
  const before = (await confirmations()).length;
  await w.send(SATO, 'commands', `${lines.join('\n')}\n`, { messageId });
  await expect.poll(async () => (await confirmations()).length, { timeout: 60_000 }).toBe(before + 1);
  const o = await readNotice(w.home(SATO), (await confirmations()).at(-1)!);
  expect(o.decryptedOk).toBe(true);
  expect(o.signer).toBe(w.deskFpr);
  return o.text;
}
const events = async (): Promise<string[]> => (await query<{ event: string }>(w.db.url, 'SELECT event FROM timeline WHERE case_id = $1 ORDER BY id', [caseId])).map((e) => e.event);

beforeAll(async () => {
  w = await MailWorld.start({
    prefix: 'unr',
    parties: [
      { id: 'reporter', name: 'Taro', addr: REPORTER, secretKeyFile: join(FIXTURES, 'keys', 'reporter.sec.asc') },
      { id: 'silent', name: 'Silent PSIRT', addr: SILENT },
      { id: 'sato', name: 'Sato', addr: SATO },
    ],
    coordinators: [SATO],
    patienceMs: 60_000,
  });
  w.vendorsYaml([{ id: 'silent', name: 'Silent Works', addr: SILENT }]);
}, 180_000);

afterAll(async () => {
  await w?.stop();
});

describe('scenario 2 over SMTP and IMAP: an unreachable vendor, and coordination impossible', () => {
  it('goes on the public list after three unanswered reminders, and comes off when it answers', async () => {
    const body = readFileSync(join(ROOT, 'test', 'fixtures', 'report-ja.txt'), 'utf8');
    const sent = await sendRaw(REPORTER, [DESK], makeReport(w.world, { from: REPORTER, fromName: 'Taro', to: DESK, body, messageId: '<unr-1@reporter.test>' }));
    expect(sent.accepted).toEqual([DESK]);
    expect((await readNotice(w.home(REPORTER), await waitForMail(REPORTER, idStarts('ack.')))).decryptedOk).toBe(true);
    await expect.poll(async () => (await query(w.db.url, 'SELECT id FROM cases')).length, { timeout: 30_000 }).toBe(1);
    const [c] = await query<{ id: string }>(w.db.url, 'SELECT id FROM cases');
    caseId = c!.id;
    await w.run(['vendors', 'import', join(w.work, 'vendors.yaml')]);
    expect(await commandConfirmed([`X-CASE: ${caseId}`, 'X-ADD-VENDOR: silent'], '<cmd-add@desk.test>')).toMatch(/X-ADD-VENDOR: silent\r?\n\s+実行しました/);
    const notify = await waitForMail(SILENT, idStarts('vendor-notify.'));
    expect((await readNotice(w.home(SILENT), notify)).decryptedOk).toBe(true);
    expect(await readMailbox(SILENT)).toHaveLength(1);

    // Time passes in weekly steps; each step gives the next reminder.
    for (const [days, mails] of [[8, 2], [15, 3], [22, 4]] as const) {
      w.clock.setOffset(days * DAY);
      await expect.poll(async () => (await readMailbox(SILENT)).length, { timeout: 60_000 }).toBe(mails);
      const reminder = (await readMailbox(SILENT)).at(-1)!;
      expect(messageIdOf(reminder)).toMatch(new RegExp(`^<vendor-remind-${mails - 1}\\.`));
      expect((await readNotice(w.home(SILENT), reminder)).decryptedOk).toBe(true);
    }
    expect(list('en')).not.toContain('Silent Works');
    w.clock.setOffset(29 * DAY);
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
    await w.send(SILENT, `[${caseId}] Re`, form, { messageId: '<silent-1@silent.test>' });
    await expect.poll(() => list('en'), { timeout: 60_000 }).not.toContain('Silent Works');
    expect(list('ja')).not.toContain('Silent Works');
  }, 300_000);

  it('coordination impossible by signed mail: the vendor is invited to state its view, the committee decides, everyone concerned is told', async () => {
    const opened = await commandConfirmed([`X-CASE: ${caseId}`, 'X-OPEN-IMPOSSIBLE: no agreement on the date'], '<cmd-open@desk.test>');
    expect(opened).toMatch(/X-OPEN-IMPOSSIBLE.*\r?\n\s+実行しました/);
    const invite = await waitForMail(SILENT, idStarts('impossible-invite.'));
    expect((await readNotice(w.home(SILENT), invite)).decryptedOk).toBe(true);

    // Before the vendor's deadline the committee cannot decide yet: an error, nothing changes.
    const early = await commandConfirmed([`X-CASE: ${caseId}`, 'X-COMMITTEE-DECISION: publish'], '<cmd-early@desk.test>');
    expect(early).toMatch(/X-COMMITTEE-DECISION: publish.*\r?\n\s+エラー：/);
    expect(await events()).not.toContain('state:impossible:decided');

    // The deadline passes (14 days): the decision is recorded and told.
    w.clock.setOffset(45 * DAY);
    await new Promise((r) => setTimeout(r, 1500));
    const decided = await commandConfirmed([`X-CASE: ${caseId}`, 'X-COMMITTEE-DECISION: publish'], '<cmd-decide@desk.test>');
    expect(decided).toMatch(/X-COMMITTEE-DECISION: publish.*\r?\n\s+実行しました/);
    for (const addr of [SILENT, REPORTER, SATO]) {
      const outcome = await waitForMail(addr, idStarts('impossible-outcome.'));
      const o = await readNotice(w.home(addr), outcome);
      expect(o.decryptedOk, addr).toBe(true);
      expect(o.signer, addr).toBe(w.deskFpr);
      expect(o.text, addr).toContain(caseId);
    }
    expect(await events()).toContain('state:impossible:decided');
  }, 300_000);

  it('every mail the desk sent: RFC 3156, decrypted by its recipient’s key, signed by the desk', async () => {
    expect(await w.everyMailSealed(['まどぐち', '山田', 'alert(1)'])).toBeGreaterThan(0);
  }, 120_000);
});
