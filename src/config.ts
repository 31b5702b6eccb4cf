// Configuration: config/default.yaml, then config/local.yaml (or MADOGUCHI_CONFIG), then
// environment variables; the result is validated by one zod schema (issue 10: errors name
// the key, the value, where it came from and what was expected; unknown keys are refused).
// `madoguchi config check` prints the effective configuration with secrets masked.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { validateCoordinators, type Coordinator } from './commands/auth.ts';
import { TIME_OF_DAY_RE } from './rules/business-days.ts';
import type { Settings } from './rules/product-state.ts';

export class ConfigError extends Error {}

const text = z.string();
const whole = (min: number, max: number): z.ZodNumber =>
  z.number({ error: 'must be a number' }).int(`must be a whole number of ${min} to ${max}`).min(min, `must be a whole number of ${min} to ${max}`).max(max, `must be a whole number of ${min} to ${max}`);
const positive = z.number({ error: 'must be a number' }).positive('must be positive');
const flag = z.boolean({ error: 'must be true or false' });
const port = whole(1, 65535);

const coordinatorSchema = z.strictObject({
  name: z.string({ error: 'must be text' }),
  email: z.string({ error: 'must be text' }),
  fingerprints: z.array(z.string({ error: 'must be text' }), { error: 'must be a list' }),
  // The language of what the desk writes to this coordinator by itself, the digest first
  // (issue 11); absent: Japanese, as every coordinator notice.
  lang: z.enum(['ja', 'en'], { error: 'must be "ja" or "en"' }).optional(),
});

// A government or critical-infrastructure contact for priority notices (guideline §3 item
// 12; docs/priority-notice.md). The key file is read when a notice is sent and must carry
// the pinned fingerprint: a swapped file sends nothing (fail closed).
const priorityContactSchema = z.strictObject({
  id: z.string({ error: 'must be text' }).regex(/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/, 'must be a slug: lower-case letters, digits, inner hyphens'),
  name: z.string({ error: 'must be text' }).min(1, 'must not be empty'),
  sector: z.enum(['government', 'critical-infrastructure'], { error: 'must be "government" or "critical-infrastructure"' }),
  email: z.string({ error: 'must be text' }).regex(/^[^@\s]+@[^@\s]+$/, 'must be an email address'),
  fingerprint: z.string({ error: 'must be text' }).regex(/^(?:[0-9A-Fa-f]{40}|[0-9A-Fa-f]{64})$/, 'must be a full fingerprint (40 or 64 hex digits)'),
  keyFile: z.string({ error: 'must be text' }).min(1, 'must name the armored public key file'),
});

