// Configuration: config/default.yaml, then config/local.yaml (or MADOGUCHI_CONFIG), then
// environment variables. Validated at start; an error names the bad setting.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { validateCoordinators, type Coordinator } from './commands/auth.ts';
import type { Settings } from './rules/product-state.ts';

export interface Config {
  desk: { name: string; address: string; casePrefix: string; keysDir: string; publicDir: string };
  coordinators: Coordinator[];
  limits: { maxMessageMb: number; maxDecompressedMb: number };
  store: { databaseUrl: string; dataDir: string };
  redis: { url: string; queuePrefix: string };
  intake: {
    maildir: string;
    imap: {
      host: string;
      port: number;
      secure: boolean;
      user: string;
      password: string;
      mailbox: string;
      processedMailbox: string;
      failedMailbox: string;
      watchdogSeconds: number;
    };
  };
  outbound: {
    transport: 'maildir' | 'smtp';
    outbox: string;
    smtp: { host: string; port: number; secure: boolean; user: string; password: string };
  };
  jobs: { concurrency: number; attempts: number; backoffMs: number; reconcileSeconds: number; tickSeconds: number };
  /** The product track's settings (guideline §8 defaults in config/default.yaml). */
  coordination: Settings;
}

export class ConfigError extends Error {}

/** Environment variable for each setting (documented beside it in default.yaml). */
const ENV: Record<string, string> = {
  'desk.name': 'MADOGUCHI_DESK_NAME',
  'desk.address': 'MADOGUCHI_DESK_ADDRESS',
  'desk.casePrefix': 'MADOGUCHI_CASE_PREFIX',
  'desk.keysDir': 'MADOGUCHI_KEYS_DIR',
  'desk.publicDir': 'MADOGUCHI_PUBLIC_DIR',
  'limits.maxMessageMb': 'MADOGUCHI_MAX_MESSAGE_MB',
  'limits.maxDecompressedMb': 'MADOGUCHI_MAX_DECOMPRESSED_MB',
  'store.databaseUrl': 'DATABASE_URL',
  'store.dataDir': 'MADOGUCHI_DATA_DIR',
  'redis.url': 'REDIS_URL',
  'redis.queuePrefix': 'MADOGUCHI_QUEUE_PREFIX',
  'intake.maildir': 'MADOGUCHI_INBOX',
  'intake.imap.host': 'IMAP_HOST',
  'intake.imap.port': 'IMAP_PORT',
  'intake.imap.secure': 'IMAP_SECURE',
  'intake.imap.user': 'IMAP_USER',
  'intake.imap.password': 'IMAP_PASSWORD',
  'intake.imap.mailbox': 'IMAP_MAILBOX',
  'intake.imap.processedMailbox': 'IMAP_PROCESSED_MAILBOX',
  'intake.imap.failedMailbox': 'IMAP_FAILED_MAILBOX',
  'intake.imap.watchdogSeconds': 'IMAP_WATCHDOG_SECONDS',
  'outbound.transport': 'MADOGUCHI_TRANSPORT',
  'outbound.outbox': 'MADOGUCHI_OUTBOX',
  'outbound.smtp.host': 'SMTP_HOST',
  'outbound.smtp.port': 'SMTP_PORT',
  'outbound.smtp.secure': 'SMTP_SECURE',
  'outbound.smtp.user': 'SMTP_USER',
  'outbound.smtp.password': 'SMTP_PASSWORD',
  'jobs.concurrency': 'MADOGUCHI_CONCURRENCY',
  'jobs.attempts': 'MADOGUCHI_JOB_ATTEMPTS',
  'jobs.backoffMs': 'MADOGUCHI_JOB_BACKOFF_MS',
  'jobs.reconcileSeconds': 'MADOGUCHI_RECONCILE_SECONDS',
  'jobs.tickSeconds': 'MADOGUCHI_TICK_SECONDS',
  'coordination.publicationDays': 'MADOGUCHI_PUBLICATION_DAYS',
  'coordination.reminderAfterDays': 'MADOGUCHI_REMINDER_AFTER_DAYS',
  'coordination.reminderEveryDays': 'MADOGUCHI_REMINDER_EVERY_DAYS',
  'coordination.unreachableAfterReminders': 'MADOGUCHI_UNREACHABLE_AFTER_REMINDERS',
  'coordination.productNameAfterDays': 'MADOGUCHI_PRODUCT_NAME_AFTER_DAYS',
  'coordination.withdrawAfterDays': 'MADOGUCHI_WITHDRAW_AFTER_DAYS',
  'coordination.opinionDays': 'MADOGUCHI_OPINION_DAYS',
  'coordination.autoNotifySingleMatch': 'MADOGUCHI_AUTO_NOTIFY_SINGLE_MATCH',
};

type Tree = Record<string, unknown>;

function merge(base: Tree, over: Tree, path: string, source: string): void {
  for (const [k, v] of Object.entries(over)) {
    const key = path ? `${path}.${k}` : k;
    if (!(k in base)) throw new ConfigError(`${source}: unknown setting "${key}"`);
    const b = base[k];
    if (Array.isArray(b)) {
      // Lists replace the default as a whole (checked in validate()).
      if (!Array.isArray(v)) throw new ConfigError(`${source}: setting "${key}" must be a list`);
      base[k] = v;
    } else if (b !== null && typeof b === 'object') {
      if (v === null || typeof v !== 'object') throw new ConfigError(`${source}: setting "${key}" must be a section`);
      merge(b as Tree, v as Tree, key, source);
    } else {
      base[k] = coerce(v, b, key, source);
    }
  }
}

