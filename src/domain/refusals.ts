// The one catalogue of the desk's refusals and verdicts (issue 10): every stable code the
// desk can answer with, by family, with its Japanese and English text, one sentence for
// people (CLI, logs, digests) and whether the sender may be answered at all. Screening,
// the signed-mail gate, the command authority check, the command parser, the code that
// applies commands and the field checks all take their codes (and types) from here, so a
// code that is not in this file cannot be emitted (the families are `Record`s over the
// literal unions, checked by tsc).
//
// Codes are stable: they are stored on the timeline and in logs, and the `rejection`
// family is mail-protocol.md §5 `rejected.reason`. A code is unique within its family; the
// same word in two families (`no-case`, `unknown-case`) is the same idea seen by two
// different checks, and `family:code` is the global name.
//
// Texts that answer a stranger never contain anything from the message itself. Parameters
// (a vendor id, a date, a keyword) are passed in already made safe for display by the
// caller (outbound/neutralise.ts; domain/ may not import it). Where a reply is a whole
// notice, its wording stays in templates/*.hbs (`replyTemplate`), and the text here is the
// one-line reason.
import type { RejectReason } from './inspect.ts';

export type RefusalLang = 'ja' | 'en';

export interface Refusal<P = Record<string, never>> {
  /** One sentence for people (CLI output, logs, digests), English. */
  sentence: string;
  /** Whether the sender may be answered at all (never if answering could leak or amplify). */
  answerSender: boolean;
  /** The reply text (one line; `replyTemplate`, when set, is the notice that carries it). */
  text: Record<RefusalLang, (p: P) => string>;
  /** The notice under templates/ that answers the sender, when there is one. */
  replyTemplate?: string;
}

/** A refusal whose text takes no parameter. */
const fixed = (sentence: string, en: string, ja: string, answerSender: boolean, replyTemplate?: string): Refusal => ({
  sentence,
  answerSender,
  text: { en: () => en, ja: () => ja },
  ...(replyTemplate !== undefined ? { replyTemplate } : {}),
});

// ---- rejection: the message could not be read (mail-protocol §5 `rejected.reason`) ------

export const REJECTION_CODES = ['mixed-encryption', 'not-for-us', 'decompression-limit', 'too-large', 'malformed', 'no-content'] as const satisfies readonly RejectReason[];

/** §5: answered with the `rejected` notice (content-free; it takes the reason). */
export const REJECTIONS: Record<RejectReason, Refusal> = {
  'mixed-encryption': fixed(
    'The message mixes clear and encrypted parts; the desk never merges them (EFAIL).',
    'The message mixed encrypted and unencrypted parts.',
    '暗号化された部分とされていない部分が混在していました。',
    true,
    'rejected',
  ),
  'not-for-us': fixed('The message is encrypted to keys the desk does not hold.', 'The message was encrypted to a key this desk does not hold.', '窓口が持たない鍵で暗号化されていました。', true, 'rejected'),
  'decompression-limit': fixed(
    'The encrypted content expands beyond the desk’s size limit (possible compression bomb).',
    'The encrypted content expands beyond the size this desk accepts.',
    '暗号化された内容を展開すると、窓口が受け付ける大きさを超えます。',
    true,
    'rejected',
  ),
  'too-large': fixed('The message is larger than the desk accepts.', 'The message is larger than this desk accepts.', 'メールが窓口の受け付ける大きさを超えています。', true, 'rejected'),
  malformed: fixed('The message is malformed and cannot be read safely.', 'The message was malformed and could not be read safely.', 'メールの形式に誤りがあり、安全に読み取れませんでした。', true, 'rejected'),
  'no-content': fixed('The message has no content.', 'The message had no text and no attachments.', 'メールに本文も添付ファイルもありませんでした。', true, 'rejected'),
};

// ---- authority: a signed mail given no authority (issue 9 §1-3) ---------------------------

/**
 * The first block is decided from the structure (src/inbound/authority.ts), the second by
 * the desk's gate (src/desk/signed-gate.ts).
 */
export const AUTHORITY_REFUSALS = [
  'unreadable',
  'unsigned',
  'partly-signed',
  'several-signers',
  'signed-part-in-container',
  'detached-signature-attachment',
  'key-attached',
  'bad-signature',
  'signer-not-pinned',
  // decided by the gate (src/desk/signed-gate.ts)
  'not-encrypted',
  'sender-not-contact',
  'signature-too-old',
  'signature-in-future',
  'no-case',
  'unknown-case',
  'case-conflict',
  'replayed-signature',
] as const;
export type AuthorityRefusal = (typeof AUTHORITY_REFUSALS)[number];

/**
 * A refusal of the structure or of the key says nothing to the From address (not trusted);
 * a party's own signed mail refused for its age, its case or a replay gets the
 * `signed-mail-not-applied` notice, encrypted to that party's pinned keys.
 */
const party = (sentence: string, en: string, ja: string): Refusal => fixed(sentence, en, ja, true, 'signed-mail-not-applied');
const silent = (sentence: string, en: string, ja: string): Refusal => fixed(sentence, en, ja, false);

export const AUTHORITY: Record<AuthorityRefusal, Refusal> = {
  unreadable: silent('The verdict rejected the message: nothing in it was read.', 'the mail could not be read safely', 'メールを安全に読み取れませんでした'),
  unsigned: silent('No signature covers the message.', 'the mail is not signed', 'メールに署名がありません'),
  'partly-signed': silent('A signature covers only part of what the desk reads.', 'only part of the mail is signed', 'メールの一部だけが署名されています'),
  'several-signers': silent('More than one signature covers the content.', 'the mail carries several signatures', 'メールに複数の署名があります'),
  'signed-part-in-container': silent('The signed part sits inside an unsigned container.', 'the signed part is inside an unsigned message', '署名された部分が署名のないメールの中にあります'),
  'detached-signature-attachment': silent('The signature came as a detached attachment.', 'the signature is a separate attachment', '署名が別の添付ファイルになっています'),
  'key-attached': silent('The message carries a key; a travelling key never decides authority.', 'the mail carries a key', 'メールに鍵が添付されています'),
  'bad-signature': silent('The signature does not verify, or its key is expired or revoked.', 'the signature is not valid', '署名が有効ではありません'),
  'signer-not-pinned': silent('The signing key is not pinned for the party.', 'the signing key is not registered for the sender', '署名の鍵が差出人の鍵として登録されていません'),
  'not-encrypted': silent('The message was not encrypted to the desk.', 'the mail was not encrypted to the desk', 'メールが窓口宛てに暗号化されていません'),
  'sender-not-contact': party('The mail was not sent from a registered contact address.', 'it was not sent from your registered contact address', '登録された連絡先アドレスから送られていません'),
  'signature-too-old': party('The signature is older than the desk accepts.', 'the signature is older than the desk accepts', '署名が窓口の受け付ける期間より古くなっています'),
  'signature-in-future': party('The signature is dated in the future.', 'the signature is dated in the future', '署名の日時が未来になっています'),
  'no-case': party('The signed text names no case.', 'the signed text names no case', '署名された本文に案件番号がありません'),
  'unknown-case': party('The signed text names a case the desk does not have.', 'the signed text names a case the desk does not have', '署名された本文の案件番号は窓口にありません'),
  'case-conflict': party('The signed text and the references name different cases.', 'the signed text names one case and the mail answers another', '署名された本文と返信先の案件が異なります'),
  'replayed-signature': party('The same signature was already used once.', 'this signature was already received and applied once', 'この署名は既に一度受け付けて処理しています'),
};

