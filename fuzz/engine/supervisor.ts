// Runs one target in a worker thread and watches it from outside: an input running past
// the time limit is a hang (the worker is terminated, which stops even a synchronous
// loop or a backtracking regular expression), a worker over its heap limit is a memory
// finding, and every exception the worker reports is a crash. Each finding is written
// to <findings>/<target>/<kind>-<sha1> with a .txt beside it saying what happened.
// After a hang or an out-of-memory the worker is restarted, skipping that input.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { CTRL_BYTES, EXECS, LEN, STARTED_F64, STATE, STOP, type Stats, type WorkerConfig, type WorkerMessage } from './protocol.ts';

export interface FuzzOptions {
  name: string;
  targetFile: string;
  seconds: number;
  maxExecs: number;
  timeoutMs: number;
  maxLen: number;
  maxHeapMb: number;
  findingsDir: string;
  corpusDir: string | null;
  noCoverage: boolean;
  /** Absolute path prefixes to instrument (register.ts's FUZZ_INSTRUMENT). */
  instrument: string[];
  /** Stop at the first finding (libFuzzer's default; the long run keeps going). */
  stopOnFinding: boolean;
  rngSeed: number;
  /** Progress lines (stderr). */
  log: (line: string) => void;
}

export interface Finding {
  kind: 'crash' | 'hang' | 'oom' | 'exit';
  signature: string;
  file: string;
}

export interface FuzzReport {
  target: string;
  execs: number;
  seconds: number;
  corpus: number;
  edges: number;
  edgesTotal: number;
  restarts: number;
  findings: Finding[];
}

const MAX_RESTARTS = 25;

