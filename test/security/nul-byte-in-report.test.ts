// A NUL byte in a report (issue 9 §6). PostgreSQL can store no U+0000 in text or jsonb, so
// today the message's verdict could not even be stored and the job failed five times. Now
// the stored verdict has U+FFFD where the NUL was, the message's verdict is
// `bad-value: reporter.name:control-character`, and the reporter is told which field.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeReport } from '../support/gpg.ts';
import { DESK, startBadValueDesk, TARO, type BadValueDesk } from '../support/bad-value-desk.ts';
import { ROOT } from '../support/paths.ts';
import { query } from '../support/desk.ts';

let t: BadValueDesk;
beforeAll(async () => {
  t = await startBadValueDesk({ name: 'nul' });
}, 60_000);
afterAll(async () => t?.stop());

describe('a NUL byte in the reporter name', () => {
  it('gets a verdict and an encrypted answer, and the verdict is stored without the NUL', async () => {
    const body = readFileSync(join(ROOT, 'test', 'fixtures', 'report-en.txt'), 'utf8').replace('Reporter name: Hanako Suzuki', 'Reporter name: Hanako\u0000 Suzuki');
    const id = await t.desk.accept(makeReport(t.reporter, { from: TARO, fromName: 'Taro', to: DESK, body, messageId: '<nul-1@reporter.test>' }), 'maildir', null);
    await t.settle(id, 'done');
    const m = await t.message(id);
    expect(m.error).toBe('bad-value: reporter.name:control-character');
    const desk = m.verdict?.desk as { text: string; problems: unknown[] };
    expect(desk.text).toContain('Hanako\uFFFD Suzuki');
    expect(desk.problems).toEqual([{ field: 'reporter.name', code: 'control-character' }]);
    expect(await query(t.dbUrl, 'SELECT id FROM cases')).toEqual([]);
    const answers = await t.notices(id);
    expect(answers.map((n) => [n.kind, n.recipient, n.state])).toEqual([['invalid', TARO, 'sent']]);
    expect(await t.read(t.reporter, answers[0]!.raw)).toContain('Name: contains a control character (such as TAB or NUL)');
    expect(await t.timeline('message-failed')).toEqual([]);
  }, 60_000);
});