// ---- command authority: a command mail refused (docs/commands.md) ------------------------

export const COMMAND_AUTH_REFUSALS = ['unreadable', 'not-signed', 'bad-signature', 'not-a-coordinator-key', 'not-encrypted', 'too-old', 'future-dated', 'replay'] as const;
/**
 * Why a command mail was refused. Beyond the brief's six: `unreadable` (the verdict
 * rejected the message, e.g. mixed-encryption or malformed: nothing in it was read) and
 * `future-dated` (a clock problem, not an old command: told apart for the alert).
 */
export type AuthRefusal = (typeof COMMAND_AUTH_REFUSALS)[number];

/** The From address of a refused command mail is not trusted: only the coordinators are told (with `advice`). */
export interface CommandAuthRefusal extends Refusal {
  /** What the coordinators should do about it; `hours` is the age limit. */
  advice: Record<RefusalLang, (hours: number) => string>;
}

const auth = (sentence: string, en: string, ja: string, adviceEn: (h: number) => string, adviceJa: (h: number) => string): CommandAuthRefusal => ({
  ...fixed(sentence, en, ja, false),
  advice: { en: adviceEn, ja: adviceJa },
});

export const COMMAND_AUTH: Record<AuthRefusal, CommandAuthRefusal> = {
  unreadable: auth(
    'The command mail was rejected before reading.',
    'the mail could not be read safely (for example clear and encrypted parts together)',
    'メールを安全に読み取れませんでした（暗号化された部分とされていない部分の混在など）',
    () => 'If one of you sent it, send the command again from your usual mail client, signed and encrypted as a whole.',
    () => '調整担当者が送ったものであれば、普段お使いのメールソフトでメール全体に署名と暗号化をして、あらためて送ってください。',
  ),
  'not-signed': auth(
    'The command mail is not signed over its whole content.',
    'the mail is not signed',
    'メールに署名がありません',
    () => 'If one of you sent it, sign it with your coordinator key. Otherwise someone tried to give the desk a command without a key.',
    () => '調整担当者が送ったものであれば、調整担当者の鍵で署名してください。そうでなければ、鍵を持たない者が窓口にコマンドを送ろうとしたものです。',
  ),
  'bad-signature': auth(
    'The command mail’s signature is not valid.',
    'the signature is not valid',
    '署名が有効ではありません',
    () =>
      'The signature failed to verify, or its key is unknown, expired or revoked. If a coordinator key has expired or been revoked, pin the new key in the configuration. A forged signature means someone is trying to pass as a coordinator.',
    () =>
      '署名を検証できないか、署名の鍵が不明・期限切れ・失効しています。調整担当者の鍵が期限切れまたは失効している場合は、新しい鍵を設定に登録してください。署名が偽造されている場合、何者かが調整担当者になりすまそうとしています。',
  ),
  'not-a-coordinator-key': auth(
    'The command mail is signed by a key pinned for no coordinator.',
    'it is signed by a key that is not pinned for any coordinator',
    'どの調整担当者の鍵でもない鍵で署名されています',
    () => 'Authority comes from the key, not the From address. If this is a new key of one of you, add its fingerprint to the configuration first. Otherwise someone may be trying to pass as a coordinator.',
    () => '権限は差出人アドレスではなく鍵で判断します。調整担当者の新しい鍵であれば、先にそのフィンガープリントを設定に登録してください。そうでなければ、何者かが調整担当者になりすまそうとしている可能性があります。',
  ),
  'not-encrypted': auth(
    'The command mail was not encrypted to the desk.',
    'the mail was not encrypted to the desk',
    'メールが窓口宛てに暗号化されていません',
    () => 'Commands carry case data and must be encrypted to the desk key. This command was not carried out, and re-sending this same mail will not carry it out: write it again, signed and encrypted.',
    () => 'コマンドには案件の情報が含まれるため、窓口の鍵で暗号化する必要があります。このコマンドは実行しておらず、同じメールを再送しても実行されません。署名と暗号化をして、あらためて書いて送ってください。',
  ),
  'too-old': auth(
    'The command was signed longer ago than the desk accepts.',
    'the signature is too old',
    '署名が古すぎます',
    (h) => `Commands are accepted for ${String(h)} hours after they are signed. If this is a delayed mail of yours, send the command again. Otherwise someone may be re-sending an old command.`,
    (h) => `コマンドは署名から${String(h)}時間以内のものだけを受け付けます。遅れて届いたご自身のメールであれば、あらためて送ってください。そうでなければ、何者かが古いコマンドを再送している可能性があります。`,
  ),
  'future-dated': auth(
    'The command’s signature is dated in the future.',
    'the signature is dated in the future',
    '署名の日時が未来になっています',
    () => 'Check the clock of the computer that signed it; then send the command again.',
    () => '署名したコンピュータの時計を確認してから、あらためて送ってください。',
  ),
  replay: auth(
    'The same signed command was received before.',
    'the same signed command was already received',
    '同じ署名付きコマンドを既に受け付けています',
    () => "This copy changed nothing. If none of you re-sent it, someone is replaying a coordinator's mail.",
    () => 'この再送分では何も変更していません。調整担当者が再送したものでなければ、何者かが調整担当者のメールを再送しています。',
  ),
};

// ---- parse: a command mail that cannot be read (src/commands/parse.ts) -------------------

export const PARSE_ERROR_CODES = [
  'unknown-keyword',
  'missing-argument',
  'unexpected-argument',
  'unexpected-continuation',
  'bad-case-id',
  'case-conflict',
  'no-case',
  'bad-date',
  'bad-vendor',
  'bad-stop-reason',
  'bad-decision',
  'bad-hold',
  'duplicate-of-self',
  'too-long',
  'too-many-commands',
  'control-characters',
  'no-commands',
  'bad-vulnerability-number',
  'bad-cwe',
  'bad-cvss',
  'bad-cve',
] as const;
export type ParseErrorCode = (typeof PARSE_ERROR_CODES)[number];

