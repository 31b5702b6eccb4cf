// The website track of issue 11 over real mail (guideline §4, §8): Postfix (SMTP) → Dovecot →
// the desk by IMAP IDLE, the desk answering by SMTP into each party's Dovecot mailbox, every
// party reading its own mailbox with its own gpg home. Two reports:
//   - shop.example.jp, a registered operator's `.jp` site: a coordinator's signed X-ACCEPT →
//     the operator is proposed from the registry → X-CONFIRM-OPERATOR → the details encrypted
//     to the operator's pinned key → a silent week: a reminder → the operator's signed
//     "fixed" → the reporter is told (encrypted) and the case closes, with no advisory and
//     nothing public;
//   - signed.example.jp, a site in no registry: the desk reads its signed security.txt and
//     the contact's key by WKD from a local HTTPS server under a test CA (test/web/server.ts,
//     reached through `web.connectTo`), proposes them to the coordinators, who register the
//     operator and confirm it by command → the operator is notified encrypted to that key;
//   - nokey.example.jp, an operator registered without a key: a content-free first contact in
//     clear asking for one, the coordinators told, and content-free key reminders after.
// And the reporters' questions (issue 11): the reporter's signed, encrypted X-STATUS gets the
// state encrypted; a stranger asking about the same case learns nothing about it.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isJapaneseHoliday } from '../../src/adapters/holiday-jp.ts';
import { businessCalendar } from '../../src/rules/business-days.ts';
import { reviveWebsiteSnapshot } from '../../src/rules/snapshot-json.ts';
import type { CaseOperator } from '../../src/rules/website-state.ts';
import { wkdHash } from '../../src/rules/wkd-address.ts';
import { fingerprintOf, idStarts, isPgpMimeEncrypted, messageIdOf, readNotice } from '../support/coordination.ts';
import { deskCliAsync, query } from '../support/desk.ts';
import { makeReport } from '../support/gpg.ts';
import { readMailbox, sendRaw } from '../support/mailservers.ts';
import { DESK, MailWorld, yieldNow } from '../support/mail-world.ts';
import { FIXTURES } from '../support/paths.ts';
import { startTestWeb, type TestWeb } from '../web/server.ts';

const REPORTER = 'taro@reporter.test';
const SHOP = 'security@shop.example.jp';
const SIGNED = 'security@signed.example.jp';
const SATO = 'sato@desk.test';
const NOKEY = 'info@nokey.example.jp';
const STRANGER = 'mallory@evil.test';
const SHOP_URL = 'https://shop.example.jp/cart';
const SIGNED_URL = 'https://signed.example.jp/members/login';
/** What only the operators may read: the sites, their operators, the findings. */
const SITE_SECRETS = ['shop.example.jp', 'signed.example.jp', 'nokey.example.jp/', 'Shop Co', 'Signed Co', 'NoKey Co', 'Stored XSS', 'gift message', 'SQL injection', 'Open redirect'];
/** What the operator tells the desk alone (its reply's comment). */
const OPERATOR_CONFIDENCE = 'root cause: legacy template engine v1.2 in the admin console';
const DAY = 86_400_000;
const calendar = businessCalendar(isJapaneseHoliday);

let w: MailWorld;
let web: TestWeb;
let shopCase: string;
let signedCase: string;
let nokeyCase: string;

