// The line grammar shared by the report form (mail-protocol.md §2) and the vendor reply
// form (§4): "A field starts on a line with its label, optionally preceded by numbering
// (`1.`, `1)`, `(1)`, `（１）`, `①`) and optionally wrapped in `【】` or `[]`, followed by
// `:` or `：`. Its value is the rest of that line plus every following line up to the
// next label line."
//
// Mail is hostile input (§1), so everything here is a single left-to-right pass over
// the lines, every regular expression is anchored (sticky) or applied to a bounded
// slice, and nothing throws.
//
// Which lines are label lines (the rule the user-facing doc should state):
//  1. A line whose label is a KNOWN label of the form (after normLabel) is a label line,
//     whatever its numbering; unbracketed it needs the colon, `【氏名】山田` and
//     `[Name] Taro` do not.
//  2. A line with an UNKNOWN label is a label line only when it really looks like a form
//     line, so that prose inside a multi-line value ("Note: it crashes", "2. Open
//     /admin: the page loads") does not cut the value short:
//       - the label is at most 30 characters, contains a letter and no sentence
//         punctuation (。、.,!?;"「」<>=/\), and
//       - it is wrapped in `【】` (colon optional) or in `[]` followed by a colon, or
//       - it is numbered in the same style as the previous numbered label line and its
//         number follows that line's number (n+1 … n+3: a reporter may delete fields of
//         the desk's form he has nothing to say about), or it is numbered and comes
//         before any field at all (nothing to cut short there).
//     Numbered steps inside a reproduction restart at 1, so they do not continue the
//     form's sequence; this is why the sequence rule, not mere numbering, is used.
//  3. Quoted lines (`> ...`) are never label lines: they are what someone else wrote
//     (a vendor quoting the desk's notice must not look like a report). They stay in the
//     current value as text, since `> curl ...` may be a reproduction step.
//  4. A signature separator line (`-- `, RFC 3676, also without the space, with other
//     trailing spaces or full-width: `－－` and an ideographic space) ends the current value; the lines after it
//     belong to no field until the next label line. So does a decorative rule (ten or more
//     of `-_=~*━─―`) followed by a short block to the end of the mail with no label line:
//     the signature Japanese mail clients put there. A signature is never joined into the
//     last field, where it would carry the reporter's name, organisation and telephone
//     number to the vendors (issue 9 §5).
//  5. Lines before the first label line (greetings) belong to no field.
//  At most MAX_UNKNOWN unknown labels are recognised per message; beyond that the lines
//  stay in the current value, which bounds the size of `extra` on junk input.

import { normLabel } from './labels.ts';

export type NumberingStyle = 'dot' | 'paren' | 'enclosed' | 'circled';

export interface Numbering {
  style: NumberingStyle;
  n: number;
}

/** What a line would be if it were a label line. */
export interface LabelHead {
  /** The label as written, trimmed, without numbering, brackets and colon. */
  label: string;
  /** normLabel(label), for table look-up. */
  norm: string;
  numbering: Numbering | null;
  bracket: 'lenticular' | 'square' | null;
  hadColon: boolean;
  /** The rest of the line: the first line of the value. */
  rest: string;
}

export interface ScannedField<K extends string> {
  /** Canonical key, or null for an unknown label (kept in `extra`). */
  key: K | null;
  label: string;
  /** Trimmed; CRLF normalised to LF; inner line breaks as written; may be empty. */
  value: string;
}

const MAX_UNKNOWN = 100;
/** Longest label (with markers and brackets) we look for; the longest §2 label has 33 characters. */
const MAX_LABEL_SPAN = 80;
const MAX_UNKNOWN_LABEL = 30;

const WS_RE = /\s*/uy;
// (1) （１） | 1. 1． 1、 | 1) 1） | ①…⑳ ㉑…㊿ | ⑴…⒇ | ⒈…⒛
const NUM_RE =
  /(?:[(（]([0-9０-９]{1,3})[)）]|([0-9０-９]{1,3})([.．、)）])|([\u2460-\u2473\u3251-\u325F\u32B1-\u32BF])|([\u2474-\u2487])|([\u2488-\u249B]))/uy;
