// The coordinator commands about the case's vendors that docs/commands.md lists besides
// add/remove: X-NOTIFY-VENDORS (guideline §3.4), X-MARK-REACHABLE (§3.7),
// X-DIRECT-CONTACT and X-RELAY (§3.10), the stop reason `known` (§3.3), and X-ACCEPT on a
// case screening already accepted (§3.2). Each is run in every vendor contact state and every
// report state it can meet, refusals included.
import { describe, expect, it } from 'vitest';
import { reviveSnapshot, serializeSnapshot } from '../../src/desk/coordination.ts';
import { jstDate } from '../../src/domain/clock.ts';
import { RM_STATES, type RmState } from '../../src/domain/states.ts';
import { COORDINATION_STATES, type CoordinationState } from '../../src/domain/vultron.ts';
import { applyDecisions, decideProduct, namesReporter, newProductCase, type Consent, type CoordinatorCommand, type ProductCase, type ProductDecision } from '../../src/rules/product.ts';
import { ACME, BETA, kinds, newCase, ofType, Sim } from './product-support.ts';

const T0 = '2026-01-05T01:00:00Z';

/** The vendor contact states a case can hold acme in, and how to get there. */
type Contact = CoordinationState | 'unreachable-before-notice';
const CONTACTS: Contact[] = [...COORDINATION_STATES, 'unreachable-before-notice'];

function acmeIn(contact: Contact, consent: Partial<Consent> = {}): Sim {
  if (contact === 'unnotified' || contact === 'unreachable-before-notice') {
    // Vendors known before acceptance (the snapshot as screening may leave it).
    const sim = new Sim(newCase(consent, [ACME]), T0);
    if (contact === 'unreachable-before-notice') sim.step({ type: 'mark-unreachable', vendorId: 'acme' });
    sim.clock.advance(1);
    return sim;
  }
  const sim = new Sim(newCase(consent), T0);
  sim.step({ type: 'add-vendor', vendor: ACME });
  switch (contact) {
    case 'notified':
      break;
    case 'reminded':
      sim.runDays(7);
      break;
    case 'unreachable':
      sim.clock.advance(1);
      sim.step({ type: 'mark-unreachable', vendorId: 'acme' });
      break;
    case 'answered':
      sim.clock.advance(1);
      sim.step({ type: 'vendor-reply', vendorId: 'acme', reply: { status: 'affected' } });
      break;
  }
  sim.clock.advance(1);
  expect(sim.vendor('acme').coordination).toBe(contact);
  return sim;
}

/** Acme notified on an accepted case, then the report moved to `rm` (or published). */
function caseIn(state: RmState | 'published', consent: Partial<Consent> = { directContact: true }): Sim {
  if (state === 'published') {
    const sim = acmeIn('notified', consent);
    sim.step({ type: 'set-date', date: jstDate(sim.clock.now()) });
    sim.tick();
    expect(sim.c.publishedAt).not.toBeNull();
    return sim;
  }
  const sim = acmeIn('notified', consent);
  sim.c = { ...sim.c, rm: state };
  return sim;
}

function expectRefused(sim: Sim, cmd: CoordinatorCommand, message: string | RegExp): void {
  const before = sim.c;
  const d = sim.step(cmd);
  expect(d).toHaveLength(1);
  expect(d[0]?.type).toBe('error');
  const text = (d[0] as Extract<ProductDecision, { type: 'error' }>).message;
  if (typeof message === 'string') expect(text).toContain(message);
  else expect(text).toMatch(message);
  expect(sim.c).toBe(before);
}

/** Every (case-level) command of this file, with acme as the vendor. */
const NEW_COMMANDS: CoordinatorCommand[] = [
  { type: 'notify-vendors' },
  { type: 'mark-reachable', vendorId: 'acme' },
  { type: 'direct-contact', vendorId: 'acme', vendorConsents: true },
];

describe('report states: the vendor commands need an accepted, unpublished case', () => {
  for (const state of [...RM_STATES, 'published'] as const) {
    for (const cmd of NEW_COMMANDS) {
      it(`${cmd.type} on a ${state} case`, () => {
        const sim = caseIn(state);
        if (state === 'accepted') {
          // Allowed by the case; the vendor's own state decides (below). notified acme:
          const d = sim.step(cmd);
          if (cmd.type === 'mark-reachable') expect(kinds(d)).toEqual(['error']);
          else expect(kinds(d)).not.toContain('error');
          return;
        }
        expectRefused(sim, cmd, state === 'published' ? 'already published' : `is not accepted (report state "${state}")`);
      });
    }
  }
});

