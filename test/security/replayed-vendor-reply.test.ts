// Attack (issue 9 §2): ACME said "investigating", later "fixed". Someone who saw the first
// reply (sent signed in clear, or as ciphertext on the wire) sends it again to set ACME
// back: as it was, in a new envelope; re-encrypted to the desk; with the ciphertext
// re-wrapped. The signature already changed the case once: it changes nothing again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACME, authorityWorld, CASE_A, clearMail, clearsigned, encryptEntity, pgpMimeMail, replyForm, textPart, vendorOn, type AuthorityWorld } from '../support/authority-desk.ts';

let w: AuthorityWorld;
beforeAll(async () => {
  w = await authorityWorld();
}, 60_000);
afterAll(async () => w?.close());

describe('a replayed vendor reply', () => {
  it('changes nothing, in any wrapping, and is on record as replayed-signature', async () => {
    const first = await clearsigned(replyForm(CASE_A, 'investigating'), w.acme);
    await w.deliver(clearMail({ from: ACME, subject: `Re: [${CASE_A}]`, messageId: '<r-1@acme.test>' }, textPart(first)));
    expect(await vendorOn(w, CASE_A, 'acme')).toMatchObject({ status: 'investigating' });
    const cipher = await encryptEntity(w, textPart(replyForm(CASE_A, 'affected')), w.acme);
    await w.deliver(pgpMimeMail({ from: ACME, subject: 'reply', messageId: '<r-2@acme.test>' }, cipher));
    await w.deliver(pgpMimeMail({ from: ACME, subject: 'reply', messageId: '<r-3@acme.test>' }, await encryptEntity(w, textPart(replyForm(CASE_A, 'fixed', ['Fixed versions: 1.0.2'])), w.acme)));
    const settled = await vendorOn(w, CASE_A, 'acme');
    expect(settled).toMatchObject({ status: 'fixed' });
    const confirmations = (await w.notices('vendor-reply-recorded')).length;
    expect(confirmations).toBe(3);

    // The clearsigned reply again, new envelope and Subject.
    await w.deliver(clearMail({ from: ACME, subject: 'Re: status', messageId: '<r-4@evil.test>' }, textPart(first)));
    // The same clearsigned text, now encrypted to the desk (inline PGP around it).
    await w.deliver(pgpMimeMail({ from: ACME, subject: 'Re: status', messageId: '<r-5@evil.test>' }, await encryptEntity(w, textPart(first))));
    // The second reply's ciphertext, unchanged, in a new envelope.
    await w.deliver(pgpMimeMail({ from: ACME, subject: 'Re: status', messageId: '<r-6@evil.test>' }, cipher));

    expect(await vendorOn(w, CASE_A, 'acme')).toEqual(settled);
    expect((await w.notices('vendor-reply-recorded')).length).toBe(confirmations);
    expect((await w.timeline('reply-refused')).map((r) => r.data.reason)).toEqual(['replayed-signature', 'replayed-signature', 'replayed-signature']);
    expect((await w.db.query<{ n: number }>('SELECT count(*)::int AS n FROM signature_uses'))[0]!.n).toBe(3);
    // ACME's registered contact (not the From of the replays) is told, encrypted, that nothing was applied.
    const told = await w.notices('signed-mail-not-applied');
    expect(told.map((n) => n.recipient)).toEqual([ACME, ACME, ACME]);
    for (const n of told) expect(n.raw.toString('latin1')).toContain('-----BEGIN PGP MESSAGE-----');
  }, 60_000);
});
