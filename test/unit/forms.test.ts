// mail-protocol.md §2: the report form, read leniently.
import { describe, expect, it } from 'vitest';
import { blankReportForm, parseReportForm, REPORT_FIELDS } from '../../src/forms/index.ts';
import { normLabel } from '../../src/forms/labels.ts';

const JA_PRODUCT = [
  '窓口ご担当者様',
  '',
  '以下の通り届け出ます。',
  '',
  '1. 届出種別：ソフトウエア製品',
  '2. 氏名：山田 太郎',
  '3. 所属：例示株式会社',
  '4. メールアドレス：taro@example.jp',
  '5. 製品名：ExampleCMS',
  '6. バージョン：3.2.1 およびそれ以前',
  '7. 脆弱性の種類：CWE-79',
  '8. 脆弱性の概要：',
  '管理画面の検索欄にクロスサイトスクリプティングがあります。',
  '',
  '9. 再現手順：',
  '1. 管理者でログインする',
  '2. 検索欄に次を入力: <script>alert(1)</script>',
  '3. 結果を表示する',
  '10. 製品開発者への発見者情報の通知：可',
  '11. 直接の情報交換：希望しない',
  '12. 公表時の氏名掲載：可（山田太郎）',
].join('\n');

const EN_WEBSITE = [
  'Hello,',
  '',
  'Report type: Website',
  'Name: Jane Doe',
  'Email: Jane Doe <jane@example.org>',
  'URL: https://shop.example.com/',
  'Summary: SQL injection in the search form.',
  'Steps to reproduce:',
  '  Open https://shop.example.com/search?q=1%27',
  '  Note: it crashes with a database error.',
  'Share my identity with the vendor: no',
  'Direct contact with the vendor: yes',
  'Credit me in the advisory: yes (Jane Doe)',
].join('\r\n');

describe('parseReportForm: whole forms', () => {
  it('reads a Japanese product report with numbered labels and full-width colons', () => {
    const r = parseReportForm(JA_PRODUCT);
    expect(r.kind).toBe('product');
    expect(r.reporter).toEqual({ name: '山田 太郎', organization: '例示株式会社', email: 'taro@example.jp' });
    expect(r.product).toEqual({ name: 'ExampleCMS', version: '3.2.1 およびそれ以前' });
    expect(r.vulnerability).toEqual({
      type: 'CWE-79',
      summary: '管理画面の検索欄にクロスサイトスクリプティングがあります。',
    });
    // Numbered steps restart at 1 and a colon inside a step does not start a field.
    expect(r.reproduction).toBe(
      '1. 管理者でログインする\n2. 検索欄に次を入力: <script>alert(1)</script>\n3. 結果を表示する',
    );
    expect(r.consent).toEqual({ shareIdentity: true, directContact: false, credit: true, creditName: '山田太郎' });
    expect(r.missing).toEqual([]);
    expect(r.extra).toBeUndefined();
  });

  it('reads an English website report with CRLF line ends', () => {
    const r = parseReportForm(EN_WEBSITE);
    expect(r.kind).toBe('website');
    expect(r.reporter).toEqual({ name: 'Jane Doe', email: 'jane@example.org' });
    expect(r.website).toEqual({ url: 'https://shop.example.com/' });
    expect(r.vulnerability?.summary).toBe('SQL injection in the search form.');
    // Prose with a colon does not split the value; inner lines are kept as written, LF only.
    expect(r.reproduction).toBe(
      'Open https://shop.example.com/search?q=1%27\n  Note: it crashes with a database error.',
    );
    expect(r.consent).toEqual({ shareIdentity: false, directContact: true, credit: true, creditName: 'Jane Doe' });
    expect(r.missing).toEqual([]);
    expect(r.extra).toBeUndefined();
  });

  it('omits absent fields rather than writing empty strings', () => {
    const r = parseReportForm('氏名：\n概要：  \n');
    expect(r.reporter).toBeUndefined();
    expect(r.vulnerability).toBeUndefined();
    expect(Object.keys(r)).toEqual(['missing']);
  });
});

