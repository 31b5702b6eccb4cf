// The website track's rules (src/rules/website.ts; guideline §4, issue 11): every case state
// × every event, then the clock (reminders at 7/14/21 days, the silence alert, the fix
// target once), the no-key path, the fix, refusals, and that nothing can go public.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { addDays } from '../../src/domain/clock.ts';
import type { ProductDecision } from '../../src/rules/product.ts';
import { newProductCase } from '../../src/rules/product.ts';
import { isWebsiteCase, reviveAnySnapshot, reviveWebsiteSnapshot, serializeSnapshot } from '../../src/rules/snapshot-json.ts';
import {
  applyWebsiteDecisions,
  decideWebsite,
  DEFAULT_WEBSITE_SETTINGS,
  fixTargetOf,
  stepWebsite,
  WEBSITE_CASE_STATES,
  WEBSITE_COMMAND_TYPES,
  websiteCaseState,
  type WebsiteCase,
  type WebsiteCaseState,
  type WebsiteDecision,
  type WebsiteEvent,
} from '../../src/rules/website.ts';
import { FOUND, FPR, kinds, newSite, notices, ofType, SHOP, SHOP_NO_KEY, SiteSim, T0 } from './website-support.ts';

// ---- fixtures: one snapshot per case state, built through the rules -----------------------

function build(steps: WebsiteEvent[], c: WebsiteCase = newSite()): WebsiteCase {
  const sim = new SiteSim(c);
  for (const e of steps) {
    sim.clock.advanceMs(60_000);
    const d = sim.step(e);
    if (d.some((x) => x.type === 'error')) throw new Error(`fixture step ${e.type} refused: ${JSON.stringify(d)}`);
  }
  return sim.c;
}

const accepted = (): WebsiteCase => newSite({}, 'accepted');
const FIXTURES: Record<string, () => WebsiteCase> = {
  received: () => newSite(),
  'received, operator confirmed': () => build([{ type: 'confirm-operator', operator: SHOP }]),
  deferred: () => ({ ...newSite(), rm: 'deferred' }),
  'accepted, no operator': accepted,
  'accepted, operator proposed': () => build([{ type: 'operator-proposed', candidates: [FOUND] }], accepted()),
  'awaiting-key': () => build([{ type: 'confirm-operator', operator: SHOP_NO_KEY }], accepted()),
  'operator-notified': () => build([{ type: 'confirm-operator', operator: SHOP }], accepted()),
  'operator-answered': () => build([{ type: 'confirm-operator', operator: SHOP }, { type: 'operator-reply', operatorId: 'shop', reply: { status: 'investigating' } }], accepted()),
  fixed: () => build([{ type: 'confirm-operator', operator: SHOP }, { type: 'operator-reply', operatorId: 'shop', reply: { status: 'fixed' } }], accepted()),
  stopped: () => build([{ type: 'confirm-operator', operator: SHOP }, { type: 'stop', reason: { kind: 'not-reproducible' } }], accepted()),
  'not-accepted': () => build([{ type: 'reject', reason: 'no URL' }]),
};

const EVENTS: Record<string, WebsiteEvent> = {
  accept: { type: 'accept' },
  reject: { type: 'reject', reason: 'out of scope' },
  stop: { type: 'stop', reason: { kind: 'not-vulnerability' } },
  note: { type: 'note', text: 'called the reporter' },
  'relay to reporter': { type: 'relay', operatorId: null, text: 'the operator asks for the time of your test' },
  'relay to operator': { type: 'relay', operatorId: 'shop', text: 'the reporter used the login form' },
  'confirm (key)': { type: 'confirm-operator', operator: SHOP },
  'confirm (no key)': { type: 'confirm-operator', operator: SHOP_NO_KEY },
  'notify (key)': { type: 'notify-operator', keyFingerprint: FPR },
  'notify (no key)': { type: 'notify-operator', keyFingerprint: null },
  proposed: { type: 'operator-proposed', candidates: [FOUND] },
  'reply investigating': { type: 'operator-reply', operatorId: 'shop', reply: { status: 'investigating' } },
  'reply not-affected': { type: 'operator-reply', operatorId: 'shop', reply: { status: 'not-affected' } },
  'reply fixed': { type: 'operator-reply', operatorId: 'shop', reply: { status: 'fixed' } },
  tick: { type: 'tick' },
};

