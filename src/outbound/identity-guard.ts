// The reporter-identity guard (issue 9 §5; guideline §2, 資料1 2.(4)): before any text goes
// to a vendor or the public, find the reporter's name, address, organisation and telephone
// number in it, however they were typed. Pure: no store, no clock; the desk decides per
// recipient what may pass (src/desk/identity-policy.ts).
//
// Matching works on a "squashed" copy of the text: each character NFKC-normalised on its
// own (with the combining and half-width voicing marks that belong to it, so ｶﾞ → ガ), lower
// case, and everything that is not a letter, a mark or a digit dropped (spaces, punctuation,
// symbols, controls, zero-width characters). So "Taro Yamada", "ＴＡＲＯ ＹＡＭＡＤＡ" (full-width, any space),
// "taro-yamada" and "T.Yamada"-free forms read the same, and every squashed character
// remembers where it came from, so a hit can be masked in the original text.
//
// Latin patterns must start and end on a word boundary of the original text ("al" is not
// found in "totally"); CJK patterns need none (Japanese has no spaces between words).
// Over-matching only holds a notice for a coordinator to look at; under-matching leaks.
import { companyCore } from '../registry/normalize.ts';

export type IdentityKind = 'name' | 'email' | 'organization' | 'phone';
export const IDENTITY_KINDS: readonly IdentityKind[] = ['name', 'email', 'organization', 'phone'];

/** What is known of the reporter (the form's fields, the address the report came from). */
export interface ReporterIdentity {
  names: readonly string[];
  emails: readonly string[];
  organizations: readonly string[];
  phones: readonly string[];
}

export interface TextHit {
  kind: IdentityKind;
  /** UTF-16 offsets into the original text: [start, end). */
  start: number;
  end: number;
}

export interface IdentityHit {
  /** The field (key path of the notice's context) the hit was found in. */
  field: string;
  kind: IdentityKind;
}

interface Pattern {
  kind: IdentityKind;
  key: string;
  /** Needs word boundaries in the original text (a Latin pattern). */
  bounded: boolean;
}

/** A compiled identity: squashed patterns, and the telephone numbers' digit keys. */
export interface CompiledIdentity {
  patterns: readonly Pattern[];
  phoneKeys: readonly string[];
}

// Marks that NFKC composes with the character before them (a segment is normalised whole).
const SEGMENT_RE = /[\s\S][\u0300-\u036f\u3099\u309a\uff9e\uff9f]*/gu;
const KEEP_RE = /[\p{L}\p{M}\p{N}]/u;
const LATIN_RE = /^[\p{Script=Latin}\p{N}]/u;
const LATIN_CHAR_RE = /[\p{Script=Latin}\p{N}\p{M}]/u;
const CJK_RE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

interface Squashed {
  /** Letters, marks and digits, NFKC + lower case. */
  s: string;
  /** For each UTF-16 unit of `s`: the original offset where its segment starts / ends. */
  from: number[];
  to: number[];
  /** For each unit of `s`: a word of the original starts here / ends here. */
  wordStart: boolean[];
  wordEnd: boolean[];
}

export function squash(text: string): Squashed {
  const out: Squashed = { s: '', from: [], to: [], wordStart: [], wordEnd: [] };
  // A Latin word is bounded by anything that is not a Latin letter or digit: a space, a
  // punctuation mark, or a Japanese character ("連絡はtaro@example.jpまで").
  let prevLatin = false;
  const endWord = (): void => {
    if (out.s.length > 0) out.wordEnd[out.s.length - 1] = true;
  };
  for (const m of text.matchAll(SEGMENT_RE)) {
    const seg = m[0];
    const at = m.index;
    for (const ch of seg.normalize('NFKC').toLowerCase()) {
      if (!KEEP_RE.test(ch)) {
        endWord();
        prevLatin = false;
        continue;
      }
      const latin = LATIN_CHAR_RE.test(ch);
      if (!latin) endWord();
      for (let k = 0; k < ch.length; k++) {
        out.from.push(at);
        out.to.push(at + seg.length);
        out.wordStart.push(k === 0 && !prevLatin);
        out.wordEnd.push(false);
      }
      out.s += ch;
      prevLatin = latin;
    }
  }
  endWord();
  return out;
}

