// The website track end to end through `Desk` on real PostgreSQL (issue 11; guideline §4,
// §8): a website report → a coordinator accepts → the operator is proposed from the
// registry → X-CONFIRM-OPERATOR → the operator gets the details encrypted to its pinned key
// (read with gpg) → 7 days later a reminder → the operator replies "fixed", signed and
// encrypted → the reporter is told (encrypted) → the case is closed. And an operator with no
// key gets a content-free first contact in clear, the coordinators are told.
import { mkdtempSync, readFileSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extendKeyring } from '../../src/crypto/openpgp.ts';
import { ensureDeskKeys } from '../../src/desk/keys.ts';
import { Desk, type DeskOptions } from '../../src/desk/service.ts';
import { saveSnapshot } from '../../src/desk/coordination.ts';
import { newWebsiteCase, stepWebsite, type WebsiteCase, type WebsiteEvent } from '../../src/rules/website.ts';
import { createCase } from '../../src/store/repo.ts';
import { isJapaneseHoliday } from '../../src/adapters/holiday-jp.ts';
import { addCalendarDays, jstDate } from '../../src/domain/clock.ts';
import { businessCalendar, jstAt, weekday } from '../../src/rules/business-days.ts';
import type { JobData, JobName } from '../../src/jobs/registry.ts';
import type { Envelope, SendResult, Transport } from '../../src/outbound/transport.ts';
import { openDb, type Db } from '../../src/store/db.ts';
import { loadCaseView } from '../../src/store/case-view.ts';
import { upsertOperator } from '../../src/store/operators.ts';
import { exportSecretKey, fingerprintOf, readNotice, recipientHome, signedEncryptedMail } from '../support/coordination.ts';
import { freshDatabase } from '../support/desk.ts';
import { Gpg, makeKeyPair, makeReport } from '../support/gpg.ts';
import { FIXTURES } from '../support/paths.ts';

const DESK = 'desk@madoguchi.test';
const REPORTER = 'taro@reporter.test';
const OPERATOR = 'security@shop.example.jp';
const NOKEY = 'info@nokey.example.jp';
const SATO = 'sato@coord.test';
const DAY = 86_400_000;

let db: Db;
let drop: () => Promise<void>;
let desk: Desk;
let deskOptions: DeskOptions;
let world: Gpg;
let work: string;
const homes = new Map<string, Gpg>();
const sent: { raw: Buffer; to: string[]; messageId: string }[] = [];
const jobs: { name: JobName; data: JobData }[] = [];
const seen = new Set<string>();
let now = new Date(Date.now() + 60_000);
let n = 0;

