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
import type { AuthRefusal } from './auth.ts';
import { formatCommand, LIMITS, type Command, type ParsedCommands, type ParseError, type ParseErrorCode, type StopReason } from './parse.ts';

// ---- what the code that applies commands reports ---------------------------------------

/** Why a well-formed command could not be applied to the case. */
export type CommandError =
  /** The case (ParsedCommands.caseId) does not exist. */
  | { code: 'unknown-case' }
  /** The case's state does not allow it (state as the domain names it). */
  | { code: 'not-allowed'; state: string }
  | { code: 'unknown-vendor' | 'vendor-already-in-case' | 'vendor-not-in-case'; vendor: string }
  /** X-STOP: duplicate of a case that does not exist. */
  | { code: 'unknown-duplicate-case'; caseId: string }
  | { code: 'date-in-past'; date: string }
  /** X-DIRECT-CONTACT without the consent of the reporter or of the vendor. */
  | { code: 'no-consent'; party: 'reporter' | 'vendor'; vendor?: string }
  /** The vendor has not been sent the case's notification yet (X-DIRECT-CONTACT, X-RELAY). */
  | { code: 'vendor-not-notified'; vendor: string }
  /** X-RELAY to a vendor: the text identifies a reporter who did not consent to share their identity (guideline §2). */
  | { code: 'names-reporter' }
  /**
   * X-RELEASE / X-REDACT (issue 9 §5): the hold is not one of the case's, is resolved
   * already, names no such field, still carries the identity after the redaction, or its
   * vendor has no usable key now.
   */
  | { code: 'identity-hold'; hold: string; problem: 'unknown' | 'resolved' | 'no-field' | 'still-identifies' | 'not-sendable'; detail?: string }
  | { code: 'no-vendors' | 'nothing-to-notify' | 'not-impossible' | 'website-case' | 'internal' };

export type CommandErrorCode = CommandError['code'];

export const COMMAND_ERROR_CODES: readonly CommandErrorCode[] = [
  'unknown-case',
  'not-allowed',
  'unknown-vendor',
  'vendor-already-in-case',
  'vendor-not-in-case',
  'unknown-duplicate-case',
  'date-in-past',
  'no-consent',
  'vendor-not-notified',
  'names-reporter',
  'identity-hold',
  'no-vendors',
  'nothing-to-notify',
  'not-impossible',
  'website-case',
  'internal',
];

/** What happened to one command, in the order of ParsedCommands.commands. */
export type CommandOutcome =
  | {
      command: Command;
      status: 'applied';
      /** set-date: the date before (null: there was none). */
      previousDate?: string | null;
      /** notify-vendors: the vendors sent their first notification now. */
      notified?: string[];
      /** notify-vendors: the silent vendors sent the notification again (起算日 and reminders unchanged). */
      notifiedAgain?: string[];
      /** accept: the report was already accepted; nothing changed. */
      unchanged?: boolean;
    }
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

const STOP_LABEL: Record<Lang, (reason: StopReason, dup: string) => string> = {
  en: (r, dup) =>
    ({
      'not-vulnerability': 'not a vulnerability',
      duplicate: `duplicate of ${dup}`,
      'not-reproducible': 'cannot be reproduced',
      illegal: 'the information was obtained illegally',
      known: 'already publicly known',
    })[r],
  ja: (r, dup) =>
    ({
      'not-vulnerability': '脆弱性ではない',
      duplicate: `${dup} と重複`,
      'not-reproducible': '再現できない',
      illegal: '不正に入手された情報',
      known: '既に公知',
    })[r],
};

type Applied = Extract<CommandOutcome, { status: 'applied' }>;

