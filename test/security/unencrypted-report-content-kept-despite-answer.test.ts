// Unencrypted report content kept despite the answer (issue 9 §8). The desk answers an
// unencrypted report that it does not process such mail. Before, the answer said the
// content was neither read nor kept while the store held the parsed report (form fields,
// text, subject) in the message's verdict. Now the store keeps the original bytes, as it
// keeps every original, and nothing parsed from them; the answer says exactly that.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearMail, clearsignedMail, outerHeader, party, startDesk, type Party, type TestDesk } from '../support/inprocess-desk.ts';
import { query } from '../support/desk.ts';
import { ROOT } from '../support/paths.ts';

let t: TestDesk;
let hanako: Party;
const REPORT = readFileSync(join(ROOT, 'test', 'fixtures', 'report-en.txt'), 'utf8');
// Words that exist only in the report (fields, subject, attachment-free text).
const SECRETS = ['SQL injection', 'Madoguchi Mail Server', 'Hanako Suzuki', 'Example Research Lab', "q=' OR", 'Zero-day in the admin console'];

beforeAll(async () => {
  t = await startDesk();
  hanako = await party('Hanako Suzuki', 'hanako@reporter.test');
}, 60_000);
afterAll(async () => t?.close());

/** Every place the store could hold what was read: all text columns of every table but the original bytes. */
async function storedTextOtherThanRaw(): Promise<string> {
  const parts = await Promise.all([
    query<{ t: string }>(t.url, `SELECT coalesce(verdict::text, '') || ' ' || coalesce(error, '') || ' ' || coalesce(message_id, '') AS t FROM messages`),
    query<{ t: string }>(t.url, 'SELECT data::text || event AS t FROM timeline'),
    query<{ t: string }>(t.url, 'SELECT report::text AS t FROM drafts'),
    query<{ t: string }>(t.url, 'SELECT report::text AS t FROM cases'),
    query<{ t: string }>(t.url, 'SELECT kind || recipient AS t FROM notices'),
  ]);
  return parts.flat().map((r) => r.t).join('\n');
}

describe.each([
  ['plain text', () => Promise.resolve(clearMail({ from: hanako, subject: 'Zero-day in the admin console', body: REPORT }))],
  ['cleartext-signed by the reporter', () => clearsignedMail({ from: hanako, subject: 'Zero-day in the admin console', body: REPORT })],
])('an unencrypted report (%s)', (_what, make) => {
  let id: number;
  it('is answered content-free, and the answer says what the desk did', async () => {
    const before = t.sent.length;
    id = await t.deliver(await make());
    const answers = t.sent.slice(before);
    expect(answers.map((a) => a.id)).toEqual([`<unencrypted.m${id}@madoguchi.test>`]);
    const text = answers[0]!.raw.toString('utf8');
    expect(text).toContain('Its contents were not processed');
    expect(text).toContain('the original message is kept unchanged');
    // What it must no longer claim.
    expect(text).not.toContain('have not read the message or kept its contents');
    expect(outerHeader(answers[0]!.raw, 'auto-submitted')).toBe('auto-replied');
    for (const s of SECRETS) expect(text).not.toContain(s);
  }, 60_000);

  it('the store keeps the original bytes and nothing parsed from them', async () => {
    const [m] = await query<{ raw: Buffer; verdict: { report?: unknown; subject: string | null; kind: string; desk: { text: string }; attachments: unknown[] }; state: string }>(
      t.url,
      'SELECT raw, verdict, state FROM messages WHERE id = $1',
      [id],
    );
    expect(m!.state).toBe('done');
    expect(m!.raw.toString('utf8')).toContain('SQL injection'); // the original, as required
    expect(m!.verdict.report).toBeUndefined();
    expect(m!.verdict.subject).toBeNull();
    expect(m!.verdict.kind).toBe('unknown');
    expect(m!.verdict.desk.text).toBe('');
    const stored = await storedTextOtherThanRaw();
    for (const s of SECRETS) expect(stored).not.toContain(s);
    // Not even what the mail looked like: no "report" classification on the record.
    expect(stored).not.toMatch(/"kind":\s*"report"|unencrypted report/);
    expect(await query(t.url, 'SELECT 1 FROM cases')).toHaveLength(0);
    expect(await query(t.url, 'SELECT 1 FROM drafts')).toHaveLength(0);
  }, 60_000);
});
