// A desk in this process for the reporter-identity attacks (test/security/reporter-*.test.ts,
// issue 9 §5): PostgreSQL, the real job handlers run from an in-memory queue (drained by the
// test, so "exactly once" is countable), a transport that records every message sent, and
// real OpenPGP on the other side: the reporter's report and the coordinator's commands are
// made with gpg, and every notice is read with gpg in its recipient's own home.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extendKeyring, type SigningKey } from '../../src/crypto/openpgp.ts';
import { ensureDeskKeys } from '../../src/desk/keys.ts';
import { Desk } from '../../src/desk/service.ts';
import type { JobData, JobName } from '../../src/jobs/registry.ts';
import type { Envelope, SendResult, Transport } from '../../src/outbound/transport.ts';
import { openDb, type Db } from '../../src/store/db.ts';
import { upsertVendor } from '../../src/store/vendors.ts';
import { exportSecretKey, fingerprintOf, readNotice, recipientHome, signedEncryptedMail } from './coordination.ts';
import { freshDatabase } from './desk.ts';
import { Gpg, makeKeyPair, makeReport } from './gpg.ts';
import { FIXTURES } from './paths.ts';

export const DESK = 'desk@madoguchi.test';
export const REPORTER = 'taro@reporter.test';
export const ACME = 'psirt@acme.test';
export const SATO = 'sato@coord.test';
/** The second vendor, registered only with `identityDesk({ beta: true })`. */
export const BETA = 'psirt@beta.test';

export interface SentMail {
  raw: Buffer;
  to: string[];
  messageId: string;
}

export interface IdentityDesk {
  db: Db;
  dbUrl: string;
  desk: Desk;
  /** The desk's signing key (what the CLI reads from the key directory). */
  signer: SigningKey;
  sent: SentMail[];
  /** Where the desk writes the public unreachable list. */
  publicDir: string;
  /** Runs queued jobs until none is left. */
  drain(): Promise<void>;
  /** A report from the reporter (signed and encrypted with gpg), processed to the end. */
  report(body: string, messageId: string): Promise<string>;
  /** A coordinator command mail (signed by the pinned coordinator key, encrypted), processed. */
  command(body: string, messageId: string): Promise<void>;
  /** A vendor's mail (signed by its pinned key, encrypted, from its registered contact), processed. */
  vendorMail(from: string, subject: string, body: string, messageId: string): Promise<void>;
  /** What `addr` can read of the mails sent to it since `from` (an index into `sent`). */
  readAll(addr: string, from?: number): Promise<{ messageId: string; text: string }[]>;
  close(): Promise<void>;
}

