// A desk in this process for the planted-key attacks (issue 9 §4): PostgreSQL, a BullMQ
// queue on Redis, a Maildir outbox, one coordinator with a key (so alerts are really
// composed), and a gpg home for the parties' keys. The tests write mail with gpg as the
// attacker's and the victims' clients would, then read what the desk stored and sent.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openQueue, type JobQueue } from '../../src/adapters/bullmq.ts';
import { extendKeyring, generateDeskKey, type DeskKey } from '../../src/crypto/openpgp.ts';
import { ensureDeskKeys } from '../../src/desk/keys.ts';
import { Desk } from '../../src/desk/service.ts';
import { MaildirOutbox } from '../../src/outbound/maildir.ts';
import { openDb, type Db } from '../../src/store/db.ts';
import { listKeyHolds, type KeyHold } from '../../src/store/key-holds.ts';
import { findKeysByEmail } from '../../src/store/repo.ts';
import { encryptedTo, keyIdsOf, readNotice, recipientHome } from './coordination.ts';
import { freshDatabase, query } from './desk.ts';
import { Gpg } from './gpg.ts';

export const DESK = 'desk@madoguchi.test';
export const COORD = 'sato@coord.madoguchi.test';

export interface StoredNotice {
  id: string;
  kind: string;
  recipient: string;
  state: string;
  raw: Buffer;
}

export interface KeyDesk {
  db: Db;
  /** The parties' gpg home: holds the desk's public key; tests add their keys. */
  gpg: Gpg;
  deskPublic: string;
  coordinator: DeskKey;
  /** Stores the raw message, waits until the desk is done with it; returns its id. */
  send(raw: Buffer): Promise<number>;
  notices(where?: { recipient?: string; messageId?: number }): Promise<StoredNotice[]>;
  keysFor(email: string): Promise<{ fingerprint: string; emails: string[]; armored: string }[]>;
  holds(): Promise<KeyHold[]>;
  /** Long key ids a notice is encrypted to ([] for a clear-signed one). */
  encryptedTo(raw: Buffer): string[];
  /** Long key ids (primary and subkeys) of `who`'s key in the parties' home. */
  keyIds(who: string): string[];
  /** A coordinator alert as the coordinator reads it (decrypted with the coordinator's own key). */
  readAsCoordinator(raw: Buffer): Promise<{ decryptedOk: boolean; text: string }>;
  close(): Promise<void>;
}

export async function startKeyDesk(label: string): Promise<KeyDesk> {
  const work = mkdtempSync(join(tmpdir(), `mdg-${label}-`));
  const keys = await ensureDeskKeys(join(work, 'keys'), 'Desk', DESK, () => undefined);
  const coordinator = await generateDeskKey('Sato', COORD);
  const pgdb = await freshDatabase();
  const db = await openDb({ databaseUrl: pgdb.url });
  const queue: JobQueue = await openQueue({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix: `mdg-${label}-${process.pid}`, attempts: 2, backoffMs: 100 });
  const desk = new Desk({
    db,
    queue,
    transport: new MaildirOutbox(join(work, 'out')),
    signer: keys.signer,
    // The coordinators' keys are in the desk's keyring (as src/desk/run.ts loads them from the configuration).
    ring: await extendKeyring(keys.ring, [{ name: 'coordinator', text: coordinator.armoredPublic }]),
    address: DESK,
    casePrefix: 'VR',
    coordinators: [{ name: 'sato', email: COORD, fingerprints: [coordinator.fingerprint], armoredKeys: [coordinator.armoredPublic] }],
  });
  const stopWorker = queue.work((n, d) => desk.handle(n, d), 2);
  const deskPublic = readFileSync(join(work, 'keys', 'desk.pub.asc'), 'utf8');
  const gpg = new Gpg();
  gpg.importText(deskPublic);
  const coordHome = recipientHome(coordinator.armoredPrivate, deskPublic);

  const waitDone = async (id: number): Promise<void> => {
    for (let i = 0; i < 400; i++) {
      const [r] = await query<{ state: string; error: string | null }>(pgdb.url, 'SELECT state, error FROM messages WHERE id = $1', [id]);
      if (r?.state === 'done') return;
      if (r?.state === 'failed') throw new Error(`message ${id} failed: ${r.error ?? ''}`);
      await new Promise((res) => setTimeout(res, 50));
    }
    throw new Error(`message ${id} never reached done`);
  };

  return {
    db,
    gpg,
    deskPublic,
    coordinator,
    async send(raw) {
      const id = await desk.accept(raw, 'maildir', null);
      await waitDone(id);
      return id;
    },
    async notices(where = {}) {
      const rows = await query<StoredNotice>(
        pgdb.url,
        `SELECT id, kind, recipient, state, raw FROM notices
          WHERE ($1::text IS NULL OR recipient = $1) AND ($2::bigint IS NULL OR message_ref = $2) ORDER BY created_at, id`,
        [where.recipient ?? null, where.messageId ?? null],
      );
      return rows.map((r) => ({ ...r, raw: Buffer.from(r.raw) }));
    },
    async keysFor(email) {
      return (await findKeysByEmail(db, email)).map((k) => ({ fingerprint: k.fingerprint, emails: k.emails, armored: k.armored }));
    },
    holds: () => listKeyHolds(db),
    encryptedTo: (raw) => encryptedTo(gpg, raw),
    keyIds: (who) => keyIdsOf(gpg, who),
    async readAsCoordinator(raw) {
      const r = await readNotice(coordHome, raw);
      return { decryptedOk: r.decryptedOk, text: r.text };
    },
    async close() {
      await stopWorker();
      await queue.close();
      await db.close();
      await pgdb.drop();
      gpg.close();
      coordHome.close();
      rmSync(work, { recursive: true, force: true });
    },
  };
}

