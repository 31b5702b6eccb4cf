import { describe, expect, it } from 'vitest';
import { jstDate } from '../../src/domain/clock.ts';
import { pxaFlags } from '../../src/domain/vultron.ts';
import { creditOf, decideProduct, DEFAULT_SETTINGS, withdrawalDate, type ProductDecision } from '../../src/rules/product.ts';
import { ACME, BETA, kinds, newCase, ofType, Sim } from './product-support.ts';

// Scenarios of the product track (guideline §3, §8) with a moved clock. The desk's
// scheduler ticks once a day; 01:00 UTC is 10:00 JST.
const T0 = '2026-01-05T01:00:00Z'; // 起算日 2026-01-05 (JST); target 2026-02-19

/** guideline §2: no advisory before the agreed date (unless the case is public anyway). */
function expectNoEarlyAdvisory(sim: Sim): void {
  for (const h of sim.history) {
    for (const d of ofType(h.decisions, 'send-advisory')) {
      const agreed = h.before.publication.agreed;
      const ok = pxaFlags(h.before.pxa).publicAware || (agreed !== null && jstDate(h.at) >= agreed);
      expect(ok, `advisory ${d.advisory.date} at ${h.at.toISOString()} (agreed ${agreed ?? 'none'})`).toBe(true);
    }
  }
}