const settled = (): Promise<number> => w.settled();
/** A website report (report form, English labels), signed and encrypted by the reporter's gpg. */
async function report(url: string, summary: string, messageId: string): Promise<string> {
  const body = ['Report type: website', 'Reporter name: Taro Yamada', `Contact email: ${REPORTER}`, `URL: ${url}`, `Summary: ${summary}`, 'Steps to reproduce: put a script tag in the gift message.'].join('\n');
  const before = new Set((await query<{ id: string }>(w.db.url, 'SELECT id FROM cases')).map((c) => c.id));
  expect((await sendRaw(REPORTER, [DESK], makeReport(w.world, { from: REPORTER, fromName: 'Taro', to: DESK, body, messageId }))).accepted).toEqual([DESK]);
  let id = '';
  await expect
    .poll(async () => {
      id = (await query<{ id: string }>(w.db.url, 'SELECT id FROM cases')).map((c) => c.id).find((c) => !before.has(c)) ?? '';
      return id;
    }, { timeout: 90_000, interval: 500 })
    .not.toBe('');
  return id;
}
/** A signed, encrypted mail to the desk (a command, a question, an operator's reply) at the desk's time. */
const mail = async (from: string, signAs: string, body: string, subject = 'commands'): Promise<void> => void (await w.send(from, subject, body, { signAs }));
const command = (lines: string[]): Promise<void> => mail(SATO, SATO, `${lines.join('\n')}\n`);
const inbox = (addr: string, prefix: string): Promise<Buffer[]> => w.inbox(addr, prefix);
/** Waits for the `count`-th message of kind `prefix` to `addr`, reads it with `addr`'s key: decrypted, signed by the desk. */
const received = async (addr: string, prefix: string, count = 1): Promise<string> => (await w.received(addr, prefix, count)).text;
const stateOf = async (id: string): Promise<string> => (await query<{ state: string }>(w.db.url, 'SELECT state FROM cases WHERE id = $1', [id]))[0]!.state;
/** The case's operator as the desk's website snapshot holds it (the desk's clock, not the database's). */
async function operatorOf(id: string): Promise<CaseOperator> {
  const [row] = await query<{ coordination: unknown }>(w.db.url, 'SELECT coordination FROM cases WHERE id = $1', [id]);
  const c = reviveWebsiteSnapshot(row!.coordination);
  expect(c.operator, id).not.toBeNull();
  return c.operator!;
}

beforeAll(async () => {
  web = await startTestWeb();
  w = await MailWorld.start({
    prefix: 'web',
    parties: [
      { id: 'reporter', name: 'Taro', addr: REPORTER, secretKeyFile: join(FIXTURES, 'keys', 'reporter.sec.asc') },
      { id: 'shop', name: 'Shop Security', addr: SHOP },
      { id: 'signed', name: 'Signed Security', addr: SIGNED },
      { id: 'nokey', name: 'NoKey', addr: NOKEY, noKey: true },
      { id: 'sato', name: 'Sato', addr: SATO },
      { id: 'mallory', name: 'Mallory', addr: STRANGER },
    ],
    coordinators: [SATO],
    patienceMs: 90_000,
    // The local HTTPS server stands in for every site; its certificate is checked against the test CA.
    beforeDesk: (x) => ({ MADOGUCHI_WEB_CA_FILE: x.file('ca.pem', web.ca), MADOGUCHI_WEB_CONNECT_TO: `127.0.0.1:${String(web.port)}`, MADOGUCHI_WEB_TIMEOUT_SECONDS: '20' }),
  });
  // signed.example.jp publishes a security.txt signed by its contact's key, and the key by WKD.
  const expires = new Date(Date.now() + 200 * DAY).toISOString().replace(/\.\d+Z$/, 'Z');
  const securityTxt = ['Contact: mailto:security@signed.example.jp', `Expires: ${expires}`, 'Canonical: https://signed.example.jp/.well-known/security.txt', 'Preferred-Languages: ja, en', ''].join('\n');
  web.routes.set('signed.example.jp/.well-known/security.txt', { headers: { 'content-type': 'text/plain; charset=utf-8' }, body: w.world.run(['--clearsign', '-u', SIGNED], securityTxt) });
  web.routes.set(`openpgpkey.signed.example.jp/.well-known/openpgpkey/signed.example.jp/hu/${wkdHash('security')}?l=security`, { headers: { 'content-type': 'application/octet-stream' }, body: w.world.run(['--export', SIGNED]) });
}, 240_000);

afterAll(async () => {
  await w?.stop();
  await web?.close();
});