describe('X-ACCEPT in every report state (guideline §3.2)', () => {
  const want: Record<RmState, string[] | 'error'> = {
    received: ['set-state:rm:valid', 'set-state:rm:accepted', 'notify-reporter:accepted', 'record:accepted'],
    valid: ['set-state:rm:accepted', 'notify-reporter:accepted', 'record:accepted'],
    deferred: ['set-state:rm:accepted', 'notify-reporter:accepted', 'record:accepted'],
    accepted: ['record:accept-confirmed'],
    invalid: 'error',
    closed: 'error',
  };
  for (const state of RM_STATES) {
    it(`${state} → ${String(want[state])}`, () => {
      const c: ProductCase = { ...newCase(), rm: state };
      const d = decideProduct(c, { type: 'accept' }, new Date(T0));
      if (want[state] === 'error') expect(kinds(d)).toEqual(['error']);
      else expect(kinds(d)).toEqual(want[state]);
    });
  }

  it('on a case screening accepted: a harmless confirmation, not an error, and the reporter is not told again', () => {
    const sim = acmeIn('notified');
    const before = sim.c;
    const d = sim.step({ type: 'accept' });
    expect(d).toEqual([{ type: 'record', event: 'accept-confirmed', detail: 'already accepted; nothing changed' }]);
    expect(ofType(d, 'notify-reporter')).toEqual([]);
    expect(sim.c).toEqual(before);
  });

  it('also on a published case (still accepted)', () => {
    expect(kinds(caseIn('published').step({ type: 'accept' }))).toEqual(['record:accept-confirmed']);
  });
});

describe('X-STOP: known (guideline §3.3: already publicly known)', () => {
  it('closes the case, tells contacted vendors it stopped and the reporter why', () => {
    const sim = acmeIn('reminded');
    sim.step({ type: 'add-vendor', vendor: BETA });
    const d = sim.step({ type: 'stop', reason: { kind: 'known' } });
    expect(kinds(d)).toEqual(['set-state:rm:closed', 'set-state:em:none', 'notify-vendor:acme:stopped', 'notify-vendor:beta:stopped', 'notify-reporter:stopped', 'record:stopped']);
    expect(ofType(d, 'notify-vendor').map((n) => n.reason)).toEqual(['known', 'known']);
    expect(ofType(d, 'notify-reporter')[0]).toEqual({ type: 'notify-reporter', template: 'stopped', reason: 'known' });
    expect(ofType(d, 'record')[0]?.detail).toBe('known');
    expect(sim.c.rm).toBe('closed');
  });

  it("keeps the coordinator's text on the case record only", () => {
    const sim = acmeIn('notified');
    const d = sim.step({ type: 'stop', reason: { kind: 'known' }, text: ' published as CVE-2025-1234 ' });
    expect(ofType(d, 'record')).toEqual([{ type: 'record', event: 'stopped', detail: 'known: published as CVE-2025-1234' }]);
    expect(JSON.stringify(d.filter((x) => x.type !== 'record'))).not.toContain('CVE-2025-1234');
  });

  it('takes an unreachable vendor off the list; a vendor not notified is not written to', () => {
    const sim = acmeIn('unreachable-before-notice');
    const d = sim.step({ type: 'stop', reason: { kind: 'known' } });
    expect(kinds(d)).toContain('publish-unreachable-list:remove:acme');
    // Marked unreachable, it counts as contacted (as for the schedule and publication notices).
    expect(kinds(d)).toContain('notify-vendor:acme:stopped');
    const quiet = new Sim(newCase({}, [ACME]), T0);
    expect(kinds(quiet.step({ type: 'stop', reason: { kind: 'known' } }))).toEqual(['set-state:rm:closed', 'notify-reporter:stopped', 'record:stopped']);
  });

  it('invalidates a report not accepted yet, and is refused on a closed or published case', () => {
    const received = newProductCase({ id: 'VR-2026-0009', reporter: { name: 'R', consent: { shareIdentity: false, directContact: false, credit: false } }, rm: 'received' });
    expect(kinds(decideProduct(received, { type: 'stop', reason: { kind: 'known' } }, new Date(T0)))).toEqual(['set-state:rm:invalid', 'notify-reporter:stopped', 'record:stopped']);
    expectRefused(caseIn('closed'), { type: 'stop', reason: { kind: 'known' } }, 'already closed');
    expectRefused(caseIn('published'), { type: 'stop', reason: { kind: 'known' } }, 'already published');
  });
});

