// The texts coordinators get back (docs/commands.md "Confirmations"):
// - renderConfirmation: the answer to every command mail (and CLI run) that was
//   authorised: per command, its effect or its error; the caller sends it signed and
//   encrypted to the coordinator (it names the case and echoes the commands);
// - renderRefusalAlert: what all coordinators are told when a command mail is refused
//   (auth.ts). It says who / when / why only: nothing from the mail's subject or body and
//   no case id, so it is safe whoever wrote the mail.
// Both return `{ subject, text }` like outbound/templates.ts: the subject is for protected
// (inner) headers only.

import { needsNeutralising, neutralise } from '../outbound/neutralise.ts';
import type { SignatureStatus } from '../domain/inspect.ts';
import { formatFingerprint, formatJst, type Lang, type RenderedNotice } from '../outbound/templates.ts';
import { COMMAND_AUTH, commandErrorSentence, PARSE_ERRORS, type AuthRefusal, type CommandError } from '../domain/refusals.ts';
import { formatCommand, LIMITS, type Command, type ParsedCommands, type ParseError } from './parse.ts';
import { specOf } from './registry.ts';
import type { AppliedDetails } from './spec.ts';

// ---- what the code that applies commands reports ---------------------------------------

/** Why a well-formed command could not be applied: the catalogue's `command` family (src/domain/refusals.ts). */
export { COMMAND_ERROR_CODES, type CommandError, type CommandErrorCode } from '../domain/refusals.ts';

/** What happened to one command, in the order of ParsedCommands.commands. */
export type CommandOutcome =
  | ({ command: Command; status: 'applied' } & AppliedDetails)
  | { command: Command; status: 'failed'; error: CommandError }
  /** Not applied: the mail had errors, or another command failed and all were rolled back. */
  | { command: Command; status: 'not-applied' };

export interface ConfirmationInput {
  parsed: ParsedCommands;
  /**
   * One per parsed command, same order. Omit when nothing was attempted (parse errors):
   * every command is then reported as not applied.
   */
  outcomes?: readonly CommandOutcome[];
  /** The coordinator's name (config), or the CLI actor. */
  actor: string;
  via: 'mail' | 'cli';
  /** When the mail arrived (or the CLI ran). */
  receivedAt: Date;
}

// ---- texts -----------------------------------------------------------------------------

/** One line of display text: controls and direction overrides become visible escapes (outbound/neutralise.ts). */
const clean = neutralise;

type Applied = Extract<CommandOutcome, { status: 'applied' }>;

/** The effect sentence of an applied command (its command file's text). */
export function effectText(o: Applied, lang: Lang): string {
  return specOf(o.command).effect(o.command, o, lang, clean);
}

/** The sentence for a command that could not be applied (the catalogue's text, its parameters made safe to show). */
export function commandErrorText(e: CommandError, lang: Lang, caseId: string | null): string {
  const safe = { ...e } as Record<string, unknown>;
  for (const k of ['state', 'detail'] as const) if (typeof safe[k] === 'string') safe[k] = clean(safe[k]);
  return commandErrorSentence(safe as unknown as CommandError, lang, caseId ?? '?');
}

/** The sentence for a parse error (by code, so it can be given in Japanese too). */
export function parseErrorText(e: ParseError, lang: Lang): string {
  const en = lang === 'en';
  const text = PARSE_ERRORS[e.code].text[lang]({ kw: clean((e.keyword ?? '').toUpperCase()), v: clean(e.value ?? ''), maxCommands: LIMITS.commands, detail: clean(e.detail ?? '') });
  if (e.line <= 0) return text;
  return en ? `line ${String(e.line)}: ${text}` : `${String(e.line)}行目：${text}`;
}

/** The echo of a command: its canonical mail form, further lines indented like the first. */
function echo(c: Command, indent: string): string[] {
  return clean(formatCommand(c))
    .split('\n')
    .map((l, i) => (i === 0 ? l : `${indent}${l}`));
}

