// The queue adapter's deferral (migration 024: a notice waiting for another): a handler
// that cannot work yet throws DeferJobError; BullMQ (real Redis) runs the job again after
// the delay, under the same job id, without using up an attempt — so a job of one attempt
// that defers twice still runs, and never counts as failed.
import { afterAll, describe, expect, it } from 'vitest';
import { DeferJobError, openQueue, type JobQueue } from '../../src/adapters/bullmq.ts';

let queue: JobQueue | null = null;
afterAll(async () => queue?.close());

describe('a deferred job', () => {
  it('runs again after its delay, attempts untouched, and is never failed', async () => {
    queue = await openQueue({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix: `mdg-defer-${process.pid}-${Date.now()}`, attempts: 1, backoffMs: 50 });
    const runs: { at: number; attempt: number }[] = [];
    const failures: string[] = [];
    let done!: () => void;
    const finished = new Promise<void>((r) => (done = r));
    const stop = queue.work(
      (_name, _data, attempt) => {
        runs.push({ at: Date.now(), attempt });
        if (runs.length < 3) return Promise.reject(new DeferJobError('waits for another notice', 150));
        done();
        return Promise.resolve();
      },
      1,
      (_name, _data, reason) => {
        failures.push(reason);
        return Promise.resolve();
      },
    );
    await queue.add('notify', { noticeId: '<n@desk.test>' }, 'notify-n_desk.test');
    // Queued again meanwhile (the reconciler, the prerequisite sent): still one job.
    await new Promise((r) => setTimeout(r, 50));
    await queue.add('notify', { noticeId: '<n@desk.test>' }, 'notify-n_desk.test');
    await Promise.race([finished, new Promise((_r, reject) => setTimeout(() => reject(new Error('the deferred job never ran again')), 10_000))]);
    await stop();
    expect(runs).toHaveLength(3);
    expect(runs.map((r) => r.attempt)).toEqual([1, 1, 1]);
    expect(runs[1]!.at - runs[0]!.at).toBeGreaterThanOrEqual(140);
    expect(failures).toEqual([]);
    expect(await queue.failed()).toEqual([]);
  }, 30_000);
});
