// The one sanitizer of text shown in the desk's notices (issue 9 §6): whatever comes from
// outside the desk (a product name, a vendor's answer, a detail line) is displayed, never
// obeyed. Control characters (C0 but LF and TAB, DEL, C1), the bidirectional embeddings,
// overrides and isolates (U+202A-202E, U+2066-2069; Unicode TR9 / CVE-2021-42574 "Trojan
// Source") with the implicit marks (U+200E, U+200F, U+061C), and the line/paragraph
// separators (U+2028, U+2029) become a visible escape `<U+XXXX>`, so a reader sees that the
// sender wrote one instead of text reordered or hidden by it. LF is the notices' own line
// end; TAB is plain whitespace that cannot reorder or forge text (pasted code keeps its
// indentation). src/outbound/templates.ts (the one compose path of the notices in
// src/notices/) applies it to every view value in its one render function; the notices'
// views (src/notices/view.ts `safe`) and the command confirmation (src/commands/confirm.ts)
// use it too.

// eslint-disable-next-line no-control-regex -- control characters are what it finds
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

/** The visible escape of one neutralised character. */
export function escapeOf(ch: string): string {
  return `<U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}>`;
}

/** `s` with every unsafe character replaced by its visible escape (idempotent). */
export function neutralise(s: string): string {
  return s.replace(UNSAFE, escapeOf);
}

/** Whether `s` holds a character `neutralise` would replace. */
export function needsNeutralising(s: string): boolean {
  UNSAFE.lastIndex = 0;
  const hit = UNSAFE.test(s);
  UNSAFE.lastIndex = 0;
  return hit;
}

/**
 * A copy of a render view with every string neutralised: plain objects and arrays are
 * walked, other values (numbers, booleans, Dates) kept as they are.
 */
export function neutraliseDeep<T>(v: T): T {
  if (typeof v === 'string') return neutralise(v) as T;
  if (Array.isArray(v)) return v.map((x: unknown) => neutraliseDeep(x)) as T;
  if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = neutraliseDeep(x);
    return out as T;
  }
  return v;
}
