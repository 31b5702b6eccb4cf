// One source of truth for a case's state (issue 10), on real PostgreSQL: every scenario of
// test/rules/case-scenarios.ts is replayed through the store (applyEvent, one transaction
// per event) beside the pure rules, and after every step the stored `cases.state` (written
// by saveSnapshot with the snapshot) equals the state of the view derived afresh from the
// stored snapshot and timeline, which equals the pure replay's. Migration 017 brings the
// state of cases stored before it up to date, and drops the never-written case_vendors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyEvent, loadSnapshot, saveSnapshot } from '../../src/desk/coordination.ts';
import { caseState } from '../../src/rules/case-view.ts';
import type { ProductCase } from '../../src/rules/product.ts';
import { loadCaseView, loadCaseViews } from '../../src/store/case-view.ts';
import { openDb, type Db } from '../../src/store/db.ts';
import { migrate } from '../../src/store/migrate.ts';
import { appendTimeline, createCase } from '../../src/store/repo.ts';
import { freshDatabase } from '../support/desk.ts';
import { SCENARIOS } from '../rules/case-scenarios.ts';
import { newCase, Sim } from '../rules/product-support.ts';

let pgdb: Awaited<ReturnType<typeof freshDatabase>>;
let db: Db;

beforeAll(async () => {
  pgdb = await freshDatabase();
  db = await openDb({ databaseUrl: pgdb.url });
}, 60_000);

afterAll(async () => {
  await db?.close();
  await pgdb?.drop();
});

const storedState = async (id: string): Promise<string> => (await db.query<{ state: string }>('SELECT state FROM cases WHERE id = $1', [id]))[0]?.state ?? '?';

describe('stored state and derived view agree after every step', () => {
  for (const [n, sc] of SCENARIOS.entries()) {
    it(sc.name, async () => {
      const id = `VR-2026-${String(100 + n).padStart(4, '0')}`;
      const c0: ProductCase = { ...newCase(sc.consent ?? {}), id, ...(sc.rm ? { rm: sc.rm } : {}) };
      const sim = new Sim(c0, sc.start);
      // As screening opens it: the row says `accepted`, the snapshot is saved beside it.
      await createCase(db, { id, kind: 'product', state: 'accepted', lang: 'ja', report: {} });
      await saveSnapshot(db, c0);
      expect(await storedState(id)).toBe(caseState(c0));
      for (const [i, st] of sc.steps.entries()) {
        if (st.advance !== undefined) sim.clock.advance(st.advance);
        if (st.at !== undefined) sim.clock.set(st.at);
        const now = sim.clock.now();
        sim.step(st.event);
        const r = await applyEvent(db, id, st.event, now, 'test');
        const at = `${sc.name}: step ${i} (${st.event.type})`;
        expect(r, at).not.toBeNull();
        expect(await loadSnapshot(db, id), at).toEqual(sim.c);
        const view = await loadCaseView(db, id, { now });
        expect(view, at).not.toBeNull();
        expect(await storedState(id), at).toBe(view!.state);
        expect(view!.state, at).toBe(st.state);
        st.check?.(view!);
        // Anything decided lands on the timeline at `now`: that is the last activity.
        if (r!.decisions.length > 0) expect(view!.lastActivity?.toISOString(), at).toBe(now.toISOString());
      }
    });
  }
});

describe('loading views', () => {
  it('a read is not activity; a case without product-track state keeps its stored state', async () => {
    await createCase(db, { id: 'VR-2026-0900', kind: 'website', state: 'accepted', lang: 'en', report: {} });
    await appendTimeline(db, { caseId: 'VR-2026-0900', actor: 'desk', event: 'state:accepted', at: new Date('2026-03-01T00:00:00Z') });
    await appendTimeline(db, { caseId: 'VR-2026-0900', actor: 'cli:x', event: 'case-read', at: new Date('2026-03-02T00:00:00Z') });
    const v = await loadCaseView(db, 'VR-2026-0900', { now: new Date('2026-03-03T00:00:00Z') });
    expect(v).toMatchObject({ kind: 'website', state: 'accepted', vendors: [] });
    expect(v?.lastActivity?.toISOString()).toBe('2026-03-01T00:00:00.000Z');
    expect(await loadCaseView(db, 'VR-2026-9999', { now: new Date() })).toBeNull();
    const all = await loadCaseViews(db, { now: new Date() });
    expect(all.map((x) => x.id)).toContain('VR-2026-0900');
    expect(all.length).toBe(SCENARIOS.length + 1);
  });
});

describe('migration 017', () => {
  it('rewrites the stale state of every product case from its snapshot, in its own transaction, and case_vendors is gone', async () => {
    const before = await db.query<{ id: string; state: string }>('SELECT id, state FROM cases ORDER BY id');
    // As before 017: the state of the day the case was opened.
    await db.query(`UPDATE cases SET state = 'accepted'`);
    await db.query(`DELETE FROM schema_migrations WHERE name = '017_case_state.sql'`);
    expect(await migrate(db)).toEqual(['017_case_state.sql']);
    expect(await db.query<{ id: string; state: string }>('SELECT id, state FROM cases ORDER BY id')).toEqual(before);
    expect(before.map((r) => r.state)).toEqual(expect.arrayContaining(['stopped', 'published', 'not-accepted', 'coordinating', 'accepted']));
    expect(await db.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'case_vendors'`)).toEqual([]);
  });
});