function coerce(v: unknown, like: unknown, key: string, source: string): unknown {
  if (typeof like === 'number') {
    const n = typeof v === 'string' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isFinite(n)) throw new ConfigError(`${source}: setting "${key}" must be a number, got ${JSON.stringify(v)}`);
    return n;
  }
  if (typeof like === 'boolean') {
    if (typeof v === 'boolean') return v;
    if (v === 'true' || v === '1') return true;
    if (v === 'false' || v === '0') return false;
    throw new ConfigError(`${source}: setting "${key}" must be true or false, got ${JSON.stringify(v)}`);
  }
  if (v === null || v === undefined) return '';
  if (typeof v !== 'string' && typeof v !== 'number') throw new ConfigError(`${source}: setting "${key}" must be text`);
  return String(v);
}

function readYaml(file: string): Tree {
  try {
    return (parse(readFileSync(file, 'utf8')) as Tree | null) ?? {};
  } catch (e) {
    throw new ConfigError(`${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export function loadConfig(root = process.cwd(), env: NodeJS.ProcessEnv = process.env): Config {
  const cfgDir = join(root, 'config');
  const base = readYaml(join(cfgDir, 'default.yaml'));
  const local = env.MADOGUCHI_CONFIG ? resolve(root, env.MADOGUCHI_CONFIG) : join(cfgDir, 'local.yaml');
  if (existsSync(local)) merge(base, readYaml(local), '', local);
  if (env.MADOGUCHI_COORDINATORS !== undefined) {
    try {
      base.coordinators = JSON.parse(env.MADOGUCHI_COORDINATORS) as unknown;
    } catch {
      throw new ConfigError('environment MADOGUCHI_COORDINATORS: not a JSON list of {name, email, fingerprints}');
    }
  }
  for (const [path, name] of Object.entries(ENV)) {
    const v = env[name];
    if (v === undefined) continue;
    const parts = path.split('.');
    const last = parts.pop()!;
    const section = parts.reduce<Tree>((t, p) => t[p] as Tree, base);
    section[last] = coerce(v, section[last], path, `environment ${name}`);
  }
  const c = base as unknown as Config;
  validate(c);
  return c;
}

function validate(c: Config): void {
  const bad = (key: string, why: string): never => {
    throw new ConfigError(`setting "${key}" (${ENV[key] ?? ''}) ${why}`);
  };
  if (!/^[^@\s]+@[^@\s]+$/.test(c.desk.address)) bad('desk.address', 'must be an email address');
  if (!/^[A-Z][A-Z0-9]{0,9}$/.test(c.desk.casePrefix)) bad('desk.casePrefix', 'must be 1-10 upper-case letters or digits, starting with a letter');
  if (c.limits.maxMessageMb <= 0) bad('limits.maxMessageMb', 'must be positive');
  if (c.limits.maxDecompressedMb <= 0) bad('limits.maxDecompressedMb', 'must be positive');
  if (!['maildir', 'smtp'].includes(c.outbound.transport)) bad('outbound.transport', 'must be "maildir" or "smtp"');
  if (c.outbound.transport === 'smtp' && !c.outbound.smtp.host) bad('outbound.smtp.host', 'is required when outbound.transport is smtp');
  if (c.intake.imap.host && !c.intake.imap.user) bad('intake.imap.user', 'is required when intake.imap.host is set');
  if (!/^redis(s)?:\/\//.test(c.redis.url)) bad('redis.url', 'must be a redis:// URL');
  if (c.store.databaseUrl && !/^postgres(ql)?:\/\//.test(c.store.databaseUrl)) bad('store.databaseUrl', 'must be a postgres:// URL');
  if (c.jobs.concurrency < 1 || c.jobs.attempts < 1) bad('jobs.concurrency', 'and jobs.attempts must be at least 1');
  if (c.jobs.reconcileSeconds < 1) bad('jobs.reconcileSeconds', 'must be at least 1');
  if (c.jobs.tickSeconds < 1) bad('jobs.tickSeconds', 'must be at least 1');
  if (!Array.isArray(c.coordinators)) bad('coordinators', 'must be a list');
  const problems = validateCoordinators(c.coordinators);
  if (problems.length > 0) throw new ConfigError(`setting "coordinators": ${problems.join('; ')}`);
  if (c.intake.imap.watchdogSeconds < 5) bad('intake.imap.watchdogSeconds', 'must be at least 5');
  for (const [key, min, max] of [
    ['publicationDays', 1, 3650],
    ['reminderAfterDays', 1, 365],
    ['reminderEveryDays', 1, 365],
    ['unreachableAfterReminders', 1, 50],
    ['productNameAfterDays', 1, 3650],
    ['withdrawAfterDays', 1, 3650],
    ['opinionDays', 1, 365],
  ] as const) {
    const v = c.coordination[key];
    if (!Number.isInteger(v) || v < min || v > max) bad(`coordination.${key}`, `must be a whole number of ${min} to ${max}`);
  }
}
