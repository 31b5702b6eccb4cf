// Time for the rules (guideline §8: every date the desk shows is JST, with UTC beside it).
// The rules never read the system clock: the caller passes `now`, taken from an injectable
// `Clock`, so a test can move time and a scheduler can replay a tick. Japan has no daylight
// saving time, so JST is always UTC+9 and one day is always 24 hours.

/** An injectable clock; production uses `systemClock`, tests a fixed or movable one. */
export type Clock = () => Date;

/** A JST calendar date, `YYYY-MM-DD`. Two IsoDates compare correctly as strings. */
export type IsoDate = string;

export const DAY_MS = 24 * 60 * 60 * 1000;
const JST_OFFSET_MS = 9 * 60 * 60 * 1000;
const ISO_DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export const systemClock: Clock = () => new Date();

/** A clock stopped at one instant. */
export function fixedClock(at: Date | string): Clock {
  const t = toMs(typeof at === 'string' ? new Date(at) : at, 'fixedClock');
  return () => new Date(t);
}

/** A clock a test moves by hand (`advance(days)`, `set(instant)`). */
export interface MovableClock {
  readonly now: Clock;
  advance(days: number): Date;
  advanceMs(ms: number): Date;
  set(at: Date | string): Date;
}

export function movableClock(start: Date | string): MovableClock {
  let t = toMs(typeof start === 'string' ? new Date(start) : start, 'movableClock');
  return {
    now: () => new Date(t),
    advance: (days) => new Date((t += days * DAY_MS)),
    advanceMs: (ms) => new Date((t += ms)),
    set: (at) => new Date((t = toMs(typeof at === 'string' ? new Date(at) : at, 'movableClock.set'))),
  };
}

function toMs(d: Date, what: string): number {
  const t = d.getTime();
  if (!Number.isFinite(t)) throw new RangeError(`${what}: invalid date`);
  return t;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');
const pad4 = (n: number): string => String(n).padStart(4, '0');

function ymd(d: Date): IsoDate {
  return `${pad4(d.getUTCFullYear())}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
}

/** The instant `days` × 24 h later (negative: earlier). */
export function addDays(d: Date, days: number): Date {
  return new Date(toMs(d, 'addDays') + days * DAY_MS);
}

/** The JST calendar date of an instant: 2026-03-31T23:30Z is `2026-04-01` (guideline §8). */
export function jstDate(d: Date): IsoDate {
  return ymd(new Date(toMs(d, 'jstDate') + JST_OFFSET_MS));
}

/** True for an existing calendar date written `YYYY-MM-DD` (2026-02-30 is not one). */
export function isIsoDate(s: unknown): s is IsoDate {
  if (typeof s !== 'string') return false;
  const m = ISO_DATE_RE.exec(s);
  if (!m) return false;
  const [y, mo, da] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const d = new Date(Date.UTC(y, mo - 1, da));
  return d.getUTCFullYear() === y && d.getUTCMonth() === mo - 1 && d.getUTCDate() === da;
}

function parseIsoDate(s: IsoDate, what: string): Date {
  if (!isIsoDate(s)) throw new RangeError(`${what}: not a YYYY-MM-DD date: ${String(s)}`);
  const m = ISO_DATE_RE.exec(s) as RegExpExecArray;
  const d = new Date(0);
  d.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return d;
}

/** A calendar date `days` later (calendar arithmetic, no time of day involved). */
export function addCalendarDays(date: IsoDate, days: number): IsoDate {
  const d = parseIsoDate(date, 'addCalendarDays');
  d.setUTCDate(d.getUTCDate() + days);
  return ymd(d);
}

/**
 * The same calendar date `years` later; a 29 February with no counterpart rolls over to
 * 1 March, so the result is never less than a full year later.
 */
export function addCalendarYears(date: IsoDate, years: number): IsoDate {
  const d = parseIsoDate(date, 'addCalendarYears');
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return ymd(d);
}

/** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return Math.round((parseIsoDate(to, 'daysBetween').getTime() - parseIsoDate(from, 'daysBetween').getTime()) / DAY_MS);
}

/** The instant a JST calendar date begins (00:00 JST = 15:00 UTC the day before). */
export function jstStartOfDay(date: IsoDate): Date {
  return new Date(parseIsoDate(date, 'jstStartOfDay').getTime() - JST_OFFSET_MS);
}

/**
 * An instant as the desk shows every date (guideline §8): `2026-11-22 19:30 JST (10:30 UTC)`.
 * When the UTC calendar date differs it is repeated, `2026-11-23 08:00 JST (2026-11-22 23:00 UTC)`
 * The one formatter: notices, confirmations and the CLI all use it.
 */
export function formatJst(d: Date): string {
  const t = toMs(d, 'formatJst');
  const j = new Date(t + JST_OFFSET_MS);
  const u = new Date(t);
  const jd = ymd(j);
  const ud = ymd(u);
  const time = (x: Date): string => `${pad2(x.getUTCHours())}:${pad2(x.getUTCMinutes())}`;
  return `${jd} ${time(j)} JST (${ud === jd ? '' : `${ud} `}${time(u)} UTC)`;
}

/** An instant in UTC to the minute, `2026-12-19 15:00` (the UTC side of a JST date in notices). */
export function formatUtcMinute(d: Date): string {
  const u = new Date(toMs(d, 'formatUtcMinute'));
  return `${ymd(u)} ${pad2(u.getUTCHours())}:${pad2(u.getUTCMinutes())}`;
}

/** The default publication target in days after 起算日 (guideline §3.5; 003 *9). */
export const DEFAULT_PUBLICATION_DAYS = 45;

/**
 * Publication target: 起算日 (the JST calendar date of the first contact attempt, guideline
 * §3.4; 003 *5) + `days` (default 45, guideline §3.5; 003 *9). Takes the 起算日 as a date or
 * as the instant of the first contact attempt.
 */
export function publicationTarget(start: IsoDate | Date, days: number = DEFAULT_PUBLICATION_DAYS): IsoDate {
  return addCalendarDays(start instanceof Date ? jstDate(start) : start, days);
}
