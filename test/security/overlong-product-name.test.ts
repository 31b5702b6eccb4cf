// A product name of 300 characters is pasted text, not a name (issue 9 §6; the limit is 200,
// docs/decisions.md "Bad values"). It is refused, never cut: the verdict is
// `bad-value: product.name:too-long` and the reporter is told the limit.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeReport } from '../support/gpg.ts';
import { DESK, startBadValueDesk, TARO, type BadValueDesk } from '../support/bad-value-desk.ts';
import { ROOT } from '../support/paths.ts';
import { query } from '../support/desk.ts';

let t: BadValueDesk;
beforeAll(async () => {
  t = await startBadValueDesk({ name: 'longname' });
}, 60_000);
afterAll(async () => t?.stop());

describe('a 300-character product name', () => {
  it('is refused as too long and answered with the limit', async () => {
    const name = 'Madoguchi Mail Server '.repeat(20).slice(0, 300);
    const body = readFileSync(join(ROOT, 'test', 'fixtures', 'report-en.txt'), 'utf8').replace('Product name: Madoguchi Mail Server', `Product name: ${name}`);
    const id = await t.desk.accept(makeReport(t.reporter, { from: TARO, fromName: 'Taro', to: DESK, body, messageId: '<long-1@reporter.test>' }), 'maildir', null);
    await t.settle(id, 'done');
    expect((await t.message(id)).error).toBe('bad-value: product.name:too-long');
    expect(await query(t.dbUrl, 'SELECT id FROM cases')).toEqual([]);
    const answers = await t.notices(id);
    expect(answers.map((n) => [n.kind, n.recipient, n.state])).toEqual([['invalid', TARO, 'sent']]);
    expect(await t.read(t.reporter, answers[0]!.raw)).toContain('Product name: is too long (at most 200 characters)');
    expect(await t.timeline('message-failed')).toEqual([]);
  }, 60_000);
});
