// Vendor candidates and duplicate candidates for the coordinators' new-case notice: pure
// functions over Japanese and English data.
import { describe, expect, it } from 'vitest';
import type { ReportForm } from '../../src/domain/inspect.ts';
import { duplicateCandidates, vendorCandidates, VENDOR_WEIGHTS, type CandidateVendor, type PastCase } from '../../src/registry/candidates.ts';
import { companyCore, containsTerm, nfkc, nfkcKey, trigramSimilarity } from '../../src/registry/normalize.ts';

function report(p: { product?: string; vendor?: string; summary?: string; type?: string }): ReportForm {
  return {
    kind: 'product',
    ...(p.product !== undefined || p.vendor !== undefined ? { product: { ...(p.product !== undefined ? { name: p.product } : {}), ...(p.vendor !== undefined ? { vendor: p.vendor } : {}) } } : {}),
    ...(p.summary !== undefined || p.type !== undefined
      ? { vulnerability: { ...(p.summary !== undefined ? { summary: p.summary } : {}), ...(p.type !== undefined ? { type: p.type } : {}) } }
      : {}),
    missing: [],
  };
}

const ACME: CandidateVendor = {
  id: 'acme',
  name: 'ACME Corporation',
  nameJa: 'アクメ株式会社',
  registration: 'general',
  products: [{ name: 'ACME Router', keywords: ['router', 'rt-1000', 'firmware', 'ルーター'] }],
};
const YAMATO: CandidateVendor = {
  id: 'yamato',
  name: 'Yamato Denki Co., Ltd.',
  nameJa: 'ヤマト電機株式会社',
  registration: 'individual',
  products: [{ name: 'ヤマトカメラ YC-200', keywords: ['yc-200', 'ネットワークカメラ'] }],
};
const OPENLIB: CandidateVendor = {
  id: 'openlib',
  name: 'OpenLib Project',
  nameJa: null,
  registration: 'general',
  products: [{ name: 'libfoo', keywords: ['libfoo', 'xml parser', 'XMLパーサ'] }],
};
const KAPPA: CandidateVendor = {
  id: 'kappa',
  name: 'Kappa Ltd.',
  nameJa: 'カッパ合同会社',
  registration: 'general',
  products: [{ name: 'Kappa CMS', keywords: ['cms', 'blog', 'plugin', 'admin', 'wiki'] }],
};
const GONE: CandidateVendor & { removedAt: Date } = {
  id: 'gone',
  name: 'Gone Inc.',
  nameJa: null,
  registration: 'general',
  products: [{ name: 'ACME Router', keywords: ['router'] }],
  removedAt: new Date('2026-01-01T00:00:00Z'),
};
const ALL = [ACME, YAMATO, OPENLIB, KAPPA, GONE];

const ids = (c: { vendor: CandidateVendor }[]): string[] => c.map((x) => x.vendor.id);

