// A desk in this process for the signed-mail attacks of issue 9 §1-3 (test/security/):
// a fresh PostgreSQL database, jobs run in order by an in-memory queue (no Redis), notices
// captured instead of sent. One coordinator (Sato), two registered vendors (ACME, the
// genuine one, and "Evil", a registered vendor whose staff is the attacker), an attacker
// key the desk learned earlier, and a product case with ACME notified. Every key is real
// OpenPGP (openpgp.js), and so is every mail the tests build with the helpers below.
import * as openpgp from 'openpgp';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extendKeyring, generateDeskKey, type DeskKey } from '../../src/crypto/openpgp.ts';
import { applyEvent, loadSnapshot, saveSnapshot } from '../../src/desk/coordination.ts';
import { ensureDeskKeys } from '../../src/desk/keys.ts';
import { DeferredError, Desk, type DeskOptions, type Queue } from '../../src/desk/service.ts';
import type { JobData, JobName } from '../../src/jobs/registry.ts';
import type { Transport } from '../../src/outbound/transport.ts';
import { newProductCase, type ProductCase } from '../../src/rules/product.ts';
import { openDb, type Db } from '../../src/store/db.ts';
import { addParty, createCase } from '../../src/store/repo.ts';
import { upsertVendor } from '../../src/store/vendors.ts';
import { createPgDatabase } from './pgdb.ts';

export const DESK = 'desk@madoguchi.test';
export const SATO = 'sato@coord.test';
export const ACME = 'psirt@acme.test';
export const EVIL = 'psirt@evil.test';
export const MALLORY = 'mallory@evil.test';
export const CASE_A = 'VR-2026-0001';
export const CASE_B = 'VR-2026-0002';
const DAY = 86_400_000;

class InlineQueue implements Queue {
  readonly jobs: { name: JobName; data: JobData }[] = [];
  add(name: JobName, data: JobData): Promise<void> {
    this.jobs.push({ name, data });
    return Promise.resolve();
  }
}

export interface Sent {
  to: string[];
  raw: Buffer;
}

export interface AuthorityWorld {
  db: Db;
  /** The test database's URL (DATABASE_URL for the command line). */
  url: string;
  desk: Desk;
  deskKey: openpgp.PublicKey;
  sato: openpgp.PrivateKey;
  acme: openpgp.PrivateKey;
  evil: openpgp.PrivateKey;
  mallory: openpgp.PrivateKey;
  sent: Sent[];
  /** The desk's clock: real time unless a test sets it. */
  now: Date | null;
  /** Stores `raw` and runs every job it causes, in order. Returns the message row id. */
  deliver(raw: Buffer): Promise<number>;
  /** The jobs queued and not run yet. */
  queue: { jobs: { name: JobName; data: JobData }[] };
  /**
   * Runs the queued jobs in order; a deferred one goes to the back (the real queue delays
   * it) and the run ends when only deferred jobs are left. A job that throws: `onError`
   * (absent: the error is thrown).
   */
  drain(onError?: (name: JobName, data: JobData, e: unknown) => Promise<void>): Promise<void>;
  snapshot(caseId: string): Promise<ProductCase>;
  /** Timeline rows of `event` (data.reason, data.detail). */
  timeline(event: string): Promise<{ case_id: string | null; data: { reason?: string; detail?: string } }[]>;
  notices(kind?: string): Promise<{ id: string; kind: string; recipient: string; state: string; raw: Buffer; message_ref: number | null }[]>;
  close(): Promise<void>;
}

const priv = async (k: DeskKey): Promise<openpgp.PrivateKey> => openpgp.readPrivateKey({ armoredKey: k.armoredPrivate });

