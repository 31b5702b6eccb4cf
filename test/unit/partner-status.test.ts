// issue 12 (guideline §5): which decisions of an event the partner of a partner case hears
// about (src/usecases/partner-status.ts partnerChanges), and the coordinators' date-proposed
// alert left out on a partner case (the partner decides the date).
import { describe, expect, it } from 'vitest';
import type { ProductDecision } from '../../src/rules/product.ts';
import { partnerChanges, withoutPartnerDecided } from '../../src/usecases/partner-status.ts';

const advisory = { date: '2027-02-12', vendors: [], byCommittee: false, credit: null } as unknown as Extract<ProductDecision, { type: 'send-advisory' }>['advisory'];

describe('partnerChanges', () => {
  it('notified, answered, unreachable, a status, fixed versions, an advisory URL: the vendor changed', () => {
    const cases: [ProductDecision, string][] = [
      [{ type: 'set-state', machine: 'coordination', vendorId: 'a', to: 'notified' }, 'a'],
      [{ type: 'set-state', machine: 'coordination', vendorId: 'b', to: 'unreachable' }, 'b'],
      [{ type: 'set-state', machine: 'coordination', vendorId: 'c', to: 'answered' }, 'c'],
      [{ type: 'update-vendor', vendorId: 'd', patch: { status: 'not-affected' } }, 'd'],
      [{ type: 'update-vendor', vendorId: 'e', patch: { fixedVersions: '2.0' } }, 'e'],
      [{ type: 'update-vendor', vendorId: 'f', patch: { advisoryUrl: 'https://f.test/a' } }, 'f'],
    ];
    for (const [d, v] of cases) expect([...partnerChanges([d]).vendors]).toEqual([v]);
  });

  it('a reminder, a workaround alone or a record tell the partner nothing', () => {
    const quiet: ProductDecision[] = [
      { type: 'set-state', machine: 'coordination', vendorId: 'a', to: 'reminded' },
      { type: 'remind-vendor', vendorId: 'a', n: 1, since: new Date() },
      { type: 'update-vendor', vendorId: 'a', patch: { workaround: 'off' } },
      { type: 'record', event: 'x', detail: 'y' },
    ];
    const c = partnerChanges(quiet);
    expect(c.vendors.size + c.requests.size).toBe(0);
    expect(c.published).toBeNull();
  });

  it("a vendor's new date is a request; publication is the publication notice", () => {
    const c = partnerChanges([
      { type: 'notify-coordinators', template: 'date-proposed', vendorId: 'evil', date: '2027-03-01', detail: 'evil proposes 2027-03-01' },
      { type: 'send-advisory', advisory },
    ]);
    expect(c.requests).toEqual(new Map([['evil', '2027-03-01']]));
    expect(c.published).toBe('2027-02-12');
    // A date in the past (date-rejected) is not forwarded.
    expect(partnerChanges([{ type: 'notify-coordinators', template: 'date-rejected', vendorId: 'evil', date: '2020-01-01', detail: 'x' }]).requests.size).toBe(0);
  });

  it('on a partner case the coordinators are not asked to decide the date', () => {
    const ds: ProductDecision[] = [
      { type: 'notify-coordinators', template: 'date-proposed', vendorId: 'evil', date: '2027-03-01', detail: 'x' },
      { type: 'notify-coordinators', template: 'advisory-url', vendorId: 'evil', detail: 'y' },
    ];
    expect(withoutPartnerDecided(ds)).toEqual([ds[1]]);
  });
});
