// The command registry (issue 10): every command has its file's keyword(s), both
// confirmation texts, a rules event or a held-notice path, and a canonical form that reads
// back to the same command (formatCommand ∘ parse).
import { describe, expect, it } from 'vitest';
import { effectText } from '../../src/commands/confirm.ts';
import { formatCommand, parseCliCommand, parseCommandMail } from '../../src/commands/parse.ts';
import { COMMAND_KINDS, COMMANDS, KEYWORD_INDEX, type Command } from '../../src/commands/registry.ts';

const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/u;
const samples: Command[] = COMMAND_KINDS.flatMap((k) => [...COMMANDS[k].samples] as Command[]);

describe('the command registry', () => {
  it('lists each command once, under its own kind, with a canonical keyword of ASCII words', () => {
    expect(new Set(COMMAND_KINDS).size).toBe(COMMAND_KINDS.length);
    for (const kind of COMMAND_KINDS) {
      const spec = COMMANDS[kind];
      expect(spec.kind).toBe(kind);
      expect(spec.keywords[0]).toBe(kind);
      expect(spec.keywords[0]).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(spec.samples.length).toBeGreaterThan(0);
    }
  });

  it('has every keyword once; the Japanese keywords are those docs/commands.md lists', () => {
    const all = COMMAND_KINDS.flatMap((k) => COMMANDS[k].keywords);
    expect(new Set(all).size).toBe(all.length);
    expect(KEYWORD_INDEX.size).toBe(all.length);
    expect(all.filter((k) => JAPANESE.test(k)).sort()).toEqual(['墨消し', '送信承認', '運営者確認', '運営者確定', '運営者通知', '脆弱性追加', '脆弱性分割', 'cve設定', '引き継ぎ', '引継ぎ', '優先通知同意', '優先通知'].sort());
    expect(KEYWORD_INDEX.get('脆弱性追加')).toBe('add-vulnerability');
    expect(KEYWORD_INDEX.get('脆弱性分割')).toBe('split-vulnerability');
    expect(KEYWORD_INDEX.get('cve設定')).toBe('set-cve');
    expect(KEYWORD_INDEX.get('送信承認')).toBe('release');
    expect(KEYWORD_INDEX.get('墨消し')).toBe('redact');
    expect(KEYWORD_INDEX.get('運営者確認')).toBe('confirm-operator');
    expect(KEYWORD_INDEX.get('運営者確定')).toBe('confirm-operator');
    expect(KEYWORD_INDEX.get('運営者通知')).toBe('notify-operator');
    expect(KEYWORD_INDEX.get('引き継ぎ')).toBe('handover');
    expect(KEYWORD_INDEX.get('引継ぎ')).toBe('handover');
    expect(KEYWORD_INDEX.get('優先通知')).toBe('priority-notice');
    expect(KEYWORD_INDEX.get('優先通知同意')).toBe('priority-consent');
  });

  it.each(samples.map((c) => [formatCommand(c), c] as const))('%s reads back to the same command (mail and CLI)', (text, c) => {
    const mail = parseCommandMail(`X-CASE: VR-2026-0042\n${text}\n`);
    expect(mail.errors).toEqual([]);
    expect(mail.commands).toEqual([c]);
    // Every keyword of the command reads the same argument the same way.
    for (const k of COMMANDS[c.kind].keywords) {
      const other = parseCommandMail(`X-CASE: VR-2026-0042\n${text.replace(/^X-[^:\s]+/u, `X-${k}`)}\n`);
      expect(other.commands, k).toEqual([c]);
    }
    if (!text.includes('\n')) {
      const arg = text.replace(/^X-[^:\s]+:?\s*/u, '');
      const cli = parseCliCommand(['VR-2026-0042', c.kind, ...(arg === '' ? [] : [arg])]);
      expect(cli.errors).toEqual([]);
      expect(cli.commands).toEqual([c]);
    }
  });

  it.each(samples.map((c) => [formatCommand(c), c] as const))('%s has its confirmation in Japanese and in English', (_text, c) => {
    const ja = effectText({ command: c, status: 'applied' }, 'ja');
    const en = effectText({ command: c, status: 'applied' }, 'en');
    expect(JAPANESE.test(ja), ja).toBe(true);
    expect(en.length).toBeGreaterThan(10);
    expect(en).not.toBe(ja);
    // English text is English (a 受理 gloss aside).
    expect(en.replace(/[（(]?受理[)）]?|起算日|調整不能/gu, ''), en).not.toMatch(JAPANESE);
  });

  it('a free-text command reads its text through its own file', () => {
    for (const kind of COMMAND_KINDS) {
      const spec = COMMANDS[kind];
      if (spec.arg === 'text' || spec.arg === 'optional-text' || spec.arg === 'note') expect(spec.fromText, kind).toBeTypeOf('function');
    }
  });
});
