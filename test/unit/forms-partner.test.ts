// Partner case form, vendor self-report form and the zoned embargo time (issue 12).
import { describe, expect, it } from 'vitest';
import { blankPartnerCaseForm, parsePartnerCaseForm } from '../../src/forms/partner.ts';
import { parseRefPattern, type RefPattern } from '../../src/forms/ref-pattern.ts';
import { blankSelfReportForm, parseSelfReportForm } from '../../src/forms/self-report.ts';
import { readZonedTime } from '../../src/forms/zoned-time.ts';

function pattern(t: string): RefPattern {
  const p = parseRefPattern(t);
  if (!p.ok) throw new Error(p.error);
  return p.pattern;
}

describe('readZonedTime', () => {
  it.each([
    ['2027-02-10 15:00 -04:00', '2027-02-10T19:00:00.000Z'],
    ['2027-02-10T15:00Z', '2027-02-10T15:00:00.000Z'],
    ['2027-02-10T15:00:30+09:00', '2027-02-10T06:00:30.000Z'],
    ['2027/02/10 15:00 UTC', '2027-02-10T15:00:00.000Z'],
    ['2027-02-10 15:00 JST', '2027-02-10T06:00:00.000Z'],
    ['2027-02-10 15:00 +0530', '2027-02-10T09:30:00.000Z'],
    ['2027-02-10 15:00 (UTC-04:00)', '2027-02-10T19:00:00.000Z'],
    ['2027-02-10 15:00 −04:00', '2027-02-10T19:00:00.000Z'],
    ['２０２７年２月１０日 １５時００分（JST）', '2027-02-10T06:00:00.000Z'],
    ['2027-01-01 00:30 +09:00', '2026-12-31T15:30:00.000Z'],
  ])('%s → %s', (v, iso) => {
    expect(readZonedTime(v)).toMatchObject({ ok: true, iso });
  });

  it.each([
    ['2027-02-10 15:00', 'no-zone'],
    ['2027-02-10', 'no-time'],
    ['February 10, 2027 3pm EST', 'no-date'],
    ['2027-02-10 15:00 EST', 'unknown-zone'],
    ['2027-02-10 15:00 CST', 'unknown-zone'],
    ['2027-02-10 15:00 GMT-4', 'unknown-zone'],
    ['2027-02-30 15:00 Z', 'invalid'],
    ['2027-02-10 24:00 Z', 'invalid'],
    ['2027-02-10 15:00 +15:00', 'invalid'],
    ['', 'no-date'],
  ])('%s → %s, never a guess', (v, problem) => {
    expect(readZonedTime(v)).toEqual({ ok: false, problem });
  });

  it('hostile: a very long value is read on its head only, quickly', () => {
    const t0 = Date.now();
    expect(readZonedTime('2027-02-10 15:00 ' + ' '.repeat(1_000_000) + 'Z').ok).toBe(false);
    expect(readZonedTime('1'.repeat(1_000_000)).ok).toBe(false);
    expect(Date.now() - t0).toBeLessThan(1000);
  });
});

const PARTNER_EN = `Hello JPCERT,

Partner case ID: VU#123456
Embargo: 2027-02-10 15:00 -04:00
Products:
- Example Router RT-1000
- Example Router RT-2000; Example NAS
Vendors:
- Example, Inc.
- ヤマト電機
Summary: A stack overflow in the web UI allows
remote code execution.
CVE: CVE-2027-1234, cve-2027-56789
CVSS: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H
Contact: Jane Doe <jane@certcc.test>

--
Jane Doe, CERT/CC
`;