type Want = WebsiteCaseState | 'error';
const E = 'error' as const;
// Columns in the order of EVENTS.
const cols = Object.keys(EVENTS);
const row = (...w: Want[]): Record<string, Want> => Object.fromEntries(cols.map((k, i) => [k, w[i] as Want]));
//                                  accept               reject          stop            note                relay-r              relay-o              confirm-k            confirm-n       notify-k             notify-n        proposed             inv                   n-a                   fixed                tick
const EXPECTED: Record<string, Record<string, Want>> = {
  received: row('accepted', 'not-accepted', 'not-accepted', 'received', E, E, 'received', 'received', E, E, 'received', 'received', 'received', 'received', 'received'),
  'received, operator confirmed': row('operator-notified', 'not-accepted', 'not-accepted', 'received', E, E, 'received', 'received', E, E, 'received', 'received', 'received', 'received', 'received'),
  deferred: row('accepted', E, 'stopped', 'deferred', E, E, 'deferred', 'deferred', E, E, 'deferred', 'deferred', 'deferred', 'deferred', 'deferred'),
  'accepted, no operator': row('accepted', E, 'stopped', 'accepted', 'accepted', E, 'operator-notified', 'awaiting-key', E, E, 'accepted', 'accepted', 'accepted', 'accepted', 'accepted'),
  'accepted, operator proposed': row('accepted', E, 'stopped', 'accepted', 'accepted', E, 'operator-notified', 'awaiting-key', E, E, 'accepted', 'accepted', 'accepted', 'accepted', 'accepted'),
  'awaiting-key': row('awaiting-key', E, 'stopped', 'awaiting-key', 'awaiting-key', E, E, E, 'operator-notified', 'awaiting-key', 'awaiting-key', 'awaiting-key', 'awaiting-key', 'awaiting-key', 'awaiting-key'),
  'operator-notified': row('operator-notified', E, 'stopped', 'operator-notified', 'operator-notified', 'operator-notified', E, E, 'operator-notified', E, 'operator-notified', 'operator-answered', 'operator-answered', 'fixed', 'operator-notified'),
  'operator-answered': row('operator-answered', E, 'stopped', 'operator-answered', 'operator-answered', 'operator-answered', E, E, E, E, 'operator-answered', 'operator-answered', 'operator-answered', 'fixed', 'operator-answered'),
  fixed: row(E, E, E, 'fixed', 'fixed', 'fixed', E, E, E, E, 'fixed', 'fixed', 'fixed', 'fixed', 'fixed'),
  stopped: row(E, E, E, 'stopped', E, E, E, E, E, E, 'stopped', 'stopped', 'stopped', 'stopped', 'stopped'),
  'not-accepted': row(E, E, E, 'not-accepted', E, E, E, E, E, E, 'not-accepted', 'not-accepted', 'not-accepted', 'not-accepted', 'not-accepted'),
};

describe('every case state × every event', () => {
  it('the fixtures are in the states they are named after, and cover every case state', () => {
    const seen = Object.entries(FIXTURES).map(([name, f]) => ({ name, state: websiteCaseState(f()) }));
    for (const { name, state } of seen) expect(name.startsWith(state)).toBe(true);
    expect(new Set(seen.map((x) => x.state))).toEqual(new Set(WEBSITE_CASE_STATES));
  });
  for (const [name, fixture] of Object.entries(FIXTURES)) {
    for (const [ev, event] of Object.entries(EVENTS)) {
      const want = EXPECTED[name]?.[ev];
      it(`${name} × ${ev} → ${want ?? '?'}`, () => {
        const c = fixture();
        const now = addDays(new Date(T0), 1);
        const d = decideWebsite(c, event, now);
        if (want === 'error') {
          expect(d).toHaveLength(1);
          expect(d[0]?.type).toBe('error');
          return;
        }
        expect(d.filter((x) => x.type === 'error')).toEqual([]);
        expect(websiteCaseState(applyWebsiteDecisions(c, d))).toBe(want);
      });
    }
  }
  it('lists every command type once', () => {
    const types = Object.values(EVENTS).map((e) => e.type).filter((t) => (WEBSITE_COMMAND_TYPES as readonly string[]).includes(t));
    expect(new Set(types)).toEqual(new Set(WEBSITE_COMMAND_TYPES));
  });
});

