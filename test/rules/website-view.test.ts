// The case view of website cases (src/rules/case-view.ts; issue 11: `cases show` shows a
// website case with its own clock): 起算日, fix target, the operator's status, what the desk
// waits for, overdue. Product cases are covered, unchanged, by case-view.test.ts.
import { describe, expect, it } from 'vitest';
import { ALL_CASE_STATES, CASE_STATES, deriveCaseView, FINAL_CASE_STATES, isFinalCaseState, operatorStatusLabel, snapshotState, type CaseView } from '../../src/rules/case-view.ts';
import { DEFAULT_SETTINGS, newProductCase } from '../../src/rules/product.ts';
import { newCaseOperator, WEBSITE_CASE_STATES, WEBSITE_FINAL_CASE_STATES, type WebsiteCase } from '../../src/rules/website.ts';
import { FOUND, FPR, newSite, SHOP, SHOP_NO_KEY, SiteSim } from './website-support.ts';

const view = (sim: SiteSim, settings = DEFAULT_SETTINGS): CaseView =>
  deriveCaseView({ id: sim.c.id, kind: 'website', storedState: 'stale', snapshot: sim.c, lastActivity: null, now: sim.clock.now(), settings });

describe('website case view', () => {
  it('walks a case through its states with its own clock', () => {
    const sim = new SiteSim(newSite());
    let v = view(sim);
    expect(v).toMatchObject({ state: 'received', startDateJst: null, targetJst: null, vendors: [], overdue: [] });
    expect(v.waitingFor).toEqual([{ who: 'coordinator', what: 'accept (X-ACCEPT), reject (X-REJECT) or stop (X-STOP) the report' }]);

    sim.step({ type: 'accept' });
    v = view(sim);
    expect(v.state).toBe('accepted');
    expect(v.waitingFor).toEqual([{ who: 'coordinator', what: "confirm the site's operator (X-CONFIRM-OPERATOR): none proposed yet" }]);
    sim.step({ type: 'operator-proposed', candidates: [FOUND] });
    expect(view(sim).waitingFor[0]?.what).toBe("confirm the site's operator (X-CONFIRM-OPERATOR): 1 candidate(s) proposed");
    expect(view(sim).website).toMatchObject({ identification: 'proposed', candidates: 1, operator: null });

    sim.step({ type: 'confirm-operator', operator: SHOP });
    v = view(sim);
    expect(v).toMatchObject({ state: 'operator-notified', startDateJst: '2026-01-05', targetJst: '2026-04-05' });
    expect(v.website).toMatchObject({ startDateJst: '2026-01-05', fixTargetJst: '2026-04-05', identification: 'confirmed', candidates: 0, fixedAt: null });
    expect(v.website?.operator).toMatchObject({ id: 'shop', status: 'notified', keyPinned: true, reminders: 0, nextReminderJst: '2026-01-12', source: 'registry' });
    expect(v.waitingFor).toEqual([{ who: 'operator:shop', what: 'an answer (reminder 1 of 3 on 2026-01-12)' }]);

    sim.runDays(28);
    v = view(sim);
    expect(v.website?.operator?.status).toBe('silent after 3 reminder(s)');
    expect(v.waitingFor.map((w) => w.who)).toEqual(['operator:shop', 'coordinator']);
    expect(v.waitingFor[1]?.what).toContain('is silent after 3 reminder(s)');

    sim.step({ type: 'operator-reply', operatorId: 'shop', reply: { status: 'investigating' } });
    v = view(sim);
    expect(v.state).toBe('operator-answered');
    expect(v.website?.operator?.status).toBe('answered investigating');
    expect(v.waitingFor).toEqual([{ who: 'operator:shop', what: 'the fix report (fix target 2026-04-05)' }]);
    expect(v.overdue).toEqual([]);

    sim.runDays(63); // 2026-04-06 JST: the day after the target
    v = view(sim);
    expect(v.overdue).toEqual(['the fix target 2026-04-05 has passed with no fix reported']);

    sim.step({ type: 'operator-reply', operatorId: 'shop', reply: { status: 'fixed' } });
    v = view(sim);
    expect(v).toMatchObject({ state: 'fixed', waitingFor: [], overdue: [], publishedAt: null, agreedJst: null });
    expect(v.website?.fixedAt).toEqual(sim.clock.now());
    expect(v.website?.operator?.status).toBe('fixed');
  });

  it('awaiting a key: the operator for its key, the coordinators to pin it', () => {
    const sim = new SiteSim(newSite({}, 'accepted'));
    sim.step({ type: 'confirm-operator', operator: SHOP_NO_KEY });
    const v = view(sim);
    expect(v.state).toBe('awaiting-key');
    expect(v.website?.operator).toMatchObject({ status: 'awaiting key', keyPinned: false });
    expect(v.waitingFor).toEqual([
      { who: 'operator:shop', what: 'its key (reminder 1 of 3 on 2026-01-12)' },
      { who: 'coordinator', what: "pin shop's key (madoguchi operators), then X-NOTIFY-OPERATOR sends the details" },
    ]);
    sim.runDays(7);
    expect(view(sim).website?.operator?.status).toBe('awaiting key, reminded(1)');
  });

  it('the operator says not vulnerable: the coordinators decide', () => {
    const sim = new SiteSim(newSite({}, 'accepted'));
    sim.step({ type: 'confirm-operator', operator: SHOP });
    sim.step({ type: 'operator-reply', operatorId: 'shop', reply: { status: 'not-affected' } });
    expect(view(sim).waitingFor).toEqual([{ who: 'coordinator', what: 'shop says the site is not vulnerable: X-RELAY to the reporter, or X-STOP' }]);
  });

  it('labels every operator status', () => {
    const op = newCaseOperator(SHOP);
    expect(operatorStatusLabel(op)).toBe('not contacted');
    expect(operatorStatusLabel({ ...op, contact: 'notified', reminders: 2 })).toBe('reminded(2)');
    expect(operatorStatusLabel({ ...op, contact: 'awaiting-key', reminders: 3, silentAlertedAt: new Date() })).toBe('awaiting key, silent after 3 reminder(s)');
    expect(operatorStatusLabel({ ...op, contact: 'answered', status: null })).toBe('answered');
    expect(operatorStatusLabel({ ...op, contact: 'answered', status: 'not-affected' })).toBe('answered not affected');
  });

  it('states: both tracks listed once; fixed is final; the stored state of either snapshot', () => {
    expect(new Set(ALL_CASE_STATES)).toEqual(new Set([...CASE_STATES, ...WEBSITE_CASE_STATES]));
    expect(ALL_CASE_STATES).toHaveLength(new Set(ALL_CASE_STATES).size);
    for (const s of WEBSITE_FINAL_CASE_STATES) expect(isFinalCaseState(s)).toBe(true);
    expect(FINAL_CASE_STATES).toContain('fixed');
    expect(isFinalCaseState('operator-notified')).toBe(false);
    const site: WebsiteCase = { ...newSite({}, 'accepted'), operator: { ...newCaseOperator(SHOP), contact: 'notified', keyFingerprint: FPR } };
    expect(snapshotState(site)).toBe('operator-notified');
    expect(snapshotState(newProductCase({ id: 'VR-2026-0001', reporter: site.reporter }))).toBe('accepted');
  });

  it('the product view has no website part', () => {
    const c = newProductCase({ id: 'VR-2026-0001', reporter: newSite().reporter });
    const v = deriveCaseView({ id: c.id, kind: 'product', storedState: '', snapshot: c, lastActivity: null, now: new Date('2026-01-05T01:00:00Z') });
    expect('website' in v).toBe(false);
  });
});
