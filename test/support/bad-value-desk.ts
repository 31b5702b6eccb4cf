// The real desk in this process for the bad-value attacks (issue 9 §6): PostgreSQL, Redis
// and BullMQ as in production, worked by the same worker `madoguchi start` runs
// (src/desk/run.ts workDesk: final failures go to Desk.onFinalFailure), with a reporter,
// a vendor and a coordinator who each hold their own gpg home. Notices land in a Maildir
// outbox; the filer records where an IMAP message would have been moved.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openQueue, type JobQueue } from '../../src/adapters/bullmq.ts';
import { ensureDeskKeys } from '../../src/desk/keys.ts';
import { workDesk } from '../../src/desk/run.ts';
import { Desk, type Filer } from '../../src/desk/service.ts';
import { textLog } from '../../src/log.ts';
import { MaildirOutbox } from '../../src/outbound/maildir.ts';
import type { Transport } from '../../src/outbound/transport.ts';
import { openDb, type Db } from '../../src/store/db.ts';
import { upsertVendor } from '../../src/store/vendors.ts';
import { freshDatabase, query } from './desk.ts';
import { readNotice } from './coordination.ts';
import { Gpg, makeKeyPair } from './gpg.ts';
import { FIXTURES } from './paths.ts';

export const DESK = 'desk@madoguchi.test';
export const TARO = 'taro@reporter.test';
export const VENDOR = 'security@vendor.test';
export const COORD = 'coord@madoguchi.test';

export interface NoticeRow {
  id: string;
  kind: string;
  recipient: string;
  state: string;
  raw: Buffer;
  message_ref: string | null;
}

export interface BadValueDesk {
  db: Db;
  desk: Desk;
  queue: JobQueue;
  dbUrl: string;
  /** The reporter's gpg home (Taro's secret key, the desk's public key). */
  reporter: Gpg;
  /** The vendor's gpg home (its secret key, the desk's public key). */
  vendor: Gpg;
  /** The coordinator's gpg home (its secret key). */
  coordinator: Gpg;
  /** Where each source message was filed: [sourceRef, outcome]. */
  filed: [string | null, 'processed' | 'failed'][];
  logs: string[];
  /** Waits until message `id` is in `state` and every notice it caused is final. */
  settle(id: number, state: 'done' | 'failed', timeoutMs?: number): Promise<void>;
  message(id: number): Promise<{ state: string; error: string | null; verdict: Record<string, unknown> | null }>;
  /** Notices caused by message `id` (its answer) or, with `null`, those of no message (alerts). */
  notices(id: number | null): Promise<NoticeRow[]>;
  /** An encrypted notice as its recipient reads it (decrypted with its gpg home, every part decoded). */
  read(home: Gpg, raw: Buffer): Promise<string>;
  timeline(event: string): Promise<{ data: Record<string, unknown> }[]>;
  stop(): Promise<void>;
}

/**
 * `refuse`: recipients whose server answers every delivery with a temporary failure (SMTP
 * 4xx), so their notices fail every attempt.
 */
