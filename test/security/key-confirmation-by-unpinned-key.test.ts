// Attack (issue 9 §4): the attacker whose key was held for Taro's address confirms the hold
// by mail himself: an X-CONFIRM-KEY command mail "From" the coordinator, signed with his own
// key. Only a pinned coordinator key's signature gives authority (docs/commands.md): the
// hold stays pending and Taro's notices stay on his key. The coordinator's own signed
// X-CONFIRM-KEY then confirms it, and is answered with an encrypted confirmation.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientMail, COORD, keyWithUids, startKeyDesk, type KeyDesk } from '../support/key-desk.ts';
import { ROOT } from '../support/paths.ts';

const TARO = 'taro@reporter.test';
const body = readFileSync(join(ROOT, 'test', 'fixtures', 'report-en.txt'), 'utf8');
let kd: KeyDesk;
let taro: string;
let other: string;
let holdId: number;

beforeAll(async () => {
  kd = await startKeyDesk('keyconfirm');
  kd.gpg.importText(kd.coordinator.armoredPrivate);
  taro = keyWithUids(kd.gpg, [`Taro Yamada <${TARO}>`]);
  other = keyWithUids(kd.gpg, [`Taro Yamada <${TARO}>`, `Sato <${COORD}>`]);
  await kd.send(clientMail(kd.gpg, { from: TARO, signAs: taro, subject: 'report', messageId: '<kc-0@reporter.test>', body, autocrypt: { addr: TARO, fpr: taro } }));
  await kd.send(clientMail(kd.gpg, { from: TARO, signAs: other, subject: 'report', messageId: '<kc-1@evil.test>', body, autocrypt: { addr: TARO, fpr: other } }));
  const holds = await kd.holds();
  expect(holds.map((h) => [h.fingerprint, h.state])).toEqual([[other, 'pending']]);
  holdId = holds[0]!.id;
}, 120_000);

afterAll(async () => {
  await kd?.close();
});

describe('X-CONFIRM-KEY', () => {
  it('signed by a key not pinned for a coordinator changes nothing and alerts the coordinators', async () => {
    const id = await kd.send(clientMail(kd.gpg, { from: COORD, signAs: other, subject: 'keys', messageId: '<kc-2@evil.test>', body: `X-CONFIRM-KEY: ${holdId}\n` }));
    expect((await kd.holds()).map((h) => h.state)).toEqual(['pending']);
    expect((await kd.keysFor(TARO)).map((k) => k.fingerprint)).toEqual([taro]);
    const refused = await kd.db.query<{ data: { reason: string } }>(`SELECT data FROM timeline WHERE event = 'command-mail-refused' AND (data->>'message')::bigint = $1`, [id]);
    expect(refused.map((r) => r.data.reason)).toEqual(['signer-not-pinned']);
    // No answer to the From address (it is not trusted), whoever it names.
    expect((await kd.notices({ messageId: id })).map((n) => n.kind)).toEqual(['coord-alert']);
  }, 60_000);

  it('signed by the coordinator\'s pinned key confirms the hold; the key becomes Taro\'s and the coordinator is answered encrypted', async () => {
    const id = await kd.send(clientMail(kd.gpg, { from: COORD, signAs: kd.coordinator.fingerprint, subject: 'keys', messageId: '<kc-3@coord.test>', body: `X-CONFIRM-KEY: ${holdId}\n` }));
    expect((await kd.holds()).map((h) => [h.state, h.decidedBy])).toEqual([['confirmed', 'coordinator:sato']]);
    const mine = await kd.keysFor(TARO);
    expect(mine.map((k) => [k.fingerprint, k.emails])).toEqual([[other, [TARO]]]);
    // The confirmed key came with another user id (the coordinator's address): it is never stored for it.
    expect((await kd.keysFor(COORD)).map((k) => k.fingerprint)).not.toContain(other);
    const answer = await kd.notices({ recipient: COORD, messageId: id });
    expect(answer.map((n) => n.kind)).toEqual(['command-confirmation']);
    const read = await kd.readAsCoordinator(answer[0]!.raw);
    expect(read.decryptedOk).toBe(true);
    expect(read.text).toContain(`X-CONFIRM-KEY: ${holdId}`);
  }, 60_000);
});
