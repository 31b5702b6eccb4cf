// Attack (issue 9 §4): Mallory sends the desk a genuine signed report from her own address
// with an `Autocrypt:` header that offers a key for someone else: the header's addr is the
// victim's, or its addr is Mallory's but the key in it carries only the victim's user id.
// Autocrypt 1.1 §2.1 binds a header to the From address, and a key is learned only when it
// signs the message and certifies the From address: neither key may be stored for the
// victim, and the desk's notices to the victim are never encrypted to it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientMail, keyWithUids, startKeyDesk, type KeyDesk } from '../support/key-desk.ts';
import { ROOT } from '../support/paths.ts';

const MALLORY = 'mallory@evil.test';
const VICTIM = 'saburo@victim.test';
const body = readFileSync(join(ROOT, 'test', 'fixtures', 'report-en.txt'), 'utf8');
let kd: KeyDesk;
let mallory: string;
let forVictim: string;

beforeAll(async () => {
  kd = await startKeyDesk('autocryptother');
  mallory = keyWithUids(kd.gpg, [`Mallory <${MALLORY}>`]);
  forVictim = keyWithUids(kd.gpg, [`Saburo <${VICTIM}>`]);
  // Mallory first makes her own key known, so that her attacks carry a valid signature.
  await kd.send(clientMail(kd.gpg, { from: MALLORY, signAs: mallory, subject: 'report', messageId: '<ac-0@evil.test>', body, autocrypt: { addr: MALLORY, fpr: mallory } }));
}, 120_000);

afterAll(async () => {
  await kd?.close();
});

const neverToPlanted = async (): Promise<void> => {
  const id = await kd.send(clientMail(kd.gpg, { from: VICTIM, signAs: null, subject: 'report', messageId: `<ac-v-${Date.now()}@victim.test>`, body }));
  const notices = await kd.notices({ recipient: VICTIM, messageId: id });
  expect(notices.length).toBeGreaterThan(0);
  for (const n of notices) expect(kd.encryptedTo(n.raw).filter((k) => kd.keyIds(forVictim).includes(k)), n.id).toEqual([]);
};

describe('an Autocrypt header offering a key for another address', () => {
  it('with addr= the victim\'s address: ignored', async () => {
    await kd.send(clientMail(kd.gpg, { from: MALLORY, signAs: mallory, subject: 'report', messageId: '<ac-1@evil.test>', body, autocrypt: { addr: VICTIM, fpr: forVictim } }));
    expect(await kd.keysFor(VICTIM)).toEqual([]);
    expect(await kd.holds()).toEqual([]);
    // Mallory's own signing key proves her own address, and only that.
    expect((await kd.keysFor(MALLORY)).map((k) => [k.fingerprint, k.emails])).toEqual([[mallory, [MALLORY]]]);
    await neverToPlanted();
  }, 60_000);

  it('with addr= the sender\'s address but a key of the victim\'s: not the signer, not learned', async () => {
    const id = await kd.send(clientMail(kd.gpg, { from: MALLORY, signAs: mallory, subject: 'report', messageId: '<ac-2@evil.test>', body, autocrypt: { addr: MALLORY, fpr: forVictim } }));
    expect(await kd.keysFor(VICTIM)).toEqual([]);
    expect((await kd.keysFor(MALLORY)).map((k) => k.fingerprint)).toEqual([mallory]);
    expect(await kd.holds()).toEqual([]);
    const why = (await kd.db.query<{ data: { why: string[] } }>(`SELECT data FROM timeline WHERE event = 'key-not-learned' AND (data->>'message')::bigint = $1`, [id])).flatMap((r) => r.data.why);
    expect(why).toEqual(['not-the-signer']);
    await neverToPlanted();
  }, 60_000);
});
