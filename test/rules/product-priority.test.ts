// guideline §3 item 12 in the product rules: X-PRIORITY-CONSENT records the vendor's consent;
// X-PRIORITY-NOTICE is refused with the first condition not met (fix, before publication,
// every fixed vendor's consent, the reporter told, a contact with a usable key) and, when
// allowed, tells the reporter first, then sends, and records both on the snapshot.
import { describe, expect, it } from 'vitest';
import { priorityOf, type ProductDecision, type ProductEvent } from '../../src/rules/product.ts';
import { ACME, BETA, kinds, newCase, Sim } from './product-support.ts';

const T0 = '2026-01-05T01:00:00Z';
const NOTICE: ProductEvent = { type: 'priority-notice', contacts: 2, reporter: 'reachable' };

function fixed(): Sim {
  const sim = new Sim(newCase(), T0);
  sim.step({ type: 'add-vendor', vendor: ACME });
  sim.clock.advance(1);
  sim.step({ type: 'vendor-reply', vendorId: 'acme', reply: { status: 'fixed', fixedVersions: '2.0' } });
  return sim;
}

const refusal = (d: ProductDecision[]): unknown => {
  expect(d).toHaveLength(1);
  const [e] = d;
  if (e?.type !== 'error') throw new Error(`not refused: ${kinds(d).join(' ')}`);
  return e.refusal;
};

describe('X-PRIORITY-NOTICE refusals (guideline §3 item 12)', () => {
  it('no fix yet: no-fix, and nothing changes', () => {
    const sim = new Sim(newCase(), T0);
    sim.step({ type: 'add-vendor', vendor: ACME });
    sim.step({ type: 'priority-consent', vendorId: 'acme' });
    const before = sim.c;
    expect(refusal(sim.step(NOTICE))).toEqual({ code: 'no-fix' });
    expect(sim.c).toBe(before);
  });

  it('a fix without consent: no-vendor-consent naming the vendor', () => {
    expect(refusal(fixed().step(NOTICE))).toEqual({ code: 'no-vendor-consent', vendor: 'acme' });
  });

  it('"fixed" without fixed versions is no fix', () => {
    const sim = new Sim(newCase(), T0);
    sim.step({ type: 'add-vendor', vendor: ACME });
    sim.step({ type: 'vendor-reply', vendorId: 'acme', reply: { status: 'fixed' } });
    sim.step({ type: 'priority-consent', vendorId: 'acme' });
    expect(refusal(sim.step(NOTICE))).toEqual({ code: 'no-fix' });
  });

  it('no usable contact: no-contacts', () => {
    const sim = fixed();
    sim.step({ type: 'priority-consent', vendorId: 'acme' });
    expect(refusal(sim.step({ ...NOTICE, contacts: 0 }))).toEqual({ code: 'no-contacts' });
  });

  it('the reporter cannot be told (no usable key): reporter-not-told', () => {
    const sim = fixed();
    sim.step({ type: 'priority-consent', vendorId: 'acme' });
    expect(refusal(sim.step({ ...NOTICE, reporter: 'no-key' }))).toEqual({ code: 'reporter-not-told' });
  });

  it('after publication: already-published (and consent cannot be recorded either)', () => {
    const sim = fixed();
    sim.step({ type: 'priority-consent', vendorId: 'acme' });
    sim.step({ type: 'set-date', date: '2026-01-07' });
    sim.clock.advance(2);
    expect(kinds(sim.tick())).toContain('send-advisory');
    expect(refusal(sim.step(NOTICE))).toEqual({ code: 'already-published' });
    expect(sim.step({ type: 'priority-consent', vendorId: 'acme' })[0]?.type).toBe('error');
  });

  it('two fixed vendors, one consented: refused, naming the other', () => {
    const sim = fixed();
    sim.step({ type: 'add-vendor', vendor: BETA });
    sim.step({ type: 'vendor-reply', vendorId: 'beta', reply: { status: 'fixed', fixedVersions: '3.1' } });
    sim.step({ type: 'priority-consent', vendorId: 'acme' });
    expect(refusal(sim.step(NOTICE))).toEqual({ code: 'no-vendor-consent', vendor: 'beta' });
  });
});

describe('X-PRIORITY-NOTICE sent', () => {
  it('tells the reporter first, then sends the fixed vendors, and records both', () => {
    const sim = fixed();
    sim.step({ type: 'add-vendor', vendor: BETA }); // not fixed: neither required nor included
    sim.step({ type: 'priority-consent', vendorId: 'acme' });
    const d = sim.step(NOTICE);
    const k = kinds(d);
    expect(k.indexOf('notify-reporter:priority-notice')).toBeGreaterThanOrEqual(0);
    expect(k.indexOf('notify-reporter:priority-notice')).toBeLessThan(k.indexOf('send-priority-notice'));
    expect(d.find((x) => x.type === 'send-priority-notice')).toEqual({ type: 'send-priority-notice', vendors: ['acme'] });
    const p = priorityOf(sim.c);
    expect(p.reporterToldAt).toEqual(sim.clock.now());
    expect(p.sent).toEqual([{ at: sim.clock.now(), vendors: ['acme'] }]);
    // A second notice (a newer fix) does not tell the reporter again.
    sim.clock.advance(1);
    const again = kinds(sim.step(NOTICE));
    expect(again).toContain('send-priority-notice');
    expect(again).not.toContain('notify-reporter:priority-notice');
    expect(priorityOf(sim.c).sent).toHaveLength(2);
  });

  it('a case without a reporter at the desk (partner, self-report) sends without a reporter notice', () => {
    const sim = fixed();
    sim.step({ type: 'priority-consent', vendorId: 'acme' });
    const k = kinds(sim.step({ ...NOTICE, reporter: 'none' }));
    expect(k).toContain('send-priority-notice');
    expect(k).not.toContain('notify-reporter:priority-notice');
  });

  it('the reporter\'s earlier notice not sent (failed, withheld, still queued): the reporter is told again first; sent: not again', () => {
    const sim = fixed();
    sim.step({ type: 'priority-consent', vendorId: 'acme' });
    sim.step(NOTICE);
    sim.clock.advance(1);
    const again = kinds(sim.step({ ...NOTICE, reporterNoticeSent: false }));
    expect(again.indexOf('notify-reporter:priority-notice')).toBeGreaterThanOrEqual(0);
    expect(again.indexOf('notify-reporter:priority-notice')).toBeLessThan(again.indexOf('send-priority-notice'));
    expect(priorityOf(sim.c).reporterToldAt).toEqual(sim.clock.now());
    sim.clock.advance(1);
    expect(kinds(sim.step({ ...NOTICE, reporterNoticeSent: true }))).not.toContain('notify-reporter:priority-notice');
    // Not sent, and the reporter now has no usable key: nobody told, refused (fail closed).
    sim.clock.advance(1);
    expect(refusal(sim.step({ ...NOTICE, reporter: 'no-key', reporterNoticeSent: false }))).toEqual({ code: 'reporter-not-told' });
  });

  it('consent recorded again replaces the older one', () => {
    const sim = fixed();
    sim.step({ type: 'priority-consent', vendorId: 'acme' });
    sim.clock.advance(1);
    sim.step({ type: 'priority-consent', vendorId: 'acme' });
    expect(priorityOf(sim.c).consents).toEqual([{ vendorId: 'acme', at: sim.clock.now() }]);
  });
});
