// A reporter's keyword lines (issue 11; guideline §3 item 9; docs/commands.md "Reporters'
// keywords"): `X-STATUS` (X-状況) asks where the reporter's case stands, `X-WITHDRAW-NDA`
// (X-非開示撤回) withdraws the non-disclosure request one year after 起算日. Read the way the
// coordinators' keywords are (src/commands/parse.ts): in the first column, NFKC-folded
// (full-width forms), hyphens folded, case-insensitive, quoted lines (`>`) never read.

const DASHES = /[\u2010-\u2015\u2212\u30fc\uff0d\ufe63]/gu;
const fold = (s: string): string => s.normalize('NFKC').replace(DASHES, '-').toLowerCase();

/** Folded keyword name (without `x-`) → what it asks. */
const REPORTER_KEYWORDS: Readonly<Record<string, 'status' | 'withdraw'>> = {
  status: 'status',
  状況: 'status',
  'withdraw-nda': 'withdraw',
  非開示撤回: 'withdraw',
};

/** `X-CASE` names the case beside a reporter's keyword (the signed text names it either way). */
const NEUTRAL = new Set(['case', '案件']);

export interface ReporterKeywords {
  status: boolean;
  withdraw: boolean;
}

/** A keyword line: `X-NAME`, optional space, an optional colon (also `：`), the argument. */
const KEYWORD_LINE = /^x-([^\s:：]+)\s*[:：]?/u;

/**
 * The reporter's keywords in `text`, or null when it has none, or when it has any other
 * `X-` keyword line (a coordinator's command mail is read as one, and an unknown keyword
 * there stays an error: src/commands/parse.ts). Only the first 200 lines are looked at.
 */
export function reporterKeywords(text: string): ReporterKeywords | null {
  if (typeof text !== 'string') return null;
  const out: ReporterKeywords = { status: false, withdraw: false };
  let other = false;
  for (const raw of text.split(/\r?\n/u).slice(0, 200)) {
    const m = KEYWORD_LINE.exec(fold(raw));
    if (!m) continue;
    const name = m[1]!;
    const kind = REPORTER_KEYWORDS[name];
    if (kind === 'status') out.status = true;
    else if (kind === 'withdraw') out.withdraw = true;
    else if (!NEUTRAL.has(name)) other = true;
  }
  if (other || (!out.status && !out.withdraw)) return null;
  return out;
}
