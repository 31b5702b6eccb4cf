// Real mail servers for integration tests: Postfix (SMTP) -> Dovecot LMTP -> Dovecot IMAP, all on
// 127.0.0.1, started by scripts/mail-servers.sh with every bit of state in a scratch directory.
//
//   let mail: MailServers;
//   beforeAll(async () => { mail = await startMailServers(); });
//   afterAll(async () => { await mail?.stop(); });
//
// Each call picks three free loopback ports and (unless `dir` is given) a fresh mkdtemp
// directory, so test files running in parallel never share servers. Any address is deliverable;
// IMAP logs in with the full address as user name and the password "secret" (MAIL_PASSWORD).
// The free helpers (readMailbox, waitForMessages, sendRaw, openImap) use the most recently
// started servers of this process unless given a `servers` argument.
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';

export const MAIL_PASSWORD = 'secret';

const SCRIPT = fileURLToPath(new URL('../../scripts/mail-servers.sh', import.meta.url));
const INSTALL_TIMEOUT_MS = 15 * 60_000;
const START_TIMEOUT_MS = 60_000;

export interface Endpoint {
  host: string;
  port: number;
}

export interface MailServers {
  imap: Endpoint;
  smtp: Endpoint;
  /** Dovecot LMTP, which Postfix delivers into; tests normally use `smtp`. */
  lmtp: Endpoint;
  dir: string;
  /** Stops both servers; removes `dir` when startMailServers created it. Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Scratch directory for all server state; default: a new mkdtemp directory, removed by stop(). */
  dir?: string;
  /** Keep the directory (mail, logs) after stop(), e.g. to look at a failure. */
  keepDir?: boolean;
}

let current: MailServers | undefined;

