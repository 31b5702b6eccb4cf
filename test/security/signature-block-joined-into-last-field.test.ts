// Attack (issue 9 §5): a report's trailing signature block ("-- " then the reporter's name,
// organisation and telephone number) read as part of the last field of the form, which
// the vendor notice quotes. A signature is never joined into a field: not with the RFC 3676
// separator written sloppily (no space, extra spaces, full-width), nor after the decorative
// rule Japanese mail clients use. And should a signature come with no separator at all,
// the identity guard still holds the notice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReportForm } from '../../src/forms/index.ts';
import { ACME, identityDesk, REPORTER, type IdentityDesk } from '../support/identity-desk.ts';

const FORM = [
  'Report type: product',
  '1. Reporter name: Taro Yamada',
  '2. Organization: Example Research Lab',
  `3. Contact email: ${REPORTER}`,
  '4. Phone: +81-3-1234-5678',
  '5. Product name: Madoguchi Mail Server',
  '6. Product version: 2.3.1',
  '7. Vulnerability type: CWE-89',
  '8. Summary: SQL injection in the search API.',
  '9. Share my identity with the vendor: no',
  '10. Steps to reproduce:',
  "Send q=' OR '1'='1 to /api/search.",
  'Every customer record is returned.',
].join('\n');
const SIGNATURE = 'Taro Yamada\nExample Research Lab\nTEL +81-3-1234-5678\nhttps://lab.example/';

const SEPARATORS: [string, string][] = [
  ['RFC 3676', '-- '],
  ['no space', '--'],
  ['trailing spaces', '--   '],
  ['full-width', '－－　'],
  ['decorative rule', '━━━━━━━━━━━━━━━━━━━━'],
  ['ASCII rule', '------------------------------'],
];

describe('signature block joined into the last field', () => {
  it.each(SEPARATORS)('the form reader stops at the signature (%s)', (_name, sep) => {
    const form = parseReportForm(`${FORM}\n\n${sep}\n${SIGNATURE}\n`);
    expect(form.reproduction).toBe("Send q=' OR '1'='1 to /api/search.\nEvery customer record is returned.");
    expect(JSON.stringify(form.extra ?? {})).not.toContain('Yamada');
  });

  it('a rule inside the steps (a table, output) does not cut them when a field follows', () => {
    const form = parseReportForm(`${FORM}\n------------------------------\n| id | name |\n------------------------------\n11. Impact: all records\n`);
    expect(form.reproduction).toContain('| id | name |');
    expect(form.impact).toBe('all records');
  });

  let t: IdentityDesk;
  beforeAll(async () => {
    t = await identityDesk();
  }, 120_000);
  afterAll(async () => t?.close());

  it('over the desk: the vendor notice carries the steps, never the signature', async () => {
    const caseId = await t.report(`${FORM}\n\n－－\u3000\n${SIGNATURE}\n`, '<sig-1@reporter.test>');
    const mark = t.sent.length;
    await t.command(`X-CASE: ${caseId}\nX-ADD-VENDOR: acme\n`, '<sig-cmd-1@coord.test>');
    const toVendor = await t.readAll(ACME, mark);
    expect(toVendor).toHaveLength(1);
    expect(toVendor[0]!.text).toContain('Every customer record is returned.');
    expect(toVendor[0]!.text).not.toMatch(/Yamada|Example Research|1234-5678/);
  }, 120_000);

  it('a signature with no separator at all is caught by the guard: the notice is held', async () => {
    const caseId = await t.report(`${FORM}\n\n${SIGNATURE}\n`, '<sig-2@reporter.test>');
    const mark = t.sent.length;
    await t.command(`X-CASE: ${caseId}\nX-ADD-VENDOR: acme\n`, '<sig-cmd-2@coord.test>');
    expect(t.sent.slice(mark).filter((m) => m.to.includes(ACME))).toEqual([]);
    const [hold] = await t.db.query<{ hits: { field: string; kind: string }[] }>('SELECT hits FROM identity_holds WHERE case_id = $1', [caseId]);
    expect(hold?.hits).toEqual(
      expect.arrayContaining([
        { field: 'reproduction', kind: 'name' },
        { field: 'reproduction', kind: 'organization' },
        { field: 'reproduction', kind: 'phone' },
      ]),
    );
  }, 120_000);
});
