// Adapter: @holiday-jp/holiday_jp (https://github.com/holiday-jp/holiday_jp-js), the
// maintained list of Japanese national holidays (国民の祝日, 振替休日 and 国民の休日, as the
// Cabinet Office publishes them). The business-day calendar (src/rules/business-days.ts)
// takes the predicate below injected, so the rules never see the library.
//
// The library is asked with the date *string* only: its Date form formats with the
// machine's local time zone, which on a UTC host would name the wrong day for any instant
// between 00:00 and 09:00 JST.
import holidayJp from '@holiday-jp/holiday_jp';
import type { HolidayPredicate } from '../rules/business-days.ts';
import type { IsoDate } from '../domain/clock.ts';

const HOLIDAYS: ReadonlySet<string> = new Set(Object.keys(holidayJp.holidays));

/** The last year the installed list covers (later years have no holidays in it). */
export const HOLIDAY_LIST_LAST_YEAR: number = Math.max(...[...HOLIDAYS].map((d) => Number(d.slice(0, 4))));

/** Whether a JST calendar date is a Japanese national holiday (weekends are not asked here). */
export const isJapaneseHoliday: HolidayPredicate = (date: IsoDate): boolean => HOLIDAYS.has(date);

/** The holiday's name (ja and en) for a date, or null: for `digest --print` and the docs. */
export function holidayName(date: IsoDate): { ja: string; en: string } | null {
  if (!HOLIDAYS.has(date)) return null;
  const h = (holidayJp.holidays as Record<string, { name: string; name_en: string } | undefined>)[date];
  return h ? { ja: h.name, en: h.name_en } : null;
}
