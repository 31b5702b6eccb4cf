// mail-protocol.md §3 (case references) and §4 (vendor reply form), and formScore.
import { describe, expect, it } from 'vitest';
import {
  blankReportForm,
  findCaseId,
  formScore,
  parseVendorReplyForm,
  REPORT_FIELDS,
  VENDOR_FIELDS,
} from '../../src/forms/index.ts';
import { normLabel } from '../../src/forms/labels.ts';

describe('parseVendorReplyForm', () => {
  it('reads a Japanese reply', () => {
    const text = [
      'お世話になっております。',
      '【案件番号】[VR-2026-0042]',
      '【状態】影響あり',
      '【修正バージョン】3.2.2',
      '【回避方法】',
      '検索機能を無効にしてください。',
      '設定画面から変更できます。',
      '【公表希望日】２０２６年３月５日',
      '【公表URL】https://vendor.example/advisory/1',
      '【備考】よろしくお願いします。',
    ].join('\r\n');
    expect(parseVendorReplyForm(text)).toEqual({
      caseId: 'VR-2026-0042',
      status: 'affected',
      fixedVersions: '3.2.2',
      workaround: '検索機能を無効にしてください。\n設定画面から変更できます。',
      proposedPublication: '2026-03-05',
      advisoryUrl: 'https://vendor.example/advisory/1',
      comment: 'よろしくお願いします。',
    });
  });

  it('reads an English reply and keeps unknown labels', () => {
    const text = [
      'Case ID: VR-2026-0107',
      'Status: fixed',
      'Fixed versions: 2.0.1, 1.9.8',
      'Proposed publication date: 2026/04/01',
      'Comment: thanks',
      '[CVE]: CVE-2026-12345',
    ].join('\n');
    expect(parseVendorReplyForm(text)).toEqual({
      caseId: 'VR-2026-0107',
      status: 'fixed',
      fixedVersions: '2.0.1, 1.9.8',
      proposedPublication: '2026-04-01',
      comment: 'thanks',
      extra: { CVE: 'CVE-2026-12345' },
    });
  });

  it.each([
    ['affected', 'affected'],
    ['Affected', 'affected'],
    ['影響あり', 'affected'],
    ['not-affected', 'not-affected'],
    ['Not affected', 'not-affected'],
    ['unaffected', 'not-affected'],
    ['影響なし', 'not-affected'],
    ['investigating', 'investigating'],
    ['調査中', 'investigating'],
    ['fixed', 'fixed'],
    ['修正済', 'fixed'],
    ['修正済み', 'fixed'],
    ['対策済', 'fixed'],
    ['ＦＩＸＥＤ', 'fixed'],
    ['□影響あり ■影響なし □調査中', 'not-affected'],
  ])('status %s → %s', (value, status) => {
    expect(parseVendorReplyForm(`ステータス：${value}`).status).toBe(status);
    expect(parseVendorReplyForm(`状態: ${value}`).status).toBe(status);
  });

  it('keeps an unreadable or ambiguous status raw in extra', () => {
    expect(parseVendorReplyForm('Status: we will see')).toEqual({ extra: { Status: 'we will see' } });
    expect(parseVendorReplyForm('Status: affected / not affected')).toEqual({
      extra: { Status: 'affected / not affected' },
    });
  });

  it.each([
    ['2026-03-05', '2026-03-05'],
    ['2026/3/5', '2026-03-05'],
    ['2026年3月5日', '2026-03-05'],
    ['2026年12月31日（予定）', '2026-12-31'],
    ['２０２６－０３－０５', '2026-03-05'],
    ['２０２６／０３／０５', '2026-03-05'],
    ['２０２６年３月５日', '2026-03-05'],
    ['2028-02-29', '2028-02-29'],
  ])('date %s → %s', (value, date) => {
    expect(parseVendorReplyForm(`公表予定日：${value}`).proposedPublication).toBe(date);
  });

  it.each(['2026-02-30', '2026-13-01', '2027-02-29', '2026-04-31', '未定', 'next spring'])(
    'keeps the impossible or absent date %s raw in extra',
    (value) => {
      const r = parseVendorReplyForm(`Proposed publication date: ${value}`);
      expect(r.proposedPublication).toBeUndefined();
      expect(r.extra).toEqual({ 'Proposed publication date': value });
    },
  );

  it('reads the case id from a Case line with any prefix, or keeps junk in extra', () => {
    expect(parseVendorReplyForm('Case: [VR-2026-0042] (ours: ACME-77)').caseId).toBe('VR-2026-0042');
    expect(parseVendorReplyForm('Case: JP-2026-1234', { casePrefix: 'JP' }).caseId).toBe('JP-2026-1234');
    expect(parseVendorReplyForm('Case: CD-2026-00001').caseId).toBe('CD-2026-00001');
    expect(parseVendorReplyForm('Case: your last mail')).toEqual({ extra: { Case: 'your last mail' } });
  });

  it('ignores report labels (they are unknown here unless bracketed)', () => {
    expect(parseVendorReplyForm('Status: affected\nName: Taro')).toEqual({ status: 'affected' });
  });
});

