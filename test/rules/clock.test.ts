import { describe, expect, it } from 'vitest';
import {
  addCalendarDays,
  addCalendarYears,
  addDays,
  daysBetween,
  fixedClock,
  formatJst,
  isIsoDate,
  jstDate,
  jstStartOfDay,
  movableClock,
  publicationTarget,
} from '../../src/domain/clock.ts';

describe('JST calendar dates (guideline §8)', () => {
  it('23:30 UTC is already the next JST day', () => {
    expect(jstDate(new Date('2026-03-31T23:30:00Z'))).toBe('2026-04-01');
  });
  it('14:59:59 UTC is still the same JST day; 15:00 UTC starts the next', () => {
    expect(jstDate(new Date('2026-05-10T14:59:59.999Z'))).toBe('2026-05-10');
    expect(jstDate(new Date('2026-05-10T15:00:00Z'))).toBe('2026-05-11');
  });
  it('crosses the year in JST before UTC does', () => {
    expect(jstDate(new Date('2026-12-31T15:00:00Z'))).toBe('2027-01-01');
  });
  it('the JST day starts at 15:00 UTC the day before', () => {
    expect(jstStartOfDay('2026-04-01').toISOString()).toBe('2026-03-31T15:00:00.000Z');
    expect(jstDate(jstStartOfDay('2026-04-01'))).toBe('2026-04-01');
  });
  it('throws on an invalid instant', () => {
    expect(() => jstDate(new Date('nope'))).toThrow(RangeError);
  });
});

describe('date arithmetic', () => {
  it('adds whole days to instants', () => {
    expect(addDays(new Date('2026-01-01T00:00:00Z'), 7).toISOString()).toBe('2026-01-08T00:00:00.000Z');
    expect(addDays(new Date('2026-01-01T00:00:00Z'), -1).toISOString()).toBe('2025-12-31T00:00:00.000Z');
  });
  it('adds calendar days across month and leap-year ends', () => {
    expect(addCalendarDays('2026-01-31', 1)).toBe('2026-02-01');
    expect(addCalendarDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addCalendarDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addCalendarDays('2026-03-01', -1)).toBe('2026-02-28');
  });
  it('adds calendar years; 29 February rolls to 1 March', () => {
    expect(addCalendarYears('2026-05-10', 1)).toBe('2027-05-10');
    expect(addCalendarYears('2028-02-29', 1)).toBe('2029-03-01');
  });
  it('counts days between dates', () => {
    expect(daysBetween('2026-01-01', '2026-02-15')).toBe(45);
    expect(daysBetween('2026-02-15', '2026-01-01')).toBe(-45);
  });
  it('validates YYYY-MM-DD dates', () => {
    expect(isIsoDate('2026-02-28')).toBe(true);
    expect(isIsoDate('2026-02-30')).toBe(false);
    expect(isIsoDate('2026/02/28')).toBe(false);
    expect(isIsoDate(20260228)).toBe(false);
    expect(() => addCalendarDays('2026-13-01', 1)).toThrow(RangeError);
  });
});

describe('publication target (guideline §3.5; 003 *9)', () => {
  it('is 起算日 + 45 days by default', () => {
    expect(publicationTarget('2026-01-01')).toBe('2026-02-15');
  });
  it('takes the JST date of the first contact instant as 起算日', () => {
    // 2026-03-31 23:30 UTC is 2026-04-01 JST: target 2026-05-16, not 2026-05-15.
    expect(publicationTarget(new Date('2026-03-31T23:30:00Z'))).toBe('2026-05-16');
  });
  it('is configurable', () => {
    expect(publicationTarget('2026-01-01', 90)).toBe('2026-04-01');
  });
});

describe('formatJst (guideline §8: JST with UTC beside it)', () => {
  it('shows JST then UTC', () => {
    expect(formatJst(new Date('2026-11-22T10:30:00Z'))).toBe('2026-11-22 19:30 JST (10:30 UTC)');
  });
  it('repeats the UTC date when it differs', () => {
    expect(formatJst(new Date('2026-11-22T23:00:00Z'))).toBe('2026-11-23 08:00 JST (2026-11-22 23:00 UTC)');
  });
});

describe('clocks', () => {
  it('a fixed clock returns the same instant, in a fresh Date each time', () => {
    const c = fixedClock('2026-01-01T00:00:00Z');
    const a = c();
    a.setUTCFullYear(1999);
    expect(c().toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });
  it('a movable clock moves by days and can be set', () => {
    const c = movableClock('2026-01-01T00:00:00Z');
    c.advance(7);
    expect(c.now().toISOString()).toBe('2026-01-08T00:00:00.000Z');
    c.advanceMs(60_000);
    expect(c.now().toISOString()).toBe('2026-01-08T00:01:00.000Z');
    c.set('2027-01-01T00:00:00Z');
    expect(jstDate(c.now())).toBe('2027-01-01');
  });
  it('refuses an invalid start', () => {
    expect(() => movableClock('not a date')).toThrow(RangeError);
  });
});
