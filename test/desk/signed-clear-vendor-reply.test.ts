// issue 9 §8: a vendor's reply signed by its pinned key but not encrypted (clearsigned, or
// PGP/MIME signed) is read for its status and applied; the vendor is told what was recorded,
// encrypted to its key, and asked to encrypt next time. Before, it was not applied and the
// vendor got the reporters' "we did not read or keep your mail" text.
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readableText } from '../support/coordination.ts';
import { ACME, authorityWorld, CASE_A, CASE_B, clearMail, clearsigned, encryptEntity, pgpMimeMail, replyForm, signedPart, textPart, vendorOn, type AuthorityWorld } from '../support/authority-desk.ts';

let w: AuthorityWorld;
beforeAll(async () => {
  w = await authorityWorld();
}, 60_000);
afterAll(async () => w?.close());

async function readConfirmation(raw: Buffer): Promise<string> {
  const armored = /-----BEGIN PGP MESSAGE-----[\s\S]*?-----END PGP MESSAGE-----/.exec(raw.toString('latin1'))?.[0];
  expect(armored, 'the confirmation is encrypted').toBeDefined();
  const out: unknown = await openpgp.decrypt({ message: await openpgp.readMessage({ armoredMessage: armored! }), decryptionKeys: w.acme, format: 'binary' });
  const data = (out as { data: unknown }).data;
  if (!(data instanceof Uint8Array)) throw new Error('no plaintext');
  return readableText(Buffer.from(data));
}

describe('a signed but unencrypted vendor reply', () => {
  it('clearsigned: the status is applied and the vendor gets an encrypted confirmation asking it to encrypt', async () => {
    const body = await clearsigned(replyForm(CASE_A, 'investigating', ['Proposed publication date: 2027-01-20']), w.acme);
    await w.deliver(clearMail({ from: ACME, subject: `Re: [${CASE_A}] notification`, messageId: '<clear-1@acme.test>' }, textPart(body)));
    expect(await vendorOn(w, CASE_A, 'acme')).toMatchObject({ coordination: 'answered', status: 'investigating' });
    const confirmations = await w.notices('vendor-reply-recorded');
    expect(confirmations.map((n) => [n.recipient, n.state])).toEqual([[ACME, 'sent']]);
    const text = await readConfirmation(confirmations[0]!.raw);
    expect(text).toContain(CASE_A);
    expect(text).toContain('調査中');
    expect(text).toContain('2027');
    expect(text).toContain('暗号化');
    expect(await w.notices('unencrypted')).toEqual([]);
  }, 60_000);

  it('PGP/MIME signed: applied the same way', async () => {
    const entity = await signedPart(textPart(replyForm(CASE_B, 'fixed', ['Fixed versions: 1.0.1'])), w.acme);
    await w.deliver(Buffer.from(`From: <${ACME}>\r\nTo: desk@madoguchi.test\r\nSubject: reply\r\nMessage-ID: <clear-2@acme.test>\r\nMIME-Version: 1.0\r\n${entity}`));
    expect(await vendorOn(w, CASE_B, 'acme')).toMatchObject({ coordination: 'answered', status: 'fixed' });
    const confirmations = (await w.notices('vendor-reply-recorded')).filter((n) => n.id.includes(CASE_B));
    expect(confirmations).toHaveLength(1);
    expect(await readConfirmation(confirmations[0]!.raw)).toContain('1.0.1');
  }, 60_000);

  it('an encrypted reply is confirmed too, without the request to encrypt', async () => {
    await w.deliver(pgpMimeMail({ from: ACME, subject: 'reply', messageId: '<enc-1@acme.test>' }, await encryptEntity(w, textPart(replyForm(CASE_A, 'affected')), w.acme)));
    expect(await vendorOn(w, CASE_A, 'acme')).toMatchObject({ status: 'affected' });
    const last = (await w.notices('vendor-reply-recorded')).filter((n) => n.id.includes(CASE_A)).pop()!;
    const text = await readConfirmation(last.raw);
    expect(text).toContain('影響あり');
    expect(text).not.toContain('暗号化して');
  }, 60_000);
});