const key = (s: string): string => squash(s).s;

// Parts of a name, organisation or address that identify nobody on their own: a reporter
// who signs "Security Team" must not hold every notice that says "security".
const GENERIC = new Set([
  'security', 'team', 'research', 'researcher', 'researchers', 'lab', 'labs', 'group', 'anonymous', 'anon', 'none', 'unknown',
  'individual', 'private', 'self', 'personal', 'freelance', 'independent', 'student', 'university', 'company', 'corp', 'inc', 'ltd',
  'the', 'and', 'of', 'mr', 'mrs', 'ms', 'dr', 'san', 'info', 'admin', 'contact', 'support', 'mail', 'psirt', 'cert', 'csirt',
  'webmaster', 'abuse', 'noreply', 'user', 'test', 'na', 'nil',
  '匿名', '個人', 'なし', '無し', '無所属', '学生', '会社員', '研究者', '担当者', 'さん', '様',
]);

const NAME_SPLIT = /[\s\u3000・･,，、/]+/u;

function namePatterns(name: string): string[] {
  const parts = name.normalize('NFKC').split(NAME_SPLIT).map(key).filter((p) => p !== '');
  if (parts.length === 0) return [];
  const out = new Set<string>();
  const whole = parts.join('');
  out.add(whole);
  // Both word orders ("Taro Yamada" / "Yamada Taro"; "山田 太郎" / "太郎 山田").
  if (parts.length > 1) out.add([...parts].reverse().join(''));
  // A name written without a space ("山田太郎"): every split, reversed, since the desk
  // cannot tell where the family name ends.
  if (parts.length === 1 && CJK_RE.test(whole) && [...whole].length >= 3) {
    const cps = [...whole];
    for (let i = 1; i < cps.length; i++) out.add(cps.slice(i).join('') + cps.slice(0, i).join(''));
  }
  // Each part on its own: a family name alone identifies (山田さん, "Mr Yamada"). Latin
  // parts need four letters, CJK ones two characters.
  if (parts.length > 1) {
    for (const p of parts) {
      if (GENERIC.has(p)) continue;
      if (CJK_RE.test(p) ? [...p].length >= 2 : p.length >= 4) out.add(p);
    }
  }
  return [...out].filter((p) => !GENERIC.has(p) && [...p].length >= 2);
}

function emailPatterns(email: string): string[] {
  const e = email.normalize('NFKC').trim().toLowerCase();
  const at = e.lastIndexOf('@');
  if (at <= 0) return [];
  const local = key(e.slice(0, at));
  const domain = key(e.slice(at + 1));
  const out = new Set<string>([key(e), `${local}at${domain}`]);
  // The local part alone ("taro.yamada at our domain") when it is distinctive.
  if (local.length >= 5 && !GENERIC.has(local)) out.add(local);
  return [...out].filter((p) => p.length >= 4);
}

function organizationPatterns(org: string): string[] {
  const whole = key(org);
  if (whole === '' || GENERIC.has(whole)) return [];
  const out = new Set<string>([whole]);
  // Without its legal form: 株式会社サンプル研究所 → サンプル研究所, "Example Corp" → example.
  const core = key(companyCore(org));
  if (core !== '' && !GENERIC.has(core)) out.add(core);
  return [...out].filter((p) => (CJK_RE.test(p) ? [...p].length >= 2 : p.length >= 3));
}

/** The digits a telephone number is found by: its last eight (or all, from six). */
function phoneKey(phone: string): string | null {
  const d = phone.normalize('NFKC').replace(/\D/gu, '');
  if (d.length < 6) return null;
  return d.slice(-8);
}

