// Messages without Message-ID taken as duplicates (issue 9 §8). Before, two mails with no
// Message-ID and no Date, from the same address with the same subject and text, were one
// message to the desk: the second was dropped unseen (a reporter writing the same short
// request twice, or anyone pre-sending a copy to make the real one vanish). Now a mail
// that names no Message-ID is the same message only when it is the very same bytes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearMail, encryptedMail, party, startDesk, type Party, type TestDesk } from '../support/inprocess-desk.ts';
import { query } from '../support/desk.ts';

let t: TestDesk;
let taro: Party;

beforeAll(async () => {
  t = await startDesk();
  taro = await party('Taro Yamada', 'taro@reporter.test');
}, 60_000);
afterAll(async () => t?.close());

describe('mail without Message-ID or Date', () => {
  it('two alike mails delivered apart are two messages, each read and answered', async () => {
    const body = 'Hello, could you send me your public key?\n';
    const a = clearMail({ from: taro, subject: 'key please', body, messageId: null, date: null, headers: ['Received: from mx1.reporter.test by mx.madoguchi.test; Fri, 4 Dec 2026 10:00:00 +0900'] });
    const b = clearMail({ from: taro, subject: 'key please', body, messageId: null, date: null, headers: ['Received: from mx1.reporter.test by mx.madoguchi.test; Fri, 4 Dec 2026 10:05:00 +0900'] });
    const first = await t.deliver(a);
    const second = await t.deliver(b);
    expect(second).not.toBe(first);
    const rows = await query<{ id: string; state: string }>(t.url, 'SELECT id, state FROM messages WHERE id = ANY($1::bigint[]) ORDER BY id', [[first, second]]);
    expect(rows.map((r) => r.state)).toEqual(['done', 'done']);
    const answered = await query<{ message_ref: string }>(t.url, `SELECT message_ref FROM notices WHERE kind = 'unencrypted' AND message_ref = ANY($1::bigint[])`, [[first, second]]);
    expect(answered.map((r) => Number(r.message_ref)).sort()).toEqual([first, second].sort());
  }, 60_000);

  it('an encrypted report re-sent alike (no Message-ID, no Date) is not swallowed by the first', async () => {
    const body = ['Report type: product', 'Reporter name: Taro Yamada', 'Product name: Router X'].join('\n');
    const one = await t.deliver(await encryptedMail({ from: taro, deskPublic: t.deskPublic, body, messageId: null, date: null }));
    const two = await t.deliver(await encryptedMail({ from: taro, deskPublic: t.deskPublic, body, messageId: null, date: null }));
    expect(two).not.toBe(one);
    expect(await query(t.url, 'SELECT 1 FROM messages WHERE id = ANY($1::bigint[])', [[one, two]])).toHaveLength(2);
  }, 60_000);

  it('the very same bytes again (a re-delivery) are one message, read once', async () => {
    const raw = clearMail({ from: taro, subject: 'again', body: 'same bytes\n', messageId: null, date: null });
    const first = await t.deliver(raw);
    const again = await t.deliver(raw, 'imap:INBOX');
    expect(again).toBe(first);
    expect(await query(t.url, `SELECT 1 FROM notices WHERE message_ref = $1`, [first])).toHaveLength(1);
  }, 60_000);
});