/** The keyword as written (upper case, safe to show), the offending value (safe), the command limit, why (safe; bad-cvss). */
export interface ParseErrorParams {
  kw: string;
  v: string;
  maxCommands: number;
  detail: string;
}

/** Answered in the coordinator's confirmation (signed and encrypted to the coordinator). */
const parse = (sentence: string, en: (p: ParseErrorParams) => string, ja: (p: ParseErrorParams) => string): Refusal<ParseErrorParams> => ({ sentence, answerSender: true, text: { en, ja } });

export const PARSE_ERRORS: Record<ParseErrorCode, Refusal<ParseErrorParams>> = {
  'unknown-keyword': parse('An X- line names no keyword of the desk.', (p) => `Unknown keyword ${p.kw}.`, (p) => `不明なキーワードです：${p.kw}`),
  'missing-argument': parse('A keyword lacks its argument.', (p) => `${p.kw} needs an argument.`, (p) => `${p.kw} に必要な引数がありません。`),
  'unexpected-argument': parse(
    'A keyword has more argument than it takes.',
    (p) => `${p.kw} takes no further argument${p.v ? `: "${p.v}"` : ''}.`,
    (p) => `${p.kw} にはこれ以上の引数を指定できません${p.v ? `：「${p.v}」` : ''}。`,
  ),
  'unexpected-continuation': parse('An indented line follows a keyword that takes no free text.', (p) => `${p.kw} takes no text on further lines.`, (p) => `${p.kw} は次の行に続けて書くことができません。`),
  'bad-case-id': parse('Not a case id of this desk.', (p) => `Not a case id of this desk: "${p.v}".`, (p) => `当窓口の案件番号ではありません：「${p.v}」`),
  'case-conflict': parse(
    'Two different case ids are given.',
    () => 'Two different case ids are given (X-CASE lines, or X-CASE and the subject).',
    () => '異なる案件番号が指定されています（X-CASE 行どうし、または X-CASE と件名）。',
  ),
  'no-case': parse('Commands without a case.', () => 'No case id: add an X-CASE line.', () => '案件番号がありません。X-CASE 行を加えてください。'),
  'bad-date': parse('Not a calendar date.', (p) => `Not a date (YYYY-MM-DD): "${p.v}".`, (p) => `日付（YYYY-MM-DD）ではありません：「${p.v}」`),
  'bad-vendor': parse('Not a vendor id.', (p) => `Not a vendor id: "${p.v}".`, (p) => `製品開発者IDではありません：「${p.v}」`),
  'bad-stop-reason': parse(
    'Not a stop reason.',
    (p) => `Unknown stop reason "${p.v}" (not-vulnerability, duplicate, not-reproducible, illegal, known).`,
    (p) => `終了理由「${p.v}」は使えません（not-vulnerability、duplicate、not-reproducible、illegal、known のいずれか）。`,
  ),
  'bad-decision': parse('Not a committee decision.', (p) => `The decision is publish or withhold, not "${p.v}".`, (p) => `判断は publish（公表）または withhold（非公表）です：「${p.v}」`),
  'bad-hold': parse(
    'Not a hold of the identity guard, or not a field of the held notice.',
    (p) => `Not a hold named in an alert, or not a field of the held notice: "${p.v}".`,
    (p) => `通知の保留番号、または保留中の通知の項目名ではありません：「${p.v}」`,
  ),
  'duplicate-of-self': parse('A case named as a duplicate of itself.', () => 'A case cannot be a duplicate of itself.', () => '案件をそれ自身の重複とすることはできません。'),
  'too-long': parse('A free text is over its limit.', (p) => `${p.kw}: the text is too long.`, (p) => `${p.kw}：文章が長すぎます。`),
  'too-many-commands': parse(
    'Too many commands in one mail.',
    (p) => `More than ${String(p.maxCommands)} commands in one mail.`,
    (p) => `1通のメールのコマンドが ${String(p.maxCommands)} 個を超えています。`,
  ),
  'control-characters': parse('Control or direction-override characters in an argument.', (p) => `${p.kw}: the argument contains control characters.`, (p) => `${p.kw}：引数に制御文字が含まれています。`),
  'no-commands': parse('No keyword line at the top of the body.', () => 'No command lines (X-...) at the top of the body.', () => '本文の先頭にコマンド行（X-...）がありません。'),
  'bad-vulnerability-number': parse(
    'Not a vulnerability number of a case.',
    (p) => `${p.kw}: not a vulnerability number (1, 2, ...): "${p.v}".`,
    (p) => `${p.kw}：脆弱性の番号（1、2、…）ではありません：「${p.v}」`,
  ),
  'bad-cwe': parse('Not a CWE id.', (p) => `${p.kw}: not a CWE id (CWE-79): "${p.v}".`, (p) => `${p.kw}：CWE 番号（CWE-79 など）ではありません：「${p.v}」`),
  // issue 12: "an invalid vector gets a clear answer, never a guess" (src/adapters/cvss.ts says why).
  'bad-cvss': parse(
    'Not a valid CVSS v3.1 or v4.0 vector (never guessed or corrected).',
    (p) => `${p.kw}: not a valid CVSS v3.1 or v4.0 vector (${p.detail}): "${p.v}". Nothing was applied; send the complete vector.`,
    (p) => `${p.kw}：有効な CVSS v3.1／v4.0 のベクトルではありません（${p.detail}）：「${p.v}」。何も実行していません。完全なベクトルをお送りください。`,
  ),
  'bad-cve': parse(
    'Not a CVE id.',
    (p) => `${p.kw}: not a CVE id (CVE-YYYY-NNNN, four or more digits after the year): "${p.v}".`,
    (p) => `${p.kw}：CVE 番号（CVE-YYYY-NNNN、年の後に 4 桁以上の数字）ではありません：「${p.v}」`,
  ),
};

// ---- command: a well-formed command the case does not allow (src/rules/product.ts) -------