describe('X-NOTIFY-VENDORS (guideline §3.4)', () => {
  it('in every contact state of the vendor', () => {
    for (const contact of CONTACTS) {
      const sim = acmeIn(contact);
      const before = sim.c;
      const v0 = sim.vendor('acme');
      const d = sim.step({ type: 'notify-vendors' });
      switch (contact) {
        case 'unnotified':
          // The first notification: 起算日, the proposed date, the clock.
          expect(kinds(d), contact).toEqual([
            'set-state:coordination:acme:notified',
            'update-vendor',
            'update-case',
            'set-state:em:proposed',
            'update-case',
            'notify-vendor:acme:notify',
            'record:vendor-notified',
          ]);
          expect(sim.vendor('acme').firstContactAt).toEqual(sim.clock.now());
          expect(sim.c.firstContactDate).toBe(jstDate(sim.clock.now()));
          expect(ofType(d, 'notify-vendor')[0]?.date).toBe(sim.c.publication.proposed);
          break;
        case 'notified':
        case 'reminded': {
          // Sent again: nothing of the clock moves, it is not a reminder.
          expect(kinds(d), contact).toEqual(['notify-vendor:acme:notify', 'update-vendor', 'record:vendor-notified']);
          const n = ofType(d, 'notify-vendor')[0];
          expect(n).toEqual({ type: 'notify-vendor', vendorId: 'acme', template: 'notify', includeReporterIdentity: false, offerDirectContact: false, date: before.publication.proposed });
          expect(ofType(d, 'update-vendor')[0]?.patch).toEqual({ lastContactAt: sim.clock.now() });
          const v = sim.vendor('acme');
          expect(v).toEqual({ ...v0, lastContactAt: sim.clock.now() });
          expect({ ...sim.c, vendors: [] }).toEqual({ ...before, vendors: [] });
          expect(ofType(d, 'record')[0]?.detail).toContain(`its 起算日 ${jstDate(v0.firstContactAt!)} and ${v0.reminders} reminder(s) unchanged`);
          break;
        }
        case 'unreachable':
        case 'unreachable-before-notice':
          expect(kinds(d), contact).toEqual(['error']);
          expect(ofType(d, 'error')[0]?.message).toBe(`no vendor of ${sim.c.id} awaits the notification: acme is unreachable (mark-reachable first)`);
          break;
        case 'answered':
          expect(kinds(d), contact).toEqual(['error']);
          expect(ofType(d, 'error')[0]?.message).toBe(`no vendor of ${sim.c.id} awaits the notification: acme answered`);
          break;
      }
    }
  });

  it('a vendor sent the notification again keeps its reminder rhythm: the next reminder is due as before', () => {
    const sim = acmeIn('reminded'); // reminder 1 on day 7, then a day passed
    const r1 = sim.vendor('acme').lastReminderAt!;
    sim.step({ type: 'notify-vendors' });
    const reminders = sim.runDays(10).flatMap((x) => ofType(x.decisions, 'remind-vendor').map((d) => ({ n: d.n, at: sim.history.find((h) => h.decisions.includes(d))!.at })));
    expect(reminders.map((r) => r.n)).toEqual([2]);
    expect(jstDate(reminders[0]!.at)).toBe(jstDate(new Date(r1.getTime() + 7 * 86_400_000)));
  });

  it('several vendors: first notice, notice again, and the ones not written to are named in a record', () => {
    const c = newCase({ shareIdentity: true }, [ACME, BETA, { id: 'gamma', name: 'Gamma Ltd', product: null }, { id: 'delta', name: 'Delta', product: null }]);
    const sim = new Sim(c, T0);
    sim.step({ type: 'accept' }); // confirmation only: they stay unnotified
    expect(sim.c.vendors.every((v) => v.coordination === 'unnotified')).toBe(true);
    sim.step({ type: 'mark-unreachable', vendorId: 'delta' });
    sim.clock.advance(1);
    const first = sim.step({ type: 'notify-vendors' });
    expect(ofType(first, 'notify-vendor').map((n) => n.vendorId)).toEqual(['acme', 'beta', 'gamma']);
    expect(ofType(first, 'notify-vendor').every((n) => n.includeReporterIdentity)).toBe(true);
    expect(ofType(first, 'record').at(-1)).toEqual({ type: 'record', event: 'vendors-not-notified', detail: 'not written to: delta is unreachable (mark-reachable first)' });
    sim.clock.advance(1);
    sim.step({ type: 'vendor-reply', vendorId: 'acme', reply: { status: 'affected' } });
    sim.clock.advance(1);
    const again = sim.step({ type: 'notify-vendors' });
    expect(kinds(again)).toEqual([
      'notify-vendor:beta:notify',
      'update-vendor',
      'record:vendor-notified',
      'notify-vendor:gamma:notify',
      'update-vendor',
      'record:vendor-notified',
      'record:vendors-not-notified',
    ]);
    expect(ofType(again, 'record').at(-1)?.detail).toBe('not written to: acme answered, delta is unreachable (mark-reachable first)');
    // The case's clock started when delta was marked (the first attempt) and did not move.
    expect(sim.c.firstContactDate).toBe('2026-01-05');
    expect(sim.c.publication.proposed).toBe('2026-02-19');
  });

  it('X-ADD-VENDOR then X-NOTIFY-VENDORS in one mail (same instant) notifies the new vendor once', () => {
    const sim = new Sim(newCase(), T0);
    sim.step({ type: 'add-vendor', vendor: ACME });
    const d = sim.step({ type: 'notify-vendors' });
    expect(d).toEqual([{ type: 'record', event: 'vendors-not-notified', detail: 'not written to: acme was notified just now' }]);
    expect(sim.all().filter((x) => x.type === 'notify-vendor')).toHaveLength(1);
  });

  it('an agreed date is the one the notification carries', () => {
    const sim = acmeIn('notified');
    sim.step({ type: 'set-date', date: '2026-03-01' });
    sim.clock.advance(1);
    expect(ofType(sim.step({ type: 'notify-vendors' }), 'notify-vendor')[0]?.date).toBe('2026-03-01');
  });

  it('is refused on a case without vendors', () => {
    expectRefused(new Sim(newCase(), T0), { type: 'notify-vendors' }, 'has no vendors: add one with add-vendor');
  });
});

