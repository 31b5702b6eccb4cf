// The real desk (src/desk/service.ts) on a fresh PostgreSQL database, with its jobs run in
// this process one after the other (no Redis) and its outgoing mail captured, plus the
// reporters' side made with openpgp.js. For security regressions that feed the desk
// hostile mail and look at what it stored and sent.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { loadKeyring } from '../../src/crypto/openpgp.ts';
import { ensureDeskKeys } from '../../src/desk/keys.ts';
import type { AnswerLimits } from '../../src/desk/answers.ts';
import { Desk, type DeskOptions } from '../../src/desk/service.ts';
import { inspectMessage, type Inbound } from '../../src/inbound/pipeline.ts';
import type { JobData, JobName } from '../../src/jobs/registry.ts';
import type { Transport } from '../../src/outbound/transport.ts';
import { openDb, type Db } from '../../src/store/db.ts';
import { freshDatabase } from './desk.ts';

export const DESK = 'desk@madoguchi.test';

export interface Party {
  name: string;
  email: string;
  armoredPrivate: string;
  armoredPublic: string;
  fingerprint: string;
}

/** A person with an OpenPGP key (ECC curve25519Legacy: what GnuPG 2.2 reads too). */
export async function party(name: string, email: string): Promise<Party> {
  const k = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name, email }], format: 'armored' });
  const pub = await openpgp.readKey({ armoredKey: k.publicKey });
  return { name, email, armoredPrivate: k.privateKey, armoredPublic: k.publicKey, fingerprint: pub.getFingerprint().toUpperCase() };
}

export interface SentMail {
  id: string;
  to: string[];
  raw: Buffer;
}

export interface TestDesk {
  desk: Desk;
  db: Db;
  url: string;
  deskPublic: string;
  sent: SentMail[];
  /** Stores the mail and runs every job it causes to the end; returns the message's row id. */
  deliver(raw: Buffer, source?: string): Promise<number>;
  /** Opens a notice as `who` would (their secret key, the desk's public key). */
  read(raw: Buffer, who: Party): Promise<Inbound>;
  close(): Promise<void>;
}

export async function startDesk(o: { answerLimits?: AnswerLimits; coordinators?: Party[]; clock?: () => Date } = {}): Promise<TestDesk> {
  const work = mkdtempSync(join(tmpdir(), 'mdg-sec-'));
  const keys = await ensureDeskKeys(join(work, 'keys'), 'Desk', DESK, () => undefined);
  const pg = await freshDatabase();
  const db = await openDb({ databaseUrl: pg.url });
  const jobs: { name: JobName; data: JobData; id: string }[] = [];
  const seen = new Set<string>();
  const sent: SentMail[] = [];
  const transport: Transport = {
    send(raw, envelope, messageId) {
      sent.push({ id: messageId, to: envelope.to, raw });
      return Promise.resolve({ ok: true, response: '250 ok' });
    },
    close: () => Promise.resolve(),
  };
  const opts: DeskOptions = {
    db,
    queue: {
      add(name, data, jobId) {
        // Like BullMQ: a job id already given is not added again.
        if (!seen.has(jobId)) jobs.push({ name, data, id: jobId });
        seen.add(jobId);
        return Promise.resolve();
      },
    },
    transport,
    signer: keys.signer,
    ring: keys.ring,
    address: DESK,
    casePrefix: 'VR',
    ...(o.clock ? { clock: o.clock } : {}),
    ...(o.answerLimits ? { answerLimits: o.answerLimits } : {}),
    coordinators: (o.coordinators ?? []).map((c) => ({ name: c.name, email: c.email, fingerprints: [c.fingerprint], armoredKeys: [c.armoredPublic] })),
  };
  const desk = new Desk(opts);
  const deskPublic = keys.signer.armoredPublic;
  return {
    desk,
    db,
    url: pg.url,
    deskPublic,
    sent,
    async deliver(raw, source = 'maildir') {
      const id = await desk.accept(raw, source, null);
      while (jobs.length > 0) {
        const j = jobs.shift()!;
        try {
          await desk.handle(j.name, j.data);
        } catch (e) {
          // One attempt only: a failure is final here, as after the queue's last retry.
          await desk.onFinalFailure(j.name, j.data, e instanceof Error ? e.message : String(e));
        }
      }
      return id;
    },
    async read(raw, who) {
      const ring = await loadKeyring(
        [
          { name: 'who.sec.asc', text: who.armoredPrivate },
          { name: 'desk.asc', text: deskPublic },
        ],
        undefined,
        (m) => {
          throw new Error(m);
        },
      );
      return inspectMessage(raw, { ring });
    },
    async close() {
      await db.close();
      await pg.drop();
      rmSync(work, { recursive: true, force: true });
    },
  };
}