describe('a silent vendor (guideline §3.7, §8; 003 *8)', () => {
  it('is notified, reminded after 7 days then every 7 days, unreachable after 3 reminders, its product named 90 days later, and taken off the list when it answers', () => {
    const sim = new Sim(newCase(), T0);
    const first = sim.step({ type: 'add-vendor', vendor: ACME });
    expect(kinds(first)).toEqual(
      expect.arrayContaining(['add-vendor', 'set-state:coordination:acme:notified', 'set-state:em:proposed', 'notify-vendor:acme:notify']),
    );
    expect(sim.c.firstContactDate).toBe('2026-01-05');
    expect(sim.c.publication).toEqual({ proposed: '2026-02-19', proposedBy: 'desk', agreed: null });
    expect(ofType(first, 'notify-vendor')[0]).toMatchObject({ date: '2026-02-19', includeReporterIdentity: false });
    expect(sim.vendor('acme').firstContactAt?.toISOString()).toBe('2026-01-05T01:00:00.000Z');
    expect(ofType(first, 'notify-coordinators')).toEqual([]);

    // Days 1..40: reminders on days 7, 14, 21; unreachable on day 28; nothing else.
    const busy = sim.runDays(40);
    expect(busy.map((b) => b.day)).toEqual([7, 14, 21, 28]);
    expect(busy.slice(0, 3).map((b) => ofType(b.decisions, 'remind-vendor').map((r) => r.n))).toEqual([[1], [2], [3]]);
    expect(kinds(busy[0]?.decisions ?? [])).toContain('set-state:coordination:acme:reminded');
    const day28 = kinds(busy[3]?.decisions ?? []);
    expect(day28).toEqual(
      expect.arrayContaining([
        'set-state:coordination:acme:unreachable',
        'set-state:fix:acme:unreachable',
        'publish-unreachable-list:add-vendor:acme',
        'notify-coordinators:vendor-unreachable',
      ]),
    );
    expect(day28).not.toContain('remind-vendor:acme:4');
    const listedAt = sim.vendor('acme').vendorNamePublishedAt;
    expect(listedAt?.toISOString()).toBe('2026-02-02T01:00:00.000Z');
    expect(sim.vendor('acme').reminders).toBe(3);

    // 90 days after the name: the product name (day 28 + 90 = day 118).
    expect(sim.runDays(77)).toEqual([]); // up to day 117
    const day118 = sim.runDays(1);
    expect(day118).toHaveLength(1);
    expect(kinds(day118[0]?.decisions ?? [])).toEqual(
      expect.arrayContaining(['publish-unreachable-list:add-product:acme', 'notify-coordinators:product-name-published']),
    );
    expect(sim.vendor('acme').productNamePublishedAt).not.toBeNull();
    expect(sim.runDays(30)).toEqual([]);

    // The vendor answers: removed from the list, coordinators told, no more reminders.
    const answer = sim.step({ type: 'vendor-reply', vendorId: 'acme', reply: { status: 'investigating' } });
    expect(kinds(answer)).toEqual(
      expect.arrayContaining([
        'set-state:coordination:acme:answered',
        'set-state:fix:acme:vendor-aware',
        'publish-unreachable-list:remove:acme',
        'notify-coordinators:vendor-reachable',
      ]),
    );
    const v = sim.vendor('acme');
    expect([v.vendorNamePublishedAt, v.productNamePublishedAt, v.unreachableSince]).toEqual([null, null, null]);
    expect(v.status).toBe('investigating');
    expect(sim.runDays(60)).toEqual([]);
    expectNoEarlyAdvisory(sim);
    expect(ofType(sim.all(), 'send-advisory')).toEqual([]);
  });

  it('the same tick twice at the same now sends one reminder', () => {
    const sim = new Sim(newCase(), T0);
    sim.step({ type: 'add-vendor', vendor: ACME });
    sim.clock.advance(7);
    expect(ofType(sim.tick(), 'remind-vendor')).toHaveLength(1);
    expect(sim.tick()).toEqual([]);
    // And the rules are pure: the old snapshot at the same now decides the same again.
    const before = sim.history[1]?.before;
    expect(before).toBeDefined();
    if (before) expect(decideProduct(before, { type: 'tick' }, sim.clock.now())).toEqual(sim.history[1]?.decisions);
  });

  it('a scheduler that was down sends one reminder, not a burst, and keeps the 7-day rhythm from it', () => {
    const sim = new Sim(newCase(), T0);
    sim.step({ type: 'add-vendor', vendor: ACME });
    sim.clock.advance(30);
    expect(ofType(sim.tick(), 'remind-vendor').map((r) => r.n)).toEqual([1]);
    sim.clock.advance(6);
    expect(sim.tick()).toEqual([]);
    sim.clock.advance(1);
    expect(ofType(sim.tick(), 'remind-vendor').map((r) => r.n)).toEqual([2]);
  });

  it('a reminder is not due a minute early', () => {
    const sim = new Sim(newCase(), T0);
    sim.step({ type: 'add-vendor', vendor: ACME });
    sim.clock.advance(7);
    sim.clock.advanceMs(-60_000);
    expect(sim.tick()).toEqual([]);
    sim.clock.advanceMs(60_000);
    expect(ofType(sim.tick(), 'remind-vendor')).toHaveLength(1);
  });

  it('follows configured numbers', () => {
    const sim = new Sim(newCase(), T0, { ...DEFAULT_SETTINGS, reminderAfterDays: 3, reminderEveryDays: 2, unreachableAfterReminders: 1 });
    sim.step({ type: 'add-vendor', vendor: ACME });
    const busy = sim.runDays(10);
    expect(busy.map((b) => b.day)).toEqual([3, 5]);
    expect(kinds(busy[1]?.decisions ?? [])).toContain('publish-unreachable-list:add-vendor:acme');
  });
});

