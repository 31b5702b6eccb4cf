// The thread that runs @secvisogram/csaf-validator-lib (issue 12), started by
// src/adapters/csaf-validator.ts. Loading the validator (its schemas, compiled by ajv, and
// the mandatory tests) is seconds of synchronous work, ~20 s on a loaded machine; in the
// desk's own thread that stops BullMQ's lock renewal, the IMAP keepalive and the watchdog
// for as long (docs/decisions.md, "CSAF validation in a worker thread"). Here it stops
// only this thread.
//
// Protocol: in `{ id, json }` (the CSAF document's JSON text), out `{ id, result }` with the
// adapter's CsafValidation, or `{ id, error }` when the library itself threw.
import { isMainThread, parentPort, workerData } from 'node:worker_threads';

/** The adapter's verdict (src/adapters/csaf-validator.ts re-exports it). */
export interface CsafValidation {
  valid: boolean;
  /** `test: /path: message` for every failed check. */
  errors: string[];
}

/** Runs the strict CSAF 2.0 schema and all mandatory tests (the library's basic set). */
async function validateInThisThread(doc: unknown): Promise<CsafValidation> {
  // shared/notes/pitfalls.md: the strict schema and every test of basic.js, not the schema alone.
  const [basic, { default: validateStrict }] = await Promise.all([import('@secvisogram/csaf-validator-lib/basic.js'), import('@secvisogram/csaf-validator-lib/validateStrict.js')]);
  // The namespace of basic.js: its named exports are the tests (it has no default export).
  const tests = Object.values(basic as Record<string, unknown>).filter((t): t is (doc: unknown) => unknown => typeof t === 'function');
  const r = await validateStrict(tests, doc);
  const errors = r.tests.flatMap((t) => (t.isValid ? [] : t.errors.map((e) => `${t.name}: ${e.instancePath || '/'}: ${e.message}`)));
  return { valid: r.isValid, errors };
}

export interface ValidateRequest {
  id: number;
  json: string;
}
export type ValidateReply = { id: number; result: CsafValidation } | { id: number; error: string };

// Only the thread the adapter starts serves requests (it marks itself in workerData): the
// adapter imports this module's types, and under a thread-pool test runner a test file's
// own thread has a parentPort too.
const port = parentPort;
if (!isMainThread && port !== null && (workerData as { csafValidator?: unknown } | null)?.csafValidator === true) {
  port.on('message', (m: ValidateRequest) => {
    // Parsed inside the promise: whatever throws is an `error` reply, never a dead thread.
    Promise.resolve(m.json).then((json) => validateInThisThread(JSON.parse(json))).then(
      (result) => port.postMessage({ id: m.id, result } satisfies ValidateReply),
      (e: unknown) => port.postMessage({ id: m.id, error: e instanceof Error ? e.message : String(e) } satisfies ValidateReply),
    );
  });
}
