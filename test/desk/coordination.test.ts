// The product track's persistence on real PostgreSQL: the snapshot round-trips (Dates stay
// Dates), events step it in one transaction with every decision on the timeline, a moved
// clock drives the reminders, and the replay store lets a signed command through once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReplayConflictError } from '../../src/commands/auth.ts';
import { applyEvent, DbReplayStore, loadSnapshot, reviveSnapshot, saveSnapshot, serializeSnapshot } from '../../src/desk/coordination.ts';
import { newProductCase } from '../../src/rules/product.ts';
import { openDb, type Db } from '../../src/store/db.ts';
import { createCase, listTimeline } from '../../src/store/repo.ts';
import { freshDatabase } from '../support/desk.ts';

let pgdb: Awaited<ReturnType<typeof freshDatabase>>;
let db: Db;
const DAY = 86_400_000;

beforeAll(async () => {
  pgdb = await freshDatabase();
  db = await openDb({ databaseUrl: pgdb.url });
  await createCase(db, { id: 'VR-2026-0001', kind: 'product', state: 'accepted', lang: 'ja', report: {} });
  await saveSnapshot(db, newProductCase({ id: 'VR-2026-0001', reporter: { name: '山田 太郎', consent: { shareIdentity: false, directContact: false, credit: true, creditName: '山田太郎' } } }));
}, 60_000);

afterAll(async () => {
  await db?.close();
  await pgdb?.drop();
});

describe('product-track snapshot', () => {
  it('round-trips through JSON with Dates intact', () => {
    const c = { ...newProductCase({ id: 'VR-2026-0009', reporter: { name: 'x', consent: { shareIdentity: false, directContact: false, credit: false } } }), publishedAt: new Date('2026-12-20T00:00:00Z') };
    const back = reviveSnapshot(JSON.parse(serializeSnapshot(c)) as unknown);
    expect(back.publishedAt).toBeInstanceOf(Date);
    expect(back).toEqual(c);
  });

  it('a command steps the stored case and every decision goes to the timeline', async () => {
    const t0 = new Date('2026-11-24T01:00:00Z');
    const r = await applyEvent(db, 'VR-2026-0001', { type: 'add-vendor', vendor: { id: 'acme', name: 'ACME', product: 'ACME Router 1.0' } }, t0, 'coordinator:sato');
    expect(r).not.toBeNull();
    const stored = await loadSnapshot(db, 'VR-2026-0001');
    expect(stored?.vendors.map((v) => v.id)).toEqual(['acme']);
    const events = (await listTimeline(db, 'VR-2026-0001')).map((e) => e.event);
    expect(events.length).toBeGreaterThanOrEqual(r!.decisions.length);
    // Reporter identity is not in any vendor notice without consent.
    const notices = r!.decisions.filter((d) => d.type === 'notify-vendor');
    expect(notices).toHaveLength(1);
    for (const d of notices) expect(d.includeReporterIdentity).toBe(false);
  });

  it('a refused command changes nothing but is logged', async () => {
    const before = serializeSnapshot((await loadSnapshot(db, 'VR-2026-0001'))!);
    const r = await applyEvent(db, 'VR-2026-0001', { type: 'set-date', date: '2020-01-01' }, new Date('2026-11-25T00:00:00Z'), 'coordinator:sato');
    expect(r!.decisions.map((d) => d.type)).toEqual(['error']);
    expect(serializeSnapshot((await loadSnapshot(db, 'VR-2026-0001'))!)).toBe(before);
    expect((await listTimeline(db, 'VR-2026-0001')).some((e) => e.event === 'command-refused')).toBe(true);
  });

  it('ticks with a moved clock: the same tick twice gives one reminder', async () => {
    const snap = (await loadSnapshot(db, 'VR-2026-0001'))!;
    // Adding a vendor notifies it at once: that is its first contact attempt (起算日).
    const first = snap.vendors[0]!.firstContactAt;
    expect(first).toEqual(new Date('2026-11-24T01:00:00Z'));
    const at = new Date(first!.getTime() + 8 * DAY);
    const a = await applyEvent(db, 'VR-2026-0001', { type: 'tick' }, at, 'desk');
    const b = await applyEvent(db, 'VR-2026-0001', { type: 'tick' }, at, 'desk');
    const reminders = [...a!.decisions, ...b!.decisions].filter((d) => d.type === 'remind-vendor');
    expect(reminders).toHaveLength(1);
  });

  it('a case without product-track state gives null', async () => {
    await createCase(db, { id: 'VR-2026-0002', kind: 'website', state: 'accepted', lang: 'en', report: {} });
    expect(await applyEvent(db, 'VR-2026-0002', { type: 'tick' }, new Date(), 'desk')).toBeNull();
  });
});

describe('replay store', () => {
  it('remembers a command once; the second time is a conflict', async () => {
    const store = new DbReplayStore(db);
    expect(await store.seen('k1')).toBe(false);
    await store.remember('k1', new Date());
    expect(await store.seen('k1')).toBe(true);
    await expect(store.remember('k1', new Date())).rejects.toBeInstanceOf(ReplayConflictError);
    expect(await store.prune(new Date(Date.now() + 1000))).toBe(1);
  });
});

describe('timeline batch', () => {
  it('appendTimelineMany keeps the order of the entries', async () => {
    const { appendTimelineMany } = await import('../../src/store/repo.ts');
    await appendTimelineMany(db, [
      { caseId: 'VR-2026-0002', actor: 'desk', event: 'first', data: { n: 1 } },
      { caseId: 'VR-2026-0002', actor: 'desk', event: 'second' },
      { caseId: 'VR-2026-0002', actor: 'desk', event: 'third', data: { n: 3 } },
    ]);
    const events = (await listTimeline(db, 'VR-2026-0002')).map((e) => e.event);
    expect(events.slice(-3)).toEqual(['first', 'second', 'third']);
  });
});