/** The lines for one outcome: `N. X-...` then `   Done: ...` / `   Error: ...`. */
export function renderOutcome(o: CommandOutcome, index: number, lang: Lang, caseId: string | null): string[] {
  const n = `${String(index + 1)}. `;
  const pad = ' '.repeat(n.length);
  const head = echo(o.command, pad);
  const out = [`${n}${head[0] ?? ''}`, ...head.slice(1)];
  const en = lang === 'en';
  switch (o.status) {
    case 'applied':
      out.push(`${pad}${en ? 'Done: ' : '実行しました：'}${effectText(o, lang)}`);
      break;
    case 'failed':
      out.push(`${pad}${en ? 'Error: ' : 'エラー：'}${commandErrorText(o.error, lang, caseId)}`);
      break;
    case 'not-applied':
      out.push(`${pad}${en ? 'Not applied.' : '実行していません。'}`);
      break;
  }
  return out;
}

/** The confirmation of one command mail or CLI run, in `lang`. */
export function renderConfirmation(input: ConfirmationInput, lang: Lang): RenderedNotice {
  const { parsed } = input;
  const outcomes: readonly CommandOutcome[] = input.outcomes ?? parsed.commands.map((command) => ({ command, status: 'not-applied' as const }));
  if (outcomes.length !== parsed.commands.length) {
    throw new Error(`renderConfirmation: ${String(outcomes.length)} outcomes for ${String(parsed.commands.length)} commands`);
  }
  if (parsed.errors.length > 0 && outcomes.some((o) => o.status === 'applied')) {
    throw new Error('renderConfirmation: a mail with errors must not have applied commands');
  }
  const en = lang === 'en';
  const caseId = parsed.caseId;
  const applied = outcomes.filter((o) => o.status === 'applied').length;
  const total = outcomes.length;

  const tag = caseId ? `[${caseId}] ` : '';
  let summary: string;
  let subject: string;
  if (applied === total && total > 0 && parsed.errors.length === 0) {
    subject = en ? `${tag}Commands applied (${String(total)})` : `${tag}コマンドを実行しました（${String(total)}件）`;
    summary = en ? (total === 1 ? 'The command was applied.' : `All ${String(total)} commands were applied.`) : `${String(total)}件のコマンドを全て実行しました。`;
  } else if (applied === 0) {
    subject = en ? `${tag}Commands not applied: nothing changed` : `${tag}コマンドを実行しませんでした（変更なし）`;
    summary =
      parsed.errors.length > 0
        ? en
          ? 'Nothing was changed: the mail has errors (listed below). Correct them and send the whole mail again.'
          : 'メールに誤りがあるため（下記）、何も変更していません。誤りを直して、メール全体をあらためてお送りください。'
        : en
          ? 'Nothing was changed: a command could not be applied (see below), so none was.'
          : '実行できないコマンドがあったため（下記）、どのコマンドも実行していません。';
  } else {
    subject = en ? `${tag}Commands partly applied (${String(applied)} of ${String(total)})` : `${tag}コマンドを一部実行しました（${String(total)}件中${String(applied)}件）`;
    summary = en
      ? `${String(applied)} of ${String(total)} commands were applied; the others were not (see below).`
      : `${String(total)}件中${String(applied)}件のコマンドを実行しました。残りは実行していません（下記）。`;
  }

  const actor = clean(input.actor);
  const lines: string[] = [];
  lines.push(en ? `Results of your commands${caseId ? ` for case ${caseId}` : ''}` : `${caseId ? `案件 ${caseId} への` : ''}コマンドの実行結果`);
  lines.push('');
  lines.push(`${en ? 'Case:     ' : '案件番号：'}${caseId ?? (en ? '(none)' : '（なし）')}`);
  const via = input.via === 'mail' ? (en ? ' (signed mail)' : '（署名付きメール）') : en ? ' (command line)' : '（コマンドライン）';
  lines.push(`${en ? 'From:     ' : '実行者：　'}${actor}${via}`);
  lines.push(`${en ? 'Received: ' : '受付日時：'}${formatJst(input.receivedAt)}`);
  lines.push('');
  lines.push(summary);
  if (outcomes.length > 0) {
    lines.push('');
    outcomes.forEach((o, i) => lines.push(...renderOutcome(o, i, lang, caseId)));
  }
  if (parsed.errors.length > 0) {
    lines.push('');
    lines.push(en ? 'Errors in the mail:' : 'メールの誤り：');
    for (const e of parsed.errors) lines.push(`  ${parseErrorText(e, lang)}`);
  }
  if (input.via === 'mail') {
    lines.push('');
    lines.push(en ? 'Free text after the command lines was not read.' : 'コマンド行より後の文章は読み取っていません。');
  }
  lines.push('');
  lines.push(en ? 'The vulnerability disclosure desk' : '脆弱性関連情報 受付窓口');
  return { subject, text: `${lines.join('\n')}\n` };
}