// ---- the path with a key -----------------------------------------------------------------

describe('acceptance and notification (guideline §4 items 1-2)', () => {
  it('a lookup proposes; the coordinator confirms; acceptance notifies the operator with the details and the fix target 起算日 + 90 days', () => {
    const sim = new SiteSim(newSite());
    const p = sim.step({ type: 'operator-proposed', candidates: [FOUND] });
    expect(kinds(p)).toEqual(['set-state:operator-id:proposed', 'update-case', 'coord:coord-confirm-operator', 'record:operator-proposed']);
    expect(ofType(p, 'notify-coordinators')[0]?.notice.detail).toContain(`(unnamed) <security@shop.example.jp> from security.txt with key ${'B'.repeat(40)}`);
    // The same finding again proposes nothing new and tells nobody again.
    expect(kinds(sim.step({ type: 'operator-proposed', candidates: [FOUND] }))).toEqual(['record:operator-proposed']);
    const c = sim.step({ type: 'confirm-operator', operator: SHOP });
    expect(kinds(c)).toEqual(['set-state:operator-id:confirmed', 'set-operator', 'update-case', 'record:operator-confirmed']); // not accepted: nobody written to
    expect(sim.c.candidates).toEqual([]);
    sim.clock.advance(1);
    const a = sim.step({ type: 'accept' });
    expect(notices(a)).toEqual(['reporter:reporter-accepted', 'operator:operator-notify']);
    expect(ofType(a, 'notify-operator')[0]?.notice).toEqual({ kind: 'operator-notify', fixTarget: '2026-04-06', includeReporterIdentity: false, keyFingerprint: FPR });
    expect(sim.c).toMatchObject({ rm: 'accepted', firstContactDate: '2026-01-06', fixTarget: '2026-04-06' });
    expect(fixTargetOf('2026-01-06')).toBe('2026-04-06');
  });

  it('no lookup result: the coordinators are asked to identify the operator', () => {
    const d = decideWebsite(newSite(), { type: 'operator-proposed', candidates: [] }, new Date(T0));
    expect(kinds(d)).toEqual(['coord:coord-confirm-operator', 'record:operator-proposed']);
    expect(ofType(d, 'notify-coordinators')[0]?.notice.detail).toMatch(/^no operator found/);
  });

  it("the reporter's identity goes to the operator only with consent (guideline §2)", () => {
    for (const share of [false, true]) {
      const d = decideWebsite(newSite({ shareIdentity: share }, 'accepted'), { type: 'confirm-operator', operator: SHOP }, new Date(T0));
      expect(ofType(d, 'notify-operator')[0]?.notice).toMatchObject({ kind: 'operator-notify', includeReporterIdentity: share });
    }
  });

  it('the fix target follows websiteFixDays, and the JST date of the first contact', () => {
    // 2026-01-05T16:00Z is 2026-01-06 01:00 JST.
    const d = decideWebsite(accepted(), { type: 'confirm-operator', operator: SHOP }, new Date('2026-01-05T16:00:00Z'), { ...DEFAULT_WEBSITE_SETTINGS, websiteFixDays: 60 });
    const after = applyWebsiteDecisions(accepted(), d);
    expect([after.firstContactDate, after.fixTarget]).toEqual(['2026-01-06', '2026-03-07']);
  });

  it('another operator may be confirmed before the first contact, not after', () => {
    const sim = new SiteSim(newSite());
    sim.step({ type: 'confirm-operator', operator: SHOP });
    const other = { ...SHOP, id: 'host', name: 'Hosting Co.' };
    expect(ofType(sim.step({ type: 'confirm-operator', operator: other }), 'record')[0]?.detail).toContain('replaces shop');
    sim.step({ type: 'accept' });
    const d = sim.step({ type: 'confirm-operator', operator: SHOP });
    expect(d).toEqual([{ type: 'error', message: 'host is the operator and was already written to; it is not replaced (stop the case, or write through X-RELAY)' }]);
  });
});

