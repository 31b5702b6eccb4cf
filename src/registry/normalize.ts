// Text normalisation for matching vendor, product and keyword names in reports written in
// Japanese or English: NFKC (full-width ＡＢＣ１２３ -> ABC123, half-width ｱｸﾒ -> アクメ,
// ㈱ -> (株)), then case-insensitive.

// Hyphen-like characters (U+2010-2015, minus sign U+2212, small hyphen-minus U+FE63) that
// NFKC leaves alone; Japanese input methods and ISO-2022-JP conversions produce them
// ("RT−1000"). Not the katakana prolonged sound mark ー, which is part of words.
const DASHES = /[\u2010-\u2015\u2212\ufe63]/gu;

/** NFKC, hyphens folded to '-', lower case, whitespace runs collapsed to one space, trimmed. */
export function nfkc(s: string): string {
  return s.normalize('NFKC').replace(DASHES, '-').toLowerCase().replace(/\s+/gu, ' ').trim();
}

/**
 * A comparison key for names: nfkc without spaces and punctuation, so "RT-1000",
 * "RT 1000" and "ｒｔ１０００" are the same product and "ACME Router" equals "ACME-Router".
 */
export function nfkcKey(s: string): string {
  return nfkc(s).replace(/[\s\p{P}\p{S}]+/gu, '');
}

// Legal-form words that are not part of a company's distinctive name (NFKC + lower case).
const LEGAL_FORMS = [
  '株式会社',
  '有限会社',
  '合同会社',
  '合資会社',
  '合名会社',
  '(株)',
  '(有)',
  '(同)',
  'corporation',
  'incorporated',
  'company',
  'limited',
  'corp.',
  'corp',
  'inc.',
  'inc',
  'co., ltd.',
  'co.,ltd.',
  'co., ltd',
  'co.,ltd',
  'co. ltd.',
  'ltd.',
  'ltd',
  'llc',
  'gmbh',
  'k.k.',
  'kk',
  'plc',
  'ag',
  's.a.',
  'b.v.',
];

/**
 * A company name without its legal form: "ACME Corporation" -> "acme", "アクメ株式会社" ->
 * "アクメ", "株式会社アクメ" -> "アクメ", "Foo Co., Ltd." -> "foo". Returns nfkc text.
 */
export function companyCore(name: string): string {
  let s = nfkc(name);
  for (let changed = true; changed; ) {
    changed = false;
    for (const form of LEGAL_FORMS) {
      const ascii = /^[a-z]/.test(form);
      // Latin forms only as whole words at the end; Japanese ones at either end.
      if (s.endsWith(form) && s.length > form.length) {
        const rest = s.slice(0, -form.length);
        if (!ascii || /[\s,]$/.test(rest)) {
          s = rest.replace(/[\s,]+$/u, '');
          changed = true;
        }
      } else if (!ascii && s.startsWith(form) && s.length > form.length) {
        s = s.slice(form.length).trim();
        changed = true;
      }
    }
  }
  return s;
}

const ASCII_WORD = /[a-z0-9]/;

/**
 * Whether `needle` (nfkc) occurs in `hay` (nfkc). Needles starting or ending with a Latin
 * letter or digit must sit at a word boundary there ("rt" is not found in "art"), with an
 * optional plural s/es ("router" finds "routers"). Japanese needles match anywhere: the
 * language has no spaces between words.
 */
export function containsTerm(hay: string, needle: string): boolean {
  if (needle === '' || hay === '') return false;
  let from = 0;
  for (;;) {
    const at = hay.indexOf(needle, from);
    if (at < 0) return false;
    const before = hay[at - 1];
    const startOk = !ASCII_WORD.test(needle[0] ?? '') || before === undefined || !ASCII_WORD.test(before);
    let end = at + needle.length;
    if (ASCII_WORD.test(needle[needle.length - 1] ?? '')) {
      if (hay.startsWith('es', end) && !ASCII_WORD.test(hay[end + 2] ?? '')) end += 2;
      else if (hay[end] === 's' && !ASCII_WORD.test(hay[end + 1] ?? '')) end += 1;
    }
    const after = hay[end];
    const endOk = !ASCII_WORD.test(needle[needle.length - 1] ?? '') || after === undefined || !ASCII_WORD.test(after);
    if (startOk && endOk) return true;
    from = at + 1;
  }
}

/** Character trigrams of nfkc text (spaces and punctuation runs as one space; padded). */
export function trigrams(s: string): Set<string> {
  const core = nfkc(s).replace(/[\s\p{P}\p{S}]+/gu, ' ').trim();
  const out = new Set<string>();
  if (core === '') return out;
  // By code point, so a character outside the BMP is one character.
  const cps = Array.from(` ${core} `);
  for (let i = 0; i + 3 <= cps.length; i++) out.add(cps.slice(i, i + 3).join(''));
  return out;
}

/** Jaccard similarity of the two texts' character trigrams, 0..1 (0 when either is empty). */
export function trigramSimilarity(a: string, b: string): number {
  const x = trigrams(a);
  const y = trigrams(b);
  if (x.size === 0 || y.size === 0) return 0;
  let inter = 0;
  for (const g of x) if (y.has(g)) inter++;
  return inter / (x.size + y.size - inter);
}
