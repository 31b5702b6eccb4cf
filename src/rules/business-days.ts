// The desk's business-day calendar (issue 11, the coordinators' digest): Saturdays,
// Sundays and Japanese national holidays are not business days. The holiday list is
// injected (src/adapters/holiday-jp.ts in production) so these rules stay pure and a test
// can name its own holidays.
//
// Everything here is in JST, which has no daylight saving time (src/domain/clock.ts): a
// day is 24 hours and 09:00 JST is always 00:00 UTC. Only the desk's own timing uses this
// calendar (the digest, and mail to people that falls due on a closed day); the
// guideline's periods (45 days, 3 months, 1 year; §3.5, §8) stay calendar days.
import { addCalendarDays, jstDate, jstStartOfDay, type IsoDate } from '../domain/clock.ts';

/** Whether a JST calendar date is a holiday (weekends are the calendar's own business). */
export type HolidayPredicate = (date: IsoDate) => boolean;

/** `HH:MM`, 24-hour, JST. */
export const TIME_OF_DAY_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;

export const DEFAULT_DIGEST_TIME = '09:00';

/**
 * The longest run of closed days the calendar looks through. Japan's longest is about a
 * week (Golden Week); a predicate that closes a whole year is broken, and the calendar
 * refuses it rather than loop (fail closed: the caller's job fails and is seen).
 */
const MAX_CLOSED_RUN = 366;

/** Minutes after 00:00 of `HH:MM`; throws on anything else. */
export function minutesOfDay(time: string): number {
  const m = TIME_OF_DAY_RE.exec(time);
  if (!m) throw new RangeError(`not a HH:MM time of day: ${JSON.stringify(time)}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** The instant `date` at `time` JST. */
export function jstAt(date: IsoDate, time: string): Date {
  return new Date(jstStartOfDay(date).getTime() + minutesOfDay(time) * 60_000);
}

/** Day of the week of a calendar date: 0 Sunday … 6 Saturday. */
export function weekday(date: IsoDate): number {
  // jstStartOfDay(date) + 9 h is 00:00 UTC of the same calendar date.
  return new Date(jstStartOfDay(date).getTime() + 9 * 3_600_000).getUTCDay();
}

export interface BusinessCalendar {
  isBusinessDay(date: IsoDate): boolean;
  /** The first business day on or after `date`. */
  onOrAfter(date: IsoDate): IsoDate;
  /** The first business day strictly after `date`. */
  after(date: IsoDate): IsoDate;
  /** The last business day on or before `date`. */
  onOrBefore(date: IsoDate): IsoDate;
  /**
   * The next digest: the first business day's `time` JST strictly after `now`, as an
   * instant. At exactly 09:00 of a business day that digest is due now, so the next one is
   * the following business day's (a scheduler that fires at 09:00 and asks again does not
   * schedule the same slot twice).
   */
  nextDigestAt(now: Date, time?: string): Date;
  /**
   * The business day whose digest is due at `now`: the latest business day whose `time`
   * JST is at or before `now`. A desk that was down starts and sends this one (the facts
   * since the last digest cover the days it missed: one digest, not one per missed day).
   */
  dueDigestDay(now: Date, time?: string): IsoDate;
  /**
   * When timed mail to people due at `due` goes out: unchanged on a business day; on a
   * closed day, the next business day at `time` JST (issue 11: due on a holiday → the next
   * business day at the configured hour).
   */
  deferToBusinessDay(due: Date, time?: string): Date;
}

export function businessCalendar(isHoliday: HolidayPredicate): BusinessCalendar {
  const isBusinessDay = (date: IsoDate): boolean => {
    const w = weekday(date);
    return w !== 0 && w !== 6 && !isHoliday(date);
  };
  const walk = (date: IsoDate, step: 1 | -1): IsoDate => {
    let d = date;
    for (let i = 0; i <= MAX_CLOSED_RUN; i++) {
      if (isBusinessDay(d)) return d;
      d = addCalendarDays(d, step);
    }
    throw new RangeError(`no business day within ${MAX_CLOSED_RUN} days of ${date}: the holiday calendar is broken`);
  };
  const onOrAfter = (date: IsoDate): IsoDate => walk(date, 1);
  const onOrBefore = (date: IsoDate): IsoDate => walk(date, -1);
  const after = (date: IsoDate): IsoDate => walk(addCalendarDays(date, 1), 1);
  return {
    isBusinessDay,
    onOrAfter,
    after,
    onOrBefore,
    nextDigestAt(now, time = DEFAULT_DIGEST_TIME) {
      const today = jstDate(now);
      const first = onOrAfter(today);
      const slot = jstAt(first, time);
      return slot.getTime() > now.getTime() ? slot : jstAt(after(first), time);
    },
    dueDigestDay(now, time = DEFAULT_DIGEST_TIME) {
      const today = jstDate(now);
      const last = onOrBefore(today);
      return jstAt(last, time).getTime() <= now.getTime() ? last : onOrBefore(addCalendarDays(last, -1));
    },
    deferToBusinessDay(due, time = DEFAULT_DIGEST_TIME) {
      const day = jstDate(due);
      return isBusinessDay(day) ? due : jstAt(onOrAfter(day), time);
    },
  };
}

/**
 * How the rules learn the business-day calendar for timed mail to people (docs/decisions.md
 * "Timed mail waits for a business day"): the instant mail due at `due` may go, i.e.
 * `BusinessCalendar.deferToBusinessDay` with the configured hour bound. Absent: no deferral.
 */
export type MailDeferral = (due: Date) => Date;

/**
 * Whether timed mail to people due at `due` goes out at `now` (issue 11): its due instant
 * deferred to a business day has come, and `now` itself is on a business day (a desk that
 * was down over the due instant does not catch up on a Saturday). Without a deferral: `now`
 * at or after `due`. The guideline's periods are unchanged: only the sending waits.
 */
export function mailGoesNow(now: Date, due: Date, defer?: MailDeferral): boolean {
  if (now.getTime() < due.getTime()) return false;
  if (defer === undefined) return true;
  return now.getTime() >= defer(due).getTime() && defer(now).getTime() === now.getTime();
}
