// Values shared by the partner case form and the vendor self-report form (issue 12):
// lists of names, CVE ids, CVSS vectors, advisory URLs. Each reader returns the value or
// undefined; the form keeps the raw text and records a verdict, never a guess.

/** The most items one list field may carry (a partner case with 200 vendors is not a form). */
export const MAX_LIST_ITEMS = 100;

// A leading bullet or numbering of a list line: `- `, `* `, `・`, `•`, `1. `, `(1) `.
const BULLET_RE = /^(?:[-*・•●◦]|\(?\d{1,3}[.)）]|（\d{1,3}）)\s*/u;

/**
 * A list value: one item per line, or items separated by `;` / `；` on a line. Commas do
 * NOT separate (vendor names carry them: "Example, Inc."). Bullets are dropped, blanks
 * and repeats removed (NFKC, any case), order kept. Undefined when more than
 * MAX_LIST_ITEMS items: that is junk, not a list.
 */
export function readList(value: string): string[] | undefined {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const line of value.split(/\r\n|\r|\n/u)) {
    for (const part of line.split(/[;；]/u)) {
      const item = part.trim().replace(BULLET_RE, '').trim();
      if (item === '') continue;
      const k = item.normalize('NFKC').toLowerCase();
      if (seen.has(k)) continue;
      seen.add(k);
      out.push(item);
      if (out.length > MAX_LIST_ITEMS) return undefined;
    }
  }
  return out;
}

// CVE-YYYY-NNNN… (CVE ID syntax since 2014: four or more digits; capped at 19 here).
const CVE_TOKEN_RE = /(?<![0-9A-Za-z-])CVE-(\d{4})-(\d{4,19})(?![0-9A-Za-z])/giu;

/**
 * Every CVE id of the value, upper-cased, deduplicated. Undefined when the value holds
 * something else too (a typo such as `CVE-2027-12` must not be dropped silently), or none
 * at all; "none", "n/a", "なし", "未採番" are read as no CVE (empty list).
 */
export function readCves(value: string): string[] | undefined {
  const v = value.normalize('NFKC').trim();
  if (/^(?:none|n\/?a|-|tbd|pending|なし|無し|未採番|未定|申請中)$/iu.test(v)) return [];
  if (v.length > 4000) return undefined;
  const ids: string[] = [];
  const rest = v.replace(CVE_TOKEN_RE, (m) => {
    const id = m.toUpperCase();
    if (!ids.includes(id)) ids.push(id);
    return ' ';
  });
  if (ids.length === 0 || rest.replace(/[\s,;、，；]+/gu, '') !== '') return undefined;
  return ids;
}

// CVSS v3.x / v4.0 vector shape: `CVSS:3.1/AV:N/AC:L/...`. Only the shape is checked here
// (scoring and per-metric validity belong to the CVSS library the case code uses).
const CVSS_RE = /^CVSS:(3\.0|3\.1|4\.0)(?:\/[A-Za-z]{1,3}:[A-Za-z]{1,2}){4,40}$/u;

/** A CVSS vector (trimmed, NFKC) of a known version; undefined otherwise. */
export function readCvssVector(value: string): string | undefined {
  const v = value.normalize('NFKC').trim();
  if (v.length > 300) return undefined;
  return CVSS_RE.test(v) ? v : undefined;
}

/** An http(s) URL without spaces or credentials; undefined otherwise. */
export function readHttpUrl(value: string): string | undefined {
  const v = value.trim();
  if (v.length > 2000 || /\s/u.test(v)) return undefined;
  try {
    const u = new URL(v);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') return undefined;
    if (u.username !== '' || u.password !== '') return undefined;
    return v;
  } catch {
    return undefined;
  }
}