describe('website reports over SMTP and IMAP (gpg on every side)', () => {
  it('two website reports are acknowledged; each opens a website case waiting for a coordinator', async () => {
    const add = await w.cli(['operators', 'add', '--id', 'shop-co', '--name', 'Shop Co', '--domain', 'shop.example.jp', '--to', SHOP, '--key', w.keyFile(SHOP)]);
    expect(add.status, add.stderr + add.stdout).toBe(0);
    shopCase = await report(SHOP_URL, 'Stored XSS in the cart page.', '<site-1@reporter.test>');
    signedCase = await report(SIGNED_URL, 'SQL injection in the login form.', '<site-2@reporter.test>');
    expect(shopCase).not.toBe(signedCase);
    const acks = await (async () => {
      await expect.poll(async () => (await inbox(REPORTER, 'ack.')).length, { timeout: 90_000, interval: 500 }).toBe(2);
      return inbox(REPORTER, 'ack.');
    })();
    for (const ack of acks) {
      const o = await readNotice(w.home(REPORTER), ack);
      expect(o.decryptedOk).toBe(true);
      expect(o.signer).toBe(w.deskFpr);
      await yieldNow(); // gpg is synchronous
    }
    for (const id of [shopCase, signedCase]) {
      const [row] = await query<{ state: string; coordination: { track?: string } }>(w.db.url, 'SELECT state, coordination FROM cases WHERE id = $1', [id]);
      expect(row!.coordination.track).toBe('website');
      expect(row!.state).toBe('received');
    }
    // Nothing reached any operator before a coordinator decided.
    expect(await readMailbox(SHOP)).toHaveLength(0);
    expect(await readMailbox(SIGNED)).toHaveLength(0);
  }, 240_000);

  it('a registered operator: X-ACCEPT proposes it from the registry, X-CONFIRM-OPERATOR sends it the details encrypted to its pinned key', async () => {
    await command([`X-CASE: ${shopCase}`, 'X-ACCEPT']);
    expect(await received(REPORTER, 'reporter-accepted.')).toContain(shopCase);
    const proposal = await received(SATO, 'coord-confirm-operator.');
    expect(proposal).toContain(shopCase);
    expect(proposal).toContain('shop-co');
    expect(proposal).toContain('X-CONFIRM-OPERATOR');
    expect(await stateOf(shopCase)).toBe('accepted');
    expect(await readMailbox(SHOP)).toHaveLength(0);

    await command([`X-CASE: ${shopCase}`, 'X-CONFIRM-OPERATOR: shop-co']);
    const details = await received(SHOP, 'operator-notify.');
    expect(details).toContain(shopCase);
    expect(details).toContain(SHOP_URL);
    expect(details).toContain('Stored XSS');
    // No consent to share the reporter's identity with the operator (guideline §4).
    for (const secret of ['Yamada', 'Taro', REPORTER]) expect(details).not.toContain(secret);
    expect((await readMailbox(SHOP)).filter(idStarts('operator-notify.'))).toHaveLength(1);
    await expect.poll(() => stateOf(shopCase), { timeout: 60_000 }).toBe('operator-notified');
  }, 300_000);

  it('a site in no registry: security.txt and WKD from the local HTTPS server are proposed; the coordinators register and confirm the operator; it is notified', async () => {
    await command([`X-CASE: ${signedCase}`, 'X-ACCEPT']);
    const proposal = await received(SATO, 'coord-confirm-operator.', 2);
    expect(proposal).toContain(signedCase);
    expect(proposal).toContain(SIGNED);
    expect(proposal.replace(/\s/g, '')).toContain(fingerprintOf(w.world, SIGNED));
    // Fetched over HTTPS from the site's own names, under the test CA.
    expect(web.seen).toContain('signed.example.jp/.well-known/security.txt');
    expect(web.seen.some((s) => s.startsWith('openpgpkey.signed.example.jp/.well-known/openpgpkey/'))).toBe(true);
    // Nothing fetched from the web is trusted on its own: no mail to the contact yet.
    await settled();
    expect(await readMailbox(SIGNED)).toHaveLength(0);
    expect(await stateOf(signedCase)).toBe('accepted');

    // A confirmation of an operator the registry does not know is refused.
    const confirmations = (await inbox(SATO, 'command-confirmation.')).length;
    await command([`X-CASE: ${signedCase}`, 'X-CONFIRM-OPERATOR: signed-co']);
    const refusal = await received(SATO, 'command-confirmation.', confirmations + 1);
    expect(refusal).toContain('X-CONFIRM-OPERATOR: signed-co');
    expect(refusal).not.toMatch(/X-CONFIRM-OPERATOR: signed-co\r?\n\s+実行しました/);
    await settled();
    expect(await readMailbox(SIGNED)).toHaveLength(0);

    // The coordinators register what they checked (the key as WKD served it), then confirm.
    writeFileSync(join(w.work, 'signed-wkd.asc'), w.world.run(['--armor', '--export', SIGNED]));
    const add = await w.cli(['operators', 'add', '--id', 'signed-co', '--name', 'Signed Co', '--domain', 'signed.example.jp', '--to', SIGNED, '--key', join(w.work, 'signed-wkd.asc')]);
    expect(add.status, add.stderr + add.stdout).toBe(0);
    await command([`X-CASE: ${signedCase}`, 'X-CONFIRM-OPERATOR: signed-co']);
    const details = await received(SIGNED, 'operator-notify.');
    expect(details).toContain(signedCase);
    expect(details).toContain(SIGNED_URL);
    expect(details).toContain('SQL injection');
    for (const secret of ['Yamada', 'Taro', REPORTER, 'shop.example.jp']) expect(details).not.toContain(secret);
    await expect.poll(() => stateOf(signedCase), { timeout: 60_000 }).toBe('operator-notified');
  }, 300_000);
});

