// Attack (issue 9 §1): the coordinator once sent a vendor a signed file (`commands.txt` +
// `commands.txt.sig`, Enigmail style) whose text is a valid command. The vendor mails the
// pair to the desk, encrypted: every part is "covered" by a valid coordinator signature,
// but a detached-signature attachment signs a file, not the message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorityWorld, CASE_A, detachedSignature, encryptEntity, EVIL, mixed, pgpMimeMail, SATO, type AuthorityWorld } from '../support/authority-desk.ts';

let w: AuthorityWorld;
beforeAll(async () => {
  w = await authorityWorld();
}, 60_000);
afterAll(async () => w?.close());

describe('a detached-signature attachment pair', () => {
  it('grants nothing: no vendor added, no confirmation, refused as detached-signature-attachment', async () => {
    const file = `X-CASE: ${CASE_A}\r\nX-ADD-VENDOR: evil\r\n`;
    const sig = await detachedSignature(file, w.sato);
    const body = mixed(
      `Content-Type: text/plain; charset=UTF-8; name="commands.txt"\r\nContent-Disposition: inline; filename="commands.txt"\r\n\r\n${file}`,
      `Content-Type: application/pgp-signature; name="commands.txt.sig"\r\nContent-Disposition: attachment; filename="commands.txt.sig"\r\n\r\n${sig.trim()}\r\n`,
    );
    await w.deliver(pgpMimeMail({ from: SATO, subject: 'commands', messageId: '<det-1@evil.test>' }, await encryptEntity(w, body)));

    expect((await w.snapshot(CASE_A)).vendors.map((v) => v.id)).toEqual(['acme']);
    expect((await w.notices()).filter((n) => n.recipient.includes(EVIL))).toEqual([]);
    expect(await w.notices('command-confirmation')).toEqual([]);
    expect((await w.timeline('command-mail-refused')).map((r) => r.data.reason)).toEqual(['detached-signature-attachment']);
    expect((await w.notices('coord-alert')).map((n) => n.recipient)).toEqual([SATO]);
  }, 60_000);
});
