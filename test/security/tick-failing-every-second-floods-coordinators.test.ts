// A tick that fails for good every time it runs (issue 9 §6, found by the two-vulnerability
// proof: a template refusing a publication failed every one-second tick, and each failure
// sent the coordinators a new `job-failed` alert with a new Message-ID — one mail a second).
// Nothing is left failed in silence, but the coordinators hear of one persistent failure once
// a day per job and code (src/desk/bad-values.ts jobFailedAlert), not once per tick.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobFailedAlert } from '../../src/desk/bad-values.ts';
import { query } from '../support/desk.ts';
import { startBadValueDesk, type BadValueDesk } from '../support/bad-value-desk.ts';

let t: BadValueDesk;
beforeAll(async () => {
  t = await startBadValueDesk({ name: 'tickflood' });
}, 60_000);
afterAll(async () => t?.stop());

const alerts = (): Promise<{ id: string; state: string }[]> => query<{ id: string; state: string }>(t.dbUrl, `SELECT id, state FROM notices WHERE kind = 'coord-alert' AND id LIKE '%failed-tick%' ORDER BY id`);

describe('a tick failing for good on every run', () => {
  it('gives the coordinators one alert, not one per tick', async () => {
    for (let i = 0; i < 5; i++) {
      await t.desk.onFinalFailure('tick', {}, 'template-refused: advisory: fixedVersions');
      await new Promise((r) => setTimeout(r, 20));
    }
    await expect.poll(async () => (await alerts()).map((a) => a.state), { timeout: 30_000 }).toEqual(['sent']);
    // Every failure is still on the timeline: the record is complete, the mail is not repeated.
    const failures = await query<{ n: string }>(t.dbUrl, `SELECT count(*) AS n FROM timeline WHERE event = 'job-failed'`);
    expect(Number(failures[0]!.n)).toBe(5);
  }, 60_000);

  it('another code, or the same failure on another JST day, is its own alert', async () => {
    const ctx = { coordinators: [], signer: null as never, address: 'desk@madoguchi.test', domain: 'madoguchi.test', caseId: null };
    const idAt = async (iso: string, code: 'template-refused' | 'job-failed'): Promise<string> => {
      const [n] = await jobFailedAlert({ ...ctx, coordinators: [{ name: 'C', email: 'c@madoguchi.test', armoredKeys: [] }], now: new Date(iso) }, 'tick', {}, code);
      return n!.id;
    };
    // 14:00 and 14:59 UTC are 23:00 and 23:59 JST of one day; 15:00:01 UTC is the next JST day.
    const a = await idAt('2027-01-08T14:00:00Z', 'template-refused');
    expect(await idAt('2027-01-08T14:59:59Z', 'template-refused')).toBe(a);
    expect(await idAt('2027-01-08T15:00:01Z', 'template-refused')).not.toBe(a);
    expect(await idAt('2027-01-08T14:00:00Z', 'job-failed')).not.toBe(a);
  }, 30_000);
});
