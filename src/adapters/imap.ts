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
  /** UID MOVE commands sent and messages they moved, since start (filing is batched). */
  stats(): { moveCommands: number; movedMessages: number };
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

  /** Moves waiting for the connection, by UIDVALIDITY and destination. */
  type Waiter = { resolve: () => void; reject: (e: Error) => void };
  const moves = new Map<string, { uidValidity: number; dest: string; waiters: Map<number, Waiter[]> }>();
  const MAX_MOVE = 500; // UIDs per command: keeps the command line far below Dovecot's limit
  const stats = { moveCommands: 0, movedMessages: 0 };

  const runMoves = async (key: string): Promise<void> => {
    const batch = moves.get(key);
    if (!batch) return;
    moves.delete(key);
    const uids = [...batch.waiters.keys()].sort((a, b) => a - b);
    const now = uids.slice(0, MAX_MOVE);
    if (uids.length > MAX_MOVE) {
      // The rest waits for the next turn, with whatever arrives meanwhile.
      const rest = { uidValidity: batch.uidValidity, dest: batch.dest, waiters: new Map<number, Waiter[]>() };
      for (const uid of uids.slice(MAX_MOVE)) {
        rest.waiters.set(uid, batch.waiters.get(uid) ?? []);
        batch.waiters.delete(uid);
      }
      moves.set(key, rest);
      void serial(() => runMoves(key));
    }
    const all = [...batch.waiters.values()].flat();
    try {
      const c = client;
      if (!c) throw new Error('imap: not connected (will retry)');
      if (batch.uidValidity !== uidValidity) {
        all.forEach((w) => w.resolve()); // rebuilt mailbox: those UIDs are gone
        return;
      }
      // imapflow reports a failed MOVE by returning false (or undefined with no mailbox
      // selected) instead of throwing: a move cut off by a dropped connection looked done,
      // and the message stayed in the inbox marked filed (found by the 50 fault rounds).
      // Moving a UID that is already gone is a plain OK, so retrying is harmless.
      stats.moveCommands++;
      const moved: unknown = await c.messageMove(now.join(','), batch.dest, { uid: true });
      if (moved) stats.movedMessages += now.length;
      if (!moved) throw new Error(`imap: moving ${now.length} message(s) to ${batch.dest} failed (will retry)`);
      all.forEach((w) => w.resolve());
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      all.forEach((w) => w.reject(err));
    }
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
      if (!client) throw new Error('imap: not connected (will retry)');
      if (ref.uidValidity !== uidValidity) return; // the mailbox was rebuilt: that UID is gone
      const dest = to === 'processed' ? s.processedMailbox : s.failedMailbox;
      const key = `${ref.uidValidity}\u0000${dest}`;
      // Moves wait for their turn on the one connection; every move gathered by then goes in
      // one UID MOVE (RFC 6851) with a UID set. One command per message made filing the
      // drain's bottleneck: the workers queued behind single moves while the desk idled.
      return new Promise<void>((resolve, reject) => {
        let batch = moves.get(key);
        if (!batch) {
          batch = { uidValidity: ref.uidValidity, dest, waiters: new Map() };
          moves.set(key, batch);
          void serial(() => runMoves(key));
        }
        const list = batch.waiters.get(ref.uid) ?? [];
        list.push({ resolve, reject });
        batch.waiters.set(ref.uid, list);
      });
    },
    kick() {
      drop('kicked');
    },
    stats() {
      return { ...stats };
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
