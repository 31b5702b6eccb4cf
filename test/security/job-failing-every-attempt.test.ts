// A job that fails every attempt (issue 9 §6: "nothing is left failed in silence"). The
// failure is forced in the database (a trigger refuses to mark one message opened), so the
// real worker retries, gives up, and hands the job to Desk.onFinalFailure: the message is
// failed with its reason code, filed in Failed, and the coordinators get a `job-failed`
// alert. A value the database refuses (SQLSTATE class 22, data exception) is final at
// once: no five attempts, and the sender gets the content-free `invalid` answer.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeReport } from '../support/gpg.ts';
import { COORD, DESK, startBadValueDesk, TARO, type BadValueDesk } from '../support/bad-value-desk.ts';
import { ROOT } from '../support/paths.ts';
import { query } from '../support/desk.ts';

let t: BadValueDesk;
const ATTEMPTS = 3;
beforeAll(async () => {
  t = await startBadValueDesk({ name: 'jobfail', attempts: ATTEMPTS });
  // Message-IDs starting with <force-: `open` can never store its verdict. ERRCODE P0001 is
  // an ordinary error (retried); 22023 (invalid_parameter_value) is a data exception.
  await query(
    t.dbUrl,
    `CREATE FUNCTION force_fail() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       IF NEW.state = 'opened' AND NEW.message_id = '<force-retry@reporter.test>' THEN RAISE EXCEPTION 'forced failure' USING ERRCODE = 'P0001'; END IF;
       IF NEW.state = 'opened' AND NEW.message_id = '<force-refuse@reporter.test>' THEN RAISE EXCEPTION 'forced refusal' USING ERRCODE = '22023'; END IF;
       RETURN NEW;
     END $$`,
  );
  await query(t.dbUrl, 'CREATE TRIGGER force_fail BEFORE UPDATE ON messages FOR EACH ROW EXECUTE FUNCTION force_fail()');
}, 60_000);
afterAll(async () => t?.stop());

const body = (): string => readFileSync(join(ROOT, 'test', 'fixtures', 'report-en.txt'), 'utf8');

describe('a job that fails every attempt', () => {
  it('records the reason code on the message, files it in Failed and alerts the coordinators', async () => {
    const id = await t.desk.accept(makeReport(t.reporter, { from: TARO, fromName: 'Taro', to: DESK, body: body(), messageId: '<force-retry@reporter.test>' }), 'imap:INBOX', '7:41');
    await t.settle(id, 'failed');
    const m = await t.message(id);
    expect(m.error).toMatch(/^job-failed: /);
    expect(t.filed).toContainEqual(['7:41', 'failed']);
    expect(t.logs.filter((l) => /job failed, will retry/.test(l) && l.includes(`message=${id}`))).toHaveLength(ATTEMPTS - 1);
    expect(t.logs.filter((l) => /job failed for good/.test(l) && l.includes(`message=${id}`))).toHaveLength(1);
    const [failed] = await t.timeline('message-failed');
    expect(failed?.data).toMatchObject({ message: id, job: 'open', code: 'job-failed' });
    const alerts = (await t.notices(null)).filter((n) => n.kind === 'coord-alert');
    expect(alerts.map((n) => [n.recipient, n.state])).toEqual([[COORD, 'sent']]);
    const text = await t.read(t.coordinator, alerts[0]!.raw);
    expect(text).toContain(`job-failed: job open failed for good (message ${id})`);
    expect(text).not.toContain('Hanako');
    // The sender is not answered for the desk's own failure (nothing about its values is known).
    expect(await t.notices(id)).toEqual([]);
  }, 90_000);

  it('a value the database refuses is final at once, answered content-free, alerted', async () => {
    const before = t.logs.length;
    const id = await t.desk.accept(makeReport(t.reporter, { from: TARO, fromName: 'Taro', to: DESK, body: body(), messageId: '<force-refuse@reporter.test>' }), 'imap:INBOX', '7:42');
    await t.settle(id, 'failed');
    expect((await t.message(id)).error).toMatch(/^database-refused: error 22023: /);
    expect(t.filed).toContainEqual(['7:42', 'failed']);
    expect(t.logs.slice(before).filter((l) => /job failed, will retry/.test(l))).toEqual([]);
    const answers = await t.notices(id);
    expect(answers.map((n) => [n.kind, n.recipient, n.state])).toEqual([['invalid', TARO, 'sent']]);
    // Content-free: signed in clear, no field named.
    const raw = answers[0]!.raw.toString('utf8');
    expect(raw).not.toContain('BEGIN PGP MESSAGE');
    expect(raw).toContain('does not say which items');
    const alerts = (await query<{ recipient: string; state: string }>(t.dbUrl, `SELECT recipient, state FROM notices WHERE kind = 'coord-alert' AND id LIKE '%failed-open-m${id}%'`));
    expect(alerts).toEqual([{ recipient: COORD, state: 'sent' }]);
  }, 90_000);
});
