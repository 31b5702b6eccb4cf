// A summary of 50,000 characters (issue 9 §6): more than any notice that quotes it can
// carry (20,000), so it is refused with `bad-value: vulnerability.summary:too-long`
// instead of failing later in the vendor notification; the reporter is told the limit and
// that a long text can go in an attachment.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeReport } from '../support/gpg.ts';
import { DESK, startBadValueDesk, TARO, type BadValueDesk } from '../support/bad-value-desk.ts';
import { ROOT } from '../support/paths.ts';
import { query } from '../support/desk.ts';

let t: BadValueDesk;
beforeAll(async () => {
  t = await startBadValueDesk({ name: 'longsummary' });
}, 60_000);
afterAll(async () => t?.stop());

describe('a 50,000-character summary', () => {
  it('is refused as too long, answered, and nothing is stored as a case', async () => {
    const line = 'The search API of the admin console builds its SQL from the q parameter.\n';
    const summary = line.repeat(Math.ceil(50_000 / line.length)).slice(0, 50_000);
    const body = readFileSync(join(ROOT, 'test', 'fixtures', 'report-en.txt'), 'utf8').replace('Summary: SQL injection in the search API of the admin console.', `Summary: ${summary}`);
    const id = await t.desk.accept(makeReport(t.reporter, { from: TARO, fromName: 'Taro', to: DESK, body, messageId: '<longsum-1@reporter.test>' }), 'maildir', null);
    await t.settle(id, 'done');
    expect((await t.message(id)).error).toBe('bad-value: vulnerability.summary:too-long');
    expect(await query(t.dbUrl, 'SELECT id FROM cases')).toEqual([]);
    const answers = await t.notices(id);
    expect(answers.map((n) => [n.kind, n.recipient, n.state])).toEqual([['invalid', TARO, 'sent']]);
    expect(await t.read(t.reporter, answers[0]!.raw)).toContain('Summary: is too long (at most 20,000 characters); please shorten it or attach it as a file');
    expect(await t.timeline('message-failed')).toEqual([]);
  }, 60_000);
});
