// One fuzzing worker: loads a target (its modules instrumented by register.ts), runs the
// seeds, then mutates corpus inputs and keeps those that reach new edges. Exceptions
// escaping the target are reported here; hangs and memory exhaustion are seen by the
// supervisor, which can stop a thread stuck in a loop.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import { CoverageMap, Tracer } from './coverage.ts';
import { Mutator, Rng } from './mutate.ts';
import { CTRL_BYTES, EXECS, LEN, STARTED_F64, STATE, STOP, type Stats, type WorkerConfig, type WorkerMessage } from './protocol.ts';
import type { FuzzTarget } from './target.ts';

const cfg = workerData as WorkerConfig;
const port = parentPort!;
const send = (m: WorkerMessage): void => port.postMessage(m);
const ctrl = new Int32Array(cfg.ctrl, 0, 4);
const started = new Float64Array(cfg.ctrl, 0, CTRL_BYTES / 8);
const shared = new Uint8Array(cfg.input);
const root = new URL('../../', import.meta.url);
const sha1 = (d: Uint8Array): string => createHash('sha1').update(d).digest('hex');
const skip = new Set(cfg.skip);

const { target } = (await import(pathToFileURL(cfg.targetFile).href)) as { target: FuzzTarget };
await target.setup?.();
// Without register.ts nothing is instrumented: the engine still runs, blind.
const rt = globalThis.Fuzzer ?? { coverageTracker: new CoverageMap(), tracer: new Tracer() };
const cov = rt.coverageTracker;
const rng = new Rng(cfg.rngSeed);
const dictionary = [...target.dictionary];
let tokenView: string[] = dictionary;
const mutator = new Mutator(rng, () => tokenView, cfg.maxLen);

const seen = new Set<string>();
let current: Uint8Array = new Uint8Array(0);

/** Stack frames in the project (not node internals), without columns: the same bug from different inputs dedupes. */
function signatureOf(e: unknown): string {
  if (!(e instanceof Error)) return `throw ${typeof e}`;
  const frames = (e.stack ?? '')
    .split('\n')
    .slice(1)
    .map((l) => l.trim())
    .filter((l) => !l.includes('node:') && !l.includes('/fuzz/engine/'))
    .slice(0, 4)
    .map((l) => l.replace(/:\d+\)?$/, '').replace(/^at /, '').replace(root.href, '').replace(root.pathname, '').replace('(', ''));
  return `${e.name}: ${frames.join(' < ')}`;
}

function report(e: unknown): void {
  const signature = signatureOf(e);
  if (seen.has(signature)) return;
  seen.add(signature);
  const detail = e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e);
  send({ type: 'crash', input: current.slice(), signature, detail });
}

// A rejection nobody awaited, from inside the target: a bug like a throw.
process.on('unhandledRejection', (e) => report(e));

async function exec(input: Uint8Array): Promise<number> {
  current = input;
  const n = Math.min(input.length, shared.length);
  shared.set(input.subarray(0, n));
  Atomics.store(ctrl, LEN, n);
  started[STARTED_F64] = Date.now();
  Atomics.store(ctrl, STATE, 1);
  cov.reset();
  try {
    await target.run(input);
  } catch (e) {
    report(e);
  }
  Atomics.store(ctrl, STATE, 0);
  return cov.collectNew();
}

const corpus: Uint8Array[] = [];
function keep(input: Uint8Array, persist: boolean): void {
  corpus.push(input);
  if (persist && cfg.corpusDir) writeFileSync(path.join(cfg.corpusDir, sha1(input)), input);
}

const seeds = (await target.seeds()).map((s) => (s.length > cfg.maxLen ? s.subarray(0, cfg.maxLen) : s));
if (cfg.corpusDir) {
  mkdirSync(cfg.corpusDir, { recursive: true });
  for (const f of readdirSync(cfg.corpusDir).sort()) seeds.push(readFileSync(path.join(cfg.corpusDir, f)));
}
send({ type: 'ready', seeds: seeds.length });

let execs = 0;
const stats = (): Stats => ({ execs, corpus: corpus.length, edges: cov.edgesSeen(), edgesTotal: cov.edgesTotal(), tokens: tokenView.length });
for (const s of seeds) {
  if (Atomics.load(ctrl, STOP) === 1) break;
  if (skip.has(sha1(s))) continue;
  const fresh = await exec(s);
  Atomics.store(ctrl, EXECS, ++execs);
  if (fresh > 0 || cfg.noCoverage) keep(s, false);
}
if (corpus.length === 0) keep(new Uint8Array(0), false);

let lastStats = Date.now();
while (Atomics.load(ctrl, STOP) === 0 && execs < cfg.maxExecs) {
  // Favour recent finds a little: they are the frontier.
  const base = rng.chance(0.3) ? corpus[corpus.length - 1 - rng.below(Math.min(8, corpus.length))]! : rng.pick(corpus);
  const input = mutator.mutate(base, rng.pick(corpus));
  const fresh = await exec(input);
  Atomics.store(ctrl, EXECS, ++execs);
  if (fresh > 0 && !cfg.noCoverage) keep(input, true);
  if ((execs & 255) === 0) {
    if (!cfg.noCoverage && rt.tracer.tokens.size + dictionary.length !== tokenView.length) tokenView = [...dictionary, ...rt.tracer.tokens];
    if (Date.now() - lastStats > 1000) {
      lastStats = Date.now();
      send({ type: 'stats', stats: stats() });
    }
    // Let timers and I/O the target started run (and their errors surface).
    await new Promise((r) => setImmediate(r));
  }
}
send({ type: 'done', stats: stats() });
