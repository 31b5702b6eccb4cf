// A notice whose recipient's server refuses it on every attempt (issue 9 §6: nothing is
// left failed in silence). The real worker retries the notify job, gives up, and
// Desk.onFinalFailure marks the notice failed with its reason, lets the message finish,
// and alerts the coordinators (`job-failed`) without the notice's content.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeReport } from '../support/gpg.ts';
import { COORD, DESK, startBadValueDesk, TARO, type BadValueDesk } from '../support/bad-value-desk.ts';
import { ROOT } from '../support/paths.ts';
import { query } from '../support/desk.ts';

let t: BadValueDesk;
beforeAll(async () => {
  t = await startBadValueDesk({ name: 'noticefail', attempts: 2, refuse: (to) => to === TARO });
}, 60_000);
afterAll(async () => t?.stop());

describe('a notice that fails every attempt', () => {
  it('is marked failed, the message finishes, and the coordinators are alerted', async () => {
    const body = readFileSync(join(ROOT, 'test', 'fixtures', 'report-en.txt'), 'utf8');
    const id = await t.desk.accept(makeReport(t.reporter, { from: TARO, fromName: 'Taro', to: DESK, body, messageId: '<noticefail-1@reporter.test>' }), 'imap:INBOX', '9:1');
    await t.settle(id, 'done');
    const ack = (await t.notices(id)).find((n) => n.kind === 'ack');
    expect(ack?.state).toBe('failed');
    const [failed] = await t.timeline('notice-failed');
    expect(failed?.data).toMatchObject({ notice: ack!.id, code: 'job-failed' });
    expect(t.filed).toContainEqual(['9:1', 'processed']);
    const alerts = await query<{ raw: Buffer; state: string; recipient: string }>(t.dbUrl, `SELECT raw, state, recipient FROM notices WHERE kind = 'coord-alert'`);
    expect(alerts.map((a) => [a.recipient, a.state])).toEqual([[COORD, 'sent']]);
    const text = await t.read(t.coordinator, alerts[0]!.raw);
    expect(text).toContain('job-failed: job notify failed for good (a notice)');
    expect(text).not.toContain('Madoguchi Mail Server');
  }, 90_000);
});