describe('schedule (guideline §3.5; 001 one common date)', () => {
  it('a vendor answers affected with a date; the coordinator sets it; vendors and reporter are told', () => {
    const sim = new Sim(newCase(), T0);
    sim.step({ type: 'add-vendor', vendor: ACME });
    sim.clock.advance(3);
    const reply = sim.step({ type: 'vendor-reply', vendorId: 'acme', reply: { status: 'affected', proposedPublication: '2026-03-10' } });
    expect(kinds(reply)).toContain('notify-coordinators:date-proposed');
    expect(sim.c.em).toBe('proposed');
    expect(sim.c.publication).toEqual({ proposed: '2026-03-10', proposedBy: 'acme', agreed: null });
    expect(sim.vendor('acme')).toMatchObject({ fix: 'vendor-aware', coordination: 'answered', status: 'affected', proposedPublication: '2026-03-10' });

    const set = sim.step({ type: 'set-date', date: '2026-03-10' });
    expect(kinds(set)).toEqual(['set-state:em:active', 'update-case', 'notify-vendor:acme:schedule', 'notify-reporter:schedule', 'record:date-agreed']);
    expect(ofType(set, 'notify-reporter')[0]?.date).toBe('2026-03-10');
    expect(sim.c.publication).toEqual({ proposed: null, proposedBy: null, agreed: '2026-03-10' });

    // The same date again from the vendor is its agreement: nothing moves.
    const again = sim.step({ type: 'vendor-reply', vendorId: 'acme', reply: { proposedPublication: '2026-03-10' } });
    expect(kinds(again)).toContain('record:date-agreed-by-vendor');
    expect(sim.c.em).toBe('active');

    // A later date is a revision; the agreed date stands until the coordinator decides.
    sim.step({ type: 'vendor-reply', vendorId: 'acme', reply: { proposedPublication: '2026-03-20' } });
    expect(sim.c.em).toBe('revise');
    expect(sim.c.publication).toEqual({ proposed: '2026-03-20', proposedBy: 'acme', agreed: '2026-03-10' });

    // The coordinator keeps the agreed date: the revision is rejected.
    // Saying the agreed date during a revision is agreement with it, not a new proposal.
    const same = sim.step({ type: 'vendor-reply', vendorId: 'acme', reply: { proposedPublication: '2026-03-10' } });
    expect(kinds(same)).toContain('record:date-agreed-by-vendor');
    expect(sim.c.em).toBe('revise');
    expect(sim.c.publication.proposed).toBe('2026-03-20');

    const keep = sim.step({ type: 'set-date', date: '2026-03-10' });
    expect(kinds(keep)[0]).toBe('set-state:em:active');
    expect(ofType(keep, 'record')[0]?.detail).toBe('2026-03-10; revision to 2026-03-20 rejected');
    expect(sim.c.publication.agreed).toBe('2026-03-10');
    expect(sim.c.publication.proposed).toBeNull();

    // A revision accepted moves the date for everyone.
    sim.step({ type: 'vendor-reply', vendorId: 'acme', reply: { proposedPublication: '2026-03-24' } });
    const move = sim.step({ type: 'set-date', date: '2026-03-24' });
    expect(kinds(move)).toContain('notify-vendor:acme:schedule');
    expect(ofType(move, 'record')[0]?.detail).toBe('2026-03-24 (was 2026-03-10)');
    expect(sim.c).toMatchObject({ em: 'active', publication: { agreed: '2026-03-24' } });
  });

  it('publishes on the agreed date even while a revision is open (the old terms stand)', () => {
    const sim = new Sim(newCase(), T0);
    sim.step({ type: 'add-vendor', vendor: ACME });
    sim.step({ type: 'set-date', date: '2026-01-20' });
    sim.step({ type: 'vendor-reply', vendorId: 'acme', reply: { status: 'affected', proposedPublication: '2026-02-20' } });
    expect(sim.c.em).toBe('revise');
    sim.clock.set('2026-01-19T15:00:00Z'); // 2026-01-20 00:00 JST
    expect(ofType(sim.tick(), 'send-advisory')).toHaveLength(1);
    expect(sim.c.em).toBe('exited');
  });

  it('a vendor date in the past is not taken', () => {
    const sim = new Sim(newCase(), T0);
    sim.step({ type: 'add-vendor', vendor: ACME });
    const d = sim.step({ type: 'vendor-reply', vendorId: 'acme', reply: { status: 'affected', proposedPublication: '2026-01-04' } });
    expect(kinds(d)).toContain('notify-coordinators:date-rejected');
    expect(sim.c.publication.proposed).toBe('2026-02-19');
  });

  it('a vendor added late is told the common date and coordinators hear its own 45 days would end later', () => {
    const sim = new Sim(newCase(), T0);
    sim.step({ type: 'add-vendor', vendor: ACME });
    sim.step({ type: 'set-date', date: '2026-02-19' });
    sim.clock.advance(20);
    const d = sim.step({ type: 'add-vendor', vendor: BETA });
    expect(ofType(d, 'notify-vendor')[0]).toMatchObject({ vendorId: 'beta', template: 'notify', date: '2026-02-19' });
    expect(ofType(d, 'notify-coordinators')[0]).toMatchObject({ template: 'late-vendor', vendorId: 'beta', date: '2026-02-19' });
    expect(sim.c.firstContactDate).toBe('2026-01-05');
    expect(sim.vendor('beta').firstContactAt?.toISOString()).toBe('2026-01-25T01:00:00.000Z');
  });

  it('a vendor added later whose own 45 days end before the common date raises no alert', () => {
    const sim = new Sim(newCase(), T0);
    sim.step({ type: 'add-vendor', vendor: ACME });
    sim.step({ type: 'set-date', date: '2026-06-01' });
    sim.clock.advance(20);
    const d = sim.step({ type: 'add-vendor', vendor: BETA });
    expect(ofType(d, 'notify-vendor')[0]?.date).toBe('2026-06-01');
    expect(ofType(d, 'notify-coordinators')).toEqual([]);
  });

  it('起算日 is the JST date: a first contact at 23:30 UTC starts the next day', () => {
    const sim = new Sim(newCase(), '2026-03-31T23:30:00Z');
    sim.step({ type: 'add-vendor', vendor: ACME });
    expect(sim.c.firstContactDate).toBe('2026-04-01');
    expect(sim.c.publication.proposed).toBe('2026-05-16');
  });
});