/** The effect sentence of an applied command. */
export function effectText(o: Applied, lang: Lang): string {
  const c = o.command;
  const en = lang === 'en';
  switch (c.kind) {
    case 'accept':
      if (o.unchanged === true) {
        return en
          ? 'The report was already accepted (受理); nothing changed, and the reporter is not told again.'
          : '届出は既に受理済みです。変更はなく、発見者への再度の通知も行いません。';
      }
      return en
        ? 'The report is accepted (受理). The reporter will be told, with the request to keep the information confidential until publication.'
        : '届出を受理しました。発見者に受理を通知し、公表までの情報非開示をお願いします。';
    case 'reject':
      return en ? 'The report is not accepted. The reporter will be told the reason given.' : '届出を受理しませんでした。発見者に記載の理由を通知します。';
    case 'stop': {
      const label = STOP_LABEL[lang](c.reason, c.reason === 'duplicate' ? c.duplicateOf : '');
      return en ? `Handling of the case is stopped: ${label}. The reporter will be told the reason.` : `取扱いを終了しました（${label}）。発見者に理由を通知します。`;
    }
    case 'add-vendor':
      return en
        ? `Vendor ${c.vendor} is added to the case and sent the notification at once (its start date, 起算日, is today); if the report is not accepted yet, it is notified on acceptance.`
        : `製品開発者 ${c.vendor} を案件に追加し、直ちに通知します（本日がその製品開発者の起算日です）。届出が未受理の場合は、受理の時に通知します。`;
    case 'remove-vendor':
      return en ? `Vendor ${c.vendor} is removed from the case.` : `製品開発者 ${c.vendor} を案件から外しました。`;
    case 'set-date': {
      const prev = o.previousDate;
      if (en) return `The publication date is set to ${c.date} (JST).${prev ? ` It was ${prev}.` : prev === null ? ' There was none before.' : ''}`;
      return `公表日を ${c.date}（日本時間）に設定しました。${prev ? `（変更前：${prev}）` : prev === null ? '（これまで未設定）' : ''}`;
    }
    case 'mark-unreachable':
      return en
        ? `Vendor ${c.vendor} is marked unreachable: the unreachable-vendor procedure starts (its name may be published to find a contact).`
        : `製品開発者 ${c.vendor} を連絡不能としました。連絡不能開発者の手続き（連絡先を求めるための製品開発者名の公表など）を開始します。`;
    case 'mark-reachable':
      return en
        ? `Vendor ${c.vendor} is reachable again: its unreachable-vendor entry is withdrawn and the coordinators are told. If it never received the notification, it is sent now.`
        : `製品開発者 ${c.vendor} との連絡が再開しました。連絡不能としての掲載を取り下げ、調整担当者に知らせます。まだ通知を受け取っていない場合は、ここで通知します。`;
    case 'open-impossible':
      return en
        ? 'The coordination-impossible procedure (調整不能) is opened. The vendors will be given the chance to state their view before the committee decides.'
        : '調整不能の手続きを開始しました。公表判定委員会の判断の前に、製品開発者に見解を述べる機会を設けます。';
    case 'committee-decision':
      if (en) return `The committee's decision is recorded: ${c.decision === 'publish' ? 'publish' : 'do not publish'}.`;
      return `公表判定委員会の判断を記録しました：${c.decision === 'publish' ? '公表する' : '公表しない'}。`;
    case 'publish':
      return en ? 'The case is published. The reporter will be told.' : '案件を公表しました。発見者に通知します。';
    case 'note':
      return en ? 'The note is added to the case record.' : '案件の記録にメモを追加しました。';
    case 'notify-vendors': {
      if (o.notified === undefined && o.notifiedAgain === undefined) {
        return en
          ? 'The notification is sent to every vendor of the case that has not answered: a first notification to those not notified yet, the same notification again to those still silent (their start date, 起算日, and reminders unchanged).'
          : '回答のない製品開発者に通知を送ります。未通知の製品開発者には初回の通知を、通知済みで回答のない製品開発者には同じ通知を再送します（起算日と督促の回数は変わりません）。';
      }
      const first = o.notified ?? [];
      const again = o.notifiedAgain ?? [];
      if (first.length === 0 && again.length === 0) {
        return en ? 'Nothing was sent: the vendors still waiting were notified just now.' : '送信はありません。回答待ちの製品開発者には、直前に通知したところです。';
      }
      const parts = en
        ? [first.length > 0 ? `first notification to ${first.join(', ')}` : null, again.length > 0 ? `sent again to ${again.join(', ')} (start date and reminders unchanged)` : null]
        : [first.length > 0 ? `${first.join('、')} に初回の通知` : null, again.length > 0 ? `${again.join('、')} に再送（起算日と督促の回数は変わりません）` : null];
      const list = parts.filter((x) => x !== null);
      return en ? `Vendor notifications: ${list.join('; ')}.` : `製品開発者に通知しました：${list.join('、')}。`;
    }
    case 'direct-contact':
      return en
        ? `The reporter and vendor ${c.vendor} will be introduced to each other for direct exchange (both consented); each is told how to reach the other.`
        : `発見者と製品開発者 ${c.vendor} が直接やりとりできるよう（双方が同意済み）、それぞれに相手の連絡先を伝えて紹介します。`;
    case 'relay':
      // guideline §3.10: the desk speaks for the other side; the text goes as written.
      if (c.to === null) {
        return en
          ? 'The message is relayed to the reporter: a notice from the desk quoting your text as written, without the name or address of the vendor.'
          : '発見者にメッセージを中継します。窓口からの通知として本文をそのまま引用して送り、製品開発者の名称や連絡先は伝えません。';
      }
      return en
        ? `The message is relayed to vendor ${c.to}: a notice from the desk quoting your text as written, without the name or address of the reporter.`
        : `製品開発者 ${c.to} にメッセージを中継します。窓口からの通知として本文をそのまま引用して送り、発見者の氏名や連絡先は伝えません。`;
    case 'release':
      return en
        ? `The notice held as ${c.hold} is sent as it is, with what it says of the reporter; this is recorded on the case.`
        : `保留 ${c.hold} の通知を、発見者に関する記載を含めそのまま送ります。この操作は案件の記録に残ります。`;
    case 'redact':
      if (c.text !== null) {
        return en
          ? `The field ${clean(c.field ?? '')} of the notice held as ${c.hold} is replaced by your text; the notice is sent once it no longer carries the reporter's identity.`
          : `保留 ${c.hold} の通知の項目 ${clean(c.field ?? '')} をご指定の本文に置き換えました。発見者の身元が含まれなくなった時点で送ります。`;
      }
      return en
        ? `The reporter's identity is masked in ${c.field !== null ? `the field ${clean(c.field)} of ` : ''}the notice held as ${c.hold}; the notice is sent once it no longer carries it.`
        : `保留 ${c.hold} の通知${c.field !== null ? `の項目 ${clean(c.field)}` : ''}で発見者の身元を伏せました。身元が含まれなくなった時点で送ります。`;
  }
}

