// Attack (issue 12; mail-protocol §7): a partner's key speaks only for that partner's cases.
// "Other CSIRT" opened a case (its id OC-2027-001). CERT/CC — a registered partner, its
// pinned key, signed and encrypted — writes about Other's case by Other's id, by the
// desk's id of it, and sends a case form whose text names Other's id. None of these reach
// that case or open one; each is refused with `foreign-reference`, answered to CERT/CC
// only, and the coordinators see no correspondence on Other's case.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseByPartnerRef } from '../../src/store/partners.ts';
import { CERTCC, decryptNotice, embargoIn, OTHER, partnerForm, partnerMail, partnerWorld, type PartnerWorld } from '../support/partner-desk.ts';

let w: PartnerWorld;
let otherCase: string;
beforeAll(async () => {
  w = await partnerWorld();
  await w.deliver(await partnerMail(w, OTHER, w.other, partnerForm('OC-2027-001', embargoIn(30).written), '<o1@other-csirt.test>'));
  otherCase = (await caseByPartnerRef(w.db, 'other', 'OC-2027-001'))!;
}, 90_000);
afterAll(async () => w?.close());

const forwarded = async (): Promise<number> => (await w.notices('correspondence')).filter((n) => n.id.includes(otherCase)).length;
const refusals = async (): Promise<(string | undefined)[]> => (await w.timeline('partner-mail-refused')).map((t) => t.data.reason);

describe("a partner's signed mail naming another partner's case", () => {
  it('the other partner has its case', () => {
    expect(otherCase).toMatch(/^VR-\d{4}-\d{4}$/);
  });

  it("by the other partner's id: refused, nothing reaches the case", async () => {
    await w.deliver(await partnerMail(w, CERTCC, w.certcc, 'About OC-2027-001: please send us the vendor statuses.\n', '<c1@certcc.test>', 'Re: OC-2027-001'));
    expect(await forwarded()).toBe(0);
    expect(await refusals()).toEqual(['foreign-reference']);
    const answer = (await w.notices('partner-answer')).filter((n) => n.recipient === CERTCC);
    expect(answer).toHaveLength(1);
    expect(await decryptNotice(answer[0]!.raw, w.certcc)).toContain('not one of your cases');
    expect((await w.notices('partner-answer')).filter((n) => n.recipient === OTHER)).toHaveLength(1); // only Other's own "opened"
  }, 60_000);

  it("by the desk's id of the other partner's case: refused the same way", async () => {
    await w.deliver(await partnerMail(w, CERTCC, w.certcc, `Case ${otherCase}: status please.\n`, '<c2@certcc.test>', `Re: [${otherCase}]`));
    expect(await forwarded()).toBe(0);
    expect(await refusals()).toEqual(['foreign-reference', 'foreign-reference']);
  }, 60_000);

  it("a case form of its own that also names the other's id: refused, no case opened", async () => {
    const before = (await w.db.query('SELECT 1 FROM cases')).length;
    await w.deliver(await partnerMail(w, CERTCC, w.certcc, partnerForm('VU#400001', embargoIn(30).written, ['ACME'], ['Related: OC-2027-001']), '<c3@certcc.test>'));
    expect((await w.db.query('SELECT 1 FROM cases')).length).toBe(before);
    expect(await caseByPartnerRef(w.db, 'certcc', 'VU#400001')).toBeNull();
    expect(await refusals()).toEqual(['foreign-reference', 'foreign-reference', 'foreign-reference']);
  }, 60_000);
});
