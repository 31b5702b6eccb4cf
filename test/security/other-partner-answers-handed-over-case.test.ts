// Attack (issue 12 "Outbound"; mail-protocol §7; issue 9 §1-3): a case is handed over to
// CERT/CC (X-HANDOVER). Others try to answer for CERT/CC, to tie their own case id to the
// desk's case (then their later mail would be matched to it) or to push a publication date:
// - "Other CSIRT", a registered partner signing with its own pinned key, names the desk's id;
// - a mail From: CERT/CC, encrypted to the desk but unsigned;
// - a mail From: CERT/CC signed by Mallory, whose key the desk knows (not a partner's);
// - CERT/CC itself, about a case that was never handed over to it.
// None links a partner id, records an answer or alerts a date; only CERT/CC's own signed
// answer on its own handed-over case does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseByPartnerRef, partnersOfCase } from '../../src/store/partners.ts';
import { listTimeline } from '../../src/store/repo.ts';
import { encryptEntity, pgpMimeMail, textPart } from '../support/authority-desk.ts';
import { command, handoverCase, handoverNotices } from '../support/handover-desk.ts';
import { CERTCC, OTHER, partnerMail, partnerWorld, type PartnerWorld } from '../support/partner-desk.ts';

let w: PartnerWorld;
const HANDED = 'VR-2026-0201';
const NOT_HANDED = 'VR-2026-0202';
beforeAll(async () => {
  w = await partnerWorld();
  await handoverCase(w, HANDED);
  await handoverCase(w, NOT_HANDED);
  await command(w, HANDED, ['X-HANDOVER: certcc']);
}, 90_000);
afterAll(async () => w?.close());

const answer = (caseId: string, ref: string): string => [`Desk case ID: ${caseId}`, 'Status: accepted', `Partner case ID: ${ref}`, 'Requested date: 2027-05-01'].join('\n') + '\n';
const answers = async (caseId: string): Promise<unknown[]> => (await listTimeline(w.db, caseId, { limit: 1000 })).filter((t) => t.event === 'partner-handover-answer').map((t) => t.data);
const dateAlerts = async (): Promise<number> => (await w.notices('coord-alert')).filter((n) => n.id.includes('handover-date')).length;

describe('answers for a handed-over case from anyone but its partner', () => {
  it('the case was handed over to CERT/CC', async () => {
    expect(await handoverNotices(w, HANDED)).toHaveLength(1);
  });

  it("another registered partner's signed answer naming the desk id: refused (foreign-reference), nothing linked", async () => {
    await w.deliver(await partnerMail(w, OTHER, w.other, answer(HANDED, 'OC-2027-555'), '<x1@other-csirt.test>', `Re: [${HANDED}]`));
    expect(await caseByPartnerRef(w.db, 'other', 'OC-2027-555')).toBeNull();
    expect(await partnersOfCase(w.db, HANDED)).toEqual([]);
    expect(await answers(HANDED)).toEqual([]);
    expect(await dateAlerts()).toBe(0);
    expect((await w.timeline('partner-mail-refused')).map((t) => t.data.reason)).toEqual(['foreign-reference']);
  }, 60_000);

  it('an unsigned mail From: CERT/CC, encrypted to the desk: nothing', async () => {
    await w.deliver(pgpMimeMail({ from: CERTCC, subject: `Re: [${HANDED}]`, messageId: '<x2@certcc.test>' }, await encryptEntity(w, textPart(answer(HANDED, 'VU#666001')))));
    expect(await caseByPartnerRef(w.db, 'certcc', 'VU#666001')).toBeNull();
    expect(await answers(HANDED)).toEqual([]);
    expect(await dateAlerts()).toBe(0);
  }, 60_000);

  it("a mail From: CERT/CC signed by a key the desk knows but no partner's: nothing", async () => {
    await w.deliver(await partnerMail(w, CERTCC, w.mallory, answer(HANDED, 'VU#666002'), '<x3@certcc.test>', `Re: [${HANDED}]`));
    expect(await caseByPartnerRef(w.db, 'certcc', 'VU#666002')).toBeNull();
    expect(await answers(HANDED)).toEqual([]);
    expect(await dateAlerts()).toBe(0);
  }, 60_000);

  it('CERT/CC about a case never handed over to it: refused (foreign-reference)', async () => {
    await w.deliver(await partnerMail(w, CERTCC, w.certcc, answer(NOT_HANDED, 'VU#666003'), '<x4@certcc.test>', `Re: [${NOT_HANDED}]`));
    expect(await caseByPartnerRef(w.db, 'certcc', 'VU#666003')).toBeNull();
    expect(await answers(NOT_HANDED)).toEqual([]);
    expect((await w.timeline('partner-mail-refused')).map((t) => t.data.reason)).toEqual(['foreign-reference', 'foreign-reference']);
  }, 60_000);

  it("CERT/CC's own signed answer on its handed-over case is read once; its signature replayed changes nothing more", async () => {
    const signed = await encryptEntity(w, textPart(answer(HANDED, 'VU#666004')), w.certcc);
    await w.deliver(pgpMimeMail({ from: CERTCC, subject: `Re: [${HANDED}]`, messageId: '<x5@certcc.test>' }, signed));
    // The checks above can fail: the genuine answer links the id, records it, alerts the date.
    expect(await caseByPartnerRef(w.db, 'certcc', 'VU#666004')).toBe(HANDED);
    expect(await answers(HANDED)).toHaveLength(1);
    expect(await dateAlerts()).toBe(1);
    // The same signed, encrypted bytes in a new envelope (new Message-ID): the signature is claimed once.
    await w.deliver(pgpMimeMail({ from: CERTCC, subject: 'Re: status', messageId: '<x6@evil.test>' }, signed));
    expect(await answers(HANDED)).toHaveLength(1);
    expect(await dateAlerts()).toBe(1);
  }, 60_000);
});
