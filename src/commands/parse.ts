// The coordinators' command language (docs/commands.md). A command mail carries keyword
// lines at the top of its body, Schleuder-style:
//
//   X-CASE: VR-2026-0042
//   X-ADD-VENDOR: acme
//   X-SET-DATE: 2026-12-20
//   X-NOTE: vendor confirmed by phone;
//     fix expected in 3.2.2
//
//   (free text from here on is ignored)
//
// The same commands are given on the command line (`madoguchi case VR-2026-0042 accept`),
// and both forms produce the same `ParsedCommands`. Pure functions: no store, no clock.
// Who may send a command is decided elsewhere (auth.ts); what a command does to a case is
// decided by the code that applies it. This file only says what was asked, or why the
// text cannot be read. Anything it cannot read is an error entry, never skipped.

import { scoreCvss } from '../adapters/cvss.ts';
import { findCaseId } from '../forms/index.ts';
import type { ParseErrorCode } from '../domain/refusals.ts';
import { COMMITTEE_DECISIONS, DECISION_WORDS } from './committee-decision.ts';
import { COMMAND_KINDS, COMMANDS, KEYWORD_INDEX, specOf, type Command, type CommandKind } from './registry.ts';
import { REPORTER_WORDS } from './relay.ts';
import type { ArgShape } from './spec.ts';
import { STOP_REASONS, STOP_WORDS } from './stop.ts';
import { LIMITS, VENDOR_ID } from './syntax.ts';

// ---- the commands (one file each, src/commands/registry.ts) ---------------------------

export { COMMAND_KINDS, type Command, type CommandKind } from './registry.ts';
export { STOP_REASONS, type StopCommand, type StopReason } from './stop.ts';
export { COMMITTEE_DECISIONS, type CommitteeDecision } from './committee-decision.ts';
export { LIMITS, VENDOR_ID } from './syntax.ts';

/** Why a command mail cannot be read: the catalogue's `parse` family (src/domain/refusals.ts). */
export { PARSE_ERROR_CODES, type ParseErrorCode } from '../domain/refusals.ts';

export interface ParseError {
  /** 1-based line of the body; 0 for the mail as a whole and for the command line. */
  line: number;
  code: ParseErrorCode;
  /** English, for logs and the CLI; confirm.ts renders `code` in ja/en. */
  message: string;
  /** The keyword as written (folded: `x-add-vendor`), when the error is about one. */
  keyword?: string;
  /** The offending value (shortened), when there is one. */
  value?: string;
  /** Why the value is refused, when the code alone does not say (bad-cvss: the scorer's reason). */
  detail?: string;
}

export interface ParsedCommands {
  caseId: string | null;
  /** In the order written; apply in this order. */
  commands: Command[];
  /** Non-empty: apply nothing (docs/commands.md). */
  errors: ParseError[];
}

export interface ParseOptions {
  /** Case id prefix (config desk.casePrefix); default `VR`. */
  casePrefix?: string;
  /**
   * The subject, to take the case id from its `[VR-2026-0042]` tag when the body has no
   * X-CASE line. Pass it ONLY when the subject is covered by the signature (a protected
   * header inside the signed part): an outer Subject is not signed, and a tag there could
   * point a genuine signed command at another case.
   */
  subject?: string | null;
}

// ---- folding ---------------------------------------------------------------------------

/** Hyphen-like characters Japanese clients and ISO-2022-JP produce (pitfalls: U+2212). */
const DASHES = /[\u2010-\u2015\u2212\u30fc\uff0d\ufe63]/gu;

/** NFKC, hyphens folded, lower case: for keywords and identifiers, never for free text. */
function fold(s: string): string {
  return s.normalize('NFKC').replace(DASHES, '-').toLowerCase();
}

// C0/C1 controls other than TAB and LF, and the bidi overrides/isolates (they can make a
// confirmation read differently from what was stored).
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const FORBIDDEN = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