describe('publication day (guideline §3.13; 001; 資料2 III.4.7)', () => {
  function twoVendorCase(consent: Parameters<typeof newCase>[0]): Sim {
    const sim = new Sim(newCase(consent), T0);
    sim.step({ type: 'add-vendor', vendor: ACME });
    // A second vendor contacted on the same 起算日 has the full 45 days: no late-vendor alert.
    expect(kinds(sim.step({ type: 'add-vendor', vendor: BETA }))).not.toContain('notify-coordinators:late-vendor');
    sim.clock.advance(5);
    sim.step({ type: 'vendor-reply', vendorId: 'acme', reply: { status: 'fixed', fixedVersions: '1.0.1', advisoryUrl: 'https://acme.test/sa-1' } });
    sim.step({ type: 'vendor-reply', vendorId: 'beta', reply: { status: 'affected', workaround: 'disable the plugin' } });
    sim.step({ type: 'set-date', date: '2026-02-19' });
    return sim;
  }

  it('nothing leaves before the JST date; on it the advisory goes out and every party is told', () => {
    const sim = twoVendorCase({ credit: true, creditName: 'Taro Y.' });
    sim.clock.set('2026-02-18T14:59:00Z'); // 2026-02-18 23:59 JST
    expect(ofType(sim.tick(), 'send-advisory')).toEqual([]);

    sim.clock.set('2026-02-18T15:00:00Z'); // 2026-02-19 00:00 JST
    const d = sim.tick();
    const [adv] = ofType(d, 'send-advisory');
    expect(adv?.advisory).toEqual({
      caseId: 'VR-2026-0001',
      date: '2026-02-19',
      vendors: [
        { vendorId: 'acme', name: 'Acme Corp', product: 'Acme Router 1.0', status: 'fixed', fixedVersions: '1.0.1', workaround: null, advisoryUrl: 'https://acme.test/sa-1' },
        { vendorId: 'beta', name: 'Beta Soft', product: 'Beta CMS 2.3', status: 'affected', fixedVersions: null, workaround: 'disable the plugin', advisoryUrl: null },
      ],
      credit: 'Taro Y.',
      byCommittee: false,
    });
    expect(kinds(d)).toEqual(
      expect.arrayContaining([
        'set-state:em:exited',
        'set-state:pxa:Pxa',
        'set-state:fix:acme:fix-deployed',
        'notify-vendor:acme:published',
        'notify-vendor:beta:published',
        'notify-reporter:published',
        'notify-coordinators:published',
      ]),
    );
    expect(ofType(d, 'notify-reporter')[0]).toMatchObject({ template: 'published', date: '2026-02-19', credit: 'Taro Y.' });
    expect(sim.c.publishedAt?.toISOString()).toBe('2026-02-18T15:00:00.000Z');
    expect(sim.vendor('beta').fix).toBe('vendor-aware');

    // Published once: later ticks and a manual publish do nothing more.
    expect(sim.tick()).toEqual([]);
    sim.clock.advance(400);
    expect(sim.tick()).toEqual([]);
    expect(kinds(sim.step({ type: 'publish' }))).toEqual(['error']);
    expectNoEarlyAdvisory(sim);
  });

  it('without consent to credit, nobody is named', () => {
    const sim = twoVendorCase({ credit: false, creditName: 'Taro Y.' });
    sim.clock.set('2026-02-19T03:00:00Z');
    const d = sim.tick();
    expect(ofType(d, 'send-advisory')[0]?.advisory.credit).toBeNull();
    expect(ofType(d, 'notify-reporter')[0]?.credit).toBeNull();
    expect(JSON.stringify(d)).not.toContain('Taro');
    expect(JSON.stringify(d)).not.toContain('山田');
  });

  it.each([
    [{ credit: true }, '山田 太郎'],
    [{ credit: true, creditName: '  ' }, '山田 太郎'],
    [{ credit: true, creditName: 'T. Yamada' }, 'T. Yamada'],
    [{ credit: false, creditName: 'T. Yamada' }, null],
    [{}, null],
  ])('credit per consent %j → %s', (consent, want) => {
    expect(creditOf(newCase(consent))).toBe(want);
  });

  it('a manual publish before the agreed date is refused; on the date it is allowed', () => {
    const sim = twoVendorCase({});
    sim.clock.set('2026-02-10T03:00:00Z');
    const early = sim.step({ type: 'publish' });
    expect(early).toHaveLength(1);
    expect(early[0]).toMatchObject({ type: 'error' });
    expect((early[0] as Extract<ProductDecision, { type: 'error' }>).message).toContain('2026-02-19');
    sim.clock.set('2026-02-19T03:00:00Z');
    expect(ofType(sim.step({ type: 'publish' }), 'send-advisory')).toHaveLength(1);
    expectNoEarlyAdvisory(sim);
  });

  it('every vendor saying "not affected" means no advisory on the date; coordinators are told', () => {
    const sim = new Sim(newCase(), T0);
    sim.step({ type: 'add-vendor', vendor: ACME });
    sim.step({ type: 'add-vendor', vendor: BETA });
    sim.step({ type: 'set-date', date: '2026-02-19' });
    const a = sim.step({ type: 'vendor-reply', vendorId: 'acme', reply: { status: 'not-affected' } });
    expect(kinds(a)).not.toContain('notify-coordinators:all-not-affected');
    const b = sim.step({ type: 'vendor-reply', vendorId: 'beta', reply: { status: 'not-affected' } });
    expect(kinds(b)).toContain('notify-coordinators:all-not-affected');
    sim.clock.set('2026-02-19T03:00:00Z');
    expect(ofType(sim.tick(), 'send-advisory')).toEqual([]);
  });
});