/** Why a well-formed command could not be applied to the case. */
export type CommandError =
  /** The case (ParsedCommands.caseId) does not exist. */
  | { code: 'unknown-case' }
  /** The case's state does not allow it (the rules' own words). */
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
  /** X-CONFIRM-OPERATOR: no such operator in the operators registry (issue 11). */
  | { code: 'unknown-operator'; operator: string }
  /** X-SPLIT-VULNERABILITY / X-SET-CVE: the case has no vulnerability of that number (issue 12). */
  | { code: 'unknown-vulnerability'; number: number }
  /** X-SET-CVE: the CVE id is already another vulnerability's (a CVE names one vulnerability). */
  | { code: 'cve-taken'; cve: string; caseId: string; number: number }
  /**
   * X-HANDOVER (issue 12 "Outbound"): no such partner in the partner registry (or removed);
   * the partner has no usable pinned key now (fail closed: nothing of the case is sent);
   * the case was handed to that partner already.
   */
  | { code: 'unknown-partner' | 'partner-no-key' | 'already-handed-over'; partner: string }
  /** X-HANDOVER: the case is stopped (invalid or closed) or already published: nothing is handed over. */
  | { code: 'case-closed'; why: 'stopped' | 'published' }
  /**
   * X-HANDOVER before the report was accepted (受理; guideline §3.2 screening and acceptance
   * come before §3.4 coordination, and handing the report to a partner is coordination):
   * src/rules/handover.ts. `state`: the report state (received, valid, deferred).
   */
  | { code: 'not-accepted'; state: string }
  | { code: 'no-vendors' | 'nothing-to-notify' | 'not-impossible' | 'website-case' | 'product-case' | 'internal' }
  /**
   * X-PRIORITY-NOTICE (guideline §3 item 12; src/rules/priority-notice.ts): the first of
   * the conditions not met. `no-vendor-consent` names the fixed vendors without consent.
   */
  | { code: 'no-contacts' | 'already-published' | 'no-fix' | 'reporter-not-told' }
  | { code: 'no-vendor-consent'; vendor: string };

export type CommandErrorCode = CommandError['code'];

/** The error, its free-text parameters made safe for display, and the case it was for (`forCase`). */
type CommandErrorParams<C extends CommandErrorCode> = CommandError & { code: C; forCase: string };

type CommandRefusals = { [C in CommandErrorCode]: Refusal<CommandErrorParams<C>> };

const cmd = <C extends CommandErrorCode>(sentence: string, en: (p: CommandErrorParams<C>) => string, ja: (p: CommandErrorParams<C>) => string): Refusal<CommandErrorParams<C>> => ({
  sentence,
  answerSender: true,
  text: { en, ja },
});

const HOLD_TEXTS: Record<Extract<CommandError, { code: 'identity-hold' }>['problem'], (hold: string, d: string) => [string, string]> = {
  unknown: (h) => [`The case has no notice held as ${h}.`, `この案件に保留 ${h} の通知はありません。`],
  resolved: (h) => [`The notice held as ${h} was already released or redacted; nothing was sent again.`, `保留 ${h} の通知は既に送信済みです。再送はしていません。`],
  'no-field': (h, d) => [`The notice held as ${h} has no field ${d}.`, `保留 ${h} の通知に項目 ${d} はありません。`],
  'still-identifies': (h, d) => [
    `The notice held as ${h} still carries the reporter's ${d}: it stays held. Redact that too, or send it as is with X-RELEASE.`,
    `保留 ${h} の通知には、まだ発見者の身元（${d}）が含まれているため、保留したままです。その箇所も伏せるか、X-RELEASE でそのまま送ってください。`,
  ],
  'not-sendable': (h, d) => [`The notice held as ${h} cannot be sent now (${d}); it stays held.`, `保留 ${h} の通知は現在送れません（${d}）。保留したままです。`],
};

