// X-RELEASE / X-REDACT (issue 9 §5): the hold named in the alert, the Japanese spellings,
// the field and its new text on continuation lines, and the errors that change nothing.
import { describe, expect, it } from 'vitest';
import { formatCommand, parseCliCommand, parseCommandMail } from '../../src/commands/parse.ts';

const mail = (...lines: string[]): string => ['X-CASE: VR-2026-0042', ...lines, '', 'Sato'].join('\n');

describe('X-RELEASE / X-REDACT', () => {
  it('reads the Japanese spellings and full-width forms', () => {
    expect(parseCommandMail(mail('X-送信承認：ｈ７ｋ３ｑｘ０')).commands).toEqual([{ kind: 'release', hold: 'H7K3QX0' }]);
    expect(parseCommandMail(mail('X-墨消し: H7K3QX0')).commands).toEqual([{ kind: 'redact', hold: 'H7K3QX0', field: null, text: null }]);
    expect(parseCliCommand(['VR-2026-0042', '送信承認', 'H7K3QX0']).commands).toEqual([{ kind: 'release', hold: 'H7K3QX0' }]);
  });

  it('takes a field and its new text over continuation lines, and formats it back', () => {
    const p = parseCommandMail(mail('X-REDACT: H7K3QX0 reproduction', '  1. Send the request.', '  2. See every record.'));
    expect(p.errors).toEqual([]);
    expect(p.commands).toEqual([{ kind: 'redact', hold: 'H7K3QX0', field: 'reproduction', text: '1. Send the request.\n2. See every record.' }]);
    expect(parseCommandMail(mail(formatCommand(p.commands[0]!))).commands).toEqual(p.commands);
    expect(parseCommandMail(mail('X-REDACT: H7K3QX0 vendors.0.workaround')).commands).toEqual([{ kind: 'redact', hold: 'H7K3QX0', field: 'vendors.0.workaround', text: null }]);
  });

  it.each([
    ['X-RELEASE', 'missing-argument'],
    ['X-RELEASE: 42', 'bad-hold'],
    ['X-RELEASE: H7K3QX0 H7K3QX1', 'unexpected-argument'],
    ['X-REDACT: summary', 'bad-hold'],
    ['X-REDACT: H7K3QX0 sum;mary text', 'bad-hold'],
    ['X-REDACT:', 'missing-argument'],
  ])('%s is an error, and nothing is applied', (line, code) => {
    const p = parseCommandMail(mail(line));
    expect(p.errors.map((e) => e.code)).toEqual([code]);
    expect(p.commands).toEqual([]);
  });

  it('a field on a continuation line is not taken (it could be the text)', () => {
    const p = parseCommandMail(mail('X-REDACT: H7K3QX0', '  summary new text'));
    expect(p.errors.map((e) => e.code)).toEqual(['missing-argument']);
  });
});
