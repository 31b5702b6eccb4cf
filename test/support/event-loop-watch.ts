// A diagnostic, not a test: names the test whose worker blocked its event loop for long.
// vitest's worker talks to the runner over birpc with a fixed 60 s timeout; a worker that
// runs synchronous work (gpg via spawnSync, schema compiles) for a minute on a loaded
// machine makes the whole run fail with "Timeout calling onTaskUpdate" and no test named
// (the CI failure of stop 15). This prints which test it was, so the next one is found in
// the log instead of guessed. Loops of synchronous gpg calls must yield between calls.
import { afterEach, beforeEach, expect } from 'vitest';

const WARN_MS = 10_000;
let last = Date.now();
let current = '(module load or hooks)';
setInterval(() => {
  const now = Date.now();
  if (now - last > WARN_MS) {
    process.stderr.write(`event-loop-watch: worker blocked ${String(now - last)} ms in ${expect.getState().testPath ?? '?'} :: ${current}\n`);
  }
  last = now;
}, 250).unref();
beforeEach((c) => {
  current = c.task.name;
  last = Date.now();
});
afterEach(() => {
  current = '(hooks)';
  last = Date.now();
});
