// migration 024: a notice that comes after another (guideline §3 item 12: the priority
// notice goes "after the reporter was told"). Every state of the prerequisite × every event
// of the dependency: the dependent's notify job running, the prerequisite sent, the
// prerequisite failing for good; and the dependent's own final states. Real PostgreSQL; the
// transport records what it is given.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeferredError } from '../../src/desk/service.ts';
import type { Transport } from '../../src/outbound/transport.ts';
import { insertNotice, markNoticeFailed, markNoticeSent, type NoticeState } from '../../src/store/repo.ts';
import { CASE_A, SATO, authorityWorld, type AuthorityWorld } from '../support/authority-desk.ts';
import { decryptNotice } from '../support/partner-desk.ts';

const sent: string[][] = [];
const transport: Transport = {
  send: (_raw, env) => {
    sent.push(env.to);
    return Promise.resolve({ ok: true, response: '250 ok' });
  },
  close: () => Promise.resolve(),
};

let w: AuthorityWorld;
beforeAll(async () => {
  w = await authorityWorld({ transport });
}, 60_000);
afterAll(async () => w?.close());

let seq = 0;
/** A prerequisite in `state` and a notice after it (both pending unless said). */
async function pair(state: NoticeState): Promise<{ pre: string; dep: string; to: string }> {
  const n = ++seq;
  const pre = `<pre.${String(n)}@desk.test>`;
  const dep = `<dep.${String(n)}@desk.test>`;
  const to = `contact${String(n)}@gov.test`;
  await insertNotice(w.db, { id: pre, caseId: CASE_A, kind: 'reporter-priority', recipient: `reporter${String(n)}@reporter.test`, raw: Buffer.from('pre'), ...(state === 'withheld' ? { state: 'withheld' as const } : {}) });
  if (state === 'sent') await markNoticeSent(w.db, pre);
  if (state === 'failed') await markNoticeFailed(w.db, pre, 'job-failed: 421 try later');
  await insertNotice(w.db, { id: dep, caseId: CASE_A, kind: 'priority-notice', recipient: to, raw: Buffer.from('dep'), afterNotice: pre });
  return { pre, dep, to };
}

const stateOf = async (id: string): Promise<{ state: string; error: string | null }> => (await w.db.query<{ state: string; error: string | null }>('SELECT state, error FROM notices WHERE id = $1', [id]))[0]!;
const wentTo = (to: string): boolean => sent.some((t) => t.includes(to));
const withheldAlerts = async (): Promise<string[]> => {
  const rows = await w.db.query<{ raw: Buffer }>(`SELECT raw FROM notices WHERE kind = 'coord-alert' AND recipient = $1 ORDER BY created_at, id`, [SATO]);
  const texts = await Promise.all(rows.map((r) => decryptNotice(r.raw, w.sato)));
  return texts.filter((t) => t.includes('先に送るべき通知が送られなかった'));
};

describe('a notice after another: the prerequisite state × the dependent notify job', () => {
  it('pending: the job defers (no attempt used), the notice stays pending, nothing goes', async () => {
    const { dep, to } = await pair('pending');
    await expect(w.desk.handle('notify', { noticeId: dep })).rejects.toBeInstanceOf(DeferredError);
    expect((await stateOf(dep)).state).toBe('pending');
    expect(wentTo(to)).toBe(false);
  }, 60_000);

  it('sent: the notice goes', async () => {
    const { dep, to } = await pair('sent');
    await w.desk.handle('notify', { noticeId: dep });
    expect((await stateOf(dep)).state).toBe('sent');
    expect(wentTo(to)).toBe(true);
  }, 60_000);

  it.each(['failed', 'withheld'] as const)('%s: the notice is withheld with why, the timeline says so, the coordinators are told; it never goes', async (state) => {
    const before = (await withheldAlerts()).length;
    const { pre, dep, to } = await pair(state);
    await w.desk.handle('notify', { noticeId: dep });
    const d = await stateOf(dep);
    expect(d.state).toBe('withheld');
    expect(d.error).toContain(pre);
    const tl = await w.db.query<{ data: { notice: string; after: string; prerequisite: string } }>(`SELECT data FROM timeline WHERE event = 'notice-withheld' AND data->>'notice' = $1`, [dep]);
    expect(tl.map((t) => t.data)).toEqual([{ notice: dep, kind: 'priority-notice', after: pre, prerequisite: state }]);
    await w.drain();
    const alerts = await withheldAlerts();
    expect(alerts.length).toBe(before + 1);
    expect(alerts.at(-1)).toContain(pre);
    // Run again (a stalled job runs twice): nothing more, no second alert.
    await w.desk.handle('notify', { noticeId: dep });
    await w.drain();
    expect((await withheldAlerts()).length).toBe(before + 1);
    expect(wentTo(to)).toBe(false);
  }, 60_000);
});

describe('a notice after another: the prerequisite\'s events', () => {
  it('the prerequisite is sent: the waiting notice is queued at once and goes after it', async () => {
    const { pre, dep, to } = await pair('pending');
    await expect(w.desk.handle('notify', { noticeId: dep })).rejects.toBeInstanceOf(DeferredError);
    sent.length = 0;
    await w.desk.handle('notify', { noticeId: pre });
    expect(w.queue.jobs).toContainEqual({ name: 'notify', data: { noticeId: dep } });
    await w.drain();
    expect((await stateOf(dep)).state).toBe('sent');
    expect(sent.findIndex((t) => t.includes(to))).toBeGreaterThan(sent.findIndex((t) => t.some((a) => a.startsWith('reporter'))));
  }, 60_000);

  it('the prerequisite fails for good: the waiting notice is queued at once and withheld', async () => {
    const { pre, dep, to } = await pair('pending');
    await w.desk.onFinalFailure('notify', { noticeId: pre }, '421 mail server down');
    expect((await stateOf(pre)).state).toBe('failed');
    expect(w.queue.jobs).toContainEqual({ name: 'notify', data: { noticeId: dep } });
    await w.drain();
    expect((await stateOf(dep)).state).toBe('withheld');
    expect(wentTo(to)).toBe(false);
  }, 60_000);

  it('the waiting notice sent or withheld already: its job does nothing again', async () => {
    const { pre, dep } = await pair('sent');
    await w.desk.handle('notify', { noticeId: dep });
    const n = sent.length;
    await w.desk.handle('notify', { noticeId: dep });
    expect(sent.length).toBe(n);
    // A prerequisite that turns failed after the dependent went changes nothing (never un-sent).
    await markNoticeFailed(w.db, pre, 'late');
    await w.desk.handle('notify', { noticeId: dep });
    expect((await stateOf(dep)).state).toBe('sent');
  }, 60_000);

  it('a notice never waits for itself', async () => {
    await expect(insertNotice(w.db, { id: '<self@desk.test>', caseId: CASE_A, kind: 'x', recipient: 'a@b.test', raw: Buffer.from('x'), afterNotice: '<self@desk.test>' })).rejects.toThrow(/notices_after_not_self/);
  }, 60_000);
});
