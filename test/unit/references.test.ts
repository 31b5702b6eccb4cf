// Case references a party knows a case by (issue 12; mail-protocol §7): the desk's id, a
// partner's id by its registered pattern, a vendor's own ticket id.
import { describe, expect, it } from 'vitest';
import { exampleRef, parseRefPattern, type RefPattern } from '../../src/forms/ref-pattern.ts';
import { findReferences, MAX_REFS } from '../../src/forms/references.ts';

function pattern(t: string): RefPattern {
  const p = parseRefPattern(t);
  if (!p.ok) throw new Error(p.error);
  return p.pattern;
}

const partners = [
  { partnerId: 'certcc', pattern: pattern('VU#{6}') },
  { partnerId: 'icscert', pattern: pattern('ICSA-{2}-{3}-{2}') },
];

describe('parseRefPattern', () => {
  it.each(['VU#{6}', 'VU#{5-7}', 'ICSA-{2}-{3}-{2}', 'JVNVU#{8}', 'TC/{4}.{1-12}', 'A_b:c-d/e.f#{3}'])('accepts %s and finds its own example id', (t) => {
    const p = pattern(t);
    const ex = exampleRef(p);
    expect(findReferences(`see ${ex}.`, { partners: [{ partnerId: 'p', pattern: p }] }).references).toEqual([{ kind: 'partner', partnerId: 'p', ref: ex }]);
  });
  it.each([
    ['', /empty/],
    ['(a+)+$', /literal text may hold only/],
    ['VU#\\d+', /literal text may hold only/],
    ['VU# {6}', /literal text may hold only/],
    ['{6}', /start with literal/],
    ['VU#', /at least one digit run/],
    ['VU#{0}', /1 ≤ N ≤ M/],
    ['VU#{13}', /1 ≤ N ≤ M/],
    ['VU#{7-5}', /1 ≤ N ≤ M/],
    ['VU#{6', /bad digit run/],
    ['VU#{6}{2}', /separated by literal/],
    ['A{1}B{1}C{1}D{1}E{1}', /at most 4/],
    ['X'.repeat(41) + '{1}', /longer than 40/],
  ])('refuses %s', (t, why) => {
    const r = parseRefPattern(t);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(why);
  });
  it('gives an example id', () => {
    expect(exampleRef(pattern('ICSA-{2}-{3}-{2}'))).toBe('ICSA-11-111-11');
  });
});

describe('findReferences', () => {
  it('finds the desk id, partner ids and the vendor reference, each once, in order', () => {
    const text = [
      'Subject: Re: [VR-2027-0042] [VU#123456] Example router',
      '',
      'Case: VR-2027-0042',
      'Vendor reference: PSIRT-2027-0099',
      'See also ICSA-27-041-01 and vu#123456.',
    ].join('\n');
    expect(findReferences(text, { casePrefix: 'VR', partners }).references).toEqual([
      { kind: 'desk', id: 'VR-2027-0042' },
      { kind: 'partner', partnerId: 'certcc', ref: 'VU#123456' },
      { kind: 'partner', partnerId: 'icscert', ref: 'ICSA-27-041-01' },
      { kind: 'vendor', ref: 'PSIRT-2027-0099' },
    ]);
  });

  it('returns every reference, also ones naming different cases (ambiguity is the caller’s)', () => {
    const r = findReferences('[VR-2027-0042] and VR-2027-0043, VU#111111 VU#222222', { partners });
    expect(r.references.map((x) => (x.kind === 'desk' ? x.id : x.kind === 'partner' ? x.ref : x.ref))).toEqual([
      'VR-2027-0042',
      'VR-2027-0043',
      'VU#111111',
      'VU#222222',
    ]);
  });

  it('reads full-width ids and the Japanese vendor reference label', () => {
    const r = findReferences('［ＶＲ－２０２７－００４２］\n製品開発者の管理番号：ＡＣＭＥ－１２３\nＶＵ＃１２３４５６', { partners });
    expect(r.references).toEqual([
      { kind: 'desk', id: 'VR-2027-0042' },
      { kind: 'partner', partnerId: 'certcc', ref: 'VU#123456' },
      { kind: 'vendor', ref: 'ACME-123' },
    ]);
  });

  it('ids glued to other text are not ids', () => {
    const r = findReferences('XVR-2027-0042 VR-2027-0042a VU#1234567 AVU#123456 VU#12345', { partners });
    expect(r.references).toEqual([]);
  });

  it('a configured prefix is used; other prefixes are not the desk’s', () => {
    expect(findReferences('JV-2027-0001 VR-2027-0002', { casePrefix: 'JV' }).references).toEqual([{ kind: 'desk', id: 'JV-2027-0001' }]);
  });

  it('a quoted or signature vendor reference is not the sender’s; a bad one is a problem, not a reference', () => {
    expect(findReferences('> Vendor reference: OTHER-1').references).toEqual([]);
    const bad = findReferences('Vendor reference: <script>alert(1)</script>');
    expect(bad.references).toEqual([]);
    expect(bad.problems).toEqual(['vendor-reference-invalid']);
    expect(findReferences(`Vendor reference: ${'A'.repeat(65)}`).problems).toEqual(['vendor-reference-invalid']);
    expect(findReferences('Vendor reference: SR 12345').references).toEqual([{ kind: 'vendor', ref: 'SR 12345' }]);
  });

  it('hostile: many references are capped and marked truncated', () => {
    const many = Array.from({ length: 5000 }, (_, i) => `VR-2027-${String(i).padStart(4, '0')} VU#${String(i).padStart(6, '0')}`).join(' ');
    const r = findReferences(many, { partners });
    expect(r.truncated).toBe(true);
    expect(r.references.filter((x) => x.kind === 'desk')).toHaveLength(MAX_REFS);
    expect(r.references.filter((x) => x.kind === 'partner')).toHaveLength(MAX_REFS);
  });

  it('hostile: very long lines and near-miss runs stay fast', () => {
    const t0 = Date.now();
    const inputs = [
      'VR-2027-' + '0'.repeat(1_000_000),
      'VU#' + '1'.repeat(1_000_000),
      'VR-'.repeat(300_000),
      'Vendor reference: ' + 'a '.repeat(500_000),
      'ICSA-27-'.repeat(200_000),
      'x'.repeat(2_000_000) + ' VR-2027-0042',
    ];
    const results = inputs.map((t) => findReferences(t, { partners }));
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(results[0]?.references).toEqual([]);
    expect(results[5]?.truncated).toBe(true);
    expect(findReferences(null as unknown as string).references).toEqual([]);
  });
});
