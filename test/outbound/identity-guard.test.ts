// The reporter-identity guard (issue 9 §5): however the reporter's name, address,
// organisation or telephone number is typed into a text, it is found; what merely
// resembles it is not; a hit can be masked in the original text.
import { describe, expect, it } from 'vitest';
import { compileIdentity, findIdentity, findInText, maskIdentity, stringLeaves, type IdentityKind } from '../../src/outbound/identity-guard.ts';

const ID = compileIdentity({
  names: ['Taro Yamada', '山田 太郎'],
  emails: ['taro.yamada@reporter.test'],
  organizations: ['株式会社サンプル研究所', 'Example Corp'],
  phones: ['+81-3-1234-5678', '090-8765-4321'],
});
const kinds = (text: string): IdentityKind[] => [...new Set(findInText(text, ID).map((h) => h.kind))].sort();

describe('identity guard: the name', () => {
  it.each([
    'Taro Yamada',
    'taro yamada',
    'TARO YAMADA',
    'Yamada Taro',
    'YAMADA, Taro',
    'Yamada-Taro',
    'Taro  \t Yamada',
    'Ｔａｒｏ　Ｙａｍａｄａ', // full-width letters and space (NFKC)
    'ＹＡＭＡＤＡ　ＴＡＲＯ',
    'T a r o Y a m a d a',
    'Mr. Yamada reproduced it',
    '山田 太郎',
    '山田太郎',
    '太郎 山田',
    '太郎山田',
    '山田　太郎',
    '発見者の山田さんから',
    '(Taro.Yamada)',
    '連絡はYamadaまで',
  ])('%s', (text) => {
    expect(kinds(text)).toContain('name');
  });

  it.each(['totally safe', 'the yamadarian parser', 'Taroyaki', 'a tarot card', 'Yamadas-free'])('no hit inside other words: %s', (text) => {
    expect(kinds(text)).not.toContain('name');
  });

  it('a name typed without a space is found in the other order too', () => {
    const id = compileIdentity({ names: ['佐藤花子'], emails: [], organizations: [], phones: [] });
    expect(findInText('花子 佐藤 より', id)).toHaveLength(1);
    expect(findInText('花子佐藤', id)).toHaveLength(1);
    expect(findInText('佐藤花子', id)).toHaveLength(1);
  });

  it('half-width katakana with voicing marks read as the full-width name (NFKC per character cluster)', () => {
    const id = compileIdentity({ names: ['ヤマダ ガロウ'], emails: [], organizations: [], phones: [] });
    expect(findInText('ﾔﾏﾀﾞ ｶﾞﾛｳ です', id).length).toBeGreaterThan(0);
  });

  it('generic words of a handle do not hold every notice', () => {
    const id = compileIdentity({ names: ['Security Team'], emails: [], organizations: ['Individual'], phones: [] });
    expect(findInText('a security issue found by the team', id)).toEqual([]);
    expect(findInText('Security Team', id)).toHaveLength(1);
    expect(findInText('an individual user', id)).toEqual([]);
  });
});

describe('identity guard: the address', () => {
  it.each([
    'taro.yamada@reporter.test',
    'write to TARO.YAMADA@REPORTER.TEST.',
    'ｔａｒｏ．ｙａｍａｄａ＠ｒｅｐｏｒｔｅｒ．ｔｅｓｔ',
    'taro.yamada (at) reporter.test',
    'taro.yamada [at] reporter [dot] test',
    '連絡先：taro.yamada@reporter.testまで',
    'mailto:taro.yamada@reporter.test',
  ])('%s', (text) => {
    expect(findInText(text, ID).length).toBeGreaterThan(0);
  });

  it('a generic local part alone is no hit', () => {
    const id = compileIdentity({ names: [], emails: ['security@reporter.test'], organizations: [], phones: [] });
    expect(findInText('a security bug', id)).toEqual([]);
    expect(findInText('security@reporter.test', id)).toHaveLength(1);
  });
});

describe('identity guard: the organisation', () => {
  it.each(['株式会社サンプル研究所', 'サンプル研究所の者です', '(株)サンプル研究所', 'ｻﾝﾌﾟﾙ研究所', 'Example Corp.', 'EXAMPLE CORPORATION', 'at example we found'])('%s', (text) => {
    expect(kinds(text)).toContain('organization');
  });
  it('not inside another word', () => {
    expect(kinds('counterexample code')).not.toContain('organization');
  });
});

describe('identity guard: the telephone number', () => {
  it.each([
    '+81-3-1234-5678',
    '03-1234-5678',
    '03 1234 5678',
    '(03) 1234-5678',
    '0312345678',
    '+81 (0)3 1234 5678',
    '０３−１２３４−５６７８', // full-width digits, U+2212
    '０３－１２３４－５６７８', // full-width hyphen-minus (ISO-2022-JP)
    '03.1234.5678',
    'TEL:090-8765-4321',
    '09087654321',
  ])('%s', (text) => {
    expect(kinds(text)).toEqual(['phone']);
  });

  it.each(['version 3.1234.5679', 'CVE-2026-12345', '2026-12-04', 'port 5678'])('no hit: %s', (text) => {
    expect(kinds(text)).not.toContain('phone');
  });
});

describe('identity guard: fields, masks', () => {
  it('reports each field and kind once, never the identity itself', () => {
    const hits = findIdentity(
      stringLeaves({ summary: 'found by Yamada Taro', reproduction: 'call 03-1234-5678 or Taro Yamada', vendors: [{ name: 'ACME', workaround: 'ask taro.yamada@reporter.test' }], publishedOn: new Date() }),
      ID,
    );
    expect(hits).toEqual([
      { field: 'summary', kind: 'name' },
      { field: 'reproduction', kind: 'name' },
      { field: 'reproduction', kind: 'phone' },
      { field: 'vendors.0.workaround', kind: 'email' },
    ]);
    expect(JSON.stringify(hits)).not.toMatch(/yamada|1234/i);
  });

  it('skips the fields the policy exempts', () => {
    expect(findIdentity([['creditName', 'Taro Yamada']], ID, (f) => f === 'creditName')).toEqual([]);
  });

  it('masks every hit in the original text and leaves the rest as written', () => {
    const text = 'Found by ＹＡＭＡＤＡ　Ｔａｒｏ (株式会社サンプル研究所), tel ０３−１２３４−５６７８; the crash is in parse().';
    const masked = maskIdentity(text, ID, '[X]');
    expect(masked).toBe('Found by [X] ([X]), tel [X]; the crash is in parse().');
    expect(findInText(masked, ID)).toEqual([]);
  });

  it('an empty identity finds nothing', () => {
    const none = compileIdentity({ names: [''], emails: ['not-an-address'], organizations: ['  '], phones: ['12'] });
    expect(findInText('anything at all 12', none)).toEqual([]);
  });

  it('stays linear on long hostile text', () => {
    const text = 'taro '.repeat(200_000);
    const t = performance.now();
    findInText(text, ID);
    expect(performance.now() - t).toBeLessThan(10_000);
  });
});