describe('X-MARK-REACHABLE (guideline §3.7; 003 *8)', () => {
  it('in every contact state of the vendor', () => {
    for (const contact of CONTACTS) {
      const sim = acmeIn(contact);
      const v0 = sim.vendor('acme');
      const d = sim.step({ type: 'mark-reachable', vendorId: 'acme' });
      if (contact !== 'unreachable' && contact !== 'unreachable-before-notice') {
        expect(kinds(d), contact).toEqual(['error']);
        expect(ofType(d, 'error')[0]?.message).toMatch(/^acme is not unreachable \(contact state "(unnotified|notified|reminded\(1\)|answered)"\)$/);
        continue;
      }
      const common = [
        'set-state:coordination:acme:answered',
        'set-state:fix:acme:vendor-aware',
        'update-vendor',
        'publish-unreachable-list:remove:acme',
        'update-vendor',
        'notify-coordinators:vendor-reachable',
      ];
      if (contact === 'unreachable') {
        expect(kinds(d)).toEqual([...common, 'record:vendor-reachable']);
        expect(ofType(d, 'record')[0]?.detail).toBe('acme: contact resumed, marked by a coordinator');
      } else {
        // Marked unreachable before any notification went out: it gets it now.
        expect(kinds(d)).toEqual([...common, 'notify-vendor:acme:notify', 'update-vendor', 'record:vendor-reachable']);
        expect(ofType(d, 'notify-vendor')[0]?.date).toBe(sim.c.publication.proposed);
        expect(sim.vendor('acme').lastContactAt).toEqual(sim.clock.now());
      }
      expect(ofType(d, 'notify-coordinators')[0]).toEqual({
        type: 'notify-coordinators',
        template: 'vendor-reachable',
        vendorId: 'acme',
        detail: 'Acme Corp: contact resumed (a coordinator); removed from the unreachable list',
      });
      const v = sim.vendor('acme');
      expect(v).toMatchObject({ coordination: 'answered', fix: 'vendor-aware', unreachableSince: null, vendorNamePublishedAt: null, productNamePublishedAt: null, lastAnswerAt: sim.clock.now() });
      // Its 起算日 stays; no more reminders or list entries come.
      expect(v.firstContactAt).toEqual(v0.firstContactAt);
      expect(sim.runDays(200).flatMap((x) => kinds(x.decisions)).filter((k) => k.startsWith('remind-vendor') || k.startsWith('publish-unreachable-list'))).toEqual([]);
    }
  });

  it('after the product name went on the list, both come off', () => {
    const sim = acmeIn('unreachable');
    sim.runDays(95);
    expect(sim.vendor('acme').productNamePublishedAt).not.toBeNull();
    const d = sim.step({ type: 'mark-reachable', vendorId: 'acme' });
    expect(ofType(d, 'publish-unreachable-list')).toEqual([{ type: 'publish-unreachable-list', change: 'remove', vendorId: 'acme' }]);
    expect(sim.vendor('acme')).toMatchObject({ vendorNamePublishedAt: null, productNamePublishedAt: null });
  });

  it('is the same as an answer from the vendor, save the record and the coordinators\' sentence', () => {
    const a = acmeIn('unreachable');
    const b = acmeIn('unreachable');
    const byCommand = a.step({ type: 'mark-reachable', vendorId: 'acme' });
    const byReply = b.step({ type: 'vendor-reply', vendorId: 'acme', reply: {} });
    const strip = (ds: ProductDecision[]): string[] => kinds(ds).filter((k) => !k.startsWith('record:'));
    expect(strip(byCommand)).toEqual(strip(byReply));
    expect(a.c).toEqual(b.c);
  });

  it('is refused for a vendor not on the case', () => {
    expectRefused(acmeIn('unreachable'), { type: 'mark-reachable', vendorId: 'beta' }, 'has no vendor "beta"');
  });
});