export const configSchema = z
  .strictObject({
    desk: z.strictObject({
      name: text,
      address: z.string().regex(/^[^@\s]+@[^@\s]+$/, 'must be an email address'),
      casePrefix: z.string().regex(/^[A-Z][A-Z0-9]{0,9}$/, 'must be 1-10 upper-case letters or digits, starting with a letter'),
      keysDir: text,
      publicDir: text,
    }),
    coordinators: z.array(coordinatorSchema, { error: 'must be a list' }),
    limits: z.strictObject({
      maxMessageMb: positive,
      maxDecompressedMb: positive,
      // Automatic answers to one address (issue 9 §8; src/desk/answers.ts).
      answersPerAddressPerHour: whole(1, 10_000),
      answersPerAddressPerDay: whole(1, 100_000),
    }),
    store: z.strictObject({
      databaseUrl: z.string().regex(/^(postgres(ql)?:\/\/.*)?$/, 'must be a postgres:// URL (or empty for the embedded database)'),
      dataDir: text,
    }),
    redis: z.strictObject({ url: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL'), queuePrefix: text }),
    intake: z.strictObject({
      maildir: text,
      imap: z.strictObject({
        host: text,
        port,
        secure: flag,
        user: text,
        password: text,
        mailbox: text,
        processedMailbox: text,
        failedMailbox: text,
        watchdogSeconds: whole(5, 3600),
      }),
    }),
    outbound: z.strictObject({
      transport: z.enum(['maildir', 'smtp'], { error: 'must be "maildir" or "smtp"' }),
      outbox: text,
      smtp: z.strictObject({ host: text, port, secure: flag, user: text, password: text }),
    }),
    jobs: z.strictObject({
      concurrency: whole(1, 1000),
      attempts: whole(1, 100),
      backoffMs: whole(0, 3_600_000),
      reconcileSeconds: whole(1, 86_400),
      tickSeconds: whole(1, 86_400),
    }),
    /** The product track's settings (guideline §8 defaults in config/default.yaml). */
    coordination: z.strictObject({
      publicationDays: whole(1, 3650),
      reminderAfterDays: whole(1, 365),
      reminderEveryDays: whole(1, 365),
      unreachableAfterReminders: whole(1, 50),
      productNameAfterDays: whole(1, 3650),
      withdrawAfterDays: whole(1, 3650),
      opinionDays: whole(1, 365),
      autoNotifySingleMatch: flag,
    }),
    /** How old a signed mail may be to act (issue 9 §2; docs/decisions.md "Authority"). */
    trust: z.strictObject({
      commandMaxAgeHours: whole(1, 8760),
      replyMaxAgeHours: whole(1, 8760),
      maxFutureMinutes: whole(0, 1440),
    }),
    /** Priority-notice contacts (guideline §3 item 12; src/rules/priority-notice.ts). */
    priorityNotice: z.strictObject({
      contacts: z.array(priorityContactSchema, { error: 'must be a list' }),
    }),
    /** The coordinators' digest (issue 11; docs/decisions.md "The coordinators' digest"). */
    digest: z.strictObject({
      enabled: flag,
      time: z.string({ error: 'must be text' }).regex(TIME_OF_DAY_RE, 'must be a time of day HH:MM (24-hour, JST), e.g. "09:00"'),
      silentDays: whole(1, 365),
    }),
    /**
     * Timed mail to people (reminders to vendors and operators, the reporter's one-year
     * notice) waits for a business day (issue 11; docs/decisions.md "Timed mail waits for a
     * business day"): due on a Saturday, Sunday or Japanese public holiday, it goes on the
     * next business day at `time` JST. Alerts to coordinators never wait.
     */
    timedMail: z.strictObject({
      businessDaysOnly: flag,
      time: z.string({ error: 'must be text' }).regex(TIME_OF_DAY_RE, 'must be a time of day HH:MM (24-hour, JST), e.g. "09:00"'),
    }),
    /** Web lookups of a site operator's contact (issue 11; src/web/). */
    web: z.strictObject({
      enabled: flag,
      timeoutSeconds: whole(1, 120),
      maxSecurityTxtKb: whole(1, 1024),
      maxKeyKb: whole(1, 4096),
      caFile: text,
      // A test installation only: every lookup connects to this ADDRESS:PORT instead of the
      // site's (docs/operators.md "Configuration"); the certificate is still checked for the
      // site's name. "" = DNS and the URL's port, public addresses only.
      connectTo: z.string({ error: 'must be text' }).regex(/^((\d{1,3}\.){3}\d{1,3}|\[[0-9a-fA-F:]+\]):\d{1,5}$|^$/, 'must be ADDRESS:PORT (an IP address, IPv6 in brackets), or empty'),
    }),
    /** Machine-readable advisories (issue 12; docs/exports.md): who the desk is in them. */
    exports: z.strictObject({
      // CSAF 2.0 §3.2.1.8.3: the publisher's namespace is the URL of the publishing organisation.
      csafNamespace: z.string().regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, 'must be an http(s) URL'),
      // The desk's public advisory page per case; `{case}` is replaced by the case id ("" = none).
      advisoryUrl: z.string().regex(/^(https?:\/\/\S*\{case\}\S*)?$/, 'must be an http(s) URL containing {case}, or empty'),
      // CVE JSON 5 providerMetadata.orgId: the CNA's UUID as the CVE Program assigned it ("" = CVE export off).
      cveOrgId: z.string().regex(/^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})?$/i, 'must be a UUID, or empty'),
      cveShortName: z.string().regex(/^([A-Za-z0-9_-]{2,32})?$/, 'must be 2-32 letters, digits, - or _, or empty'),
    }),
  })
  .superRefine((c, ctx) => {
    if (c.outbound.transport === 'smtp' && !c.outbound.smtp.host) ctx.addIssue({ code: 'custom', path: ['outbound', 'smtp', 'host'], message: 'is required when outbound.transport is smtp' });
    if (c.limits.answersPerAddressPerDay < c.limits.answersPerAddressPerHour) {
      ctx.addIssue({ code: 'custom', path: ['limits', 'answersPerAddressPerDay'], message: 'must be at least limits.answersPerAddressPerHour' });
    }
    if (c.intake.imap.host && !c.intake.imap.user) ctx.addIssue({ code: 'custom', path: ['intake', 'imap', 'user'], message: 'is required when intake.imap.host is set' });
    const ids = c.priorityNotice.contacts.map((p) => p.id);
    const emails = c.priorityNotice.contacts.map((p) => p.email.toLowerCase());
    if (new Set(ids).size !== ids.length) ctx.addIssue({ code: 'custom', path: ['priorityNotice', 'contacts'], message: 'an id is listed twice' });
    if (new Set(emails).size !== emails.length) ctx.addIssue({ code: 'custom', path: ['priorityNotice', 'contacts'], message: 'an address is listed twice' });
    const problems = validateCoordinators(c.coordinators);
    if (problems.length > 0) ctx.addIssue({ code: 'custom', path: ['coordinators'], message: problems.join('; ') });
  });