const short = (s: string): string => (s.length > 60 ? `${s.slice(0, 57)}...` : s);

/** `VR-2026-0042` (also `[vr-2026-0042]`, full-width) → canonical, or null. */
export function parseCaseId(value: string, prefix = 'VR'): string | null {
  const p = prefix.normalize('NFKC');
  const v = fold(value).trim().replace(/^\[\s*(.*?)\s*\]$/u, '$1');
  const m = /^([a-z][a-z0-9]*)-(\d{4})-(\d{4,6})$/u.exec(v);
  if (!m || m[1] !== p.toLowerCase()) return null;
  return `${p}-${m[2] ?? ''}-${m[3] ?? ''}`;
}

/** `2026-12-20`, `2026/12/20`, `2026.12.20`, `2026年12月20日` → `2026-12-20`, or null. */
export function parseDate(value: string): string | null {
  const v = fold(value).trim();
  const m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/u.exec(v) ?? /^(\d{4})年\s*(\d{1,2})月\s*(\d{1,2})日$/u.exec(v);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (y < 2000 || y > 2999 || mo < 1 || mo > 12 || d < 1) return null;
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (d > days) return null;
  return `${String(y)}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function lookup<T extends string>(table: Record<T, readonly string[]>, token: string): T | null {
  const t = fold(token).replace(/_/g, '-');
  for (const [k, words] of Object.entries(table) as [T, readonly string[]][]) if (words.includes(t)) return k;
  return null;
}

/** First whitespace-separated token (raw) and the rest (raw, trimmed). */
function splitFirst(s: string): [string, string] {
  const m = /^\s*(\S+)\s*([\s\S]*)$/u.exec(s);
  return m ? [m[1] ?? '', (m[2] ?? '').trim()] : ['', ''];
}

// ---- keyword table ---------------------------------------------------------------------

/** Keyword (folded, without `x-`) → the command and how its argument is read; `case` is X-CASE. */
const KEYWORDS: Record<string, { kind: CommandKind | 'case'; arg: ArgShape | 'case' } | undefined> = {
  case: { kind: 'case', arg: 'case' },
  ...Object.fromEntries([...KEYWORD_INDEX].map(([k, kind]) => [k, { kind, arg: COMMANDS[kind].arg }])),
};

/** Shapes whose argument may continue on indented lines. */
const CONTINUES: ReadonlySet<ArgShape | 'case'> = new Set<ArgShape>(['optional-text', 'text', 'note', 'stop', 'decision', 'relay', 'redact', 'vulnerability', 'split']);

/** A vulnerability's number in its case (1, 2, ...). */
function readNumber(token: string): number | null {
  const t = fold(token).trim();
  if (!/^[1-9][0-9]{0,3}$/u.test(t)) return null;
  return Number(t);
}

/** The CVE record format's cveId (CVE JSON 5: ^CVE-[0-9]{4}-[0-9]{4,19}$), canonical upper case. */
export function parseCveId(value: string): string | null {
  const v = fold(value).trim().toUpperCase();
  return /^CVE-[0-9]{4}-[0-9]{4,19}$/u.test(v) ? v : null;
}

/** A hold of the identity guard (src/desk/identity-policy.ts holdRef), canonical, or null. */
export function parseHoldRef(value: string): string | null {
  const v = fold(value).trim().toUpperCase();
  return /^H[0-9A-Z]{6}$/u.test(v) ? v : null;
}

/** A field of a held notice (its context's key path: `summary`, `vendors.0.workaround`). */
const FIELD_RE = /^[A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z0-9]+)*$/u;

type Built = { commands: Command[]; caseId?: string; errors: Omit<ParseError, 'line'>[] };

/**
 * Reads one keyword's argument (first-line tail and continuation lines joined by LF).
 * `keyword` is the folded name without `x-`.
 */
function build(keyword: string, arg: string, prefix: string): Built {
  const spec = KEYWORDS[keyword];
  const kw = `x-${keyword}`;
  const err = (code: ParseErrorCode, message: string, value?: string): Built => ({
    commands: [],
    errors: [{ code, message, keyword: kw, ...(value !== undefined ? { value: short(value) } : {}) }],
  });
  if (!spec) return err('unknown-keyword', `unknown keyword X-${keyword.toUpperCase()}`);
  if (FORBIDDEN.test(arg)) return err('control-characters', `X-${keyword.toUpperCase()}: the argument contains control or direction-override characters`);
  const text = arg.trim();
  const freeText = (t: string, max: number): string | null | Built => {
    if (t === '') return null;
    if (t.length > max) return err('too-long', `X-${keyword.toUpperCase()}: the text is longer than ${max} characters`);
    return t;
  };
  const K = keyword.toUpperCase();
  switch (spec.arg) {
    case 'case': {
      if (text === '') return err('missing-argument', `X-CASE needs a case id (${prefix}-YYYY-NNNN)`);
      const id = parseCaseId(text, prefix);
      return id ? { commands: [], caseId: id, errors: [] } : err('bad-case-id', `not a case id of this desk (${prefix}-YYYY-NNNN)`, text);
    }
    case 'none':
      return text === '' ? { commands: [{ kind: spec.kind } as Command], errors: [] } : err('unexpected-argument', `X-${K} takes no argument`, text);
    case 'optional-text':
    case 'text':
    case 'note': {
      if (spec.arg !== 'optional-text' && text === '') return err('missing-argument', `X-${K} needs ${spec.arg === 'note' ? 'a text' : 'a reason'}`);
      const t = freeText(text, spec.arg === 'note' ? LIMITS.note : LIMITS.reason);
      if (t !== null && typeof t !== 'string') return t;
      const fromText = spec.kind === 'case' ? undefined : COMMANDS[spec.kind].fromText;
      // A free-text command's file says which command the text makes (test/commands/registry.test.ts).
      if (!fromText) throw new Error(`X-${K}: its command file has no fromText`);
      return { commands: [fromText(t)], errors: [] };
    }
    case 'vendor':
    case 'vendors': {
      const ids = fold(text).split(/[\s,;、]+/u).filter((s) => s !== '');
      if (ids.length === 0) return err('missing-argument', `X-${K} needs a vendor id`);
      if (spec.arg === 'vendor' && ids.length > 1) return err('unexpected-argument', `X-${K} takes one vendor id`, text);
      const bad = ids.find((v) => !VENDOR_ID.test(v));
      if (bad !== undefined) return err('bad-vendor', `not a vendor id (lower-case letters, digits, inner hyphens)`, bad);
      const kind = spec.kind as 'add-vendor' | 'remove-vendor' | 'mark-unreachable' | 'mark-reachable' | 'direct-contact' | 'priority-consent';
      return { commands: [...new Set(ids)].map((vendor) => ({ kind, vendor })), errors: [] };
    }
    case 'operator': {
      // An operators registry id (src/store/operators.ts OPERATOR_ID_RE: the vendor id's shape).
      const ids = fold(text).split(/[\s,;、]+/u).filter((s) => s !== '');
      if (ids.length === 0) return err('missing-argument', `X-${K} needs an operator id`);
      if (ids.length > 1) return err('unexpected-argument', `X-${K} takes one operator id`, text);
      if (!VENDOR_ID.test(ids[0]!)) return err('bad-vendor', `not an operator id (lower-case letters, digits, inner hyphens)`, ids[0]);
      return { commands: [{ kind: 'confirm-operator', operator: ids[0]! }], errors: [] };
    }
    case 'partner': {
      // A partner registry id (src/store/partners.ts PARTNER_ID_RE: the vendor id's shape).
      const ids = fold(text).split(/[\s,;、]+/u).filter((s) => s !== '');
      if (ids.length === 0) return err('missing-argument', `X-${K} needs a partner id`);
      if (ids.length > 1) return err('unexpected-argument', `X-${K} takes one partner id`, text);
      if (!VENDOR_ID.test(ids[0]!)) return err('bad-vendor', `not a partner id (lower-case letters, digits, inner hyphens)`, ids[0]);
      return { commands: [{ kind: 'handover', partner: ids[0]! }], errors: [] };
    }
    case 'date': {
      if (text === '') return err('missing-argument', 'X-SET-DATE needs a date (YYYY-MM-DD)');
      const date = parseDate(text);
      return date ? { commands: [{ kind: 'set-date', date }], errors: [] } : err('bad-date', 'not a calendar date (YYYY-MM-DD or YYYY/MM/DD)', text);
    }
    case 'stop': {
      const [head, rest] = splitFirst(text);
      if (head === '') return err('missing-argument', `X-STOP needs a reason: ${STOP_REASONS.join(', ')}`);
      const reason = lookup(STOP_WORDS, head);
      if (!reason) return err('bad-stop-reason', `unknown stop reason (one of ${STOP_REASONS.join(', ')})`, head);
      if (reason === 'duplicate') {
        const [idText, tail] = splitFirst(rest);
        if (idText === '') return err('missing-argument', `X-STOP: duplicate needs the case id it duplicates (${prefix}-YYYY-NNNN)`);
        const id = parseCaseId(idText, prefix);
        if (!id) return err('bad-case-id', `not a case id of this desk (${prefix}-YYYY-NNNN)`, idText);
        const t = freeText(tail, LIMITS.reason);
        if (t !== null && typeof t !== 'string') return t;
        return { commands: [{ kind: 'stop', reason, duplicateOf: id, text: t }], errors: [] };
      }
      const t = freeText(rest, LIMITS.reason);
      if (t !== null && typeof t !== 'string') return t;
      return { commands: [{ kind: 'stop', reason, text: t }], errors: [] };
    }
    case 'decision': {
      const [head, rest] = splitFirst(text);
      if (head === '') return err('missing-argument', `X-COMMITTEE-DECISION needs ${COMMITTEE_DECISIONS.join(' or ')}`);
      const decision = lookup(DECISION_WORDS, head);
      if (!decision) return err('bad-decision', `the decision is ${COMMITTEE_DECISIONS.join(' or ')}`, head);
      const t = freeText(rest, LIMITS.reason);
      if (t !== null && typeof t !== 'string') return t;
      return { commands: [{ kind: 'committee-decision', decision, reason: t }], errors: [] };
    }
    case 'relay': {
      // The target goes on the keyword line; the text follows it there and/or on the
      // continuation lines. (A target taken from a continuation line could be the message's
      // first word.)
      const firstLine = arg.split('\n')[0] ?? '';
      if (firstLine.trim() === '') return err('missing-argument', `X-RELAY needs a target on its line: a vendor id or ${REPORTER_WORDS.join(' / ')}`);
      const [head, rest] = splitFirst(text);
      const target = fold(head);
      let to: string | null = null;
      if (!REPORTER_WORDS.includes(target)) {
        if (!VENDOR_ID.test(target)) return err('bad-vendor', `not a vendor id (lower-case letters, digits, inner hyphens) nor ${REPORTER_WORDS.join(' / ')}`, head);
        to = target;
      }
      if (rest === '') return err('missing-argument', `X-RELAY needs the text to relay after the target`);
      const t = freeText(rest, LIMITS.relay);
      if (t !== null && typeof t !== 'string') return t;
      return { commands: [{ kind: 'relay', to, text: t ?? rest }], errors: [] };
    }
    case 'hold': {
      if (text === '') return err('missing-argument', `X-${K} needs the hold named in the alert (H and six letters or digits)`);
      const [head, rest] = splitFirst(text);
      if (rest !== '') return err('unexpected-argument', `X-${K} takes one hold`, rest);
      const hold = parseHoldRef(head);
      return hold ? { commands: [{ kind: 'release', hold }], errors: [] } : err('bad-hold', 'not a hold of the desk (H and six letters or digits)', head);
    }
    case 'vulnerability':
    case 'split': {
      // [N] [CWE-n] [CVSS:...] summary: the tokens are told apart by their own shape, so
      // a summary never has to be quoted; a vector is scored now and never guessed.
      let rest = text;
      let number = 0;
      if (spec.arg === 'split') {
        const [head, tail] = splitFirst(rest);
        if (head === '') return err('missing-argument', `X-${K} needs the number of the vulnerability to split, then the new one's summary`);
        const n = readNumber(head);
        if (n === null) return err('bad-vulnerability-number', `X-${K}: not a vulnerability number`, head);
        number = n;
        rest = tail;
      }
      let cwe: string | null = null;
      let cvss: string | null = null;
      for (;;) {
        const [head, tail] = splitFirst(rest);
        const f = fold(head);
        if (cwe === null && f.startsWith('cwe')) {
          const m = /^cwe-([1-9][0-9]{0,5})$/u.exec(f);
          if (!m) return err('bad-cwe', `X-${K}: not a CWE id (CWE-79)`, head);
          cwe = `CWE-${m[1] ?? ''}`;
          rest = tail;
          continue;
        }
        if (cvss === null && f.startsWith('cvss')) {
          const r = scoreCvss(head.normalize('NFKC'));
          if (!r.ok) return { commands: [], errors: [{ code: 'bad-cvss', message: `X-${K}: not a valid CVSS vector: ${r.error}`, keyword: kw, value: short(head), detail: r.error }] };
          cvss = r.score.vector;
          rest = tail;
          continue;
        }
        break;
      }
      if (rest === '') return err('missing-argument', `X-${K} needs the ${spec.arg === 'split' ? "new vulnerability's " : ''}summary`);
      const t = freeText(rest, LIMITS.note);
      if (t !== null && typeof t !== 'string') return t;
      const summary = t ?? rest;
      return {
        commands: [spec.arg === 'split' ? { kind: 'split-vulnerability', number, cwe, cvss, summary } : { kind: 'add-vulnerability', cwe, cvss, summary }],
        errors: [],
      };
    }
    case 'cve': {
      const [head, tail] = splitFirst(text);
      if (head === '') return err('missing-argument', `X-${K} needs the vulnerability's number and its CVE id (X-${K}: 1 CVE-2026-12345)`);
      const number = readNumber(head);
      if (number === null) return err('bad-vulnerability-number', `X-${K}: not a vulnerability number`, head);
      const [cveText, extra] = splitFirst(tail);
      if (cveText === '') return err('missing-argument', `X-${K} needs the CVE id after the number`);
      if (extra !== '') return err('unexpected-argument', `X-${K} takes one number and one CVE id`, extra);
      const cve = parseCveId(cveText);
      return cve ? { commands: [{ kind: 'set-cve', number, cve }], errors: [] } : err('bad-cve', 'not a CVE id (CVE-YYYY-NNNN)', cveText);
    }
    case 'redact': {
      // The hold and the field go on the keyword line; the replacement text may follow there
      // and on the continuation lines (as X-RELAY's text).
      const firstLine = (arg.split('\n')[0] ?? '').trim();
      if (firstLine === '') return err('missing-argument', `X-${K} needs the hold named in the alert on its line`);
      const [head, afterHold] = splitFirst(text);
      const hold = parseHoldRef(head);
      if (!hold) return err('bad-hold', 'not a hold of the desk (H and six letters or digits)', head);
      if (splitFirst(firstLine)[1] === '') {
        return afterHold === '' ? { commands: [{ kind: 'redact', hold, field: null, text: null }], errors: [] } : err('missing-argument', `X-${K}: the field goes on the keyword line, after the hold`);
      }
      const [field, replacement] = splitFirst(afterHold);
      if (!FIELD_RE.test(field)) return err('bad-hold', 'not a field name of the notice (as the alert names it)', field);
      const t = freeText(replacement, LIMITS.relay);
      if (t !== null && typeof t !== 'string') return t;
      return { commands: [{ kind: 'redact', hold, field, text: t }], errors: [] };
    }
  }
}