describe('X-DIRECT-CONTACT (guideline §3.10): only with both consents, once per vendor', () => {
  const consents = [
    [true, true],
    [true, false],
    [false, true],
    [false, false],
  ] as const;
  for (const contact of CONTACTS) {
    for (const [reporter, vendor] of consents) {
      it(`${contact} vendor, reporter ${reporter ? 'consents' : 'does not'}, vendor ${vendor ? 'consents' : 'does not'}`, () => {
        const sim = acmeIn(contact, { directContact: reporter });
        const cmd: CoordinatorCommand = { type: 'direct-contact', vendorId: 'acme', vendorConsents: vendor };
        if (contact === 'unnotified') return expectRefused(sim, cmd, 'acme has not been notified yet');
        if (!reporter && !vendor) return expectRefused(sim, cmd, 'neither the reporter nor acme consented to direct contact');
        if (!reporter) return expectRefused(sim, cmd, 'the reporter has not consented to direct contact with the vendor');
        if (!vendor) return expectRefused(sim, cmd, 'acme has not consented to direct contact with the reporter (vendor registry: accepts_direct is off)');
        const before = sim.c;
        const d = sim.step(cmd);
        expect(d).toEqual([
          { type: 'update-vendor', vendorId: 'acme', patch: { introducedAt: sim.clock.now() } },
          { type: 'introduce', vendorId: 'acme' },
          { type: 'record', event: 'direct-contact', detail: 'acme: the reporter and the vendor are introduced to each other (both consented)' },
        ]);
        // Nothing else of the case changes; the desk stays the channel for the schedule.
        expect(sim.c).toEqual(applyDecisions(before, [{ type: 'update-vendor', vendorId: 'acme', patch: { introducedAt: sim.clock.now() } }]));
        sim.clock.advance(1);
        expectRefused(sim, cmd, 'acme and the reporter were already introduced');
      });
    }
  }

  it('introduces each vendor once, independently', () => {
    const sim = acmeIn('notified', { directContact: true });
    sim.step({ type: 'add-vendor', vendor: BETA });
    expect(ofType(sim.step({ type: 'direct-contact', vendorId: 'acme', vendorConsents: true }), 'introduce')).toEqual([{ type: 'introduce', vendorId: 'acme' }]);
    expect(ofType(sim.step({ type: 'direct-contact', vendorId: 'beta', vendorConsents: true }), 'introduce')).toEqual([{ type: 'introduce', vendorId: 'beta' }]);
    expect(kinds(sim.step({ type: 'direct-contact', vendorId: 'beta', vendorConsents: true }))).toEqual(['error']);
  });

  it('is refused for a vendor not on the case', () => {
    expectRefused(acmeIn('notified', { directContact: true }), { type: 'direct-contact', vendorId: 'beta', vendorConsents: true }, 'has no vendor "beta"');
  });

  it('a snapshot stored before introducedAt existed revives without it and counts as not introduced', () => {
    const sim = acmeIn('notified', { directContact: true });
    const old = JSON.parse(serializeSnapshot(sim.c)) as { vendors: Record<string, unknown>[] };
    for (const v of old.vendors) delete v.introducedAt;
    const revived = reviveSnapshot(JSON.stringify(old));
    expect(revived.vendors[0]?.introducedAt).toBeUndefined();
    const d = decideProduct(revived, { type: 'direct-contact', vendorId: 'acme', vendorConsents: true }, sim.clock.now());
    expect(kinds(d)).toEqual(['update-vendor', 'introduce', 'record:direct-contact']);
    // And the new field goes through the store as a Date.
    const after = reviveSnapshot(serializeSnapshot(applyDecisions(revived, d)));
    expect(after.vendors[0]?.introducedAt).toEqual(sim.clock.now());
    const again = decideProduct(after, { type: 'direct-contact', vendorId: 'acme', vendorConsents: true }, sim.clock.now());
    expect(kinds(again)).toEqual(['error']);
  });
});