describe('reporter identity (guideline §2; 資料1 2.(4))', () => {
  function everyVendorNotice(consent: Parameters<typeof newCase>[0]): ProductDecision[] {
    const sim = new Sim(newCase(consent), T0);
    sim.step({ type: 'add-vendor', vendor: ACME });
    sim.step({ type: 'set-date', date: '2026-02-19' });
    sim.step({ type: 'open-impossible', vendorIds: ['acme'] });
    sim.step({ type: 'vendor-reply', vendorId: 'acme', reply: { comment: 'we object' } });
    sim.step({ type: 'committee-decision', decision: 'publish' });
    sim.clock.set('2026-02-19T03:00:00Z');
    sim.tick();
    const notices = ofType(sim.all(), 'notify-vendor');
    expect(notices.map((n) => n.template)).toEqual(['notify', 'schedule', 'impossible-invite', 'impossible-decided', 'published']);
    return notices;
  }

  it('never goes to a vendor without consent', () => {
    for (const n of everyVendorNotice({ shareIdentity: false, credit: true })) {
      expect(n).toMatchObject({ type: 'notify-vendor', includeReporterIdentity: false, offerDirectContact: false });
    }
  });

  it('goes with every vendor notice when the reporter consented', () => {
    for (const n of everyVendorNotice({ shareIdentity: true, directContact: true })) {
      expect(n).toMatchObject({ includeReporterIdentity: true, offerDirectContact: true });
    }
  });

  it('reminders carry no reporter content at all', () => {
    const sim = new Sim(newCase({ shareIdentity: true }), T0);
    sim.step({ type: 'add-vendor', vendor: ACME });
    sim.clock.advance(7);
    const [r] = ofType(sim.tick(), 'remind-vendor');
    expect(r).toEqual({ type: 'remind-vendor', vendorId: 'acme', n: 1, since: new Date(T0) });
  });
});

