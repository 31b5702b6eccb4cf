// Attack (issue 9 §2): a vendor reply signed long ago (kept by someone since) is sent now.
// Replies have an age limit like commands (trust.replyMaxAgeHours, 168 by default), and a
// signature dated in the future beyond the skew is refused too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACME, authorityWorld, CASE_A, clearMail, clearsigned, encryptEntity, pgpMimeMail, replyForm, textPart, vendorOn, type AuthorityWorld } from '../support/authority-desk.ts';

const HOUR = 3_600_000;
let w: AuthorityWorld;
beforeAll(async () => {
  w = await authorityWorld();
}, 60_000);
afterAll(async () => w?.close());

describe('an old vendor reply', () => {
  it('signed 8 days ago is refused as signature-too-old and changes nothing', async () => {
    const before = await vendorOn(w, CASE_A, 'acme');
    const signedAt = new Date(Date.now() - 8 * 24 * HOUR);
    await w.deliver(pgpMimeMail({ from: ACME, subject: 'reply', messageId: '<old-1@acme.test>' }, await encryptEntity(w, textPart(replyForm(CASE_A, 'not affected')), w.acme, signedAt)));
    await w.deliver(clearMail({ from: ACME, subject: 'reply', messageId: '<old-2@acme.test>' }, textPart(await clearsigned(replyForm(CASE_A, 'not affected'), w.acme, signedAt))));
    expect(await vendorOn(w, CASE_A, 'acme')).toEqual(before);
    expect(await w.notices('vendor-reply-recorded')).toEqual([]);
    expect((await w.timeline('reply-refused')).map((r) => r.data.reason)).toEqual(['signature-too-old', 'signature-too-old']);
  }, 60_000);

  it('one signed 6 days ago is within the week and applied', async () => {
    await w.deliver(pgpMimeMail({ from: ACME, subject: 'reply', messageId: '<old-3@acme.test>' }, await encryptEntity(w, textPart(replyForm(CASE_A, 'investigating')), w.acme, new Date(Date.now() - 6 * 24 * HOUR))));
    expect(await vendorOn(w, CASE_A, 'acme')).toMatchObject({ status: 'investigating' });
  }, 60_000);

  it('one signed an hour ahead of the desk clock is refused as signature-in-future; five minutes ahead is tolerated', async () => {
    w.now = new Date(Date.now() - 61 * 60_000); // the desk's clock runs 61 minutes behind
    try {
      const before = await vendorOn(w, CASE_A, 'acme');
      await w.deliver(pgpMimeMail({ from: ACME, subject: 'reply', messageId: '<old-4@acme.test>' }, await encryptEntity(w, textPart(replyForm(CASE_A, 'fixed')), w.acme)));
      expect(await vendorOn(w, CASE_A, 'acme')).toEqual(before);
      expect((await w.timeline('reply-refused')).map((r) => r.data.reason).slice(2)).toEqual(['signature-in-future']);
      w.now = new Date(Date.now() - 5 * 60_000); // five minutes behind: within trust.maxFutureMinutes
      await w.deliver(pgpMimeMail({ from: ACME, subject: 'reply', messageId: '<old-5@acme.test>' }, await encryptEntity(w, textPart(replyForm(CASE_A, 'fixed')), w.acme)));
      expect(await vendorOn(w, CASE_A, 'acme')).toMatchObject({ status: 'fixed' });
    } finally {
      w.now = null;
    }
  }, 60_000);
});
