// The desk's extension of the report form (docs/report-form.md): numbered vulnerability
// blocks (`Summary 2:`), while every single-vulnerability form reads as before.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseReportForm } from '../../src/forms/index.ts';

const BASE = ['Report type: product', 'Name: Taro Yamada', 'Email: taro@example.jp', 'Product name: ExampleCMS', 'Version: 3.2.1', 'Steps to reproduce:', 'open the page'];

describe('numbered vulnerability blocks', () => {
  it('reads vulnerability 1 from the unnumbered fields and each numbered block after it', () => {
    const f = parseReportForm(
      [
        ...BASE,
        'Vulnerability type: CWE-79',
        'Summary: XSS in search',
        'CVSS: CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N',
        'Vulnerability type 2: CWE-89',
        'Summary 2:',
        'SQL injection in login,',
        'over two lines',
        'CVSS 2: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
      ].join('\n'),
    );
    expect(f.missing).toEqual([]);
    expect(f.vulnerability).toEqual({ type: 'CWE-79', summary: 'XSS in search' });
    expect(f.vulnerabilities).toEqual([
      { number: 1, type: 'CWE-79', summary: 'XSS in search', cvss: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N' },
      { number: 2, type: 'CWE-89', summary: 'SQL injection in login,\nover two lines', cvss: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' },
    ]);
    expect(f.extra).toBeUndefined();
  });

  it('Japanese labels with full-width numbers and brackets, numbered lines, blocks out of order', () => {
    const f = parseReportForm(
      [
        '1. 届出種別：製品',
        '2. 氏名：山田 太郎',
        '3. メールアドレス：taro@example.jp',
        '4. 製品名：ExampleCMS',
        '5. バージョン：3.2.1',
        '6. 再現手順：手順',
        '7. 脆弱性の概要（３）：三つ目',
        '8. 脆弱性の概要 1：一つ目',
        '9. 【脆弱性の概要 ２】二つ目',
        '10. 脆弱性の種類#2：CWE-22',
      ].join('\n'),
    );
    expect(f.missing).toEqual([]);
    expect(f.vulnerability?.summary).toBe('一つ目');
    expect(f.vulnerabilities?.map((v) => [v.number, v.summary, v.type])).toEqual([
      [1, '一つ目', undefined],
      [2, '二つ目', 'CWE-22'],
      [3, '三つ目', undefined],
    ]);
  });

  it('a block without a summary is no vulnerability: its fields are kept in extra as written', () => {
    const f = parseReportForm([...BASE, 'Summary: one', 'CVSS 2: CVSS:3.1/AV:N'].join('\n'));
    expect(f.vulnerabilities).toBeUndefined();
    expect(f.extra).toEqual({ 'CVSS 2': 'CVSS:3.1/AV:N' });
  });

  it('a block field given twice keeps the first and puts the second in extra', () => {
    const f = parseReportForm([...BASE, 'Summary: one', 'Summary 2: two', 'Summary 2: again'].join('\n'));
    expect(f.vulnerabilities?.[1]?.summary).toBe('two');
    expect(f.extra).toEqual({ 'Summary 2': 'again' });
  });

  it('a block beyond the 20th is not a label: its line stays in the value above it', () => {
    const f = parseReportForm([...BASE, 'Summary: one', 'Summary 21: x'].join('\n'));
    expect(f.vulnerabilities).toBeUndefined();
    expect(f.vulnerability?.summary).toBe('one\nSummary 21: x');
  });

  it('the summary of vulnerability 1 is still required; a numbered block does not stand in for it', () => {
    const f = parseReportForm([...BASE, 'Summary 2: two'].join('\n'));
    expect(f.missing).toEqual(['vulnerability.summary']);
    expect(f.vulnerabilities).toEqual([{ number: 1 }, { number: 2, summary: 'two' }]);
  });
});

describe('single-vulnerability forms read exactly as before', () => {
  for (const file of ['report-en.txt', 'report-ja.txt', 'report-incomplete.txt']) {
    it(file, () => {
      const f = parseReportForm(readFileSync(new URL(`../fixtures/${file}`, import.meta.url), 'utf8'));
      expect(f.vulnerabilities).toBeUndefined();
    });
  }
});
