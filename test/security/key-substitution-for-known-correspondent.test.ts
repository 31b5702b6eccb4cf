// Attack (issue 9 §4): once the desk knows a correspondent's key, someone else writes "From"
// that correspondent with a key of their own carrying the correspondent's address: unsigned
// with the key in an Autocrypt header, or signed with that key. The desk's notices to the
// correspondent would then be encrypted to a key the correspondent cannot read (or that the
// attacker holds). The key on file must stay the only key: an unsigned message teaches
// nothing; a signed one gets its key held for the coordinators (alert `key-held`) and the
// sender a content-free answer, and every later notice is encrypted to the key on file only.
// The same key again (a new expiry, a new subkey) is a refresh and keeps its address.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRecipientKey } from '../../src/crypto/openpgp.ts';
import { rejectKeyHold } from '../../src/store/key-holds.ts';
import { upsertKey } from '../../src/store/repo.ts';
import { clientMail, COORD, keyWithUids, startKeyDesk, type KeyDesk } from '../support/key-desk.ts';
import { ROOT } from '../support/paths.ts';

const TARO = 'taro@reporter.test';
const body = readFileSync(join(ROOT, 'test', 'fixtures', 'report-en.txt'), 'utf8');
let kd: KeyDesk;
let taro: string;
let attacker: string;

const whyOf = async (id: number): Promise<string[]> =>
  (await kd.db.query<{ data: { why: string[] } }>(`SELECT data FROM timeline WHERE event = 'key-not-learned' AND (data->>'message')::bigint = $1`, [id])).flatMap((r) => r.data.why);

beforeAll(async () => {
  kd = await startKeyDesk('keysub');
  taro = keyWithUids(kd.gpg, [`Taro Yamada <${TARO}>`]);
  attacker = keyWithUids(kd.gpg, [`Taro Yamada <${TARO}>`]);
  await kd.send(clientMail(kd.gpg, { from: TARO, signAs: taro, subject: 'report', messageId: '<ks-0@reporter.test>', body, autocrypt: { addr: TARO, fpr: taro } }));
}, 120_000);

afterAll(async () => {
  await kd?.close();
});

const onlyTaro = async (): Promise<void> => {
  expect((await kd.keysFor(TARO)).map((k) => [k.fingerprint, k.emails])).toEqual([[taro, [TARO]]]);
};

/** Every encrypted notice to Taro from message `id` is for Taro's key and none for the attacker's. */
const encryptedToTaroOnly = async (id: number): Promise<number> => {
  const enc = (await kd.notices({ recipient: TARO, messageId: id })).filter((n) => kd.encryptedTo(n.raw).length > 0);
  for (const n of enc) {
    const to = kd.encryptedTo(n.raw);
    expect(to.some((k) => kd.keyIds(taro).includes(k)), n.id).toBe(true);
    expect(to.filter((k) => kd.keyIds(attacker).includes(k)), n.id).toEqual([]);
  }
  return enc.length;
};

