// The digest's store side on real PostgreSQL (issue 11): the exactly-once claim per
// (coordinator, JST business day) with two connections racing, and the facts of each
// digest's window (after the previous claim's marks, up to its own).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyFingerprints } from '../../src/crypto/openpgp.ts';
import { loadCaseViews } from '../../src/store/case-view.ts';
import { openDb, type Db } from '../../src/store/db.ts';
import { claimDigest, digestFactsIn, lastDigest, previewWindow, setDigestNotice, vendorPinnedKeys, type DigestClaim } from '../../src/store/digest.ts';
import { createDraft } from '../../src/store/drafts.ts';
import { appendTimeline, createCase, insertNotice, setMessageState, storeMessage } from '../../src/store/repo.ts';
import { removeVendor, upsertVendor } from '../../src/store/vendors.ts';
import { buildDigest } from '../../src/rules/digest.ts';
import { freshDatabase } from '../support/desk.ts';
import { ROOT } from '../support/paths.ts';

let pgdb: Awaited<ReturnType<typeof freshDatabase>>;
let a: Db;
let b: Db;

beforeAll(async () => {
  pgdb = await freshDatabase();
  // Two desk processes: two pools on one database.
  a = await openDb({ databaseUrl: pgdb.url });
  b = await openDb({ databaseUrl: pgdb.url });
}, 60_000);

afterAll(async () => {
  await a?.close();
  await b?.close();
  await pgdb?.drop();
});

const count = async (sql: string, params: unknown[] = []): Promise<number> => Number((await a.query<{ n: number }>(sql, params))[0]?.n ?? -1);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A claim and its notice in one transaction, as the digest job will do it. */
async function claimAndStore(db: Db, coordinator: string, day: string, tag: string, hold?: Promise<void>): Promise<DigestClaim | null> {
  return db.tx(async (t) => {
    const c = await claimDigest(t, coordinator, day);
    if (!c) return null;
    const id = `<digest.${day}.${tag}@madoguchi.test>`;
    await insertNotice(t, { id, kind: 'digest', recipient: coordinator, raw: Buffer.from('encrypted digest') });
    await setDigestNotice(t, coordinator, day, id);
    await hold;
    return c;
  });
}

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void } {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('the claim', () => {
  it('once per coordinator and day; the address is lower-cased; the next day starts after the previous marks', async () => {
    const first = await claimAndStore(a, 'Sato@Desk.test', '2026-12-07', 'x1');
    expect(first).toMatchObject({ coordinator: 'sato@desk.test', day: '2026-12-07', window: { from: null } });
    expect(await claimAndStore(b, 'sato@desk.test', '2026-12-07', 'x2')).toBeNull();
    expect(await claimAndStore(a, 'SATO@desk.test', '2026-12-07', 'x3')).toBeNull();
    // Another coordinator the same day has its own digest.
    expect(await claimAndStore(b, 'ito@desk.test', '2026-12-07', 'x4')).not.toBeNull();
    await appendTimeline(a, { caseId: null, actor: 'desk', event: 'job-failed', data: { job: 'tick', code: 'job-failed' } });
    const next = await claimAndStore(a, 'sato@desk.test', '2026-12-08', 'x5');
    expect(next?.window.from).toEqual(first?.window.to);
    expect(next!.window.to.timelineId).toBeGreaterThan(first!.window.to.timelineId);
    expect(await lastDigest(a, 'SATO@desk.test')).toMatchObject({ day: '2026-12-08', noticeId: '<digest.2026-12-08.x5@madoguchi.test>' });
    // A coordinator with no digest yet starts where the others' last digest before the day ended.
    const newcomer = await claimAndStore(a, 'kato@desk.test', '2026-12-09', 'x6');
    expect(newcomer?.window.from).toEqual(next?.window.to);
    expect(await count(`SELECT count(*) AS n FROM notices WHERE kind = 'digest'`)).toBe(4);
  });

  it('two connections racing for one day: the second waits for the first, then finds the day claimed; one notice', async () => {
    const release = deferred();
    const claimed = deferred();
    const first = a.tx(async (t) => {
      const c = await claimDigest(t, 'sato@desk.test', '2026-12-10');
      claimed.resolve();
      await insertNotice(t, { id: '<digest.race1.a@madoguchi.test>', kind: 'digest', recipient: 'sato@desk.test', raw: Buffer.from('a') });
      await setDigestNotice(t, 'sato@desk.test', '2026-12-10', '<digest.race1.a@madoguchi.test>');
      await release.promise;
      return c;
    });
    await claimed.promise;
    let secondDone = false;
    const second = claimAndStore(b, 'sato@desk.test', '2026-12-10', 'race1-b').finally(() => {
      secondDone = true;
    });
    await sleep(300);
    // The unique index makes the second insert wait on the first transaction.
    expect(secondDone).toBe(false);
    release.resolve();
    expect(await first).not.toBeNull();
    expect(await second).toBeNull();
    expect(await count(`SELECT count(*) AS n FROM notices WHERE id LIKE '<digest.race1.%'`)).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM digests WHERE day = '2026-12-10' AND notice_id = '<digest.race1.a@madoguchi.test>'`)).toBe(1);
  });

  it('a claim rolled back (the process failed before storing the notice) leaves the day to the other process', async () => {
    const fail = deferred();
    const claimed = deferred();
    const first = a.tx(async (t) => {
      await claimDigest(t, 'sato@desk.test', '2026-12-11');
      claimed.resolve();
      await fail.promise;
    });
    await claimed.promise;
    const second = claimAndStore(b, 'sato@desk.test', '2026-12-11', 'race2-b');
    await sleep(200);
    fail.reject(new Error('crash before the notice'));
    await expect(first).rejects.toThrow(/crash/);
    expect(await second).not.toBeNull();
    expect(await count(`SELECT count(*) AS n FROM digests WHERE day = '2026-12-11' AND notice_id = '<digest.2026-12-11.race2-b@madoguchi.test>'`)).toBe(1);
  });

  it('twenty attempts at once over both connections: exactly one digest and one notice', async () => {
    const attempts = Array.from({ length: 20 }, (_, i) => claimAndStore(i % 2 === 0 ? a : b, 'sato@desk.test', '2026-12-14', `many${i}`));
    const results = await Promise.all(attempts);
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    expect(await count(`SELECT count(*) AS n FROM notices WHERE id LIKE '<digest.2026-12-14.many%'`)).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM digests WHERE day = '2026-12-14'`)).toBe(1);
  });
});

