// Attack (issue 9 §5): the reporter consented to share their identity with vendors, and
// typed their address into the summary. The vendor notice may carry it (consent), but the
// advisory is the public text: before the guard, every party's copy of the advisory quoted
// the summary with the address. Now the vendors' copies are held (the reporter's and the
// coordinators' go), and X-REDACT masks the address and sends it, exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACME, identityDesk, productReport, REPORTER, SATO, type IdentityDesk } from '../support/identity-desk.ts';

let t: IdentityDesk;
beforeAll(async () => {
  t = await identityDesk();
}, 120_000);
afterAll(async () => t?.close());

describe('reporter email in free text reaches the advisory', () => {
  it('holds the vendor copy of the advisory whatever the consent; X-REDACT masks the address and sends it once', async () => {
    const caseId = await t.report(
      productReport({ summary: 'SQL injection in the search API. Questions: ＴＡＲＯ＠ＲＥＰＯＲＴＥＲ．ＴＥＳＴ', shareIdentity: true }),
      '<adv-1@reporter.test>',
    );
    let mark = t.sent.length;
    await t.command(`X-CASE: ${caseId}\nX-ADD-VENDOR: acme\n`, '<adv-cmd-1@coord.test>');
    // Consent: the vendor notice goes, address and all.
    const notify = await t.readAll(ACME, mark);
    expect(notify).toHaveLength(1);
    expect(notify[0]!.text).toContain(REPORTER);

    mark = t.sent.length;
    // The agreed date is today (JST), so the case may be published now.
    const today = new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);
    await t.command(`X-CASE: ${caseId}\nX-SET-DATE: ${today}\nX-PUBLISH\n`, '<adv-cmd-2@coord.test>');
    // The vendor gets no advisory; the reporter and the coordinator do.
    expect((await t.readAll(ACME, mark)).filter((m) => m.messageId.startsWith('<advisory.'))).toEqual([]);
    expect((await t.readAll(REPORTER, mark)).filter((m) => m.messageId.startsWith('<advisory.'))).toHaveLength(1);
    const [held] = await t.db.query<{ id: string; state: string }>(`SELECT id, state FROM notices WHERE case_id = $1 AND kind = 'advisory' AND recipient = $2`, [caseId, ACME]);
    expect(held?.state).toBe('withheld');
    const [hold] = await t.db.query<{ ref: string; audience: string; hits: unknown }>('SELECT ref, audience, hits FROM identity_holds WHERE notice_id = $1', [held!.id]);
    expect(hold?.audience).toBe('public');
    expect(hold?.hits).toEqual([{ field: 'summary', kind: 'email' }]);
    const alert = (await t.readAll(SATO, mark)).find((m) => m.messageId.startsWith('<coord-alert.') && m.text.includes(hold!.ref));
    expect(alert?.text).toMatch(/summary/);
    expect(alert?.text.toLowerCase()).not.toContain('taro@');

    // X-REDACT (Japanese spelling 墨消し): masked, sent once, recorded.
    mark = t.sent.length;
    await t.command(`X-CASE: ${caseId}\nX-墨消し: ${hold!.ref}\n`, '<adv-cmd-3@coord.test>');
    const advisory = await t.readAll(ACME, mark);
    expect(advisory.map((m) => m.messageId)).toEqual([held!.id]);
    expect(advisory[0]!.text).toContain('SQL injection in the search API.');
    expect(advisory[0]!.text.normalize('NFKC').toLowerCase()).not.toContain('taro@reporter.test');
    expect(advisory[0]!.text).toMatch(/発見者情報を削除|reporter's details removed/);
    const events = await t.db.query<{ event: string }>(`SELECT event FROM timeline WHERE case_id = $1 AND event LIKE 'identity-hold-%'`, [caseId]);
    expect(events.map((e) => e.event)).toEqual(['identity-hold-redacted']);

    mark = t.sent.length;
    await t.command(`X-CASE: ${caseId}\nX-RELEASE: ${hold!.ref}\n`, '<adv-cmd-4@coord.test>');
    expect(t.sent.slice(mark).filter((m) => m.to.includes(ACME))).toEqual([]);
  }, 120_000);
});
