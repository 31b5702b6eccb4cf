// The desk as a separate process, the way it runs in production: `madoguchi start` with
// its settings in the environment. Tests can stop it, or kill -9 it.
import { execFile, spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import { ROOT } from './paths.ts';
import { createPgDatabase } from './pgdb.ts';

export interface DeskProcess {
  proc: ChildProcess;
  logs: string[];
  waitForLog(re: RegExp, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
  kill9(): Promise<void>;
}

export function spawnDesk(env: Record<string, string>): DeskProcess {
  // DESK_NODE_ARGS: extra node flags for the desk (e.g. --cpu-prof), for profiling runs.
  const nodeArgs = (env.DESK_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const proc = spawn(process.execPath, [...nodeArgs, join(ROOT, 'bin', 'madoguchi.js'), 'start'], {
    cwd: ROOT,
    // No coordinators' digest unless a test asks for one (MADOGUCHI_DIGEST=true): a digest
    // due at start-up would be one more mail in every mailbox count.
    // Timed mail goes when due, any day, unless a test asks (MADOGUCHI_TIMED_MAIL_BUSINESS_DAYS=true):
    // the tests move a clock that starts at the real time, so a deferral would make them depend on the weekday.
    env: { ...process.env, MADOGUCHI_DIGEST: 'false', MADOGUCHI_TIMED_MAIL_BUSINESS_DAYS: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  const waiters: { re: RegExp; resolve: (l: string) => void }[] = [];
  const onData = (b: Buffer): void => {
    for (const line of b.toString().split('\n')) {
      if (!line) continue;
      logs.push(line);
      for (const w of [...waiters]) if (w.re.test(line)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  };
  proc.stdout.on('data', onData);
  proc.stderr.on('data', onData);
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  return {
    proc,
    logs,
    waitForLog(re, timeoutMs = 30_000) {
      const hit = logs.find((l) => re.test(l));
      if (hit) return Promise.resolve(hit);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`timeout waiting for ${String(re)}; log:\n${logs.slice(-30).join('\n')}`)), timeoutMs);
        waiters.push({ re, resolve: (l) => (clearTimeout(t), resolve(l)) });
        void exited.then(() => {
          clearTimeout(t);
          reject(new Error(`desk exited before ${String(re)}; log:\n${logs.slice(-30).join('\n')}`));
        });
      });
    },
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      await exited;
    },
    async kill9() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGKILL');
      await exited;
    },
  };
}

/** A fresh PostgreSQL database for one test file; drop() removes it. */
export function freshDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  return createPgDatabase('mdg_it');
}

export async function query<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows as T[];
  } finally {
    await c.end();
  }
}

/**
 * The desk's settings for a mailbox on test mail servers (test/support/mailservers.ts):
 * IMAP intake of `address`'s INBOX (no Maildir), SMTP out through the same servers.
 */
export function onMailServers(servers: { imap: { host: string; port: number }; smtp: { host: string; port: number } }, address: string, watchdogSeconds = 10): Record<string, string> {
  return {
    MADOGUCHI_DESK_ADDRESS: address,
    MADOGUCHI_INBOX: '',
    IMAP_HOST: servers.imap.host,
    IMAP_PORT: String(servers.imap.port),
    IMAP_SECURE: 'false',
    IMAP_USER: address,
    IMAP_PASSWORD: 'secret',
    IMAP_WATCHDOG_SECONDS: String(watchdogSeconds),
    MADOGUCHI_TRANSPORT: 'smtp',
    SMTP_HOST: servers.smtp.host,
    SMTP_PORT: String(servers.smtp.port),
  };
}

/** `madoguchi ARGS` as the desk host's operator runs it, with the desk's settings `env` (read at call time). */
export function deskCli(env: () => Record<string, string>): (args: string[], input?: Buffer) => SpawnSyncReturns<string> {
  return (args, input) => spawnSync(process.execPath, [join(ROOT, 'bin', 'madoguchi.js'), ...args], { cwd: ROOT, env: { ...process.env, ...env() }, input, encoding: 'utf8' });
}

/**
 * `madoguchi ARGS` like deskCli, without blocking the test worker: for slow commands (an
 * export loads the CSAF validator for many seconds under load; a worker blocked for 60 s
 * fails the whole vitest run).
 */
export function deskCliAsync(env: () => Record<string, string>): (args: string[]) => Promise<{ status: number; stdout: string; stderr: string }> {
  return (args) =>
    new Promise((resolve) => {
      execFile(process.execPath, [join(ROOT, 'bin', 'madoguchi.js'), ...args], { cwd: ROOT, env: { ...process.env, ...env() }, encoding: 'utf8', timeout: 300_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
        resolve({ status: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr });
      });
    });
}