export type Config = z.infer<typeof configSchema> & { coordinators: Coordinator[]; coordination: Settings };

/** Environment variable for each setting (documented beside it in default.yaml). */
export const ENV: Record<string, string> = {
  'desk.name': 'MADOGUCHI_DESK_NAME',
  'desk.address': 'MADOGUCHI_DESK_ADDRESS',
  'desk.casePrefix': 'MADOGUCHI_CASE_PREFIX',
  'desk.keysDir': 'MADOGUCHI_KEYS_DIR',
  'desk.publicDir': 'MADOGUCHI_PUBLIC_DIR',
  'limits.maxMessageMb': 'MADOGUCHI_MAX_MESSAGE_MB',
  'limits.maxDecompressedMb': 'MADOGUCHI_MAX_DECOMPRESSED_MB',
  'limits.answersPerAddressPerHour': 'MADOGUCHI_ANSWERS_PER_HOUR',
  'limits.answersPerAddressPerDay': 'MADOGUCHI_ANSWERS_PER_DAY',
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
  'trust.commandMaxAgeHours': 'MADOGUCHI_COMMAND_MAX_AGE_HOURS',
  'trust.replyMaxAgeHours': 'MADOGUCHI_REPLY_MAX_AGE_HOURS',
  'trust.maxFutureMinutes': 'MADOGUCHI_SIGNATURE_MAX_FUTURE_MINUTES',
  'digest.enabled': 'MADOGUCHI_DIGEST',
  'digest.time': 'MADOGUCHI_DIGEST_TIME',
  'digest.silentDays': 'MADOGUCHI_DIGEST_SILENT_DAYS',
  'timedMail.businessDaysOnly': 'MADOGUCHI_TIMED_MAIL_BUSINESS_DAYS',
  'timedMail.time': 'MADOGUCHI_TIMED_MAIL_TIME',
  'web.enabled': 'MADOGUCHI_WEB_ENABLED',
  'web.timeoutSeconds': 'MADOGUCHI_WEB_TIMEOUT_SECONDS',
  'web.maxSecurityTxtKb': 'MADOGUCHI_WEB_MAX_SECURITY_TXT_KB',
  'web.maxKeyKb': 'MADOGUCHI_WEB_MAX_KEY_KB',
  'web.caFile': 'MADOGUCHI_WEB_CA_FILE',
  'web.connectTo': 'MADOGUCHI_WEB_CONNECT_TO',
  'exports.csafNamespace': 'MADOGUCHI_CSAF_NAMESPACE',
  'exports.advisoryUrl': 'MADOGUCHI_ADVISORY_URL',
  'exports.cveOrgId': 'MADOGUCHI_CVE_ORG_ID',
  'exports.cveShortName': 'MADOGUCHI_CVE_SHORT_NAME',
};

/** Settings whose values are never printed (config check, error messages). */
const SECRET = new Set(['intake.imap.password', 'outbound.smtp.password']);
/** Settings that are URLs and may carry a password (user:password@host). */
const URLS = new Set(['store.databaseUrl', 'redis.url']);

type Tree = Record<string, unknown>;

/** Where each setting's value came from: 'default', a file path, or 'environment NAME'. */
export type Sources = Map<string, string>;

export interface LoadedConfig {
  config: Config;
  sources: Sources;
}

