// Reading the values of the closed-vocabulary fields of mail-protocol.md §2 (`kind`,
// the consents) and §4 (`status`, `proposedPublication`). People write these by hand,
// often by editing the desk's template, so a value may hold several choices ("可 / 不可",
// "■ソフトウエア製品 □ウェブサイト"); see resolveChoice for how that is decided.

import type { VendorStatus } from '../domain/inspect.ts';

/** Only the head of a value is classified: a closed-vocabulary answer is short. */
const CLASSIFY_SPAN = 500;

export interface Choice<T> {
  words: readonly string[];
  result: T;
}

const CHECKED_MARKS = ['■', '☑', '✓', '✔', '●', '◉', '◎', '☒', '✅', '[x]', '(x)', '[*]', '[✓]', '[✔]', '[v]'];

function isWordChar(c: string): boolean {
  return /[a-z0-9]/u.test(c);
}

/** NFKC + lower case, on the head of the value only. */
export function fold(value: string): string {
  return value.slice(0, CLASSIFY_SPAN).normalize('NFKC').toLowerCase();
}

/**
 * Which choice a (folded) value picks. The value is tokenised left to right taking the
 * LONGEST word at each position, so `不可` is never read as `可`, `希望しない` never as
 * `希望`, `not affected` never as `affected`; ASCII words must stand alone (`no` is not
 * in `note`). If one choice occurs, it is the answer. If several occur (an unedited
 * template, or "yes, but not ..."), a choice preceded by a check mark (■ ☑ ✓ [x] …)
 * wins when only one choice is checked; otherwise the value is ambiguous and undefined
 * is returned, so the caller keeps the raw text rather than guessing.
 */
export function resolveChoice<T>(folded: string, choices: readonly Choice<T>[]): T | undefined {
  const words: { w: string; c: number }[] = [];
  choices.forEach((ch, c) => {
    for (const w of ch.words) words.push({ w: w.normalize('NFKC').toLowerCase(), c });
  });
  words.sort((a, b) => b.w.length - a.w.length);
  const found = new Set<number>();
  const checked = new Set<number>();
  let p = 0;
  while (p < folded.length) {
    let hit: { w: string; c: number } | undefined;
    for (const cand of words) {
      if (!folded.startsWith(cand.w, p)) continue;
      const before = p > 0 ? folded.charAt(p - 1) : '';
      const after = folded.charAt(p + cand.w.length);
      if (isWordChar(cand.w.charAt(0)) && before !== '' && isWordChar(before)) continue;
      if (isWordChar(cand.w.charAt(cand.w.length - 1)) && after !== '' && isWordChar(after)) continue;
      hit = cand;
      break;
    }
    if (!hit) {
      p++;
      continue;
    }
    found.add(hit.c);
    const lead = folded.slice(Math.max(0, p - 8), p).trimEnd();
    if (CHECKED_MARKS.some((m) => lead.endsWith(m))) checked.add(hit.c);
    p += hit.w.length;
  }
  if (found.size === 1) return choices[[...found][0] ?? -1]?.result;
  if (checked.size === 1) return choices[[...checked][0] ?? -1]?.result;
  return undefined;
}

// §2 `kind`. "Webサイト" folds to "webサイト", so the mixed spellings are listed too.
const KIND_CHOICES: readonly Choice<'product' | 'website'>[] = [
  {
    result: 'website',
    words: ['ウェブサイト', 'ウェブアプリケーション', 'website', 'web site', 'web application', 'webサイト', 'webアプリケーション'],
  },
  { result: 'product', words: ['ソフトウエア製品', 'ソフトウェア製品', '製品', 'product', 'software'] },
];

/** §2 `kind`: `product`, `website`, or the raw value when it names neither (or both). */
export function readKind(value: string): string {
  return resolveChoice(fold(value), KIND_CHOICES) ?? value;
}

// §2 consents: "可/不可, 希望する/希望しない, yes/no". Negative words that contain a
// positive one (不可 ⊃ 可, 希望しない ⊃ 希望, 許可しない ⊃ 許可) are separate words, and the
// longest-match rule of resolveChoice picks them.
const CONSENT_CHOICES: readonly Choice<boolean>[] = [
  {
    result: false,
    words: [
      '不可', '不許可', '許可しない', '希望しない', '希望しません', '希望せず', '不希望', '同意しない', '同意しません',
      '不同意', 'いいえ', '拒否', '不要', 'しない', 'しません',
      'no', 'n', 'false', 'ng', 'disagree', 'decline', 'not', 'none',
    ],
  },
  {
    result: true,
    words: [
      '可', '許可', '希望する', '希望します', '希望', '同意する', '同意します', '同意', 'はい', '承諾',
      'yes', 'y', 'true', 'ok', 'okay', 'agree', 'accept',
    ],
  },
];