// ---- mail form -------------------------------------------------------------------------

/** A keyword line: `X-NAME`, then optional space, an optional colon (also `：`), the argument. */
const KEYWORD_LINE = /^([^\s:：﹕︓]+)\s*[:：﹕︓]?\s*(.*)$/u;

/** The folded keyword name (without `x-`) if `line` is a keyword line, else null. */
function keywordOf(line: string): { name: string; arg: string } | null {
  if (/^\s/u.test(line)) return null;
  const m = KEYWORD_LINE.exec(line);
  if (!m) return null;
  const head = fold(m[1] ?? '');
  if (!head.startsWith('x-') || head.length < 3) return null;
  return { name: head.slice(2), arg: m[2] ?? '' };
}

function lines(text: string): string[] {
  return text.replace(/^\uFEFF/u, '').replace(/\r\n?/g, '\n').split('\n');
}

/** True when the first non-blank line of `text` is a keyword line (`X-...`): route it here. */
export function looksLikeCommandMail(text: string): boolean {
  for (const l of lines(text)) {
    if (l.trim() === '') continue;
    return keywordOf(l) !== null;
  }
  return false;
}

/**
 * The keyword block of a command mail's body. Rules (docs/commands.md):
 * - keyword lines start in column 1: `X-NAME: argument` (case-insensitive, full-width
 *   forms and `：` accepted); the colon may be left out;
 * - an indented line continues the free text of the keyword above it;
 * - blank lines are skipped (and end a continuation);
 * - the first other line ends the block: the rest is free text, ignored;
 * - every `X-` line in the block is read: an unknown keyword is an error.
 */
