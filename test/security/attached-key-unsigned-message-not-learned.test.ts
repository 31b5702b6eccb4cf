// Attack (issue 9 §4): a first-time "sender" writes an encrypted but UNSIGNED report "From"
// someone the desk has never heard of, with a key of the attacker's attached (as an
// application/pgp-keys part inside the encryption, and in an Autocrypt header). Before the
// fix the desk took the key on first use, so every later notice to that address went to the
// attacker's key. An unsigned message proves no key: nothing is learned, the sender gets the
// content-free "no key" answer, and the address's real owner can still establish her key
// later with a signed message.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientMail, keyWithUids, startKeyDesk, type KeyDesk } from '../support/key-desk.ts';
import { ROOT } from '../support/paths.ts';

const VICTIM = 'jiro@victim.test';
const body = readFileSync(join(ROOT, 'test', 'fixtures', 'report-en.txt'), 'utf8');
let kd: KeyDesk;
let attacker: string;

beforeAll(async () => {
  kd = await startKeyDesk('unsignedkey');
  attacker = keyWithUids(kd.gpg, [`Jiro <${VICTIM}>`]);
}, 120_000);

afterAll(async () => {
  await kd?.close();
});

describe('a key attached to an unsigned message', () => {
  it('is never learned; the answer is content-free and encrypted to nobody', async () => {
    const id = await kd.send(clientMail(kd.gpg, { from: VICTIM, signAs: null, subject: 'report', messageId: '<uk-1@evil.test>', body, attachKey: attacker, autocrypt: { addr: VICTIM, fpr: attacker } }));
    expect(await kd.keysFor(VICTIM)).toEqual([]);
    expect(await kd.holds()).toEqual([]);
    const why = (await kd.db.query<{ data: { why: string[] } }>(`SELECT data FROM timeline WHERE event = 'key-not-learned' AND (data->>'message')::bigint = $1`, [id])).flatMap((r) => r.data.why);
    // The same key twice (attachment and Autocrypt), judged once.
    expect(why).toEqual(['unsigned-message']);
    const notices = await kd.notices({ recipient: VICTIM, messageId: id });
    expect(notices.map((n) => n.kind)).toEqual(['nokey']);
    for (const n of notices) {
      expect(kd.encryptedTo(n.raw)).toEqual([]);
      expect(n.raw.toString('utf8')).not.toContain('SQL injection');
    }
  }, 60_000);

  it('leaves the address free for its owner: her own signed key is then learned, and notices go to it alone', async () => {
    const own = keyWithUids(kd.gpg, [`Jiro <${VICTIM}>`]);
    const id = await kd.send(clientMail(kd.gpg, { from: VICTIM, signAs: own, subject: 'report', messageId: '<uk-2@victim.test>', body, autocrypt: { addr: VICTIM, fpr: own } }));
    expect((await kd.keysFor(VICTIM)).map((k) => k.fingerprint)).toEqual([own]);
    const enc = (await kd.notices({ recipient: VICTIM, messageId: id })).filter((n) => kd.encryptedTo(n.raw).length > 0);
    expect(enc.length).toBeGreaterThan(0);
    for (const n of enc) expect(kd.encryptedTo(n.raw).filter((k) => kd.keyIds(attacker).includes(k))).toEqual([]);
  }, 60_000);
});
