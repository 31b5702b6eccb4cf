// Attack (issue 9 §5): the product name of a case, once published on the public list of
// unreachable vendors (guideline §3.7), carries the reporter's name ("Mail Server (Taro
// Yamada's fork)"). The public never gets the reporter's identity, consent or not: the
// vendor stays listed, the product name is left out, and the timeline says so once.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSnapshot, saveSnapshot } from '../../src/desk/coordination.ts';
import { identityDesk, productReport, type IdentityDesk } from '../support/identity-desk.ts';

let t: IdentityDesk;
beforeAll(async () => {
  t = await identityDesk();
}, 120_000);
afterAll(async () => t?.close());

describe('reporter name in the product name reaches the public unreachable list', () => {
  it('lists the vendor without the product name; a clean product name is listed', async () => {
    const listed = async (caseId: string, product: string): Promise<void> => {
      await t.command(`X-CASE: ${caseId}\nX-ADD-VENDOR: acme\n`, `<pl-${caseId}@coord.test>`);
      // The vendor has been silent long enough: its name, then its product, are published.
      const c = (await loadSnapshot(t.db, caseId))!;
      const since = new Date('2026-09-01T00:00:00Z');
      c.vendors = c.vendors.map((v) => ({ ...v, product, vendorNamePublishedAt: since, productNamePublishedAt: since }));
      await saveSnapshot(t.db, c);
    };
    const leaky = await t.report(productReport({ summary: 'SQL injection in the search API.', shareIdentity: true }), '<pl-1@reporter.test>');
    await listed(leaky, "Mail Server (ＴＡＲＯ ＹＡＭＡＤＡ's fork)");
    await t.desk.publishUnreachableList();
    await t.desk.publishUnreachableList();
    for (const lang of ['ja', 'en']) {
      const list = readFileSync(join(t.publicDir, `unreachable.${lang}.md`), 'utf8');
      expect(list).toContain('ACME Corporation');
      expect(list.normalize('NFKC')).not.toMatch(/yamada|fork/i);
    }
    const events = await t.db.query<{ data: { vendor: string; found: string } }>(`SELECT data FROM timeline WHERE case_id = $1 AND event = 'unreachable-product-withheld'`, [leaky]);
    expect(events.map((e) => e.data)).toEqual([{ vendor: 'acme', found: 'name in productName' }]);

    const clean = await t.report(productReport({ summary: 'XSS in the admin console.' }), '<pl-2@reporter.test>');
    await listed(clean, 'Madoguchi Mail Server');
    await t.desk.publishUnreachableList();
    expect(readFileSync(join(t.publicDir, 'unreachable.en.md'), 'utf8')).toContain('Madoguchi Mail Server');
  }, 120_000);
});
