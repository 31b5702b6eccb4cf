// mail-protocol.md §1: "Hostile or broken input is expected ... none crashes a worker".
// The form parsers must always return, in time linear in the input.
import { describe, expect, it } from 'vitest';
import { findCaseId, formScore, parseReportForm, parseVendorReplyForm } from '../../src/forms/index.ts';

const ALWAYS = ['kind', 'reporter.name', 'reporter.email', 'vulnerability.summary', 'reproduction'];
const MB = 1024 * 1024;

/** Deterministic junk: random code units (lone surrogates included), with form syntax mixed in. */
function junk(size: number, seed = 1): string {
  let x = seed;
  const rnd = (): number => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return x;
  };
  const pieces = ['：', ':', '【', '】', '[', ']', '\n', '\r\n', '1. ', '（１）', '①', '> ', 'VR-2026-', '-- \n', '可', '不'];
  const out: string[] = [];
  let len = 0;
  while (len < size) {
    const r = rnd();
    const s = r % 3 === 0 ? (pieces[r % pieces.length] ?? '') : String.fromCharCode(r % 0x10000);
    out.push(s);
    len += s.length;
  }
  return out.join('');
}

function timed<T>(f: () => T): { result: T; ms: number } {
  const t0 = performance.now();
  const result = f();
  return { result, ms: performance.now() - t0 };
}

describe('hostile input', () => {
  it('parses 5 MB of junk quickly and reports the required fields as missing', () => {
    const text = junk(5 * MB);
    const { result, ms } = timed(() => parseReportForm(text));
    expect(ms).toBeLessThan(10_000);
    expect(result.missing).toEqual(expect.arrayContaining(ALWAYS.filter((k) => k !== 'kind')));
    // Junk labels are bounded: at most 100 unknown labels are recognised.
    expect(Object.keys(result.extra ?? {}).length).toBeLessThanOrEqual(100);
    const v = timed(() => parseVendorReplyForm(text));
    expect(v.ms).toBeLessThan(10_000);
    expect(v.result.status).toBeUndefined();
  });

  it.each([
    ['one 5 MB line of colons', ':'.repeat(5 * MB)],
    ['one 5 MB line of brackets', '【'.repeat(5 * MB)],
    ['open square brackets', '['.repeat(5 * MB)],
    ['5 MB of newlines', '\n'.repeat(5 * MB)],
    ['a million label lines', '【a】b\n'.repeat(1_000_000)],
    ['a million numbered lines', '1. a: b\n'.repeat(700_000)],
    ['long digit runs', ('1'.repeat(100_000) + '. x:').repeat(50)],
    ['case-id-like junk', ('VR-2026-' + '0'.repeat(10_000) + 'a ').repeat(500)],
    ['unclosed tags', '[ VR-2026-0042 '.repeat(300_000)],
    ['lone surrogates', '\uD800\uDC00\uDFFF\uD800:'.repeat(1_000_000)],
  ])('%s', (_name, text) => {
    const { result, ms } = timed(() => [
      parseReportForm(text),
      parseVendorReplyForm(text),
      findCaseId(text),
      formScore(text),
    ] as const);
    expect(ms).toBeLessThan(10_000);
    const [report, vendor, , score] = result;
    expect(Array.isArray(report.missing)).toBe(true);
    expect(report.missing).toContain('reporter.name');
    expect(typeof vendor).toBe('object');
    expect(score.vendorReply).toBe(0);
  });

  it('finds the tag behind megabytes of near-misses', () => {
    const text = '[VR-2026-'.repeat(200_000) + ' [VR-2026-0042]';
    expect(findCaseId(text)).toBe('VR-2026-0042');
  });

  it('survives values that are not strings at run time', () => {
    const bad = [undefined, null, 42, {}, []] as unknown as string[];
    for (const b of bad) {
      expect(parseReportForm(b).missing).toEqual(ALWAYS);
      expect(parseVendorReplyForm(b)).toEqual({});
      expect(findCaseId(b)).toBeNull();
      expect(formScore(b)).toEqual({ report: 0, vendorReply: 0 });
    }
  });

  it('keeps a value with a lone surrogate as written', () => {
    const r = parseReportForm('Name: a\uD800b');
    expect(r.reporter?.name).toBe('a\uD800b');
  });
});