function run(args: string[], timeoutMs: number, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('bash', [SCRIPT, ...args], { env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        reject(new Error(`scripts/mail-servers.sh ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      } else {
        resolve(stdout);
      }
    });
  });
}

/** Ports that were free a moment ago (all bound at once, so the three differ). */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
      const srv = createServer();
      srv.once('error', reject);
      srv.listen(0, '127.0.0.1', () => resolve(srv));
    })),
  );
  const ports = servers.map((srv) => {
    const addr = srv.address();
    if (addr === null || typeof addr === 'string') throw new Error('no port from listen(0)');
    return addr.port;
  });
  await Promise.all(servers.map((srv) => new Promise<void>((resolve) => srv.close(() => resolve()))));
  return ports;
}

let installed: Promise<string> | undefined;

/** Runs `scripts/mail-servers.sh install` once per process (a no-op when the packages are there). */
export function installMailServers(): Promise<string> {
  installed ??= run(['install'], INSTALL_TIMEOUT_MS);
  return installed;
}

// Unix socket paths under the directory must stay short: avoid a long TMPDIR.
const BASE = tmpdir().length <= 20 ? tmpdir() : '/tmp';
const PREFIX = 'madoguchi-mail-';
const OWNER_FILE = 'owner.pid';
const KEEP_FILE = 'keep';

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Stops and removes servers left behind by test processes that died without afterAll (killed
 * worker, timeout): directories made by startMailServers whose owner process is gone.
 */
export async function reapLeftoverMailServers(): Promise<string[]> {
  const reaped: string[] = [];
  for (const name of await readdir(BASE).catch(() => [] as string[])) {
    if (!name.startsWith(PREFIX)) continue;
    const dir = path.join(BASE, name);
    const owner = Number.parseInt(await readFile(path.join(dir, OWNER_FILE), 'utf8').catch(() => ''), 10);
    if (!Number.isInteger(owner) || owner <= 0 || processAlive(owner)) continue;
    await run(['stop', dir], 60_000).catch(() => undefined);
    const keep = await readFile(path.join(dir, KEEP_FILE)).then(() => true, () => false);
    if (keep) await rm(path.join(dir, OWNER_FILE), { force: true });
    else await rm(dir, { recursive: true, force: true });
    reaped.push(dir);
  }
  return reaped;
}

export async function startMailServers(opts: StartOptions = {}): Promise<MailServers> {
  await installMailServers();
  await reapLeftoverMailServers();
  const ownDir = opts.dir === undefined;
  const dir = opts.dir === undefined ? await mkdtemp(path.join(BASE, PREFIX)) : path.resolve(opts.dir);
  if (ownDir) {
    await writeFile(path.join(dir, OWNER_FILE), `${process.pid}\n`);
    if (opts.keepDir) await writeFile(path.join(dir, KEEP_FILE), '');
  }

  let lastError: unknown;
  // Another process may grab a port between freePorts() and the servers binding it: retry.
  for (let attempt = 1; attempt <= 3; attempt++) {
    const [imapPort, smtpPort, lmtpPort] = (await freePorts(3)) as [number, number, number];
    try {
      const out = await run(['start', dir], START_TIMEOUT_MS, {
        ...process.env,
        MAIL_IMAP_PORT: String(imapPort),
        MAIL_SMTP_PORT: String(smtpPort),
        MAIL_LMTP_PORT: String(lmtpPort),
      });
      const printed = Object.fromEntries(
        out.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      );
      if (printed.IMAP_PORT !== String(imapPort) || printed.SMTP_PORT !== String(smtpPort)) {
        throw new Error(`unexpected output from mail-servers.sh start: ${out}`);
      }
      return register(dir, ownDir && !opts.keepDir, imapPort, smtpPort, lmtpPort);
    } catch (err) {
      lastError = err;
    }
  }
  if (ownDir && !opts.keepDir) await rm(dir, { recursive: true, force: true });
  throw lastError;
}

function register(dir: string, removeDir: boolean, imap: number, smtp: number, lmtp: number): MailServers {
  // A test file that dies before afterAll must not leave servers behind.
  const onExit = (): void => {
    spawnSync('bash', [SCRIPT, 'stop', dir], { stdio: 'ignore', timeout: 30_000 });
  };
  process.once('exit', onExit);
  let stopped: Promise<void> | undefined;
  const servers: MailServers = {
    imap: { host: '127.0.0.1', port: imap },
    smtp: { host: '127.0.0.1', port: smtp },
    lmtp: { host: '127.0.0.1', port: lmtp },
    dir,
    stop() {
      stopped ??= (async () => {
        process.removeListener('exit', onExit);
        await run(['stop', dir], 60_000);
        if (removeDir) await rm(dir, { recursive: true, force: true });
        if (current === servers) current = undefined;
      })();
      return stopped;
    },
  };
  current = servers;
  return servers;
}

function serversOrCurrent(servers: MailServers | undefined): MailServers {
  const s = servers ?? current;
  if (!s) throw new Error('mail servers are not running: call startMailServers() in beforeAll');
  return s;
}

/** A connected, logged-in ImapFlow for `user` (password "secret"). The caller logs out. */
export async function openImap(
  user: string,
  opts: { disableAutoIdle?: boolean; servers?: MailServers } = {},
): Promise<ImapFlow> {
  const s = serversOrCurrent(opts.servers);
  const client = new ImapFlow({
    host: s.imap.host,
    port: s.imap.port,
    secure: false,
    auth: { user, pass: MAIL_PASSWORD },
    logger: false,
    disableAutoIdle: opts.disableAutoIdle ?? true,
  });
  // An 'error' event without a listener would crash the test worker.
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

async function withImap<T>(user: string, servers: MailServers | undefined, fn: (c: ImapFlow) => Promise<T>): Promise<T> {
  const client = await openImap(user, { servers });
  try {
    return await fn(client);
  } finally {
    await client.logout().catch(() => client.close());
  }
}

export interface StoredMessage {
  uid: number;
  source: Buffer;
}

async function fetchSources(client: ImapFlow, mailbox: string): Promise<StoredMessage[]> {
  const lock = await client.getMailboxLock(mailbox);
  try {
    await client.noop(); // see other sessions' deliveries before fetching
    const box = client.mailbox;
    if (box === false || box.exists === 0) return [];
    // fetchAll, not a fetch() iterator: no commands may run inside the iterator.
    const messages = await client.fetchAll('1:*', { uid: true, source: true });
    return messages
      .map((m) => {
        if (!m.source) throw new Error(`message uid ${m.uid} in ${mailbox} came without source`);
        return { uid: m.uid, source: m.source };
      })
      .sort((a, b) => a.uid - b.uid);
  } finally {
    lock.release();
  }
}

/** Raw bytes (as stored by Dovecot, with Return-Path/Delivered-To/Received added) of every message. */
export async function readMailbox(user: string, mailbox = 'INBOX', servers?: MailServers): Promise<Buffer[]> {
  return (await readMessages(user, mailbox, servers)).map((m) => m.source);
}

export async function readMessages(user: string, mailbox = 'INBOX', servers?: MailServers): Promise<StoredMessage[]> {
  return withImap(user, servers, (client) => fetchSources(client, mailbox));
}

/**
 * Waits until `mailbox` of `user` holds at least `count` messages and returns all of them.
 * Fails after `timeoutMs` with the tail of the Postfix and Dovecot logs.
 */
export async function waitForMessages(
  user: string,
  count: number,
  timeoutMs = 10_000,
  mailbox = 'INBOX',
  servers?: MailServers,
): Promise<Buffer[]> {
  const s = serversOrCurrent(servers);
  const deadline = Date.now() + timeoutMs;
  return withImap(user, s, async (client) => {
    let seen = 0;
    for (;;) {
      const status = await client.status(mailbox, { messages: true });
      seen = status === false ? 0 : (status.messages ?? 0);
      if (seen >= count) return (await fetchSources(client, mailbox)).map((m) => m.source);
      if (Date.now() >= deadline) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(
      `waitForMessages: ${user} ${mailbox} has ${seen} of ${count} messages after ${timeoutMs} ms\n` +
        (await serverLogs(s)),
    );
  });
}

/** Sends bytes as they are over SMTP (Postfix), with an explicit envelope. */
export async function sendRaw(
  from: string,
  to: string[],
  raw: Buffer | string,
  servers?: MailServers,
): Promise<{ accepted: string[]; rejected: string[]; response: string }> {
  const s = serversOrCurrent(servers);
  const transport = nodemailer.createTransport({
    host: s.smtp.host,
    port: s.smtp.port,
    secure: false,
    ignoreTLS: true,
    connectionTimeout: 10_000,
  });
  try {
    const info = await transport.sendMail({ envelope: { from, to }, raw });
    const addr = (a: unknown): string => (typeof a === 'string' ? a : (a as { address: string }).address);
    return { accepted: info.accepted.map(addr), rejected: info.rejected.map(addr), response: info.response };
  } finally {
    transport.close();
  }
}

/** Last lines of the Postfix and Dovecot logs, for failure messages. */
export async function serverLogs(servers?: MailServers, lines = 40): Promise<string> {
  const s = serversOrCurrent(servers);
  const parts: string[] = [];
  for (const f of ['postfix/maillog', 'dovecot/dovecot.log']) {
    const text = await readFile(path.join(s.dir, f), 'utf8').catch((e: Error) => `(${e.message})`);
    parts.push(`--- ${f}\n${text.split('\n').slice(-lines).join('\n')}`);
  }
  return parts.join('\n');
}
