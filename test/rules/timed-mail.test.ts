// Timed mail to people waits for a business day (issue 11; docs/decisions.md "Timed mail
// waits for a business day"): a reminder to a vendor or a site operator, or the reporter's
// one-year notice, due on a Saturday, Sunday or Japanese public holiday goes on the next
// business day at the configured hour (deferToBusinessDay). Alerts to the coordinators and
// the guideline's own counts (unreachable after 3 reminders, the fix target) do not wait.
import { describe, expect, it } from 'vitest';
import { isJapaneseHoliday } from '../../src/adapters/holiday-jp.ts';
import { businessCalendar, mailGoesNow, type MailDeferral } from '../../src/rules/business-days.ts';
import { ACME, newCase, ofType, Sim } from './product-support.ts';
import { newSite, notices, SHOP, SiteSim } from './website-support.ts';

const cal = businessCalendar(isJapaneseHoliday);
const defer: MailDeferral = (due) => cal.deferToBusinessDay(due, '09:00');
const at = (iso: string): Date => new Date(iso);

describe('mailGoesNow', () => {
  it('on a business day: when due; across 勤労感謝の日 (Mon 2026-11-23): Tuesday 09:00 JST', () => {
    // Due Friday 2026-11-20 10:00 JST: a business day, unchanged.
    expect(mailGoesNow(at('2026-11-20T01:00:00Z'), at('2026-11-20T01:00:00Z'), defer)).toBe(true);
    expect(mailGoesNow(at('2026-11-20T00:59:00Z'), at('2026-11-20T01:00:00Z'), defer)).toBe(false);
    // Due Monday 2026-11-23 10:00 JST, a public holiday: not that day, not Tuesday 08:59, Tuesday 09:00.
    const due = at('2026-11-23T01:00:00Z');
    expect(mailGoesNow(at('2026-11-23T01:00:00Z'), due, defer)).toBe(false);
    expect(mailGoesNow(at('2026-11-23T14:59:00Z'), due, defer)).toBe(false);
    expect(mailGoesNow(at('2026-11-23T23:59:00Z'), due, defer)).toBe(false);
    expect(mailGoesNow(at('2026-11-24T00:00:00Z'), due, defer)).toBe(true);
    // Without a deferral: when due, any day.
    expect(mailGoesNow(at('2026-11-23T01:00:00Z'), due)).toBe(true);
  });

  it('due on a business day but only seen on a weekend (a desk that was down): it waits for Monday 09:00', () => {
    const due = at('2026-12-04T01:00:00Z'); // Friday 10:00 JST
    expect(mailGoesNow(at('2026-12-05T01:00:00Z'), due, defer)).toBe(false); // Saturday
    expect(mailGoesNow(at('2026-12-06T23:00:00Z'), due, defer)).toBe(true); // Monday 08:00 JST: a business day, due long ago
  });

  it('over the New Year: due on 元日 (Friday 2027-01-01) goes on Monday 2027-01-04 09:00 JST', () => {
    const due = at('2027-01-01T01:00:00Z');
    expect(defer(due).toISOString()).toBe('2027-01-04T00:00:00.000Z');
    expect(mailGoesNow(at('2027-01-03T23:59:00Z'), due, defer)).toBe(false);
    expect(mailGoesNow(at('2027-01-04T00:00:00Z'), due, defer)).toBe(true);
  });
});

