// X-CONFIRM-KEY / X-REJECT-KEY: the key commands' mail form (src/commands/key-commands.ts).
import { describe, expect, it } from 'vitest';
import { keyCommandErrorText, parseKeyCommandMail, renderKeyConfirmation } from '../../src/commands/key-commands.ts';

describe('parseKeyCommandMail', () => {
  it('is null for a mail without key commands (a case-command mail)', () => {
    expect(parseKeyCommandMail('X-CASE: VR-2026-0001\nX-ACCEPT\n')).toBeNull();
    expect(parseKeyCommandMail('hello\nX-CONFIRM-KEY: 1\n')).toBeNull();
  });

  it('reads the keyword block: case-insensitive, full-width colon and digits, free text after it ignored', () => {
    expect(parseKeyCommandMail('\nx-confirm-key: 12\nX-REJECT-KEY：１３\n\nThanks,\nX-CONFIRM-KEY: 99\n')).toEqual({
      commands: [
        { kind: 'confirm-key', hold: 12 },
        { kind: 'reject-key', hold: 13 },
      ],
      errors: [],
    });
  });

  it('refuses a mail mixing key commands with case commands, a bad id, a hold named twice', () => {
    const mixed = parseKeyCommandMail('X-CASE: VR-2026-0001\nX-CONFIRM-KEY: 1\nX-ACCEPT\n');
    expect(mixed?.errors.map((e) => [e.code, e.kw])).toEqual([
      ['mixed-with-case-commands', 'X-CASE'],
      ['mixed-with-case-commands', 'X-ACCEPT'],
    ]);
    expect(mixed?.errors.map((e) => keyCommandErrorText(e, 'en'))).toEqual([
      'X-CASE cannot be combined with key commands: send key commands in a mail of their own',
      'X-ACCEPT cannot be combined with key commands: send key commands in a mail of their own',
    ]);
    expect(parseKeyCommandMail('X-CONFIRM-KEY: 0x1\n')?.errors[0]?.code).toBe('bad-hold-id');
    expect(parseKeyCommandMail('X-CONFIRM-KEY\n')?.errors).toHaveLength(1);
    expect(parseKeyCommandMail('X-CONFIRM-KEY: 3\nX-REJECT-KEY: 3\n')?.errors.map((e) => keyCommandErrorText(e, 'en'))).toEqual(['hold 3 is named twice']);
  });
});

describe('renderKeyConfirmation', () => {
  it('says what was done to each hold, and nothing was done when the mail has errors', () => {
    const parsed = { commands: [{ kind: 'confirm-key' as const, hold: 4 }, { kind: 'reject-key' as const, hold: 5 }], errors: [] };
    const ok = renderKeyConfirmation(
      parsed,
      [
        { command: parsed.commands[0]!, status: 'applied', email: 'taro@reporter.test', fingerprint: 'AAAA0000AAAA0000AAAA0000AAAA0000AAAA0000' },
        { command: parsed.commands[1]!, status: 'failed', why: 'already-decided', state: 'rejected' },
      ],
      'sato',
      'en',
    );
    expect(ok.subject).toBe('Key commands applied (1 of 2)');
    expect(ok.text).toContain('X-CONFIRM-KEY: 4: confirmed: key AAAA 0000 AAAA 0000 AAAA 0000 AAAA 0000 AAAA 0000 is now the key for taro@reporter.test');
    expect(ok.text).toContain('X-REJECT-KEY: 5: already rejected');
    const bad = renderKeyConfirmation({ commands: [], errors: [{ line: 2, code: 'mixed-with-case-commands', kw: 'X-ACCEPT' }] }, [], 'sato', 'ja');
    expect(bad.subject).toBe('鍵のコマンドを実行しませんでした（変更なし）');
    // The Japanese confirmation says it in Japanese (the catalogue's text), not in English.
    expect(bad.text).toContain('2行目: X-ACCEPT は鍵のコマンドと同じメールに書けません');
    const jaFailed = renderKeyConfirmation(parsed, [{ command: parsed.commands[0]!, status: 'failed', why: 'no-such-hold' }], 'sato', 'ja');
    expect(jaFailed.text).toContain('X-CONFIRM-KEY: 4: その保留はありません');
  });
});