async function drain(): Promise<void> {
  for (let job = jobs.shift(); job; job = jobs.shift()) await desk.handle(job.name, job.data);
}
async function report(url: string, messageId: string): Promise<string> {
  const body = ['Report type: website', 'Reporter name: Taro Yamada', `Contact email: ${REPORTER}`, `URL: ${url}`, 'Summary: Stored XSS in the cart page.', 'Steps to reproduce: put a script tag in the gift message.'].join('\n');
  await desk.accept(makeReport(world, { from: REPORTER, fromName: 'Taro', to: DESK, body, messageId }), 'maildir', null);
  await drain();
  const [c] = await db.query<{ id: string }>('SELECT id FROM cases ORDER BY created_at DESC LIMIT 1');
  return c!.id;
}
async function command(body: string): Promise<void> {
  const { raw } = signedEncryptedMail(world, { from: SATO, signAs: SATO, to: DESK, subject: `command ${++n}`, messageId: `<cmd-${n}@coord.test>`, body, signedAt: now });
  await desk.accept(raw, 'maildir', null);
  await drain();
}
async function readAll(addr: string, from: number): Promise<{ messageId: string; text: string }[]> {
  const out: { messageId: string; text: string }[] = [];
  for (const m of sent.slice(from)) {
    if (!m.to.includes(addr)) continue;
    const r = await readNotice(homes.get(addr)!, m.raw);
    if (!r.decryptedOk) throw new Error(`${addr} cannot read ${m.messageId}`);
    out.push({ messageId: m.messageId, text: r.text });
  }
  return out;
}
const stateOf = async (id: string): Promise<string> => (await db.query<{ state: string }>('SELECT state FROM cases WHERE id = $1', [id]))[0]!.state;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'mdg-web-'));
  world = new Gpg();
  const pg = await freshDatabase();
  drop = () => pg.drop();
  db = await openDb({ databaseUrl: pg.url });
  const keys = await ensureDeskKeys(join(work, 'keys'), 'Desk', DESK, () => undefined);
  const deskPub = readFileSync(join(work, 'keys', 'desk.pub.asc'), 'utf8');
  world.importText(deskPub);
  world.importFile(join(FIXTURES, 'keys', 'reporter.sec.asc'));
  const opKey = makeKeyPair(world, 'Shop Security', OPERATOR);
  const satoKey = makeKeyPair(world, 'Sato', SATO);
  homes.set(REPORTER, recipientHome(readFileSync(join(FIXTURES, 'keys', 'reporter.sec.asc')), deskPub));
  homes.set(OPERATOR, recipientHome(exportSecretKey(world, OPERATOR), deskPub));
  homes.set(SATO, recipientHome(exportSecretKey(world, SATO), deskPub));
  await upsertOperator(db, { id: 'shop-co', name: 'Shop Co', domains: ['shop.example.jp'], contacts: { to: [OPERATOR] }, keys: [{ fingerprint: fingerprintOf(world, OPERATOR), armored: opKey }] }, 'test');
  await upsertOperator(db, { id: 'nokey-co', name: 'NoKey Co', domains: ['nokey.example.jp'], contacts: { to: [NOKEY] }, keys: [] }, 'test');
  const transport: Transport = {
    send: (raw: Buffer, envelope: Envelope, messageId: string): Promise<SendResult> => {
      sent.push({ raw, to: envelope.to, messageId });
      return Promise.resolve({ ok: true, response: '250 ok' });
    },
    close: () => Promise.resolve(),
  };
  deskOptions = {
    db,
    queue: {
      add: (name: JobName, data: JobData, jobId: string): Promise<void> => {
        if (!seen.has(jobId)) {
          seen.add(jobId);
          jobs.push({ name, data });
        }
        return Promise.resolve();
      },
    },
    transport,
    signer: keys.signer,
    ring: await extendKeyring(keys.ring, [{ name: 'sato', text: satoKey }]),
    address: DESK,
    casePrefix: 'VR',
    clock: () => now,
    publicDir: join(work, 'public'),
    coordinators: [{ name: 'Sato', email: SATO, fingerprints: [fingerprintOf(world, SATO)], armoredKeys: [satoKey] }],
  };
  desk = new Desk(deskOptions);
}, 120_000);

