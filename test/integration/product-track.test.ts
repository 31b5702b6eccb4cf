// Scenario 1 of issue 4, over real mail: Postfix (SMTP) → Dovecot → the desk by IMAP IDLE;
// the desk answers by SMTP into each party's Dovecot mailbox. Every party has its own gpg
// home and reads its own mailbox:
//   report (encrypted, signed) → acknowledgement → ONE signed, encrypted coordinator mail
//   (X-ACCEPT, X-ADD-VENDOR: acme, beta) → both vendors notified, each encrypted to its
//   pinned key, nothing of the reporter (no consent) → ACME answers "affected, 2026-12-20";
//   a reply claiming to be Beta but signed with ACME's key changes nothing → Beta is silent:
//   reminded after 7 days → Beta answers "not affected" → the coordinator sets the date by
//   signed mail → ACME is told the date → on the date the advisory goes to everyone,
//   encrypted, with the consented credit; the reporter is told it is published.
// Finally every mail the desk sent in the run is checked: RFC 3156, decrypted by its
// recipient's key, signed by the desk, and nothing of the reporter in a vendor's mail.
// Only the vendor registry (an administrator's task), the read-only `cases show` (checked
// after every step: the case as it is now, issue 10) and the refusal of unknown ids use the CLI.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCalendarDays, jstDate } from '../../src/domain/clock.ts';
import { encryptedTo, idStarts, isPgpMimeEncrypted, keyIdsOf, messageIdOf, readNotice, signedEncryptedMail, waitForMail } from '../support/coordination.ts';
import { query } from '../support/desk.ts';
import { makeReport } from '../support/gpg.ts';
import { readMailbox, sendRaw } from '../support/mailservers.ts';
import { DESK, MailWorld } from '../support/mail-world.ts';
import { FIXTURES, ROOT } from '../support/paths.ts';

const REPORTER = 'taro@reporter.test';
const ACME = 'psirt@acme.test';
const BETA = 'psirt@beta.test';
const SATO = 'sato@desk.test';
const PARTIES = [REPORTER, ACME, BETA, SATO] as const;
const DAY = 86_400_000;
/** The reporter's identity (report-ja.txt); the reporter refused consent to share it with vendors. */
const IDENTITY = ['taro@reporter.test', 'サンプル研究所', '03-1234-5678'];
const CREDIT = '山田太郎'; // 公表時の氏名掲載：可（山田太郎）: allowed in the advisory only

let w: MailWorld;
let caseId: string;

