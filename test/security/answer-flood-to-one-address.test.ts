// Answer flood to one address (issue 9 §8; RFC 3834 §2). Anyone can write any address in
// From: each forged mail used to buy one answer from the desk to that address, making the
// desk a mail cannon aimed at a third party (and a loop partner for a robot that slips past
// the automated-mail check). Now answers per address are limited per hour and per day;
// over the limit no answer goes, and the coordinators are alerted once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimAnswer } from '../../src/desk/answers.ts';
import { clearMail, party, startDesk, type Party, type TestDesk } from '../support/inprocess-desk.ts';
import { query } from '../support/desk.ts';

let t: TestDesk;
let coordinator: Party;
// The desk's clock, moved by the test (keys are made now: the clock must not go before them).
let now = new Date(Date.now() + 60_000);
const victim = { name: 'Victim', email: 'victim@elsewhere.test' };
const LIMITS = { perHour: 3, perDay: 5 };

beforeAll(async () => {
  coordinator = await party('Coordinator', 'coord@madoguchi.test');
  t = await startDesk({ answerLimits: LIMITS, coordinators: [coordinator], clock: () => now });
}, 60_000);
afterAll(async () => t?.close());

const forged = (i: number) => clearMail({ from: victim, subject: `hello ${i}`, body: `forged mail number ${i}\n`, date: now });
const answersTo = (email: string) => t.sent.filter((s) => s.to.includes(email) && !s.id.startsWith('<coord-alert'));
const alerts = () => t.sent.filter((s) => s.id.startsWith('<coord-alert'));

describe('a flood of forged mail from one address', () => {
  it('gets answers up to the hourly limit, then none; the coordinators are alerted once', async () => {
    for (let i = 0; i < 8; i++) await t.deliver(forged(i));
    expect(answersTo(victim.email)).toHaveLength(LIMITS.perHour);
    const sent = alerts();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.to).toEqual([coordinator.email]);
    const read = await t.read(sent[0]!.raw, coordinator);
    expect(read.text).toContain('victim@elsewhere.test');
    expect(read.text).toContain('3 per hour');
    // Every message was still kept and finished; the withheld answers are on the record.
    expect(await query(t.url, `SELECT 1 FROM messages WHERE state <> 'done'`)).toHaveLength(0);
    expect(await query(t.url, `SELECT 1 FROM timeline WHERE event = 'answer-withheld'`)).toHaveLength(8 - LIMITS.perHour);
  }, 120_000);

  it('another address is answered as usual meanwhile', async () => {
    const other = { name: 'Someone', email: 'someone@reporter.test' };
    await t.deliver(clearMail({ from: other, subject: 'hi', body: 'hi\n', date: now }));
    expect(answersTo(other.email)).toHaveLength(1);
  }, 60_000);

  it('an hour later answers resume up to the daily limit, with no second alert that day', async () => {
    now = new Date(now.getTime() + 61 * 60_000);
    for (let i = 10; i < 16; i++) await t.deliver(forged(i));
    expect(answersTo(victim.email)).toHaveLength(LIMITS.perDay);
    expect(alerts()).toHaveLength(1);
  }, 120_000);

  it('claims made at the same moment are counted one after the other (no race past the limit)', async () => {
    const at = new Date(now.getTime() + 10 * 86_400_000);
    const results = await Promise.all(Array.from({ length: 8 }, () => t.db.tx((tx) => claimAnswer(tx, 'race@elsewhere.test', at, LIMITS))));
    expect(results.filter((r) => r.ok)).toHaveLength(LIMITS.perHour);
    expect(results.filter((r) => !r.ok && r.alert)).toHaveLength(1);
  }, 60_000);
});