/** Answered in the coordinator's confirmation. */
export const COMMAND_ERRORS: CommandRefusals = {
  'unknown-case': cmd<'unknown-case'>('The case does not exist.', (p) => `Case ${p.forCase} does not exist.`, (p) => `案件 ${p.forCase} は存在しません。`),
  'not-allowed': cmd<'not-allowed'>('The case’s state does not allow the command.', (p) => `Not possible while the case is in state "${p.state}".`, (p) => `案件の状態が「${p.state}」のため実行できません。`),
  'unknown-vendor': cmd<'unknown-vendor'>('No such vendor in the registry.', (p) => `Vendor ${p.vendor} is not in the vendor registry.`, (p) => `製品開発者 ${p.vendor} は製品開発者リストに登録されていません。`),
  'vendor-already-in-case': cmd<'vendor-already-in-case'>('The vendor is already on the case.', (p) => `Vendor ${p.vendor} is already a vendor of this case.`, (p) => `製品開発者 ${p.vendor} は既にこの案件の製品開発者です。`),
  'vendor-not-in-case': cmd<'vendor-not-in-case'>('The vendor is not on the case.', (p) => `Vendor ${p.vendor} is not a vendor of this case.`, (p) => `製品開発者 ${p.vendor} はこの案件の製品開発者ではありません。`),
  'unknown-duplicate-case': cmd<'unknown-duplicate-case'>(
    'The case named as the original does not exist.',
    (p) => `Case ${p.caseId} does not exist, so this case cannot be its duplicate.`,
    (p) => `案件 ${p.caseId} が存在しないため、その重複とすることはできません。`,
  ),
  'date-in-past': cmd<'date-in-past'>('The date is in the past.', (p) => `The date ${p.date} is in the past.`, (p) => `${p.date} は過去の日付です。`),
  'no-consent': cmd<'no-consent'>(
    'Direct contact without both sides’ consent.',
    (p) => (p.party === 'reporter' ? 'The reporter has not agreed to direct exchange with the vendor.' : `The vendor${p.vendor ? ` ${p.vendor}` : ''} has not agreed to direct exchange with the reporter.`),
    (p) => (p.party === 'reporter' ? '発見者が製品開発者との直接のやりとりに同意していません。' : `製品開発者${p.vendor ? ` ${p.vendor}` : ''} が発見者との直接のやりとりに同意していません。`),
  ),
  'vendor-not-notified': cmd<'vendor-not-notified'>(
    'The vendor has not been sent the notification yet.',
    (p) => `Vendor ${p.vendor} has not been sent the notification of this case yet (if it was marked unreachable before it, mark it reachable first: that sends it).`,
    (p) => `製品開発者 ${p.vendor} にはまだこの案件の通知を送っていません（通知の前に連絡不能とした場合は、先に連絡再開としてください。その時に通知を送ります）。`,
  ),
  'names-reporter': cmd<'names-reporter'>(
    'A relayed text identifies a reporter who did not consent (guideline §2).',
    () => 'The text identifies the reporter (their name or address), who has not consented to share their identity with vendors: nothing was relayed. Take it out and send the command again.',
    () => '本文に発見者の氏名または連絡先が含まれていますが、発見者は製品開発者への身元の開示に同意していません。中継していません。該当箇所を除いて、あらためてコマンドを送ってください。',
  ),
  'identity-hold': cmd<'identity-hold'>(
    'The held notice cannot be released or redacted as asked.',
    (p) => HOLD_TEXTS[p.problem](p.hold, p.detail ?? '')[0],
    (p) => HOLD_TEXTS[p.problem](p.hold, p.detail ?? '')[1],
  ),
  'no-vendors': cmd<'no-vendors'>('The case has no vendors.', () => 'The case has no vendors.', () => 'この案件には製品開発者が登録されていません。'),
  'nothing-to-notify': cmd<'nothing-to-notify'>(
    'No vendor of the case awaits the notification.',
    () => 'No vendor of the case awaits the notification: each answered or is unreachable (mark it reachable first).',
    () => 'この案件に通知を待つ製品開発者はいません（いずれも回答済み、または連絡不能です。連絡不能の場合は先に連絡再開としてください）。',
  ),
  'not-impossible': cmd<'not-impossible'>('No coordination-impossible procedure is open.', () => 'The coordination-impossible procedure is not open for this case.', () => 'この案件では調整不能の手続きが開始されていません。'),
  'website-case': cmd<'website-case'>('A website case has no vendors and no publication.', () => 'This is a website case: it has no vendors and no publication.', () => 'ウェブサイトの案件のため、製品開発者や公表に関する操作はできません。'),
  'unknown-operator': cmd<'unknown-operator'>(
    'No such operator in the operators registry.',
    (p) => `Operator ${p.operator} is not in the operators registry: add it first (madoguchi operators).`,
    (p) => `運営者 ${p.operator} は運営者リストに登録されていません。先に登録してください（madoguchi operators）。`,
  ),
  'unknown-vulnerability': cmd<'unknown-vulnerability'>(
    'The case has no vulnerability of that number.',
    (p) => `Case ${p.forCase} has no vulnerability ${p.number} (see madoguchi cases show).`,
    (p) => `案件 ${p.forCase} に脆弱性 ${p.number} はありません（madoguchi cases show で確認できます）。`,
  ),
  'cve-taken': cmd<'cve-taken'>(
    'The CVE id is already given to another vulnerability.',
    (p) => `${p.cve} is already the CVE id of vulnerability ${p.number} of case ${p.caseId}: one CVE id names one vulnerability.`,
    (p) => `${p.cve} は既に案件 ${p.caseId} の脆弱性 ${p.number} の CVE 番号です。一つの CVE 番号は一つの脆弱性にのみ付けられます。`,
  ),
  'unknown-partner': cmd<'unknown-partner'>(
    'No such partner in the partner registry.',
    (p) => `Partner ${p.partner} is not in the partner registry: add it first (madoguchi partners).`,
    (p) => `連携機関 ${p.partner} は連携機関リストに登録されていません。先に登録してください（madoguchi partners）。`,
  ),
  'partner-no-key': cmd<'partner-no-key'>(
    'The partner has no usable pinned key: nothing of the case is sent (fail closed).',
    (p) => `Partner ${p.partner} has no usable pinned key (expired, revoked or without encryption): nothing of the case was sent. Pin a new key (madoguchi partners) and send the command again.`,
    (p) => `連携機関 ${p.partner} には使用できる登録済みの鍵がありません（期限切れ、失効、または暗号化に使えない鍵）。案件の情報は何も送っていません。新しい鍵を登録してから（madoguchi partners）、あらためてコマンドを送ってください。`,
  ),
  'already-handed-over': cmd<'already-handed-over'>(
    'The case was handed over to that partner already.',
    (p) => `The case was already handed over to partner ${p.partner}; nothing was sent again.`,
    (p) => `この案件は既に連携機関 ${p.partner} に引き継いでいます。再送はしていません。`,
  ),
  'case-closed': cmd<'case-closed'>(
    'The case is stopped or published: it cannot be handed over.',
    (p) => (p.why === 'published' ? 'The case is already published: it is not handed over.' : 'The case is stopped: it is not handed over.'),
    (p) => (p.why === 'published' ? 'この案件は公表済みのため、引き継ぎません。' : 'この案件は取扱いを終了しているため、引き継ぎません。'),
  ),
  'not-accepted': cmd<'not-accepted'>(
    'The report is not accepted yet: it cannot be handed over (guideline §3.2 before §3.4).',
    (p) => `The report is not accepted yet (report state "${p.state}"): handing it to a partner is coordination, which starts only after acceptance. Accept it first (X-ACCEPT), then hand it over. Nothing was sent.`,
    (p) => `届出がまだ受理されていません（届出の状態「${p.state}」）。連携機関への引き継ぎは調整の一部であり、受理の後に行います。受理してから（X-ACCEPT）引き継いでください。何も送っていません。`,
  ),
  'product-case': cmd<'product-case'>('A product case has no site operator.', () => 'This is a product case: it has no site operator.', () => '製品の案件のため、ウェブサイト運営者に関する操作はできません。'),
  'no-contacts': cmd<'no-contacts'>(
    'No priority-notice contact with a usable key is configured.',
    () => 'No priority-notice contact with a usable key is configured (priorityNotice.contacts): nothing was sent.',
    () => '鍵が使える優先通知の連絡先が設定されていません（priorityNotice.contacts）。何も送っていません。',
  ),
  'already-published': cmd<'already-published'>(
    'The case is published or closed: a priority notice is only for before publication.',
    () => 'The case is published or closed: a priority notice is only sent before publication. Nothing was sent.',
    () => 'この案件は公表済みまたは終了しています。優先通知は公表前に限ります。何も送っていません。',
  ),
  'no-fix': cmd<'no-fix'>(
    'No vendor of the case has reported a fix yet.',
    () => 'No vendor of the case has reported a fix (fixed versions) yet: a priority notice carries fix information. Nothing was sent.',
    () => 'この案件の製品開発者から修正（修正バージョン）の報告がまだありません。優先通知は対策情報を伝えるものです。何も送っていません。',
  ),
  'no-vendor-consent': cmd<'no-vendor-consent'>(
    'A vendor with a fix has not consented to the priority notice.',
    (p) => `No consent to a priority notice is recorded for ${p.vendor}: consult the vendor, then record it with X-PRIORITY-CONSENT. Nothing was sent.`,
    (p) => `${p.vendor} の優先通知への同意が記録されていません。製品開発者と協議のうえ、X-PRIORITY-CONSENT で記録してください。何も送っていません。`,
  ),
  'reporter-not-told': cmd<'reporter-not-told'>(
    'The reporter could not be told first (no usable key).',
    () => 'The reporter must be told first, and has no usable key for an encrypted notice: nothing was sent.',
    () => '優先通知の前に発見者へ伝える必要がありますが、発見者の暗号化に使える鍵がありません。何も送っていません。',
  ),
  internal: cmd<'internal'>('An internal error; the command was not applied.', () => 'An internal error occurred; this command was not applied.', () => '内部エラーのため、このコマンドは実行されませんでした。'),
};

