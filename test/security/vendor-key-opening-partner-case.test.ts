// Attack (issue 12): a registered vendor (ACME: its pinned key, its registered address,
// signed and encrypted) sends the partner case form, posing as an overseas coordinator to
// open a case whose date it sets and whose other vendors it learns of. Only a partner's
// pinned key opens a partner case: no case is linked to any partner, no vendor is
// notified, no partner answer is sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACME } from '../support/authority-desk.ts';
import { embargoIn, partnerForm, partnerMail, partnerWorld, type PartnerWorld } from '../support/partner-desk.ts';

let w: PartnerWorld;
beforeAll(async () => {
  w = await partnerWorld();
}, 60_000);
afterAll(async () => w?.close());

describe('a vendor-pinned key sending a partner case form', () => {
  it('opens no partner case and notifies nobody', async () => {
    const notifiesBefore = (await w.notices('vendor-notify')).length;
    await w.deliver(await partnerMail(w, ACME, w.acme, partnerForm('VU#500001', embargoIn(20).written, ['Evil']), '<v1@acme.test>'));
    expect(await w.db.query('SELECT * FROM case_partners')).toEqual([]);
    expect((await w.notices('vendor-notify')).length).toBe(notifiesBefore);
    expect(await w.notices('partner-answer')).toEqual([]);
    expect(await w.timeline('partner-case-opened')).toEqual([]);
    // No case of any kind names Evil as its vendor because of this mail.
    expect((await w.db.query<{ id: string }>(`SELECT id FROM cases WHERE report->'extra'->>'partner' IS NOT NULL`)).length).toBe(0);
  }, 60_000);
});