afterAll(async () => {
  await db?.close();
  await drop?.();
  world?.close();
  for (const h of homes.values()) h.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('a website case from report to fix', () => {
  let id = '';
  it('opens a website case with its own state; product commands are refused on it', async () => {
    id = await report('https://shop.example.jp/cart', '<web-1@reporter.test>');
    expect(await stateOf(id)).toBe('received');
    const mark = sent.length;
    await command(`X-CASE: ${id}\nX-ADD-VENDOR: acme\n`);
    const confirmations = await readAll(SATO, mark);
    expect(confirmations.map((m) => m.messageId.split('.')[0])).toEqual(['<command-confirmation']);
    // Refused: the website snapshot is untouched (no vendor, still received).
    const [row] = await db.query<{ coordination: { track?: string; vendors?: unknown } }>('SELECT coordination FROM cases WHERE id = $1', [id]);
    expect(row!.coordination.track).toBe('website');
    expect(row!.coordination.vendors).toBeUndefined();
    expect(await stateOf(id)).toBe('received');
  }, 120_000);

  it('accept: the reporter is told; the operator is proposed from the registry to the coordinators', async () => {
    const mark = sent.length;
    await command(`X-CASE: ${id}\nX-ACCEPT\n`);
    expect(await stateOf(id)).toBe('accepted');
    const toReporter = await readAll(REPORTER, mark);
    expect(toReporter.map((m) => m.messageId).some((x) => x.startsWith('<reporter-accepted.'))).toBe(true);
    const toSato = await readAll(SATO, mark);
    const proposal = toSato.find((m) => m.messageId.startsWith('<coord-confirm-operator.'));
    expect(proposal?.text).toContain('shop-co');
    expect(proposal?.text).toContain('X-CONFIRM-OPERATOR');
    // Nothing went to the operator before a coordinator confirmed it.
    expect(sent.slice(mark).some((m) => m.to.includes(OPERATOR))).toBe(false);
  }, 120_000);

  it('X-CONFIRM-OPERATOR: the operator gets the details encrypted to its pinned key', async () => {
    const mark = sent.length;
    await command(`X-CASE: ${id}\nX-CONFIRM-OPERATOR: shop-co\n`);
    expect(await stateOf(id)).toBe('operator-notified');
    const toOp = await readAll(OPERATOR, mark);
    expect(toOp).toHaveLength(1);
    expect(toOp[0]!.messageId.startsWith('<operator-notify.')).toBe(true);
    expect(toOp[0]!.text).toContain('https://shop.example.jp/cart');
    expect(toOp[0]!.text).toContain('Stored XSS');
    // No consent: the reporter's name is not given to the operator.
    expect(toOp[0]!.text).not.toContain('Yamada');
    const view = await loadCaseView(db, id, { now });
    expect(view?.state).toBe('operator-notified');
    expect(JSON.stringify(view)).toMatch(/fix/i);
  }, 120_000);

  it('7 days of silence: a reminder, encrypted to the operator', async () => {
    now = new Date(now.getTime() + 7 * DAY + 60_000);
    const mark = sent.length;
    await desk.tickAll();
    await drain();
    const toOp = await readAll(OPERATOR, mark);
    expect(toOp.map((m) => m.messageId.split('.')[0])).toEqual(['<operator-remind']);
    // A tick again at the same time decides nothing new.
    const again = sent.length;
    await desk.tickAll();
    await drain();
    expect(sent.length).toBe(again);
  }, 120_000);

  it('a reply with a bad field is refused: the operator is told which field (encrypted), the coordinators alerted, nothing changes', async () => {
    const mark = sent.length;
    const body = `Case ID: ${id}\nStatus: fixed\nFixed versions: ${'9'.repeat(600)}\n`;
    const { raw } = signedEncryptedMail(world, { from: OPERATOR, signAs: OPERATOR, to: DESK, subject: `Re: [${id}]`, messageId: '<op-reply-bad@shop.example.jp>', body, signedAt: now });
    await desk.accept(raw, 'maildir', null);
    await drain();
    expect(await stateOf(id)).toBe('operator-notified');
    const toOp = await readAll(OPERATOR, mark);
    expect(toOp.map((m) => m.messageId.split('.')[0])).toEqual(['<invalid']);
    expect(toOp[0]!.text).toContain('Fixed versions');
    expect(toOp[0]!.text).toContain('500');
    const toSato = await readAll(SATO, mark);
    expect(toSato.some((m) => m.messageId.startsWith('<coord-alert.') && m.text.includes('fixedVersions:too-long'))).toBe(true);
    // Nothing to the reporter: the fix was not taken.
    expect(sent.slice(mark).some((m) => m.to.includes(REPORTER))).toBe(false);
  }, 120_000);

  it('the operator replies fixed (signed by its pinned key, encrypted): the reporter is told, the case closes', async () => {
    const mark = sent.length;
    const { raw } = signedEncryptedMail(world, { from: OPERATOR, signAs: OPERATOR, to: DESK, subject: `Re: [${id}]`, messageId: '<op-reply-1@shop.example.jp>', body: `Case ID: ${id}\nStatus: fixed\n`, signedAt: now });
    await desk.accept(raw, 'maildir', null);
    await drain();
    expect(await stateOf(id)).toBe('fixed');
    const toReporter = await readAll(REPORTER, mark);
    expect(toReporter.some((m) => m.messageId.startsWith('<reporter-site-fixed.'))).toBe(true);
    const toSato = await readAll(SATO, mark);
    expect(toSato.some((m) => m.messageId.startsWith('<coord-operator-fixed.'))).toBe(true);
  }, 120_000);

  it('nothing about the site in any public file', () => {
    const dir = join(work, 'public');
    const files = existsSync(dir) ? readdirSync(dir) : [];
    for (const f of files) {
      const text = readFileSync(join(dir, f), 'utf8');
      expect(text).not.toContain('shop.example.jp');
      expect(text).not.toContain('Shop Co');
    }
  });
});

describe('an operator with no pinned key', () => {
  it('gets a content-free first contact in clear (no URL), and the coordinators are told', async () => {
    now = new Date(now.getTime() + 60_000);
    const id = await report('https://nokey.example.jp/login', '<web-2@reporter.test>');
    await command(`X-CASE: ${id}\nX-ACCEPT\n`);
    const mark = sent.length;
    await command(`X-CASE: ${id}\nX-CONFIRM-OPERATOR: nokey-co\n`);
    expect(await stateOf(id)).toBe('awaiting-key');
    const toOp = sent.slice(mark).filter((m) => m.to.includes(NOKEY));
    expect(toOp).toHaveLength(1);
    const text = toOp[0]!.raw.toString('utf8');
    expect(text).not.toContain('BEGIN PGP MESSAGE');
    expect(text).not.toContain('nokey.example.jp/login');
    expect(text).not.toContain('XSS');
    const toSato = await readAll(SATO, mark);
    expect(toSato.some((m) => m.messageId.startsWith('<coord-operator-no-key.'))).toBe(true);
  }, 120_000);
});

describe('a bad site URL', () => {
  it('is refused at intake with bad-url: the reporter is told which field (encrypted), no case is opened', async () => {
    const count = async (): Promise<string> => (await db.query<{ n: string }>('SELECT count(*) AS n FROM cases'))[0]!.n;
    const before = await count();
    const mark = sent.length;
    const body = ['Report type: website', 'Reporter name: Taro Yamada', `Contact email: ${REPORTER}`, 'URL: javascript:alert(document.cookie)', 'Summary: Stored XSS in the cart page.', 'Steps to reproduce: put a script tag in the gift message.'].join('\n');
    await desk.accept(makeReport(world, { from: REPORTER, fromName: 'Taro', to: DESK, body, messageId: '<web-bad-url@reporter.test>' }), 'maildir', null);
    await drain();
    expect(await count()).toBe(before);
    const toReporter = await readAll(REPORTER, mark);
    expect(toReporter.map((m) => m.messageId.split('.')[0])).toEqual(['<invalid']);
    expect(toReporter[0]!.text).toContain('URL');
    expect(toReporter[0]!.text).toContain('https://');
    const [m] = await db.query<{ error: string | null }>("SELECT error FROM messages WHERE message_id = '<web-bad-url@reporter.test>'");
    expect(m?.error ?? '').toContain('website.url:bad-url');
  }, 120_000);
});

describe('timed mail waits for a business day (a Desk with timedMail, issue 11)', () => {
  it('a reminder due on a Japanese public holiday goes on the next business day at 09:00 JST, encrypted to the operator', async () => {
    // The first weekday public holiday two weeks or more ahead (the test keys are made today:
    // a clock before today would find them not yet valid).
    const cal = businessCalendar(isJapaneseHoliday);
    let holiday = addCalendarDays(jstDate(new Date()), 14);
    while (!(isJapaneseHoliday(holiday) && weekday(holiday) !== 0 && weekday(holiday) !== 6)) holiday = addCalendarDays(holiday, 1);
    const notifiedAt = jstAt(addCalendarDays(holiday, -7), '10:00');
    const due = jstAt(holiday, '10:00');
    const goes = cal.deferToBusinessDay(due, '09:00');
    expect(goes.getTime()).toBeGreaterThan(due.getTime());
    let c: WebsiteCase = newWebsiteCase({ id: 'VR-2026-0900', reporter: { name: 'Taro Yamada', consent: { shareIdentity: false, directContact: false, credit: false } } });
    const events: WebsiteEvent[] = [{ type: 'accept' }, { type: 'confirm-operator', operator: { id: 'shop-co', name: 'Shop Co', source: 'registry', keyFingerprint: fingerprintOf(world, OPERATOR) } }];
    for (const e of events) c = stepWebsite(c, e, notifiedAt).case;
    const siteReport = (path: string) => ({ kind: 'website', website: { url: `https://shop.example.jp/${path}` }, vulnerability: { summary: 'XSS' }, reproduction: 'steps' });
    await createCase(db, { id: c.id, kind: 'website', state: 'operator-notified', lang: 'en', report: siteReport('holiday'), reporterEmail: REPORTER });
    await saveSnapshot(db, c);
    let at = due;
    const timed = new Desk({ ...deskOptions, clock: () => at, timedMail: { time: '09:00' } });
    const reminders = async (id: string): Promise<string[]> => (await db.query<{ id: string }>("SELECT id FROM notices WHERE case_id = $1 AND kind = 'operator-remind'", [id])).map((r) => r.id);
    await timed.tickAll();
    await drain();
    expect(await reminders(c.id)).toEqual([]);
    at = new Date(goes.getTime() - 60_000);
    await timed.tickAll();
    await drain();
    expect(await reminders(c.id)).toEqual([]);
    at = goes;
    const mark = sent.length;
    await timed.tickAll();
    await drain();
    expect(await reminders(c.id)).toHaveLength(1);
    const toOp = (await readAll(OPERATOR, mark)).filter((m) => m.messageId.includes(c.id));
    expect(toOp.map((m) => m.messageId.split('.')[0])).toEqual(['<operator-remind']);
    // The same due instant without timedMail (the rules' default): on the holiday itself.
    const plain = { ...c, id: 'VR-2026-0901' };
    await createCase(db, { id: plain.id, kind: 'website', state: 'operator-notified', lang: 'en', report: siteReport('holiday2'), reporterEmail: REPORTER });
    await saveSnapshot(db, plain);
    at = due;
    await new Desk({ ...deskOptions, clock: () => at }).tickAll();
    await drain();
    expect(await reminders(plain.id)).toHaveLength(1);
  }, 120_000);
});
