// The fuzzing engine (fuzz/engine/, `npm run fuzz`) on toy targets with planted bugs
// (test/unit/fuzz-toys/): coverage guidance reaches a bug behind a 4-byte magic that
// blind mutation with the same budget does not; a hang (endless loop, exponential
// regex backtracking), a throw and unbounded memory each become a finding with the input
// that caused it. Each run is the real CLI in a child process.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FuzzReport } from '../../fuzz/engine/supervisor.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const TOYS = path.join(ROOT, 'test', 'unit', 'fuzz-toys');
const scratch = mkdtempSync(path.join(tmpdir(), 'fuzz-engine-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Run {
  reports: FuzzReport[];
  code: number;
  findingsDir: string;
}

function fuzz(toy: string, args: string[]): Promise<Run> {
  const findingsDir = path.join(scratch, `${toy}-${args.join('').replace(/[^a-z0-9]/gi, '')}`);
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'fuzz', 'run.ts'), '--json', '--no-corpus', '--findings', findingsDir, ...args, path.join(TOYS, `${toy}.fuzz.ts`)],
      { cwd: ROOT, maxBuffer: 16 * 1024 * 1024, timeout: 240_000 },
      (err, stdout, stderr) => {
        const line = stdout.trim().split('\n').pop() ?? '';
        try {
          resolve({ reports: JSON.parse(line) as FuzzReport[], code: err ? Number(err.code ?? 1) : 0, findingsDir });
        } catch {
          reject(new Error(`no report from the fuzzer: ${stderr.slice(-2000)}`));
        }
      },
    );
  });
}

const inputOf = (file: string): Buffer => readFileSync(path.resolve(ROOT, file));

// One after the other: each keeps a core busy, and the tier's other tests (some timed)
// share this small machine. Started at load so the tests below only wait for theirs.
let chain: Promise<unknown> = Promise.resolve();
const queued = (toy: string, args: string[]): Promise<Run> => {
  const run = chain.then(() => fuzz(toy, args));
  chain = run.catch(() => undefined);
  // Failures are asserted in the tests; never let one go unhandled meanwhile.
  run.catch(() => undefined);
  return run;
};
const thrown = queued('throw', ['--seed', '1', '--seconds', '60', '--stop-on-finding']);
const guided = queued('magic', ['--seed', '3', '--max-execs', '300000', '--seconds', '150', '--stop-on-finding']);
const blind = queued('magic', ['--seed', '3', '--max-execs', '300000', '--seconds', '150', '--no-coverage']);
const hang = queued('hang', ['--seed', '1', '--seconds', '10', '--timeout-ms', '1500']);
const memory = queued('oom', ['--seed', '1', '--seconds', '90', '--timeout-ms', '60000', '--max-heap-mb', '64', '--stop-on-finding']);

describe('fuzz engine', { timeout: 600_000 }, () => {
  it('coverage guidance reaches a bug behind a 4-byte magic, byte by byte', async () => {
    const { reports, code } = await guided;
    const r = reports[0]!;
    expect(code).toBe(1);
    expect(r.findings.map((f) => f.kind)).toEqual(['crash']);
    expect(r.findings[0]!.signature).toMatch(/^RangeError: parseToy test\/unit\/fuzz-toys\/magic\.ts/);
    const input = inputOf(r.findings[0]!.file);
    expect(input.subarray(0, 4).toString('latin1')).toBe('MIME');
    expect(input[4]).toBeGreaterThan(0xf0);
    // Every edge of the toy was reached, through inputs kept for new coverage.
    expect(r.edges).toBe(r.edgesTotal);
    expect(r.corpus).toBeGreaterThanOrEqual(5);
    expect(r.execs).toBeLessThanOrEqual(300_000);
  });

  it('blind mutation with the same budget does not reach it', async () => {
    const { reports, code } = await blind;
    const r = reports[0]!;
    expect(r.execs).toBe(300_000);
    expect(r.findings).toEqual([]);
    expect(code).toBe(0);
  });

  it('detects hangs from outside: an endless loop and exponential backtracking, then goes on', async () => {
    const { reports, code } = await hang;
    const r = reports[0]!;
    expect(code).toBe(1);
    const hangs = r.findings.filter((f) => f.kind === 'hang').map((f) => inputOf(f.file).toString('latin1'));
    expect(hangs).toContain('Hello');
    expect(hangs).toContain(`R${'a'.repeat(40)}!`);
    expect(r.restarts).toBeGreaterThanOrEqual(2);
    // After both, the worker ran the third seed and fuzzed on.
    expect(r.execs).toBeGreaterThan(1);
    expect(readFileSync(path.resolve(ROOT, `${r.findings[0]!.file}.txt`), 'utf8')).toMatch(/ran for more than 1500 ms/);
  });

  it('reports an exception with its input and where it was thrown', async () => {
    const { reports, code } = await thrown;
    const r = reports[0]!;
    expect(code).toBe(1);
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]!.signature).toMatch(/^TypeError: fieldsToy test\/unit\/fuzz-toys\/throw\.ts/);
    const fields = inputOf(r.findings[0]!.file).toString('latin1').split(':').length;
    expect(fields).toBeGreaterThanOrEqual(3);
    expect(fields).toBeLessThan(6);
  });

  it('catches unbounded memory at the heap limit, with the input', async () => {
    const { reports, code } = await memory;
    const r = reports[0]!;
    expect(code).toBe(1);
    expect(r.findings.map((f) => f.kind)).toEqual(['oom']);
    expect(inputOf(r.findings[0]!.file)[0]).toBe(0x4d);
  });
});
