// The one file that imports @secvisogram/csaf-validator-lib (issue 12: a CSAF 2.0 export
// "valid by the validator: schema and mandatory tests"), with the thread it runs in
// (./csaf-validator-worker.ts). shared/notes/pitfalls.md: validate with the strict schema
// and every test of the library's basic.js set, not the schema alone.
//
// The validator itself (schemas, the mandatory tests) takes seconds to load, synchronously:
// 3–5 s on a quiet machine, ~20 s under load. It is loaded when a document is validated,
// not when this file is: the CWE catalogue below is all that building an export needs, and
// `madoguchi export` on a case that does not exist, or a CVE export, must not pay for it
// (issue 10: a fast CLI). And it is loaded in a worker thread, not here: in the desk the
// first CSAF for a partner (partner-status, the advisory) would otherwise stop the event
// loop for that long — BullMQ's lock renewal, the IMAP keepalive, the watchdog
// (docs/decisions.md, "CSAF validation in a worker thread").
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { weaknesses } from '@secvisogram/csaf-validator-lib/cwe.js';
import type { CsafValidation, ValidateReply, ValidateRequest } from './csaf-validator-worker.ts';

export type { CsafValidation } from './csaf-validator-worker.ts';

/**
 * How long one validation may take, first load included, before it is reported as failed
 * and the thread restarted: a hung validator must not hold a notice (and its job) for ever.
 * The first load took ~50 s in the thread on the test machine (2 cores, load average ~19),
 * so 60 s would fail good documents there; the wait itself blocks nothing.
 */
export const CSAF_VALIDATION_TIMEOUT_MS = 120_000;

interface Pending {
  resolve: (v: CsafValidation) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

interface ValidatorThread {
  worker: Worker;
  pending: Map<number, Pending>;
  nextId: number;
}

let current: ValidatorThread | null = null;

// Running the sources (vitest; bin/madoguchi.js when dist/ is stale, which registers tsx in
// its own thread only): a new thread does not inherit the loader hooks, and Node 20 does not
// apply `--import tsx` in a worker's execArgv to its entry module (ERR_UNKNOWN_FILE_EXTENSION,
// tried). So the thread starts from this small CommonJS bootstrap, which registers tsx in
// the thread and then imports the TypeScript entry.
const FROM_SOURCE_BOOT = `
const { workerData } = require('node:worker_threads');
import(workerData.tsxApi).then(({ register }) => { register(); return import(workerData.entry); });
`;

/** The file URL of tsx's ESM API (`tsx/esm/api`, import condition), from tsx's own exports map. */
function tsxEsmApi(): string {
  const pkgFile = createRequire(import.meta.url).resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { exports?: Record<string, { import?: { default?: string } }> };
  const rel = pkg.exports?.['./esm/api']?.import?.default;
  if (rel === undefined) throw new Error(`tsx (${pkgFile}) exports no ESM "./esm/api": cannot run the CSAF validator thread from the sources`);
  return pathToFileURL(join(dirname(pkgFile), rel)).href;
}

function startThread(): ValidatorThread {
  const fromSource = new URL(import.meta.url).pathname.endsWith('.ts');
  const workerData = { csafValidator: true, tsxApi: fromSource ? tsxEsmApi() : null, entry: new URL(`./csaf-validator-worker.${fromSource ? 'ts' : 'js'}`, import.meta.url).href };
  // The compiled desk (dist/) runs the compiled entry beside this file directly.
  const worker = fromSource ? new Worker(FROM_SOURCE_BOOT, { eval: true, workerData }) : new Worker(new URL(workerData.entry), { workerData });
  const t: ValidatorThread = { worker, pending: new Map(), nextId: 1 };
  // Idle, the thread must not keep a process alive (a CLI command, a test file): it is
  // referenced only while a validation waits for it.
  worker.unref();
  worker.on('message', (m: ValidateReply) => {
    const p = t.pending.get(m.id);
    if (p === undefined) return;
    settled(t, m.id, p);
    if ('error' in m) p.reject(new Error(`CSAF validator: ${m.error}`));
    else p.resolve(m.result);
  });
  worker.on('error', (e) => retire(t, `the CSAF validator thread failed: ${e.message}`));
  worker.on('exit', (code) => retire(t, `the CSAF validator thread stopped (exit code ${code})`));
  return t;
}

function settled(t: ValidatorThread, id: number, p: Pending): void {
  clearTimeout(p.timer);
  t.pending.delete(id);
  if (t.pending.size === 0) t.worker.unref();
}

/** The thread is gone (crashed, stopped, or given up on): what waited on it fails, the next call starts a new one. */
function retire(t: ValidatorThread, reason: string): void {
  if (current === t) current = null;
  for (const [id, p] of [...t.pending]) {
    settled(t, id, p);
    p.resolve({ valid: false, errors: [reason] });
  }
}

/**
 * Runs the strict CSAF 2.0 schema and all mandatory tests (the library's basic set) on the
 * document as JSON (what is attached is its JSON text), in the validator thread. Never
 * blocks the caller's event loop. A validator that crashes, or gives no answer within
 * `timeoutMs`, makes this `{ valid: false }` with the reason in `errors` (the callers treat
 * it as any invalid document: not attached, coordinators alerted); the next call starts a
 * new thread. Rejects only when the library itself throws, as it did in-process.
 */
export function validateCsaf(doc: unknown, o: { timeoutMs?: number } = {}): Promise<CsafValidation> {
  const json = JSON.stringify(doc);
  const timeoutMs = o.timeoutMs ?? CSAF_VALIDATION_TIMEOUT_MS;
  const t = (current ??= startThread());
  const id = t.nextId++;
  return new Promise<CsafValidation>((resolve, reject) => {
    const timer = setTimeout(() => {
      const p = t.pending.get(id);
      if (p === undefined) return;
      settled(t, id, p);
      p.resolve({ valid: false, errors: [`the CSAF validator gave no answer within ${timeoutMs} ms; its thread is restarted`] });
      retire(t, `the CSAF validator thread was restarted: another validation gave no answer within ${timeoutMs} ms`);
      void t.worker.terminate();
    }, timeoutMs);
    t.pending.set(id, { resolve, reject, timer });
    t.worker.ref();
    t.worker.postMessage({ id, json } satisfies ValidateRequest);
  });
}

/** Stops the validator thread, if one runs (the desk's graceful stop); what waited on it fails. */
export async function stopCsafValidator(): Promise<void> {
  const t = current;
  if (t === null) return;
  retire(t, 'the CSAF validator thread was stopped (desk shutting down)');
  await t.worker.terminate();
}

/** The validator thread's id while one runs (tests: a restart gives a new thread). */
export function csafValidatorThreadId(): number | null {
  return current?.worker.threadId ?? null;
}

let byId: Map<string, string> | null = null;

/**
 * The CWE catalogue name of `CWE-n`, or null when the catalogue the validator checks
 * against (mandatory test 6.1.11: id and name must match it) does not have it.
 */
export function cweName(id: string): string | null {
  byId ??= new Map(weaknesses.map((w) => [w.id, w.name]));
  return byId.get(id) ?? null;
}