export function parseCommandMail(text: string, opts: ParseOptions = {}): ParsedCommands {
  const prefix = opts.casePrefix ?? 'VR';
  const out: ParsedCommands = { caseId: null, commands: [], errors: [] };
  const caseIds: { id: string; line: number }[] = [];
  let current: { name: string; line: number; parts: string[] } | null = null;
  let sawKeyword = false;

  const flush = (): void => {
    if (!current) return;
    const c = current;
    current = null;
    const shape = KEYWORDS[c.name]?.arg;
    if (shape !== undefined && c.parts.length > 1 && !CONTINUES.has(shape)) {
      out.errors.push({ line: c.line + 1, code: 'unexpected-continuation', message: `X-${c.name.toUpperCase()} takes no text on further lines`, keyword: `x-${c.name}` });
      return;
    }
    const built = build(c.name, c.parts.join('\n'), prefix);
    for (const e of built.errors) out.errors.push({ line: c.line, ...e });
    if (built.caseId) caseIds.push({ id: built.caseId, line: c.line });
    out.commands.push(...built.commands);
  };

  const all = lines(text);
  for (let i = 0; i < all.length; i++) {
    const raw = all[i] ?? '';
    if (raw.trim() === '') {
      flush();
      continue;
    }
    const kw = keywordOf(raw);
    if (kw) {
      flush();
      sawKeyword = true;
      current = { name: kw.name, line: i + 1, parts: [kw.arg.trim()] };
      continue;
    }
    if (current && /^[ \t\u3000]/u.test(raw)) {
      (current as { parts: string[] }).parts.push(raw.trim());
      continue;
    }
    break; // free text
  }
  flush();

  if (!sawKeyword) out.errors.push({ line: 0, code: 'no-commands', message: 'no keyword line (X-...) at the top of the body' });
  if (out.commands.length > LIMITS.commands) {
    out.errors.push({ line: 0, code: 'too-many-commands', message: `more than ${LIMITS.commands} commands in one mail` });
  }

  // The case: X-CASE lines (signed text), else the subject tag (when the caller passed a
  // signed subject); two different ids are an error, not a choice.
  const distinct = [...new Set(caseIds.map((c) => c.id))];
  const fromSubject = opts.subject ? findCaseId(opts.subject, prefix) : null;
  if (distinct.length > 1) {
    out.errors.push({ line: caseIds[1]?.line ?? 0, code: 'case-conflict', message: `two case ids: ${distinct.join(', ')}`, keyword: 'x-case' });
  } else if (distinct.length === 1 && fromSubject && fromSubject !== distinct[0]) {
    out.errors.push({ line: caseIds[0]?.line ?? 0, code: 'case-conflict', message: `X-CASE ${distinct[0] ?? ''} differs from the subject tag ${fromSubject}`, keyword: 'x-case' });
  } else {
    out.caseId = distinct[0] ?? fromSubject;
  }
  finish(out);
  return out;
}

