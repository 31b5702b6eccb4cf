// Key commands by mail (issue 9 §4): a coordinator confirms or rejects a held key with
//
//   X-CONFIRM-KEY: 12
//   X-REJECT-KEY: 13
//
// (hold ids from the `key-held` alert or `madoguchi keys list`). Same mail form as the case
// commands (docs/commands.md: keyword lines at the top, blank lines skipped, the first
// other line ends the block), same authority (a pinned coordinator key's signature on an
// encrypted mail, checked before this is read), but a mail of their own: key commands are
// about an address, not a case, so a mail mixing them with case commands is refused whole.
// Pure: parse and render; the desk applies (src/desk/mail-keys.ts).

import { KEY_COMMAND_ERRORS, type KeyCommandErrorCode, type KeyCommandParams } from '../domain/refusals.ts';

export type KeyCommand = { kind: 'confirm-key' | 'reject-key'; hold: number };

/** A refused line of a key command mail: a code of the refusal catalogue's `key-command` family. */
export interface KeyCommandError {
  line: number;
  code: KeyCommandErrorCode;
  /** The keyword as written, upper case (`X-ACCEPT`), when the error is about one. */
  kw?: string;
  hold?: number;
}

/** The catalogue's text of a key command error, in the coordinator's language. */
export function keyCommandErrorText(e: Pick<KeyCommandError, 'code' | 'kw' | 'hold'> & { state?: string }, lang: 'ja' | 'en'): string {
  const p: KeyCommandParams = { kw: e.kw ?? '', hold: e.hold !== undefined ? String(e.hold) : '', state: e.state ?? '', maxCommands: MAX_COMMANDS };
  return KEY_COMMAND_ERRORS[e.code].text[lang](p);
}

export interface ParsedKeyCommands {
  commands: KeyCommand[];
  errors: KeyCommandError[];
}

export type KeyCommandOutcome =
  | { command: KeyCommand; status: 'applied'; email: string; fingerprint: string }
  | { command: KeyCommand; status: 'failed'; why: 'no-such-hold' | 'already-decided'; state?: string }
  | { command: KeyCommand; status: 'not-applied' };

const KEY_KEYWORDS: Record<string, KeyCommand['kind']> = { 'confirm-key': 'confirm-key', 'reject-key': 'reject-key' };
const MAX_COMMANDS = 50;
// The same keyword line as parse.ts: `X-NAME`, optional space, optional colon (also full-width), argument.
const KEYWORD_LINE = /^([^\s:：﹕︓]+)\s*[:：﹕︓]?\s*(.*)$/u;

function keywordOf(line: string): { name: string; arg: string } | null {
  if (/^\s/u.test(line)) return null;
  const m = KEYWORD_LINE.exec(line);
  if (!m) return null;
  const head = (m[1] ?? '').normalize('NFKC').toLowerCase();
  if (!head.startsWith('x-') || head.length < 3) return null;
  return { name: head.slice(2), arg: (m[2] ?? '').normalize('NFKC').trim() };
}

/** The key commands of a command mail's keyword block; null when it has none (a case-command mail). */
export function parseKeyCommandMail(text: string): ParsedKeyCommands | null {
  const out: ParsedKeyCommands = { commands: [], errors: [] };
  const others: { line: number; name: string }[] = [];
  let sawKey = false;
  const all = text.replace(/^\uFEFF/u, '').replace(/\r\n?/g, '\n').split('\n');
  for (let i = 0; i < all.length; i++) {
    const raw = all[i] ?? '';
    if (raw.trim() === '') continue;
    const kw = keywordOf(raw);
    if (!kw) {
      if (/^[ \t\u3000]/u.test(raw)) {
        out.errors.push({ line: i + 1, code: 'continuation' });
        continue;
      }
      break; // free text
    }
    const kind = KEY_KEYWORDS[kw.name];
    if (!kind) {
      others.push({ line: i + 1, name: kw.name });
      continue;
    }
    sawKey = true;
    if (!/^[1-9]\d{0,15}$/.test(kw.arg)) {
      out.errors.push({ line: i + 1, code: 'bad-hold-id', kw: `X-${kw.name.toUpperCase()}` });
      continue;
    }
    out.commands.push({ kind, hold: Number(kw.arg) });
  }
  if (!sawKey) return null;
  for (const o of others) out.errors.push({ line: o.line, code: 'mixed-with-case-commands', kw: `X-${o.name.toUpperCase()}` });
  if (out.commands.length > MAX_COMMANDS) out.errors.push({ line: 0, code: 'too-many-commands' });
  const seen = new Set<number>();
  for (const c of out.commands) {
    if (seen.has(c.hold)) out.errors.push({ line: 0, code: 'hold-named-twice', hold: c.hold });
    seen.add(c.hold);
  }
  return out;
}

const spaced = (fpr: string): string => fpr.replace(/(.{4})(?=.)/g, '$1 ');

/** The coordinator's confirmation (encrypted to them by the desk): what was done to each hold. */
export function renderKeyConfirmation(parsed: ParsedKeyCommands, outcomes: readonly KeyCommandOutcome[], actor: string, lang: 'ja' | 'en'): { subject: string; text: string } {
  const en = lang === 'en';
  const applied = outcomes.filter((o) => o.status === 'applied').length;
  const subject =
    parsed.errors.length > 0 || applied === 0
      ? en
        ? 'Key commands not applied: nothing changed'
        : '鍵のコマンドを実行しませんでした（変更なし）'
      : en
        ? `Key commands applied (${applied} of ${outcomes.length})`
        : `鍵のコマンドを実行しました（${outcomes.length}件中${applied}件）`;
  const lines: string[] = [en ? `Results of your key commands (${actor.replace(/[^\p{L}\p{N} ._@:-]/gu, '')})` : `鍵のコマンドの実行結果（${actor.replace(/[^\p{L}\p{N} ._@:-]/gu, '')}）`, ''];
  if (parsed.errors.length > 0) {
    lines.push(en ? 'Nothing was changed: the mail has errors. Correct them and send the whole mail again.' : 'メールに誤りがあるため、何も変更していません。誤りを直して、メール全体をあらためてお送りください。');
    for (const e of parsed.errors) lines.push(`  ${e.line > 0 ? (en ? `line ${e.line}: ` : `${e.line}行目: `) : ''}${keyCommandErrorText(e, lang)}`);
    lines.push('');
  }
  for (const o of outcomes) {
    const what = `X-${o.command.kind.toUpperCase()}: ${o.command.hold}`;
    if (o.status === 'applied') {
      lines.push(
        o.command.kind === 'confirm-key'
          ? en
            ? `  ${what}: confirmed: key ${spaced(o.fingerprint)} is now the key for ${o.email}`
            : `  ${what}: 承認しました。鍵 ${spaced(o.fingerprint)} を ${o.email} の鍵とします`
          : en
            ? `  ${what}: rejected: key ${spaced(o.fingerprint)} is not used for ${o.email}`
            : `  ${what}: 拒否しました。鍵 ${spaced(o.fingerprint)} は ${o.email} に使用しません`,
      );
    } else if (o.status === 'failed') {
      lines.push(`  ${what}: ${keyCommandErrorText({ code: o.why, ...(o.state !== undefined ? { state: o.state } : {}) }, lang)}`);
    } else {
      lines.push(en ? `  ${what}: not applied` : `  ${what}: 実行していません`);
    }
  }
  lines.push('', en ? 'The vulnerability disclosure desk' : '脆弱性関連情報 受付窓口');
  return { subject, text: lines.join('\n') + '\n' };
}
