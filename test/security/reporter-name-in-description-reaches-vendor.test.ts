// Attack (issue 9 §5): the reporter, who did not consent to share their identity with
// vendors, types their name and address into the description of the report. Before the
// guard, the vendor notice quoted the description, so the vendor learned who reported.
// Now the vendor notice is held, the coordinators are told which field (never the name),
// and only a coordinator's X-RELEASE sends it, exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACME, identityDesk, productReport, SATO, type IdentityDesk } from '../support/identity-desk.ts';

let t: IdentityDesk;
beforeAll(async () => {
  t = await identityDesk();
}, 120_000);
afterAll(async () => t?.close());

describe('reporter name in the description reaches the vendor', () => {
  it('holds the vendor notice, alerts the coordinators with the field, and X-RELEASE sends it once', async () => {
    const caseId = await t.report(productReport({ summary: 'SQL injection in the search API, found by Taro Yamada (taro@reporter.test) on 2026-11-30.' }), '<name-desc-1@reporter.test>');
    const before = t.sent.length;
    await t.command(`X-CASE: ${caseId}\nX-ADD-VENDOR: acme\n`, '<name-desc-cmd-1@coord.test>');

    // Nothing reached the vendor.
    expect(t.sent.slice(before).filter((m) => m.to.includes(ACME))).toEqual([]);
    const [held] = await t.db.query<{ id: string; state: string }>(`SELECT id, state FROM notices WHERE case_id = $1 AND kind = 'vendor-notify'`, [caseId]);
    expect(held?.state).toBe('withheld');
    const [hold] = await t.db.query<{ ref: string; hits: { field: string; kind: string }[] }>('SELECT ref, hits FROM identity_holds WHERE notice_id = $1', [held!.id]);
    expect(hold!.hits).toEqual(expect.arrayContaining([{ field: 'summary', kind: 'name' }]));

    // The coordinators are told: the field and the hold, never the name itself.
    const alerts = (await t.readAll(SATO, before)).filter((m) => m.messageId.startsWith('<coord-alert.'));
    const alert = alerts.find((a) => a.text.includes(hold!.ref));
    expect(alert, 'an alert naming the hold').toBeDefined();
    expect(alert!.text).toMatch(/summary/);
    expect(alert!.text).toMatch(/発見者の身元|reporter's identity/);
    expect(alert!.text).not.toMatch(/yamada/i);

    // X-RELEASE: sent as is, once; recorded.
    const mark = t.sent.length;
    await t.command(`X-CASE: ${caseId}\nX-RELEASE: ${hold!.ref}\n`, '<name-desc-cmd-2@coord.test>');
    const toVendor = await t.readAll(ACME, mark);
    expect(toVendor.map((m) => m.messageId)).toEqual([held!.id]);
    expect(toVendor[0]!.text).toContain('Taro Yamada');
    const [timeline] = await t.db.query<{ actor: string }>(`SELECT actor FROM timeline WHERE case_id = $1 AND event = 'identity-hold-released'`, [caseId]);
    expect(timeline?.actor).toBe('coordinator:Sato');

    // A second release sends nothing again. (Its text differs from the first: the same
    // text signed within the same second is the same signature, a replay, refused earlier.)
    const mark2 = t.sent.length;
    await t.command(`X-CASE: ${caseId}\nX-送信承認: ${hold!.ref}\n`, '<name-desc-cmd-3@coord.test>');
    expect(t.sent.slice(mark2).filter((m) => m.to.includes(ACME))).toEqual([]);
    const confirmation = (await t.readAll(SATO, mark2)).find((m) => m.messageId.startsWith('<command-confirmation.'));
    expect(confirmation?.text).toMatch(/already released|既に送信済み/);
  }, 120_000);
});