// ---- the clock -----------------------------------------------------------------------------

describe('the clock (guideline §8: 7 days, then every 7; fix target 90 days)', () => {
  function notifiedAtT0(settings = DEFAULT_WEBSITE_SETTINGS): SiteSim {
    const sim = new SiteSim(accepted(), T0, settings);
    sim.step({ type: 'confirm-operator', operator: SHOP });
    return sim;
  }

  it('a silent operator is reminded on days 7, 14 and 21, the coordinators told once on day 28, and alerted once at the fix target', () => {
    const sim = notifiedAtT0();
    const days = sim.runDays(150).map(({ day, decisions }) => [day, notices(decisions)]);
    expect(days).toEqual([
      [7, ['operator:operator-remind']],
      [14, ['operator:operator-remind']],
      [21, ['operator:operator-remind']],
      [28, ['coord:coord-operator-silent']],
      [90, ['coord:coord-fix-target']],
    ]);
    const reminders = ofType(sim.all(), 'notify-operator').map((d) => d.notice);
    expect(reminders).toContainEqual({ kind: 'operator-remind', n: 3, since: '2026-01-05', fixTarget: '2026-04-05', keyFingerprint: FPR });
    expect(ofType(sim.all(), 'notify-coordinators').find((d) => d.notice.kind === 'coord-fix-target')?.notice.date).toBe('2026-04-05');
    expect(sim.c.fixTargetAlertedAt).not.toBeNull();
  });

  it('a reminder is due at 7 × 24 h after the notification, not a minute before', () => {
    const sim = notifiedAtT0();
    sim.clock.advance(7);
    sim.clock.advanceMs(-60_000);
    expect(sim.tick()).toEqual([]);
    sim.clock.advanceMs(60_000);
    expect(notices(sim.tick())).toEqual(['operator:operator-remind']);
  });

  it('a tick repeated at the same instant decides nothing new (also after a long outage: one step per tick)', () => {
    const sim = notifiedAtT0();
    sim.clock.advance(100);
    const first = sim.tick();
    expect(notices(first)).toEqual(['operator:operator-remind', 'coord:coord-fix-target']);
    expect(decideWebsite(sim.c, { type: 'tick' }, sim.clock.now())).toEqual([]);
  });

  it('the periods are settings', () => {
    const sim = notifiedAtT0({ ...DEFAULT_WEBSITE_SETTINGS, reminderAfterDays: 3, reminderEveryDays: 5, operatorSilentAfterReminders: 1, websiteFixDays: 30 });
    expect(sim.runDays(40).map(({ day, decisions }) => [day, notices(decisions)])).toEqual([
      [3, ['operator:operator-remind']],
      [8, ['coord:coord-operator-silent']],
      [30, ['coord:coord-fix-target']],
    ]);
  });

  it('an answer stops the reminders; the fix target alert still comes if no fix is reported', () => {
    const sim = notifiedAtT0();
    sim.runDays(8);
    sim.step({ type: 'operator-reply', operatorId: 'shop', reply: { status: 'affected', comment: 'we are on it' } });
    expect(sim.runDays(100).map(({ day, decisions }) => [day, notices(decisions)])).toEqual([[82, ['coord:coord-fix-target']]]);
  });

  it('nothing happens on time passing before acceptance or before the first contact', () => {
    const sim = new SiteSim(newSite());
    sim.step({ type: 'confirm-operator', operator: SHOP });
    expect(sim.runDays(400)).toEqual([]);
    const acc = new SiteSim(accepted());
    expect(acc.runDays(400)).toEqual([]);
  });
});

// ---- no key: fail closed ----------------------------------------------------------------

