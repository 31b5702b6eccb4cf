// Attack (issue 9 §1-3): ACME publishes clearsigned statements (a security policy, an old
// advisory). An attacker puts one beside its own reply form claiming ACME is "not
// affected", or sends the statement alone from ACME's address, to move ACME's record.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACME, authorityWorld, CASE_A, clearMail, clearsigned, encryptEntity, mixed, pgpMimeMail, replyForm, textPart, vendorOn, type AuthorityWorld } from '../support/authority-desk.ts';

let w: AuthorityWorld;
beforeAll(async () => {
  w = await authorityWorld();
}, 60_000);
afterAll(async () => w?.close());

describe("a vendor's signature over unrelated text", () => {
  it('carries no reply: ACME stays as it was, ACME is sent nothing about the case, the coordinators are told why', async () => {
    const before = await vendorOn(w, CASE_A, 'acme');
    const statement = await clearsigned('ACME PSIRT: we answer every report within 5 business days.\n', w.acme);
    // 1. the signed statement beside an unsigned reply form, encrypted to the desk
    await w.deliver(pgpMimeMail({ from: ACME, subject: `Re: [${CASE_A}]`, messageId: '<u-1@evil.test>' }, await encryptEntity(w, mixed(textPart(replyForm(CASE_A, 'not affected')), textPart(statement)))));
    // 2. the same in clear
    await w.deliver(clearMail({ from: ACME, subject: `Re: [${CASE_A}]`, messageId: '<u-2@evil.test>' }, mixed(textPart(replyForm(CASE_A, 'not affected')), textPart(statement))));
    // 3. the reply form written around the clearsigned block in one part
    await w.deliver(clearMail({ from: ACME, subject: `Re: [${CASE_A}]`, messageId: '<u-3@evil.test>' }, textPart(`${replyForm(CASE_A, 'not affected')}\n${statement}`)));
    // 4. the statement alone under an outer Subject naming the case: the signed text names none
    await w.deliver(clearMail({ from: ACME, subject: `Re: [${CASE_A}] Status: not affected`, messageId: '<u-4@evil.test>' }, textPart(statement)));

    expect(await vendorOn(w, CASE_A, 'acme')).toEqual(before);
    expect(await w.notices('vendor-reply-recorded')).toEqual([]);
    // Nothing about the case: the statement alone (its signature whole, naming no case) is
    // refused as no-case and ACME told that a mail its key signed was not applied.
    expect((await w.notices()).filter((n) => n.recipient.includes(ACME)).map((n) => n.kind)).toEqual(['signed-mail-not-applied']);
    const reasons = (await w.timeline('reply-refused')).map((r) => r.data.reason);
    expect(reasons.slice(0, 3)).toEqual(['partly-signed', 'partly-signed', 'partly-signed']);
    expect(await w.db.query('SELECT 1 FROM signature_uses')).toEqual([]);
    expect((await w.notices('coord-alert')).length).toBe(reasons.length);
  }, 60_000);

  it("re-sent again and again, gives the vendor at most the per-address limit of answers (no backscatter amplification)", async () => {
    const statement = await clearsigned('ACME PSIRT: our PGP key is on our web site.\n', w.acme);
    const before = (await w.notices('signed-mail-not-applied')).length;
    for (let i = 0; i < 14; i++) await w.deliver(clearMail({ from: ACME, subject: 'statement', messageId: `<flood-${String(i)}@evil.test>` }, textPart(statement)));
    const answers = (await w.notices('signed-mail-not-applied')).length - before;
    // The default limit, 10 answers per address and hour, counts the first test's answer too.
    expect(before + answers).toBe(10);
    expect((await w.timeline('reply-refused')).filter((r) => r.data.reason === 'no-case').length).toBeGreaterThanOrEqual(14);
  }, 120_000);
});
