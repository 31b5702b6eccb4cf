// An instant with its zone, as a partner writes an embargo (issue 12: "its embargo (a date
// and time with zone)"). A partner in New York and the desk in Tokyo are 13 or 14 hours
// apart: a time without a zone could publish a day early, so it is never guessed — it gets
// its own verdict and the partner is asked again.
//
// Accepted (after NFKC, so full-width digits and `：` read):
//   2027-02-10 15:00 -04:00     2027-02-10T15:00Z     2027-02-10T15:00:00+09:00
//   2027/02/10 15:00 UTC        2027-02-10 15:00 JST  2027年2月10日 15時00分 (JST)
//   2027-02-10 15:00 +0900      2027-02-10 15:00 GMT-4 is NOT accepted (POSIX/`Etc/GMT`
//   zones have inverted signs in the wild; write an offset instead)
// Zone words: Z, UTC, GMT (= +00:00) and JST (= +09:00) only. EST, CST, IST and the like
// are ambiguous (CST is three different zones) and are refused as `unknown-zone`.

export type ZonedTimeProblem = 'no-date' | 'no-time' | 'no-zone' | 'unknown-zone' | 'invalid';

export type ZonedTimeResult = { ok: true; at: Date; iso: string } | { ok: false; problem: ZonedTimeProblem };

/** Only the head of a value is read: an embargo line is short. */
const SPAN = 200;

// Each part is a bounded character class; no nested quantifiers.
const DATE_RE = /(?<!\d)(\d{4})\s{0,3}[-/.年]\s{0,3}(\d{1,2})\s{0,3}[-/.月]\s{0,3}(\d{1,2})\s{0,3}日?(?!\d)/u;
const TIME_RE = /^[\sT,]{0,5}(?:at\s{1,3})?(\d{1,2})\s{0,2}[:時]\s{0,2}(\d{2})(?:\s{0,2}[:分]\s{0,2}(\d{2})(?:\.\d{1,9})?)?\s{0,2}(?:分|秒)?/iu;
const OFFSET_RE = /^[\s(（]{0,4}(?:(?:utc|gmt)\s{0,2})?([+\-−])(\d{2}):?(\d{2})?(?![\d:])/iu;
// A zone word glued to a sign or digit (`GMT-4`, `UTC+9`) is refused, not read as GMT.
const WORD_RE = /^[\s(（]{0,4}([a-z]{1,6})([+\-−\d])?/iu;

const ZONE_WORDS: ReadonlyMap<string, number> = new Map([
  ['z', 0],
  ['utc', 0],
  ['gmt', 0],
  ['jst', 9 * 60],
]);

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(m) ? 30 : 31;
}

/** Reads the first date-time-zone of `value`. Never throws. */
export function readZonedTime(value: string): ZonedTimeResult {
  try {
    const v = (typeof value === 'string' ? value : '').slice(0, SPAN).normalize('NFKC');
    const d = DATE_RE.exec(v);
    if (!d) return { ok: false, problem: 'no-date' };
    const y = Number(d[1]);
    const mo = Number(d[2]);
    const day = Number(d[3]);
    if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || day < 1 || day > daysInMonth(y, mo)) return { ok: false, problem: 'invalid' };
    let rest = v.slice(d.index + d[0].length);
    // `2027-02-10T15:00Z`: the T may be glued to the date.
    const t = TIME_RE.exec(rest);
    if (!t) return { ok: false, problem: 'no-time' };
    const h = Number(t[1]);
    const mi = Number(t[2]);
    const s = t[3] === undefined ? 0 : Number(t[3]);
    if (h > 23 || mi > 59 || s > 59) return { ok: false, problem: 'invalid' };
    rest = rest.slice(t[0].length);
    let offsetMin: number | undefined;
    const o = OFFSET_RE.exec(rest);
    if (o) {
      const oh = Number(o[2]);
      const om = o[3] === undefined ? 0 : Number(o[3]);
      if (oh > 14 || om > 59 || oh * 60 + om > 14 * 60) return { ok: false, problem: 'invalid' };
      offsetMin = (o[1] === '+' ? 1 : -1) * (oh * 60 + om);
    } else {
      const w = WORD_RE.exec(rest);
      if (w?.[1] !== undefined) {
        if (w[2] !== undefined) return { ok: false, problem: 'unknown-zone' };
        const known = ZONE_WORDS.get(w[1].toLowerCase());
        if (known === undefined) return { ok: false, problem: 'unknown-zone' };
        offsetMin = known;
      }
    }
    if (offsetMin === undefined) return { ok: false, problem: 'no-zone' };
    const at = new Date(Date.UTC(y, mo - 1, day, h, mi, s) - offsetMin * 60_000);
    return { ok: true, at, iso: at.toISOString() };
  } catch {
    return { ok: false, problem: 'invalid' };
  }
}