/**
 * §2 consent value: the boolean, and for `consent.credit` the name in brackets
 * (`可（山田太郎）`, `yes (Taro Yamada)`), kept as written. The bracketed part is not
 * read as a yes/no (a name could contain "No"). Undefined boolean: unreadable.
 */
export function readConsent(value: string): { consent: boolean | undefined; name?: string } {
  const open = indexOfFirst(value, '(（');
  let base = value;
  let name: string | undefined;
  if (open >= 0) {
    const close = lastIndexOfAny(value, ')）');
    base = value.slice(0, open);
    const inner = value.slice(open + 1, close > open ? close : value.length).trim();
    if (inner !== '') name = inner;
  }
  const consent = resolveChoice(fold(base), CONSENT_CHOICES);
  return name !== undefined && consent === true ? { consent, name } : { consent };
}

function indexOfFirst(s: string, chars: string): number {
  let best = -1;
  for (const c of chars) {
    const i = s.indexOf(c);
    if (i >= 0 && (best < 0 || i < best)) best = i;
  }
  return best;
}

function lastIndexOfAny(s: string, chars: string): number {
  let best = -1;
  for (const c of chars) best = Math.max(best, s.lastIndexOf(c));
  return best;
}

// §4 `status`.
const STATUS_CHOICES: readonly Choice<VendorStatus>[] = [
  { result: 'not-affected', words: ['not-affected', 'not affected', 'unaffected', '影響なし', '影響無し', '影響を受けない'] },
  { result: 'affected', words: ['affected', '影響あり', '影響有り', '影響を受ける'] },
  { result: 'investigating', words: ['investigating', 'under investigation', '調査中'] },
  { result: 'fixed', words: ['fixed', '修正済', '対策済'] },
];

export function readStatus(value: string): VendorStatus | undefined {
  return resolveChoice(fold(value), STATUS_CHOICES);
}

// §4 `proposedPublication`: YYYY-MM-DD, YYYY/MM/DD, YYYY年M月D日, after NFKC (so
// full-width digits work). Applied to a bounded slice; no nested quantifiers.
const DATE_RE = /(?<!\d)(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)/u;

/** The first date of the value as `YYYY-MM-DD`, or undefined when there is none or it does not exist. */
export function readDate(value: string): string | undefined {
  const m = DATE_RE.exec(value.slice(0, CLASSIFY_SPAN).normalize('NFKC'));
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (y < 1000 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return undefined;
  return `${String(y)}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(m) ? 30 : 31;
}

const ANGLE_ADDR_RE = /<\s*([^<>\s@]+@[^<>\s]+)\s*>/u;

/** §2 `reporter.email`: `Taro <taro@example.jp>` → the address; otherwise as written. */
export function readEmail(value: string): string {
  const m = ANGLE_ADDR_RE.exec(value.slice(0, CLASSIFY_SPAN));
  return m?.[1] ?? value;
}

/**
 * issue 12: the vulnerability numbers of a reply's `Vulnerability:` line (`2`, `1, 3`,
 * `#2`, `脆弱性 2`, `1・2`), in order, without repeats; null when the value is anything
 * else (never a guess: the caller refuses the reply).
 */
export function readVulnerabilityNumbers(value: string): number[] | null {
  const v = value.normalize('NFKC').trim().toLowerCase();
  const parts = v.split(/\s*(?:,|、|;|・|\band\b|と|\s)\s*/u).filter((p) => p !== '' && p !== 'vulnerability' && p !== 'vulnerabilities' && p !== '脆弱性');
  if (parts.length === 0 || parts.length > 100) return null;
  const out: number[] = [];
  for (const p of parts) {
    const m = /^(?:#|no\.?|脆弱性)?([1-9][0-9]{0,3})$/u.exec(p);
    if (!m) return null;
    const n = Number(m[1]);
    if (!out.includes(n)) out.push(n);
  }
  return out;
}