describe('normalisation', () => {
  it('NFKC + case-insensitive, full/half width alike', () => {
    expect(nfkc('ＡＣＭＥ　Ｒｏｕｔｅｒ')).toBe('acme router');
    expect(nfkc('ｱｸﾒ')).toBe('アクメ');
    expect(nfkcKey('RT-1000')).toBe(nfkcKey('ｒｔ １０００'));
    expect(nfkcKey('ACME Router')).not.toBe(nfkcKey('ACME Routers'));
  });

  it('companyCore drops legal forms in English and Japanese', () => {
    expect(companyCore('ACME Corporation')).toBe('acme');
    expect(companyCore('アクメ株式会社')).toBe('アクメ');
    expect(companyCore('株式会社アクメ')).toBe('アクメ');
    expect(companyCore('㈱アクメ')).toBe('アクメ');
    expect(companyCore('Yamato Denki Co., Ltd.')).toBe('yamato denki');
    expect(companyCore('Flag')).toBe('flag');
  });

  it('containsTerm: Latin terms at word boundaries (plural allowed), Japanese anywhere', () => {
    expect(containsTerm('the routers are affected', 'router')).toBe(true);
    expect(containsTerm('a routerless design', 'router')).toBe(false);
    expect(containsTerm('start the art', 'rt')).toBe(false);
    expect(containsTerm('rt-1000 firmware', 'rt-1000')).toBe(true);
    // U+2212 MINUS SIGN, as ISO-2022-JP conversions leave it; U+FF0D via NFKC.
    expect(containsTerm(nfkc('RT\u22121000'), nfkc('rt-1000'))).toBe(true);
    expect(containsTerm(nfkc('RT\uff0d1000'), nfkc('rt-1000'))).toBe(true);
    expect(containsTerm('rt-10000 firmware', 'rt-1000')).toBe(false);
    expect(containsTerm('家庭用ルーターの管理画面', 'ルーター')).toBe(true);
  });

  it('trigram similarity: 1 for the same text, 0 for nothing in common or an empty side', () => {
    expect(trigramSimilarity('管理画面のXSS', '管理画面のＸＳＳ')).toBe(1);
    expect(trigramSimilarity('abc', 'xyz')).toBe(0);
    expect(trigramSimilarity('', 'abc')).toBe(0);
    const close = trigramSimilarity('管理画面にクロスサイトスクリプティング', '管理画面における格納型クロスサイトスクリプティング');
    const far = trigramSimilarity('管理画面にクロスサイトスクリプティング', 'ファームウェア更新処理のバッファオーバーフロー');
    expect(close).toBeGreaterThan(0.4);
    expect(far).toBeLessThan(0.05);
  });
});