export async function fuzzTarget(o: FuzzOptions): Promise<FuzzReport> {
  const t0 = Date.now();
  // The clock starts when the first worker is ready: loading and instrumenting (seconds
  // on a busy machine, more with openpgp.js instrumented) is not fuzzing time.
  let deadline = Number.POSITIVE_INFINITY;
  const STARTUP_LIMIT_MS = 180_000;
  const findings: Finding[] = [];
  const skip: string[] = [];
  const done: Stats = { execs: 0, corpus: 0, edges: 0, edgesTotal: 0, tokens: 0 };
  let restarts = 0;
  const dir = path.join(o.findingsDir, o.name);

  const save = (kind: Finding['kind'], input: Uint8Array, signature: string, detail: string): void => {
    const sha = createHash('sha1').update(input).digest('hex');
    const file = path.join(dir, `${kind}-${sha.slice(0, 16)}`);
    mkdirSync(dir, { recursive: true });
    if (!existsSync(file)) {
      writeFileSync(file, input);
      writeFileSync(`${file}.txt`, `target: ${o.name}\nkind: ${kind}\nsignature: ${signature}\ninput: ${input.length} bytes, sha1 ${sha}\n\n${detail}\n`);
    }
    findings.push({ kind, signature, file: path.relative(process.cwd(), file) });
    o.log(`  finding ${kind}: ${signature.slice(0, 160)} -> ${path.relative(process.cwd(), file)}`);
  };

  // Each worker run; resolves when it is over (done, killed, or dead).
  const runOnce = (): Promise<'done' | 'restart'> =>
    new Promise((resolve) => {
      const ctrlBuf = new SharedArrayBuffer(CTRL_BYTES);
      const inputBuf = new SharedArrayBuffer(Math.max(1, o.maxLen));
      const ctrl = new Int32Array(ctrlBuf, 0, 4);
      const started = new Float64Array(ctrlBuf, 0, CTRL_BYTES / 8);
      const cfg: WorkerConfig = {
        targetFile: o.targetFile,
        targetName: o.name,
        corpusDir: o.corpusDir,
        maxLen: o.maxLen,
        noCoverage: o.noCoverage,
        rngSeed: o.rngSeed + restarts * 7919,
        maxExecs: Math.max(0, o.maxExecs - done.execs),
        skip: [...skip],
        ctrl: ctrlBuf,
        input: inputBuf,
      };
      const worker = new Worker(new URL('./worker-entry.mjs', import.meta.url), {
        workerData: cfg,
        execArgv: [],
        env: { ...process.env, FUZZ_INSTRUMENT: o.instrument.join(',') },
        resourceLimits: { maxOldGenerationSizeMb: o.maxHeapMb },
        stdout: false,
        stderr: false,
      });
      let last: Stats = { execs: 0, corpus: 0, edges: 0, edgesTotal: 0, tokens: 0 };
      let settled = false;
      let stopping = false;
      const currentInput = (): Uint8Array => new Uint8Array(inputBuf, 0, Atomics.load(ctrl, LEN)).slice();
      const finish = (how: 'done' | 'restart'): void => {
        if (settled) return;
        settled = true;
        clearInterval(watch);
        done.execs += Math.max(last.execs, Atomics.load(ctrl, EXECS));
        done.corpus = Math.max(done.corpus, last.corpus);
        done.edges = Math.max(done.edges, last.edges);
        done.edgesTotal = Math.max(done.edgesTotal, last.edgesTotal);
        void worker.terminate();
        resolve(how);
      };
      const abandon = (kind: 'hang' | 'oom' | 'exit', signature: string, detail: string): void => {
        const input = currentInput();
        skip.push(createHash('sha1').update(input).digest('hex'));
        save(kind, input, signature, detail);
        finish('restart');
      };
      const watch = setInterval(() => {
        const now = Date.now();
        if (Atomics.load(ctrl, STATE) === 1 && now - started[STARTED_F64]! > o.timeoutMs) {
          abandon('hang', `input ran over ${o.timeoutMs} ms`, `The input ran for more than ${o.timeoutMs} ms (per-input limit); the worker was stopped.`);
          return;
        }
        if (deadline === Number.POSITIVE_INFINITY && now - t0 > STARTUP_LIMIT_MS) {
          o.log(`  ${o.name}: the worker did not start within ${STARTUP_LIMIT_MS / 1000} s`);
          save('exit', new Uint8Array(0), 'worker did not start', `No worker of this target was ready within ${STARTUP_LIMIT_MS / 1000} s.`);
          finish('done');
          return;
        }
        if (!stopping && now >= deadline) {
          stopping = true;
          Atomics.store(ctrl, STOP, 1);
        }
        // A worker that neither finishes nor runs an input after the stop (stuck between inputs).
        if (stopping && now >= deadline + o.timeoutMs + 10_000) finish('done');
      }, 50);
      worker.on('message', (m: WorkerMessage) => {
        if (m.type === 'stats' || m.type === 'done') last = m.stats;
        if (m.type === 'ready') {
          if (deadline === Number.POSITIVE_INFINITY) deadline = Date.now() + o.seconds * 1000;
          o.log(`  ${o.name}: ${m.seeds} seed inputs`);
        }
        if (m.type === 'crash') {
          save('crash', m.input, m.signature, m.detail);
          if (o.stopOnFinding) Atomics.store(ctrl, STOP, 1);
        }
        if (m.type === 'done') finish('done');
      });
      worker.on('error', (e: Error & { code?: string }) => {
        if (settled) return;
        if (e.code === 'ERR_WORKER_OUT_OF_MEMORY') {
          abandon('oom', `heap over ${o.maxHeapMb} MiB`, `The worker ran out of its ${o.maxHeapMb} MiB heap on this input (or on growth accumulated up to it).`);
        } else if (Atomics.load(ctrl, STATE) === 1) {
          abandon('exit', `worker error ${e.name}`, e.stack ?? e.message);
        } else {
          // Not caused by an input (the target failed to load): report once and stop.
          save('exit', new Uint8Array(0), `worker error ${e.name}: ${e.message}`, e.stack ?? e.message);
          finish('done');
        }
      });
      worker.on('exit', (code) => {
        if (settled) return;
        abandon('exit', `worker exited with code ${code}`, `The worker exited (code ${code}) while running this input: the target ended the thread.`);
      });
    });

  for (;;) {
    const how = await runOnce();
    if (how === 'done' || Date.now() >= deadline || done.execs >= o.maxExecs) break;
    if (o.stopOnFinding && findings.length > 0) break;
    if (++restarts > MAX_RESTARTS) {
      o.log(`  ${o.name}: more than ${MAX_RESTARTS} restarts; stopping this target`);
      break;
    }
  }
  const seconds = (Date.now() - t0) / 1000;
  return { target: o.name, execs: done.execs, seconds, corpus: done.corpus, edges: done.edges, edgesTotal: done.edgesTotal, restarts, findings };
}