describe('parseReportForm: label line syntax', () => {
  it.each([
    ['1. 氏名: 山田', 'dot'],
    ['1) 氏名: 山田', 'paren'],
    ['(1) 氏名: 山田', 'enclosed'],
    ['（１）氏名：山田', 'full-width enclosed'],
    ['１．氏名：山田', 'full-width dot'],
    ['①氏名：山田', 'circled'],
    ['⑳ 氏名：山田', 'circled 20'],
    ['⑴ 氏名：山田', 'parenthesized digit'],
    ['【氏名】山田', 'lenticular, no colon'],
    ['【氏名】：山田', 'lenticular with colon'],
    ['[氏名]: 山田', 'square with colon'],
    ['[氏名] 山田', 'square without colon'],
    ['［氏名］山田', 'full-width square'],
    ['3.【氏名】山田', 'numbered and bracketed'],
    ['  氏名 ： 山田  ', 'surrounding spaces'],
    ['氏\u3000名：山田', 'spaced-out label'],
    ['氏名（必須）：山田', 'required marker'],
  ])('%s (%s)', (line) => {
    expect(parseReportForm(line).reporter?.name).toBe('山田');
  });

  it.each([
    ['ＵＲＬ：https://a.example/', 'https://a.example/'],
    ['Ｓｉｔｅ ＵＲＬ: https://a.example/', 'https://a.example/'],
    ['site url: https://a.example/', 'https://a.example/'],
    ['ｻｲﾄURL：https://a.example/', 'https://a.example/'],
  ])('matches labels across width and case: %s', (line, url) => {
    expect(parseReportForm(`Report type: website\n${line}`).website?.url).toBe(url);
  });

  it('matches full-width English labels and half-width katakana', () => {
    expect(parseReportForm('Ｅｍａｉｌ：a@example.jp').reporter?.email).toBe('a@example.jp');
    expect(parseReportForm('ﾒｰﾙｱﾄﾞﾚｽ：b@example.jp').reporter?.email).toBe('b@example.jp');
    expect(parseReportForm('CONTACT EMAIL: c@example.jp').reporter?.email).toBe('c@example.jp');
  });

  it('does not NFKC-fold values', () => {
    expect(parseReportForm('製品名：ＡＢＣ　ﾂｰﾙ').product?.name).toBe('ＡＢＣ\u3000ﾂｰﾙ');
  });

  it('matches the whole label only, never a prefix', () => {
    const r = parseReportForm('連絡先電話番号：03-0000-0000\n概要説明: x');
    expect(r.reporter).toBeUndefined();
    expect(r.vulnerability).toBeUndefined();
  });

  it('knows every label of the §2 table, each mapping to its own key', () => {
    for (const f of REPORT_FIELDS) {
      for (const label of [...f.ja, ...f.en]) {
        const r = parseReportForm(`${label}: yes`);
        expect(r.extra, label).toBeUndefined();
        expect(Object.keys(r).length, label).toBe(2);
      }
    }
    const seen = new Map<string, string>();
    for (const f of REPORT_FIELDS) {
      for (const label of [...f.ja, ...f.en]) {
        const n = normLabel(label);
        const other = seen.get(n);
        if (other !== undefined) expect(other, label).toBe(f.key);
        seen.set(n, f.key);
      }
    }
  });

  it('keeps multi-line values with inner blank lines and trims the ends', () => {
    const r = parseReportForm('概要:\n\n  first line\n\n  second line  \n\n\n再現手順: x');
    expect(r.vulnerability?.summary).toBe('first line\n\n  second line');
    expect(r.reproduction).toBe('x');
  });

  it('normalises lone CR line ends too', () => {
    expect(parseReportForm('概要: a\rb\r再現手順: c').vulnerability?.summary).toBe('a\nb');
  });

  it('ignores the greeting before the first label and the signature after "-- "', () => {
    const r = parseReportForm('Dear desk,\nName: Taro\nSummary: bad bug\n-- \nTaro Yamada\nPhone: +81 3 0000');
    expect(r.vulnerability?.summary).toBe('bad bug');
    expect(r.reporter?.name).toBe('Taro');
    // A label line after the signature still starts a field: only the value is cut.
    expect(r.reporter?.phone).toBe('+81 3 0000');
  });

  it('does not treat quoted lines as labels, but keeps them in the value', () => {
    const r = parseReportForm('Summary: see below\n> Name: Mallory\n> Email: m@evil.example');
    expect(r.reporter).toBeUndefined();
    expect(r.vulnerability?.summary).toBe('see below\n> Name: Mallory\n> Email: m@evil.example');
  });
});

