// Screening of a report with bad values (issue 9 §6): a verdict with stable codes, an
// answer (which fields and why only when encrypted), no draft and no case.
import { describe, expect, it } from 'vitest';
import type { InspectResult, ReportForm } from '../../src/domain/inspect.ts';
import { screen, siteUrlProblems, type Decision, type ScreeningInput } from '../../src/rules/screening.ts';

const complete: ReportForm = {
  kind: 'product',
  reporter: { name: '山田 太郎', email: 'taro@reporter.test' },
  product: { name: 'Router', version: '1.0' },
  vulnerability: { summary: 'XSS' },
  reproduction: 'steps',
  missing: [],
};
const verdict = (report: ReportForm): InspectResult => ({
  messageId: '<m@x>',
  from: 'taro@reporter.test',
  subject: 's',
  encryption: 'pgp-mime',
  signature: { status: 'valid', fingerprint: 'F'.repeat(40), matchesFrom: true },
  kind: 'report',
  report,
  attachments: [],
  rejected: null,
  notes: [],
});
const input = (report: ReportForm, over: Partial<ScreeningInput> = {}): ScreeningInput => ({ verdict: verdict(report), text: '氏名: 山田', automated: false, senderKey: 'ok', draft: null, ...over });
const types = (d: Decision[]): string[] => d.map((x) => (x.type === 'notice' ? `notice:${x.template}` : x.type));

describe('screening a report with bad values', () => {
  it('a TAB in the product name: verdict, encrypted answer naming the field, nothing stored', () => {
    const d = screen(input({ ...complete, product: { name: 'Rou\tter', version: '1.0' } }));
    expect(types(d)).toEqual(['invalid', 'record', 'notice:invalid']);
    expect(d[0]).toEqual({ type: 'invalid', problems: [{ field: 'product.name', code: 'control-character' }] });
    expect(d[2]).toMatchObject({ encrypted: true, problems: [{ field: 'product.name', code: 'control-character' }] });
  });
  it('without a usable key the answer is content-free and no draft is saved', () => {
    const d = screen(input({ ...complete, vulnerability: { summary: 'x'.repeat(20_001) } }, { senderKey: 'none' }));
    expect(types(d)).toEqual(['invalid', 'record', 'notice:invalid']);
    expect(d[2]).toMatchObject({ encrypted: false });
    expect(d[2]).not.toHaveProperty('problems');
  });
  it('problems found before storing (a NUL) are joined with those screening finds, once each', () => {
    const d = screen(input({ ...complete, product: { name: 'Rou\tter', version: '1.0' } }, { problems: [{ field: 'reporter.name', code: 'control-character' }, { field: 'product.name', code: 'control-character' }] }));
    expect(d[0]).toEqual({ type: 'invalid', problems: [{ field: 'reporter.name', code: 'control-character' }, { field: 'product.name', code: 'control-character' }] });
  });
  it('bad values win over missing fields (the resend would carry them again)', () => {
    const d = screen(input({ kind: 'product', product: { name: 'a\u0000', version: '1' }, missing: [] }));
    expect(types(d)).toEqual(['invalid', 'record', 'notice:invalid']);
  });
  it('a product name over two lines is folded into one and accepted', () => {
    const d = screen(input({ ...complete, product: { name: 'Router\n  Pro', version: '1.0' } }));
    expect(types(d)).toEqual(['open-case', 'notice:ack']);
    expect((d[0] as Extract<Decision, { type: 'open-case' }>).report.product?.name).toBe('Router Pro');
  });
});

describe('a website report whose URL is not a website address (issue 11)', () => {
  const site = (url: string): ReportForm => ({ kind: 'website', reporter: { name: '山田 太郎', email: 'taro@reporter.test' }, website: { url }, vulnerability: { summary: 'XSS' }, reproduction: 'steps', missing: [] });
  it('is refused at intake with bad-url naming website.url; no case, no draft', () => {
    for (const url of ['javascript:alert(1)', 'ftp://shop.example.jp/', 'https://', 'https://bad host.example.jp/', 'http://[::1']) {
      const d = screen(input(site(url)));
      expect(types(d), url).toEqual(['invalid', 'record', 'notice:invalid']);
      expect(d[0], url).toEqual({ type: 'invalid', problems: [{ field: 'website.url', code: 'bad-url' }] });
    }
  });
  it('a readable address opens the case, with or without a scheme, in scope or not; an empty one is missing, not bad', () => {
    for (const url of ['https://shop.example.jp/cart', 'shop.example.jp/cart', 'https://shop.example.com/', 'http://192.0.2.1/']) {
      expect(siteUrlProblems(site(url)), url).toEqual([]);
      expect(types(screen(input(site(url)))), url).toContain('open-case');
    }
    expect(siteUrlProblems(site('  '))).toEqual([]);
    expect(types(screen(input(site(''))))).toEqual(['save-draft', 'record', 'notice:missing']);
    // A product report's stray URL is not the site of a website case: not checked.
    expect(siteUrlProblems({ ...complete, website: { url: 'javascript:x' } })).toEqual([]);
  });
});
