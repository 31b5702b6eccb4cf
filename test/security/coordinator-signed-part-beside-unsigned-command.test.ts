// Attack (issue 9 §1): a vendor once received a note signed by a coordinator. It encrypts
// that signed part to the desk beside its own, unsigned, command part that adds the
// attacker's vendor to the case: before, the whole message was applied as the
// coordinator's command and the attacker's vendor received the report.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorityWorld, CASE_A, EVIL, encryptEntity, mixed, pgpMimeMail, SATO, signedPart, textPart, type AuthorityWorld } from '../support/authority-desk.ts';

let w: AuthorityWorld;
beforeAll(async () => {
  w = await authorityWorld();
}, 60_000);
afterAll(async () => w?.close());

describe('a coordinator-signed part beside an unsigned command part', () => {
  it('adds no vendor, sends the attacker nothing, keeps the mail with its code and alerts the coordinators', async () => {
    const coordinatorsNote = await signedPart(textPart(`X-CASE: ${CASE_A}\nX-NOTE: called ACME, they will answer this week\n`), w.sato);
    const attackersPart = textPart(`X-CASE: ${CASE_A}\nX-ADD-VENDOR: evil\n`);
    const raw = pgpMimeMail({ from: SATO, subject: 'commands', messageId: '<atk-1@evil.test>' }, await encryptEntity(w, mixed(coordinatorsNote, attackersPart)));
    const id = await w.deliver(raw);

    expect((await w.snapshot(CASE_A)).vendors.map((v) => v.id)).toEqual(['acme']);
    expect(w.sent.filter((s) => s.to.includes(EVIL))).toEqual([]);
    expect((await w.notices()).filter((n) => n.recipient.includes(EVIL))).toEqual([]);
    expect((await w.notices('command-confirmation'))).toEqual([]);
    expect((await w.timeline('command-mail-refused')).map((r) => r.data.reason)).toEqual(['partly-signed']);
    const alerts = await w.notices('coord-alert');
    expect(alerts.map((a) => a.recipient)).toEqual([SATO]);
    expect(alerts[0]!.message_ref).toBe(id);
    // The message is kept.
    const [m] = await w.db.query<{ state: string; raw: Buffer }>('SELECT state, raw FROM messages WHERE id = $1', [id]);
    expect(m!.state).toBe('done');
    expect(Buffer.compare(m!.raw, raw)).toBe(0);
  }, 60_000);
});
