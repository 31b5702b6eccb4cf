// The one catalogue of refusals and verdicts (issue 10): every family's codes are unique and
// stable, each has a Japanese and an English text and a sentence for people, and the codes
// the modules emit are the catalogue's (their lists are the catalogue's own exports).
import { describe, expect, it } from 'vitest';
import { AUTH_REFUSALS } from '../../src/commands/auth.ts';
import { COMMAND_ERROR_CODES } from '../../src/commands/confirm.ts';
import { PARSE_ERROR_CODES } from '../../src/commands/parse.ts';
import {
  AUTHORITY,
  AUTHORITY_REFUSALS,
  COMMAND_AUTH,
  FIELD_PROBLEM_CODES,
  FIELD_PROBLEMS,
  PARSE_ERRORS,
  REFUSAL_FAMILIES,
  REJECTION_CODES,
  REJECTIONS,
  type Refusal,
} from '../../src/domain/refusals.ts';
import { AUTHORITY_REFUSALS as FROM_AUTHORITY } from '../../src/inbound/authority.ts';
import { FIELD_PROBLEM_CODES as FROM_FIELDS } from '../../src/forms/field-checks.ts';
import { NOT_APPLIED_REASONS, renderNotice } from '../../src/outbound/templates.ts';

const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/u;
// Parameters for every text (each family's texts read the ones they need).
const PARAMS = { kw: 'X-NOTE', v: 'value', maxCommands: 50, oneLine: true, max: '200', vendor: 'acme', date: '2026-01-01', state: 'closed', hold: 'H7K3QX0', problem: 'unknown', party: 'reporter', caseId: 'VR-2026-0007', forCase: 'VR-2026-0042' };

describe('the refusal catalogue', () => {
  for (const [family, entries] of Object.entries(REFUSAL_FAMILIES)) {
    describe(family, () => {
      const codes = Object.keys(entries);
      it('has stable codes: lower-case words joined by hyphens, each once', () => {
        expect(new Set(codes).size).toBe(codes.length);
        for (const c of codes) expect(c).toMatch(/^[a-z]+(-[a-z]+)*$/);
      });
      it.each(codes)('%s has a sentence, a Japanese and an English text', (code) => {
        const r = (entries as Record<string, Refusal<typeof PARAMS>>)[code]!;
        expect(r.sentence.length).toBeGreaterThan(10);
        expect(typeof r.answerSender).toBe('boolean');
        const ja = r.text.ja(PARAMS);
        const en = r.text.en(PARAMS);
        expect(JAPANESE.test(ja), ja).toBe(true);
        expect(JAPANESE.test(en), en).toBe(false);
        expect(en.length).toBeGreaterThan(5);
      });
    });
  }

  it('keeps the §5 rejection codes of mail-protocol.md as they are', () => {
    expect(Object.keys(REJECTIONS)).toEqual(['mixed-encryption', 'not-for-us', 'decompression-limit', 'too-large', 'malformed', 'no-content']);
    expect(Object.keys(REJECTIONS)).toEqual([...REJECTION_CODES]);
    for (const r of Object.values(REJECTIONS)) expect(r.replyTemplate).toBe('rejected');
  });

  it('is where the modules take their codes from', () => {
    expect(FROM_AUTHORITY).toBe(AUTHORITY_REFUSALS);
    expect(Object.keys(AUTHORITY)).toEqual([...AUTHORITY_REFUSALS]);
    expect(FROM_FIELDS).toBe(FIELD_PROBLEM_CODES);
    expect(Object.keys(FIELD_PROBLEMS)).toEqual([...FIELD_PROBLEM_CODES]);
    expect(Object.keys(COMMAND_AUTH)).toEqual([...AUTH_REFUSALS]);
    expect(Object.keys(PARSE_ERRORS)).toEqual([...PARSE_ERROR_CODES]);
    expect(COMMAND_ERROR_CODES.length).toBeGreaterThan(10);
  });

  it("answers a party's own signed mail exactly for the codes the signed-mail-not-applied notice explains", () => {
    const answered = AUTHORITY_REFUSALS.filter((c) => AUTHORITY[c].answerSender);
    expect(new Set(answered)).toEqual(new Set(NOT_APPLIED_REASONS));
    for (const c of answered) expect(AUTHORITY[c].replyTemplate).toBe('signed-mail-not-applied');
  });

  it('gives the field problems in the words of the invalid notice', () => {
    for (const lang of ['ja', 'en'] as const) {
      const { text } = renderNotice('invalid', lang, { problems: [{ field: 'product.name', code: 'too-long' }, { field: 'reproduction', code: 'control-character' }, { field: 'caseId', code: 'unknown-case' }] } as never);
      expect(text).toContain(FIELD_PROBLEMS['too-long'].text[lang]({ oneLine: true, max: '200' }));
      expect(text).toContain(FIELD_PROBLEMS['control-character'].text[lang]({ oneLine: false, max: '' }));
      expect(text).toContain(FIELD_PROBLEMS['unknown-case'].text[lang]({ oneLine: true, max: '' }));
    }
  });
});
