// A week of the coordinators' digest over real mail (issue 11): two desk processes on one
// database, one mailbox and one queue, both ticking every second, their shared clock moved day
// by day from Thursday 2027-01-07 to Wednesday 2027-01-13, across a weekend and 成人の日
// (Monday 2027-01-11, a Japanese public holiday in @holiday-jp/holiday_jp). Each of the two
// coordinators gets exactly one digest per business day, at 09:00 JST (not before), none on
// Saturday, Sunday or the holiday; each is encrypted to its coordinator (read with the
// coordinator's own gpg home) and signed by the desk. Restarting one desk in the middle of a
// day sends nothing twice.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holidayName, isJapaneseHoliday } from '../../src/adapters/holiday-jp.ts';
import { jstDate } from '../../src/domain/clock.ts';
import { businessCalendar } from '../../src/rules/business-days.ts';
import {
  DeskClock,
  encryptedTo,
  exportSecretKey,
  fingerprintOf,
  headerOf,
  idStarts,
  isPgpMimeEncrypted,
  keyIdsOf,
  readNotice,
  recipientHome,
} from '../support/coordination.ts';
import { freshDatabase, query, onMailServers, spawnDesk, type DeskProcess } from '../support/desk.ts';
import { Gpg, makeKeyPair, makeReport } from '../support/gpg.ts';
import { readMailbox, sendRaw, startMailServers, type MailServers } from '../support/mailservers.ts';
import { FIXTURES, ROOT } from '../support/paths.ts';

const DESK = 'desk@madoguchi.test';
const REPORTER = 'taro@reporter.test';
const SATO = 'sato@desk.test';
const SUZUKI = 'suzuki@desk.test';
const COORDINATORS = [SATO, SUZUKI] as const;
const HOLIDAY = '2027-01-11';
const calendar = businessCalendar(isJapaneseHoliday);
/** `hh:mm:ss` JST of a date, as an instant. */
const jst = (date: string, time: string): Date => new Date(`${date}T${time}+09:00`);

const world = new Gpg();
const homes = new Map<string, Gpg>();
let servers: MailServers;
let work: string;
let db: Awaited<ReturnType<typeof freshDatabase>>;
let env: Record<string, string>;
const desks: DeskProcess[] = [];
let clock: DeskClock;
let deskFpr: string;

const digests = async (addr: string): Promise<Buffer[]> => (await readMailbox(addr)).filter(idStarts('digest.'));
/** How many digests each coordinator has, in COORDINATORS order. */
const counts = async (): Promise<number[]> => Promise.all(COORDINATORS.map(async (c) => (await digests(c)).length));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** The days claimed in the database, per coordinator (the exactly-once record). */
const claimed = async (): Promise<string[]> => (await query<{ c: string; d: string }>(db.url, `SELECT coordinator AS c, to_char(day, 'YYYY-MM-DD') AS d FROM digests ORDER BY d, c`)).map((r) => `${r.d} ${r.c}`);

/**
 * Each coordinator's newest digest, read with its own key: RFC 3156, encrypted to that
 * coordinator's key only, decrypted, signed by the desk, about `day`, dated at or after
 * 09:00 JST that day and before `latest` (minutes after 09:00, unless the desks started later).
 */
async function checkLatest(day: string, latest = '09:15:00'): Promise<string[]> {
  const texts: string[] = [];
  for (const c of COORDINATORS) {
    const raw = (await digests(c)).at(-1)!;
    expect(isPgpMimeEncrypted(raw), c).toBe(true);
    expect(encryptedTo(world, raw).every((k) => keyIdsOf(world, c).includes(k)), c).toBe(true);
    const o = await readNotice(homes.get(c)!, raw);
    expect(o.decryptedOk, c).toBe(true);
    expect(o.signer, c).toBe(deskFpr);
    expect(o.text).toContain(`${day} のダイジェストです。`);
    const sentAt = new Date(headerOf(raw, 'Date')!);
    expect(sentAt.getTime()).toBeGreaterThanOrEqual(jst(day, '09:00:00').getTime() - 1000); // Date has whole seconds
    expect(sentAt.getTime()).toBeLessThan(jst(day, latest).getTime());
    texts.push(o.text);
    await new Promise((r) => setImmediate(r)); // gpg is synchronous: let vitest breathe
  }
  return texts;
}