const SENTENCE_PUNCT_RE = /[。、.,，!！?？;；"“”「」『』<>＜＞=/\\]/u;
const LETTER_RE = /\p{L}/u;

function skipSpace(line: string, i: number): number {
  WS_RE.lastIndex = i;
  WS_RE.exec(line);
  return WS_RE.lastIndex;
}

function circledValue(cp: number): number {
  if (cp >= 0x2460 && cp <= 0x2473) return cp - 0x2460 + 1;
  if (cp >= 0x3251 && cp <= 0x325f) return cp - 0x3251 + 21;
  return cp - 0x32b1 + 36;
}

function digits(s: string): number {
  return Number.parseInt(s.normalize('NFKC'), 10);
}

function readNumbering(line: string, i: number): { numbering: Numbering; end: number } | null {
  NUM_RE.lastIndex = i;
  const m = NUM_RE.exec(line);
  if (!m) return null;
  const end = NUM_RE.lastIndex;
  if (m[1] !== undefined) return { numbering: { style: 'enclosed', n: digits(m[1]) }, end };
  if (m[2] !== undefined) {
    const style: NumberingStyle = m[3] === ')' || m[3] === '）' ? 'paren' : 'dot';
    return { numbering: { style, n: digits(m[2]) }, end };
  }
  if (m[4] !== undefined) return { numbering: { style: 'circled', n: circledValue(m[4].codePointAt(0) ?? 0) }, end };
  if (m[5] !== undefined) return { numbering: { style: 'enclosed', n: (m[5].codePointAt(0) ?? 0) - 0x2474 + 1 }, end };
  if (m[6] !== undefined) return { numbering: { style: 'dot', n: (m[6].codePointAt(0) ?? 0) - 0x2488 + 1 }, end };
  return null;
}

/** Index of the first of `chars` in line[from, to), or -1. Bounded, so linear per line. */
function indexOfAny(line: string, chars: string, from: number, to: number): number {
  const end = Math.min(line.length, to);
  for (let j = from; j < end; j++) {
    if (chars.includes(line.charAt(j))) return j;
  }
  return -1;
}

/**
 * Reads the head of a line as `[numbering] [【label】|[label]|label] [:|：] rest`.
 * Returns null when the line cannot be a label line at all (no colon, no bracket).
 */
export function parseHead(line: string): LabelHead | null {
  let i = skipSpace(line, 0);
  let numbering: Numbering | null = null;
  const num = readNumbering(line, i);
  if (num) {
    numbering = num.numbering;
    i = skipSpace(line, num.end);
  }
  const open = line.charAt(i);
  let label: string;
  let bracket: LabelHead['bracket'] = null;
  let hadColon = false;
  if (open === '【' || open === '[' || open === '［') {
    const close = open === '【' ? '】' : ']］';
    const j = indexOfAny(line, close + '【[［', i + 1, i + 1 + MAX_LABEL_SPAN);
    if (j < 0 || !close.includes(line.charAt(j))) return null;
    label = line.slice(i + 1, j);
    bracket = open === '【' ? 'lenticular' : 'square';
    i = skipSpace(line, j + 1);
    const c = line.charAt(i);
    if (c === ':' || c === '：') {
      hadColon = true;
      i += 1;
    }
  } else {
    const j = indexOfAny(line, ':：', i, i + MAX_LABEL_SPAN);
    if (j < 0) return null;
    label = line.slice(i, j);
    hadColon = true;
    i = j + 1;
  }
  label = label.trim();
  if (label === '') return null;
  return { label, norm: cachedNormLabel(label), numbering, bracket, hadColon, rest: line.slice(i) };
}

// Real forms repeat a few dozen labels; junk may repeat one label a million times. A
// small bounded cache keeps NFKC off the hot path without growing with the input.
const NORM_CACHE = new Map<string, string>();
const NORM_CACHE_MAX = 512;

function cachedNormLabel(label: string): string {
  let n = NORM_CACHE.get(label);
  if (n === undefined) {
    n = normLabel(label);
    if (NORM_CACHE.size >= NORM_CACHE_MAX) NORM_CACHE.clear();
    NORM_CACHE.set(label, n);
  }
  return n;
}

function looksLikeLabel(head: LabelHead): boolean {
  const l = head.label;
  return (
    [...l].length <= MAX_UNKNOWN_LABEL && LETTER_RE.test(l) && !SENTENCE_PUNCT_RE.test(l.normalize('NFKC'))
  );
}

const QUOTED_RE = /\s*[>＞]/uy;

function isQuoted(line: string): boolean {
  QUOTED_RE.lastIndex = 0;
  return QUOTED_RE.test(line);
}

const SIG_SEPARATOR_RE = /^--[\s\u3000]*$/u;
const RULE_START_RE = /^[ \t\u3000]*[-_=~*\u2500-\u257f\u2010-\u2015\u30fc\uff0d\uff3f\uff1d\u301c\uff5e]/u;
const RULE_RE = /^[-_=~*\u2500-\u257f\u2010-\u2015\u30fc\uff0d\uff3f\uff1d\u301c\uff5e]{10,}$/u;
/** Lines after a decorative rule that can still be a signature block (name, organisation, address, telephone, URL...). */
const MAX_SIGNATURE_LINES = 12;

function isSignatureSeparator(line: string): boolean {
  // Cheap checks first: this runs on every line of hostile input.
  const c = line.charCodeAt(0);
  return (c === 0x2d || c === 0xff0d) && line.length <= 8 && SIG_SEPARATOR_RE.test(line.normalize('NFKC'));
}

/** A decorative rule followed by a short block without label lines up to the end of the text. */
function isSignatureRule<K extends string>(lines: readonly string[], at: number, known: ReadonlyMap<string, K>): boolean {
  const raw = lines[at] ?? '';
  if (raw.length < 10 || raw.length > 200 || !RULE_START_RE.test(raw)) return false;
  const line = raw.trim();
  if (!RULE_RE.test(line)) return false;
  if (lines.length - at - 1 > MAX_SIGNATURE_LINES * 2) return false;
  let nonEmpty = 0;
  for (let j = at + 1; j < lines.length; j++) {
    const l = lines[j] ?? '';
    if (l.trim() === '') continue;
    if (++nonEmpty > MAX_SIGNATURE_LINES) return false;
    const head = isQuoted(l) ? null : parseHead(l);
    if (head && known.has(head.norm)) return false;
  }
  return nonEmpty > 0;
}

/** Splits on CRLF, CR or LF: §1 says line ends can be CRLF or LF, and both must read the same. */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/u);
}

