// Attack (issue 12; guideline §6): a vendor self-report that is not the vendor's own opens
// a case that publishes on the attacker's date, in the vendor's name. Only one valid
// signature by a registered vendor's PINNED key, encrypted, sent from that vendor's
// registered contact, opens a self-report case. Here:
//   - an unregistered sender (Mallory, whose key the desk learned earlier) signs the form;
//   - Mallory writes From ACME's registered address, signed with her own key;
//   - Evil's staff sign with Evil's pinned key but write From ACME's address;
//   - ACME's own pinned key, but the mail is not encrypted.
// Each opens no case, answers nobody at the From address, and the coordinators are
// alerted with the code (signed-mail-refused).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jstDate } from '../../src/domain/clock.ts';
import { ACME, MALLORY, authorityWorld, clearMail, encryptEntity, pgpMimeMail, signedPart, textPart, type AuthorityWorld } from '../support/authority-desk.ts';

let w: AuthorityWorld;
beforeAll(async () => {
  w = await authorityWorld();
}, 60_000);
afterAll(async () => w?.close());

const form = (): string =>
  ['Product: Acme Router', 'Affected versions: 1.0', 'Fixed versions: 1.1', 'Summary: an injected vulnerability', `Proposed publication date: ${jstDate(new Date(Date.now() + 3 * 86_400_000))}`].join('\n') + '\n';

async function opensNothing(raw: Buffer, code: string): Promise<void> {
  const cases = (await w.db.query<{ n: string }>('SELECT count(*)::text AS n FROM cases'))[0]!.n;
  const alerts = (await w.notices('coord-alert')).length;
  const m = await w.deliver(raw);
  expect((await w.db.query<{ n: string }>('SELECT count(*)::text AS n FROM cases'))[0]!.n).toBe(cases);
  expect((await w.db.query(`SELECT id FROM cases WHERE kind = 'self-report'`))).toEqual([]);
  expect(await w.timeline('self-report-opened')).toEqual([]);
  const refused = (await w.db.query<{ data: { message: number; reason: string } }>(`SELECT data FROM timeline WHERE event = 'self-report-refused'`)).map((r) => r.data);
  expect(refused).toContainEqual({ message: m, reason: code });
  // Nothing goes to whoever wrote it; the coordinators are told.
  const answers = (await w.notices()).filter((n) => n.message_ref === m && n.kind !== 'coord-alert' && n.kind !== 'signed-mail-not-applied');
  expect(answers).toEqual([]);
  expect((await w.notices('self-report-answer')).filter((n) => n.message_ref === m)).toEqual([]);
  expect((await w.notices('coord-alert')).length).toBeGreaterThan(alerts);
}

describe('a self-report not signed by the vendor’s pinned key', () => {
  it('an unregistered sender signing with its own key: signer-not-pinned', async () => {
    await opensNothing(pgpMimeMail({ from: MALLORY, subject: 'Self-report', messageId: '<a1@evil.test>' }, await encryptEntity(w, textPart(form()), w.mallory)), 'signer-not-pinned');
  }, 60_000);

  it("the vendor's registered address, signed by another key: signer-not-pinned, nothing to that address", async () => {
    await opensNothing(pgpMimeMail({ from: ACME, subject: 'Self-report', messageId: '<a2@evil.test>' }, await encryptEntity(w, textPart(form()), w.mallory)), 'signer-not-pinned');
  }, 60_000);

  it("another registered vendor's pinned key from the vendor's address: sender-not-contact", async () => {
    await opensNothing(pgpMimeMail({ from: ACME, subject: 'Self-report', messageId: '<a3@evil.test>' }, await encryptEntity(w, textPart(form()), w.evil)), 'sender-not-contact');
  }, 60_000);

  it("the vendor's own key, not encrypted: not-encrypted (the vendor's contacts alone are told nothing was applied)", async () => {
    const m = await w.deliver(clearMail({ from: ACME, subject: 'Self-report', messageId: '<a4@acme.test>' }, await signedPart(textPart(form()), w.acme)));
    expect((await w.db.query(`SELECT id FROM cases WHERE kind = 'self-report'`))).toEqual([]);
    expect((await w.db.query<{ data: { message: number; reason: string } }>(`SELECT data FROM timeline WHERE event = 'self-report-refused'`)).map((r) => r.data)).toContainEqual({ message: m, reason: 'not-encrypted' });
    for (const n of (await w.notices()).filter((x) => x.message_ref === m && x.kind !== 'coord-alert')) expect(n.recipient).toBe(ACME);
  }, 60_000);
});
