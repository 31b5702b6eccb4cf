import { describe, expect, it } from 'vitest';
import { AUTH_REFUSALS } from '../../src/commands/auth.ts';
import {
  COMMAND_ERROR_CODES,
  commandErrorText,
  effectText,
  parseErrorText,
  renderConfirmation,
  renderRefusalAlert,
  type CommandError,
  type CommandOutcome,
  type RefusalAlertInput,
} from '../../src/commands/confirm.ts';
import { COMMAND_KINDS, parseCommandMail, type Command, type ParsedCommands, type ParseErrorCode } from '../../src/commands/parse.ts';
import { LANGS } from '../../src/outbound/templates.ts';

const AT = new Date('2026-11-22T10:30:00Z');
const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/u;

/** Every command kind, and every variant that has its own sentence. */
const SAMPLES: Command[] = [
  { kind: 'confirm-operator', operator: 'shop-co' },
  { kind: 'notify-operator' },
  { kind: 'accept', comment: null },
  { kind: 'reject', reason: 'no product named' },
  { kind: 'stop', reason: 'not-vulnerability', text: null },
  { kind: 'stop', reason: 'duplicate', duplicateOf: 'VR-2026-0007', text: 'same root cause' },
  { kind: 'stop', reason: 'not-reproducible', text: null },
  { kind: 'stop', reason: 'illegal', text: null },
  { kind: 'stop', reason: 'known', text: 'CVE-2025-1234' },
  { kind: 'add-vendor', vendor: 'acme' },
  { kind: 'remove-vendor', vendor: 'acme' },
  { kind: 'set-date', date: '2026-12-20' },
  { kind: 'mark-unreachable', vendor: 'globex' },
  { kind: 'mark-reachable', vendor: 'globex' },
  { kind: 'open-impossible', reason: null },
  { kind: 'committee-decision', decision: 'publish', reason: null },
  { kind: 'committee-decision', decision: 'withhold', reason: 'users notified individually' },
  { kind: 'publish' },
  { kind: 'note', text: 'line one\nline two' },
  { kind: 'notify-vendors' },
  { kind: 'direct-contact', vendor: 'acme' },
  { kind: 'relay', to: 'acme', text: 'please confirm the version you tested' },
  { kind: 'relay', to: null, text: '再現手順をご確認ください' },
  { kind: 'release', hold: 'H7K3QX0' },
  { kind: 'redact', hold: 'H7K3QX0', field: null, text: null },
  { kind: 'redact', hold: 'H7K3QX0', field: 'summary', text: null },
  { kind: 'redact', hold: 'H7K3QX0', field: 'summary', text: 'found by a researcher' },
  { kind: 'add-vulnerability', cwe: 'CWE-89', cvss: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', summary: 'SQL injection' },
  { kind: 'split-vulnerability', number: 1, cwe: null, cvss: null, summary: 'the same flaw in export' },
  { kind: 'set-cve', number: 2, cve: 'CVE-2026-12345' },
  { kind: 'handover', partner: 'certcc' },
  { kind: 'priority-consent', vendor: 'acme' },
  { kind: 'priority-notice' },
];

const parsedOf = (commands: Command[], caseId: string | null = 'VR-2026-0042'): ParsedCommands => ({ caseId, commands, errors: [] });
const applied = (command: Command): CommandOutcome => ({ command, status: 'applied' });

describe('effects: every command in both languages', () => {
  it('samples cover every command kind', () => {
    expect(new Set(SAMPLES.map((c) => c.kind))).toEqual(new Set(COMMAND_KINDS));
  });
  for (const lang of LANGS) {
    for (const command of SAMPLES) {
      it(`${lang}: ${command.kind}${'reason' in command && typeof command.reason === 'string' ? ` ${command.reason}` : ''}${'decision' in command ? ` ${command.decision}` : ''}`, () => {
        const r = renderConfirmation({ parsed: parsedOf([command]), outcomes: [applied(command)], actor: '佐藤 花子', via: 'mail', receivedAt: AT }, lang);
        const effect = effectText({ command, status: 'applied' }, lang);
        expect(effect.length).toBeGreaterThan(10);
        expect(r.text).toContain(effect);
        expect(r.subject).toContain('[VR-2026-0042]');
        expect(JAPANESE.test(r.subject)).toBe(lang === 'ja');
        expect(r.text.endsWith('\n')).toBe(true);
      });
    }
    it(`${lang}: every sample has its own sentence`, () => {
      const texts = SAMPLES.map((command) => effectText({ command, status: 'applied' }, lang));
      expect(new Set(texts).size).toBe(texts.length);
    });
  }
  it('echoes the command in canonical form, continuation lines indented', () => {
    const note: Command = { kind: 'note', text: 'line one\nline two' };
    const r = renderConfirmation({ parsed: parsedOf([note]), outcomes: [applied(note)], actor: 'Sato', via: 'mail', receivedAt: AT }, 'en');
    expect(r.text).toContain('1. X-NOTE: line one\n     line two\n   Done: The note is added');
  });
  it('names the vendor, the dates and the duplicate', () => {
    const en = (o: CommandOutcome): string => effectText(o as Extract<CommandOutcome, { status: 'applied' }>, 'en');
    expect(en({ command: { kind: 'set-date', date: '2026-12-20' }, status: 'applied', previousDate: '2026-12-01' })).toContain('2026-12-20 (JST). It was 2026-12-01.');
    expect(en({ command: { kind: 'set-date', date: '2026-12-20' }, status: 'applied', previousDate: null })).toContain('There was none before.');
    expect(effectText({ command: { kind: 'set-date', date: '2026-12-20' }, status: 'applied', previousDate: '2026-12-01' }, 'ja')).toContain('変更前：2026-12-01');
    expect(en({ command: { kind: 'notify-vendors' }, status: 'applied', notified: ['acme', 'globex'] })).toContain('acme, globex');
    expect(effectText({ command: { kind: 'notify-vendors' }, status: 'applied', notified: ['acme', 'globex'] }, 'ja')).toContain('acme、globex');
    expect(en(applied({ kind: 'stop', reason: 'duplicate', duplicateOf: 'VR-2026-0007', text: null }))).toContain('duplicate of VR-2026-0007');
    expect(en(applied({ kind: 'mark-unreachable', vendor: 'globex' }))).toContain('globex');
  });
  it('says what the vendor commands did, in both languages', () => {
    const nv: Command = { kind: 'notify-vendors' };
    for (const lang of LANGS) {
      const t = (o: Partial<Extract<CommandOutcome, { status: 'applied' }>>): string => effectText({ command: nv, status: 'applied', ...o }, lang);
      const generic = t({});
      const both = t({ notified: ['acme'], notifiedAgain: ['globex'] });
      const none = t({ notified: [], notifiedAgain: [] });
      expect(new Set([generic, both, none, t({ notified: ['acme'] }), t({ notifiedAgain: ['globex'] })]).size).toBe(5);
      expect(both).toContain('acme');
      expect(both).toContain('globex');
      for (const x of [generic, both, none]) expect(JAPANESE.test(x.replace(/起算日/g, ''))).toBe(lang === 'ja');
      const accept: Command = { kind: 'accept', comment: null };
      const confirmed = effectText({ command: accept, status: 'applied', unchanged: true }, lang);
      expect(confirmed).not.toBe(effectText({ command: accept, status: 'applied' }, lang));
      expect(confirmed).toContain(lang === 'en' ? 'already accepted' : '既に受理済み');
      expect(effectText(applied({ kind: 'direct-contact', vendor: 'acme' }) as Extract<CommandOutcome, { status: 'applied' }>, lang)).toContain('acme');
      expect(effectText(applied({ kind: 'mark-reachable', vendor: 'globex' }) as Extract<CommandOutcome, { status: 'applied' }>, lang)).toContain('globex');
      expect(effectText(applied({ kind: 'stop', reason: 'known', text: null }) as Extract<CommandOutcome, { status: 'applied' }>, lang)).toContain(lang === 'en' ? 'already publicly known' : '既に公知');
    }
    // add-vendor notifies at once: the sentence no longer sends the coordinator to X-NOTIFY-VENDORS.
    expect(effectText({ command: { kind: 'add-vendor', vendor: 'acme' }, status: 'applied' }, 'en')).not.toContain('X-NOTIFY-VENDORS');
    expect(effectText({ command: { kind: 'add-vendor', vendor: 'acme' }, status: 'applied' }, 'en')).toContain('notification at once');
  });
  it('X-RELAY: names the recipient, says the text goes quoted without the other side\'s name or address', () => {
    const toAcme: Command = { kind: 'relay', to: 'acme', text: 'please confirm\nthe version' };
    const toReporter: Command = { kind: 'relay', to: null, text: 'x' };
    const t = (command: Command, lang: (typeof LANGS)[number]): string => effectText({ command, status: 'applied' }, lang);
    expect(t(toAcme, 'en')).toBe(
      'The message is relayed to vendor acme: a notice from the desk quoting your text as written, without the name or address of the reporter.',
    );
    expect(t(toReporter, 'en')).toBe('The message is relayed to the reporter: a notice from the desk quoting your text as written, without the name or address of the vendor.');
    expect(t(toAcme, 'ja')).toBe('製品開発者 acme にメッセージを中継します。窓口からの通知として本文をそのまま引用して送り、発見者の氏名や連絡先は伝えません。');
    expect(t(toReporter, 'ja')).toBe('発見者にメッセージを中継します。窓口からの通知として本文をそのまま引用して送り、製品開発者の名称や連絡先は伝えません。');
    // The echo is the canonical form, the text on continuation lines.
    const r = renderConfirmation({ parsed: parsedOf([toAcme]), outcomes: [applied(toAcme)], actor: 'Sato', via: 'mail', receivedAt: AT }, 'en');
    expect(r.text).toContain('1. X-RELAY: acme please confirm\n     the version\n   Done: The message is relayed to vendor acme');
    // The errors a relay can meet.
    expect(commandErrorText({ code: 'names-reporter' }, 'en', 'VR-2026-0042')).toContain('nothing was relayed');
    expect(commandErrorText({ code: 'names-reporter' }, 'ja', 'VR-2026-0042')).toContain('中継していません');
    expect(commandErrorText({ code: 'vendor-not-notified', vendor: 'acme' }, 'en', 'VR-2026-0042')).toContain('acme has not been sent the notification');
  });
  it('shows when and by whom, JST with UTC', () => {
    const r = renderConfirmation({ parsed: parsedOf([{ kind: 'publish' }]), outcomes: [applied({ kind: 'publish' })], actor: 'cli:sato', via: 'cli', receivedAt: AT }, 'en');
    expect(r.text).toContain('2026-11-22 19:30 JST (10:30 UTC)');
    expect(r.text).toContain('cli:sato (command line)');
    expect(r.text).not.toContain('Free text after the command lines');
  });
});

const ERRORS: CommandError[] = [
  { code: 'unknown-case' },
  { code: 'not-allowed', state: 'closed' },
  { code: 'unknown-vendor', vendor: 'acme' },
  { code: 'vendor-already-in-case', vendor: 'acme' },
  { code: 'vendor-not-in-case', vendor: 'acme' },
  { code: 'unknown-duplicate-case', caseId: 'VR-2026-0007' },
  { code: 'date-in-past', date: '2026-01-01' },
  { code: 'no-consent', party: 'reporter' },
  { code: 'no-consent', party: 'vendor', vendor: 'acme' },
  { code: 'vendor-not-notified', vendor: 'acme' },
  { code: 'names-reporter' },
  { code: 'identity-hold', hold: 'H7K3QX0', problem: 'unknown' },
  { code: 'no-vendors' },
  { code: 'nothing-to-notify' },
  { code: 'not-impossible' },
  { code: 'website-case' },
  { code: 'unknown-operator', operator: 'example-co' },
  { code: 'product-case' },
  { code: 'unknown-vulnerability', number: 3 },
  { code: 'cve-taken', cve: 'CVE-2026-12345', caseId: 'VR-2026-0007', number: 1 },
  { code: 'unknown-partner', partner: 'nobody-csirt' },
  { code: 'partner-no-key', partner: 'stale' },
  { code: 'already-handed-over', partner: 'certcc' },
  { code: 'case-closed', why: 'stopped' },
  { code: 'case-closed', why: 'published' },
  { code: 'not-accepted', state: 'received' },
  { code: 'no-contacts' },
  { code: 'already-published' },
  { code: 'no-fix' },
  { code: 'no-vendor-consent', vendor: 'acme' },
  { code: 'reporter-not-told' },
  { code: 'internal' },
];

describe('command errors in both languages', () => {
  it('samples cover every error code', () => {
    expect(new Set(ERRORS.map((e) => e.code))).toEqual(new Set(COMMAND_ERROR_CODES));
  });
  for (const lang of LANGS) {
    it(`${lang}: every error has its own sentence, with its parameters`, () => {
      const texts = ERRORS.map((e) => commandErrorText(e, lang, 'VR-2026-0042'));
      expect(new Set(texts).size).toBe(texts.length);
      for (const [i, e] of ERRORS.entries()) {
        const t = texts[i] ?? '';
        expect(JAPANESE.test(t), t).toBe(lang === 'ja');
        if ('vendor' in e && e.vendor) expect(t).toContain(e.vendor);
        if ('state' in e) expect(t).toContain(e.state);
        if ('date' in e) expect(t).toContain(e.date);
        if ('partner' in e) expect(t).toContain(e.partner);
        if (e.code === 'unknown-duplicate-case') expect(t).toContain('VR-2026-0007');
        if (e.code === 'unknown-case') expect(t).toContain('VR-2026-0042');
      }
    });
  }
  it('all-or-nothing: a failure and the rest not applied say "nothing changed"', () => {
    const cmds: Command[] = [{ kind: 'add-vendor', vendor: 'acme' }, { kind: 'add-vendor', vendor: 'nosuch' }, { kind: 'notify-vendors' }];
    const outcomes: CommandOutcome[] = [
      { command: cmds[0]!, status: 'not-applied' },
      { command: cmds[1]!, status: 'failed', error: { code: 'unknown-vendor', vendor: 'nosuch' } },
      { command: cmds[2]!, status: 'not-applied' },
    ];
    const en = renderConfirmation({ parsed: parsedOf(cmds), outcomes, actor: 'Sato', via: 'mail', receivedAt: AT }, 'en');
    expect(en.subject).toBe('[VR-2026-0042] Commands not applied: nothing changed');
    expect(en.text).toContain('2. X-ADD-VENDOR: nosuch\n   Error: Vendor nosuch is not in the vendor registry.');
    expect(en.text).toContain('3. X-NOTIFY-VENDORS\n   Not applied.');
    const ja = renderConfirmation({ parsed: parsedOf(cmds), outcomes, actor: 'Sato', via: 'mail', receivedAt: AT }, 'ja');
    expect(ja.subject).toContain('変更なし');
    expect(ja.text).toContain('エラー：製品開発者 nosuch は製品開発者リストに登録されていません。');
  });
  it('partly applied says how many', () => {
    const cmds: Command[] = [{ kind: 'note', text: 'x' }, { kind: 'publish' }];
    const outcomes: CommandOutcome[] = [applied(cmds[0]!), { command: cmds[1]!, status: 'failed', error: { code: 'not-allowed', state: 'accepted' } }];
    expect(renderConfirmation({ parsed: parsedOf(cmds), outcomes, actor: 'S', via: 'mail', receivedAt: AT }, 'en').subject).toContain('1 of 2');
    expect(renderConfirmation({ parsed: parsedOf(cmds), outcomes, actor: 'S', via: 'mail', receivedAt: AT }, 'ja').subject).toContain('2件中1件');
  });
  it('refuses outcomes that do not match the commands', () => {
    expect(() => renderConfirmation({ parsed: parsedOf([{ kind: 'publish' }]), outcomes: [], actor: 'S', via: 'mail', receivedAt: AT }, 'en')).toThrow('0 outcomes for 1 commands');
    const withErrors: ParsedCommands = { caseId: 'VR-2026-0042', commands: [{ kind: 'publish' }], errors: [{ line: 2, code: 'unknown-keyword', message: 'x', keyword: 'x-foo' }] };
    expect(() => renderConfirmation({ parsed: withErrors, outcomes: [applied({ kind: 'publish' })], actor: 'S', via: 'mail', receivedAt: AT }, 'en')).toThrow('must not have applied');
  });
});

describe('a mail with errors', () => {
  const parsed = parseCommandMail('X-CASE: VR-2026-0042\nX-ADD-VENDOR: acme\nX-SET-DATE: 2026-02-30\nX-FROB\n');
  for (const lang of LANGS) {
    it(`${lang}: nothing applied, every error listed with its line`, () => {
      const r = renderConfirmation({ parsed, actor: '佐藤 花子', via: 'mail', receivedAt: AT }, lang);
      expect(r.text).toContain(lang === 'en' ? '1. X-ADD-VENDOR: acme\n   Not applied.' : '1. X-ADD-VENDOR: acme\n   実行していません。');
      expect(r.text).toContain(lang === 'en' ? 'line 3: Not a date (YYYY-MM-DD): "2026-02-30".' : '3行目：日付（YYYY-MM-DD）ではありません：「2026-02-30」');
      expect(r.text).toContain(lang === 'en' ? 'line 4: Unknown keyword X-FROB.' : '4行目：不明なキーワードです：X-FROB');
      expect(r.text).toContain(lang === 'en' ? 'Nothing was changed: the mail has errors' : '何も変更していません');
    });
  }
  it('every parse error code has a sentence in both languages', () => {
    const all: ParseErrorCode[] = [
      'unknown-keyword', 'missing-argument', 'unexpected-argument', 'unexpected-continuation', 'bad-case-id', 'case-conflict', 'no-case',
      'bad-date', 'bad-vendor', 'bad-stop-reason', 'bad-decision', 'duplicate-of-self', 'too-long', 'too-many-commands', 'control-characters', 'no-commands',
    ];
    for (const lang of LANGS) {
      const texts = all.map((code) => parseErrorText({ line: 0, code, message: '', keyword: 'x-note', value: 'v' }, lang));
      expect(new Set(texts).size).toBe(all.length);
      for (const t of texts) expect(JAPANESE.test(t), t).toBe(lang === 'ja');
    }
  });
  it('never echoes control characters from a keyword', () => {
    const t = parseErrorText({ line: 1, code: 'unknown-keyword', message: '', keyword: 'x-a\u001b[2Jb' }, 'en');
    expect(t).not.toContain('\u001b');
    expect(t).toContain('<U+001B>');
  });
  it('a mail with no case has no case tag in the subject', () => {
    const r = renderConfirmation({ parsed: parseCommandMail('X-ACCEPT'), actor: 'S', via: 'mail', receivedAt: AT }, 'en');
    expect(r.subject).toBe('Commands not applied: nothing changed');
    expect(r.text).toContain('No case id: add an X-CASE line.');
  });
});

describe('refusal alert', () => {
  const base: RefusalAlertInput = {
    reason: 'not-a-coordinator-key',
    receivedAt: AT,
    from: 'sato@desk.example.jp',
    fingerprint: 'DEADBEEFDEADBEEFDEADBEEFDEADBEEFDEADBEEF',
    signatureStatus: 'valid',
    signedAt: new Date('2026-11-22T10:25:00Z'),
    coordinator: null,
    messageRef: '1234',
  };
  for (const lang of LANGS) {
    for (const reason of AUTH_REFUSALS) {
      it(`${lang}: ${reason}`, () => {
        const r = renderRefusalAlert({ ...base, reason }, lang);
        expect(r.subject.length).toBeGreaterThan(10);
        expect(r.subject).not.toContain('\n');
        expect(JAPANESE.test(r.subject)).toBe(lang === 'ja');
        expect(r.text).toContain('sato@desk.example.jp');
        expect(r.text).toContain('DEAD BEEF DEAD BEEF DEAD  BEEF DEAD BEEF DEAD BEEF');
        expect(r.text).toContain('2026-11-22 19:30 JST (10:30 UTC)');
        expect(r.text).toContain('2026-11-22 19:25 JST (10:25 UTC)');
        expect(r.text).toContain('1234');
        expect(r.text).toContain(lang === 'en' ? 'Nothing was changed.' : '何も変更していません。');
      });
    }
    it(`${lang}: each reason has its own subject and advice`, () => {
      const all = AUTH_REFUSALS.map((reason) => renderRefusalAlert({ ...base, reason }, lang));
      expect(new Set(all.map((r) => r.subject)).size).toBe(AUTH_REFUSALS.length);
      expect(new Set(all.map((r) => r.text)).size).toBe(AUTH_REFUSALS.length);
    });
  }
  it('is content-free: it takes no subject or body, and names no case', () => {
    const r = renderRefusalAlert(base, 'en');
    expect(r.text).not.toMatch(/VR-\d{4}-\d{4}/);
    expect(Object.keys(base).sort()).toEqual(['coordinator', 'fingerprint', 'from', 'messageRef', 'reason', 'receivedAt', 'signatureStatus', 'signedAt']);
  });
  it('does not echo a From that is not a plain address', () => {
    for (const from of ['a@b.jp\nX-PUBLISH', 'VR-2026-0042 details <x@y.jp>', '"x"@y.jp']) {
      const r = renderRefusalAlert({ ...base, from }, 'en');
      expect(r.text).not.toContain(from);
      expect(r.text).toContain('(not a plain address)');
    }
  });
  it('drops a message reference that is not the desk\'s own form', () => {
    const r = renderRefusalAlert({ ...base, messageRef: '<x@y>\nX-PUBLISH' }, 'en');
    expect(r.text).not.toContain('X-PUBLISH');
    expect(r.text).not.toContain('Stored as');
  });
  it('unsigned: no key, no signing time', () => {
    const r = renderRefusalAlert({ ...base, reason: 'not-signed', fingerprint: null, signatureStatus: 'none', signedAt: null }, 'en');
    expect(r.text).toContain('Signed by:  (none)');
    expect(r.text).toContain('Signed at:  (none)');
  });
  it('names the coordinator whose key signed a replay, and the configured age', () => {
    expect(renderRefusalAlert({ ...base, reason: 'replay', coordinator: '佐藤 花子' }, 'ja').text).toContain('（佐藤 花子 の鍵）');
    expect(renderRefusalAlert({ ...base, reason: 'too-old', maxAgeHours: 48 }, 'en').text).toContain('48 hours');
  });
});
