// Attack (issue 9 §5): a coordinator's X-RELAY to a vendor quotes the reporter by name in
// the other word order, full-width or run together ("Yamada Taro", "ＹＡＭＡＤＡ ｔａｒｏ" with an ideographic space,
// "太郎山田"), which an exact match of the form's "Taro Yamada" / "山田 太郎" misses. The
// relay is refused before anything is applied (the confirmation says why) and nothing
// reaches the vendor; the same text goes once the reporter's name is taken out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACME, identityDesk, productReport, SATO, type IdentityDesk } from '../support/identity-desk.ts';

let t: IdentityDesk;
let caseId: string;
beforeAll(async () => {
  t = await identityDesk();
  caseId = await t.report(productReport({ summary: 'SQL injection in the search API.' }), '<relay-1@reporter.test>');
  await t.command(`X-CASE: ${caseId}\nX-ADD-VENDOR: acme\n`, '<relay-cmd-0@coord.test>');
}, 120_000);
afterAll(async () => t?.close());

describe('reporter name in reversed order in a relay', () => {
  it.each([
    ['reversed', 'Yamada Taro asks which build you tested.'],
    ['full-width, mixed case', 'ＹＡＭＡＤＡ　ｔａｒｏ asks which build you tested.'],
    ['comma', 'Per YAMADA, Taro: which build did you test?'],
    ['family name alone', 'Mr. Yamada asks which build you tested.'],
  ])('%s: refused, nothing relayed', async (_name, text) => {
    const mark = t.sent.length;
    await t.command(`X-CASE: ${caseId}\nX-RELAY: acme ${text}\n`, `<relay-cmd-${_name.replace(/\W/g, '')}@coord.test>`);
    expect(t.sent.slice(mark).filter((m) => m.to.includes(ACME))).toEqual([]);
    const confirmation = (await t.readAll(SATO, mark)).find((m) => m.messageId.startsWith('<command-confirmation.'));
    expect(confirmation?.text).toMatch(/発見者の氏名または連絡先|identifies the reporter/);
    const relays = await t.db.query(`SELECT id FROM notices WHERE case_id = $1 AND kind = 'relay'`, [caseId]);
    expect(relays).toEqual([]);
  }, 60_000);

  it('the same question without the name is relayed once', async () => {
    const mark = t.sent.length;
    await t.command(`X-CASE: ${caseId}\nX-RELAY: acme The reporter asks which build you tested.\n`, '<relay-cmd-ok@coord.test>');
    const got = await t.readAll(ACME, mark);
    expect(got).toHaveLength(1);
    expect(got[0]!.text).toContain('The reporter asks which build you tested.');
  }, 60_000);
});