export const COMMAND_ERROR_CODES = Object.keys(COMMAND_ERRORS) as CommandErrorCode[];

/** The confirmation's sentence for `e` (its parameters already safe to show). */
export function commandErrorSentence(e: CommandError, lang: RefusalLang, caseId: string): string {
  const entry = COMMAND_ERRORS[e.code] as Refusal<CommandErrorParams<CommandErrorCode>>;
  return entry.text[lang]({ ...e, forCase: caseId });
}

// ---- field: a bad value in a form (issue 9 §6; src/forms/field-checks.ts) ----------------

export const FIELD_PROBLEM_CODES = ['control-character', 'too-long', 'unknown-case', 'unknown-vulnerability', 'bad-url'] as const;
export type FieldProblemCode = (typeof FIELD_PROBLEM_CODES)[number];

/** `oneLine`: the field is a one-line field; `max`: its limit, formatted. */
export interface FieldProblemParams {
  oneLine: boolean;
  max: string;
}

/**
 * Answered with the `invalid` notice (encrypted: it names the fields; in clear it says
 * only that some values are not allowed). The notice's wording is rendered by
 * outbound/templates.ts (invalidView); test/unit/refusals.test.ts keeps the two equal.
 */
export const FIELD_PROBLEMS: Record<FieldProblemCode, Refusal<FieldProblemParams>> = {
  'control-character': {
    sentence: 'A field holds a control character it may not hold.',
    answerSender: true,
    replyTemplate: 'invalid',
    text: {
      ja: (p) => (p.oneLine ? '制御文字（タブや NUL など）が含まれています。1 行の文字だけで書いてください' : '制御文字（NUL など）が含まれています。取り除いてください'),
      en: (p) => (p.oneLine ? 'contains a control character (such as TAB or NUL); please write it as plain text on one line' : 'contains a control character (such as NUL); please remove it'),
    },
  },
  'too-long': {
    sentence: 'A field is longer than its limit (refused, never cut).',
    answerSender: true,
    replyTemplate: 'invalid',
    text: {
      ja: (p) => `長すぎます。${p.max} 文字以内に短くするか、添付ファイルにしてください`,
      en: (p) => `is too long (at most ${p.max} characters); please shorten it or attach it as a file`,
    },
  },
  'unknown-case': {
    sentence: 'A form names a case this desk does not have.',
    answerSender: true,
    replyTemplate: 'invalid',
    text: {
      ja: () => 'この窓口にない案件番号です。通知に書かれた案件番号を確認してください',
      en: () => 'is not a case of this desk; please check the case ID given in our notice',
    },
  },
  // issue 12: a reply's `Vulnerability:` line that names no vulnerability of the case, or
  // cannot be read: refused, never applied to all the case's vulnerabilities instead.
  'unknown-vulnerability': {
    sentence: 'A vendor reply names a vulnerability the case does not have, or one that cannot be read.',
    answerSender: true,
    replyTemplate: 'invalid',
    text: {
      ja: () => 'この案件にない脆弱性の番号か、番号として読めません。通知に書かれた脆弱性の番号（1、2 など）を書くか、全ての脆弱性についての回答であればこの行を空けてください',
      en: () => "names no vulnerability of this case, or is not a number; please give the vulnerability's number from our notice (1, 2, ...), or leave the line empty when the status is for all of them",
    },
  },
  // issue 11: a site URL the desk cannot read as a website (src/rules/website-scope.ts
  // parseSiteUrl) is refused at intake, before any notice would carry it.
  'bad-url': {
    sentence: "A website report's URL is not a website address (http or https and a host name).",
    answerSender: true,
    replyTemplate: 'invalid',
    text: {
      ja: () => 'ウェブサイトのアドレスとして読めません。https:// で始まるサイトの URL（例：https://www.example.jp/login）を書いてください',
      en: () => 'is not a website address; please give the URL of the site, starting with https:// (for example https://www.example.jp/login)',
    },
  },
};

// ---- partner: a partner CSIRT's case mail not taken (issue 12; guideline §5) ----------------

export const PARTNER_REFUSAL_CODES = [
  'form-incomplete',
  'form-invalid',
  'embargo-past',
  'foreign-reference',
  'unknown-reference',
  'reference-conflict',
  'answer-invalid',
  'case-closed',
  'csaf-invalid',
  'csaf-too-large',
  'csaf-several',
  'csaf-disagrees',
] as const;
export type PartnerRefusalCode = (typeof PARTNER_REFUSAL_CODES)[number];

/**
 * Answered with the `partner-answer` notice, encrypted to the partner's pinned keys (its
 * signature over the whole message proved who it is, so the answer may name the fields).
 */