/** A fresh ed25519/cv25519 key in `gpg` with every `uids` entry ("Name <addr>") self-certified; returns its fingerprint. */
export function keyWithUids(gpg: Gpg, uids: string[]): string {
  const [first, ...rest] = uids;
  // The fingerprint from gpg's KEY_CREATED status line: a uid search could find an older key with the same address.
  const made = gpg.status(['--yes', '--pinentry-mode', 'loopback', '--passphrase', '', '--quick-gen-key', first!, 'ed25519', 'sign', 'never']);
  const fpr = made.status.map((l) => /^KEY_CREATED [BP] ([0-9A-F]{40})/.exec(l)?.[1]).find((f) => f !== undefined);
  if (!fpr) throw new Error(`gpg made no key for ${first!}`);
  gpg.run(['--quick-add-key', fpr, 'cv25519', 'encr', 'never']);
  for (const u of rest) gpg.run(['--quick-add-uid', fpr, u]);
  return fpr;
}

/** The key's transferable public key, base64 (Autocrypt keydata, RFC-free: Autocrypt 1.1 §2.1). */
export const keydata = (gpg: Gpg, fpr: string): string => gpg.run(['--export', fpr]).toString('base64');

/**
 * PGP/MIME mail as a client makes it: a text/plain body (and, when `attachKey`, the key as
 * an application/pgp-keys part beside it) encrypted to the desk, signed by `signAs` unless
 * it is null, sent with From `from`, optionally with an Autocrypt header.
 */
export function clientMail(
  gpg: Gpg,
  o: { from: string; signAs: string | null; subject: string; messageId: string; body: string; autocrypt?: { addr: string; fpr: string }; attachKey?: string },
): Buffer {
  const CRLF = (s: string): string => s.replace(/\r?\n/g, '\r\n');
  const text = `Content-Type: text/plain; charset=UTF-8\n\n${o.body}`;
  const inner = o.attachKey
    ? `Content-Type: multipart/mixed; boundary="=-inner"\n\n--=-inner\n${text}\n--=-inner\nContent-Type: application/pgp-keys; name="key.asc"\nContent-Disposition: attachment; filename="key.asc"\n\n${gpg.run(['--armor', '--export', o.attachKey]).toString()}\n--=-inner--\n`
    : text;
  const armored = gpg.run(['--armor', ...(o.signAs ? ['-es', '-u', o.signAs] : ['-e']), '-r', DESK], CRLF(inner)).toString();
  const headers = [
    `From: <${o.from}>`,
    `To: ${DESK}`,
    `Subject: ${o.subject}`,
    `Message-ID: ${o.messageId}`,
    `Date: ${new Date().toUTCString()}`,
    ...(o.autocrypt ? [`Autocrypt: addr=${o.autocrypt.addr}; keydata=${keydata(gpg, o.autocrypt.fpr).replace(/(.{72})/g, '$1\n ')}`] : []),
    'MIME-Version: 1.0',
    'Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="=-mdg-b"',
  ];
  return Buffer.from(
    CRLF(`${headers.join('\n')}\n\n--=-mdg-b\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n\n--=-mdg-b\nContent-Type: application/octet-stream; name="encrypted.asc"\n\n${armored.trimEnd()}\n--=-mdg-b--\n`),
  );
}