describe('a different key for a known correspondent', () => {
  it('is not learned from an unsigned message carrying it in Autocrypt', async () => {
    await onlyTaro();
    const id = await kd.send(clientMail(kd.gpg, { from: TARO, signAs: null, subject: 'report', messageId: '<ks-1@evil.test>', body, autocrypt: { addr: TARO, fpr: attacker } }));
    await onlyTaro();
    expect(await kd.holds()).toEqual([]);
    expect(await whyOf(id)).toEqual(['unsigned-message']);
    expect(await encryptedToTaroOnly(id)).toBeGreaterThan(0);
  }, 60_000);

  it('signed with it: the key is held, coordinators alerted, the sender answered content-free, notices stay on the key on file', async () => {
    const id = await kd.send(clientMail(kd.gpg, { from: TARO, signAs: attacker, subject: 'report', messageId: '<ks-2@evil.test>', body, autocrypt: { addr: TARO, fpr: attacker }, attachKey: attacker }));
    await onlyTaro();
    const holds = await kd.holds();
    expect(holds.map((h) => [h.email, h.fingerprint, h.state, h.onFile, h.messageRef])).toEqual([[TARO, attacker, 'pending', [taro], id]]);

    const alerts = (await kd.notices({ recipient: COORD, messageId: id })).filter((n) => n.kind === 'coord-alert');
    expect(alerts).toHaveLength(1);
    const read = await kd.readAsCoordinator(alerts[0]!.raw);
    expect(read.decryptedOk).toBe(true);
    expect(read.text).toContain('登録済みのアドレスに別の鍵が届いたため保留しました');
    expect(read.text).toContain('madoguchi keys confirm');
    expect(read.text).toContain(`hold ${holds[0]!.id}`);

    const answer = (await kd.notices({ recipient: TARO, messageId: id })).filter((n) => n.kind === 'key-held');
    expect(answer).toHaveLength(1);
    expect(kd.encryptedTo(answer[0]!.raw)).toEqual([]);
    const clear = answer[0]!.raw.toString('utf8');
    expect(clear).toContain('not the key we');
    for (const secret of ['SQL injection', 'Madoguchi Mail Server', 'Hanako', attacker, taro]) expect(clear).not.toContain(secret);

    expect(await encryptedToTaroOnly(id)).toBeGreaterThan(0);
  }, 60_000);

  it('the same key again is neither held nor alerted twice; after a rejection it stays refused', async () => {
    const again = await kd.send(clientMail(kd.gpg, { from: TARO, signAs: attacker, subject: 'report', messageId: '<ks-3@evil.test>', body, autocrypt: { addr: TARO, fpr: attacker } }));
    expect(await kd.holds()).toHaveLength(1);
    expect((await kd.notices({ recipient: COORD, messageId: again })).filter((n) => n.kind === 'coord-alert')).toEqual([]);
    expect(await whyOf(again)).toEqual(['held-before']);
    await encryptedToTaroOnly(again);

    const [hold] = await kd.holds();
    expect((await rejectKeyHold(kd.db, hold!.id, 'coordinator:sato')).ok).toBe(true);
    const after = await kd.send(clientMail(kd.gpg, { from: TARO, signAs: attacker, subject: 'report', messageId: '<ks-4@evil.test>', body, autocrypt: { addr: TARO, fpr: attacker } }));
    expect(await whyOf(after)).toEqual(['rejected-before']);
    expect((await kd.holds()).map((h) => h.state)).toEqual(['rejected']);
    await onlyTaro();
    await encryptedToTaroOnly(after);
  }, 60_000);

  it('a refresh of the key on file (new expiry, new subkey) is taken and keeps the address', async () => {
    const before = (await kd.keysFor(TARO))[0]!.armored;
    kd.gpg.run(['--quick-set-expire', taro, '3y']);
    kd.gpg.run(['--quick-add-key', taro, 'cv25519', 'encr', '2y']);
    const id = await kd.send(clientMail(kd.gpg, { from: TARO, signAs: taro, subject: 'report', messageId: '<ks-5@reporter.test>', body, autocrypt: { addr: TARO, fpr: taro } }));
    await onlyTaro();
    const after = (await kd.keysFor(TARO))[0]!.armored;
    expect(after).not.toEqual(before);
    expect(after.length).toBeGreaterThan(before.length);
    expect((await kd.holds()).map((h) => h.fingerprint)).toEqual([attacker]);
    expect(await whyOf(id)).toEqual([]);
    expect(await encryptedToTaroOnly(id)).toBeGreaterThan(0);
  }, 60_000);

  it('a renewed key whose copy on file had expired is taken (the refresh is what makes its signature valid)', async () => {
    const SHIRO = 'shiro@reporter.test';
    const past = ['--yes', '--pinentry-mode', 'loopback', '--passphrase', '', '--faked-system-time', '20240101T000000'];
    const made = kd.gpg.status([...past, '--quick-gen-key', `Shiro <${SHIRO}>`, 'ed25519', 'sign', '1y']);
    const fpr = made.status.map((l) => /^KEY_CREATED [BP] ([0-9A-F]{40})/.exec(l)?.[1]).find((f) => f !== undefined)!;
    kd.gpg.status([...past, '--quick-add-key', fpr, 'cv25519', 'encr', '1y']);
    // On file from when it was valid (learned in 2024).
    await upsertKey(kd.db, { fingerprint: fpr, emails: [SHIRO], armored: kd.gpg.run(['--armor', '--export', fpr]).toString(), source: 'signature' });
    const expired = (await kd.keysFor(SHIRO))[0]!.armored;
    kd.gpg.run(['--quick-set-expire', fpr, '2y']);
    // gpg 2.2 renews an expired subkey only when named by its fingerprint ('*' skips it).
    const sub = /fpr:+([0-9A-F]{40})/g;
    const fprs = [...kd.gpg.run(['--with-colons', '--list-keys', fpr]).toString().matchAll(sub)].map((m) => m[1]!);
    kd.gpg.run(['--quick-set-expire', fpr, '2y', ...fprs.filter((f) => f !== fpr)]);
    const id = await kd.send(clientMail(kd.gpg, { from: SHIRO, signAs: fpr, subject: 'report', messageId: '<ks-6@reporter.test>', body, autocrypt: { addr: SHIRO, fpr } }));
    const after = await kd.keysFor(SHIRO);
    expect(after.map((k) => [k.fingerprint, k.emails])).toEqual([[fpr, [SHIRO]]]);
    expect(after[0]!.armored).not.toEqual(expired);
    const usable = await checkRecipientKey(after[0]!.armored);
    expect(usable.ok ? 'ok' : usable.detail).toBe('ok');
    expect((await kd.holds()).map((h) => h.fingerprint)).toEqual([attacker]);
    const enc = (await kd.notices({ recipient: SHIRO, messageId: id })).filter((n) => kd.encryptedTo(n.raw).length > 0);
    expect(enc.map((n) => n.kind)).toContain('ack');
  }, 60_000);
});