// ---- refusal alert ---------------------------------------------------------------------

export interface RefusalAlertInput {
  reason: AuthRefusal;
  /** When the mail arrived. */
  receivedAt: Date;
  /** The From address as written in the mail (not verified). */
  from: string | null;
  /** The signing key as the verdict names it. */
  fingerprint: string | null;
  signatureStatus: SignatureStatus;
  /** The signature's creation time, when known. */
  signedAt: Date | null;
  /** The coordinator whose key made a valid signature (replay, too old, not encrypted). */
  coordinator: string | null;
  /** The desk's own reference of the stored mail (e.g. messages.id), to look at it. */
  messageRef: string | null;
  /** auth settings, for the too-old sentence; default 72. */
  maxAgeHours?: number;
}

const SIG_STATUS: Record<SignatureStatus, [string, string]> = {
  valid: ['valid', '有効'],
  invalid: ['does not verify', '検証失敗'],
  'unknown-key': ['unknown key', '不明な鍵'],
  'expired-key': ['expired key', '期限切れの鍵'],
  'revoked-key': ['revoked key', '失効した鍵'],
  unsupported: ['unsupported algorithm or format', '対応していない方式'],
  none: ['none', 'なし'],
};

/** A From address shown only when it is a plain address; anything else is not echoed. */
function safeAddress(a: string | null): string | null {
  if (!a) return null;
  return /^[^\s@<>"()[\]\\,;:]{1,64}@[A-Za-z0-9.-]{1,253}$/u.test(a) && !needsNeutralising(a) ? a : null;
}

/**
 * The alert to all coordinators when a command mail is refused. Content-free: who (the
 * unverified From address, the signing key), when, and why, nothing of the mail's
 * subject or body and no case id.
 */
export function renderRefusalAlert(input: RefusalAlertInput, lang: Lang): RenderedNotice {
  const en = lang === 'en';
  const i = en ? 0 : 1;
  const from = safeAddress(input.from);
  const fpr = input.fingerprint && /^[0-9A-Fa-f]{16,64}$/.test(input.fingerprint) ? formatFingerprint(input.fingerprint) : null;
  const ref = input.messageRef && /^[A-Za-z0-9._:-]{1,64}$/.test(input.messageRef) ? input.messageRef : null;
  const coordinator = input.coordinator ? clean(input.coordinator) : null;
  const why = COMMAND_AUTH[input.reason].text[lang]({});
  const advice = COMMAND_AUTH[input.reason].advice[lang](input.maxAgeHours ?? 72);
  const none = en ? '(none)' : '（なし）';

  const subject = en ? `Command mail refused: ${why}` : `コマンドメールを拒否しました：${why}`;
  const lines = [
    en
      ? 'A mail written as a command to the desk was refused. Nothing was changed.'
      : '窓口へのコマンドとして書かれたメールを拒否しました。何も変更していません。',
    '',
    `${en ? 'Why:        ' : '理由：　　　'}${why}`,
    `${en ? 'From:       ' : '差出人：　　'}${from ?? (en ? '(not a plain address)' : '（通常のアドレスではありません）')}${en ? ' (as written in the mail, not verified)' : '（メールの記載のまま。未確認）'}`,
    `${en ? 'Signed by:  ' : '署名の鍵：　'}${fpr ?? none}${coordinator ? (en ? ` (the key of ${coordinator})` : `（${coordinator} の鍵）`) : ''}`,
    `${en ? 'Signature:  ' : '署名：　　　'}${SIG_STATUS[input.signatureStatus][i]}`,
    `${en ? 'Signed at:  ' : '署名日時：　'}${input.signedAt && Number.isFinite(input.signedAt.getTime()) ? formatJst(input.signedAt) : none}`,
    `${en ? 'Received:   ' : '受信日時：　'}${formatJst(input.receivedAt)}`,
  ];
  if (ref) lines.push(`${en ? 'Stored as:  message ' : '保存番号：　'}${ref}`);
  lines.push('', advice, '');
  lines.push(en ? 'The contents of the mail are not shown here.' : 'メールの内容はここには記載していません。');
  lines.push('', en ? 'The vulnerability disclosure desk' : '脆弱性関連情報 受付窓口');
  return { subject, text: `${lines.join('\n')}\n` };
}
