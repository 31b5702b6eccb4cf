// Attack (issue 9 §1): a command mail carries a public key (application/pgp-keys). A key
// that travels with the mail could be an older, unrevoked copy of a pinned key or carry
// another person's user ids; it never takes part in authority. Here the coordinator's
// genuine signature covers the whole message, key included: still no authority.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorityWorld, CASE_A, encryptEntity, EVIL, mixed, pgpMimeMail, SATO, textPart, type AuthorityWorld } from '../support/authority-desk.ts';

let w: AuthorityWorld;
beforeAll(async () => {
  w = await authorityWorld();
}, 60_000);
afterAll(async () => w?.close());

describe('a key attached to a command mail', () => {
  it('takes the authority away: nothing applied, refused as key-attached, coordinators alerted', async () => {
    const key = w.mallory.toPublic().armor();
    const body = mixed(textPart(`X-CASE: ${CASE_A}\nX-ADD-VENDOR: evil\n`), `Content-Type: application/pgp-keys; name="key.asc"\r\n\r\n${key.trim()}\r\n`);
    await w.deliver(pgpMimeMail({ from: SATO, subject: 'commands', messageId: '<key-1@coord.test>' }, await encryptEntity(w, body, w.sato)));

    expect((await w.snapshot(CASE_A)).vendors.map((v) => v.id)).toEqual(['acme']);
    expect((await w.notices()).filter((n) => n.recipient.includes(EVIL))).toEqual([]);
    expect(await w.notices('command-confirmation')).toEqual([]);
    expect((await w.timeline('command-mail-refused')).map((r) => r.data.reason)).toEqual(['key-attached']);
    expect((await w.notices('coord-alert')).length).toBe(1);
  }, 60_000);

  it('the same command without the key is applied (the control)', async () => {
    await w.deliver(pgpMimeMail({ from: SATO, subject: 'commands', messageId: '<key-2@coord.test>' }, await encryptEntity(w, textPart(`X-CASE: ${CASE_A}\nX-ADD-VENDOR: evil\n`), w.sato)));
    expect((await w.snapshot(CASE_A)).vendors.map((v) => v.id)).toEqual(['acme', 'evil']);
    expect(await w.notices('command-confirmation')).toHaveLength(1);
  }, 60_000);
});
