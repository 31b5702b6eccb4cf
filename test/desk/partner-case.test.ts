// issue 12 (guideline §5): a partner CSIRT's signed, encrypted case form opens a
// product-track case with the partner's embargo as the agreed date; the two domestic
// vendors it names are notified with that date; the partner is answered with both ids;
// a second mail naming the same partner id is correspondence on that case.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCalendarDays, jstDate, jstStartOfDay } from '../../src/domain/clock.ts';
import { caseByPartnerRef } from '../../src/store/partners.ts';
import { ACME, EVIL, SATO } from '../support/authority-desk.ts';
import { CERTCC, decryptNotice, innerSubject, embargoIn, partnerForm, partnerMail, partnerWorld, type PartnerWorld } from '../support/partner-desk.ts';

let w: PartnerWorld;
beforeAll(async () => {
  w = await partnerWorld();
}, 60_000);
afterAll(async () => w?.close());

const embargo = embargoIn(40);
// 15:00 -04:00 is 04:00 JST: the tick publishes at the start of the agreed JST day, so the
// agreed day is the next one (never five hours before the embargo).
const date = addCalendarDays(jstDate(embargo.at), 1);

describe('a partner case opened from the form', () => {
  let caseId: string;

  it('opens a product case linked to the partner id, with the partner embargo as the agreed date', async () => {
    await w.deliver(await partnerMail(w, CERTCC, w.certcc, partnerForm('VU#123456', embargo.written), '<p1@certcc.test>'));
    caseId = (await caseByPartnerRef(w.db, 'certcc', 'VU#123456'))!;
    expect(caseId).toMatch(/^VR-\d{4}-0003$/);
    const s = await w.snapshot(caseId);
    expect(s.publication).toEqual({ proposed: null, proposedBy: null, agreed: date });
    expect(jstStartOfDay(date).getTime()).toBeGreaterThanOrEqual(embargo.at.getTime());
    expect(s.em).toBe('active');
    expect(s.vendors.map((v) => [v.id, v.coordination]).sort()).toEqual([
      ['acme', 'notified'],
      ['evil', 'notified'],
    ]);
    // Not the 45-day default.
    expect(date).not.toBe(jstDate(new Date(Date.now() + 45 * 86_400_000)));
  }, 60_000);

  it('notifies both vendors with the partner date, encrypted to each (no reporter identity)', async () => {
    const notices = (await w.notices('vendor-notify')).filter((n) => n.id.includes(caseId));
    expect(notices.map((n) => n.recipient).sort()).toEqual([ACME, EVIL]);
    for (const [addr, key] of [[ACME, w.acme], [EVIL, w.evil]] as const) {
      const text = await decryptNotice(notices.find((n) => n.recipient === addr)!.raw, key);
      expect(text).toContain(caseId);
      const [y, m, d] = date.split('-');
      expect(text.includes(date) || text.includes(`${y!}年${String(Number(m))}月${String(Number(d))}日`), text).toBe(true);
      expect(text).not.toContain('certcc');
    }
  }, 60_000);

  it('tells the coordinators it is a partner case, with both ids in the subject', async () => {
    const [n] = (await w.notices('coord-new-case')).filter((x) => x.id.includes(caseId));
    expect(n?.recipient).toBe(SATO);
    const text = await decryptNotice(n!.raw, w.sato);
    expect(text).toContain('連携機関の案件');
    expect(text).toContain('VU#123456');
    expect(innerSubject(text)).toContain(`[${caseId}] [VU#123456]`);
  }, 60_000);

  it('answers the partner, encrypted, with both ids and the date', async () => {
    const [n] = (await w.notices('partner-answer')).filter((x) => x.id.includes(caseId));
    expect(n?.recipient).toBe(CERTCC);
    const text = await decryptNotice(n!.raw, w.certcc);
    expect(text).toContain(caseId);
    expect(text).toContain('VU#123456');
    expect(text).toContain(date);
    expect(text).toContain('ACME');
  }, 60_000);

  it('a second mail with the same partner id is correspondence on the case, not a new case', async () => {
    const before = (await w.db.query<{ n: string }>('SELECT count(*)::text AS n FROM cases'))[0]!.n;
    await w.deliver(await partnerMail(w, CERTCC, w.certcc, 'About VU#123456: the reporter found a second variant.\n', '<p2@certcc.test>', 'Re: VU#123456'));
    expect((await w.db.query<{ n: string }>('SELECT count(*)::text AS n FROM cases'))[0]!.n).toBe(before);
    const fwd = (await w.notices('correspondence')).filter((x) => x.id.includes(caseId));
    expect(fwd).toHaveLength(1);
    const text = await decryptNotice(fwd[0]!.raw, w.sato);
    expect(text).toContain('second variant');
    expect(text).toContain('VU#123456');
  }, 60_000);

  it('the desk id alone matches the case too', async () => {
    await w.deliver(await partnerMail(w, CERTCC, w.certcc, `Case ${caseId}: any news?\n`, '<p3@certcc.test>', 'status?'));
    expect((await w.notices('correspondence')).filter((x) => x.id.includes(caseId))).toHaveLength(2);
  }, 60_000);
});

describe('a partner form the desk cannot take', () => {
  it('an embargo in the past: refused with the reason, answered encrypted, no case', async () => {
    await w.deliver(await partnerMail(w, CERTCC, w.certcc, partnerForm('VU#200001', '2020-01-10 15:00 -04:00'), '<p4@certcc.test>'));
    expect(await caseByPartnerRef(w.db, 'certcc', 'VU#200001')).toBeNull();
    const n = (await w.notices('partner-answer')).pop()!;
    const text = await decryptNotice(n.raw, w.certcc);
    expect(text).toContain('embargo is already past');
    expect((await w.timeline('partner-mail-refused')).map((t) => t.data.reason)).toContain('embargo-past');
  }, 60_000);

  it('an embargo without a zone and a missing summary: the fields and codes, no case', async () => {
    const body = ['Partner case ID: VU#200002', 'Embargo: 2027-03-01 15:00', 'Products: Acme Router', 'Vendors: ACME'].join('\n') + '\n';
    await w.deliver(await partnerMail(w, CERTCC, w.certcc, body, '<p5@certcc.test>'));
    expect(await caseByPartnerRef(w.db, 'certcc', 'VU#200002')).toBeNull();
    const text = await decryptNotice((await w.notices('partner-answer')).pop()!.raw, w.certcc);
    expect(text).toContain('embargo: embargo-no-zone: has no time zone; please add the offset (for example -04:00, +09:00, or UTC)');
    expect(text).toContain('- summary');
    expect(text).toContain('VU#200002');
  }, 60_000);

  it('a vendor the registry does not know goes to the coordinators; the known one is notified', async () => {
    await w.deliver(await partnerMail(w, CERTCC, w.certcc, partnerForm('VU#200003', embargo.written, ['ACME', 'Nobody Networks']), '<p6@certcc.test>'));
    const id = (await caseByPartnerRef(w.db, 'certcc', 'VU#200003'))!;
    expect((await w.snapshot(id)).vendors.map((v) => v.id)).toEqual(['acme']);
    const text = await decryptNotice((await w.notices('partner-answer')).filter((n) => n.id.includes(id))[0]!.raw, w.certcc);
    expect(text).toContain('Nobody Networks');
  }, 60_000);
});