describe('vendorCandidates', () => {
  it('an exact product match ranks first, with why', () => {
    const c = vendorCandidates(ALL, report({ product: 'ACME Router', summary: 'XSS in the settings page' }));
    expect(ids(c)).toEqual(['acme']);
    expect(c[0]?.score).toBeGreaterThanOrEqual(VENDOR_WEIGHTS.productExact);
    expect(c[0]?.why[0]).toBe('product "ACME Router" is the registered product "ACME Router"');
  });

  it('matches full-width, any-case and hyphen variants of the product name exactly', () => {
    for (const product of ['ＡＣＭＥ　ｒｏｕｔｅｒ', 'acme-router', 'AcmeRouter']) {
      const c = vendorCandidates(ALL, report({ product }));
      expect(c[0]?.vendor.id, product).toBe('acme');
      expect(c[0]?.why[0], product).toMatch(/is the registered product "ACME Router"/);
    }
  });

  it('a registered product inside a longer product name ("ACME Router RT-1000 v2.1")', () => {
    const c = vendorCandidates(ALL, report({ product: 'ACME Router RT-1000 v2.1' }));
    expect(c[0]?.vendor.id).toBe('acme');
    expect(c[0]?.why).toContain('registered product "ACME Router" in the product name');
    expect(c[0]?.why).toContain('keyword "rt-1000" in the product name');
  });

  it('ranks exact product > keyword hits > vendor name only', () => {
    const r = report({
      product: 'libfoo',
      vendor: 'カッパ',
      summary: 'Kappa のブログ用 plugin 経由で、家庭用ルーターの firmware を書き換えられる',
    });
    const c = vendorCandidates(ALL, r);
    expect(ids(c)).toEqual(['openlib', 'acme', 'kappa']);
    const [openlib, acme, kappa] = c;
    expect(openlib?.why[0]).toMatch(/is the registered product "libfoo"/);
    expect(acme?.why).toEqual(['keyword "firmware" in the summary', 'keyword "ルーター" in the summary']);
    // kappa: "blog" is not in the text ("ブログ" is), "plugin" is - a keyword hit - and its name.
    expect(kappa?.why).toContain('keyword "plugin" in the summary');
    expect(kappa?.why).toContain('vendor name "カッパ" in the reported vendor "カッパ"');
  });

  it('keyword hits are capped below a product-name match, however many there are', () => {
    const many = report({ product: 'Kappa CMS', summary: 'cms blog plugin admin wiki' });
    const k = vendorCandidates([KAPPA], many)[0];
    expect(k?.score).toBe(VENDOR_WEIGHTS.productExact + VENDOR_WEIGHTS.keywordCap + VENDOR_WEIGHTS.vendorInText);
    const onlyKeywords = vendorCandidates([KAPPA], report({ product: 'cms blog plugin admin wiki', summary: 'cms blog plugin admin wiki' }))[0];
    expect(onlyKeywords?.score).toBe(VENDOR_WEIGHTS.keywordCap);
    expect(onlyKeywords?.score).toBeLessThan(VENDOR_WEIGHTS.productInName);
  });

  it('the vendor name in the reported vendor, in any script width or legal form', () => {
    for (const vendor of ['ｱｸﾒ', '(株)アクメ', 'ACME Corp.', 'acme']) {
      const c = vendorCandidates(ALL, report({ product: 'Something else', vendor }));
      expect(ids(c), vendor).toEqual(['acme']);
      expect(c[0]?.score, vendor).toBe(VENDOR_WEIGHTS.vendorInReportedVendor);
    }
  });

  it('individual vendors only for their own products, never through the summary alone', () => {
    const viaSummary = report({ product: 'Generic NVR', summary: 'ヤマト電機の YC-200 ネットワークカメラと同じ部品を使っている' });
    expect(ids(vendorCandidates(ALL, viaSummary))).not.toContain('yamato');
    const viaVendor = report({ product: 'Generic NVR', vendor: 'ヤマト電機' });
    expect(ids(vendorCandidates(ALL, viaVendor))).not.toContain('yamato');

    const own = report({ product: 'ＹＣ－２００', vendor: 'ヤマト電機' });
    const c = vendorCandidates(ALL, own);
    expect(ids(c)).toEqual(['yamato']);
    expect(c[0]?.why).toEqual(['keyword "yc-200" in the product name', 'vendor name "ヤマト電機" in the reported vendor "ヤマト電機"']);

    const exact = vendorCandidates(ALL, report({ product: 'ヤマトカメラ　ＹＣ-200' }));
    expect(ids(exact)).toEqual(['yamato']);
  });

  it('a general vendor is found through the summary (multi-vendor case)', () => {
    const c = vendorCandidates(ALL, report({ product: 'Generic NVR', summary: 'The bundled XML parser (libfoo 2.3) has an XXE flaw' }));
    expect(ids(c)).toEqual(['openlib']);
    expect(c[0]?.why).toEqual([
      'registered product "libfoo" in the summary',
      'keyword "libfoo" in the summary',
      'keyword "xml parser" in the summary',
    ]);
  });

  it('removed vendors are never candidates; nothing matching gives []', () => {
    expect(ids(vendorCandidates([GONE], report({ product: 'ACME Router' })))).toEqual([]);
    expect(vendorCandidates(ALL, report({ product: 'Unrelated Widget', summary: 'a bug' }))).toEqual([]);
    expect(vendorCandidates(ALL, { missing: [] })).toEqual([]);
  });

  it('limit keeps the best', () => {
    const r = report({ product: 'libfoo', summary: 'router firmware' });
    expect(ids(vendorCandidates(ALL, r))).toEqual(['openlib', 'acme']);
    expect(ids(vendorCandidates(ALL, r, { limit: 1 }))).toEqual(['openlib']);
  });
});

