// Attack (issue 9 §4): Mallory makes a key of her own with two user ids, her address and
// Hanako's, and sends the desk a genuine signed report from her own address with that key
// (Autocrypt header and attachment). Before the fix the desk stored the key under every
// address among its user ids, so the desk's later notices to Hanako were encrypted to
// Mallory's key. The key proves Mallory's address only: it must be stored for her address
// alone, and nothing the desk sends Hanako may be encrypted to it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientMail, keyWithUids, startKeyDesk, type KeyDesk } from '../support/key-desk.ts';
import { ROOT } from '../support/paths.ts';

const MALLORY = 'mallory@evil.test';
const HANAKO = 'hanako@victim.test';
const body = readFileSync(join(ROOT, 'test', 'fixtures', 'report-en.txt'), 'utf8');
let kd: KeyDesk;
let planted: string;
let hanakoFpr: string;

beforeAll(async () => {
  kd = await startKeyDesk('planted');
  planted = keyWithUids(kd.gpg, [`Mallory <${MALLORY}>`, `Hanako Suzuki <${HANAKO}>`]);
}, 120_000);

afterAll(async () => {
  await kd?.close();
});

const plantedIds = (): string[] => kd.keyIds(planted);

describe('a key carrying another person\'s address', () => {
  it('is stored for the From address it proves only, never for its other user id', async () => {
    await kd.send(clientMail(kd.gpg, { from: MALLORY, signAs: planted, subject: 'report', messageId: '<pk-1@evil.test>', body, autocrypt: { addr: MALLORY, fpr: planted }, attachKey: planted }));
    expect(await kd.keysFor(HANAKO)).toEqual([]);
    const mine = await kd.keysFor(MALLORY);
    expect(mine.map((k) => [k.fingerprint, k.emails])).toEqual([[planted, [MALLORY]]]);
    // Nothing to confirm: Mallory's own address had no key; nothing was held for Hanako's.
    expect(await kd.holds()).toEqual([]);
  }, 60_000);

  it('never encrypts the victim\'s later notices to the planted key (no key: content-free answer)', async () => {
    // Hanako writes for the first time, encrypted but unsigned: the desk has no key for her.
    const id = await kd.send(clientMail(kd.gpg, { from: HANAKO, signAs: null, subject: 'report', messageId: '<pk-2@victim.test>', body }));
    const toHanako = await kd.notices({ recipient: HANAKO, messageId: id });
    expect(toHanako.length).toBeGreaterThan(0);
    for (const n of toHanako) {
      expect(kd.encryptedTo(n.raw).filter((k) => plantedIds().includes(k)), n.id).toEqual([]);
      expect(n.raw.toString('latin1')).not.toContain('SQL injection');
    }
    expect(toHanako.map((n) => n.kind)).toContain('nokey');
  }, 60_000);

  it('lets the victim\'s own key become hers: her notices go to it and never to the planted key', async () => {
    hanakoFpr = keyWithUids(kd.gpg, [`Hanako Suzuki <${HANAKO}>`]);
    const id = await kd.send(clientMail(kd.gpg, { from: HANAKO, signAs: hanakoFpr, subject: 'report', messageId: '<pk-3@victim.test>', body, autocrypt: { addr: HANAKO, fpr: hanakoFpr } }));
    expect((await kd.keysFor(HANAKO)).map((k) => k.fingerprint)).toEqual([hanakoFpr]);
    expect(await kd.holds()).toEqual([]);
    const encrypted = (await kd.notices({ recipient: HANAKO, messageId: id })).filter((n) => kd.encryptedTo(n.raw).length > 0);
    expect(encrypted.map((n) => n.kind)).toContain('ack');
    for (const n of encrypted) {
      const to = kd.encryptedTo(n.raw);
      expect(to.some((k) => kd.keyIds(hanakoFpr).includes(k))).toBe(true);
      expect(to.filter((k) => plantedIds().includes(k))).toEqual([]);
    }
  }, 60_000);

  it('learns nothing from a key whose only user id is someone else\'s, even when it signs the message', async () => {
    const other = keyWithUids(kd.gpg, [`Taro <taro@victim2.test>`]);
    const id = await kd.send(clientMail(kd.gpg, { from: 'eve@evil.test', signAs: other, subject: 'report', messageId: '<pk-4@evil.test>', body, attachKey: other }));
    expect(await kd.keysFor('eve@evil.test')).toEqual([]);
    expect(await kd.keysFor('taro@victim2.test')).toEqual([]);
    const rows = await kd.db.query<{ data: { message: number; why: string[] } }>(`SELECT data FROM timeline WHERE event = 'key-not-learned' AND (data->>'message')::bigint = $1`, [id]);
    expect(rows.flatMap((r) => r.data.why)).toContain('no-user-id-for-from');
  }, 60_000);
});
