// A TAB in a one-line field (here the product name, as a copied table cell brings it) is
// a bad value (issue 9 §6): the message gets the verdict `bad-value: product.name:
// control-character`, the reporter an encrypted answer naming the field and why, and the
// work ends: no case, no draft, no job failed five times.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeReport } from '../support/gpg.ts';
import { DESK, startBadValueDesk, TARO, type BadValueDesk } from '../support/bad-value-desk.ts';
import { ROOT } from '../support/paths.ts';
import { query } from '../support/desk.ts';

let t: BadValueDesk;
beforeAll(async () => {
  t = await startBadValueDesk({ name: 'tab' });
}, 60_000);
afterAll(async () => t?.stop());

describe('a TAB in the product name', () => {
  it('is refused with its code, answered encrypted with the field and why, and opens nothing', async () => {
    const body = readFileSync(join(ROOT, 'test', 'fixtures', 'report-en.txt'), 'utf8').replace('Product name: Madoguchi Mail Server', 'Product name: Madoguchi\tMail Server');
    const id = await t.desk.accept(makeReport(t.reporter, { from: TARO, fromName: 'Taro', to: DESK, body, messageId: '<tab-1@reporter.test>' }), 'maildir', null);
    await t.settle(id, 'done');
    const m = await t.message(id);
    expect(m.error).toBe('bad-value: product.name:control-character');
    expect(await query(t.dbUrl, 'SELECT id FROM cases')).toEqual([]);
    expect(await query(t.dbUrl, 'SELECT id FROM drafts')).toEqual([]);
    const answers = await t.notices(id);
    expect(answers.map((n) => [n.kind, n.recipient, n.state])).toEqual([['invalid', TARO, 'sent']]);
    const text = await t.read(t.reporter, answers[0]!.raw);
    expect(text).toContain('Product name: contains a control character (such as TAB or NUL)');
    // Nothing was retried: the job never failed.
    expect(t.logs.filter((l) => /failed/.test(l))).toEqual([]);
    expect(await t.timeline('message-failed')).toEqual([]);
  }, 60_000);
});