const home = (addr: string): ReturnType<MailWorld['home']> => w.home(addr);
const to = (raw: Buffer, addr: string): boolean => new RegExp(`^To: ${addr.replace(/\./g, '\\.')}\r$`, 'm').test(raw.toString('latin1'));
const settled = (): Promise<number> => w.settled();
/** The vendor's §4 reply form (mail-protocol §4). */
const form = (status: string): string => [`案件番号: ${caseId}`, `状態: ${status}`, '公表希望日: 2026-12-20', 'コメント: 確認しました'].join('\n');
/** A vendor's reply, encrypted to the desk and signed with `signAs` at the desk's time, sent `from` over SMTP. */
async function vendorReply(from: string, signAs: string, body: string, messageId: string): Promise<void> {
  const { raw } = signedEncryptedMail(w.world, { from, signAs, to: DESK, subject: `[${caseId}] Re: notification`, messageId, body, signedAt: w.clock.now() });
  expect((await sendRaw(from, [DESK], raw)).accepted).toEqual([DESK]);
}
/** A coordinator command mail: keyword lines, signed as `signAs` at the desk's time, encrypted to the desk. */
function commandMail(signAs: string, from: string, lines: string[], messageId: string, armored?: string): { raw: Buffer; armored: string } {
  return signedEncryptedMail(w.world, { from, signAs, to: DESK, subject: 'commands', messageId, body: `${lines.join('\n')}\n`, signedAt: w.clock.now(), ...(armored ? { armored } : {}) });
}
/** The case's product-track state, as the desk stored it. */
interface Coordination {
  vendors: { id: string; coordination: string; status: string | null }[];
  publication: { agreed: string | null };
  publishedAt: unknown;
}
/** `madoguchi cases show --json` (issue 10): the case as the CLI tells it now, and the stored cases.state beside it. */
interface Shown {
  state: string;
  stored: string;
  startDateJst: string | null;
  targetJst: string | null;
  proposedJst: string | null;
  proposedBy: string | null;
  agreedJst: string | null;
  overdue: boolean;
  vendors: string[];
  waitingFor: string[];
}
async function shown(): Promise<Shown> {
  const p = await w.cli(['cases', 'show', caseId, '--json']);
  expect(p.status, p.stderr).toBe(0);
  const v = JSON.parse(p.stdout) as Omit<Shown, 'vendors' | 'waitingFor' | 'stored'> & { vendors: { id: string; status: string }[]; waitingFor: { who: string }[] };
  const [row] = await query<{ state: string }>(w.db.url, 'SELECT state FROM cases WHERE id = $1', [caseId]);
  return { ...v, stored: row!.state, vendors: v.vendors.map((x) => `${x.id}: ${x.status}`), waitingFor: v.waitingFor.map((w) => w.who) };
}
const coordination = async (): Promise<Coordination> => (await query<{ coordination: Coordination }>(w.db.url, 'SELECT coordination FROM cases WHERE id = $1', [caseId]))[0]!.coordination;

beforeAll(async () => {
  w = await MailWorld.start({
    prefix: 'coord',
    parties: [
      { id: 'reporter', name: 'Taro', addr: REPORTER, secretKeyFile: join(FIXTURES, 'keys', 'reporter.sec.asc') },
      { id: 'acme', name: 'acme PSIRT', addr: ACME },
      { id: 'beta', name: 'beta PSIRT', addr: BETA },
      { id: 'sato', name: 'Sato', addr: SATO },
    ],
    coordinators: [SATO],
    patienceMs: 60_000,
  });
  w.file(
    'vendors.yaml',
    [
      'vendors:',
      '  - id: acme',
      '    name: ACME Corporation',
      `    contacts: { to: [${ACME}] }`,
      '    keys: [acme.asc]',
      '    products:',
      '      - name: まどぐちメールサーバ',
      '        keywords: [mail]',
      '  - id: beta',
      '    name: Beta Inc.',
      `    contacts: { to: [${BETA}] }`,
      '    keys: [beta.asc]',
      '',
    ].join('\n'),
  );
}, 180_000);

afterAll(async () => {
  await w?.stop();
});