export function compileIdentity(id: ReporterIdentity): CompiledIdentity {
  const patterns = new Map<string, Pattern>();
  const add = (kind: IdentityKind, ps: string[]): void => {
    for (const p of ps) if (!patterns.has(p)) patterns.set(p, { kind, key: p, bounded: LATIN_RE.test(p) });
  };
  // Names first: an address whose local part is the name ("taro.yamada@") is reported as the name.
  for (const n of id.names) add('name', namePatterns(n));
  for (const o of id.organizations) add('organization', organizationPatterns(o));
  for (const e of id.emails) add('email', emailPatterns(e));
  const phoneKeys = [...new Set(id.phones.map(phoneKey).filter((k): k is string => k !== null))];
  // Longest first: a hit is reported (and masked) by the most specific pattern.
  return { patterns: [...patterns.values()].sort((a, b) => b.key.length - a.key.length), phoneKeys };
}

// A run of digits with the separators telephone numbers are written with (NFKC already
// made full-width digits and hyphens ASCII; U+2212 and the dashes stay).
const DIGIT_RUN_RE = /\+?\d(?:[\s\-‐‑‒–—―−ー.()/]{0,3}\d)*/gu;

/** Every place `text` carries the identity (overlapping hits of one place reported once). */
export function findInText(text: string, id: CompiledIdentity): TextHit[] {
  if (text === '') return [];
  const hits: TextHit[] = [];
  const sq = squash(text);
  for (const p of id.patterns) {
    let i = sq.s.indexOf(p.key);
    while (i >= 0) {
      const j = i + p.key.length - 1;
      if (!p.bounded || (sq.wordStart[i] === true && sq.wordEnd[j] === true)) hits.push({ kind: p.kind, start: sq.from[i] ?? 0, end: sq.to[j] ?? text.length });
      i = sq.s.indexOf(p.key, i + 1);
    }
  }
  if (id.phoneKeys.length > 0) {
    // Per segment NFKC keeps the offsets: full-width digits are one UTF-16 unit each.
    const folded = [...text].map((c) => (c.normalize('NFKC').length === 1 ? c.normalize('NFKC') : c)).join('');
    const sameLength = folded.length === text.length;
    for (const m of (sameLength ? folded : text.normalize('NFKC')).matchAll(DIGIT_RUN_RE)) {
      const digits = m[0].replace(/\D/gu, '');
      if (id.phoneKeys.some((k) => digits.includes(k))) hits.push({ kind: 'phone', start: sameLength ? m.index : 0, end: sameLength ? m.index + m[0].length : text.length });
    }
  }
  return merge(hits);
}

function merge(hits: TextHit[]): TextHit[] {
  hits.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: TextHit[] = [];
  for (const h of hits) {
    const last = out[out.length - 1];
    if (last && h.start < last.end) {
      last.end = Math.max(last.end, h.end);
      continue;
    }
    out.push({ ...h });
  }
  return out;
}

/** The string leaves of a notice's context, by key path (`vendors.0.name`). */
export function stringLeaves(value: unknown, path = ''): [string, string][] {
  if (typeof value === 'string') return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringLeaves(v, path === '' ? String(i) : `${path}.${i}`));
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => stringLeaves(v, path === '' ? k : `${path}.${k}`));
  }
  return [];
}

/** Which fields carry which part of the identity (one entry per field and kind). */
export function findIdentity(fields: Iterable<readonly [string, string]>, id: CompiledIdentity, skip: (field: string) => boolean = () => false): IdentityHit[] {
  const out: IdentityHit[] = [];
  for (const [field, text] of fields) {
    if (skip(field)) continue;
    const kinds = new Set(findInText(text, id).map((h) => h.kind));
    for (const kind of IDENTITY_KINDS) if (kinds.has(kind)) out.push({ field, kind });
  }
  return out;
}

/** `text` with every hit replaced by `mask`. */
export function maskIdentity(text: string, id: CompiledIdentity, mask: string): string {
  let out = '';
  let at = 0;
  for (const h of findInText(text, id)) {
    out += text.slice(at, h.start) + mask;
    at = h.end;
  }
  return out + text.slice(at);
}