describe('duplicateCandidates', () => {
  const past: PastCase[] = [
    {
      id: 'VR-2026-0001',
      report: report({ product: 'ACME Router', summary: 'ACME Router の管理画面における格納型クロスサイトスクリプティング', type: 'XSS' }),
      vendors: ['acme'],
    },
    {
      id: 'VR-2026-0002',
      report: report({ product: 'ACME Router', summary: 'ACME Router のファームウェア更新処理におけるバッファオーバーフロー', type: 'Buffer overflow' }),
      vendors: ['acme'],
    },
    {
      id: 'VR-2026-0003',
      report: report({ product: 'Kappa CMS', summary: 'Kappa CMS のプラグイン管理画面に SQL インジェクション' }),
      vendors: ['kappa'],
    },
    {
      // The same bug, product written another way: found by the summary alone.
      id: 'VR-2026-0004',
      report: report({ product: 'RT1000', summary: '管理画面にクロスサイトスクリプティングの脆弱性' }),
      vendors: [],
    },
    {
      // Another ACME product, similar summary: found through the vendor.
      id: 'VR-2026-0005',
      report: report({ product: 'ACME NAS', summary: 'ACME NAS の管理画面におけるクロスサイトスクリプティング' }),
      vendors: ['acme'],
    },
    { id: 'VR-2026-0006', report: null, vendors: [] },
  ];
  const incoming = report({ product: 'ＡＣＭＥ Router', summary: 'ACME Router の管理画面にクロスサイトスクリプティングの脆弱性', type: 'xss' });

  it('ranks same product + similar summary first; excludes the same product with another bug and unrelated cases', () => {
    const d = duplicateCandidates(past, incoming, { vendors: ['acme'] });
    expect(d.map((x) => x.caseId)).toEqual(['VR-2026-0001', 'VR-2026-0004', 'VR-2026-0005']);
    const [first] = d;
    expect(first?.why).toEqual(['same product "ACME Router"', 'same vendor acme', expect.stringMatching(/^summary similarity 0\.\d\d$/), 'same vulnerability type "XSS"']);
    expect(first?.score).toBeGreaterThan(0.8);
    for (const x of d) {
      expect(x.score).toBeGreaterThanOrEqual(0.35);
      expect(x.score).toBeLessThanOrEqual(1);
    }
    expect(d[1]?.why).toEqual([expect.stringMatching(/^summary similarity/)]);
    expect(d[2]?.why[0]).toBe('same vendor acme');
  });

  it('without the registry vendors, the reported vendor name still links cases', () => {
    const withVendor = (id: string, vendor: string, summary: string): PastCase => ({ id, report: report({ product: 'NAS-9', vendor, summary }), vendors: [] });
    const d = duplicateCandidates(
      [withVendor('VR-1', 'Acme Corp.', 'Stored XSS in the admin page'), withVendor('VR-2', 'Other Inc.', 'Stored XSS in the admin page of the blog')],
      report({ product: 'Backup Box', vendor: 'ACME Corporation', summary: 'Stored cross-site scripting in the admin page' }),
    );
    expect(d.map((x) => x.caseId)).toEqual(['VR-1']);
    expect(d[0]?.why[0]).toBe('same reported vendor "Acme Corp."');
  });

  it('English: a paraphrase of the same bug is a candidate, another bug in the same product is not', () => {
    const en: PastCase[] = [
      { id: 'EN-1', report: report({ product: 'ACME Router', summary: 'Stored XSS in the admin page of ACME Router' }), vendors: ['acme'] },
      { id: 'EN-2', report: report({ product: 'ACME Router', summary: 'Buffer overflow in the firmware update handler of ACME Router' }), vendors: ['acme'] },
    ];
    const d = duplicateCandidates(en, report({ product: 'acme router', summary: 'ACME Router admin page has a stored cross-site scripting (XSS) flaw' }));
    expect(d.map((x) => x.caseId)).toEqual(['EN-1']);
  });

  it('the threshold and limit options', () => {
    const all = duplicateCandidates(past, incoming, { vendors: ['acme'] });
    const strict = duplicateCandidates(past, incoming, { vendors: ['acme'], threshold: 0.7 });
    expect(strict.map((x) => x.caseId)).toEqual(['VR-2026-0001']);
    expect(all.length).toBeGreaterThan(strict.length);
    expect(duplicateCandidates(past, incoming, { vendors: ['acme'], limit: 2 }).map((x) => x.caseId)).toEqual(['VR-2026-0001', 'VR-2026-0004']);
  });

  it('with no summary to compare, the same product suffices', () => {
    const d = duplicateCandidates(past, report({ product: 'Kappa CMS' }));
    expect(d.map((x) => [x.caseId, x.why])).toEqual([['VR-2026-0003', ['same product "Kappa CMS"', 'no summary to compare']]]);
  });

  it('nothing in common gives []', () => {
    expect(duplicateCandidates(past, report({ product: 'Widget', summary: '全く別の製品のメモリ破壊' }))).toEqual([]);
    expect(duplicateCandidates([], incoming)).toEqual([]);
  });
});
