// The business-day calendar of the digest (issue 11): weekends and Japanese national
// holidays closed, from @holiday-jp/holiday_jp through its adapter; 09:00 JST by default.
import { afterEach, describe, expect, it } from 'vitest';
import { holidayName, HOLIDAY_LIST_LAST_YEAR, isJapaneseHoliday } from '../../src/adapters/holiday-jp.ts';
import { businessCalendar, jstAt, minutesOfDay, weekday } from '../../src/rules/business-days.ts';

const cal = businessCalendar(isJapaneseHoliday);
const iso = (d: Date): string => d.toISOString();

describe('the holiday list (adapter)', () => {
  it('names the national holidays and nothing else', () => {
    expect(isJapaneseHoliday('2027-01-01')).toBe(true);
    // 1/2 and 1/3 are not national holidays (many offices close, the law does not).
    expect(isJapaneseHoliday('2026-01-02')).toBe(false);
    expect(isJapaneseHoliday('2027-01-03')).toBe(false);
    expect(isJapaneseHoliday('2026-12-31')).toBe(false);
    // 国民の休日 between two holidays, and 振替休日.
    expect(isJapaneseHoliday('2026-09-22')).toBe(true);
    expect(isJapaneseHoliday('2026-05-06')).toBe(true);
    expect(holidayName('2026-01-12')).toEqual({ ja: '成人の日', en: 'Coming of Age Day' });
    expect(holidayName('2026-01-13')).toBeNull();
    expect(HOLIDAY_LIST_LAST_YEAR).toBeGreaterThanOrEqual(2030);
  });
});

describe('business days', () => {
  it('weekdays are counted in the calendar date, not the host time zone', () => {
    expect(weekday('2026-12-04')).toBe(5);
    expect(weekday('2026-12-06')).toBe(0);
    expect(cal.isBusinessDay('2026-12-04')).toBe(true);
    expect(cal.isBusinessDay('2026-12-05')).toBe(false);
    expect(cal.isBusinessDay('2026-12-06')).toBe(false);
    expect(cal.isBusinessDay('2026-11-23')).toBe(false); // 勤労感謝の日, a Monday
  });

  it('walks over closed days both ways', () => {
    expect(cal.after('2026-12-04')).toBe('2026-12-07');
    expect(cal.onOrAfter('2026-12-05')).toBe('2026-12-07');
    expect(cal.onOrAfter('2026-12-07')).toBe('2026-12-07');
    expect(cal.onOrBefore('2026-12-06')).toBe('2026-12-04');
    expect(cal.onOrBefore('2026-05-06')).toBe('2026-05-01');
  });

  it('refuses a holiday list that closes every day instead of looping', () => {
    const broken = businessCalendar(() => true);
    expect(() => broken.after('2026-01-01')).toThrow(/holiday calendar is broken/);
    expect(() => broken.nextDigestAt(new Date('2026-01-01T00:00:00Z'))).toThrow(RangeError);
  });
});

