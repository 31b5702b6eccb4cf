// The one sanitizer of displayed text (src/outbound/neutralise.ts) and its hook in the
// render function (every notice's view passes through it).
import { describe, expect, it } from 'vitest';
import { needsNeutralising, neutralise, neutraliseDeep } from '../../src/outbound/neutralise.ts';
import { renderNotice } from '../../src/outbound/templates.ts';

describe('neutralise', () => {
  it('turns bidi overrides, isolates and marks into visible escapes', () => {
    expect(neutralise('evil\u202Etxt.exe')).toBe('evil<U+202E>txt.exe');
    expect(neutralise('\u202A\u202B\u202C\u202D\u2066\u2067\u2068\u2069\u200E\u200F\u061C')).toBe('<U+202A><U+202B><U+202C><U+202D><U+2066><U+2067><U+2068><U+2069><U+200E><U+200F><U+061C>');
  });
  it('turns C0 (but LF and TAB), DEL and C1 into visible escapes', () => {
    expect(neutralise('a\u0000b\u001b[2Jc\rd\u007fe\u0085f\u009bg')).toBe('a<U+0000>b<U+001B>[2Jc<U+000D>d<U+007F>e<U+0085>f<U+009B>g');
    expect(neutralise('line 1\n\tline 2')).toBe('line 1\n\tline 2');
    expect(neutralise('a\u2028b')).toBe('a<U+2028>b');
  });
  it('is idempotent and leaves ordinary text (Japanese, U+FFFD) alone', () => {
    const s = 'まどぐち\uFFFD ①㈱ <U+202E>';
    expect(neutralise(s)).toBe(s);
    expect(neutralise(neutralise('x\u202Ey'))).toBe('x<U+202E>y');
    expect(needsNeutralising(s)).toBe(false);
    expect(needsNeutralising('x\u202Ey')).toBe(true);
    expect(needsNeutralising('x\u202Ey')).toBe(true);
  });
  it('walks plain objects and arrays, keeps numbers, booleans and Dates', () => {
    const at = new Date('2026-11-22T10:30:00Z');
    expect(neutraliseDeep({ a: 'x\u202Ey', b: ['\u0007'], c: 3, d: true, e: at, f: { g: '\u2066' } })).toEqual({ a: 'x<U+202E>y', b: ['<U+0007>'], c: 3, d: true, e: at, f: { g: '<U+2066>' } });
  });
});

describe('the render function neutralises every notice', () => {
  it('a bidi override in the product name of an acknowledgement is shown escaped, in both languages', () => {
    for (const lang of ['ja', 'en'] as const) {
      const n = renderNotice('ack', lang, { caseId: 'VR-2026-0042', receivedAt: new Date('2026-11-22T10:30:00Z'), kind: 'product', productName: 'Mado\u202Eguchi\u2069' });
      expect(n.text).toContain('Mado<U+202E>guchi<U+2069>');
      expect(n.text + n.subject).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
    }
  });
});