const CRLF = (s: string): string => s.replace(/\r?\n/g, '\r\n');

function autocrypt(p: Party): string {
  const body = p.armoredPublic.split(/\r?\n\r?\n/)[1]!.split(/\n=/)[0]!.replace(/\s+/g, '');
  return `Autocrypt: addr=${p.email}; keydata=${body.replace(/(.{72})/g, '$1\r\n ')}`;
}

export interface MailOptions {
  from: Party | { name: string; email: string };
  subject?: string;
  body: string;
  /** null: no Message-ID header at all. */
  messageId?: string | null;
  /** null: no Date header at all. */
  date?: Date | null;
  /** Extra header lines (In-Reply-To, Auto-Submitted, List-Id…), placed before MIME-Version. */
  headers?: string[];
}

function head(o: MailOptions, extra: string[]): string[] {
  return [
    `From: ${o.from.name} <${o.from.email}>`,
    `To: ${DESK}`,
    `Subject: ${o.subject ?? 'report'}`,
    ...(o.messageId === null ? [] : [`Message-ID: ${o.messageId ?? `<${Math.random().toString(36).slice(2)}@${o.from.email.split('@')[1]!}>`}`]),
    ...(o.date === null ? [] : [`Date: ${(o.date ?? new Date()).toUTCString()}`]),
    ...(o.headers ?? []),
    ...extra,
    'MIME-Version: 1.0',
  ];
}

/**
 * PGP/MIME (RFC 3156) mail to the desk, encrypted and (by default) signed by the sender,
 * with the sender's key in an Autocrypt header: what a mail client makes.
 */
export async function encryptedMail(o: MailOptions & { deskPublic: string; sign?: boolean }): Promise<Buffer> {
  const from = o.from as Party;
  const sign = o.sign !== false && 'armoredPrivate' in from;
  const inner = CRLF(`Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n\n${o.body}`);
  const message = await openpgp.createMessage({ binary: Buffer.from(inner, 'utf8') });
  const encryptionKeys = await openpgp.readKey({ armoredKey: o.deskPublic });
  // openpgp's overloads do not resolve on a conditional option: typed as unknown, as in src/crypto/openpgp.ts.
  const encrypted: unknown = await openpgp.encrypt({
    message,
    encryptionKeys,
    ...(sign ? { signingKeys: await openpgp.readPrivateKey({ armoredKey: from.armoredPrivate }) } : {}),
    format: 'armored',
  });
  const armored = encrypted as string;
  const lines = head(o, [...('armoredPublic' in from ? [autocrypt(from)] : []), 'Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="=-b"']);
  return Buffer.from(
    CRLF(`${lines.join('\n')}\n\n--=-b\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n\n--=-b\nContent-Type: application/octet-stream; name="encrypted.asc"\n\n${armored.trimEnd()}\n--=-b--\n`),
    'utf8',
  );
}

/** Plain, unencrypted text mail. */
export function clearMail(o: MailOptions): Buffer {
  const lines = head(o, ['Content-Type: text/plain; charset=UTF-8', 'Content-Transfer-Encoding: 8bit']);
  return Buffer.from(CRLF(`${lines.join('\n')}\n\n${o.body}`), 'utf8');
}

/** Cleartext-signed (RFC 9580 §7), unencrypted mail. */
export async function clearsignedMail(o: MailOptions & { from: Party }): Promise<Buffer> {
  const signed = await openpgp.sign({
    message: await openpgp.createCleartextMessage({ text: o.body }),
    signingKeys: await openpgp.readPrivateKey({ armoredKey: o.from.armoredPrivate }),
  });
  const lines = head(o, ['Content-Type: text/plain; charset=UTF-8', 'Content-Transfer-Encoding: 8bit']);
  return Buffer.from(CRLF(`${lines.join('\n')}\n\n${signed}`), 'utf8');
}

/** The value of header `name` in the outer header block of `raw`. */
export function outerHeader(raw: Buffer, name: string): string | undefined {
  const headText = raw.toString('latin1').split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
  const re = new RegExp(`^${name}:[ \\t]*(.*)$`, 'im');
  return re.exec(headText)?.[1]?.trim();
}
