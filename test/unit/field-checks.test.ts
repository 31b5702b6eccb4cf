// Field checks (src/forms/field-checks.ts): a stable code per bad value, limits per field.
import { describe, expect, it } from 'vitest';
import { checkReport, checkValue, checkVendorReply, foldReport, foldVendorReply, problemSummary, REPORT_LIMITS, VENDOR_LIMITS } from '../../src/forms/field-checks.ts';
import { parseReportForm } from '../../src/forms/index.ts';
import type { ReportForm } from '../../src/domain/inspect.ts';

const good: ReportForm = {
  kind: 'product',
  reporter: { name: 'Hanako Suzuki', email: 'hanako@reporter.test' },
  product: { name: 'Madoguchi Mail Server', version: '2.3.1' },
  vulnerability: { summary: 'SQL injection in the search API.' },
  reproduction: 'Log in.\n\tSend q=1.\nRecords are returned.',
  missing: [],
};

describe('checkValue', () => {
  it('a one-line field refuses every control character, TAB included', () => {
    for (const c of ['\t', '\u0000', '\u0007', '\u001b', '\u007f', '\u0085', '\u009b', '\u2028', '\r', '\n']) {
      expect(checkValue(`a${c}b`, REPORT_LIMITS['product.name']!), JSON.stringify(c)).toBe('control-character');
    }
    expect(checkValue('まどぐち \u202Eexe', REPORT_LIMITS['product.name']!)).toBeNull();
  });
  it('free text keeps TAB and LF, refuses NUL, ESC, DEL and C1', () => {
    const limit = REPORT_LIMITS.reproduction!;
    expect(checkValue('step 1\n\tstep 2', limit)).toBeNull();
    for (const c of ['\u0000', '\u001b', '\u007f', '\u0090']) expect(checkValue(`a${c}b`, limit)).toBe('control-character');
  });
  it('a value over its limit is too long; at the limit it is not', () => {
    const limit = REPORT_LIMITS['product.name']!;
    expect(checkValue('x'.repeat(limit.max), limit)).toBeNull();
    expect(checkValue('x'.repeat(limit.max + 1), limit)).toBe('too-long');
    expect(checkValue('x'.repeat(20_001), REPORT_LIMITS['vulnerability.summary']!)).toBe('too-long');
  });
});

describe('checkReport', () => {
  it('a good report has no problem', () => {
    expect(checkReport(good)).toEqual([]);
  });
  it('names each bad field once, with its code', () => {
    const bad: ReportForm = { ...good, product: { name: 'Mado\tguchi', version: 'v'.repeat(201) }, vulnerability: { summary: 'x\u0000'.repeat(3) }, extra: { 'Note\u0000': 'ok' } };
    expect(checkReport(bad)).toEqual([
      { field: 'product.name', code: 'control-character' },
      { field: 'product.version', code: 'too-long' },
      { field: 'vulnerability.summary', code: 'control-character' },
      { field: 'extra', code: 'control-character' },
    ]);
    expect(problemSummary(checkReport(bad))).toBe('product.name:control-character, product.version:too-long, vulnerability.summary:control-character, extra:control-character');
  });
  it('a one-line value written over two lines is folded, not refused', () => {
    const r = foldReport(parseReportForm('Report type: product\nProduct name:\n  Madoguchi\n  Mail Server\nVersion: 1\n'));
    expect(r.product?.name).toBe('Madoguchi Mail Server');
    expect(checkReport(r)).toEqual([]);
  });
  it('folding keeps a TAB for the check to refuse, and leaves free text lines alone', () => {
    const r = foldReport({ ...good, product: { name: 'a\tb', version: '1' } });
    expect(r.product?.name).toBe('a\tb');
    expect(r.reproduction).toBe(good.reproduction);
  });
});

describe('checkVendorReply', () => {
  it('checks the vendor form fields with their own limits', () => {
    expect(checkVendorReply(foldVendorReply({ caseId: 'VR-2026-0042', workaround: 'Restrict access.\n\tOnly from the LAN.', fixedVersions: '2.3.2,\n2.4.0' }))).toEqual([]);
    expect(checkVendorReply({ fixedVersions: '2.3.2\u0000', comment: 'c'.repeat(VENDOR_LIMITS.comment!.max + 1) })).toEqual([
      { field: 'fixedVersions', code: 'control-character' },
      { field: 'comment', code: 'too-long' },
    ]);
  });
});