describe('an operator without a key (issue 11: content-free first contact, coordinators told)', () => {
  it('gets a content-free first contact; the coordinators are told; the clock starts; key requests are repeated content-free', () => {
    const sim = new SiteSim(accepted());
    const d = sim.step({ type: 'confirm-operator', operator: SHOP_NO_KEY });
    expect(notices(d)).toEqual(['operator:operator-first-contact', 'coord:coord-operator-no-key']);
    // The first contact's decision carries nothing but its kind: no date, no key, no identity.
    expect(ofType(d, 'notify-operator')[0]?.notice).toEqual({ kind: 'operator-first-contact' });
    expect(sim.c).toMatchObject({ firstContactDate: '2026-01-05', fixTarget: '2026-04-05' });
    const days = sim.runDays(10).map(({ day, decisions }) => [day, ofType(decisions, 'notify-operator').map((x) => x.notice)]);
    expect(days).toEqual([[7, [{ kind: 'operator-key-reminder', n: 1, since: '2026-01-05' }]]]);
  });

  it('once a key is pinned, X-NOTIFY-OPERATOR sends the details; 起算日 and fix target stay; reminders count from the details', () => {
    const sim = new SiteSim(accepted());
    sim.step({ type: 'confirm-operator', operator: SHOP_NO_KEY });
    sim.runDays(10);
    expect(sim.c.operator?.reminders).toBe(1);
    const d = sim.step({ type: 'notify-operator', keyFingerprint: FPR });
    expect(notices(d)).toEqual(['operator:operator-notify']);
    expect(ofType(d, 'notify-operator')[0]?.notice).toEqual({ kind: 'operator-notify', fixTarget: '2026-04-05', includeReporterIdentity: false, keyFingerprint: FPR });
    expect(sim.c.operator).toMatchObject({ contact: 'notified', reminders: 0, keyFingerprint: FPR });
    expect(sim.c).toMatchObject({ firstContactDate: '2026-01-05', fixTarget: '2026-04-05' });
    expect(sim.runDays(7).map(({ day, decisions }) => [day, notices(decisions)])).toEqual([[7, ['operator:operator-remind']]]);
  });

  it('without a key nothing but a key request can go: a relay and a notification without key are refused', () => {
    const sim = new SiteSim(accepted());
    sim.step({ type: 'confirm-operator', operator: SHOP_NO_KEY });
    sim.clock.advance(1);
    expect(sim.step({ type: 'relay', operatorId: 'shop', text: 'hello' })).toEqual([{ type: 'error', message: 'shop has not been sent the details (no key): messages are relayed encrypted only' }]);
    expect(notices(sim.step({ type: 'notify-operator', keyFingerprint: null }))).toEqual(['operator:operator-first-contact', 'coord:coord-operator-no-key']);
    expect(sim.c.firstContactDate).toBe('2026-01-05');
  });

  it('a reply before the details went is not taken: the coordinators are told', () => {
    const sim = new SiteSim(accepted());
    sim.step({ type: 'confirm-operator', operator: SHOP_NO_KEY });
    const d = sim.step({ type: 'operator-reply', operatorId: 'shop', reply: { status: 'fixed' } });
    expect(kinds(d)).toEqual(['record:operator-reply', 'coord:coord-reply-out-of-scope']);
    expect(sim.c.fixedAt).toBeNull();
  });
});

// ---- replies and the fix ----------------------------------------------------------------