export async function startBadValueDesk(o: { attempts?: number; name: string; refuse?: (to: string) => boolean }): Promise<BadValueDesk> {
  const work = mkdtempSync(join(tmpdir(), `mdg-${o.name}-`));
  const keys = await ensureDeskKeys(join(work, 'keys'), 'Desk', DESK, () => undefined);
  const deskPub = readFileSync(join(work, 'keys', 'desk.pub.asc'), 'utf8');
  const pgdb = await freshDatabase();
  const db = await openDb({ databaseUrl: pgdb.url });
  const attempts = o.attempts ?? 3;
  const queue = await openQueue({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix: `mdg-${o.name}-${process.pid}`, attempts, backoffMs: 50 });

  const reporter = new Gpg();
  reporter.importText(deskPub);
  reporter.importFile(join(FIXTURES, 'keys', 'reporter.sec.asc'));
  const vendor = new Gpg();
  vendor.importText(deskPub);
  vendor.importFile(join(FIXTURES, 'keys', 'vendor.sec.asc'));
  const coordinator = new Gpg();
  const coordKey = makeKeyPair(coordinator, 'Coordinator', COORD);
  const coordFpr = /fpr:+([0-9A-F]{40})/.exec(coordinator.run(['--with-colons', '--list-keys', COORD]).toString())![1]!;
  const vendorPub = readFileSync(join(FIXTURES, 'keys', 'vendor.pub.asc'), 'utf8');
  const vendorFpr = /fpr:+([0-9A-F]{40})/.exec(vendor.run(['--with-colons', '--list-keys', VENDOR]).toString())![1]!;
  await upsertVendor(db, { id: 'acme', name: 'ACME', contacts: { to: [VENDOR] }, keys: [{ fingerprint: vendorFpr, armored: vendorPub }], products: [{ name: 'Madoguchi Mail Server', keywords: [] }] }, 'test');

  const filed: [string | null, 'processed' | 'failed'][] = [];
  const filer: Filer = {
    file(_source, sourceRef, outcome) {
      filed.push([sourceRef, outcome]);
      return Promise.resolve();
    },
  };
  const desk = new Desk({
    db,
    queue,
    transport: refusing(new MaildirOutbox(join(work, 'out')), o.refuse ?? (() => false)),
    signer: keys.signer,
    ring: keys.ring,
    address: DESK,
    casePrefix: 'VR',
    filer,
    coordinators: [{ name: 'Coordinator', email: COORD, fingerprints: [coordFpr], armoredKeys: [coordKey] }],
  });
  const logs: string[] = [];
  const stopWorker = workDesk(queue, desk, db, { attempts, concurrency: 2 }, textLog((l) => logs.push(l)));

  const message = async (id: number) => {
    const [r] = await query<{ state: string; error: string | null; verdict: Record<string, unknown> | null }>(pgdb.url, 'SELECT state, error, verdict FROM messages WHERE id = $1', [id]);
    if (!r) throw new Error(`no message ${id}`);
    return r;
  };
  const notices = (id: number | null): Promise<NoticeRow[]> =>
    query<NoticeRow>(pgdb.url, id === null ? 'SELECT * FROM notices WHERE message_ref IS NULL ORDER BY id' : 'SELECT * FROM notices WHERE message_ref = $1 ORDER BY id', id === null ? [] : [id]);

  return {
    db,
    desk,
    queue,
    dbUrl: pgdb.url,
    reporter,
    vendor,
    coordinator,
    filed,
    logs,
    message,
    notices,
    async settle(id, state, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const m = await message(id);
        const [p] = await query<{ n: string }>(
          pgdb.url,
          `SELECT count(*) AS n FROM notices WHERE state = 'pending' AND (message_ref = $1 OR message_ref IS NULL)`,
          [id],
        );
        const [f] = await query<{ filed: boolean }>(pgdb.url, 'SELECT filed_at IS NOT NULL AS filed FROM messages WHERE id = $1', [id]);
        if (m.state === state && Number(p?.n ?? 1) === 0 && f?.filed) return;
        if (Date.now() > deadline) throw new Error(`message ${id}: ${m.state} (${m.error ?? ''}), wanted ${state}; log:\n${logs.slice(-20).join('\n')}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async read(home, raw) {
      const r = await readNotice(home, raw);
      if (!r.decryptedOk) throw new Error('notice did not decrypt');
      return r.text;
    },
    timeline: (event) => query<{ data: Record<string, unknown> }>(pgdb.url, 'SELECT data FROM timeline WHERE event = $1 ORDER BY id', [event]),
    async stop() {
      await stopWorker();
      await queue.close();
      await db.close();
      await pgdb.drop();
      for (const g of [reporter, vendor, coordinator]) g.close();
      rmSync(work, { recursive: true, force: true });
    },
  };
}

/** `inner`, except that mail to a refused recipient gets a temporary failure (451). */
function refusing(inner: Transport, refuse: (to: string) => boolean): Transport {
  return {
    send: (raw, envelope, messageId) =>
      envelope.to.some(refuse) ? Promise.resolve({ ok: false, permanent: false, response: '451 4.3.0 try again later' }) : inner.send(raw, envelope, messageId),
    close: () => inner.close(),
  };
}
