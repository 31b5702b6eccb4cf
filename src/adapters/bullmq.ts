// The job queue adapter: the only file that imports bullmq and ioredis.
// pitfalls.md: job ids may not be integers or contain ':'; a stalled job can run twice
// (handlers are idempotent against the database); Redis without persistence loses
// queued jobs (the desk reconciles from the database at start).
import { DelayedError, Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { PRIORITY, type JobData, type JobName } from '../jobs/registry.ts';

export type { JobData, JobName } from '../jobs/registry.ts';

export interface FailedJob {
  id: string;
  name: string;
  data: JobData;
  failedReason: string;
  attemptsMade: number;
  finishedOn: Date | null;
}

/** Thrown by a handler for an error that retrying cannot fix (e.g. SMTP 5xx). */
export class PermanentJobError extends Error {}

/**
 * Thrown by a handler whose job cannot do its work yet: the job is moved to the delayed set
 * and runs again after `delayMs`, without using up an attempt (BullMQ's moveToDelayed +
 * DelayedError), under the same job id (so it is never queued twice meanwhile).
 */
export class DeferJobError extends Error {
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
    this.name = 'DeferJobError';
  }
}

export class RedisUnavailableError extends Error {}

export interface QueueOptions {
  url: string;
  prefix: string;
  queueName?: string;
  attempts: number;
  backoffMs: number;
}

export interface JobQueue {
  add(name: JobName, data: JobData, jobId: string): Promise<void>;
  failed(): Promise<FailedJob[]>;
  retry(jobId: string): Promise<boolean>;
  counts(): Promise<Record<string, number>>;
  /**
   * Runs `name` every `everyMs` through one BullMQ job scheduler (`schedulerId`): however
   * many desk processes call it, Redis holds one schedule. Idempotent (called again after a
   * Redis restart, which loses it).
   */
  schedule(schedulerId: string, name: JobName, everyMs: number): Promise<void>;
  /** How many workers (running desks) are connected to the queue now. */
  workers(): Promise<number>;
  /** Runs handlers; returns a function that stops the worker gracefully. */
  work(
    handler: (name: JobName, data: JobData, attempt: number) => Promise<void>,
    concurrency: number,
    onFinalFailure?: (name: JobName, data: JobData, reason: string) => Promise<void>,
  ): () => Promise<void>;
  close(): Promise<void>;
}

function connection(url: string): Redis {
  // maxRetriesPerRequest null: required by BullMQ workers (blocking commands).
  const r = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: true, enableOfflineQueue: true });
  r.on('error', () => undefined); // reconnection is ioredis's job; errors surface on commands
  return r;
}

/** One clear sentence when Redis is not there (issue 3: stop with what to install or set). */
export async function checkRedis(url: string, timeoutMs = 3000): Promise<void> {
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null, connectTimeout: timeoutMs });
  r.on('error', () => undefined);
  try {
    await r.connect();
    await r.ping();
  } catch (e) {
    throw new RedisUnavailableError(
      `Redis is not reachable at ${url} (${e instanceof Error ? e.message : String(e)}): start redis-server (Debian: apt-get install redis-server) or set REDIS_URL to a reachable Redis.`,
    );
  } finally {
    r.disconnect();
  }
}

export async function openQueue(opts: QueueOptions): Promise<JobQueue> {
  await checkRedis(opts.url);
  const name = opts.queueName ?? 'desk';
  const conn = connection(opts.url);
  const queue = new Queue(name, {
    connection: conn,
    prefix: opts.prefix,
    defaultJobOptions: {
      attempts: opts.attempts,
      backoff: { type: 'exponential', delay: opts.backoffMs },
      removeOnComplete: { age: 24 * 3600, count: 10000 },
      removeOnFail: false,
    },
  });
  const workers: Worker[] = [];
  const toFailed = (j: Job): FailedJob => ({
    id: j.id ?? '',
    name: j.name,
    data: j.data as JobData,
    failedReason: j.failedReason,
    attemptsMade: j.attemptsMade,
    finishedOn: j.finishedOn ? new Date(j.finishedOn) : null,
  });
  return {
    async add(jobName, data, jobId) {
      if (/[:]/.test(jobId) || /^\d+$/.test(jobId)) throw new Error(`bad job id ${jobId}`);
      await queue.add(jobName, data, { jobId, priority: PRIORITY[jobName] });
    },
    async failed() {
      return (await queue.getFailed(0, 1000)).map(toFailed);
    },
    async retry(jobId) {
      const j = await queue.getJob(jobId);
      if (!j || !(await j.isFailed())) return false;
      await j.retry('failed');
      return true;
    },
    async counts() {
      return queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
    },
    async workers() {
      return (await queue.getWorkers()).length;
    },
    async schedule(schedulerId, jobName, everyMs) {
      // A finished tick is not kept (one every few seconds would fill Redis); a failed one is.
      await queue.upsertJobScheduler(schedulerId, { every: everyMs }, { name: jobName, data: {}, opts: { priority: PRIORITY[jobName], attempts: 1, removeOnComplete: true, removeOnFail: 100 } });
    },
    work(handler, concurrency, onFinalFailure) {
      // BullMQ does not close a connection it was given: we own it and close it below.
      const workerConn = connection(opts.url);
      const w = new Worker(
        name,
        async (job: Job, token?: string) => {
          try {
            await handler(job.name as JobName, job.data as JobData, job.attemptsMade + 1);
          } catch (e) {
            if (e instanceof PermanentJobError) throw new UnrecoverableError(e.message);
            if (e instanceof DeferJobError) {
              await job.moveToDelayed(Date.now() + e.delayMs, token);
              throw new DelayedError();
            }
            throw e;
          }
        },
        { connection: workerConn, prefix: opts.prefix, concurrency, autorun: true },
      );
      w.on('error', () => undefined);
      w.on('failed', (job, err) => {
        if (!job || !onFinalFailure) return;
        const final = err instanceof UnrecoverableError || err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
        if (final) void onFinalFailure(job.name as JobName, job.data as JobData, err.message).catch(() => undefined);
      });
      workers.push(w);
      return async () => {
        await w.close();
        workerConn.disconnect();
      };
    },
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await queue.close();
      conn.disconnect();
    },
  };
}