describe('X-RELAY (guideline §3.10): the desk relays between the reporter and a vendor', () => {
  const toAcme = (text = 'please confirm the version you tested'): CoordinatorCommand => ({ type: 'relay', vendorId: 'acme', text });
  const toReporter = (text = 'the vendor asks which version you tested'): CoordinatorCommand => ({ type: 'relay', vendorId: null, text });

  /** Allowed: exactly the relay and its record; the case itself does not change. */
  function expectRelayed(sim: Sim, cmd: Extract<CoordinatorCommand, { type: 'relay' }>): void {
    const before = sim.c;
    const d = sim.step(cmd);
    expect(d).toEqual([
      { type: 'relay', vendorId: cmd.vendorId, text: cmd.text },
      { type: 'record', event: 'relayed', detail: `relayed ${String([...cmd.text].length)} characters to ${cmd.vendorId ?? 'the reporter'}` },
    ]);
    expect(sim.c).toEqual(before);
  }

  for (const state of [...RM_STATES, 'published'] as const) {
    for (const target of ['acme', 'reporter'] as const) {
      it(`to ${target} on a ${state} case`, () => {
        const sim = caseIn(state);
        const cmd = target === 'acme' ? toAcme() : toReporter();
        if (state === 'accepted' || state === 'published') return expectRelayed(sim, cmd as Extract<CoordinatorCommand, { type: 'relay' }>);
        expectRefused(sim, cmd, `is not accepted (report state "${state}")`);
      });
    }
  }

  for (const contact of CONTACTS) {
    it(`to a ${contact} vendor`, () => {
      const sim = acmeIn(contact);
      if (contact === 'unnotified') return expectRefused(sim, toAcme(), 'acme has not been notified yet: messages are relayed after its notification');
      if (contact === 'unreachable-before-notice') return expectRefused(sim, toAcme(), 'acme has not been notified yet (marked unreachable before its notification)');
      expectRelayed(sim, toAcme() as Extract<CoordinatorCommand, { type: 'relay' }>);
    });
  }

  it('to the reporter whatever the vendors\' contact states, and on a case without vendors', () => {
    expectRelayed(acmeIn('unnotified'), toReporter() as Extract<CoordinatorCommand, { type: 'relay' }>);
    expectRelayed(new Sim(newCase(), T0), toReporter() as Extract<CoordinatorCommand, { type: 'relay' }>);
  });

  it('is refused for a vendor not on the case (also a removed one)', () => {
    expectRefused(acmeIn('notified'), { type: 'relay', vendorId: 'beta', text: 'x' }, 'has no vendor "beta"');
    const sim = acmeIn('notified');
    sim.step({ type: 'remove-vendor', vendorId: 'acme' });
    expectRefused(sim, toAcme(), 'has no vendor "acme"');
  });

  it('is refused with an empty text', () => {
    for (const text of ['', '  ', '\n\t']) {
      expectRefused(acmeIn('notified'), toAcme(text), 'an empty message to relay');
      expectRefused(acmeIn('notified'), toReporter(text), 'an empty message to relay');
    }
  });

  it('keeps the text as given and counts characters, not bytes', () => {
    const text = '修正版の番号をご確認ください。\nversion 3.2.1';
    const d = acmeIn('answered').step(toAcme(text));
    expect(ofType(d, 'relay')).toEqual([{ type: 'relay', vendorId: 'acme', text }]);
    expect(ofType(d, 'record')).toEqual([{ type: 'record', event: 'relayed', detail: `relayed ${String(text.length)} characters to acme` }]);
    expect(ofType(acmeIn('answered').step(toReporter('🙂 ok')), 'record')[0]?.detail).toBe('relayed 4 characters to the reporter');
  });

  it('does not count as a notice or reminder: the reminder rhythm is unchanged', () => {
    const sim = acmeIn('notified');
    const v = sim.vendor('acme');
    sim.step(toAcme());
    expect(sim.vendor('acme')).toEqual(v);
    const reminded = sim.runDays(7).flatMap((x) => kinds(x.decisions));
    expect(reminded).toContain('remind-vendor:acme:1');
  });

  describe('identity (guideline §2): fail closed', () => {
    // newCase: the reporter is 山田 太郎 and has not consented to share their identity.
    const named = [
      '山田 太郎さんからの質問です',
      '山田太郎さんからの質問です',
      '山田　太郎（発見者）',
      '山 田 太 郎',
      '質問：ＹＡＭＡＤＡ？ いいえ、山田\n太郎です',
    ];
    for (const text of named) {
      it(`a text naming the reporter is refused: ${JSON.stringify(text)}`, () => {
        const sim = acmeIn('answered');
        expectRefused(sim, toAcme(text), 'the text names the reporter, who has not consented to share their identity');
        // The refusal (it goes on the timeline) does not repeat the name.
        const d = decideProduct(sim.c, toAcme(text), sim.clock.now());
        expect(JSON.stringify(d)).not.toContain('山田');
      });
    }

    it('full-width, spaced, upper-case and reversed romanisations', () => {
      const sim = new Sim(newProductCase({ id: 'VR-2026-0001', reporter: { name: 'Taro Yamada', consent: { shareIdentity: false, directContact: false, credit: false } } }), T0);
      sim.step({ type: 'add-vendor', vendor: ACME });
      for (const text of ['from taro yamada', 'FROM TAROYAMADA', 'ｔａｒｏ　ｙａｍａｄａ', 'Yamada Taro asks', 'yamada\ntaro']) {
        expectRefused(sim, toAcme(text), 'names the reporter');
      }
      // A part of the name alone is not the name.
      expectRelayed(sim, toAcme('Mr Yamada asks') as Extract<CoordinatorCommand, { type: 'relay' }>);
    });

    it('allowed when the reporter consented to share their identity', () => {
      expectRelayed(acmeIn('answered', { shareIdentity: true }), toAcme('山田 太郎さんからの質問です') as Extract<CoordinatorCommand, { type: 'relay' }>);
    });

    it('the guard is about texts to vendors: to the reporter the name may appear', () => {
      expectRelayed(acmeIn('answered'), toReporter('山田 太郎 様') as Extract<CoordinatorCommand, { type: 'relay' }>);
    });

    it('no guard when the reporter gave no name', () => {
      for (const name of ['', '   ', '\u3000']) {
        const sim = new Sim(newProductCase({ id: 'VR-2026-0001', reporter: { name, consent: { shareIdentity: false, directContact: false, credit: false } } }), T0);
        sim.step({ type: 'add-vendor', vendor: ACME });
        expectRelayed(sim, toAcme('anything at all') as Extract<CoordinatorCommand, { type: 'relay' }>);
      }
    });

    it('namesReporter', () => {
      expect(namesReporter('from 山田太郎', '山田 太郎')).toBe(true);
      expect(namesReporter('from ＹＡＭＡＤＡ　ＴＡＲＯ', 'yamada taro')).toBe(true);
      expect(namesReporter('from 太郎', '山田 太郎')).toBe(false);
      expect(namesReporter('anything', '')).toBe(false);
      expect(namesReporter('', '山田 太郎')).toBe(false);
    });
  });
});
