// Attack (issue 12; mail-protocol §7): Evil, a registered vendor (its own pinned key, its
// registered address, signed and encrypted), learns ACME's own tracking id for a case
// (`PSIRT-2027-0099`: ACME gave it on a `Vendor reference:` line) and sends a signed reply
// naming only that reference, to set ACME's case to "not affected" or to learn of it. A
// vendor reference names a case only to the vendor that gave it: Evil's reply names no case
// (refused `no-case`), nothing changes on the case, Evil gets no notice about it. Evil's
// own reference for the same text names nothing either; and ACME's reference only in the
// outer (unsigned) Subject names nothing, even for ACME.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vendorReferencesOfCase } from '../../src/store/vendor-references.ts';
import { ACME, CASE_A, CASE_B, EVIL, encryptEntity, pgpMimeMail, replyForm, textPart, vendorOn } from '../support/authority-desk.ts';
import { partnerWorld, type PartnerWorld } from '../support/partner-desk.ts';

let w: PartnerWorld;
beforeAll(async () => {
  w = await partnerWorld();
  // Evil is a vendor of the same case too: being on the case grants no use of ACME's reference.
  const { applyEvent } = await import('../../src/desk/coordination.ts');
  await applyEvent(w.db, CASE_A, { type: 'add-vendor', vendor: { id: 'evil', name: 'Evil', product: 'Evil Box' } }, new Date(), 'test');
}, 60_000);
afterAll(async () => w?.close());

describe("a vendor's reply naming only another vendor's reference", () => {
  it('names no case and changes nothing; the reference counts only for the vendor that gave it', async () => {
    await w.deliver(pgpMimeMail({ from: ACME, subject: `Re: [${CASE_A}]`, messageId: '<a1@acme.test>' }, await encryptEntity(w, textPart(replyForm(CASE_A, 'affected', ['Vendor reference: PSIRT-2027-0099'])), w.acme)));
    expect(await vendorReferencesOfCase(w.db, CASE_A)).toEqual(new Map([['acme', ['PSIRT-2027-0099']]]));
    const before = await w.snapshot(CASE_A);
    const noticesBefore = (await w.notices()).filter((n) => n.recipient === EVIL).length;

    // Evil, signed by its own pinned key, naming only ACME's reference (body and protected Subject).
    const entity = 'Content-Type: text/plain; charset=UTF-8; protected-headers="v1"\r\nSubject: Re: [PSIRT-2027-0099]\r\n\r\nVendor reference: PSIRT-2027-0099\r\nStatus: not-affected\r\n';
    await w.deliver(pgpMimeMail({ from: EVIL, subject: 'Re: [PSIRT-2027-0099]', messageId: '<e1@evil.test>' }, await encryptEntity(w, entity, w.evil)));

    expect(await w.snapshot(CASE_A)).toEqual(before);
    expect(await vendorOn(w, CASE_A, 'acme')).toMatchObject({ status: 'affected' });
    expect(await vendorOn(w, CASE_A, 'evil')).toMatchObject({ status: null });
    // Refused for naming no case; Evil's "reference" was not recorded for any case.
    expect((await w.timeline('reply-refused')).map((t) => t.data.reason)).toEqual(['no-case']);
    expect(await vendorReferencesOfCase(w.db, CASE_A)).toEqual(new Map([['acme', ['PSIRT-2027-0099']]]));
    // Evil hears nothing about the case (only the content-free "not applied").
    const toEvil = (await w.notices()).filter((n) => n.recipient === EVIL).slice(noticesBefore);
    expect(toEvil.map((n) => n.kind)).toEqual(['signed-mail-not-applied']);
    expect(toEvil[0]!.id).not.toContain(CASE_A);
  }, 60_000);

  it("ACME's reference in the outer, unsigned Subject only names nothing, even for ACME", async () => {
    const before = await w.snapshot(CASE_A);
    await w.deliver(pgpMimeMail({ from: ACME, subject: 'Re: [PSIRT-2027-0099]', messageId: '<a2@acme.test>' }, await encryptEntity(w, textPart('Status: not-affected\n'), w.acme)));
    expect(await w.snapshot(CASE_A)).toEqual(before);
  }, 60_000);

  it('a reply whose Case ID and own reference name two cases is refused (case-conflict): one id names one case', async () => {
    const before = await w.snapshot(CASE_B);
    await w.deliver(pgpMimeMail({ from: ACME, subject: `Re: [${CASE_B}]`, messageId: '<a3@acme.test>' }, await encryptEntity(w, textPart(replyForm(CASE_B, 'investigating', ['Vendor reference: psirt-2027-0099'])), w.acme)));
    expect(await w.snapshot(CASE_B)).toEqual(before);
    expect(await vendorReferencesOfCase(w.db, CASE_B)).toEqual(new Map());
    expect(await vendorReferencesOfCase(w.db, CASE_A)).toEqual(new Map([['acme', ['PSIRT-2027-0099']]]));
    expect((await w.timeline('reply-refused')).map((t) => t.data.reason).pop()).toBe('case-conflict');
  }, 60_000);

  it('a vendor not on a case cannot give that case a reference (its reply is out of scope)', async () => {
    await w.deliver(pgpMimeMail({ from: EVIL, subject: `Re: [${CASE_B}]`, messageId: '<e2@evil.test>' }, await encryptEntity(w, textPart(replyForm(CASE_B, 'affected', ['Vendor reference: EVIL-7'])), w.evil)));
    expect(await vendorReferencesOfCase(w.db, CASE_B)).toEqual(new Map());
    expect((await w.snapshot(CASE_B)).vendors.map((v) => v.id)).toEqual(['acme']);
  }, 60_000);
});