describe('nextDigestAt', () => {
  it('a Friday evening: Monday 09:00 JST (00:00 UTC)', () => {
    expect(iso(cal.nextDigestAt(new Date('2026-12-04T09:30:00Z')))).toBe('2026-12-07T00:00:00.000Z'); // Fri 18:30 JST
  });

  it('Thursday before 09:00 is that morning; after it, Friday', () => {
    expect(iso(cal.nextDigestAt(new Date('2026-12-02T23:59:59Z')))).toBe('2026-12-03T00:00:00.000Z'); // Thu 08:59:59 JST
    expect(iso(cal.nextDigestAt(new Date('2026-12-03T00:00:01Z')))).toBe('2026-12-04T00:00:00.000Z');
  });

  it('exactly 09:00 on a business day: that slot is due now, the next is the next business day', () => {
    const nine = new Date('2026-12-07T00:00:00Z'); // Monday 09:00 JST
    expect(iso(cal.nextDigestAt(new Date(nine.getTime() - 1)))).toBe(iso(nine));
    expect(iso(cal.nextDigestAt(nine))).toBe('2026-12-08T00:00:00.000Z');
    expect(cal.dueDigestDay(nine)).toBe('2026-12-07');
    expect(cal.dueDigestDay(new Date(nine.getTime() - 1))).toBe('2026-12-04');
    // Friday 09:00 exactly: due Friday; the next one is Monday's.
    const fri = new Date('2026-12-04T00:00:00Z');
    expect(cal.dueDigestDay(fri)).toBe('2026-12-04');
    expect(iso(cal.nextDigestAt(fri))).toBe(iso(nine));
  });

  it('New Year 2026/27: 12-31 is open, 1/1 is the holiday, and the weekend follows', () => {
    // 2026-12-31 is a Thursday: its 09:00 is a digest; the evening's next is Monday 1/4.
    expect(iso(cal.nextDigestAt(new Date('2026-12-30T23:00:00Z')))).toBe('2026-12-31T00:00:00.000Z');
    expect(iso(cal.nextDigestAt(new Date('2026-12-31T10:00:00Z')))).toBe('2027-01-04T00:00:00.000Z');
    expect(cal.dueDigestDay(new Date('2027-01-03T12:00:00Z'))).toBe('2026-12-31');
  });

  it('New Year 2025/26: 1/2 is a Friday and, not being a national holiday, a business day', () => {
    expect(iso(cal.nextDigestAt(new Date('2025-12-31T10:00:00Z')))).toBe('2026-01-02T00:00:00.000Z');
  });

  it('Golden Week 2026: from Friday 5/1 to Thursday 5/7 (5/3-5/5 and the 振替休日 5/6)', () => {
    expect(iso(cal.nextDigestAt(new Date('2026-05-01T01:00:00Z')))).toBe('2026-05-07T00:00:00.000Z');
    expect(cal.dueDigestDay(new Date('2026-05-06T23:59:00Z'))).toBe('2026-05-01');
    // 4/29 (昭和の日, a Wednesday) in the middle of a week.
    expect(iso(cal.nextDigestAt(new Date('2026-04-28T05:00:00Z')))).toBe('2026-04-30T00:00:00.000Z');
  });

  it('a holiday on Monday: Friday evening goes to Tuesday', () => {
    expect(iso(cal.nextDigestAt(new Date('2026-01-09T09:00:00Z')))).toBe('2026-01-13T00:00:00.000Z'); // 成人の日 1/12
    // Silver Week 2026: 9/21 Mon (敬老の日), 9/22 (国民の休日), 9/23 (秋分の日).
    expect(iso(cal.nextDigestAt(new Date('2026-09-18T09:00:00Z')))).toBe('2026-09-24T00:00:00.000Z');
  });

  it('a configured time: 17:30 JST is 08:30 UTC the same day', () => {
    expect(minutesOfDay('17:30')).toBe(1050);
    expect(iso(cal.nextDigestAt(new Date('2026-12-04T08:00:00Z'), '17:30'))).toBe('2026-12-04T08:30:00.000Z');
    expect(iso(cal.nextDigestAt(new Date('2026-12-04T08:30:00Z'), '17:30'))).toBe('2026-12-07T08:30:00.000Z');
    // 00:00 JST is 15:00 UTC the day before.
    expect(iso(jstAt('2026-12-07', '00:00'))).toBe('2026-12-06T15:00:00.000Z');
    expect(() => minutesOfDay('9:00')).toThrow(RangeError);
    expect(() => minutesOfDay('24:00')).toThrow(RangeError);
  });

  describe('no daylight saving time in JST', () => {
    const tz = process.env.TZ;
    afterEach(() => {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    });
    it('09:00 JST is 00:00 UTC across the US and EU clock changes, whatever the host zone', () => {
      for (const zone of ['UTC', 'America/New_York', 'Europe/London', 'Pacific/Kiritimati']) {
        process.env.TZ = zone;
        // US: 2026-03-08 and 11-01; EU: 03-29 and 10-25 (all Sundays).
        expect(iso(cal.nextDigestAt(new Date('2026-03-06T12:00:00Z')))).toBe('2026-03-09T00:00:00.000Z');
        expect(iso(cal.nextDigestAt(new Date('2026-03-27T12:00:00Z')))).toBe('2026-03-30T00:00:00.000Z');
        expect(iso(cal.nextDigestAt(new Date('2026-10-23T12:00:00Z')))).toBe('2026-10-26T00:00:00.000Z');
        expect(iso(cal.nextDigestAt(new Date('2026-10-30T12:00:00Z')))).toBe('2026-11-02T00:00:00.000Z');
        // 2027-01-01 is a holiday in any host zone (the adapter never formats a Date locally).
        expect(cal.isBusinessDay('2027-01-01')).toBe(false);
      }
    });
  });
});

describe('deferToBusinessDay', () => {
  it('mail due on a business day keeps its time; on a closed day it waits for the next business day at the hour', () => {
    const tue = new Date('2026-12-08T05:17:00Z');
    expect(iso(cal.deferToBusinessDay(tue))).toBe(iso(tue));
    expect(iso(cal.deferToBusinessDay(new Date('2026-12-05T05:17:00Z')))).toBe('2026-12-07T00:00:00.000Z');
    // Due 2026-12-31 23:30 JST (a Thursday, open): unchanged; due on 1/1: Monday 1/4.
    expect(iso(cal.deferToBusinessDay(new Date('2026-12-31T14:30:00Z')))).toBe('2026-12-31T14:30:00.000Z');
    expect(iso(cal.deferToBusinessDay(new Date('2026-12-31T15:30:00Z'), '10:00'))).toBe('2027-01-04T01:00:00.000Z');
  });
});
