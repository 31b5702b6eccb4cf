// kill -9 at random moments while reports stream in, IMAP kicked mid-IDLE, Redis
// restarted (queued jobs lost): nothing is lost and nothing is duplicated. CI runs 3
// rounds of 50 reports; `npm run test:faults -- --rounds 50` runs more.
import { describe, expect, it } from 'vitest';
import { runFaultRounds } from '../support/faults.ts';

describe('faults: kill -9, IMAP kick, Redis restart', () => {
  it('3 rounds × 50 reports: exactly one case and one acknowledgement Message-ID each, nothing unprocessed', async () => {
    const s = await runFaultRounds({ rounds: 3, reports: 50, log: (m) => process.stderr.write(`faults: ${m}\n`) });
    expect(s.kills).toBe(3);
    expect(s.kicks).toBeGreaterThanOrEqual(1);
    expect(s.redisRestarts).toBeGreaterThanOrEqual(1);
    expect(s.casesPerReport.size).toBe(150);
    for (const [id, n] of s.casesPerReport) expect(n, `cases for ${id}`).toBe(1);
    expect(s.cases).toBe(150);
    expect(s.ackIdsPerReport.size).toBe(150);
    for (const [id, ids] of s.ackIdsPerReport) expect(ids.size, `ack Message-IDs for ${id}`).toBe(1);
    expect(s.unfinished).toBe(0);
    expect(s.inboxLeft).toBe(0);
    expect(s.processed).toBe(150);
  }, 900_000);
});