describe('a registered operator with no key', () => {
  it('gets a content-free first contact in clear asking for a key, and the coordinators are told', async () => {
    const add = await w.cli(['operators', 'add', '--id', 'nokey-co', '--name', 'NoKey Co', '--domain', 'nokey.example.jp', '--to', NOKEY]);
    expect(add.status, add.stderr + add.stdout).toBe(0);
    const id = (nokeyCase = await report('https://nokey.example.jp/login', 'Open redirect on the login page.', '<site-3@reporter.test>'));
    const proposals = (await inbox(SATO, 'coord-confirm-operator.')).length;
    await command([`X-CASE: ${id}`, 'X-ACCEPT']);
    expect(await received(SATO, 'coord-confirm-operator.', proposals + 1)).toContain('nokey-co');
    await command([`X-CASE: ${id}`, 'X-CONFIRM-OPERATOR: nokey-co']);
    expect(await received(SATO, 'coord-operator-no-key.')).toContain(id);
    await expect.poll(async () => (await readMailbox(NOKEY)).length, { timeout: 90_000, interval: 500 }).toBe(1);
    const [first] = await readMailbox(NOKEY);
    expect(messageIdOf(first!)).toMatch(/^<operator-first-contact\./);
    const text = first!.toString('utf8');
    expect(text).not.toContain('BEGIN PGP MESSAGE');
    for (const leak of ['nokey.example.jp/login', 'Open redirect', 'Yamada', 'Taro', REPORTER]) expect(text).not.toContain(leak);
    await expect.poll(() => stateOf(id), { timeout: 60_000 }).toBe('awaiting-key');
  }, 300_000);
});