describe('findCaseId', () => {
  it.each([
    ['Re: [VR-2026-0042] 脆弱性のご連絡', 'VR-2026-0042'],
    ['VR-2026-0042', 'VR-2026-0042'],
    ['about case VR-2026-12345.', 'VR-2026-12345'],
    ['Re: [ vr-2026-0042 ]', 'VR-2026-0042'],
    ['Re: ［ＶＲ－２０２６－００４２］', 'VR-2026-0042'],
    ['see VR-2025-0001 and [VR-2026-0042]', 'VR-2026-0042'],
  ])('%s → %s', (text, id) => {
    expect(findCaseId(text)).toBe(id);
  });

  it.each([
    'no id here',
    'VR-26-0042',
    'VR-2026-042',
    'XVR-2026-0042',
    'VR-2026-0042a',
    'AVR-2026-0042',
    '[VR-2026-0042x]',
    'JP-2026-0042',
  ])('finds nothing in %s', (text) => {
    expect(findCaseId(text)).toBeNull();
  });

  it('uses the configured prefix, regex characters included', () => {
    expect(findCaseId('[JVN-2026-0001]', 'JVN')).toBe('JVN-2026-0001');
    expect(findCaseId('[VR-2026-0001]', 'JVN')).toBeNull();
    expect(findCaseId('[A.B-2026-0001] AxB-2026-0002', 'A.B')).toBe('A.B-2026-0001');
    expect(findCaseId('AxB-2026-0002', 'A.B')).toBeNull();
  });
});

describe('formScore', () => {
  it('relies on report and vendor labels being disjoint', () => {
    const report = new Set(REPORT_FIELDS.flatMap((f) => [...f.ja, ...f.en]).map(normLabel));
    const vendor = VENDOR_FIELDS.flatMap((f) => [...f.ja, ...f.en]).map(normLabel);
    expect(vendor.filter((l) => report.has(l))).toEqual([]);
  });

  it('scores a report form as a report', () => {
    const s = formScore(blankReportForm('ja'));
    expect(s.report).toBe(20);
    expect(s.vendorReply).toBe(0);
  });

  it('scores a vendor reply as a vendor reply', () => {
    expect(formScore('Status: fixed\n状態：修正済\n公表予定日：2026-01-01\nComment: ok')).toEqual({
      report: 0,
      vendorReply: 3,
    });
  });

  it('counts a field written under two labels once and ignores quoted lines', () => {
    expect(formScore('氏名：a\nName: a\n> Email: x\n> Status: fixed')).toEqual({ report: 1, vendorReply: 0 });
  });

  it('scores prose as nothing', () => {
    expect(formScore('Hello, I found a bug: it crashes.\nThanks: me')).toEqual({ report: 0, vendorReply: 0 });
  });
});

describe('the desk\'s "Other vendors" line (guideline §3.6)', () => {
  it('is read in either language, full-width or spaced, without disturbing the §4 fields', () => {
    const ja = parseVendorReplyForm('案件番号：VR-2026-0042\n状態：影響あり\n他の製品開発者：Globex（Globex Router 2.x）\nコメント：確認しました');
    expect(ja).toEqual({ caseId: 'VR-2026-0042', status: 'affected', otherVendors: 'Globex（Globex Router 2.x）', comment: '確認しました' });
    expect(parseVendorReplyForm('Status: affected\nＯＴＨＥＲ ＶＥＮＤＯＲＳ : Initech, Umbrella').otherVendors).toBe('Initech, Umbrella');
    expect(parseVendorReplyForm('状態：影響なし\n他の製品開発者：').otherVendors).toBeUndefined();
    expect(parseVendorReplyForm('状態：影響なし\nコメント：他社も影響を受けるかもしれません').otherVendors).toBeUndefined();
  });
});

describe('the vendor reference line (issue 12; mail-protocol §7 extension)', () => {
  it('reads the vendor\'s own tracking id, English and Japanese labels, NFKC', () => {
    expect(parseVendorReplyForm('Case ID: VR-2026-0042\nVendor reference: PSIRT-2027-0099\n').vendorReference).toBe('PSIRT-2027-0099');
    expect(parseVendorReplyForm('製品開発者の管理番号：ＳＲ １２３４５\n').vendorReference).toBe('SR 12345');
    expect(parseVendorReplyForm('Vendor tracking ID: TKT#42/a\n').vendorReference).toBe('TKT#42/a');
  });

  it('an unusable id is not used: kept in extra under its label', () => {
    const f = parseVendorReplyForm('Case ID: VR-2026-0042\nVendor reference: <script>\n');
    expect(f.vendorReference).toBeUndefined();
    expect(f.extra).toEqual({ 'Vendor reference': '<script>' });
    expect(parseVendorReplyForm('Vendor reference: a  b\n').vendorReference).toBeUndefined();
    expect(parseVendorReplyForm(`Vendor reference: ${'x'.repeat(65)}\n`).vendorReference).toBeUndefined();
  });
});