describe('operator replies (mail-protocol §4) and the fix (guideline §4 item 4)', () => {
  function notified(): SiteSim {
    const sim = new SiteSim(accepted());
    sim.step({ type: 'confirm-operator', operator: SHOP });
    sim.clock.advance(3);
    return sim;
  }

  it('"fixed": the reporter is told (encrypted), the operator thanked, the coordinators told, the case closes; nothing more ever happens on time', () => {
    const sim = notified();
    const d = sim.step({ type: 'operator-reply', operatorId: 'shop', reply: { status: 'fixed', comment: 'patched the form' } });
    expect(kinds(d)).toEqual([
      'record:operator-reply',
      'update-operator',
      'set-state:operator-contact:fixed',
      'update-case',
      'set-state:rm:closed',
      'reporter:reporter-site-fixed',
      'operator:operator-thanks',
      'coord:coord-operator-fixed',
      'record:site-fixed',
    ]);
    expect(ofType(d, 'notify-reporter')[0]?.notice).toEqual({ kind: 'reporter-site-fixed', fixedOn: '2026-01-08' });
    expect(websiteCaseState(sim.c)).toBe('fixed');
    expect(sim.runDays(400)).toEqual([]);
    // A late reply changes nothing.
    expect(kinds(sim.step({ type: 'operator-reply', operatorId: 'shop', reply: { status: 'affected' } }))).toEqual(['record:operator-reply', 'coord:coord-reply-out-of-scope']);
  });

  it('"not-affected": the coordinators decide', () => {
    const d = notified().step({ type: 'operator-reply', operatorId: 'shop', reply: { status: 'not-affected' } });
    expect(notices(d)).toEqual(['coord:coord-operator-not-vulnerable']);
  });

  it('a reply by another operator, or about a case not accepted, is not processed', () => {
    const d = notified().step({ type: 'operator-reply', operatorId: 'other', reply: { status: 'fixed' } });
    expect(kinds(d)).toEqual(['record:operator-reply', 'coord:coord-reply-out-of-scope']);
    expect(ofType(d, 'notify-coordinators')[0]?.notice.detail).toBe('other is not the operator of this case');
  });

  it('a proposed publication date is ignored: a website case has no publication', () => {
    const d = notified().step({ type: 'operator-reply', operatorId: 'shop', reply: { status: 'investigating', proposedPublication: '2026-03-01' } });
    expect(ofType(d, 'record')[0]?.detail).toContain('ignored: no publication for websites');
    expect(notices(d)).toEqual([]);
  });
});

// ---- commands ---------------------------------------------------------------------------

describe('coordinator commands on website cases', () => {
  it('stop: the reporter is told the reason (a duplicate keeps its case id internal), an operator holding the details is told it is over', () => {
    const sim = new SiteSim(accepted());
    sim.step({ type: 'confirm-operator', operator: SHOP });
    const d = sim.step({ type: 'stop', reason: { kind: 'duplicate', caseId: 'VR-2025-0009' } });
    expect(notices(d)).toEqual(['operator:operator-stopped', 'reporter:reporter-stopped']);
    expect(JSON.stringify(d.filter((x) => x.type !== 'record'))).not.toContain('VR-2025-0009');
    expect(ofType(d, 'record')[0]?.detail).toBe('duplicate of VR-2025-0009');
  });

  it('stop after a content-free first contact tells the operator nothing (it holds nothing)', () => {
    const sim = new SiteSim(accepted());
    sim.step({ type: 'confirm-operator', operator: SHOP_NO_KEY });
    expect(notices(sim.step({ type: 'stop', reason: { kind: 'known' } }))).toEqual(['reporter:reporter-stopped']);
  });

  it('a relay naming the reporter is refused without consent (guideline §2), allowed with it', () => {
    for (const share of [false, true]) {
      const sim = new SiteSim(newSite({ shareIdentity: share }, 'accepted'));
      sim.step({ type: 'confirm-operator', operator: SHOP });
      const d = sim.step({ type: 'relay', operatorId: 'shop', text: '山田太郎 asks when the fix is due' });
      if (share) expect(ofType(d, 'notify-operator')[0]?.notice).toEqual({ kind: 'operator-relay', text: '山田太郎 asks when the fix is due', keyFingerprint: FPR });
      else expect(d).toEqual([{ type: 'error', message: 'the text names the reporter, who has not consented to share their identity with the operator (guideline §2)' }]);
    }
  });

  it('X-NOTIFY-OPERATOR right after the confirmation in the same mail writes once', () => {
    const sim = new SiteSim(accepted());
    sim.step({ type: 'confirm-operator', operator: SHOP });
    expect(kinds(sim.step({ type: 'notify-operator', keyFingerprint: FPR }))).toEqual(['record:operator-not-notified']);
  });

  it.each([
    [{ type: 'note', text: '  ' }, 'an empty note'],
    [{ type: 'reject', reason: '' }, 'a rejection needs a reason for the reporter'],
    [{ type: 'relay', operatorId: null, text: '' }, 'an empty message to relay'],
    [{ type: 'confirm-operator', operator: { ...SHOP, id: ' ' } }, 'name the operator (its registry id)'],
    [{ type: 'stop', reason: { kind: 'duplicate', caseId: '' } }, 'a duplicate needs the case id it duplicates'],
  ] as [WebsiteEvent, string][])('refuses %j with one error', (event, message) => {
    expect(decideWebsite(accepted(), event, new Date(T0))).toEqual([{ type: 'error', message }]);
  });

  it('accepting twice confirms; nothing is sent again', () => {
    const sim = new SiteSim(newSite());
    sim.step({ type: 'confirm-operator', operator: SHOP });
    sim.step({ type: 'accept' });
    expect(sim.step({ type: 'accept' })).toEqual([{ type: 'record', event: 'accept-confirmed', detail: 'already accepted; nothing changed' }]);
  });

  it('stepWebsite returns the next snapshot with the decisions; an invalid now is a programming error', () => {
    const r = stepWebsite(accepted(), { type: 'confirm-operator', operator: SHOP }, new Date(T0));
    expect(websiteCaseState(r.case)).toBe('operator-notified');
    expect(() => decideWebsite(accepted(), { type: 'tick' }, new Date(NaN))).toThrow(RangeError);
  });
});