describe('reporters’ questions over real mail', () => {
  it('the reporter’s signed, encrypted X-STATUS is answered encrypted with the case’s state', async () => {
    await mail(REPORTER, REPORTER, `X-STATUS: ${shopCase}\n`, 'question');
    const answer = await received(REPORTER, 'reporter-status.');
    expect(answer).toContain(shopCase);
    // In English, as the report was written (its labels).
    expect(answer).toContain('We are coordinating with the site operator.');
    expect(answer).toContain('Site operator contacted: yes (no answer yet)');
    expect(answer).toMatch(/What we are waiting for\r?\n(.*\r?\n)*?\s+- an answer from the site operator/);
    expect(answer).not.toContain(signedCase);
    await expect.poll(async () => (await query(w.db.url, `SELECT 1 FROM timeline WHERE event = 'reporter-status-asked' AND case_id = $1`, [shopCase])).length, { timeout: 30_000 }).toBe(1);
  }, 180_000);

  it('a stranger asking about the same case learns nothing about it', async () => {
    await mail(STRANGER, STRANGER, `X-STATUS: ${shopCase}\n`, 'question');
    await expect.poll(async () => (await readMailbox(STRANGER)).length, { timeout: 90_000, interval: 500 }).toBe(1);
    const [answer] = await readMailbox(STRANGER);
    expect(messageIdOf(answer!)).toMatch(/^<question-not-answered\./);
    const text = answer!.toString('utf8');
    expect(text).not.toContain('BEGIN PGP MESSAGE');
    for (const leak of [shopCase, ...SITE_SECRETS, 'operator-notified', REPORTER, 'Yamada']) expect(text).not.toContain(leak);
    expect(await query(w.db.url, `SELECT 1 FROM notices WHERE kind = 'reporter-status' AND recipient = $1`, [STRANGER])).toEqual([]);
  }, 180_000);
});

