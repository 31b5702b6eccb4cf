// A stray invalid byte in a body labelled UTF-8 (issue 9 §6): decoded as UTF-8 with U+FFFD
// and marked, never re-read as Shift_JIS; a body that is really Shift_JIS under a wrong
// UTF-8 label still goes to detection.
import { describe, expect, it } from 'vitest';
import { decodeText, decodeTextChecked } from '../../src/mime/charset.ts';

// `ja` in Shift_JIS (CP932), as Python's cp932 codec writes it.
const SJIS = Buffer.from(
  '90c68ee390ab82cc8a54977681468ac7979d89e696ca82cc8c9f8df5979382c9834e838d83588354834383678358834e838a8376836583428393834f82cc90c68ee390ab82aa82a082e882dc82b781420a90bb956996bc814682dc82c782ae82bf8381815b838b8354815b836f0a',
  'hex',
);
const ja = '脆弱性の概要：管理画面の検索欄にクロスサイトスクリプティングの脆弱性があります。\n製品名：まどぐちメールサーバ\n';

describe('decodeTextChecked', () => {
  it('valid UTF-8 is UTF-8, unmarked', () => {
    expect(decodeTextChecked(Buffer.from(ja, 'utf8'), 'UTF-8')).toEqual({ text: ja, invalidBytes: false });
  });
  it('one stray byte in UTF-8: U+FFFD for it, the rest as sent, marked', () => {
    const b = Buffer.from(ja, 'utf8');
    const bad = Buffer.concat([b.subarray(0, 12), Buffer.from([0xff]), b.subarray(12)]);
    const r = decodeTextChecked(bad, 'utf-8');
    expect(r.invalidBytes).toBe(true);
    expect(r.text).toBe(`${ja.slice(0, 4)}\uFFFD${ja.slice(4)}`);
    // A truncated sequence (the first two bytes of a three-byte character) too.
    const cut = Buffer.concat([b.subarray(0, 12), b.subarray(12, 14), b.subarray(15)]);
    expect(decodeTextChecked(cut, 'UTF-8').text).toContain('製品名：まどぐちメールサーバ');
  });
  it('a Shift_JIS body labelled UTF-8 is still detected as Shift_JIS', () => {
    const sjis = SJIS;
    expect(decodeText(sjis, 'utf-8')).toBe(ja);
  });
  it('an unlabelled or us-ascii body with 8-bit bytes is still detected', () => {
    const sjis = SJIS;
    expect(decodeText(sjis, undefined)).toBe(ja);
    expect(decodeText(sjis, 'us-ascii')).toBe(ja);
  });
  it('a label TextDecoder does not know falls back without throwing', () => {
    expect(decodeTextChecked(Buffer.from('abc'), 'x-unknown-charset')).toEqual({ text: 'abc', invalidBytes: false });
  });
});
