// issue 12 (leftover): the CSAF validator runs in a worker thread. Loading it is seconds of
// synchronous work (3–5 s quiet, ~20 s loaded); in the desk that stopped the event loop
// (BullMQ lock renewal, IMAP keepalive, watchdog) at the first CSAF for a partner. Here:
// the first validation leaves this thread's event loop free (the same measure with the
// validator loaded in this thread saw 41.7 s on the loaded 2-core test machine; not run
// here, as a block that long trips vitest's own 60 s RPC timeout); the verdicts for a valid
// and an invalid document are those of before (test/export/csaf.test.ts has the rest); a
// validator that gives no answer in time is a failed validation with a clear reason and a
// new thread next time; stopping the thread fails what waited on it.
//
// The order matters: the first test needs a fresh validator, in a fresh thread.
import { afterAll, describe, expect, it } from 'vitest';
import { csafValidatorThreadId, stopCsafValidator, validateCsaf } from '../../src/adapters/csaf-validator.ts';
import { buildCsaf } from '../../src/export/csaf.ts';
import { newVendor, type ProductCase } from '../../src/rules/product-state.ts';
import { ACME, newCase } from '../rules/product-support.ts';
import { exportCase, PUBLISHER } from './support.ts';

const at = (s: string): Date => new Date(s);
const snapshot: ProductCase = {
  ...newCase({}),
  em: 'active',
  publication: { proposed: null, proposedBy: null, agreed: '2026-02-10' },
  firstContactDate: '2026-01-05',
  vendors: [{ ...newVendor(ACME), coordination: 'answered', fix: 'vendor-aware', status: 'affected', firstContactAt: at('2026-01-05T01:00:00Z'), lastContactAt: at('2026-01-05T01:00:00Z'), lastAnswerAt: at('2026-01-08T02:00:00Z') }],
};
const validDoc = (): { vulnerabilities: { product_status?: Record<string, string[]> }[] } => buildCsaf(exportCase(snapshot), PUBLISHER).document as { vulnerabilities: { product_status?: Record<string, string[]> }[] };
/** Breaks mandatory test 6.1.6 (contradicting product statuses). */
function invalidDoc(): unknown {
  const d = validDoc();
  d.vulnerabilities[0]!.product_status = { known_affected: ['CSAFPID-0001'], known_not_affected: ['CSAFPID-0001'] };
  return d;
}

/** The longest a 20 ms timer of this thread waited beyond its period while `work` ran. */
async function maxLag<T>(work: () => Promise<T>): Promise<{ lag: number; value: T }> {
  let last = Date.now();
  let lag = 0;
  const timer = setInterval(() => {
    const now = Date.now();
    lag = Math.max(lag, now - last - 20);
    last = now;
  }, 20);
  try {
    const value = await work();
    // A block that ends with the work's own completion resumes here before any timer runs:
    // it is the time since the last tick.
    return { lag: Math.max(lag, Date.now() - last - 20), value };
  } finally {
    clearInterval(timer);
  }
}

afterAll(() => stopCsafValidator());

describe('CSAF validation in a worker thread', () => {
  it('the first validation (the validator loading) leaves the event loop free; valid and invalid verdicts as before', { timeout: 240_000 }, async () => {
    expect(csafValidatorThreadId()).toBeNull();
    const inWorker = await maxLag(() => validateCsaf(validDoc()));
    process.stderr.write(`csaf validator first load: event-loop lag ${String(inWorker.lag)} ms\n`);
    expect(inWorker.value).toEqual({ valid: true, errors: [] });
    expect(csafValidatorThreadId()).not.toBeNull();
    // The load is multi-second and synchronous; a loaded 2-core machine still gives this
    // thread's timers their turn within well under that.
    expect(inWorker.lag).toBeLessThan(1500);

    // The invalid verdict, with its reasons (the format callers quote in their alert).
    const bad = await validateCsaf(invalidDoc());
    expect(bad.valid).toBe(false);
    expect(bad.errors.join('\n')).toMatch(/mandatoryTest_6_1_6/);
    for (const e of bad.errors) expect(e).toMatch(/^\w+: \/\S*: .+/u);
  });

  it('no answer in time: the validation fails with the reason, the others waiting fail too, and the next call gets a new thread', { timeout: 240_000 }, async () => {
    // A fresh thread needs seconds to load the validator: 50 ms is "no answer" for sure.
    await stopCsafValidator();
    const hung = validateCsaf(validDoc(), { timeoutMs: 50 });
    const first = csafValidatorThreadId();
    expect(first).not.toBeNull();
    const other = validateCsaf(validDoc());
    expect(await hung).toEqual({ valid: false, errors: ['the CSAF validator gave no answer within 50 ms; its thread is restarted'] });
    expect(await other).toEqual({ valid: false, errors: ['the CSAF validator thread was restarted: another validation gave no answer within 50 ms'] });
    expect(csafValidatorThreadId()).toBeNull();

    expect(await validateCsaf(validDoc())).toEqual({ valid: true, errors: [] });
    const second = csafValidatorThreadId();
    expect(second).not.toBeNull();
    expect(second).not.toBe(first);
  });

  it('stopping the thread (desk shutdown) fails a validation that waited on it; a later call starts a new one', { timeout: 240_000 }, async () => {
    await validateCsaf(validDoc());
    const before = csafValidatorThreadId();
    await stopCsafValidator();
    const waiting = validateCsaf(validDoc());
    await stopCsafValidator();
    expect(await waiting).toEqual({ valid: false, errors: ['the CSAF validator thread was stopped (desk shutting down)'] });
    expect(csafValidatorThreadId()).toBeNull();
    const again = await validateCsaf(invalidDoc());
    expect(again.errors.join('\n')).toMatch(/mandatoryTest_6_1_6/);
    expect(csafValidatorThreadId()).not.toBe(before);
  });
});