describe('parsePartnerCaseForm', () => {
  it('reads every field of an English form, lists split by line and semicolon, signature dropped', () => {
    const f = parsePartnerCaseForm(PARTNER_EN, { casePattern: pattern('VU#{6}') });
    expect(f).toEqual({
      partnerCaseId: 'VU#123456',
      embargo: { at: '2027-02-10T19:00:00.000Z', written: '2027-02-10 15:00 -04:00' },
      products: ['Example Router RT-1000', 'Example Router RT-2000', 'Example NAS'],
      vendors: ['Example, Inc.', 'ヤマト電機'],
      summary: 'A stack overflow in the web UI allows\nremote code execution.',
      cve: ['CVE-2027-1234', 'CVE-2027-56789'],
      cvss: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
      contact: 'Jane Doe <jane@certcc.test>',
      missing: [],
      problems: [],
    });
  });

  it('reads Japanese labels (full-width colon, numbering, brackets); repeated list labels collect', () => {
    const f = parsePartnerCaseForm(
      ['１．連携機関の案件番号：vu#654321', '２．公表日時：2027年3月1日 10時00分 JST', '【対象製品】製品A', '【対象製品】製品B', '製品開発者：A社', '脆弱性の概要：概要です', 'CVE番号：なし'].join('\n'),
      { casePattern: pattern('VU#{6}') },
    );
    expect(f.partnerCaseId).toBe('VU#654321');
    expect(f.embargo?.at).toBe('2027-03-01T01:00:00.000Z');
    expect(f.products).toEqual(['製品A', '製品B']);
    expect(f.vendors).toEqual(['A社']);
    expect(f.cve).toEqual([]);
    expect(f.missing).toEqual([]);
  });

  it('an embargo without a zone is a specific verdict and the embargo is missing, not guessed', () => {
    const f = parsePartnerCaseForm('Embargo: 2027-02-10 15:00\nSummary: x');
    expect(f.embargo).toBeUndefined();
    expect(f.problems).toContainEqual({ field: 'embargo', code: 'embargo-no-zone' });
    expect(f.missing).toContain('embargo');
    expect(f.extra?.Embargo).toBe('2027-02-10 15:00');
  });

  it.each([
    ['Embargo: 2027-02-10', { field: 'embargo', code: 'embargo-no-time' }],
    ['Embargo: 2027-02-10 15:00 PST', { field: 'embargo', code: 'embargo-unknown-zone' }],
    ['Embargo: next Tuesday', { field: 'embargo', code: 'embargo-no-date' }],
    ['Partner case ID: VU#12345', { field: 'partnerCaseId', code: 'case-id-mismatch' }],
    ['Partner case ID: VU#1234567', { field: 'partnerCaseId', code: 'case-id-mismatch' }],
    ['CVE: CVE-2027-12', { field: 'cve', code: 'bad-cve' }],
    ['CVE: CVE-2027-1234 and some prose', { field: 'cve', code: 'bad-cve' }],
    ['CVSS: 9.8 critical', { field: 'cvss', code: 'bad-cvss' }],
    ['CVSS: CVSS:2.0/AV:N/AC:L/Au:N/C:C', { field: 'cvss', code: 'bad-cvss' }],
    ['Summary: a\u0000b', { field: 'summary', code: 'control-character' }],
    ['Partner case ID: VU#123456\tx', { field: 'partnerCaseId', code: 'control-character' }],
    [`Summary: ${'a'.repeat(20_001)}`, { field: 'summary', code: 'too-long' }],
    [`Vendors:\n${Array.from({ length: 101 }, (_, i) => `v${i}`).join('\n')}`, { field: 'vendors', code: 'too-many-items' }],
  ])('verdict: %s', (text, problem) => {
    const f = parsePartnerCaseForm(text, { casePattern: pattern('VU#{6}') });
    expect(f.problems).toContainEqual(problem);
  });

  it('a bad value is never stored (a NUL summary is not echoed into extra)', () => {
    const f = parsePartnerCaseForm('Summary: a\u0000b');
    expect(f.summary).toBeUndefined();
    expect(JSON.stringify(f)).not.toContain('a\\u0000b');
  });

  it('without a pattern the case id is kept as written; missing lists the required fields in order', () => {
    const f = parsePartnerCaseForm('Partner case ID: ICSA-27-041-01\nContact: x');
    expect(f.partnerCaseId).toBe('ICSA-27-041-01');
    expect(f.missing).toEqual(['embargo', 'products', 'vendors', 'summary']);
  });

  it('a quoted form is not a form', () => {
    const f = parsePartnerCaseForm('> Partner case ID: VU#123456\n> Embargo: 2027-02-10T15:00Z');
    expect(f.partnerCaseId).toBeUndefined();
    expect(f.embargo).toBeUndefined();
  });

  it('hostile input: huge and junk texts give verdicts quickly, never throw', () => {
    const t0 = Date.now();
    for (const t of ['Products: ' + 'x;'.repeat(200_000), 'Embargo: ' + '2027-'.repeat(100_000), '【a】'.repeat(50_000), 'CVE: ' + 'CVE-2027-1234 '.repeat(50_000)]) {
      const f = parsePartnerCaseForm(t, { casePattern: pattern('VU#{6}') });
      expect(Array.isArray(f.missing)).toBe(true);
    }
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(parsePartnerCaseForm(undefined as unknown as string).missing).toHaveLength(5);
  });

  it('the blank form parses back with everything missing', () => {
    for (const lang of ['ja', 'en'] as const) {
      expect(parsePartnerCaseForm(blankPartnerCaseForm(lang)).missing).toEqual(['partnerCaseId', 'embargo', 'products', 'vendors', 'summary']);
    }
  });
});

