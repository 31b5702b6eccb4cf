// issue 12: CVSS v3.1 and v4.0 vectors scored by a maintained library; an invalid vector
// gets an error naming what is wrong, never a guessed score.
import { describe, expect, it } from 'vitest';
import { scoreCvss } from '../../src/adapters/cvss.ts';

function ok(v: string): { version: string; vector: string; baseScore: number; baseSeverity: string } {
  const r = scoreCvss(v);
  if (!r.ok) throw new Error(`expected a score for ${v}: ${r.error}`);
  return r.score;
}

function err(v: string): string {
  const r = scoreCvss(v);
  if (r.ok) throw new Error(`expected an error for ${v}, got ${r.score.baseScore}`);
  return r.error;
}

describe('CVSS v3.1', () => {
  it('scores the all-high network vector 9.8 Critical', () => {
    const s = ok('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H');
    expect(s).toMatchObject({ version: '3.1', baseScore: 9.8, baseSeverity: 'CRITICAL' });
  });
  it('scores known NVD vectors (6.1 Medium reflected XSS, 5.5 Medium local read)', () => {
    expect(ok('CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N')).toMatchObject({ baseScore: 6.1, baseSeverity: 'MEDIUM' });
    expect(ok('CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N')).toMatchObject({ baseScore: 5.5, baseSeverity: 'MEDIUM' });
    expect(ok('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N')).toMatchObject({ baseScore: 0, baseSeverity: 'NONE' });
  });
  it('puts metrics given out of order into the specification order', () => {
    expect(ok('CVSS:3.1/S:U/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H').vector).toBe('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H');
  });
  it('keeps temporal metrics that were given, and only those', () => {
    expect(ok(' CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P ').vector).toBe('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P');
  });
});

describe('CVSS v4.0', () => {
  it('scores FIRST calculator vectors (9.3 Critical, 8.5 High, 4.8 Medium)', () => {
    expect(ok('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N')).toMatchObject({ version: '4.0', baseScore: 9.3, baseSeverity: 'CRITICAL' });
    expect(ok('CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N')).toMatchObject({ baseScore: 8.5, baseSeverity: 'HIGH' });
    expect(ok('CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:P/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N')).toMatchObject({ baseScore: 4.8, baseSeverity: 'MEDIUM' });
  });
});

describe('invalid vectors are named, never guessed', () => {
  it.each([
    ['', /empty/],
    ['AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', /starts with "CVSS:3\.1\/" or "CVSS:4\.0\/"/],
    ['CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', /version 3\.0 is not supported/],
    ['CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P', /version 2\.0 is not supported/],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H', /base metric A missing/],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U', /base metrics C, I, A missing/],
    ['CVSS:3.1/AV:N/AV:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', /metric AV is given twice/],
    ['CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', /Q is not a value of AV in CVSS 3\.1/],
    ['CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', /base metric AV must have a value, not X/],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/FOO:1', /"FOO:1" is not a metric of the form KEY:VALUE/],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/AT:N', /AT is not a CVSS 3\.1 metric/],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/', /"" is not a metric/],
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N', /base metric SA missing/],
    ['CVSS:4.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', /U is not a value of S in CVSS 4\.0/],
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/C:H', /C is not a CVSS 4\.0 metric/],
    ['x'.repeat(500), /longer than 400/],
  ])('%s', (v, re) => {
    expect(err(v)).toMatch(re);
  });
  it('a non-string is an error, not a crash', () => {
    expect(scoreCvss(undefined as unknown as string)).toEqual({ ok: false, error: 'the CVSS vector is empty' });
  });
});