export async function authorityWorld(extra: Partial<DeskOptions> = {}): Promise<AuthorityWorld> {
  const work = mkdtempSync(join(tmpdir(), 'mdg-authority-'));
  // Keys made a month ago, so tests can sign (and encrypt) "old" mail with them.
  const born = new Date(Date.now() - 30 * DAY);
  const deskK = await generateDeskKey('Desk', DESK, born);
  mkdirSync(join(work, 'keys'));
  writeFileSync(join(work, 'keys', 'desk.sec.asc'), deskK.armoredPrivate, { mode: 0o600 });
  writeFileSync(join(work, 'keys', 'desk.pub.asc'), deskK.armoredPublic);
  const keys = await ensureDeskKeys(join(work, 'keys'), 'Desk', DESK, () => undefined);
  const [satoK, acmeK, evilK, malloryK] = await Promise.all([
    generateDeskKey('Sato', SATO, born),
    generateDeskKey('ACME PSIRT', ACME, born),
    generateDeskKey('Evil PSIRT', EVIL, born),
    generateDeskKey('Mallory', MALLORY, born),
  ]);
  // The coordinator's key and a key the desk learned from Mallory earlier are in its ring.
  const ring = await extendKeyring(keys.ring, [
    { name: 'sato', text: satoK.armoredPublic },
    { name: 'mallory', text: malloryK.armoredPublic },
  ]);
  const pgdb = await createPgDatabase('mdg_auth');
  const db = await openDb({ databaseUrl: pgdb.url });
  const queue = new InlineQueue();
  const sent: Sent[] = [];
  const transport: Transport = {
    send: (raw, env) => {
      sent.push({ to: env.to, raw });
      return Promise.resolve({ ok: true, response: '250 ok' });
    },
    close: () => Promise.resolve(),
  };
  const world = { now: null } as AuthorityWorld;
  const desk = new Desk({
    db,
    queue,
    transport,
    signer: keys.signer,
    ring,
    address: DESK,
    casePrefix: 'VR',
    clock: () => world.now ?? new Date(),
    coordinators: [{ name: 'Sato', email: SATO, fingerprints: [satoK.fingerprint], armoredKeys: [satoK.armoredPublic] }],
    ...extra,
  });
  await upsertVendor(db, { id: 'acme', name: 'ACME', contacts: { to: [ACME] }, keys: [{ fingerprint: acmeK.fingerprint, armored: acmeK.armoredPublic }], products: [{ name: 'Acme Router', keywords: [] }] }, 'test');
  await upsertVendor(db, { id: 'evil', name: 'Evil', contacts: { to: [EVIL] }, keys: [{ fingerprint: evilK.fingerprint, armored: evilK.armoredPublic }], products: [{ name: 'Evil Box', keywords: [] }] }, 'test');
  // Two product cases, ACME notified on both.
  for (const id of [CASE_A, CASE_B]) {
    await createCase(db, { id, kind: 'product', state: 'accepted', lang: 'ja', report: { kind: 'product', product: { name: 'Acme Router', version: '1.0' }, vulnerability: { summary: 'XSS' }, reproduction: 'secret steps', missing: [] }, reporterEmail: 'taro@reporter.test', reporterFpr: null, openedFrom: null });
    await addParty(db, { caseId: id, role: 'reporter', email: 'taro@reporter.test', name: '山田 太郎', keyFpr: null, data: {} });
    await saveSnapshot(db, newProductCase({ id, reporter: { name: '山田 太郎', consent: { shareIdentity: false, directContact: false, credit: false, creditName: null } } }));
    await applyEvent(db, id, { type: 'add-vendor', vendor: { id: 'acme', name: 'ACME', product: 'Acme Router' } }, new Date(), 'test');
  }
  const [deskKey, sato, acme, evil, mallory] = await Promise.all([
    openpgp.readKey({ armoredKey: keys.signer.armoredPublic }),
    priv(satoK),
    priv(acmeK),
    priv(evilK),
    priv(malloryK),
  ]);
  let n = 0;
  Object.assign(world, {
    db,
    url: pgdb.url,
    desk,
    deskKey,
    sato,
    acme,
    evil,
    mallory,
    sent,
    async deliver(raw: Buffer): Promise<number> {
      const id = await desk.accept(raw, 'maildir', `m${String(++n)}`);
      await world.drain();
      return id;
    },
    queue,
    async drain(onError?: (name: JobName, data: JobData, e: unknown) => Promise<void>): Promise<void> {
      // A deferred job (a notice waiting for another, migration 024) goes to the back of the
      // queue, as the real queue delays it; jobs that only defer again end the run.
      let deferredInARow = 0;
      while (queue.jobs.length > 0 && deferredInARow <= queue.jobs.length) {
        const j = queue.jobs.shift()!;
        try {
          await desk.handle(j.name, j.data);
          deferredInARow = 0;
        } catch (e) {
          if (e instanceof DeferredError) {
            queue.jobs.push(j);
            deferredInARow++;
            continue;
          }
          deferredInARow = 0;
          if (!onError) throw e;
          await onError(j.name, j.data, e);
        }
      }
    },
    async snapshot(caseId: string): Promise<ProductCase> {
      const s = await loadSnapshot(db, caseId);
      if (!s) throw new Error(`no snapshot for ${caseId}`);
      return s;
    },
    timeline: (event: string) => db.query(`SELECT case_id, data FROM timeline WHERE event = $1 ORDER BY id`, [event]),
    notices: (kind?: string) =>
      kind
        ? db.query(`SELECT id, kind, recipient, state, raw, message_ref FROM notices WHERE kind = $1 ORDER BY id`, [kind])
        : db.query(`SELECT id, kind, recipient, state, raw, message_ref FROM notices ORDER BY id`),
    async close(): Promise<void> {
      await db.close();
      await pgdb.drop();
      rmSync(work, { recursive: true, force: true });
    },
  });
  return world;
}

// ---- building mail ----------------------------------------------------------------------