describe('vendor reminders (product track)', () => {
  it('a reminder due on 勤労感謝の日 goes on Tuesday 09:00 JST; the next one counts from it', () => {
    const sim = new Sim(newCase(), '2026-11-16T01:00:00Z'); // Monday 10:00 JST
    sim.step({ type: 'add-vendor', vendor: ACME });
    sim.clock.set('2026-11-23T01:00:00Z'); // 7 days later, the holiday
    expect(ofType(sim.step({ type: 'tick', deferMail: defer }), 'remind-vendor')).toEqual([]);
    sim.clock.set('2026-11-23T23:59:00Z'); // Tuesday 08:59 JST
    expect(ofType(sim.step({ type: 'tick', deferMail: defer }), 'remind-vendor')).toEqual([]);
    sim.clock.set('2026-11-24T00:00:00Z'); // Tuesday 09:00 JST
    expect(ofType(sim.step({ type: 'tick', deferMail: defer }), 'remind-vendor').map((r) => r.n)).toEqual([1]);
    expect(sim.vendor('acme').lastReminderAt?.toISOString()).toBe('2026-11-24T00:00:00.000Z');
    // The same holiday without a deferral (the rules' default): on the day.
    const plain = new Sim(newCase(), '2026-11-16T01:00:00Z');
    plain.step({ type: 'add-vendor', vendor: ACME });
    plain.clock.set('2026-11-23T01:00:00Z');
    expect(ofType(plain.tick(), 'remind-vendor').map((r) => r.n)).toEqual([1]);
  });

  it('the unreachable step is not mail to the vendor: due on the holiday, it happens on the holiday', () => {
    // Notified Monday 2026-10-26: reminders on Mondays 11-02, 11-09, 11-16; day 28 is 11-23.
    const sim = new Sim(newCase(), '2026-10-26T01:00:00Z');
    sim.step({ type: 'add-vendor', vendor: ACME });
    const days: string[] = [];
    for (let d = 1; d <= 28; d++) {
      sim.clock.advance(1);
      const ds = sim.step({ type: 'tick', deferMail: defer });
      if (ds.length > 0) days.push(`${d}:${ofType(ds, 'remind-vendor').length > 0 ? 'remind' : ''}${ds.some((x) => x.type === 'set-state' && x.machine === 'coordination' && x.to === 'unreachable') ? 'unreachable' : ''}`);
    }
    expect(days).toEqual(['7:remind', '14:remind', '21:remind', '28:unreachable']);
  });

  it("the reporter's one-year notice due on a holiday waits for the next business day", () => {
    const sim = new Sim(newCase(), '2026-11-23T01:00:00Z'); // 起算日 2026-11-23, so the date is 2027-11-23 (勤労感謝の日, a Tuesday)
    sim.step({ type: 'add-vendor', vendor: ACME });
    sim.step({ type: 'vendor-reply', vendorId: 'acme', reply: { status: 'investigating' } });
    sim.clock.set('2027-11-23T03:00:00Z');
    expect(ofType(sim.step({ type: 'tick', deferMail: defer }), 'notify-reporter')).toEqual([]);
    sim.clock.set('2027-11-24T00:00:00Z'); // Wednesday 09:00 JST
    expect(ofType(sim.step({ type: 'tick', deferMail: defer }), 'notify-reporter').map((n) => n.template)).toEqual(['may-withdraw']);
  });
});

describe('operator reminders (website track)', () => {
  function notifiedAt(iso: string): SiteSim {
    const sim = new SiteSim(newSite({}, 'accepted'), iso);
    sim.step({ type: 'confirm-operator', operator: SHOP });
    return sim;
  }

  it('a reminder due on 勤労感謝の日 goes on Tuesday 09:00 JST', () => {
    const sim = notifiedAt('2026-11-16T01:00:00Z');
    sim.clock.set('2026-11-23T01:00:00Z');
    expect(notices(sim.step({ type: 'tick', deferMail: defer }))).toEqual([]);
    sim.clock.set('2026-11-23T23:59:00Z');
    expect(notices(sim.step({ type: 'tick', deferMail: defer }))).toEqual([]);
    sim.clock.set('2026-11-24T00:00:00Z');
    expect(notices(sim.step({ type: 'tick', deferMail: defer }))).toEqual(['operator:operator-remind']);
  });

  it('a key reminder (content-free) due on a Saturday goes on Monday 09:00 JST', () => {
    const sim = new SiteSim(newSite({}, 'accepted'), '2026-11-28T01:00:00Z'); // Saturday: the coordinator worked
    sim.step({ type: 'confirm-operator', operator: { ...SHOP, keyFingerprint: null } });
    sim.clock.set('2026-12-05T01:00:00Z'); // Saturday
    expect(notices(sim.step({ type: 'tick', deferMail: defer }))).toEqual([]);
    sim.clock.set('2026-12-07T00:00:00Z'); // Monday 09:00 JST
    expect(notices(sim.step({ type: 'tick', deferMail: defer }))).toEqual(['operator:operator-key-reminder']);
  });

  it('the silence alert and the fix-target alert go to the coordinators on the day, holiday or not', () => {
    // Notified Monday 2026-10-26: reminders 11-02, 11-09, 11-16; the silence alert is due 11-23 (a holiday).
    const sim = notifiedAt('2026-10-26T01:00:00Z');
    const days: [number, string[]][] = [];
    for (let d = 1; d <= 28; d++) {
      sim.clock.advance(1);
      const n = notices(sim.step({ type: 'tick', deferMail: defer }));
      if (n.length > 0) days.push([d, n]);
    }
    expect(days).toEqual([
      [7, ['operator:operator-remind']],
      [14, ['operator:operator-remind']],
      [21, ['operator:operator-remind']],
      [28, ['coord:coord-operator-silent']],
    ]);
    // The fix target (起算日 2026-10-26 + 90 = 2027-01-24, a Sunday): alerted that Sunday.
    expect(sim.c.fixTarget).toBe('2027-01-24');
    sim.clock.set('2027-01-24T01:00:00Z');
    expect(notices(sim.step({ type: 'tick', deferMail: defer }))).toEqual(['coord:coord-fix-target']);
  });
});
