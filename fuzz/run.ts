// `npm run fuzz` / `npm run fuzz:ci`: coverage-guided fuzzing of the reading path.
//   node --import tsx fuzz/run.ts [options] [target ...]
// A target is a name (fuzz/<name>.fuzz.ts) or a path to a file exporting `target`.
// Options (and environment): --seconds N (FUZZ_SECONDS, per target, default 600),
// --max-execs N, --timeout-ms N (FUZZ_TIMEOUT_MS, else the target's), --max-heap-mb N
// (FUZZ_MAX_HEAP_MB, default 512), --findings DIR (default fuzz/findings), --corpus DIR
// (default fuzz/.corpus; --no-corpus keeps nothing), --no-coverage (blind mutation, for
// comparison), --stop-on-finding, --seed N, --json (one JSON line at the end).
// Exit status 1 when anything was found.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { fuzzTarget, type FuzzReport } from './engine/supervisor.ts';
import type { FuzzTarget } from './engine/target.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(here);
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    seconds: { type: 'string' },
    'max-execs': { type: 'string' },
    'timeout-ms': { type: 'string' },
    'max-heap-mb': { type: 'string' },
    findings: { type: 'string' },
    corpus: { type: 'string' },
    'no-corpus': { type: 'boolean', default: false },
    'no-coverage': { type: 'boolean', default: false },
    'stop-on-finding': { type: 'boolean', default: false },
    seed: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});

const num = (v: string | undefined, fallback: number): number => {
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`not a number: ${v}`);
  return n;
};

const names = positionals.length > 0 ? positionals : readdirSync(here).filter((f) => f.endsWith('.fuzz.ts')).map((f) => f.replace(/\.fuzz\.ts$/, '')).sort();
const log = (line: string): void => void process.stderr.write(`${line}\n`);
const reports: FuzzReport[] = [];

for (const name of names) {
  const targetFile = name.includes('/') || name.endsWith('.ts') ? path.resolve(name) : path.join(here, `${name}.fuzz.ts`);
  const label = path.basename(targetFile).replace(/(\.fuzz)?\.ts$/, '');
  // Read the target's own limits (this import is not instrumented: the supervisor is not fuzzed).
  const { target } = (await import(pathToFileURL(targetFile).href)) as { target: FuzzTarget };
  const seconds = num(values.seconds ?? process.env.FUZZ_SECONDS, 600);
  log(`fuzz ${label}: ${seconds} s; promise: ${target.promise}`);
  const report = await fuzzTarget({
    name: label,
    targetFile,
    seconds,
    maxExecs: num(values['max-execs'], Number.MAX_SAFE_INTEGER),
    timeoutMs: num(values['timeout-ms'] ?? process.env.FUZZ_TIMEOUT_MS, target.timeoutMs ?? 5000),
    maxLen: target.maxLen ?? 64 * 1024,
    maxHeapMb: num(values['max-heap-mb'] ?? process.env.FUZZ_MAX_HEAP_MB, 512),
    findingsDir: path.resolve(values.findings ?? path.join(here, 'findings')),
    corpusDir: values['no-corpus'] ? null : path.join(path.resolve(values.corpus ?? path.join(here, '.corpus')), label),
    noCoverage: values['no-coverage'],
    instrument: ['src', 'test/unit/fuzz-toys', ...(target.instrument ?? [])].map((p) => path.join(root, p, path.sep)),
    stopOnFinding: values['stop-on-finding'],
    rngSeed: num(values.seed, Date.now() % 0x7fffffff),
    log,
  });
  reports.push(report);
  log(
    `fuzz ${label}: ${report.execs} executions in ${report.seconds.toFixed(0)} s (${Math.round(report.execs / Math.max(report.seconds, 0.001))}/s), ` +
      `corpus ${report.corpus}, edges ${report.edges}/${report.edgesTotal}, findings ${report.findings.length}`,
  );
}

const total = reports.reduce((a, r) => a + r.execs, 0);
const found = reports.reduce((a, r) => a + r.findings.length, 0);
log(`fuzz: ${reports.length} targets, ${total} executions, ${found} findings`);
if (values.json) process.stdout.write(`${JSON.stringify(reports)}\n`);
process.exitCode = found > 0 ? 1 : 0;