function isSection(v: unknown): v is Tree {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Deep-merges `over` into `base`; lists replace as a whole. Unknown keys are kept for the schema to name. */
function merge(base: Tree, over: Tree, path: string, source: string, sources: Sources): void {
  for (const [k, v] of Object.entries(over)) {
    const key = path ? `${path}.${k}` : k;
    const b = base[k];
    if (isSection(b) && isSection(v)) merge(b, v, key, source, sources);
    else {
      base[k] = v;
      sources.set(key, source);
    }
  }
}

/** Environment values are text: read them as the type the default has, leaving bad text for the schema to refuse. */
function fromEnv(v: string, like: unknown): unknown {
  if (typeof like === 'number') {
    const n = Number(v);
    return v.trim() !== '' && Number.isFinite(n) ? n : v;
  }
  if (typeof like === 'boolean') {
    if (v === 'true' || v === '1') return true;
    if (v === 'false' || v === '0') return false;
  }
  return v;
}

function readYaml(file: string): Tree {
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(`${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (doc === null || doc === undefined) return {};
  if (!isSection(doc)) throw new ConfigError(`${file}: not a YAML mapping of settings`);
  return doc;
}

function get(tree: Tree, path: string): unknown {
  return path.split('.').reduce<unknown>((t, p) => (isSection(t) ? t[p] : undefined), tree);
}

/** A value as it may be shown: secrets masked, URL passwords masked, long text cut. */
export function showValue(key: string, v: unknown): string {
  if (SECRET.has(key)) return typeof v === 'string' && v === '' ? '""' : '"********"';
  if (URLS.has(key) && typeof v === 'string') return JSON.stringify(v.replace(/(\/\/[^:/@]*:)[^@]*@/, '$1********@'));
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

export function loadConfigWithSources(root = process.cwd(), env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const cfgDir = join(root, 'config');
  const base = readYaml(join(cfgDir, 'default.yaml'));
  const sources: Sources = new Map();
  const local = env.MADOGUCHI_CONFIG ? resolve(root, env.MADOGUCHI_CONFIG) : join(cfgDir, 'local.yaml');
  if (env.MADOGUCHI_CONFIG && !existsSync(local)) throw new ConfigError(`MADOGUCHI_CONFIG names ${local}, which does not exist`);
  if (existsSync(local)) merge(base, readYaml(local), '', local, sources);
  if (env.MADOGUCHI_COORDINATORS !== undefined) {
    try {
      base.coordinators = JSON.parse(env.MADOGUCHI_COORDINATORS) as unknown;
      sources.set('coordinators', 'environment MADOGUCHI_COORDINATORS');
    } catch {
      throw new ConfigError('environment MADOGUCHI_COORDINATORS: not a JSON list of {name, email, fingerprints}');
    }
  }
  for (const [path, name] of Object.entries(ENV)) {
    const v = env[name];
    if (v === undefined) continue;
    const parts = path.split('.');
    const last = parts.pop()!;
    let section: Tree = base;
    for (const p of parts) {
      if (!isSection(section[p])) section[p] = {};
      section = section[p] as Tree;
    }
    section[last] = fromEnv(v, section[last]);
    sources.set(path, `environment ${name}`);
  }
  const r = configSchema.safeParse(base);
  if (!r.success) throw new ConfigError(r.error.issues.map((i) => describeIssue(i, base, sources)).join('\n'));
  return { config: r.data, sources };
}

export function loadConfig(root = process.cwd(), env: NodeJS.ProcessEnv = process.env): Config {
  return loadConfigWithSources(root, env).config;
}

/** One line per problem: the key, where its value came from, the value, and what was expected. */
function describeIssue(i: z.core.$ZodIssue, tree: Tree, sources: Sources): string {
  const at = i.path.map(String).join('.');
  if (i.code === 'unrecognized_keys') {
    return i.keys
      .map((k) => {
        const key = at ? `${at}.${k}` : k;
        return `unknown setting "${key}"${sources.has(key) ? ` in ${sources.get(key)}` : ''}`;
      })
      .join('\n');
  }
  const top = i.path.length > 0 ? String(i.path[0]) : '';
  const key = top === 'coordinators' ? 'coordinators' : at;
  // A list entry's key (`priorityNotice.contacts.0.email`) has no value path for get()
  // and its source is the list's.
  const inList = top === 'priorityNotice';
  const from = sources.get(inList ? 'priorityNotice.contacts' : key) ?? 'config/default.yaml';
  const env = ENV[key] ? ` (${ENV[key]})` : '';
  const value = key === 'coordinators' || inList ? '' : ` = ${showValue(key, get(tree, key))}`;
  const why = i.code === 'invalid_type' && !/^must/.test(i.message) ? `must be ${i.expected === 'number' ? 'a number' : i.expected}` : i.message;
  return `setting "${key}"${env}${value} from ${from}: ${why}`;
}

/** The effective configuration, one `key = value  # source` line per setting, secrets masked. */
export function describeConfig(loaded: LoadedConfig): string[] {
  const lines: string[] = [];
  const walk = (t: Tree, path: string): void => {
    for (const [k, v] of Object.entries(t)) {
      const key = path ? `${path}.${k}` : k;
      if (isSection(v)) walk(v, key);
      else if (key === 'coordinators') {
        const list = v as Coordinator[];
        lines.push(`coordinators = ${list.length === 0 ? '[] (none: nothing can be decided)' : list.map((c) => `${c.name} <${c.email}> ${c.fingerprints.join(',')}`).join('; ')}  # ${loaded.sources.get(key) ?? 'config/default.yaml'}`);
      } else lines.push(`${key} = ${showValue(key, v)}  # ${loaded.sources.get(key) ?? 'config/default.yaml'}`);
    }
  };
  walk(loaded.config, '');
  return lines;
}