describe('parseSelfReportForm', () => {
  it('reads an English self-report', () => {
    const f = parseSelfReportForm(
      [
        'Product: ACME Router',
        'Affected versions: 1.0 to 1.4',
        'Fixed versions: 1.5',
        'Summary: An authentication bypass.',
        'Proposed publication date: 2027-03-01',
        'Advisory URL: https://acme.test/psirt/2027-01',
        'CVE: CVE-2027-0001',
        'CVSS: CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N',
      ].join('\n'),
    );
    expect(f).toEqual({
      product: 'ACME Router',
      affectedVersions: '1.0 to 1.4',
      fixedVersions: '1.5',
      summary: 'An authentication bypass.',
      proposedPublication: '2027-03-01',
      advisoryUrl: 'https://acme.test/psirt/2027-01',
      cve: ['CVE-2027-0001'],
      cvss: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N',
      missing: [],
      problems: [],
    });
  });

  it('reads Japanese labels', () => {
    const f = parseSelfReportForm('製品名：ヤマトカメラ\n影響を受けるバージョン：2.0\n修正バージョン：2.1\n脆弱性の概要：XSS\n公表希望日：２０２７年３月１日');
    expect(f).toMatchObject({ product: 'ヤマトカメラ', fixedVersions: '2.1', proposedPublication: '2027-03-01', missing: [] });
  });

  it.each([
    ['Proposed publication date: 2027-02-30', 'proposedPublication', 'bad-date'],
    ['Proposed publication date: soon', 'proposedPublication', 'bad-date'],
    ['Advisory URL: javascript:alert(1)', 'advisoryUrl', 'bad-url'],
    ['Advisory URL: https://user:pw@acme.test/', 'advisoryUrl', 'bad-url'],
    ['Advisory URL: not a url', 'advisoryUrl', 'bad-url'],
    ['Product: a\u0007b', 'product', 'control-character'],
    [`Fixed versions: ${'1'.repeat(501)}`, 'fixedVersions', 'too-long'],
    // One self-report is one vulnerability: two CVE ids are not split or picked from by guess.
    ['CVE: CVE-2027-0001, CVE-2027-0002', 'cve', 'too-many-items'],
    ['CVE: CVE-2027-12', 'cve', 'bad-cve'],
  ])('verdict: %s', (text, field, code) => {
    const f = parseSelfReportForm(text);
    expect(f.problems).toContainEqual({ field, code });
    expect((f as unknown as Record<string, unknown>)[field]).toBeUndefined();
  });

  it('without the fix or the date the report is incomplete', () => {
    expect(parseSelfReportForm('Product: x\nSummary: y').missing).toEqual(['affectedVersions', 'fixedVersions', 'proposedPublication']);
    expect(parseSelfReportForm(blankSelfReportForm('ja')).missing).toHaveLength(5);
    expect(parseSelfReportForm(blankSelfReportForm('en')).missing).toHaveLength(5);
  });
});
