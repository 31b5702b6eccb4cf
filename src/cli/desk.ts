// CLI commands of the running desk: start, deliver, jobs.
import { openQueue, RedisUnavailableError } from '../adapters/bullmq.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { deskClock, startDesk } from '../desk/run.ts';
import { existsSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { parseCliCommand } from '../commands/parse.ts';
import { loadKeyDir } from '../crypto/keydir.ts';
import { exportPublicKeys, readSigningKey } from '../crypto/openpgp.ts';
import { applyCommands } from '../desk/commands.ts';
import { openDb } from '../store/db.ts';
import { DEFAULT_SETTINGS } from '../rules/product.ts';
import { jobId } from '../jobs/registry.ts';
import { webOptionsFromConfig } from '../web/options.ts';
import { createPinoLog, isLogLevel, LOG_LEVELS } from '../adapters/pino.ts';

const EX_CONFIG = 78;

export async function runStart(out: (s: string) => void, err: (s: string) => void, opts: { logLevel?: string } = {}): Promise<number> {
  const level = opts.logLevel ?? process.env.MADOGUCHI_LOG_LEVEL ?? 'info';
  if (!isLogLevel(level)) {
    err(`madoguchi: --log-level ${level}: one of ${LOG_LEVELS.join(', ')}`);
    return 2;
  }
  const log = createPinoLog({ level, pretty: process.stdout.isTTY });
  let cfg;
  try {
    cfg = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      err(`madoguchi: configuration: ${e.message}`);
      return EX_CONFIG;
    }
    throw e;
  }
  let running;
  try {
    running = await startDesk(cfg, log);
  } catch (e) {
    if (e instanceof RedisUnavailableError || (e instanceof Error && /another madoguchi process/.test(e.message))) {
      err(`madoguchi: ${e.message}`);
      return 1;
    }
    throw e;
  }
  await new Promise<void>((resolveStop) => {
    const stop = (sig: string): void => {
      log.info(`${sig}: stopping (finishing running jobs)`);
      void running.stop().then(resolveStop);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  return 0;
}

export { runDeliver } from './deliver.ts';

async function withQueue<T>(fn: (q: Awaited<ReturnType<typeof openQueue>>) => Promise<T>): Promise<T> {
  const cfg = loadConfig();
  const q = await openQueue({ url: cfg.redis.url, prefix: cfg.redis.queuePrefix, attempts: cfg.jobs.attempts, backoffMs: cfg.jobs.backoffMs });
  try {
    return await fn(q);
  } finally {
    await q.close();
  }
}

export async function runJobsFailed(out: (s: string) => void, err: (s: string) => void): Promise<number> {
  try {
    const failed = await withQueue((q) => q.failed());
    if (failed.length === 0) out('no failed jobs');
    for (const j of failed) out(`${j.id}\t${j.name}\tattempts=${j.attemptsMade}\t${j.finishedOn?.toISOString() ?? ''}\t${j.failedReason}`);
    return 0;
  } catch (e) {
    err(`madoguchi: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

export async function runJobsRetry(id: string, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  try {
    const ok = await withQueue((q) => q.retry(id));
    if (!ok) {
      err(`madoguchi: no failed job ${id}`);
      return 1;
    }
    out(`retrying ${id}`);
    return 0;
  } catch (e) {
    err(`madoguchi: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

/**
 * `madoguchi case ID COMMAND [ARGS…]` (docs/commands.md): a coordinator command applied to
 * a case on the CLI, the same way as by signed mail; the notices it decides are stored and
 * handed to the running desk's queue.
 */
export async function runCaseCommand(args: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const cfg = loadConfig();
  const parsed = parseCliCommand(args, { casePrefix: cfg.desk.casePrefix });
  if (parsed.errors.length > 0 || !parsed.caseId) {
    for (const e of parsed.errors) err(`madoguchi case: ${e.message}`);
    if (!parsed.caseId) err('madoguchi case: usage: madoguchi case VR-YYYY-NNNN COMMAND [ARGS…] (docs/commands.md)');
    return 2;
  }
  const keysDir = resolve(cfg.desk.keysDir);
  const secPath = join(keysDir, 'desk.sec.asc');
  if (!existsSync(secPath)) {
    err(`madoguchi case: no desk key in ${keysDir}: start the desk once first`);
    return 1;
  }
  const signer = await readSigningKey(readFileSync(secPath, 'utf8'), process.env.MADOGUCHI_KEY_PASSPHRASE);
  const ring = await loadKeyDir(keysDir, process.env.MADOGUCHI_KEY_PASSPHRASE, () => undefined);
  const pub = exportPublicKeys(ring);
  const coordinators = cfg.coordinators.map((c) => ({
    name: c.name,
    email: c.email,
    armoredKeys: pub.filter((k) => c.fingerprints.some((f) => f.replace(/\s+/g, '').toUpperCase() === k.fingerprint)).map((k) => k.armored),
  }));
  let db;
  try {
    db = await openDb(cfg.store.databaseUrl ? { databaseUrl: cfg.store.databaseUrl } : { dataDir: resolve(cfg.store.dataDir) });
  } catch (e) {
    if (e instanceof Error && e.name === 'DataDirLockedError') {
      // One line, not a stack (issue 10): the embedded database is one process's.
      err(`madoguchi case: the running desk holds the embedded database (${resolve(cfg.store.dataDir)}): stop it, run the command, start it again; or use PostgreSQL (DATABASE_URL), where commands run beside the desk`);
      return 1;
    }
    throw e;
  }
  try {
    const outcomes = await applyCommands(
      // The desk's clock (MADOGUCHI_CLOCK_FILE), so the CLI and the running desk agree on "now".
      { db, signer, address: cfg.desk.address, coordinators, settings: { ...DEFAULT_SETTINGS, ...cfg.coordination }, now: deskClock(process.env.MADOGUCHI_CLOCK_FILE)(), actor: `cli:${userInfo().username}`,
        // issue 11: an accepted website case's operator is looked up as the running desk would.
        web: cfg.web.enabled ? webOptionsFromConfig(cfg.web) : null,
        priorityContacts: cfg.priorityNotice.contacts },
      parsed.caseId,
      parsed.commands,
    );
    const q = await openQueue({ url: cfg.redis.url, prefix: cfg.redis.queuePrefix, attempts: cfg.jobs.attempts, backoffMs: cfg.jobs.backoffMs });
    try {
      for (const o of outcomes) {
        out(`${o.command.kind}: ${o.ok ? 'done' : 'error'}${o.message !== 'done' ? ` (${o.message})` : ''}${o.notices.length ? `; notices: ${o.notices.join(' ')}` : ''}`);
        for (const id of o.notices) await q.add('notify', { noticeId: id }, jobId.notify(id));
      }
      // Say when the mail goes (issue 10): the queue knows whether a desk is working it.
      const stored = outcomes.reduce((n, o) => n + o.notices.length, 0);
      if (stored > 0) {
        out((await q.workers()) > 0
          ? `${stored} notice(s) stored: the running desk sends them now`
          : `${stored} notice(s) stored: no desk is running; they are sent when the desk starts`);
      }
    } finally {
      await q.close();
    }
    return outcomes.every((o) => o.ok) ? 0 : 1;
  } finally {
    await db.close();
  }
}