// ---- nothing public ---------------------------------------------------------------------

describe('nothing of a website case can go public (guideline §2, §4 items 5-6)', () => {
  it('the decision types have no advisory, publication or public list', () => {
    expectTypeOf<Extract<WebsiteDecision, { type: 'send-advisory' }>>().toBeNever();
    expectTypeOf<Extract<WebsiteDecision, { type: 'publish-unreachable-list' }>>().toBeNever();
    expectTypeOf<WebsiteDecision['type']>().toEqualTypeOf<'record' | 'error' | 'set-state' | 'update-case' | 'set-operator' | 'update-operator' | 'notify-operator' | 'notify-reporter' | 'notify-coordinators'>();
    // And the product's public decisions are not website decisions.
    expectTypeOf<Extract<ProductDecision, { type: 'send-advisory' }>>().not.toMatchTypeOf<WebsiteDecision>();
  });

  it('a whole case decides only notices to the operator, the reporter and the coordinators', () => {
    const sim = new SiteSim(newSite());
    sim.step({ type: 'operator-proposed', candidates: [FOUND] });
    sim.step({ type: 'confirm-operator', operator: SHOP_NO_KEY });
    sim.step({ type: 'accept' });
    sim.runDays(10);
    sim.step({ type: 'notify-operator', keyFingerprint: FPR });
    sim.runDays(95);
    sim.step({ type: 'operator-reply', operatorId: 'shop', reply: { status: 'fixed' } });
    const types = new Set(sim.all().map((d) => d.type));
    expect([...types].sort()).toEqual(['notify-coordinators', 'notify-operator', 'notify-reporter', 'record', 'set-operator', 'set-state', 'update-case', 'update-operator']);
  });
});

// ---- snapshot JSON ----------------------------------------------------------------------

describe('snapshot JSON (cases.coordination)', () => {
  it('round-trips a website case with its Dates, and tells it from a product case', () => {
    const sim = new SiteSim(accepted());
    sim.step({ type: 'operator-proposed', candidates: [FOUND] });
    sim.step({ type: 'confirm-operator', operator: SHOP });
    sim.runDays(8);
    const json = serializeSnapshot(sim.c);
    const back = reviveWebsiteSnapshot(JSON.parse(json));
    expect(back).toEqual(sim.c);
    expect(back.operator?.firstContactAt).toBeInstanceOf(Date);
    expect(isWebsiteCase(reviveAnySnapshot(json))).toBe(true);
    const product = newProductCase({ id: 'VR-2026-0001', reporter: sim.c.reporter });
    expect(isWebsiteCase(reviveAnySnapshot(serializeSnapshot(product)))).toBe(false);
    expect(() => reviveWebsiteSnapshot(serializeSnapshot(product))).toThrow(TypeError);
    // A revived snapshot steps on exactly as the original does.
    const at = sim.clock.now();
    expect(decideWebsite(back, { type: 'tick' }, addDays(at, 7))).toEqual(decideWebsite(sim.c, { type: 'tick' }, addDays(at, 7)));
  });
});
