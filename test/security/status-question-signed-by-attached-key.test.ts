// Attack: someone forges a question "from" the reporter's address, signed by a key of its
// own that travels with the mail (attached) carrying the reporter's address as user id. The
// desk holds a key for the reporter already, so the carried key is held, not learned; and
// even a reporter address with no key on file learns the carried key only for the future:
// a key that came with the mail (or after it) never authorises that mail (issue 11). No
// status, no withdrawal, only the content-free answer.
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDeskKey } from '../../src/crypto/openpgp.ts';
import { CASE_A, encryptEntity, mixed, pgpMimeMail, textPart } from '../support/authority-desk.ts';
import { reporterWorld, TARO, type ReporterWorld } from '../support/reporter-question.ts';

let w: ReporterWorld;
let forger: openpgp.PrivateKey;
beforeAll(async () => {
  w = await reporterWorld();
  const k = await generateDeskKey('Taro', TARO, new Date(Date.now() - 86_400_000));
  forger = await openpgp.readPrivateKey({ armoredKey: k.armoredPrivate });
}, 120_000);
afterAll(async () => {
  await w.close();
});

const forged = async (body: string, id: string): Promise<Buffer> => {
  const key = textPart(forger.toPublic().armor(), '; name="key.asc"').replace('Content-Type: text/plain; charset=UTF-8; name="key.asc"', 'Content-Type: application/pgp-keys; name="key.asc"');
  return pgpMimeMail({ from: TARO, subject: `[${CASE_A}] status`, messageId: id }, await encryptEntity(w, mixed(textPart(body), key), forger));
};

describe('a status question signed by a key that came with the mail', () => {
  it('while the reporter has a key on file: the key is held, the question gets the content-free answer only', async () => {
    const id = await w.deliver(await forged(`X-STATUS: ${CASE_A}\nX-WITHDRAW-NDA\n`, '<forged-1@evil.test>'));
    expect((await w.notices('reporter-status')).filter((n) => n.message_ref === id)).toEqual([]);
    expect((await w.notices('question-not-answered')).filter((n) => n.message_ref === id && n.recipient === TARO)).toHaveLength(1);
    expect(await w.timeline('nda-withdrawn')).toEqual([]);
  }, 60_000);

  it('with no key on file for the reporter: the carried key may be learned, but it does not authorise this mail', async () => {
    await w.db.query(`DELETE FROM keys WHERE $1 = ANY(emails)`, [TARO]);
    await w.db.query(`DELETE FROM key_holds`);
    const id = await w.deliver(await forged(`X-STATUS: ${CASE_A}\n`, '<forged-2@evil.test>'));
    expect((await w.notices('reporter-status')).filter((n) => n.message_ref === id)).toEqual([]);
    expect((await w.notices('question-not-answered')).filter((n) => n.message_ref === id && n.recipient === TARO)).toHaveLength(1);
    const refused = (await w.timeline('reporter-message-refused')).at(-1);
    // Refused by the gate: the signer's key travelled with the mail / is not the one on file.
    expect(['key-attached', 'signer-not-pinned']).toContain(refused?.data.reason);
  }, 60_000);
});
