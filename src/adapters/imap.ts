// IMAP intake: the only file that imports imapflow.
// pitfalls.md, each handled here:
// - an ImapFlow instance never reconnects: a new instance per connection, with backoff;
// - `N:*` returns the highest existing UID even if it is below N: filter `uid > last`;
// - another session's appends are not seen until the view syncs: `noop()` before fetching;
// - never issue commands inside a `fetch()` iterator: `fetchAll`;
// - a dead IDLE connection can go unnoticed: a watchdog NOOP/fetch every interval, and a
//   connection whose watchdog does not answer in time is dropped and replaced;
// - imapflow re-enters IDLE only 15 s after the last command (`autoIdleDelay` default):
//   mail arriving in that window, e.g. right after each of our own moves, went unseen for
//   15 s. We set it to 100 ms;
// - commands such as messageMove report failure by returning false, not by throwing.
import { ImapFlow } from 'imapflow';

export interface ImapSettings {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  password: string;
  mailbox: string;
  processedMailbox: string;
  failedMailbox: string;
  watchdogSeconds: number;
}

export interface Checkpoint {
  uidValidity: number;
  lastUid: number;
}

export interface CheckpointStore {
  get(mailbox: string): Promise<Checkpoint | null>;
  set(mailbox: string, cp: Checkpoint): Promise<void>;
}

export interface ImapRef {
  mailbox: string;
  uidValidity: number;
  uid: number;
}

export interface ImapIntake {
  /** Moves a message to Processed or Failed (no-op if the mailbox was rebuilt meanwhile). */
  file(ref: ImapRef, to: 'processed' | 'failed'): Promise<void>;
  /** Forces a drop of the current connection (tests use it to kick the session). */
  kick(): void;
  stop(): Promise<void>;
}

type Log = (msg: string) => void;

export function startImapIntake(
  s: ImapSettings,
  checkpoints: CheckpointStore,
  onMessage: (raw: Buffer, ref: ImapRef) => Promise<void>,
  log: Log,
): ImapIntake {
  let client: ImapFlow | null = null;
  let stopped = false;
  let backoff = 1000;
  let chain: Promise<unknown> = Promise.resolve();
  let uidValidity = 0;
  let watchdog: NodeJS.Timeout | null = null;
  let reconnectTimer: NodeJS.Timeout | null = null;

  /** Serialises every command on the connection (IDLE is left and re-entered by imapflow). */
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = chain.then(fn, fn);
    chain = next.catch(() => undefined);
    return next;
  };

  const drop = (why: string): void => {
    const c = client;
    client = null;
    if (c) {
      log(`imap: dropping connection (${why})`);
      c.close();
    }
  };

  const scheduleReconnect = (): void => {
    if (stopped || reconnectTimer) return;
    const delay = backoff;
    backoff = Math.min(backoff * 2, 30_000);
    reconnectTimer = setTimeout(() => {
      reconnectTimer = null;
      void connect();
    }, delay);
  };

  async function sync(c: ImapFlow): Promise<void> {
    if (client !== c) return;
    await c.noop();
    const cp = await checkpoints.get(s.mailbox);
    let last = cp && cp.uidValidity === uidValidity ? cp.lastUid : 0;
    if (cp && cp.uidValidity !== uidValidity) log(`imap: UIDVALIDITY changed (${cp.uidValidity} → ${uidValidity}): rescanning ${s.mailbox}`);
    const msgs = await c.fetchAll(`${last + 1}:*`, { uid: true, source: true }, { uid: true });
    const fresh = msgs.filter((m) => m.uid > last && m.source).sort((a, b) => a.uid - b.uid);
    for (const m of fresh) {
      // Stored (and enqueued) before the checkpoint moves past it: a crash here refetches,
      // and the store's dedupe key makes the refetch harmless.
      await onMessage(m.source!, { mailbox: s.mailbox, uidValidity, uid: m.uid });
      last = m.uid;
      await checkpoints.set(s.mailbox, { uidValidity, lastUid: last });
    }
    if (!cp || cp.uidValidity !== uidValidity) await checkpoints.set(s.mailbox, { uidValidity, lastUid: last });
  }

  async function connect(): Promise<void> {
    if (stopped) return;
    const c = new ImapFlow({
      host: s.host,
      port: s.port,
      secure: s.secure,
      auth: { user: s.user, pass: s.password },
      logger: false,
      disableAutoIdle: false,
      autoIdleDelay: 100,
      tls: { rejectUnauthorized: s.secure },
    });
    c.on('error', (e: Error) => log(`imap: ${e.message}`));
    c.on('close', () => {
      if (client === c) client = null;
      scheduleReconnect();
    });
    try {
      await c.connect();
      for (const box of [s.processedMailbox, s.failedMailbox]) {
        try {
          await c.mailboxCreate(box);
        } catch {
          /* exists */
        }
      }
      const mb = await c.mailboxOpen(s.mailbox);
      uidValidity = Number(mb.uidValidity);
      client = c;
      backoff = 1000;
      c.on('exists', () => {
        void serial(() => sync(c)).catch((e: unknown) => log(`imap: sync failed: ${String(e)}`));
      });
      await serial(() => sync(c));
      log(`imap: connected to ${s.host}:${s.port} ${s.mailbox} (uidvalidity ${uidValidity})`);
    } catch (e) {
      log(`imap: connect failed: ${e instanceof Error ? e.message : String(e)}`);
      try {
        c.close();
      } catch {
        /* already closed */
      }
      if (client === c) client = null;
      scheduleReconnect();
    }
  }

  watchdog = setInterval(() => {
    const c = client;
    if (!c) return;
    const timeout = new Promise<never>((_, rej) => setTimeout(() => rej(new Error('watchdog timeout')), Math.max(5000, s.watchdogSeconds * 500)).unref());
    Promise.race([serial(() => sync(c)), timeout]).catch((e: unknown) => {
      if (client === c) drop(`watchdog: ${e instanceof Error ? e.message : String(e)}`);
    });
  }, s.watchdogSeconds * 1000);
  watchdog.unref();

  void connect();

  return {
    async file(ref, to) {
      const c = client;
      if (!c) throw new Error('imap: not connected (will retry)');
      if (ref.uidValidity !== uidValidity) return; // the mailbox was rebuilt: that UID is gone
      const dest = to === 'processed' ? s.processedMailbox : s.failedMailbox;
      await serial(async () => {
        // imapflow reports a failed MOVE by returning false (or undefined with no mailbox
        // selected) instead of throwing: a move cut off by a dropped connection looked done,
        // and the message stayed in the inbox marked filed (found by the 50 fault rounds).
        // Moving a UID that is already gone is a plain OK, so retrying is harmless.
        const moved: unknown = await c.messageMove(String(ref.uid), dest, { uid: true });
        if (!moved) throw new Error(`imap: moving UID ${ref.uid} to ${dest} failed (will retry)`);
      });
    },
    kick() {
      drop('kicked');
    },
    async stop() {
      stopped = true;
      if (watchdog) clearInterval(watchdog);
      if (reconnectTimer) clearTimeout(reconnectTimer);
      const c = client;
      client = null;
      if (c) {
        try {
          await chain;
          await c.logout();
        } catch {
          c.close();
        }
      }
    },
  };
}