/** The sentence for a command that could not be applied. */
export function commandErrorText(e: CommandError, lang: Lang, caseId: string | null): string {
  const en = lang === 'en';
  const id = caseId ?? '?';
  switch (e.code) {
    case 'unknown-case':
      return en ? `Case ${id} does not exist.` : `案件 ${id} は存在しません。`;
    case 'not-allowed':
      return en ? `Not possible while the case is in state "${clean(e.state)}".` : `案件の状態が「${clean(e.state)}」のため実行できません。`;
    case 'unknown-vendor':
      return en ? `Vendor ${e.vendor} is not in the vendor registry.` : `製品開発者 ${e.vendor} は製品開発者リストに登録されていません。`;
    case 'vendor-already-in-case':
      return en ? `Vendor ${e.vendor} is already a vendor of this case.` : `製品開発者 ${e.vendor} は既にこの案件の製品開発者です。`;
    case 'vendor-not-in-case':
      return en ? `Vendor ${e.vendor} is not a vendor of this case.` : `製品開発者 ${e.vendor} はこの案件の製品開発者ではありません。`;
    case 'unknown-duplicate-case':
      return en ? `Case ${e.caseId} does not exist, so this case cannot be its duplicate.` : `案件 ${e.caseId} が存在しないため、その重複とすることはできません。`;
    case 'date-in-past':
      return en ? `The date ${e.date} is in the past.` : `${e.date} は過去の日付です。`;
    case 'no-consent': {
      if (e.party === 'reporter') return en ? 'The reporter has not agreed to direct exchange with the vendor.' : '発見者が製品開発者との直接のやりとりに同意していません。';
      const v = e.vendor ? ` ${e.vendor}` : '';
      return en ? `The vendor${v} has not agreed to direct exchange with the reporter.` : `製品開発者${v} が発見者との直接のやりとりに同意していません。`;
    }
    case 'vendor-not-notified':
      return en
        ? `Vendor ${e.vendor} has not been sent the notification of this case yet (if it was marked unreachable before it, mark it reachable first: that sends it).`
        : `製品開発者 ${e.vendor} にはまだこの案件の通知を送っていません（通知の前に連絡不能とした場合は、先に連絡再開としてください。その時に通知を送ります）。`;
    case 'names-reporter':
      return en
        ? 'The text identifies the reporter (their name or address), who has not consented to share their identity with vendors: nothing was relayed. Take it out and send the command again.'
        : '本文に発見者の氏名または連絡先が含まれていますが、発見者は製品開発者への身元の開示に同意していません。中継していません。該当箇所を除いて、あらためてコマンドを送ってください。';
    case 'identity-hold': {
      const d = clean(e.detail ?? '');
      const texts: Record<typeof e.problem, [string, string]> = {
        unknown: [`The case has no notice held as ${e.hold}.`, `この案件に保留 ${e.hold} の通知はありません。`],
        resolved: [`The notice held as ${e.hold} was already released or redacted; nothing was sent again.`, `保留 ${e.hold} の通知は既に送信済みです。再送はしていません。`],
        'no-field': [`The notice held as ${e.hold} has no field ${d}.`, `保留 ${e.hold} の通知に項目 ${d} はありません。`],
        'still-identifies': [
          `The notice held as ${e.hold} still carries the reporter's ${d}: it stays held. Redact that too, or send it as is with X-RELEASE.`,
          `保留 ${e.hold} の通知には、まだ発見者の身元（${d}）が含まれているため、保留したままです。その箇所も伏せるか、X-RELEASE でそのまま送ってください。`,
        ],
        'not-sendable': [`The notice held as ${e.hold} cannot be sent now (${d}); it stays held.`, `保留 ${e.hold} の通知は現在送れません（${d}）。保留したままです。`],
      };
      return texts[e.problem][en ? 0 : 1];
    }
    case 'no-vendors':
      return en ? 'The case has no vendors.' : 'この案件には製品開発者が登録されていません。';
    case 'nothing-to-notify':
      return en
        ? 'No vendor of the case awaits the notification: each answered or is unreachable (mark it reachable first).'
        : 'この案件に通知を待つ製品開発者はいません（いずれも回答済み、または連絡不能です。連絡不能の場合は先に連絡再開としてください）。';
    case 'not-impossible':
      return en ? 'The coordination-impossible procedure is not open for this case.' : 'この案件では調整不能の手続きが開始されていません。';
    case 'website-case':
      return en ? 'This is a website case: it has no vendors and no publication.' : 'ウェブサイトの案件のため、製品開発者や公表に関する操作はできません。';
    case 'internal':
      return en ? 'An internal error occurred; this command was not applied.' : '内部エラーのため、このコマンドは実行されませんでした。';
  }
}