/** A fresh desk with vendor `acme` (key pinned, product registered) and coordinator Sato. */
export async function identityDesk(opts: { beta?: boolean } = {}): Promise<IdentityDesk> {
  const work = mkdtempSync(join(tmpdir(), 'mdg-ident-'));
  const world = new Gpg();
  const pg = await freshDatabase();
  const db = await openDb({ databaseUrl: pg.url });
  const keys = await ensureDeskKeys(join(work, 'keys'), 'Desk', DESK, () => undefined);
  const deskPub = readFileSync(join(work, 'keys', 'desk.pub.asc'), 'utf8');
  world.importText(deskPub);
  world.importFile(join(FIXTURES, 'keys', 'reporter.sec.asc'));
  const acmeKey = makeKeyPair(world, 'ACME PSIRT', ACME);
  const satoKey = makeKeyPair(world, 'Sato', SATO);
  const homes = new Map<string, Gpg>([
    [REPORTER, recipientHome(readFileSync(join(FIXTURES, 'keys', 'reporter.sec.asc')), deskPub)],
    [ACME, recipientHome(exportSecretKey(world, ACME), deskPub)],
    [SATO, recipientHome(exportSecretKey(world, SATO), deskPub)],
  ]);
  if (opts.beta === true) {
    const betaKey = makeKeyPair(world, 'Beta PSIRT', BETA);
    homes.set(BETA, recipientHome(exportSecretKey(world, BETA), deskPub));
    await upsertVendor(db, { id: 'beta', name: 'Beta Soft', contacts: { to: [BETA] }, keys: [{ fingerprint: fingerprintOf(world, BETA), armored: betaKey }], products: [{ name: 'Beta Mail Gateway', keywords: [] }] }, 'test');
  }
  await upsertVendor(
    db,
    { id: 'acme', name: 'ACME Corporation', contacts: { to: [ACME] }, keys: [{ fingerprint: fingerprintOf(world, ACME), armored: acmeKey }], products: [{ name: 'Madoguchi Mail Server', keywords: [] }] },
    'test',
  );
  const sent: SentMail[] = [];
  const transport: Transport = {
    send: (raw: Buffer, envelope: Envelope, messageId: string): Promise<SendResult> => {
      sent.push({ raw, to: envelope.to, messageId });
      return Promise.resolve({ ok: true, response: '250 ok' });
    },
    close: () => Promise.resolve(),
  };
  const jobs: { name: JobName; data: JobData }[] = [];
  const seen = new Set<string>();
  const queue = {
    add: (name: JobName, data: JobData, jobId: string): Promise<void> => {
      // BullMQ keeps one job per id: the same here, so a job added twice runs once.
      if (!seen.has(jobId)) {
        seen.add(jobId);
        jobs.push({ name, data });
      }
      return Promise.resolve();
    },
  };
  const desk = new Desk({
    db,
    queue,
    transport,
    signer: keys.signer,
    // The coordinator's key is in the desk's key directory (its fingerprint pinned below).
    ring: await extendKeyring(keys.ring, [{ name: 'sato', text: satoKey }]),
    address: DESK,
    casePrefix: 'VR',
    publicDir: join(work, 'public'),
    coordinators: [{ name: 'Sato', email: SATO, fingerprints: [fingerprintOf(world, SATO)], armoredKeys: [satoKey] }],
  });
  const drain = async (): Promise<void> => {
    for (let job = jobs.shift(); job; job = jobs.shift()) await desk.handle(job.name, job.data);
  };
  let n = 0;
  return {
    db,
    dbUrl: pg.url,
    desk,
    signer: keys.signer,
    sent,
    publicDir: join(work, 'public'),
    drain,
    async report(body, messageId) {
      await desk.accept(makeReport(world, { from: REPORTER, fromName: 'Taro', to: DESK, body, messageId }), 'maildir', null);
      await drain();
      const [c] = await db.query<{ id: string }>('SELECT id FROM cases ORDER BY created_at DESC LIMIT 1');
      if (!c) throw new Error('no case was opened');
      return c.id;
    },
    async command(body, messageId) {
      const { raw } = signedEncryptedMail(world, { from: SATO, signAs: SATO, to: DESK, subject: `command ${++n}`, messageId, body });
      await desk.accept(raw, 'maildir', null);
      await drain();
    },
    async vendorMail(from, subject, body, messageId) {
      const { raw } = signedEncryptedMail(world, { from, signAs: from, to: DESK, subject, messageId, body });
      await desk.accept(raw, 'maildir', null);
      await drain();
    },
    async readAll(addr, from = 0) {
      const home = homes.get(addr);
      if (!home) throw new Error(`no home for ${addr}`);
      const out: { messageId: string; text: string }[] = [];
      for (const m of sent.slice(from)) {
        if (!m.to.includes(addr)) continue;
        const r = await readNotice(home, m.raw);
        if (!r.decryptedOk) throw new Error(`${addr} cannot read ${m.messageId}`);
        out.push({ messageId: m.messageId, text: r.text });
      }
      return out;
    },
    async close() {
      await db.close();
      await pg.drop();
      world.close();
      for (const h of homes.values()) h.close();
      rmSync(work, { recursive: true, force: true });
    },
  };
}

/** A product report in the §2 form (English labels), without consent unless told. */
export function productReport(o: { summary: string; reproduction?: string; impact?: string; shareIdentity?: boolean; credit?: boolean; tail?: string }): string {
  return [
    'Report type: product',
    '1. Reporter name: Taro Yamada',
    '2. Organization: Example Research Lab',
    `3. Contact email: ${REPORTER}`,
    '4. Phone: +81-3-1234-5678',
    '5. Product name: Madoguchi Mail Server',
    '6. Product version: 2.3.1',
    '7. Vendor: ACME Corporation',
    '8. Vulnerability type: CWE-89',
    `9. Summary: ${o.summary}`,
    '10. Steps to reproduce:',
    o.reproduction ?? "Send the parameter q=' OR '1'='1 to /api/search.",
    `11. Impact: ${o.impact ?? 'Disclosure of all customer records.'}`,
    `12. Share my identity with the vendor: ${o.shareIdentity === true ? 'yes' : 'no'}`,
    '13. Direct contact with the vendor: no',
    `14. Credit me in the advisory: ${o.credit === true ? 'yes (Taro Yamada)' : 'no'}`,
    ...(o.tail !== undefined ? [o.tail] : []),
    '',
  ].join('\n');
}