describe('the clock moves: reminder, fix, the reporter told, closed', () => {
  it('six silent days: no reminder; a silent week (the next business morning): one reminder to each silent operator', async () => {
    const [shopAt, signedAt, nokeyAt] = [(await operatorOf(shopCase)).detailsSentAt!, (await operatorOf(signedCase)).detailsSentAt!, (await operatorOf(nokeyCase)).firstContactAt!];
    expect(shopAt.getTime()).toBeLessThan(signedAt.getTime());
    expect(signedAt.getTime()).toBeLessThan(nokeyAt.getTime());
    expect(nokeyAt.getTime() - shopAt.getTime()).toBeLessThan(DAY / 2);
    const notified = nokeyAt; // the last of the three: all are due a week after it
    const before = await settled();
    w.clock.setTo(new Date(shopAt.getTime() + 6 * DAY));
    await new Promise((r) => setTimeout(r, 4000)); // several ticks (MADOGUCHI_TICK_SECONDS=1)
    expect(await settled()).toBe(before);
    // Due 7 days after the notification; timed mail to people waits for a business day (issue 11).
    w.clock.setTo(new Date(calendar.deferToBusinessDay(new Date(notified.getTime() + 7 * DAY + 60_000)).getTime() + 60_000));
    const remindShop = await received(SHOP, 'operator-remind.');
    expect(remindShop).toContain(shopCase);
    expect(await received(SIGNED, 'operator-remind.')).toContain(signedCase);
    // The operator with no key is asked for one again, still content-free.
    await expect.poll(async () => (await readMailbox(NOKEY)).filter(idStarts('operator-key-reminder.')).length, { timeout: 90_000, interval: 500 }).toBe(1);
    for (const leak of ['nokey.example.jp/login', 'Open redirect', 'BEGIN PGP MESSAGE']) expect((await readMailbox(NOKEY)).at(-1)!.toString('utf8')).not.toContain(leak);
    await new Promise((r) => setTimeout(r, 3000));
    expect(await settled()).toBe(before + 3);
    expect(await inbox(SHOP, 'operator-remind.')).toHaveLength(1);
    expect((await operatorOf(shopCase)).reminders).toBe(1);
  }, 300_000);

  it('the operator’s signed reply "fixed": the reporter is told encrypted, the coordinators too, and the case closes', async () => {
    await mail(SHOP, SHOP, `Case ID: ${shopCase}\nStatus: fixed\nComment: ${OPERATOR_CONFIDENCE}\n`, `Re: [${shopCase}]`);
    const told = await received(REPORTER, 'reporter-site-fixed.');
    expect(told).toContain(shopCase);
    expect(told).not.toContain(OPERATOR_CONFIDENCE);
    expect(await received(SATO, 'coord-operator-fixed.')).toContain(shopCase);
    await expect.poll(() => stateOf(shopCase), { timeout: 60_000 }).toBe('fixed');
    const show = await w.cli(['cases', 'show', shopCase, '--json']);
    expect(show.status, show.stderr).toBe(0);
    expect((JSON.parse(show.stdout) as { state: string; waitingFor: unknown[] }).waitingFor).toEqual([]);
    // The reporter asks again: closed as fixed, nothing awaited, nothing the operator said in confidence.
    await mail(REPORTER, REPORTER, `X-状況: ${shopCase}\n`, 'question'); // the Japanese keyword
    const answer = await received(REPORTER, 'reporter-status.', 2);
    expect(answer).toContain('The site operator reported the fix, and the case is closed.');
    expect(answer).toMatch(/What we are waiting for\r?\n(.*\r?\n)*?\s+- nothing/);
    expect(answer).not.toContain('an answer from the site operator');
    expect(answer).not.toContain(OPERATOR_CONFIDENCE);
    // Closed: another week of silence reminds no one about this case.
    const before = await settled();
    const last = new Date(Math.max((await operatorOf(signedCase)).lastReminderAt!.getTime(), (await operatorOf(nokeyCase)).lastReminderAt!.getTime()));
    w.clock.setTo(new Date(calendar.deferToBusinessDay(new Date(last.getTime() + 7 * DAY + 60_000)).getTime() + 60_000));
    await expect.poll(async () => (await inbox(SIGNED, 'operator-remind.')).length, { timeout: 90_000 }).toBe(2);
    await expect.poll(async () => (await inbox(NOKEY, 'operator-key-reminder.')).length, { timeout: 90_000 }).toBe(2);
    await new Promise((r) => setTimeout(r, 3000));
    expect(await inbox(SHOP, 'operator-remind.')).toHaveLength(1);
    expect(await settled()).toBe(before + 2);
  }, 300_000);

  it('no advisory and no public text: nothing of either site in any public file, the log or any mail in clear', async () => {
    await settled();
    expect(await query(w.db.url, `SELECT id FROM notices WHERE kind = 'advisory'`)).toEqual([]);
    // No machine-readable advisory either (issue 12's exports): a website case has none.
    const exportCli = deskCliAsync(() => ({ ...w.env, MADOGUCHI_CVE_ORG_ID: '00000000-0000-4000-8000-000000000000' }));
    const exports = await Promise.all(['csaf', 'cve'].map(async (format) => ({ format, x: await exportCli(['export', format, shopCase]) })));
    for (const { format, x } of exports) {
      expect(x.status, `${format}: ${x.stdout}`).not.toBe(0);
      expect(x.stderr + x.stdout).toContain('has no product track');
      for (const s of SITE_SECRETS) expect(x.stdout + x.stderr).not.toContain(s);
    }
    const dir = join(w.work, 'public');
    for (const f of existsSync(dir) ? readdirSync(dir, { recursive: true, encoding: 'utf8' }) : []) {
      const text = readFileSync(join(dir, f)).toString('utf8');
      for (const s of [...SITE_SECRETS, shopCase, signedCase]) expect(text, f).not.toContain(s);
    }
    const all = await w.mailboxes();
    const notices = await query<{ id: string; recipient: string }>(w.db.url, 'SELECT id, recipient FROM notices ORDER BY id');
    expect(all.map((m) => `${m.to} ${messageIdOf(m.raw)}`).sort()).toEqual(notices.map((x) => `${x.recipient} ${x.id}`).sort());
    for (const { to, raw } of all) {
      // The recipient's own address is on the envelope (To, Delivered-To, Received); nothing else of the sites is in clear.
      const clear = raw.toString('utf8').replaceAll(to, '<recipient>');
      expect(isPgpMimeEncrypted(raw) || idStarts('question-not-answered.')(raw) || idStarts('operator-first-contact.')(raw) || idStarts('operator-key-reminder.')(raw), `${to} ${messageIdOf(raw)}`).toBe(true);
      for (const s of SITE_SECRETS) expect(clear, `${to} ${messageIdOf(raw)}`).not.toContain(s);
      await yieldNow();
    }
    const log = w.desk.logs.join('\n');
    for (const s of [...SITE_SECRETS, REPORTER, SHOP, SIGNED, NOKEY]) expect(log).not.toContain(s);
  }, 240_000);
});