describe('coordination impossible (調整不能: guideline §3.8; 003 *10)', () => {
  it('the vendor is invited with a deadline, states its view, the committee decides, everyone concerned is told, and publication follows the date', () => {
    const sim = new Sim(newCase({ credit: true }), T0);
    sim.step({ type: 'add-vendor', vendor: ACME });
    sim.runDays(28);
    expect(sim.vendor('acme').coordination).toBe('unreachable');
    sim.clock.advance(1); // 2026-02-03 10:00 JST

    const open = sim.step({ type: 'open-impossible', vendorIds: ['acme'] });
    expect(kinds(open)).toEqual(
      expect.arrayContaining(['set-state:impossible:open', 'set-state:impossible:vendor-invited', 'notify-vendor:acme:impossible-invite']),
    );
    expect(ofType(open, 'notify-vendor')[0]?.deadline).toBe('2026-02-17');
    expect(sim.c.procedure).toMatchObject({ vendorIds: ['acme'], deadline: '2026-02-17', outcome: null });
    expect(ofType(open, 'notify-reporter')).toEqual([]);

    // Before the vendor had its chance, the committee cannot decide.
    const tooSoon = sim.step({ type: 'committee-decision', decision: 'publish' });
    expect(tooSoon).toEqual([{ type: 'error', message: 'the vendor may state its view until 2026-02-17' }]);

    sim.clock.advance(2);
    const view = sim.step({ type: 'vendor-reply', vendorId: 'acme', reply: { comment: 'we need more time' } });
    expect(kinds(view)).toEqual(expect.arrayContaining(['notify-coordinators:impossible-view', 'publish-unreachable-list:remove:acme']));
    expect(sim.c.procedure?.vendorViewAt).not.toBeNull();

    const decided = sim.step({ type: 'committee-decision', decision: 'publish' });
    expect(kinds(decided)).toEqual([
      'set-state:impossible:decided',
      'update-case',
      'notify-vendor:acme:impossible-decided',
      'notify-reporter:impossible-decided',
      'notify-coordinators:impossible-decided',
      'record:impossible-decided',
    ]);
    expect(ofType(decided, 'notify-reporter')[0]?.outcome).toBe('publish');
    expect(sim.c.procedure?.outcome).toBe('publish');
    expect(kinds(sim.step({ type: 'committee-decision', decision: 'withhold' }))).toEqual(['error']);

    sim.step({ type: 'set-date', date: '2026-02-20' });
    sim.clock.set('2026-02-20T00:00:00Z');
    const pub = ofType(sim.tick(), 'send-advisory');
    expect(pub[0]?.advisory).toMatchObject({ byCommittee: true, credit: '山田 太郎', vendors: [{ vendorId: 'acme', status: 'unknown' }] });
    expectNoEarlyAdvisory(sim);
  });

  it('a silent invited vendor: coordinators are alerted once after the deadline; "withhold" stops the agreed publication', () => {
    const sim = new Sim(newCase(), T0);
    sim.step({ type: 'add-vendor', vendor: ACME });
    sim.step({ type: 'set-date', date: '2026-01-25' });
    sim.step({ type: 'open-impossible', vendorIds: ['acme', 'acme'] });
    expect(sim.c.procedure?.vendorIds).toEqual(['acme']);
    expect(sim.c.procedure?.deadline).toBe('2026-01-19');

    // Deadline day itself: still the vendor's time. The day after: one alert.
    sim.clock.set('2026-01-19T14:00:00Z'); // 23:00 JST on the 19th
    expect(kinds(sim.tick()).filter((k) => k.includes('impossible'))).toEqual([]);
    expect(sim.step({ type: 'committee-decision', decision: 'withhold' })).toEqual([{ type: 'error', message: 'the vendor may state its view until 2026-01-19' }]);
    sim.clock.set('2026-01-19T15:00:00Z'); // 00:00 JST on the 20th
    expect(kinds(sim.tick())).toContain('notify-coordinators:impossible-deadline');
    expect(kinds(sim.tick())).not.toContain('notify-coordinators:impossible-deadline');

    // The agreed date arrives while the committee has not decided: nothing is published.
    sim.clock.set('2026-01-25T03:00:00Z');
    expect(ofType(sim.tick(), 'send-advisory')).toEqual([]);
    expect(kinds(sim.step({ type: 'publish' }))).toEqual(['error']);

    const d = sim.step({ type: 'committee-decision', decision: 'withhold' });
    expect(ofType(d, 'notify-vendor')[0]).toMatchObject({ template: 'impossible-decided', outcome: 'do-not-publish' });
    expect(ofType(d, 'notify-reporter')[0]).toMatchObject({ template: 'impossible-decided', outcome: 'do-not-publish' });
    expect(sim.c.impossible).toBe('decided');
    sim.clock.advance(1);
    expect(ofType(sim.tick(), 'send-advisory')).toEqual([]);
    expect(kinds(sim.step({ type: 'publish' }))).toEqual(['error']);
    expect(kinds(sim.step({ type: 'set-date', date: '2026-03-01' }))).toEqual(['error']);
  });
});