/** The sentence for a parse error (by code, so it can be given in Japanese too). */
export function parseErrorText(e: ParseError, lang: Lang): string {
  const en = lang === 'en';
  const kw = clean((e.keyword ?? '').toUpperCase());
  const v = clean(e.value ?? '');
  const texts: Record<ParseErrorCode, [string, string]> = {
    'unknown-keyword': [`Unknown keyword ${kw}.`, `不明なキーワードです：${kw}`],
    'missing-argument': [`${kw} needs an argument.`, `${kw} に必要な引数がありません。`],
    'unexpected-argument': [`${kw} takes no further argument${v ? `: "${v}"` : ''}.`, `${kw} にはこれ以上の引数を指定できません${v ? `：「${v}」` : ''}。`],
    'unexpected-continuation': [`${kw} takes no text on further lines.`, `${kw} は次の行に続けて書くことができません。`],
    'bad-case-id': [`Not a case id of this desk: "${v}".`, `当窓口の案件番号ではありません：「${v}」`],
    'bad-hold': [`Not a hold named in an alert, or not a field of the held notice: "${v}".`, `通知の保留番号、または保留中の通知の項目名ではありません：「${v}」`],
    'case-conflict': ['Two different case ids are given (X-CASE lines, or X-CASE and the subject).', '異なる案件番号が指定されています（X-CASE 行どうし、または X-CASE と件名）。'],
    'no-case': ['No case id: add an X-CASE line.', '案件番号がありません。X-CASE 行を加えてください。'],
    'bad-date': [`Not a date (YYYY-MM-DD): "${v}".`, `日付（YYYY-MM-DD）ではありません：「${v}」`],
    'bad-vendor': [`Not a vendor id: "${v}".`, `製品開発者IDではありません：「${v}」`],
    'bad-stop-reason': [
      `Unknown stop reason "${v}" (not-vulnerability, duplicate, not-reproducible, illegal, known).`,
      `終了理由「${v}」は使えません（not-vulnerability、duplicate、not-reproducible、illegal、known のいずれか）。`,
    ],
    'bad-decision': [`The decision is publish or withhold, not "${v}".`, `判断は publish（公表）または withhold（非公表）です：「${v}」`],
    'duplicate-of-self': ['A case cannot be a duplicate of itself.', '案件をそれ自身の重複とすることはできません。'],
    'too-long': [`${kw}: the text is too long.`, `${kw}：文章が長すぎます。`],
    'too-many-commands': [`More than ${String(LIMITS.commands)} commands in one mail.`, `1通のメールのコマンドが ${String(LIMITS.commands)} 個を超えています。`],
    'control-characters': [`${kw}: the argument contains control characters.`, `${kw}：引数に制御文字が含まれています。`],
    'no-commands': ['No command lines (X-...) at the top of the body.', '本文の先頭にコマンド行（X-...）がありません。'],
  };
  const [t_en, t_ja] = texts[e.code];
  const text = en ? t_en : t_ja;
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

const REASON_TEXT: Record<AuthRefusal, [string, string]> = {
  unreadable: ['the mail could not be read safely (for example clear and encrypted parts together)', 'メールを安全に読み取れませんでした（暗号化された部分とされていない部分の混在など）'],
  'not-signed': ['the mail is not signed', 'メールに署名がありません'],
  'bad-signature': ['the signature is not valid', '署名が有効ではありません'],
  'not-a-coordinator-key': ['it is signed by a key that is not pinned for any coordinator', 'どの調整担当者の鍵でもない鍵で署名されています'],
  'not-encrypted': ['the mail was not encrypted to the desk', 'メールが窓口宛てに暗号化されていません'],
  'too-old': ['the signature is too old', '署名が古すぎます'],
  'future-dated': ['the signature is dated in the future', '署名の日時が未来になっています'],
  replay: ['the same signed command was already received', '同じ署名付きコマンドを既に受け付けています'],
};

const ADVICE: Record<AuthRefusal, (hours: number) => [string, string]> = {
  unreadable: () => [
    'If one of you sent it, send the command again from your usual mail client, signed and encrypted as a whole.',
    '調整担当者が送ったものであれば、普段お使いのメールソフトでメール全体に署名と暗号化をして、あらためて送ってください。',
  ],
  'not-signed': () => [
    'If one of you sent it, sign it with your coordinator key. Otherwise someone tried to give the desk a command without a key.',
    '調整担当者が送ったものであれば、調整担当者の鍵で署名してください。そうでなければ、鍵を持たない者が窓口にコマンドを送ろうとしたものです。',
  ],
  'bad-signature': () => [
    'The signature failed to verify, or its key is unknown, expired or revoked. If a coordinator key has expired or been revoked, pin the new key in the configuration. A forged signature means someone is trying to pass as a coordinator.',
    '署名を検証できないか、署名の鍵が不明・期限切れ・失効しています。調整担当者の鍵が期限切れまたは失効している場合は、新しい鍵を設定に登録してください。署名が偽造されている場合、何者かが調整担当者になりすまそうとしています。',
  ],
  'not-a-coordinator-key': () => [
    'Authority comes from the key, not the From address. If this is a new key of one of you, add its fingerprint to the configuration first. Otherwise someone may be trying to pass as a coordinator.',
    '権限は差出人アドレスではなく鍵で判断します。調整担当者の新しい鍵であれば、先にそのフィンガープリントを設定に登録してください。そうでなければ、何者かが調整担当者になりすまそうとしている可能性があります。',
  ],
  'not-encrypted': () => [
    'Commands carry case data and must be encrypted to the desk key. This command was not carried out, and re-sending this same mail will not carry it out: write it again, signed and encrypted.',
    'コマンドには案件の情報が含まれるため、窓口の鍵で暗号化する必要があります。このコマンドは実行しておらず、同じメールを再送しても実行されません。署名と暗号化をして、あらためて書いて送ってください。',
  ],
  'too-old': (h) => [
    `Commands are accepted for ${String(h)} hours after they are signed. If this is a delayed mail of yours, send the command again. Otherwise someone may be re-sending an old command.`,
    `コマンドは署名から${String(h)}時間以内のものだけを受け付けます。遅れて届いたご自身のメールであれば、あらためて送ってください。そうでなければ、何者かが古いコマンドを再送している可能性があります。`,
  ],
  'future-dated': () => [
    'Check the clock of the computer that signed it; then send the command again.',
    '署名したコンピュータの時計を確認してから、あらためて送ってください。',
  ],
  replay: () => [
    'This copy changed nothing. If none of you re-sent it, someone is replaying a coordinator\'s mail.',
    'この再送分では何も変更していません。調整担当者が再送したものでなければ、何者かが調整担当者のメールを再送しています。',
  ],
};

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
  const why = REASON_TEXT[input.reason][i];
  const advice = ADVICE[input.reason](input.maxAgeHours ?? 72)[i];
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