/**
 * Moves the shared clock to `day` at 08:59:30 JST: no digest for it yet after several ticks of
 * both desks; once 09:00 passes, one per coordinator.
 */
async function businessMorning(day: string, before: number[]): Promise<string[]> {
  expect(calendar.isBusinessDay(day)).toBe(true);
  clock.setTo(jst(day, '08:59:30'));
  await sleep(4000);
  const early = await counts();
  expect(clock.now().getTime(), 'the look before 09:00 came too late').toBeLessThan(jst(day, '09:00:00').getTime());
  expect(early).toEqual(before);
  await expect.poll(counts, { timeout: 120_000, interval: 500 }).toEqual(before.map((x) => x + 1));
  await sleep(4000); // both desks tick again after 09:00: still one each
  expect(await counts()).toEqual(before.map((x) => x + 1));
  return checkLatest(day);
}

/** Moves the shared clock to `day` (a closed day) at 10:00 JST: no digest after several ticks. */
async function closedDay(day: string, before: number[]): Promise<void> {
  expect(calendar.isBusinessDay(day)).toBe(false);
  clock.setTo(jst(day, '10:00:00'));
  await sleep(5000);
  expect(await counts()).toEqual(before);
}

beforeAll(async () => {
  servers = await startMailServers();
  db = await freshDatabase();
  work = mkdtempSync(join(tmpdir(), 'mdg-digest-week-'));
  clock = new DeskClock(join(work, 'clock-offset'));
  world.importFile(join(FIXTURES, 'keys', 'reporter.sec.asc'));
  mkdirSync(join(work, 'keys'), { recursive: true });
  for (const [name, addr] of [['Sato', SATO], ['Suzuki', SUZUKI]] as const) writeFileSync(join(work, 'keys', `${name.toLowerCase()}.asc`), makeKeyPair(world, name, addr));
  // Thursday 2027-01-07, 09:30 JST: the first digest is due as soon as a desk starts.
  clock.setTo(jst('2027-01-07', '09:30:00'));
  env = {
    ...onMailServers(servers, DESK),
    MADOGUCHI_KEYS_DIR: join(work, 'keys'),
    MADOGUCHI_OUTBOX: join(work, 'outbox'),
    MADOGUCHI_PUBLIC_DIR: join(work, 'public'),
    DATABASE_URL: db.url,
    MADOGUCHI_QUEUE_PREFIX: `mdg-digest-week-${process.pid}`,
    MADOGUCHI_JOB_BACKOFF_MS: '200',
    MADOGUCHI_CLOCK_FILE: clock.file,
    MADOGUCHI_TICK_SECONDS: '1',
    MADOGUCHI_DIGEST: 'true',
    MADOGUCHI_DIGEST_TIME: '09:00',
    MADOGUCHI_COORDINATORS: JSON.stringify([
      { name: 'Sato', email: SATO, fingerprints: [fingerprintOf(world, SATO)] },
      { name: 'Suzuki', email: SUZUKI, fingerprints: [fingerprintOf(world, SUZUKI)] },
    ]),
  };
  // The first desk makes the desk's key; the second starts on the same keys, database, mailbox and queue.
  desks.push(spawnDesk(env));
  await desks[0]!.waitForLog(/imap: connected/, 90_000);
  desks.push(spawnDesk(env));
  await desks[1]!.waitForLog(/imap: connected/, 90_000);
  const deskPub = readFileSync(join(work, 'keys', 'desk.pub.asc'));
  world.importText(deskPub.toString());
  deskFpr = fingerprintOf(world, DESK);
  for (const c of COORDINATORS) homes.set(c, recipientHome(exportSecretKey(world, c), deskPub));
}, 240_000);