/** Checks that need the whole mail: a case to act on, no duplicate of itself. */
function finish(out: ParsedCommands): void {
  // An error about the case id itself already says there is no case.
  const caseError = out.errors.some((e) => e.keyword === 'x-case');
  if (out.commands.length > 0 && out.caseId === null && !caseError) {
    out.errors.push({ line: 0, code: 'no-case', message: 'no case id: add an X-CASE line' });
  }
  for (const c of out.commands) {
    if (c.kind === 'stop' && c.reason === 'duplicate' && c.duplicateOf === out.caseId) {
      out.errors.push({ line: 0, code: 'duplicate-of-self', message: `${out.caseId} cannot be a duplicate of itself`, keyword: 'x-stop', value: c.duplicateOf });
    }
  }
}

// ---- command line ----------------------------------------------------------------------

/**
 * `madoguchi case <case-id> <command> [arguments...]`: `args` is what follows `case`.
 * The command is a keyword without `X-` (`accept`, `stop`, `add-vendor`, ...; `X-ACCEPT`
 * is accepted too); the arguments are joined with spaces and read exactly as the mail
 * form reads the keyword's argument. Errors carry line 0.
 */
export function parseCliCommand(args: readonly string[], opts: Pick<ParseOptions, 'casePrefix'> = {}): ParsedCommands {
  const prefix = opts.casePrefix ?? 'VR';
  const out: ParsedCommands = { caseId: null, commands: [], errors: [] };
  const [idArg, verb, ...rest] = args;
  if (idArg === undefined || idArg.trim() === '') {
    out.errors.push({ line: 0, code: 'no-case', message: `usage: case <${prefix}-YYYY-NNNN> <command> [arguments]` });
    return out;
  }
  const id = parseCaseId(idArg, prefix);
  if (!id) out.errors.push({ line: 0, code: 'bad-case-id', message: `not a case id of this desk (${prefix}-YYYY-NNNN)`, keyword: 'x-case', value: short(idArg) });
  out.caseId = id;
  if (verb === undefined || verb.trim() === '') {
    out.errors.push({ line: 0, code: 'no-commands', message: `no command after the case id (one of ${COMMAND_KINDS.join(', ')})` });
    return out;
  }
  let name = fold(verb).trim().replace(/[:：]$/u, '');
  if (name.startsWith('x-')) name = name.slice(2);
  if (name === 'case' || !KEYWORDS[name]) {
    out.errors.push({ line: 0, code: 'unknown-keyword', message: `unknown command "${short(verb)}" (one of ${COMMAND_KINDS.join(', ')})`, keyword: name });
    return out;
  }
  const built = build(name, rest.join(' '), prefix);
  for (const e of built.errors) out.errors.push({ line: 0, ...e });
  out.commands.push(...built.commands);
  finish(out);
  return out;
}

// ---- canonical form --------------------------------------------------------------------

/**
 * The canonical mail form of one command (`X-STOP: duplicate VR-2026-0007 same root
 * cause`), from its file; `parseCommandMail` reads it back to the same command.
 */
export function formatCommand(c: Command): string {
  return specOf(c).format(c);
}