describe('one year after 起算日 (guideline §3.9; 003 *9)', () => {
  it('the reporter is told once that they may withdraw the non-disclosure request', () => {
    const sim = new Sim(newCase(), T0);
    sim.step({ type: 'add-vendor', vendor: ACME });
    sim.step({ type: 'vendor-reply', vendorId: 'acme', reply: { status: 'investigating' } });
    sim.clock.set('2027-01-04T14:59:00Z'); // 2027-01-04 23:59 JST
    expect(sim.tick()).toEqual([]);
    sim.clock.set('2027-01-04T15:00:00Z'); // 2027-01-05 00:00 JST
    const d = sim.tick();
    expect(ofType(d, 'notify-reporter')).toEqual([{ type: 'notify-reporter', template: 'may-withdraw', since: '2026-01-05' }]);
    expect(sim.c.withdrawalNoticeAt?.toISOString()).toBe('2027-01-04T15:00:00.000Z');
    expect(sim.tick()).toEqual([]);
  });

  it('is never before the calendar anniversary (365 days across 29 February fall short)', () => {
    expect(withdrawalDate('2026-01-05')).toBe('2027-01-05');
    expect(withdrawalDate('2027-06-01')).toBe('2028-06-01');
    expect(withdrawalDate('2027-06-01', { ...DEFAULT_SETTINGS, withdrawAfterDays: 400 })).toBe('2028-07-05');
    expect(withdrawalDate('2027-06-01', { ...DEFAULT_SETTINGS, withdrawAfterDays: 30 })).toBe('2027-07-01');
    const sim = new Sim(newCase(), '2027-06-01T01:00:00Z');
    sim.step({ type: 'add-vendor', vendor: ACME });
    sim.step({ type: 'vendor-reply', vendorId: 'acme', reply: { status: 'investigating' } });
    sim.clock.set('2028-05-31T03:00:00Z');
    expect(sim.tick()).toEqual([]);
    sim.clock.set('2028-06-01T03:00:00Z');
    expect(kinds(sim.tick())).toContain('notify-reporter:may-withdraw');
  });

  it('is not sent for a published or stopped case', () => {
    const pub = new Sim(newCase(), T0);
    pub.step({ type: 'add-vendor', vendor: ACME });
    pub.step({ type: 'set-date', date: '2026-01-06' });
    pub.clock.advance(1);
    expect(ofType(pub.tick(), 'send-advisory')).toHaveLength(1);
    pub.clock.advance(400);
    expect(pub.tick()).toEqual([]);

    const stopped = new Sim(newCase(), T0);
    stopped.step({ type: 'add-vendor', vendor: ACME });
    stopped.step({ type: 'stop', reason: { kind: 'not-reproducible' } });
    stopped.clock.advance(400);
    expect(stopped.tick()).toEqual([]);
  });
});