describe('the facts of a window', () => {
  const who = 'facts@desk.test';

  async function rejectedMessage(n: number, reason: string | null): Promise<number> {
    const raw = Buffer.from(`Message-ID: <m${n}.${Date.now()}@sender.test>\r\nFrom: x@sender.test\r\nSubject: s${n}\r\n\r\nsecret body ${n}\r\n`);
    const { id } = await storeMessage(a, { raw, source: 'test' });
    await setMessageState(a, id, 'done', { verdict: reason === null ? { kind: 'report', rejected: null } : { kind: 'unknown', rejected: { reason, detail: 'the secret detail' } } });
    return id;
  }

  it('counts refused mail, failed jobs, new cases and drafts after the previous digest and up to this one; codes only', async () => {
    // Everything before the first digest of this coordinator is someone else's window: start clean.
    const base = await a.tx((t) => claimDigest(t, who, '2027-01-04'));
    expect(base).not.toBeNull();

    const m1 = await rejectedMessage(1, 'not-for-us');
    const m2 = await rejectedMessage(2, 'not-for-us');
    await rejectedMessage(3, null);
    await createCase(a, { id: 'VR-2027-0001', kind: 'product', state: 'received', lang: 'ja', report: { summary: 'the secret summary' } });
    await appendTimeline(a, { caseId: null, actor: 'desk', event: 'command-mail-refused', data: { message: m1, reason: 'unknown-signer', detail: 'a command mail from mallory@evil.test' } });
    await appendTimeline(a, { caseId: null, actor: 'desk', event: 'reply-refused', data: { message: m2, reason: 'Free text from a message', detail: 'x' } });
    await appendTimeline(a, { caseId: null, actor: 'desk', event: 'job-failed', data: { job: 'tick', code: 'job-failed', reason: 'boom' } });
    await appendTimeline(a, { caseId: 'VR-2027-0001', actor: 'desk', event: 'notice-failed', data: { notice: '<ack.VR-2027-0001@d>', code: 'job-failed', reason: 'smtp down' } });
    await appendTimeline(a, { caseId: 'VR-2027-0001', actor: 'desk', event: 'notice-failed', data: { notice: '<n2.VR-2027-0001@d>', code: 'job-failed', reason: 'smtp down' } });
    await appendTimeline(a, { caseId: null, actor: 'desk', event: 'message-failed', data: { message: m2, job: 'open', code: 'database-refused', reason: 'x' } });
    await createDraft(a, { tag: 'DRAFT-AAAA00001111', reporterEmail: 'taro@reporter.test', reporterFpr: null, report: { summary: 'secret' }, missing: ['product', 'steps to reproduce'] });

    const day1 = await a.tx((t) => claimDigest(t, who, '2027-01-05'));
    // Written after the claim: the next digest's, not this one's.
    await appendTimeline(a, { caseId: null, actor: 'desk', event: 'file-failed', data: { message: m1, code: 'job-failed', reason: 'imap down' } });
    const f1 = await digestFactsIn(a, day1!.window);

    expect(f1.newCases.map((c) => [c.caseId, c.kind])).toEqual([['VR-2027-0001', 'product']]);
    expect(f1.newDrafts).toEqual([{ tag: 'DRAFT-AAAA00001111', createdAt: expect.any(Date) as Date, missing: ['product'], caseId: null }]);
    expect(f1.refusedMail.sort((x, y) => x.source.localeCompare(y.source))).toEqual([
      { source: 'command-mail-refused', code: 'unknown-signer', count: 1, messageIds: [m1] },
      { source: 'rejected', code: 'not-for-us', count: 2, messageIds: [m1, m2] },
      { source: 'reply-refused', code: 'other', count: 1, messageIds: [m2] },
    ]);
    expect(f1.failedJobs.map((f) => [f.event, f.job, f.code, f.count, f.caseIds, f.messageIds]).sort()).toEqual([
      ['job-failed', 'tick', 'job-failed', 1, [], []],
      ['message-failed', 'open', 'database-refused', 1, [], [m2]],
      ['notice-failed', 'notify', 'job-failed', 2, ['VR-2027-0001'], []],
    ]);
    const text = JSON.stringify(f1);
    for (const secret of ['secret', 'mallory', 'taro', 'smtp down', 'Free text']) expect(text, secret).not.toContain(secret);

    const day2 = await a.tx((t) => claimDigest(t, who, '2027-01-06'));
    const f2 = await digestFactsIn(a, day2!.window);
    expect(f2).toMatchObject({ newCases: [], newDrafts: [], refusedMail: [] });
    expect(f2.failedJobs.map((f) => [f.event, f.job, f.count, f.messageIds])).toEqual([['file-failed', 'file', 1, [m1]]]);

    // What `digest --print` would show now: after the last digest, nothing yet.
    const preview = await previewWindow(a, who);
    expect(preview.from).toEqual(day2!.window.to);
    expect(await digestFactsIn(a, preview)).toEqual({ newCases: [], newDrafts: [], refusedMail: [], failedJobs: [] });

    // The facts and the views make a digest.
    const now = new Date('2027-01-05T00:00:00Z');
    const views = await loadCaseViews(a, { now, ids: ['VR-2027-0001'] });
    const d = buildDigest({ day: '2027-01-05', now, since: day1!.window.from?.at ?? null, views, facts: { ...f1, keys: [] }, options: { silentDays: 7 } });
    expect(d.sections.map((s) => s.kind)).toEqual(['new', 'awaiting-decision', 'refused-mail', 'failed-jobs']);
  });

  it('the pinned keys of registered vendors, not of removed ones', async () => {
    const armored = readFileSync(join(ROOT, 'test', 'fixtures', 'gen', 'keys', 'vendor.pub.asc'), 'utf8');
    const other = readFileSync(join(ROOT, 'test', 'fixtures', 'gen', 'keys', 'expired.pub.asc'), 'utf8');
    const [fpr] = await keyFingerprints(armored);
    const [fpr2] = await keyFingerprints(other);
    await upsertVendor(a, { id: 'acme', name: 'Acme', contacts: { to: ['psirt@acme.test'] }, keys: [{ fingerprint: fpr!, armored }] }, 'test');
    await upsertVendor(a, { id: 'gone', name: 'Gone', contacts: { to: ['psirt@gone.test'] }, keys: [{ fingerprint: fpr2!, armored: other }] }, 'test');
    await removeVendor(a, 'gone', 'test');
    expect(await vendorPinnedKeys(a)).toEqual([{ vendorId: 'acme', fingerprint: fpr, armored }]);
  });
});
