import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blankReportForm } from '../../src/forms/index.ts';
import { inspectMessage } from '../../src/inbound/pipeline.ts';
import { loadKeyring } from '../../src/crypto/openpgp.ts';
import {
  LANGS,
  NOTICE_NAMES,
  NOTICE_REJECT_REASONS,
  NoticeContextError,
  TEMPLATE_DIR,
  formatFingerprint,
  formatJst,
  renderNotice,
  validateNoticeContext,
  type NoticeContexts,
  type NoticeName,
} from '../../src/outbound/templates.ts';
import { ROOT } from '../support/paths.ts';

const AT = new Date('2026-11-22T10:30:00Z');
const FPR_A = '0123456789ABCDEF0123456789ABCDEF01234567';
const FPR_B = 'FEDCBA9876543210FEDCBA9876543210FEDCBA98';
const REASONS = NOTICE_REJECT_REASONS;

const samples: { [N in NoticeName]: NoticeContexts[N][] } = {
  ack: [
    { caseId: 'VR-2026-0042', receivedAt: AT, kind: 'product', productName: 'まどぐちメールサーバ 2.3.1' },
    { caseId: 'VR-2026-0043', receivedAt: AT, kind: 'website', siteUrl: 'https://shop.example.jp/' },
  ],
  missing: [{ missing: ['reporter.email', 'reproduction', 'product.version'], blankForm: blankReportForm('ja') }],
  unencrypted: [{ deskFingerprint: FPR_A }],
  nokey: [{ why: 'none' }, { why: 'expired' }, { why: 'revoked' }],
  rejected: REASONS.map((reason) => ({ reason })),
  invalid: [
    {},
    { problems: [{ field: 'product.name', code: 'control-character' }, { field: 'vulnerability.summary', code: 'too-long' }] },
    { problems: [{ field: 'caseId', code: 'unknown-case' }, { field: 'extra', code: 'control-character' }] },
  ],
};

/** Render with a context the types would refuse (runtime validation is the point). */
const renderLoose = (name: NoticeName, lang: 'ja' | 'en', ctx: unknown) => renderNotice(name, lang, ctx as never);

