// Attack (issue 9 §2): a genuine coordinator command (PGP/MIME signed, then encrypted) was
// applied. Whoever saw its signed part sends it again: once with one extra part of its own
// (before, the replay key was the whole text, so the extra part made it "new"), once alone
// in a fresh envelope, and once with the extra part signed by another key the desk knows.
// Each changes nothing; the signature itself is remembered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorityWorld, CASE_A, encryptEntity, EVIL, mixed, pgpMimeMail, SATO, signedPart, textPart, type AuthorityWorld } from '../support/authority-desk.ts';

let w: AuthorityWorld;
beforeAll(async () => {
  w = await authorityWorld();
}, 60_000);
afterAll(async () => w?.close());

const notes = async (): Promise<number> => (await w.db.query(`SELECT 1 FROM timeline WHERE case_id = $1 AND actor = 'coordinator:Sato'`, [CASE_A])).length;

describe('a captured coordinator signature replayed', () => {
  it('is applied once, then never again, whatever wraps it', async () => {
    const signed = await signedPart(textPart(`X-CASE: ${CASE_A}\nX-NOTE: spoke to ACME by phone\n`), w.sato);
    await w.deliver(pgpMimeMail({ from: SATO, subject: 'commands', messageId: '<cmd-1@coord.test>' }, await encryptEntity(w, signed)));
    const applied = await notes();
    expect(applied).toBeGreaterThan(0);
    expect(await w.notices('command-confirmation')).toHaveLength(1);

    // 1. the same signed part beside an extra unsigned command part
    const extra = textPart(`X-CASE: ${CASE_A}\nX-ADD-VENDOR: evil\n`);
    await w.deliver(pgpMimeMail({ from: SATO, subject: 'commands', messageId: '<replay-1@evil.test>' }, await encryptEntity(w, mixed(signed, extra))));
    // 2. the same signed part alone, newly encrypted, new Message-ID and Subject
    await w.deliver(pgpMimeMail({ from: SATO, subject: 'Re: commands', messageId: '<replay-2@evil.test>' }, await encryptEntity(w, signed)));
    // 3. the extra part signed by Mallory, whose key the desk knows
    await w.deliver(pgpMimeMail({ from: SATO, subject: 'commands', messageId: '<replay-3@evil.test>' }, await encryptEntity(w, mixed(signed, await signedPart(extra, w.mallory)))));

    expect(await notes()).toBe(applied);
    expect((await w.snapshot(CASE_A)).vendors.map((v) => v.id)).toEqual(['acme']);
    expect((await w.notices()).filter((n) => n.recipient.includes(EVIL))).toEqual([]);
    expect(await w.notices('command-confirmation')).toHaveLength(1);
    expect((await w.timeline('command-mail-refused')).map((r) => r.data.reason)).toEqual(['partly-signed', 'replayed-signature', 'several-signers']);
    expect(await w.db.query('SELECT used_for FROM signature_uses')).toEqual([{ used_for: 'coordinator' }]);
  }, 60_000);
});
