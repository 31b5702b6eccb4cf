// Attack: another reporter (its own key on file, a genuine correspondent of the desk) asks
// X-STATUS about a case it did not report, hoping to learn the case's state, vendor or
// date — or just whether the case exists. It learns nothing: the same content-free answer
// as for a case that does not exist, no reporter-status notice, nothing recorded on the case.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertKey } from '../../src/store/repo.ts';
import { CASE_A, MALLORY } from '../support/authority-desk.ts';
import { reporterWorld, type ReporterWorld } from '../support/reporter-question.ts';

let w: ReporterWorld;
beforeAll(async () => {
  w = await reporterWorld();
  // Mallory's key is on file for Mallory's address (learned earlier, as any reporter's).
  await upsertKey(w.db, { fingerprint: w.mallory.getFingerprint().toUpperCase(), emails: [MALLORY], armored: w.mallory.toPublic().armor(), source: 'signature' });
}, 120_000);
afterAll(async () => {
  await w.close();
});

describe('a stranger asks the status of someone else\'s case', () => {
  it('gets only the content-free answer, identical to the one for a case that does not exist', async () => {
    const text = async (id: number): Promise<string> => {
      const [n, ...more] = (await w.notices('question-not-answered')).filter((x) => x.message_ref === id && x.recipient === MALLORY);
      expect(more).toEqual([]);
      const s = n!.raw.toString('utf8');
      return `${/^Subject: .*$/m.exec(s)?.[0] ?? ''}\n${/quoted-printable\r\n\r\n([\s\S]*?)\r\n--/.exec(s)?.[1] ?? ''}`;
    };
    const real = await w.deliver(await w.ask(`X-STATUS: ${CASE_A}\nX-WITHDRAW-NDA\n`, { key: w.mallory, from: MALLORY, subject: `[${CASE_A}] status?` }));
    const none = await w.deliver(await w.ask('X-STATUS: VR-2026-0404\nX-WITHDRAW-NDA\n', { key: w.mallory, from: MALLORY, subject: '[VR-2026-0404] status?' }));
    expect(await text(real)).toBe(await text(none));
    expect(await text(real)).not.toContain(CASE_A);
    expect((await w.notices()).filter((n) => n.message_ref === real && n.kind !== 'question-not-answered')).toEqual([]);
    expect((await w.db.query(`SELECT event FROM timeline WHERE case_id = $1 AND event IN ('reporter-status-asked', 'nda-withdrawn', 'nda-withdrawal-not-applied')`, [CASE_A]))).toEqual([]);
    // Refused inward with a code, naming no case.
    const refused = await w.timeline('reporter-question-refused');
    expect(refused.length).toBeGreaterThanOrEqual(2);
    expect(refused.every((r) => r.case_id === null)).toBe(true);
  }, 60_000);
});