export const PARTNER_REFUSALS: Record<PartnerRefusalCode, Refusal> = {
  'form-incomplete': fixed(
    'A partner case form lacks a required field.',
    'The partner case form lacks required fields (listed below); no case was opened.',
    '連携機関の案件様式に必須の項目がありません。項目は下記のとおりです。案件は開始していません。',
    true,
    'partner-answer',
  ),
  'form-invalid': fixed(
    'A partner case form holds a value the desk cannot read.',
    'Some values of the partner case form could not be read (listed below); no case was opened.',
    '連携機関の案件様式に読み取れない値があります。値は下記のとおりです。案件は開始していません。',
    true,
    'partner-answer',
  ),
  'embargo-past': fixed(
    'The partner’s embargo is already past.',
    'The embargo is already past; no case was opened. Please send the form again with the new date.',
    '公表日時が既に過ぎています。案件は開始していません。新しい日時で改めてお送りください。',
    true,
    'partner-answer',
  ),
  'foreign-reference': fixed(
    'A partner’s mail names a case id of another partner or a desk case not shared with it.',
    'The message names a case that is not one of your cases with this desk; nothing was changed.',
    '貴機関との案件ではない案件番号が書かれていました。何も変更していません。',
    true,
    'partner-answer',
  ),
  'unknown-reference': fixed(
    'A partner’s mail names no case the desk has with it, and is no case form.',
    'The message names no case you have with this desk and is no partner case form; nothing was changed.',
    '貴機関との案件番号がなく、案件様式でもありませんでした。何も変更していません。',
    true,
    'partner-answer',
  ),
  'reference-conflict': fixed(
    'A partner’s mail names two different cases.',
    'The message names more than one case; please write about each case separately. Nothing was changed.',
    '複数の案件の番号が書かれていました。案件ごとに分けてお送りください。何も変更していません。',
    true,
    'partner-answer',
  ),
  // A CSAF 2.0 document attached to the case form, inside the signed and encrypted content
  // (docs/partner-form.md "Attached CSAF 2.0"): read only when it passes the validator's
  // strict schema and mandatory tests; never guessed from, never partly used.
  'csaf-invalid': fixed(
    'A partner’s attached CSAF document is not valid CSAF 2.0 (or not a security advisory).',
    'The attached CSAF document is not a valid CSAF 2.0 security advisory (the first problems the validator found are listed below); no case was opened.',
    '添付の CSAF 文書は有効な CSAF 2.0 のセキュリティアドバイザリではありません。検証で見つかった最初の問題は下記のとおりです。案件は開始していません。',
    true,
    'partner-answer',
  ),
  'csaf-too-large': fixed(
    'A partner’s attached CSAF document is larger than the desk reads.',
    'The attached CSAF document is larger than 1 MiB, which the desk does not read; no case was opened.',
    '添付の CSAF 文書が 1 MiB を超えているため読み取りません。案件は開始していません。',
    true,
    'partner-answer',
  ),
  'csaf-several': fixed(
    'A partner’s case mail carries more than one JSON attachment.',
    'The message carries more than one JSON attachment; please attach one CSAF document per case. No case was opened.',
    'JSON の添付が複数あります。CSAF 文書は案件ごとに一つだけ添付してください。案件は開始していません。',
    true,
    'partner-answer',
  ),
  'csaf-disagrees': fixed(
    'A partner’s case form and its attached CSAF document give different values for a field.',
    'The case form and the attached CSAF document give different values for the fields listed below; the desk does not choose one. No case was opened.',
    '案件様式と添付の CSAF 文書とで、下記の項目の値が異なります。窓口はどちらかを選びません。案件は開始していません。',
    true,
    'partner-answer',
  ),
  // A partner's answer about a case the desk handed over to it (X-HANDOVER;
  // src/usecases/handover-answer.ts). As a vendor reply with a bad value (issue 9 §6): the
  // whole answer is refused, none of its lines applied, the partner told each field and why.
  'answer-invalid': fixed(
    'A partner’s answer about a handed-over case holds values the desk cannot read.',
    'Some values of your answer could not be read (listed below, each with the reason). Nothing of this message was applied: please send the whole answer again with the values corrected.',
    '回答に読み取れない値がありました。項目ごとの理由は下記のとおりです。このメールの内容はいずれも反映していません。値を直して、回答全体を改めてお送りください。',
    true,
    'handover-answer-refused',
  ),
  // guideline §3.3 / §3.8: a stopped case is over and a published one is public; a status or
  // date for it changes nothing. The text still reaches the coordinators.
  'case-closed': fixed(
    'A partner’s answer about a handed-over case arrives after the case was published or stopped.',
    'The case is closed at this desk (published or stopped): nothing of your answer was applied. Our coordinators have received your message.',
    'この案件は窓口では公表済みか、取扱いを終了しています。回答の内容は反映していません。メールはコーディネーターに届けました。',
    true,
    'handover-answer-refused',
  ),
};

// ---- partner-field: a partner's value the desk cannot read (issue 12; guideline §5) --------

/**
 * The verdict codes of a partner's form values (the partner case form, src/forms/partner.ts,
 * and the answer to a handed-over case, src/forms/handover-answer.ts); the forms' own code
 * lists are checked against this one by tsc (`satisfies`).
 */
export const PARTNER_FIELD_CODES = [
  ...FIELD_PROBLEM_CODES,
  'embargo-no-date',
  'embargo-no-time',
  'embargo-no-zone',
  'embargo-unknown-zone',
  'embargo-invalid',
  'case-id-mismatch',
  'bad-cve',
  'bad-cvss',
  'bad-date',
  'too-many-items',
  'bad-status',
] as const;
export type PartnerFieldCode = (typeof PARTNER_FIELD_CODES)[number];

const partnerField = (sentence: string, en: string, ja: string): Refusal<FieldProblemParams> => ({ sentence, answerSender: true, text: { en: () => en, ja: () => ja } });

/**
 * Answered to the partner (encrypted to its pinned keys, so the answer may name the fields):
 * `partner-answer` for its case form, `handover-answer-refused` for its answer. English
 * first: partners are overseas (the notices are written in English).
 */
export const PARTNER_FIELD_PROBLEMS: Record<PartnerFieldCode, Refusal<FieldProblemParams>> = {
  ...FIELD_PROBLEMS,
  'embargo-no-date': partnerField('A partner’s embargo has no date.', 'has no date; please write the date, time and zone (for example 2027-03-01 15:00 -04:00)', '日付がありません。日付、時刻、時差を書いてください（例：2027-03-01 15:00 -04:00）'),
  'embargo-no-time': partnerField('A partner’s embargo has no time of day.', 'has no time of day; please add it (for example 2027-03-01 15:00 -04:00)', '時刻がありません。時刻を加えてください（例：2027-03-01 15:00 -04:00）'),
  'embargo-no-zone': partnerField(
    'A partner’s embargo has no time zone (the desk never guesses one).',
    'has no time zone; please add the offset (for example -04:00, +09:00, or UTC)',
    '時差（タイムゾーン）がありません。-04:00、+09:00、UTC などを加えてください',
  ),
  'embargo-unknown-zone': partnerField('A partner’s embargo names a time zone the desk does not know.', 'names a time zone we do not read (zone names are ambiguous); please give an offset such as -04:00, or UTC', '不明なタイムゾーンです。-04:00 や UTC などの時差で書いてください'),
  'embargo-invalid': partnerField('A partner’s embargo is no date and time that exists.', 'is not a date and time that exists; please check it', '存在しない日時です。確認してください'),
  'case-id-mismatch': partnerField(
    'A partner’s case id does not match its registered case-id pattern.',
    'does not match your case-id format registered with this desk (for example VU#123456); please give your own case ID as you write it',
    '貴機関の案件番号として登録された形式（例：VU#123456）に合いません。貴機関の案件番号をそのまま書いてください',
  ),
  'bad-cve': partnerField('A partner’s CVE id cannot be read.', 'is not a CVE ID (CVE-YYYY-NNNN); please write the IDs separated by commas, or "none"', 'CVE 番号（CVE-YYYY-NNNN）として読めません。カンマで区切って書くか、未採番であれば「なし」と書いてください'),
  'bad-cvss': partnerField('A partner’s CVSS vector cannot be read or scored.', 'is not a CVSS v3.1 or v4.0 vector; please give the whole vector (CVSS:3.1/AV:N/...)', 'CVSS v3.1 または v4.0 のベクトルとして読めません。ベクトル全体（CVSS:3.1/AV:N/...）を書いてください'),
  'bad-date': partnerField('A partner’s date cannot be read.', 'is not a date; please write it as YYYY-MM-DD', '日付として読めません。YYYY-MM-DD の形で書いてください'),
  'too-many-items': partnerField('A partner’s list holds more items than the desk takes.', 'lists more items than we take; please send the rest in a separate message', '項目の数が多すぎます。残りは別のメールでお送りください'),
  'bad-status': partnerField(
    'A partner’s status is not one of the words the desk knows.',
    'is not a status we know; please write one of: accepted, declined, vendor-contacted, in-progress, closed',
    '窓口が知る状況ではありません。accepted、declined、vendor-contacted、in-progress、closed のいずれかを書いてください',
  ),
};

