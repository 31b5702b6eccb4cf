// Attack (issue 9 §3): ACME's genuine signed reply about case A is re-sent (or rewritten on
// the way) under an outer Subject tagged with case B, ACME's other case. Before, the
// outer tag won over the signed Case ID and the reply moved ACME's record in case B.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACME, authorityWorld, CASE_A, CASE_B, clearMail, clearsigned, encryptEntity, pgpMimeMail, replyForm, textPart, vendorOn, type AuthorityWorld } from '../support/authority-desk.ts';

let w: AuthorityWorld;
beforeAll(async () => {
  w = await authorityWorld();
}, 60_000);
afterAll(async () => w?.close());

describe('an outer Subject naming another case', () => {
  it('never chooses the case: the reply lands on the case its signed text names, B is untouched', async () => {
    const b = await vendorOn(w, CASE_B, 'acme');
    await w.deliver(pgpMimeMail({ from: ACME, subject: `[${CASE_B}] Re: notification`, messageId: '<s-1@acme.test>' }, await encryptEntity(w, textPart(replyForm(CASE_A, 'fixed')), w.acme)));
    expect(await vendorOn(w, CASE_B, 'acme')).toEqual(b);
    expect(await vendorOn(w, CASE_A, 'acme')).toMatchObject({ status: 'fixed' });
    expect((await w.notices('vendor-reply-recorded')).map((n) => n.id)).toEqual([expect.stringContaining(CASE_A)]);
  }, 60_000);

  it('a signed text that names no case is refused (no-case), whatever the outer Subject says', async () => {
    const b = await vendorOn(w, CASE_B, 'acme');
    const body = await clearsigned('Status: not affected\n', w.acme);
    await w.deliver(clearMail({ from: ACME, subject: `[${CASE_B}] Re: notification`, messageId: '<s-2@acme.test>' }, textPart(body)));
    expect(await vendorOn(w, CASE_B, 'acme')).toEqual(b);
    expect((await w.timeline('reply-refused')).map((r) => r.data.reason)).toEqual(['no-case']);
  }, 60_000);

  it('free text naming its case only in the outer Subject is refused (no-case) and the vendor told why, not screened as a report', async () => {
    const b = await vendorOn(w, CASE_B, 'acme');
    await w.deliver(pgpMimeMail({ from: ACME, subject: `[${CASE_B}] question`, messageId: '<s-2b@acme.test>' }, await encryptEntity(w, textPart('Could the finder tell us the exact build number?\n'), w.acme)));
    expect(await vendorOn(w, CASE_B, 'acme')).toEqual(b);
    expect((await w.timeline('reply-refused')).map((r) => r.data.reason)).toEqual(['no-case', 'no-case']);
    expect(await w.notices('signed-mail-not-applied')).toHaveLength(2);
    expect(await w.notices('missing')).toEqual([]);
  }, 60_000);

  it('In-Reply-To naming a notice of another case than the signed text is a conflict', async () => {
    const b = await vendorOn(w, CASE_B, 'acme');
    const a = await vendorOn(w, CASE_A, 'acme');
    await w.deliver(
      pgpMimeMail(
        { from: ACME, subject: 'Re: notification', messageId: '<s-3@acme.test>', extraHeaders: [`In-Reply-To: <vendor-notify.${CASE_B}.acme@madoguchi.test>`] },
        await encryptEntity(w, textPart(replyForm(CASE_A, 'investigating')), w.acme),
      ),
    );
    expect(await vendorOn(w, CASE_B, 'acme')).toEqual(b);
    expect(await vendorOn(w, CASE_A, 'acme')).toEqual(a);
    expect((await w.timeline('reply-refused')).map((r) => r.data.reason)).toEqual(['no-case', 'no-case', 'case-conflict']);
  }, 60_000);
});