afterAll(async () => {
  if (process.env.MADOGUCHI_TEST_LOG) writeFileSync(process.env.MADOGUCHI_TEST_LOG, desks.flatMap((d, i) => d.logs.map((l) => `${String(i)} ${l}`)).join('\n'));
  await Promise.all(desks.map((d) => d.stop()));
  await servers?.stop();
  await db?.drop();
  world.close();
  for (const h of homes.values()) h.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('a week of digests with two desk processes (issue 11)', () => {
  it('the calendar of the week: 2027-01-11 is 成人の日 in the holiday list; the business days are Thu, Fri, Tue, Wed', () => {
    expect(isJapaneseHoliday(HOLIDAY)).toBe(true);
    expect(holidayName(HOLIDAY)?.ja).toBe('成人の日');
    const week = ['2027-01-07', '2027-01-08', '2027-01-09', '2027-01-10', '2027-01-11', '2027-01-12', '2027-01-13'];
    expect(week.filter((d) => calendar.isBusinessDay(d))).toEqual(['2027-01-07', '2027-01-08', '2027-01-12', '2027-01-13']);
  });

  it('Thursday: the desks start after 09:00 and each coordinator gets the day’s digest once; nothing to report is one line', async () => {
    await expect.poll(counts, { timeout: 120_000, interval: 500 }).toEqual([1, 1]);
    await sleep(4000);
    expect(await counts()).toEqual([1, 1]);
    for (const text of await checkLatest('2027-01-07', '10:30:00')) expect(text).toContain('報告事項はありません。窓口は稼働しています。');
    expect(await claimed()).toEqual([`2027-01-07 ${SATO}`, `2027-01-07 ${SUZUKI}`]);
  }, 240_000);

  it('a report on Thursday: Friday’s digest, at 09:00 and not before, lists the new case with the command to act on it', async () => {
    const body = readFileSync(join(ROOT, 'test', 'fixtures', 'report-ja.txt'), 'utf8');
    expect((await sendRaw(REPORTER, [DESK], makeReport(world, { from: REPORTER, fromName: 'Taro', to: DESK, body, messageId: '<digest-week-1@reporter.test>' }))).accepted).toEqual([DESK]);
    let caseId = '';
    await expect
      .poll(async () => {
        caseId = (await query<{ id: string }>(db.url, 'SELECT id FROM cases'))[0]?.id ?? '';
        return caseId;
      }, { timeout: 90_000, interval: 500 })
      .not.toBe('');
    for (const text of await businessMorning('2027-01-08', [1, 1])) {
      expect(text).toContain(caseId);
      // The case's line, and under it the command to act on it.
      expect(text).toMatch(new RegExp(`  - [^\\n]*${caseId}[^\\n]*\\r?\\n {6}(X-[A-Z]|madoguchi )`));
      expect(text).not.toContain('報告事項はありません');
    }
  }, 300_000);

  it('Saturday, Sunday and 成人の日 (Monday): no digest, whatever the desks do', async () => {
    await closedDay('2027-01-09', [2, 2]);
    await closedDay('2027-01-10', [2, 2]);
    // A desk restarted on the holiday sends no catch-up for it either.
    await desks[1]!.stop();
    desks[1] = spawnDesk(env);
    await desks[1].waitForLog(/imap: connected/, 90_000);
    await closedDay(HOLIDAY, [2, 2]);
    expect(await claimed()).toEqual([`2027-01-07 ${SATO}`, `2027-01-07 ${SUZUKI}`, `2027-01-08 ${SATO}`, `2027-01-08 ${SUZUKI}`]);
  }, 300_000);

  it('Tuesday and Wednesday: one digest each at 09:00; a desk restarted after Tuesday’s digest sends it not again', async () => {
    await businessMorning('2027-01-12', [2, 2]);
    await desks[0]!.stop();
    desks[0] = spawnDesk(env);
    await desks[0].waitForLog(/imap: connected/, 90_000);
    await sleep(4000);
    expect(await counts()).toEqual([3, 3]);
    await businessMorning('2027-01-13', [3, 3]);
    const days = ['2027-01-07', '2027-01-08', '2027-01-12', '2027-01-13'];
    expect(await claimed()).toEqual(days.flatMap((d) => [`${d} ${SATO}`, `${d} ${SUZUKI}`]));
    // The week in the mailboxes: one digest per business day, for each coordinator.
    for (const c of COORDINATORS) {
      const dates = (await digests(c)).map((raw) => jstDate(new Date(headerOf(raw, 'Date')!)));
      expect(dates, c).toEqual(days);
    }
    // Every digest the desks stored was sent and is in its coordinator's mailbox, no more.
    const stored = await query<{ recipient: string }>(db.url, `SELECT recipient FROM notices WHERE kind = 'digest' AND state = 'sent'`);
    expect(stored.map((s) => s.recipient).sort()).toEqual([...Array<string>(4).fill(SATO), ...Array<string>(4).fill(SUZUKI)]);
  }, 300_000);
});
