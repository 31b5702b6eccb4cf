// The case view (src/rules/case-view.ts) over the product-track scenarios: after every step
// the state is the one the scenario names and the view says what a coordinator needs
// (vendor statuses, 起算日, dates, what the desk waits for, overdue). The same scripts run
// through the store in test/store/case-view.test.ts.
import { describe, expect, it } from 'vitest';
import { CASE_STATES, caseState, deriveCaseView, FINAL_CASE_STATES, isCaseState, isFinalCaseState, vendorStatusLabel } from '../../src/rules/case-view.ts';
import { decideProduct, newVendor, type ProductCase } from '../../src/rules/product.ts';
import { newCase, Sim, ACME } from './product-support.ts';
import { SCENARIOS } from './case-scenarios.ts';

function replay(sc: (typeof SCENARIOS)[number]): { sim: Sim; states: string[] } {
  const c: ProductCase = { ...newCase(sc.consent ?? {}), ...(sc.rm ? { rm: sc.rm } : {}) };
  const sim = new Sim(c, sc.start);
  const states: string[] = [];
  for (const [i, st] of sc.steps.entries()) {
    if (st.advance !== undefined) sim.clock.advance(st.advance);
    if (st.at !== undefined) sim.clock.set(st.at);
    sim.step(st.event);
    const v = deriveCaseView({ id: sim.c.id, kind: 'product', storedState: 'stale', snapshot: sim.c, lastActivity: null, now: sim.clock.now() });
    expect(v.state, `${sc.name}: step ${i} (${st.event.type})`).toBe(st.state);
    states.push(v.state);
    st.check?.(v);
  }
  return { sim, states };
}

describe('case view over the product scenarios', () => {
  for (const sc of SCENARIOS) {
    it(sc.name, () => {
      replay(sc);
    });
  }

  it('covers every case state', () => {
    const seen = new Set(SCENARIOS.flatMap((sc) => sc.steps.map((s) => s.state)));
    expect(CASE_STATES.filter((s) => s !== 'deferred' && !seen.has(s))).toEqual([]);
  });

  it('a final state is never left, and time passing decides nothing in it (tickAll skips it)', () => {
    for (const sc of SCENARIOS) {
      const { sim, states } = replay(sc);
      const first = states.findIndex(isFinalCaseState);
      if (first < 0) continue;
      expect(new Set(states.slice(first)).size, sc.name).toBe(1);
      for (const days of [1, 45, 400]) expect(decideProduct(sim.c, { type: 'tick' }, new Date(sim.clock.now().getTime() + days * 86_400_000))).toEqual([]);
    }
  });
});

describe('case view pieces', () => {
  it('names each vendor status', () => {
    const v = newVendor(ACME);
    expect(vendorStatusLabel(v)).toBe('not notified');
    expect(vendorStatusLabel({ ...v, coordination: 'reminded', reminders: 2 })).toBe('reminded(2)');
    expect(vendorStatusLabel({ ...v, coordination: 'answered', status: 'not-affected' })).toBe('answered not affected');
    expect(vendorStatusLabel({ ...v, coordination: 'answered', status: null })).toBe('answered');
    expect(vendorStatusLabel({ ...v, coordination: 'unreachable' })).toBe('unreachable');
  });

  it('knows its states; a deferred report waits for a coordinator', () => {
    expect(isCaseState('stopped')).toBe(true);
    expect(isCaseState('bogus')).toBe(false);
    expect(FINAL_CASE_STATES.every(isFinalCaseState)).toBe(true);
    expect(isFinalCaseState('scheduled')).toBe(false);
    const c: ProductCase = { ...newCase(), rm: 'deferred' };
    expect(caseState(c)).toBe('deferred');
    expect(deriveCaseView({ id: c.id, kind: 'product', storedState: 'x', snapshot: c, lastActivity: null, now: new Date() }).waitingFor[0]?.who).toBe('coordinator');
  });

  it('a case without product-track state shows its stored state', () => {
    const at = new Date('2026-03-01T00:00:00Z');
    const v = deriveCaseView({ id: 'VR-2026-0003', kind: 'website', storedState: 'accepted', snapshot: null, lastActivity: at, now: at });
    expect(v).toMatchObject({ state: 'accepted', vendors: [], startDateJst: null, lastActivity: at, overdue: [] });
    expect(v.waitingFor).toEqual([{ who: 'coordinator', what: 'a website case has no coordination track in the desk yet' }]);
  });

  it('the target follows the configured publication days', () => {
    const sim = new Sim(newCase(), '2026-01-05T01:00:00Z');
    sim.step({ type: 'add-vendor', vendor: ACME });
    const v = deriveCaseView({ id: sim.c.id, kind: 'product', storedState: '', snapshot: sim.c, lastActivity: null, now: sim.clock.now(), settings: { ...sim.settings, publicationDays: 30 } });
    expect(v.targetJst).toBe('2026-02-04');
  });
});
