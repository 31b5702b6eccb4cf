// Attack (issue 12; issue 9 §2): a partner's genuine signed case form was applied once.
// Whoever holds its signed content sends it again — the same encrypted payload in a new
// envelope (new Message-ID and Subject), and the signed part re-encrypted alone — hoping for
// a second case, a second round of vendor notifications, or a second answer. The signature
// is remembered: each replay is refused with `replayed-signature` and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseByPartnerRef } from '../../src/store/partners.ts';
import { encryptEntity, pgpMimeMail, signedPart, textPart } from '../support/authority-desk.ts';
import { CERTCC, embargoIn, partnerForm, partnerWorld, type PartnerWorld } from '../support/partner-desk.ts';

let w: PartnerWorld;
beforeAll(async () => {
  w = await partnerWorld();
}, 60_000);
afterAll(async () => w?.close());

const count = async (sql: string): Promise<number> => (await w.db.query(sql)).length;

describe('a partner case mail replayed', () => {
  it('opens the case once, then never again', async () => {
    const signed = await signedPart(textPart(partnerForm('VU#600001', embargoIn(25).written)), w.certcc);
    const payload = await encryptEntity(w, signed);
    await w.deliver(pgpMimeMail({ from: CERTCC, subject: 'New case', messageId: '<r1@certcc.test>' }, payload));
    expect(await caseByPartnerRef(w.db, 'certcc', 'VU#600001')).not.toBeNull();
    const cases = await count('SELECT 1 FROM cases');
    const notifies = (await w.notices('vendor-notify')).length;
    const answers = (await w.notices('partner-answer')).length;
    expect(notifies).toBe(2);

    // 1. the same encrypted payload in a new envelope
    await w.deliver(pgpMimeMail({ from: CERTCC, subject: 'New case (resent)', messageId: '<r2@evil.test>' }, payload));
    // 2. the signed part alone, re-encrypted
    await w.deliver(pgpMimeMail({ from: CERTCC, subject: 'Fwd: New case', messageId: '<r3@evil.test>' }, await encryptEntity(w, signed)));

    expect(await count('SELECT 1 FROM cases')).toBe(cases);
    expect((await w.notices('vendor-notify')).length).toBe(notifies);
    expect((await w.notices('partner-answer')).length).toBe(answers);
    expect((await w.timeline('partner-mail-refused')).map((t) => t.data.reason)).toEqual(['replayed-signature', 'replayed-signature']);
  }, 90_000);

  it('a partner mail signed but not encrypted is refused too (the gate needs encryption)', async () => {
    const signed = await signedPart(textPart(partnerForm('VU#600002', embargoIn(25).written)), w.certcc);
    await w.deliver(Buffer.from(`From: <${CERTCC}>\r\nTo: desk@madoguchi.test\r\nSubject: clear\r\nMessage-ID: <r4@certcc.test>\r\nMIME-Version: 1.0\r\n${signed}`));
    expect(await caseByPartnerRef(w.db, 'certcc', 'VU#600002')).toBeNull();
    expect((await w.timeline('partner-mail-refused')).map((t) => t.data.reason)).toContain('not-encrypted');
  }, 60_000);
});