/**
 * One pass over the text: the fields in order of appearance, duplicates included
 * (the caller decides what a repeated label means).
 */
export function scanFields<K extends string>(text: string, known: ReadonlyMap<string, K>): ScannedField<K>[] {
  const fields: ScannedField<K>[] = [];
  let cur: { key: K | null; label: string; lines: string[] } | null = null;
  let lastNum: Numbering | null = null;
  let unknownCount = 0;
  const flush = (): void => {
    if (cur) fields.push({ key: cur.key, label: cur.label, value: cur.lines.join('\n').trim() });
    cur = null;
  };
  const all = splitLines(text);
  for (let li = 0; li < all.length; li++) {
    const line = all[li] ?? '';
    const head = line === '' || isQuoted(line) ? null : parseHead(line);
    let accepted = false;
    let key: K | null = null;
    if (head) {
      const k = known.get(head.norm);
      if (k !== undefined) {
        accepted = true;
        key = k;
      } else if (unknownCount < MAX_UNKNOWN && looksLikeLabel(head)) {
        accepted =
          head.bracket === 'lenticular' ||
          (head.bracket === 'square' && head.hadColon) ||
          (head.numbering !== null && continuesNumbering(head.numbering, lastNum, fields.length === 0 && !cur));
        if (accepted) unknownCount++;
      }
    }
    if (head && accepted) {
      flush();
      cur = { key, label: head.label, lines: [head.rest] };
      if (head.numbering) lastNum = head.numbering;
    } else if (isSignatureSeparator(line) || isSignatureRule(all, li, known)) {
      flush();
    } else if (cur) {
      cur.lines.push(line);
    }
  }
  flush();
  return fields;
}

function continuesNumbering(n: Numbering, last: Numbering | null, beforeAnyField: boolean): boolean {
  if (!last) return beforeAnyField;
  return n.style === last.style && n.n > last.n && n.n <= last.n + 3;
}

/** The canonical keys of `known` that appear on label lines (for formScore). */
export function knownKeysIn<K extends string>(text: string, known: ReadonlyMap<string, K>): Set<K> {
  const seen = new Set<K>();
  for (const f of scanFields(text, known)) if (f.key !== null) seen.add(f.key);
  return seen;
}

/** Adds to an `extra` record without ever touching its prototype (`【__proto__】`). */
export function addExtra(extra: Record<string, string>, label: string, value: string): void {
  if (value === '') return;
  const prev = Object.hasOwn(extra, label) ? extra[label] : undefined;
  Object.defineProperty(extra, label, {
    value: prev === undefined ? value : `${prev}\n\n${value}`,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}