// ---- self-report: a vendor's self-report not taken (issue 12; guideline §6) --------------

export const SELF_REPORT_REFUSAL_CODES = ['form-incomplete', 'form-invalid', 'date-not-ahead', 'cve-taken'] as const;
export type SelfReportRefusalCode = (typeof SELF_REPORT_REFUSAL_CODES)[number];

/**
 * Answered with the `self-report-answer` notice, encrypted to the vendor's pinned keys and
 * sent to its registered contacts (its pinned key signed the whole message, so the answer
 * may name the fields). A mail that is not the vendor's (signature, key, sender) is no
 * self-report at all: the authority family, coordinators alerted, nothing answered.
 */
export const SELF_REPORT_REFUSALS: Record<SelfReportRefusalCode, Refusal> = {
  'form-incomplete': fixed(
    'A vendor self-report lacks a required field.',
    'The self-report form lacks required fields (listed below); no case was opened.',
    '自己届出の様式に必須の項目がありません。項目は下記のとおりです。案件は開始していません。',
    true,
    'self-report-answer',
  ),
  'form-invalid': fixed(
    'A vendor self-report holds a value the desk cannot read.',
    'Some values of the self-report form could not be read (listed below); no case was opened.',
    '自己届出の様式に読み取れない値があります。値は下記のとおりです。案件は開始していません。',
    true,
    'self-report-answer',
  ),
  'date-not-ahead': fixed(
    'A vendor self-report proposes a publication day that is not after today (JST).',
    'The proposed publication date must be a later day than today (JST), so the coordinators can prepare the advisory; no case was opened. Please send the form again with a later date.',
    '公表の準備のため、公表希望日は本日（日本時間）より後の日付としてください。案件は開始していません。後の日付で改めてお送りください。',
    true,
    'self-report-answer',
  ),
  'cve-taken': fixed(
    'A vendor self-report gives a CVE id that already names a vulnerability of another case.',
    'The CVE id of the self-report already names a vulnerability the desk handles in another case (a CVE id names one vulnerability); no case was opened. Please check the CVE id, or contact the coordinators.',
    'CVE番号は一つの脆弱性を指しますが、自己届出のCVE番号は本窓口の別の案件の脆弱性にすでに付いています。案件は開始していません。CVE番号をご確認いただくか、調整担当者にご連絡ください。',
    true,
    'self-report-answer',
  ),
};

// ---- key-command: a coordinator's key command mail (X-CONFIRM-KEY / X-REJECT-KEY) ---------

export const KEY_COMMAND_ERROR_CODES = ['continuation', 'bad-hold-id', 'mixed-with-case-commands', 'too-many-commands', 'hold-named-twice', 'no-such-hold', 'already-decided'] as const;
export type KeyCommandErrorCode = (typeof KEY_COMMAND_ERROR_CODES)[number];

/** The keyword as written (upper case), the hold id, a hold's state, the command limit. */
export interface KeyCommandParams {
  kw: string;
  hold: string;
  state: string;
  maxCommands: number;
}

/** Answered in the coordinator's key-command confirmation (signed, encrypted to the coordinator). */
const keyCmd = (sentence: string, en: (p: KeyCommandParams) => string, ja: (p: KeyCommandParams) => string): Refusal<KeyCommandParams> => ({ sentence, answerSender: true, text: { en, ja } });

export const KEY_COMMAND_ERRORS: Record<KeyCommandErrorCode, Refusal<KeyCommandParams>> = {
  continuation: keyCmd('An indented line follows a key command.', () => 'key commands take no text on further lines', () => '鍵のコマンドは次の行に続けて書くことができません'),
  'bad-hold-id': keyCmd(
    'A key command without a hold id.',
    (p) => `${p.kw} needs a hold id (a number from the key-held alert or madoguchi keys list)`,
    (p) => `${p.kw} には保留番号（鍵の保留の通知または madoguchi keys list に示す数字）が必要です`,
  ),
  'mixed-with-case-commands': keyCmd(
    'Key commands mixed with case commands in one mail.',
    (p) => `${p.kw} cannot be combined with key commands: send key commands in a mail of their own`,
    (p) => `${p.kw} は鍵のコマンドと同じメールに書けません。鍵のコマンドは別のメールでお送りください`,
  ),
  'too-many-commands': keyCmd('Too many key commands in one mail.', (p) => `more than ${String(p.maxCommands)} commands in one mail`, (p) => `1通のメールのコマンドが ${String(p.maxCommands)} 個を超えています`),
  'hold-named-twice': keyCmd('One hold named twice in a key command mail.', (p) => `hold ${p.hold} is named twice`, (p) => `保留 ${p.hold} が2回指定されています`),
  'no-such-hold': keyCmd('A key command names a hold the desk does not have.', () => 'no such hold', () => 'その保留はありません'),
  'already-decided': keyCmd('A key command names a hold already confirmed or rejected.', (p) => `already ${p.state || 'decided'}`, (p) => `既に処理済みです（${p.state}）`),
};

// ---- the whole catalogue -----------------------------------------------------------------

/** Every family, for listings (CLI, docs) and the catalogue test. */
export const REFUSAL_FAMILIES = {
  rejection: REJECTIONS,
  authority: AUTHORITY,
  'command-auth': COMMAND_AUTH,
  parse: PARSE_ERRORS,
  command: COMMAND_ERRORS,
  field: FIELD_PROBLEMS,
  partner: PARTNER_REFUSALS,
  'partner-field': PARTNER_FIELD_PROBLEMS,
  'self-report': SELF_REPORT_REFUSALS,
  'key-command': KEY_COMMAND_ERRORS,
} as const;

export type RefusalFamily = keyof typeof REFUSAL_FAMILIES;