describe('parseReportForm: unknown labels', () => {
  it('keeps bracketed and numbered unknown labels in extra, as written', () => {
    const text = [
      '1. 届出種別：ソフトウエア製品',
      '2. 届出日：2026年1月5日',
      '【Ｂｕｇ ＩＤ】 internal-77',
      '3. 氏名：山田',
      '[Reference]: https://ref.example/1',
    ].join('\n');
    const r = parseReportForm(text);
    expect(r.extra).toEqual({
      届出日: '2026年1月5日',
      'Ｂｕｇ ＩＤ': 'internal-77',
      Reference: 'https://ref.example/1',
    });
    expect(r.kind).toBe('product');
    expect(r.reporter?.name).toBe('山田');
  });

  it('does not split a value at prose with a colon or at restarted step numbers', () => {
    const text = [
      '12. 再現手順：',
      '1. Log in: use admin/admin',
      '2. Open the page: /settings',
      'Result: the page shows the payload',
      '[1] https://example.com/',
      '13. 想定される影響：情報漏えい',
    ].join('\n');
    const r = parseReportForm(text);
    expect(r.reproduction).toBe(
      '1. Log in: use admin/admin\n2. Open the page: /settings\nResult: the page shows the payload\n[1] https://example.com/',
    );
    expect(r.impact).toBe('情報漏えい');
    expect(r.extra).toBeUndefined();
  });

  it('accepts an unknown numbered label that continues the form numbering after deleted fields', () => {
    const r = parseReportForm('5. 製品名：Foo\n7. 独自項目：bar\n8. バージョン：1.0');
    expect(r.product).toEqual({ name: 'Foo', version: '1.0' });
    expect(r.extra).toEqual({ 独自項目: 'bar' });
  });

  it('rejects an unknown numbered label in another numbering style', () => {
    const r = parseReportForm('1. 概要：x\n2) Other: y');
    expect(r.vulnerability?.summary).toBe('x\n2) Other: y');
    expect(r.extra).toBeUndefined();
  });

  it('keeps a second value of a repeated label in extra instead of losing it', () => {
    const r = parseReportForm('Name: Taro\nSummary: s\nName: admin');
    expect(r.reporter?.name).toBe('Taro');
    expect(r.extra).toEqual({ Name: 'admin' });
  });

  it('takes a later value when the first occurrence of a label was empty', () => {
    expect(parseReportForm('Name:\nName: Taro').reporter?.name).toBe('Taro');
  });

  it('stores a __proto__ label as data, not as a prototype', () => {
    const r = parseReportForm('【__proto__】polluted\n【constructor】x');
    expect(r.extra && Object.hasOwn(r.extra, '__proto__')).toBe(true);
    expect(r.extra?.['constructor']).toBe('x');
    expect(Object.getPrototypeOf(r.extra)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('parseReportForm: kind and missing', () => {
  it.each([
    ['ソフトウエア製品', 'product'],
    ['ソフトウェア製品', 'product'],
    ['製品', 'product'],
    ['Product', 'product'],
    ['SOFTWARE', 'product'],
    ['ソフトウエア製品（ソフトウェア）', 'product'],
    ['ウェブサイト', 'website'],
    ['ウェブアプリケーション', 'website'],
    ['Webサイト', 'website'],
    ['ＷＥＢサイト', 'website'],
    ['web application', 'website'],
    ['Website', 'website'],
    ['■ソフトウエア製品 □ウェブサイト', 'product'],
    ['□ソフトウエア製品 ■ウェブサイト', 'website'],
    ['[ ] product [x] website', 'website'],
    ['hardware', 'hardware'],
    ['ソフトウエア製品／ウェブサイト', 'ソフトウエア製品／ウェブサイト'],
  ])('kind %s → %s', (value, kind) => {
    expect(parseReportForm(`届出種別：${value}`).kind).toBe(kind);
  });

  it('requires product name and version for a product report', () => {
    const r = parseReportForm('Report type: product\nName: A\nEmail: a@example.jp\nSummary: s\nReproduction: r');
    expect(r.missing).toEqual(['product.name', 'product.version']);
  });

  it('requires the URL for a website report, and not the product fields', () => {
    const r = parseReportForm('対象：ウェブサイト\n氏名：A\n連絡先：a@example.jp\n概要：s\n再現環境：r');
    expect(r.missing).toEqual(['website.url']);
  });

  it('requires neither product nor website fields when the kind is unknown or absent', () => {
    const body = 'Name: A\nEmail: a@example.jp\nSummary: s\nReproduction: r';
    expect(parseReportForm(`Target: firmware\n${body}`).missing).toEqual([]);
    expect(parseReportForm(body).missing).toEqual(['kind']);
    expect(parseReportForm('Target:\n' + body).missing).toEqual(['kind']);
  });

  it('lists every always-required key, in table order, for an empty text', () => {
    expect(parseReportForm('').missing).toEqual([
      'kind',
      'reporter.name',
      'reporter.email',
      'vulnerability.summary',
      'reproduction',
    ]);
  });
});

describe('parseReportForm: consents', () => {
  it.each([
    ['可', true],
    ['不可', false],
    ['希望する', true],
    ['希望しない', false],
    ['希望します', true],
    ['同意する', true],
    ['同意しない', false],
    ['はい', true],
    ['いいえ', false],
    ['yes', true],
    ['No', false],
    ['TRUE', true],
    ['false', false],
    ['OK', true],
    ['ｙｅｓ', true],
    ['■可 □不可', true],
    ['□可 ■不可', false],
  ])('%s → %s', (value, expected) => {
    expect(parseReportForm(`発見者情報の開示：${value}`).consent?.shareIdentity).toBe(expected);
  });

  it('keeps an unreadable or ambiguous consent raw in extra and does not set it', () => {
    const r = parseReportForm('直接連絡：可/不可\nDirect contact with the vendor: maybe later');
    expect(r.consent).toBeUndefined();
    // The second line repeats the field under its English label: kept in extra too.
    expect(r.extra).toEqual({ 直接連絡: '可/不可', 'Direct contact with the vendor': 'maybe later' });
    const r2 = parseReportForm('Direct contact with the vendor: maybe later\nName: A');
    expect(r2.consent).toBeUndefined();
    expect(r2.extra).toEqual({ 'Direct contact with the vendor': 'maybe later' });
  });

  it('reads the credit name in either bracket width, as written', () => {
    expect(parseReportForm('謝辞への氏名掲載：可（ＹＡＭＡＤＡ Taro）').consent).toEqual({
      credit: true,
      creditName: 'ＹＡＭＡＤＡ Taro',
    });
    expect(parseReportForm('Credit me in the advisory: Yes (Nora No)').consent).toEqual({
      credit: true,
      creditName: 'Nora No',
    });
  });

  it('sets no credit name when credit is refused', () => {
    expect(parseReportForm('公表時の氏名掲載：不可（山田）').consent).toEqual({ credit: false });
  });
});

describe('parseReportForm: email', () => {
  it.each([
    ['  taro@example.jp  ', 'taro@example.jp'],
    ['Taro Yamada <taro@example.jp>', 'taro@example.jp'],
    ['"Yamada, Taro" < taro@example.jp >', 'taro@example.jp'],
    ['taro at example dot jp', 'taro at example dot jp'],
  ])('%s → %s', (value, email) => {
    expect(parseReportForm(`Email: ${value}`).reporter?.email).toBe(email);
  });
});

describe('blankReportForm', () => {
  it.each(['ja', 'en'] as const)('%s: one numbered line per §2 field, and parses back as all missing', (lang) => {
    const blank = blankReportForm(lang);
    const lines = blank.trimEnd().split('\n');
    expect(lines).toHaveLength(REPORT_FIELDS.length);
    lines.forEach((l, i) => expect(l.startsWith(`${String(i + 1)}. `)).toBe(true));
    expect(lines.every((l) => l.endsWith(lang === 'ja' ? '：' : ':'))).toBe(true);
    const r = parseReportForm(blank);
    expect(r.missing).toEqual(['kind', 'reporter.name', 'reporter.email', 'vulnerability.summary', 'reproduction']);
    expect(r.extra).toBeUndefined();
  });

  it.each(['ja', 'en'] as const)('%s: a filled-in blank form reads every field', (lang) => {
    const values: Record<string, string> = {
      kind: 'product',
      'reporter.name': 'N',
      'reporter.organization': 'O',
      'reporter.email': 'e@example.jp',
      'reporter.phone': 'P',
      'product.name': 'PN',
      'product.version': 'PV',
      'product.vendor': 'PD',
      'website.url': 'https://u.example/',
      'website.name': 'WN',
      'vulnerability.type': 'CWE-79',
      'vulnerability.summary': 'S\nsecond line',
      reproduction: '1. step one\n2. step two: go',
      verification: 'V',
      impact: 'I',
      cvss: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
      'consent.shareIdentity': 'yes',
      'consent.directContact': 'no',
      'consent.credit': 'yes (N)',
      reportedElsewhere: 'none',
    };
    const filled = blankReportForm(lang)
      .trimEnd()
      .split('\n')
      .map((l, i) => {
        const key = REPORT_FIELDS[i]?.key ?? '';
        return `${l} ${values[key] ?? ''}`;
      })
      .join('\n');
    expect(parseReportForm(filled)).toEqual({
      kind: 'product',
      reporter: { name: 'N', organization: 'O', email: 'e@example.jp', phone: 'P' },
      product: { name: 'PN', version: 'PV', vendor: 'PD' },
      website: { url: 'https://u.example/', name: 'WN' },
      vulnerability: { type: 'CWE-79', summary: 'S\nsecond line' },
      reproduction: '1. step one\n2. step two: go',
      verification: 'V',
      impact: 'I',
      cvss: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
      consent: { shareIdentity: true, directContact: false, credit: true, creditName: 'N' },
      reportedElsewhere: 'none',
      missing: [],
    });
  });
});