const CRLF = (s: string): string => s.replace(/\r?\n/g, '\r\n');
let seq = 0;
const boundary = (): string => `=-mdg-${String(++seq)}-${Math.random().toString(36).slice(2, 8)}`;

/** A MIME entity: text/plain UTF-8. */
export const textPart = (body: string, extra = ''): string => CRLF(`Content-Type: text/plain; charset=UTF-8${extra}\n\n${body}`);

/** multipart/mixed of entities. */
export function mixed(...parts: string[]): string {
  const b = boundary();
  return CRLF(`Content-Type: multipart/mixed; boundary="${b}"\n\n`) + parts.map((p) => `--${b}\r\n${p}\r\n`).join('') + `--${b}--\r\n`;
}

/** openpgp's overloads reach the linter untyped: check the armored result is text. */
function armoredText(x: unknown): string {
  if (typeof x !== 'string') throw new Error('openpgp returned no armored text');
  return x;
}

/** RFC 3156 §5 multipart/signed over `entity` by `key` at `date`. */
export async function signedPart(entity: string, key: openpgp.PrivateKey, date = new Date()): Promise<string> {
  const data = CRLF(entity);
  const sig = armoredText(await openpgp.sign({ message: await openpgp.createMessage({ text: data, format: 'binary' }), signingKeys: key, detached: true, date, format: 'armored' }));
  const b = boundary();
  return CRLF(
    `Content-Type: multipart/signed; micalg=pgp-sha512; protocol="application/pgp-signature"; boundary="${b}"\n\n` +
      `--${b}\n`,
  ) + `${data}\r\n` + CRLF(`--${b}\nContent-Type: application/pgp-signature; name="signature.asc"\n\n${sig.trim()}\n--${b}--\n`);
}

/** A detached signature of `bytes` (Enigmail's `X.sig` attachment). */
export async function detachedSignature(bytes: string, key: openpgp.PrivateKey, date = new Date()): Promise<string> {
  return armoredText(await openpgp.sign({ message: await openpgp.createMessage({ binary: Buffer.from(bytes, 'utf8') }), signingKeys: key, detached: true, date, format: 'armored' }));
}

/** A clearsigned text (RFC 4880 §7). */
export async function clearsigned(text: string, key: openpgp.PrivateKey, date = new Date()): Promise<string> {
  return armoredText(await openpgp.sign({ message: await openpgp.createCleartextMessage({ text }), signingKeys: key, date, format: 'armored' }));
}

/** `entity` encrypted to the desk, signed by `signer` inside the encryption when given (PGP/MIME combined). */
export async function encryptEntity(w: Pick<AuthorityWorld, 'deskKey'>, entity: string, signer?: openpgp.PrivateKey, date = new Date()): Promise<string> {
  const armored: unknown = await openpgp.encrypt({
    message: await openpgp.createMessage({ binary: Buffer.from(CRLF(entity), 'utf8'), date }),
    encryptionKeys: w.deskKey,
    ...(signer ? { signingKeys: signer } : {}),
    date,
    format: 'armored',
  });
  return armoredText(armored);
}

/** A whole mail: headers, then an RFC 3156 multipart/encrypted body around `armored`. */
export function pgpMimeMail(h: { from: string; subject: string; messageId: string; extraHeaders?: string[] }, armored: string): Buffer {
  const b = boundary();
  return Buffer.from(
    [
      `From: <${h.from}>`,
      `To: ${DESK}`,
      `Subject: ${h.subject}`,
      `Message-ID: ${h.messageId}`,
      `Date: ${new Date().toUTCString()}`,
      ...(h.extraHeaders ?? []),
      'MIME-Version: 1.0',
      `Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="${b}"`,
      '',
      `--${b}`,
      'Content-Type: application/pgp-encrypted',
      '',
      'Version: 1',
      '',
      `--${b}`,
      'Content-Type: application/octet-stream',
      '',
      armored.trimEnd(),
      `--${b}--`,
      '',
    ].join('\r\n'),
  );
}

/** A clear mail whose body is `entity` (its own Content-Type header first). */
export function clearMail(h: { from: string; subject: string; messageId: string }, entity: string): Buffer {
  return Buffer.from(CRLF(`From: <${h.from}>\nTo: ${DESK}\nSubject: ${h.subject}\nMessage-ID: ${h.messageId}\nDate: ${new Date().toUTCString()}\nMIME-Version: 1.0\n`) + CRLF(entity));
}

/** The §4 reply form. */
export const replyForm = (caseId: string, status: string, extra: string[] = []): string => [`Case ID: ${caseId}`, `Status: ${status}`, ...extra].join('\n') + '\n';

/** What the vendor `id` has on record in a case. */
export async function vendorOn(w: AuthorityWorld, caseId: string, id: string): Promise<{ coordination: string; status: string | null } | undefined> {
  return (await w.snapshot(caseId)).vendors.find((v) => v.id === id);
}
