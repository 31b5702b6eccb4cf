// Key substitution: once the desk knows a reporter's key, a message "From" that reporter,
// unsigned, carrying another key with the reporter's address (Autocrypt header or attached
// key) must not add that key: the desk's notices would otherwise be encrypted to a key the
// reporter cannot read (or that someone else holds).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openQueue, type JobQueue } from '../../src/adapters/bullmq.ts';
import { checkRecipientKey, encryptTo, generateDeskKey } from '../../src/crypto/openpgp.ts';
import { ensureDeskKeys } from '../../src/desk/keys.ts';
import { Desk } from '../../src/desk/service.ts';
import { MaildirOutbox } from '../../src/outbound/maildir.ts';
import { openDb, type Db } from '../../src/store/db.ts';
import { findKeysByEmail } from '../../src/store/repo.ts';
import { freshDatabase, query } from '../support/desk.ts';
import { Gpg, makeReport } from '../support/gpg.ts';
import { FIXTURES, ROOT } from '../support/paths.ts';

const DESK = 'desk@madoguchi.test';
const TARO = 'taro@reporter.test';
let pgdb: Awaited<ReturnType<typeof freshDatabase>>;
let db: Db;
let queue: JobQueue;
let stopWorker: () => Promise<void>;
let desk: Desk;
let work: string;
const gpg = new Gpg();

const waitState = async (id: number, state: string): Promise<void> => {
  for (let i = 0; i < 200; i++) {
    const [r] = await query<{ state: string }>(pgdb.url, 'SELECT state FROM messages WHERE id = $1', [id]);
    if (r?.state === state) return;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`message ${id} never reached ${state}`);
};

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'mdg-keysub-'));
  const keys = await ensureDeskKeys(join(work, 'keys'), 'Desk', DESK, () => undefined);
  pgdb = await freshDatabase();
  db = await openDb({ databaseUrl: pgdb.url });
  queue = await openQueue({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix: `mdg-keysub-${process.pid}`, attempts: 2, backoffMs: 100 });
  desk = new Desk({ db, queue, transport: new MaildirOutbox(join(work, 'out')), signer: keys.signer, ring: keys.ring, address: DESK, casePrefix: 'VR' });
  stopWorker = queue.work((n, d) => desk.handle(n, d), 2);
  gpg.importFile(join(work, 'keys', 'desk.pub.asc'));
  gpg.importFile(join(FIXTURES, 'keys', 'reporter.sec.asc'));
}, 60_000);

afterAll(async () => {
  await stopWorker?.();
  await queue?.close();
  await db?.close();
  await pgdb?.drop();
  gpg.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('key substitution by an attached key on an unsigned message', () => {
  it('is refused once the reporter has a known key; the known key stays the only one', async () => {
    const body = readFileSync(join(ROOT, 'test', 'fixtures', 'report-en.txt'), 'utf8');
    const first = await desk.accept(makeReport(gpg, { from: TARO, fromName: 'Taro', to: DESK, body, messageId: '<ks-1@reporter.test>' }), 'maildir', null);
    await waitState(first, 'done');
    const known = await findKeysByEmail(db, TARO);
    expect(known).toHaveLength(1);

    // The attacker's key carries Taro's address; the message is encrypted but unsigned.
    const fake = await generateDeskKey('Taro Yamada', TARO);
    const deskKey = await checkRecipientKey(readFileSync(join(work, 'keys', 'desk.pub.asc'), 'utf8'));
    if (!deskKey.ok) throw new Error('desk key unusable');
    const inner = Buffer.from(`Content-Type: text/plain; charset=UTF-8\r\n\r\n${body.replace(/\n/g, '\r\n')}`);
    const armored = await encryptTo(inner, [deskKey.recipient], null);
    const keydata = Buffer.from(fake.armoredPublic.split(/\r?\n\r?\n/)[1]!.split('\n=')[0]!.replace(/\s+/g, ''), 'base64').toString('base64');
    const raw = Buffer.from(
      [
        `From: Taro <${TARO}>`,
        `To: ${DESK}`,
        'Subject: report',
        'Message-ID: <ks-2@evil.test>',
        `Autocrypt: addr=${TARO}; keydata=${keydata}`,
        'MIME-Version: 1.0',
        'Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="b"',
        '',
        '--b',
        'Content-Type: application/pgp-encrypted',
        '',
        'Version: 1',
        '',
        '--b',
        'Content-Type: application/octet-stream',
        '',
        armored.trimEnd(),
        '--b--',
        '',
      ].join('\r\n'),
    );
    const second = await desk.accept(raw, 'maildir', null);
    await waitState(second, 'done');
    const after = await findKeysByEmail(db, TARO);
    expect(after.map((k) => k.fingerprint)).toEqual(known.map((k) => k.fingerprint));
    expect(after.map((k) => k.fingerprint)).not.toContain(fake.fingerprint);
  }, 60_000);
});