describe('scenario 1: the product track over SMTP and IMAP (gpg on every side)', () => {
  it('a report over SMTP is acknowledged in the reporter’s mailbox', async () => {
    const body = readFileSync(join(ROOT, 'test', 'fixtures', 'report-ja.txt'), 'utf8').replace('製品開発者への発見者情報の通知：可', '製品開発者への発見者情報の通知：不可');
    const sent = await sendRaw(REPORTER, [DESK], makeReport(w.world, { from: REPORTER, fromName: 'Taro', to: DESK, body, messageId: '<coord-1@reporter.test>' }));
    expect(sent.accepted).toEqual([DESK]);
    const ack = await waitForMail(REPORTER, idStarts('ack.'));
    const [c] = await query<{ id: string; state: string }>(w.db.url, 'SELECT id, state FROM cases');
    expect(c).toBeDefined();
    expect(c!.state).toBe('accepted'); // accepted by the desk's screening
    caseId = c!.id;
    const o = await readNotice(home(REPORTER), ack);
    expect(o.decryptedOk).toBe(true);
    expect(o.signer).toBe(w.deskFpr);
    expect(o.text).toContain(caseId);
    expect(await shown()).toMatchObject({ state: 'accepted', stored: 'accepted', startDateJst: null, targetJst: null, agreedJst: null, overdue: false, vendors: [], waitingFor: ['coordinator'] });
  }, 120_000);

  it('one signed command mail (X-ACCEPT, X-ADD-VENDOR: acme, beta): confirmed; each vendor gets the details encrypted to its pinned key, and nothing of the reporter', async () => {
    const imp = await w.cli(['vendors', 'import', join(w.work, 'vendors.yaml')]);
    expect(imp.status, imp.stderr + imp.stdout).toBe(0);

    const cmd = commandMail(SATO, SATO, [`X-CASE: ${caseId}`, 'X-ACCEPT', 'X-ADD-VENDOR: acme, beta'], '<cmd-add@desk.test>');
    expect((await sendRaw(SATO, [DESK], cmd.raw)).accepted).toEqual([DESK]);
    const confirmation = await waitForMail(SATO, idStarts('command-confirmation.'));
    const conf = await readNotice(home(SATO), confirmation);
    expect(conf.decryptedOk).toBe(true);
    expect(conf.signer).toBe(w.deskFpr);
    expect(conf.text).toContain(caseId);
    // Both vendors were added (the CLI printed "add-vendor: done; notices: <vendor-notify."; the mail says it).
    expect(conf.text).toMatch(/X-ADD-VENDOR: acme\r?\n\s+実行しました/);
    expect(conf.text).toMatch(/X-ADD-VENDOR: beta\r?\n\s+実行しました/);
    // X-ACCEPT on a case the screening already accepted: a harmless confirmation, not an error.
    expect(conf.text).toMatch(/\d\. X-ACCEPT\r?\n\s+実行しました/);

    for (const vendor of [ACME, BETA]) {
      const vendorMail = await waitForMail(vendor, idStarts('vendor-notify.'));
      expect(to(vendorMail, vendor)).toBe(true);
      expect(vendorMail.toString('latin1')).toMatch(new RegExp(`^Subject: \\[${caseId}\\]\\r$`, 'm'));
      expect(encryptedTo(w.world, vendorMail).every((k) => keyIdsOf(w.world, vendor).includes(k))).toBe(true);
      const o = await readNotice(home(vendor), vendorMail);
      expect(o.decryptedOk).toBe(true);
      expect(o.signer).toBe(w.deskFpr);
      expect(o.text).toContain(caseId);
      expect(o.text).toContain('検索欄');
      for (const secret of ['山田', ...IDENTITY]) expect(o.text).not.toContain(secret);
    }
    await expect
      .poll(async () => (await query<{ state: string }>(w.db.url, `SELECT state FROM notices WHERE kind = 'vendor-notify' ORDER BY id`)).map((n) => n.state), { timeout: 30_000 })
      .toEqual(['sent', 'sent']);
    const show = await w.cli(['cases', 'show', caseId]);
    expect(show.stdout).toContain('notify-vendor');
    expect(show.stdout).toContain('state: coordinating');
    expect(show.stdout).toMatch(/^ {2}beta {2}Beta Inc\. {2}notified /m);
    const v = await shown();
    expect(v).toMatchObject({ state: 'coordinating', stored: 'coordinating', proposedBy: 'desk', agreedJst: null, overdue: false, vendors: ['acme: notified', 'beta: notified'] });
    expect(v.startDateJst).toBe(jstDate(w.clock.now()));
    expect(v.targetJst).toBe(addCalendarDays(v.startDateJst!, 45));
    expect(v.proposedJst).toBe(v.targetJst);
    expect(v.waitingFor).toEqual(['vendor:acme', 'vendor:beta', 'coordinator']);
  }, 180_000);

  it('a signed reply from the vendor is applied; one claiming to be another vendor but signed with its key changes nothing', async () => {
    const snapshot = async (): Promise<string> => JSON.stringify(await coordination());
    // ACME answers, signed with its pinned key, from its registered address.
    await vendorReply(ACME, ACME, form('影響あり'), '<acme-1@acme.test>');
    await expect.poll(async () => (await query(w.db.url, `SELECT 1 FROM timeline WHERE actor = 'vendor:acme'`)).length, { timeout: 60_000 }).toBeGreaterThan(0);
    const acme = (await coordination()).vendors.find((v) => v.id === 'acme')!;
    expect(acme.coordination).toBe('answered');
    expect(acme.status).toBe('affected');

    // "Beta" replies, but the signature is ACME's: nothing changes, and it is on record.
    const before = await snapshot();
    await vendorReply(BETA, ACME, form('影響なし'), '<fake-beta@beta.test>');
    await expect.poll(async () => (await query(w.db.url, `SELECT 1 FROM timeline WHERE event = 'reply-refused'`)).length, { timeout: 60_000 }).toBe(1);
    expect(await snapshot()).toBe(before);
    const beta = (JSON.parse(before) as Coordination).vendors.find((v) => v.id === 'beta')!;
    expect(beta.coordination).not.toBe('answered');
    expect(await shown()).toMatchObject({ state: 'coordinating', stored: 'coordinating', proposedJst: '2026-12-20', proposedBy: 'acme', vendors: ['acme: answered affected', 'beta: notified'] });
  }, 180_000);

  it('a moved clock: after 8 silent days the silent vendor, and only it, gets a reminder', async () => {
    const before = await settled();
    w.clock.setOffset(8 * DAY);
    const reminder = await waitForMail(BETA, idStarts('vendor-remind-1.'));
    expect(to(reminder, BETA)).toBe(true);
    expect((await readNotice(home(BETA), reminder)).decryptedOk).toBe(true);
    // ACME answered: no reminder for it.
    expect((await readMailbox(ACME)).filter((m) => m.toString('latin1').includes('vendor-remind'))).toHaveLength(0);
    // The same clock ticks again: no second reminder, nothing else.
    await new Promise((r) => setTimeout(r, 3000));
    expect(await settled()).toBe(before + 1);
    expect((await readMailbox(BETA)).filter((m) => m.toString('latin1').includes('vendor-remind'))).toHaveLength(1);
    expect(await shown()).toMatchObject({ state: 'coordinating', stored: 'coordinating', vendors: ['acme: answered affected', 'beta: reminded(1)'] });
  }, 180_000);

  it('the reminded vendor answers "not affected", signed', async () => {
    await vendorReply(BETA, BETA, form('影響なし'), '<beta-1@beta.test>');
    await expect.poll(async () => (await coordination()).vendors.find((v) => v.id === 'beta')!.coordination, { timeout: 60_000 }).toBe('answered');
    expect((await coordination()).vendors.find((v) => v.id === 'beta')!.status).toBe('not-affected');
    expect(await shown()).toMatchObject({ state: 'coordinating', stored: 'coordinating', vendors: ['acme: answered affected', 'beta: answered not affected'], waitingFor: ['coordinator'] });
  }, 120_000);

  it('the coordinator sets the date by signed mail: applied, confirmed, ACME told the date; its replay and a vendor-signed command change nothing', async () => {
    const agreed = async (): Promise<unknown> => (await coordination()).publication.agreed;
    const confirmations = async (): Promise<number> => (await readMailbox(SATO)).filter(idStarts('command-confirmation.')).length;
    const alerts = async (): Promise<number> => (await readMailbox(SATO)).filter(idStarts('coord-alert.')).length;
    const setDate = [`X-CASE: ${caseId}`, 'X-SET-DATE: 2026-12-20'];

    // A command signed by a vendor's key, though From says the coordinator: refused, reported.
    const alertsBefore = await alerts();
    const confirmationsBefore = await confirmations();
    expect((await sendRaw(SATO, [DESK], commandMail(ACME, SATO, setDate, '<cmd-0@desk.test>').raw)).accepted).toEqual([DESK]);
    await expect.poll(alerts, { timeout: 60_000 }).toBe(alertsBefore + 1);
    expect(await agreed()).toBeNull();

    // The coordinator's own signed, encrypted command: applied and confirmed.
    const first = commandMail(SATO, SATO, setDate, '<cmd-1@desk.test>');
    expect((await sendRaw(SATO, [DESK], first.raw)).accepted).toEqual([DESK]);
    await expect.poll(agreed, { timeout: 60_000 }).toBe('2026-12-20');
    await expect.poll(confirmations, { timeout: 60_000 }).toBe(confirmationsBefore + 1);
    const confirmation = (await readMailbox(SATO)).filter(idStarts('command-confirmation.')).at(-1)!;
    const conf = await readNotice(home(SATO), confirmation);
    expect(conf.decryptedOk).toBe(true);
    expect(conf.text).toMatch(/X-SET-DATE: 2026-12-20\r?\n\s+実行しました/);

    // The vendors are told the new date: ACME; not Beta, which said it is not affected ...
    const schedule = await waitForMail(ACME, idStarts('vendor-schedule.'));
    const s = await readNotice(home(ACME), schedule);
    expect(s.decryptedOk).toBe(true);
    expect(s.text).toContain('2026-12-20');
    // ... and so is the reporter.
    const reporterSchedule = await readNotice(home(REPORTER), await waitForMail(REPORTER, idStarts('reporter-schedule.')));
    expect(reporterSchedule.decryptedOk).toBe(true);
    expect(reporterSchedule.text).toContain('2026-12-20');
    await settled();
    expect((await readMailbox(BETA)).filter(idStarts('vendor-schedule.'))).toHaveLength(0);

    // The same signed command again, in a new envelope: a replay, refused.
    expect((await sendRaw(SATO, [DESK], commandMail(SATO, SATO, setDate, '<cmd-2@desk.test>', first.armored).raw)).accepted).toEqual([DESK]);
    await expect
      .poll(async () => (await query<{ data: { reason: string } }>(w.db.url, `SELECT data FROM timeline WHERE event = 'command-mail-refused' ORDER BY id`)).map((r) => r.data.reason), { timeout: 60_000 })
      .toEqual(['signer-not-pinned', 'replayed-signature']);
    expect(await shown()).toMatchObject({ state: 'scheduled', stored: 'scheduled', agreedJst: '2026-12-20', proposedJst: null, overdue: false, waitingFor: ['desk'] });
  }, 240_000);

  it('on the agreed date the advisory goes to every party at once, with the consented credit and no reproduction steps', async () => {
    w.clock.setTo(new Date('2026-12-20T03:00:00Z'));
    for (const addr of PARTIES) {
      const m = await waitForMail(addr, idStarts('advisory.'));
      expect(to(m, addr), addr).toBe(true);
      const o = await readNotice(home(addr), m);
      expect(o.decryptedOk).toBe(true);
      expect(o.signer).toBe(w.deskFpr);
      expect(o.text).toContain(caseId);
      expect(o.text).toContain(CREDIT); // credit, as consented (公表時の氏名掲載：可（山田太郎）)
      expect(o.text).not.toContain('alert(1)'); // the reproduction steps are never published (§2)
    }
    const published = await waitForMail(REPORTER, idStarts('reporter-published.'));
    expect((await readNotice(home(REPORTER), published)).decryptedOk).toBe(true);
    expect((await coordination()).publishedAt).not.toBeNull();
    expect(await shown()).toMatchObject({ state: 'published', stored: 'published', agreedJst: '2026-12-20', overdue: false, waitingFor: [] });
    const list = await w.cli(['cases', 'list', '--state', 'published']);
    expect(list.stdout.split('\t')[0]).toBe(caseId);
  }, 240_000);

  it('an unknown vendor or case is refused with a reason, and nothing is sent', async () => {
    const before = await settled();
    const unknownVendor = await w.cli(['case', caseId, 'add-vendor', 'nobody']);
    expect(unknownVendor.status).toBe(1);
    expect(unknownVendor.stdout).toContain('add-vendor: error (Vendor nobody is not in the vendor registry');
    const unknownCase = await w.cli(['case', 'VR-2026-9999', 'add-vendor', 'acme']);
    expect(unknownCase.status).toBe(1);
    expect(unknownCase.stdout).toContain('add-vendor: error (no case VR-2026-9999)');
    await new Promise((r) => setTimeout(r, 2000));
    expect(await settled()).toBe(before);
  }, 120_000);

  it('every mail the desk sent: RFC 3156, decrypted by its recipient’s key, signed by the desk, nothing of the reporter to a vendor', async () => {
    await settled();
    const all = await w.mailboxes();
    const notices = await query<{ id: string; recipient: string; kind: string }>(w.db.url, 'SELECT id, recipient, kind FROM notices ORDER BY id');
    // Each stored notice is in its recipient's mailbox exactly once, and nothing else is there.
    expect(all.map((m) => `${m.to} ${messageIdOf(m.raw)}`).sort()).toEqual(notices.map((n) => `${n.recipient} ${n.id}`).sort());
    expect(new Set(all.map((m) => m.to))).toEqual(new Set(PARTIES));
    for (const { to: addr, raw } of all) {
      const what = `${addr} ${messageIdOf(raw)}`;
      expect(isPgpMimeEncrypted(raw), what).toBe(true);
      expect(encryptedTo(w.world, raw).every((k) => keyIdsOf(w.world, addr).includes(k)), what).toBe(true);
      const o = await readNotice(home(addr), raw);
      expect(o.decryptedOk, what).toBe(true);
      expect(o.signer, what).toBe(w.deskFpr);
      // Nothing of the report outside the encryption.
      for (const s of ['まどぐち', '山田', 'alert(1)']) expect(raw.toString('utf8'), what).not.toContain(s);
      if (addr === ACME || addr === BETA) {
        for (const secret of IDENTITY) expect(o.text, what).not.toContain(secret);
        // The reporter's name only as the consented credit, and only in the advisory.
        const text = idStarts('advisory.')(raw) ? o.text.replaceAll(CREDIT, '') : o.text;
        expect(text, what).not.toContain('山田');
      }
    }
  }, 240_000);

  it('the desk\'s log of the whole scenario: a JSON line per message read and notice sent, codes and ids only, nothing of the report or of any reporter or vendor', () => {
    const lines = w.desk.logs.map((l) => JSON.parse(l) as Record<string, unknown>);
    const messages = lines.filter((l) => l.msg === 'message');
    expect(messages.length).toBeGreaterThanOrEqual(8);
    expect(messages.some((l) => l.kind === 'report' && typeof l.case === 'string' && l.case === caseId)).toBe(true);
    expect(messages.every((l) => typeof l.message === 'number' && typeof l.ms === 'number')).toBe(true);
    expect(lines.filter((l) => l.msg === 'notice sent').length).toBeGreaterThanOrEqual(8);
    // One line per coordinator command applied or refused (issue 10), with its code.
    const applied = lines.filter((l) => l.msg === 'command applied').map((l) => [l.case, l.command]);
    expect(applied).toEqual(expect.arrayContaining([[caseId, 'accept'], [caseId, 'add-vendor'], [caseId, 'set-date']]));
    const refused = lines.filter((l) => l.msg === 'command refused').map((l) => l.code);
    expect(refused).toEqual(expect.arrayContaining(['signer-not-pinned', 'replayed-signature']));
    const all = w.desk.logs.join('\n');
    for (const s of [...IDENTITY, CREDIT, '山田', 'まどぐち', 'alert(1)', REPORTER, ACME, BETA]) expect(all).not.toContain(s);
  });
});
