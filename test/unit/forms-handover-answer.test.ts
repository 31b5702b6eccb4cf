// The partner's answer on a handed-over case (src/forms/handover-answer.ts; issue 12
// "Outbound"): labels ja/en, status words, the partner's id read against its template, a
// requested date; unreadable values by code only, never kept.
import { describe, expect, it } from 'vitest';
import { isAnswer, parseHandoverAnswer } from '../../src/forms/handover-answer.ts';
import { parseRefPattern, type RefPattern } from '../../src/forms/ref-pattern.ts';

const parsed = parseRefPattern('VU#{6}');
if (!parsed.ok) throw new Error('pattern');
const VU: RefPattern = parsed.pattern;

describe('parseHandoverAnswer', () => {
  it('reads the English lines', () => {
    const a = parseHandoverAnswer('Desk case ID: VR-2026-0042\nStatus: in progress\nPartner case ID: vu#123456\nRequested date: 2027/3/1\n', VU);
    expect(a).toEqual({ status: 'in-progress', partnerCaseId: 'VU#123456', requestedDate: '2027-03-01', problems: [] });
    expect(isAnswer(a)).toBe(true);
  });

  it('reads the Japanese labels and words, full-width included', () => {
    const a = parseHandoverAnswer('状況：辞退\n連携機関の案件番号：ＶＵ＃６５４３２１\n希望公表日：2027年4月2日\n', VU);
    expect(a).toEqual({ status: 'declined', partnerCaseId: 'VU#654321', requestedDate: '2027-04-02', problems: [] });
  });

  it.each([
    ['accepted', 'accepted'],
    ['vendor contacted', 'vendor-contacted'],
    ['製品開発者に連絡済み', 'vendor-contacted'],
    ['closed', 'closed'],
    ['対応中', 'in-progress'],
  ])('status %s → %s', (word, status) => {
    expect(parseHandoverAnswer(`Status: ${word}\n`, VU).status).toBe(status);
  });

  it('unreadable values are problems by code, not values; an ambiguous status is not guessed', () => {
    const a = parseHandoverAnswer('Status: accepted or declined\nPartner case ID: 12345\nRequested date: 2027-02-30\n', VU);
    expect(a).toEqual({
      problems: [
        { field: 'status', code: 'bad-status' },
        { field: 'partnerCaseId', code: 'case-id-mismatch' },
        { field: 'requestedDate', code: 'bad-date' },
      ],
    });
    expect(isAnswer(a)).toBe(true);
  });

  it('a control character in a value is refused by its code', () => {
    expect(parseHandoverAnswer('Status: accepted\u0007\n', VU).problems).toEqual([{ field: 'status', code: 'control-character' }]);
  });

  it('plain correspondence is no answer', () => {
    const a = parseHandoverAnswer('Hello, any news on VR-2026-0042?\n', VU);
    expect(a).toEqual({ problems: [] });
    expect(isAnswer(a)).toBe(false);
  });
});
