// Attack (issue 9 §1): Mallory, whose key the desk learned from an earlier report, signs
// her own command part and puts it beside a part genuinely signed by the coordinator. Every
// part is signed by a valid key, so before, the message counted as signed and the
// coordinator's signature (the first) gave it authority: Evil was added and got the report.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorityWorld, CASE_A, encryptEntity, EVIL, mixed, pgpMimeMail, SATO, signedPart, textPart, type AuthorityWorld } from '../support/authority-desk.ts';

let w: AuthorityWorld;
beforeAll(async () => {
  w = await authorityWorld();
}, 60_000);
afterAll(async () => w?.close());

describe('two signers in one message', () => {
  it('gets no authority: no vendor added, nothing to the attacker, the coordinators alerted', async () => {
    const coordinators = await signedPart(textPart(`X-CASE: ${CASE_A}\nX-NOTE: reminder sent\n`), w.sato);
    const mallorys = await signedPart(textPart(`X-CASE: ${CASE_A}\nX-ADD-VENDOR: evil\n`), w.mallory);
    for (const [i, body] of [mixed(coordinators, mallorys), mixed(mallorys, coordinators)].entries()) {
      await w.deliver(pgpMimeMail({ from: SATO, subject: 'commands', messageId: `<two-${String(i)}@evil.test>` }, await encryptEntity(w, body)));
    }
    // And the outer encryption signed by the coordinator around a part Mallory signed.
    await w.deliver(pgpMimeMail({ from: SATO, subject: 'commands', messageId: '<two-2@evil.test>' }, await encryptEntity(w, mallorys, w.sato)));

    expect((await w.snapshot(CASE_A)).vendors.map((v) => v.id)).toEqual(['acme']);
    expect((await w.notices()).filter((n) => n.recipient.includes(EVIL))).toEqual([]);
    expect(w.sent.filter((s) => s.to.includes(EVIL))).toEqual([]);
    expect(await w.notices('command-confirmation')).toEqual([]);
    expect((await w.timeline('command-mail-refused')).map((r) => r.data.reason)).toEqual(['several-signers', 'several-signers', 'several-signers']);
    expect((await w.notices('coord-alert')).length).toBe(3);
  }, 60_000);
});
