// A partner's case-id pattern (issue 12, guideline §5): how a partner CSIRT writes its own
// case ids (`VU#123456`, `JVNVU#12345678`, `ICSA-26-045-01`), so the desk can find them in
// signed mail and match a partner's reply to the case.
//
// Why a template and not a regular expression: the pattern is registry input, and a
// coordinator-typed regex run over hostile mail is a ReDoS waiting to happen (`(a+)+$`).
// A template is literal text plus digit runs of bounded length, so the compiled expression
// is a fixed sequence of literals and `\d{n,m}` with no alternation or nesting: each match
// attempt is bounded by the template's length, and a scan is linear in the text.
//
// Grammar (docs/partners.md):
//   template := part+ ; at most 40 characters, at least one literal and one digit run
//   literal  := [A-Za-z0-9#_.:/-]   (matched case-insensitively, after NFKC)
//   digits   := '{' N '}' | '{' N '-' M '}'   1 ≤ N ≤ M ≤ 12, at most 4 runs
// The template must start with a literal: an id that starts with a digit run would match
// any number in the text.

export interface RefPattern {
  /** The template as registered (`VU#{6}`). */
  template: string;
  /** Literal text and digit runs, in order. */
  parts: readonly ({ literal: string } | { min: number; max: number })[];
}

export type RefPatternResult = { ok: true; pattern: RefPattern } | { ok: false; error: string };

const MAX_TEMPLATE = 40;
const MAX_RUNS = 4;
const MAX_DIGITS = 12;
const LITERAL_RE = /^[A-Za-z0-9#_.:/-]+$/;
const RUN_RE = /^\{(\d{1,2})(?:-(\d{1,2}))?\}$/;

/** Parses a template; an error says what is wrong in words for the coordinator. */
export function parseRefPattern(template: unknown): RefPatternResult {
  if (typeof template !== 'string' || template.trim() === '') return { ok: false, error: 'the case-id pattern is empty' };
  const t = template.trim();
  if (t.length > MAX_TEMPLATE) return { ok: false, error: `the case-id pattern is longer than ${MAX_TEMPLATE} characters` };
  const parts: RefPattern['parts'][number][] = [];
  let i = 0;
  let runs = 0;
  while (i < t.length) {
    if (t.charAt(i) === '{') {
      const close = t.indexOf('}', i);
      const m = close < 0 ? null : RUN_RE.exec(t.slice(i, close + 1));
      if (!m) return { ok: false, error: `bad digit run at position ${i + 1}: write {N} or {N-M} (1 ≤ N ≤ M ≤ ${MAX_DIGITS})` };
      const min = Number(m[1]);
      const max = m[2] === undefined ? min : Number(m[2]);
      if (min < 1 || max < min || max > MAX_DIGITS) {
        return { ok: false, error: `bad digit run ${m[0]}: need 1 ≤ N ≤ M ≤ ${MAX_DIGITS}` };
      }
      const prev = parts[parts.length - 1];
      if (prev && 'min' in prev) return { ok: false, error: 'two digit runs must be separated by literal text' };
      if (++runs > MAX_RUNS) return { ok: false, error: `at most ${MAX_RUNS} digit runs` };
      parts.push({ min, max });
      i = close + 1;
      continue;
    }
    let j = i;
    while (j < t.length && t.charAt(j) !== '{') j++;
    const lit = t.slice(i, j);
    if (!LITERAL_RE.test(lit)) {
      return { ok: false, error: 'literal text may hold only letters, digits and # _ . : / - (no spaces, no regular-expression syntax)' };
    }
    parts.push({ literal: lit });
    i = j;
  }
  if (!parts[0] || !('literal' in parts[0])) return { ok: false, error: 'the pattern must start with literal text (e.g. VU#{6})' };
  if (runs === 0) return { ok: false, error: 'the pattern needs at least one digit run, e.g. {6}' };
  const pattern: RefPattern = { template: t, parts };
  try {
    refPatternRegExp(pattern);
  } catch {
    return { ok: false, error: 'the case-id pattern cannot be compiled' };
  }
  return { ok: true, pattern };
}

// Literals hold only [A-Za-z0-9#_.:/-] (parseRefPattern); of these only `.` means
// something outside a class. (`\-` would even be a SyntaxError under the `u` flag.)
function escapeRegExp(s: string): string {
  return s.replace(/\./gu, '\\.');
}

/**
 * The expression that finds ids of `p` in NFKC-folded text: the id must stand alone (no
 * letter, digit or `#` glued to either end), so `VU#1234567` does not yield `VU#123456`.
 * Digit runs are captured, literals are not (the result is written with the template's
 * literals, so `vu#123456` reads as `VU#123456`).
 */
export function refPatternRegExp(p: RefPattern): RegExp {
  const body = p.parts.map((x) => ('literal' in x ? escapeRegExp(x.literal) : `(\\d{${x.min},${x.max}})`)).join('');
  return new RegExp(`(?<![0-9A-Za-z#])${body}(?![0-9A-Za-z])`, 'giu');
}

/** The canonical id for the captured digit runs (literals as registered). */
export function formatRef(p: RefPattern, digitRuns: readonly string[]): string {
  let k = 0;
  return p.parts.map((x) => ('literal' in x ? x.literal : (digitRuns[k++] ?? ''))).join('');
}

/** An example id of the pattern (the shortest digit runs, all 1s), for docs and `partners show`. */
export function exampleRef(p: RefPattern): string {
  return formatRef(
    p,
    p.parts.filter((x) => 'min' in x).map((x) => '1'.repeat(x.min)),
  );
}