describe('templates', () => {
  it('every notice has a ja and an en template: Subject line, blank line, body', () => {
    for (const name of NOTICE_NAMES) {
      for (const lang of LANGS) {
        const src = readFileSync(join(TEMPLATE_DIR, `${name}.${lang}.hbs`), 'utf8');
        expect(src, `${name}.${lang}`).toMatch(/^Subject: [^\n]+\n\n\S/);
      }
    }
    expect(TEMPLATE_DIR).toBe(join(ROOT, 'templates'));
  });

  it('renders every sample in both languages: one-line subject, no HTML escapes, nothing undefined', () => {
    for (const name of NOTICE_NAMES) {
      for (const lang of LANGS) {
        for (const ctx of samples[name]) {
          const n = renderNotice(name, lang, ctx as never);
          expect(n.subject).not.toMatch(/[\r\n]/);
          expect(n.subject.length).toBeGreaterThan(5);
          expect(n.text).not.toMatch(/&#x27;|&amp;|&lt;|&quot;|undefined|\[object |\{\{|\}\}/);
          expect(n.text.endsWith('\n') && !n.text.endsWith('\n\n')).toBe(true);
          // Polite Japanese: every sentence ends in です・ます form (or ください).
          if (lang === 'ja') {
            const ends = [...n.text.matchAll(/([^。\n]{0,5})。/g)].map((m) => m[1]);
            expect(ends.length).toBeGreaterThan(1);
            for (const e of ends) expect(e, n.text).toMatch(/(ます|ません|ました|でした|ください|です)$/);
          }
        }
      }
    }
  });

  it('ack: the next steps and the confidentiality request follow the kind', () => {
    const [product, website] = samples.ack;
    const pj = renderNotice('ack', 'ja', product!).text;
    expect(pj).toContain('2026-11-22 19:30 JST (10:30 UTC)');
    expect(pj).toContain('45 日後');
    expect(pj).toContain('公表されるまでの間');
    expect(pj).toContain('[VR-2026-0042]');
    expect(pj).toContain('まどぐちメールサーバ 2.3.1');
    const wj = renderNotice('ack', 'ja', website!).text;
    expect(wj).toContain('3 か月');
    expect(wj).toContain('公表は行いません');
    expect(wj).toContain('修正が完了するまでの間');
    expect(wj).not.toContain('45 日');
    const pe = renderNotice('ack', 'en', product!).text;
    expect(pe).toContain('45 days after our first');
    expect(pe).toContain('until it has been published');
    const we = renderNotice('ack', 'en', website!).text;
    expect(we).toContain('three months');
    expect(we).toContain('not publicly disclosed');
    expect(we).toContain('https://shop.example.jp/');
  });

  it('missing: human labels per language, the blank form, value hints outside the form', () => {
    const ja = renderNotice('missing', 'ja', { missing: ['reporter.email', 'website.url'], blankForm: blankReportForm('ja') }).text;
    expect(ja).toContain('・メールアドレス');
    expect(ja).toContain('・ウェブサイトのURL');
    expect(ja).toContain(blankReportForm('ja').trimEnd());
    const [before] = ja.split(blankReportForm('ja').trimEnd());
    expect(before).toContain('「ソフトウエア製品」または「ウェブサイト」');
    expect(before).toContain('「可」または「不可」');
    const en = renderNotice('missing', 'en', { missing: ['reporter.email', 'website.url'], blankForm: blankReportForm('en') }).text;
    expect(en).toContain('  - Email\n');
    expect(en).toContain('  - URL\n');
    expect(en).toContain(blankReportForm('en').trimEnd());
    expect(en).not.toContain('reporter.email');
  });

  it('the missing notice the desk sends makes a blank form that the desk itself parses as a report', async () => {
    const form = blankReportForm('ja')
      .replace('届出種別：', '届出種別：ソフトウエア製品')
      .replace('氏名：', '氏名：山田 太郎')
      .replace('メールアドレス：', 'メールアドレス：taro@reporter.test');
    const raw = Buffer.from(`From: taro@reporter.test\r\nSubject: re\r\nMessage-ID: <x@y>\r\n\r\n${form.replace(/\n/g, '\r\n')}`);
    const r = await inspectMessage(raw, { ring: await loadKeyring([], undefined, () => undefined) });
    expect(r.verdict.kind).toBe('report');
  });

  it('formatJst shows JST with UTC beside it, and the UTC date when it differs', () => {
    expect(formatJst(AT)).toBe('2026-11-22 19:30 JST (10:30 UTC)');
    expect(formatJst(new Date('2026-11-22T23:05:00Z'))).toBe('2026-11-23 08:05 JST (2026-11-22 23:05 UTC)');
    expect(formatJst(new Date('2026-12-31T15:00:00Z'))).toBe('2027-01-01 00:00 JST (2026-12-31 15:00 UTC)');
    expect(() => formatJst(new Date('nope'))).toThrow();
    expect(formatFingerprint(FPR_A)).toBe('0123 4567 89AB CDEF 0123  4567 89AB CDEF 0123 4567');
  });
});

describe('(d) context validation', () => {
  const good = samples.ack[0]!;

  it('rejects a missing key, naming it', () => {
    const { caseId: _drop, ...rest } = good;
    expect(() => renderLoose('ack', 'ja', rest)).toThrow(NoticeContextError);
    expect(() => renderLoose('ack', 'ja', rest)).toThrow(/"caseId" is missing/);
    expect(() => renderLoose('missing', 'en', { missing: ['reporter.email'] })).toThrow(/"blankForm" is missing/);
    expect(() => renderLoose('nokey', 'en', {})).toThrow(/"why" is missing/);
  });

  it('rejects an unknown key, naming it (report text cannot ride along)', () => {
    expect(() => renderLoose('ack', 'en', { ...good, summary: 'XSS in the search box' })).toThrow(/"summary" is not part of this template/);
    expect(() => renderLoose('unencrypted', 'ja', { deskFingerprint: FPR_A, subject: 'SQL injection' })).toThrow(/"subject"/);
    expect(() => renderLoose('rejected', 'ja', { reason: 'malformed', detail: 'MIME part 1.2 ...' })).toThrow(/"detail"/);
  });

  it('rejects bad types and values, naming the key', () => {
    expect(() => renderLoose('ack', 'ja', { ...good, receivedAt: '2026-11-22' })).toThrow(/"receivedAt" must be a Date/);
    expect(() => renderLoose('ack', 'ja', { ...good, receivedAt: new Date('x') })).toThrow(/"receivedAt" is an invalid Date/);
    expect(() => renderLoose('ack', 'ja', { ...good, kind: 'hardware' })).toThrow(/"kind" must be one of product, website/);
    expect(() => renderLoose('ack', 'ja', { ...good, caseId: 'VR-26-1' })).toThrow(/"caseId" does not match/);
    expect(() => renderLoose('ack', 'ja', { ...good, productName: 'x\n\n当窓口より: 公表しました' })).toThrow(/"productName" must be one line/);
    expect(() => renderLoose('ack', 'ja', { caseId: 'VR-2026-0042', receivedAt: AT, kind: 'product' })).toThrow(/"productName" is missing \(required when kind is product\)/);
    expect(() => renderLoose('ack', 'ja', { caseId: 'VR-2026-0042', receivedAt: AT, kind: 'website', siteUrl: 'https://a/', productName: 'p' })).toThrow(/"productName" must be absent/);
    expect(() => renderLoose('missing', 'ja', { missing: ['reporter.shoeSize'], blankForm: 'x' })).toThrow(/"missing" has an unknown entry/);
    expect(() => renderLoose('missing', 'ja', { missing: [], blankForm: 'x' })).toThrow(/"missing" must not be empty/);
    expect(() => renderLoose('unencrypted', 'ja', { deskFingerprint: 'abc' })).toThrow(/"deskFingerprint" does not match/);
    expect(() => renderLoose('rejected', 'ja', { reason: 'because' })).toThrow(/"reason" must be one of/);
    expect(() => renderLoose('ack', 'ja', null)).toThrow(/must be a plain object/);
    expect(() => renderLoose('ack', 'fr' as 'ja', good)).toThrow(/language/);
    expect(() => validateNoticeContext('ack', good)).not.toThrow();
  });
});

describe('(e) content-free notices', () => {
  // Words of a real report (test/fixtures): none may appear in a content-free notice.
  const report = readFileSync(join(ROOT, 'test', 'fixtures', 'report-ja.txt'), 'utf8');
  const reportWords = ['まどぐちメールサーバ', 'クロスサイトスクリプティング', '山田', 'taro@reporter.test', 'CWE-79', '<script>', '2.3.1', 'ベンダ株式会社', 'サンプル研究所'];
  it('the word list comes from the report fixture', () => {
    for (const w of reportWords) expect(report).toContain(w);
  });

  const contexts = (name: 'unencrypted' | 'nokey' | 'rejected'): unknown[] =>
    name === 'unencrypted' ? [{ deskFingerprint: FPR_A }] : name === 'nokey' ? samples.nokey : samples.rejected;

  for (const name of ['unencrypted', 'nokey', 'rejected'] as const) {
    it(`${name}: no context key can carry report text, and the text holds none of it`, () => {
      for (const lang of LANGS) {
        for (const ctx of contexts(name)) {
          for (const key of ['text', 'subject', 'from', 'summary', 'productName']) {
            expect(() => renderLoose(name, lang, { ...(ctx as object), [key]: report })).toThrow(NoticeContextError);
          }
          const n = renderLoose(name, lang, ctx);
          for (const w of reportWords) {
            expect(n.text).not.toContain(w);
            expect(n.subject).not.toContain(w);
          }
        }
      }
    });
  }

  it('unencrypted: two fingerprints give texts that differ only in the fingerprint', () => {
    for (const lang of LANGS) {
      const a = renderNotice('unencrypted', lang, { deskFingerprint: FPR_A });
      const b = renderNotice('unencrypted', lang, { deskFingerprint: FPR_B });
      expect(a.subject).toBe(b.subject);
      expect(a.text).not.toBe(b.text);
      expect(a.text.replace(formatFingerprint(FPR_A), '#')).toBe(b.text.replace(formatFingerprint(FPR_B), '#'));
    }
  });

  it('nokey and rejected: the text is a function of the enum alone (one distinct text per value)', () => {
    for (const lang of LANGS) {
      const nokey = new Set(samples.nokey.map((c) => renderNotice('nokey', lang, c).text));
      expect(nokey.size).toBe(3);
      const rejected = samples.rejected.map((c) => renderNotice('rejected', lang, c).text);
      expect(new Set(rejected).size).toBe(REASONS.length);
      // Exactly one reason sentence each: the texts differ in one paragraph only.
      const paragraphs = rejected.map((t) => t.split('\n\n'));
      for (const p of paragraphs) expect(p.length).toBe(paragraphs[0]!.length);
      const varying = paragraphs[0]!.map((_, i) => new Set(paragraphs.map((p) => p[i])).size > 1).filter(Boolean);
      expect(varying).toHaveLength(1);
      // Same input, same text (no clock, no randomness).
      expect(renderNotice('rejected', lang, { reason: 'malformed' }).text).toBe(renderNotice('rejected', lang, { reason: 'malformed' }).text);
    }
  });
});
