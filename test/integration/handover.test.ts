// The second scenario of issue 12's proof over real mail: a case handed out to a partner
// (guideline §5: a vendor with no domestic office; issue 12 "Outbound"; docs/partners.md
// "Handing a case over"). Postfix (SMTP) → Dovecot → the desk by IMAP IDLE, the desk
// answering by SMTP into each party's Dovecot mailbox; every party reads its own mail with
// its own gpg home (test/support/mail-world.ts).
//   a reporter's signed, encrypted report about a product of a vendor with no office here,
//   the reporter NOT consenting to share their identity → acknowledged → a coordinator's
//   signed command mail (X-ACCEPT, X-HANDOVER: certcc) → CERT/CC, registered by
//   `madoguchi partners add`, receives the report encrypted to its pinned key, signed by the
//   desk, without the reporter's name, address or organisation (guideline §2; 資料1 2.(4))
//   → a second X-HANDOVER is refused and sends nothing → another registered partner's signed
//   answer naming the desk's id, and one From: CERT/CC signed by Mallory, are not applied →
//   CERT/CC's own signed, encrypted answer (its case id, a status, a requested date) is read
//   into the case (`cases show --json`), the requested date only told to the coordinators
//   (guideline §3.5), the mail forwarded to them → the same signed answer replayed in a new
//   envelope changes nothing (a signature changes state once: mail-protocol §3).
// Finally every mail the desk sent is checked: RFC 3156, encrypted to its recipient only,
// signed by the desk, nothing of the case in clear, and no reporter identity reached a partner.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCalendarDays, jstDate } from '../../src/domain/clock.ts';
import { signedEncryptedMail } from '../support/coordination.ts';
import { query } from '../support/desk.ts';
import { makeReport } from '../support/gpg.ts';
import { sendRaw } from '../support/mailservers.ts';
import { DESK, MailWorld, yieldNow } from '../support/mail-world.ts';
import { innerSubject } from '../support/partner-desk.ts';

const REPORTER = 'hanako@reporter.test';
const CERTCC = 'cert@certcc.test';
const OTHER = 'cases@other-csirt.test';
const MALLORY = 'mallory@evil.test';
const SATO = 'sato@desk.test';
const PARTIES = [REPORTER, CERTCC, OTHER, MALLORY, SATO] as const;
/** The reporter's identity: never to a partner without consent (guideline §2). */
const IDENTITY = ['Hanako', 'Suzuki', REPORTER, 'Example Research Lab', 'reporter.test'];
const PRODUCT = 'Globex Camera';
const STEPS = 'Send the header X-Cmd: ;id to /cgi-bin/admin';
/** What is never outside the encryption: the product, the vulnerability, the partner's id. */
const CASE_SECRETS = [PRODUCT, 'Globex Corp', 'OS command injection', STEPS, 'VU#412377', ...IDENTITY.slice(0, 2), 'Example Research Lab'];
const REPORT = [
  'Report type: product',
  '1. Reporter name: Hanako Suzuki',
  '2. Organization: Example Research Lab',
  `3. Contact email: ${REPORTER}`,
  `4. Product name: ${PRODUCT}`,
  '5. Product version: 4.1',
  '6. Vendor: Globex Corp. (no office in Japan)',
  '7. Vulnerability type: CWE-78',
  '8. Summary: OS command injection in the admin CGI of the camera.',
  '9. Steps to reproduce:',
  'Log in to the camera as any user.',
  `${STEPS} and the command runs as root.`,
  '10. Impact: Full control of the camera.',
  '11. CVSS: CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H',
  '12. Share my identity with the vendor: no',
  '13. Direct contact with the vendor: no',
  '14. Credit me in the advisory: no',
  '15. Reported elsewhere: none',
  '',
].join('\n');
const REF = 'VU#412377';

let w: MailWorld;
let caseId: string;
/** CERT/CC's genuine signed answer, kept to replay its signature. */
let answerArmored: string;

interface Shown {
  state: string;
  agreedJst: string | null;
  proposedJst: string | null;
  partners: { partnerId: string; partnerRef: string }[];
  handovers: { partnerId: string; handedBy: string }[];
  timeline: { event: string; actor: string; data: Record<string, unknown> | null }[];
}
const shown = (): Promise<Shown> => w.shown<Shown>(caseId);
const events = async (event: string): Promise<Record<string, unknown>[]> => (await shown()).timeline.filter((t) => t.event === event).map((t) => t.data ?? {});
/** How many messages of one kind (Message-ID prefix; '' for all) are in `addr`'s mailbox. */
const count = async (addr: string, prefix: string): Promise<number> => (await w.inbox(addr, prefix)).length;
/** What a partner answer or a handover could change (state, dates, handovers, partner ids, answers): a refused or replayed mail must leave it as it was. */
const state = async (): Promise<string> => {
  const v = await shown();
  const handovers = await query(w.db.url, `SELECT case_id, partner_id, notice_id FROM case_handovers ORDER BY partner_id`);
  const links = await query(w.db.url, `SELECT case_id, partner_id, partner_ref FROM case_partners ORDER BY partner_id`);
  return JSON.stringify({ state: v.state, agreed: v.agreedJst, proposed: v.proposedJst, handovers, links, answers: v.timeline.filter((t) => t.event === 'partner-handover-answer') });
};
/** How many mails the desk has finished with (each one is stored once, processed once). */
const processed = async (): Promise<number> => Number((await query<{ n: string }>(w.db.url, `SELECT count(*) AS n FROM messages WHERE state IN ('done', 'failed')`))[0]!.n);

beforeAll(async () => {
  w = await MailWorld.start({
    prefix: 'ho',
    parties: [
      { id: 'reporter', name: 'Hanako Suzuki', addr: REPORTER },
      { id: 'certcc', name: 'CERT/CC', addr: CERTCC },
      { id: 'other', name: 'Other CSIRT', addr: OTHER },
      { id: 'mallory', name: 'Mallory', addr: MALLORY },
      { id: 'sato', name: 'Sato', addr: SATO },
    ],
    coordinators: [SATO],
  });
  // The partner registry, an administrator's task: CERT/CC (the vendor's country) and another CSIRT.
  await w.run(['partners', 'add', '--id', 'certcc', '--name', 'CERT/CC', '--case-id-pattern', 'VU#{6}', '--to', CERTCC, '--key', w.keyFile(CERTCC)]);
  await w.run(['partners', 'add', '--id', 'other', '--name', 'Other CSIRT', '--case-id-pattern', 'OC-{4}-{3}', '--to', OTHER, '--key', w.keyFile(OTHER)]);
}, 300_000);

afterAll(async () => {
  await w?.stop();
});

describe('a case handed out to a partner, over SMTP and IMAP (gpg on every side)', () => {
  it("the reporter's signed, encrypted report (no consent to share the identity) is acknowledged", async () => {
    const raw = makeReport(w.world, { from: REPORTER, fromName: 'Hanako Suzuki', to: DESK, body: REPORT, messageId: '<ho-report@reporter.test>', subject: 'Vulnerability report' });
    await yieldNow();
    expect((await sendRaw(REPORTER, [DESK], raw)).accepted).toEqual([DESK]);
    const ack = await w.received(REPORTER, 'ack.');
    caseId = /VR-\d{4}-\d{4}/.exec(ack.text)?.[0] ?? '';
    expect(caseId).not.toBe('');
    const [c] = await query<{ id: string; report: { reporter?: { name?: string } } }>(w.db.url, 'SELECT id, report FROM cases');
    expect(c!.id).toBe(caseId);
    // The desk holds the identity (to relay), and the reporter's refusal to share it.
    expect(c!.report.reporter?.name).toBe('Hanako Suzuki');
    expect((await shown()).handovers).toEqual([]);
  }, 180_000);

  it('one signed command mail (X-ACCEPT, X-HANDOVER: certcc): the partner gets the report encrypted to its key, signed by the desk, without the reporter', async () => {
    await w.command(SATO, [`X-CASE: ${caseId}`, 'X-ACCEPT', 'X-HANDOVER: certcc']);
    const conf = await w.received(SATO, 'command-confirmation.');
    expect(conf.text).toContain(caseId);
    // The case is in English (the report's language): so is the confirmation.
    expect(conf.text).toContain('All 2 commands were applied.');
    expect(conf.text).toMatch(/X-HANDOVER: certcc\r?\n\s+Done: The case is handed over to partner certcc/);

    // received(): RFC 3156, encrypted to CERT/CC's pinned key alone, signed by the desk.
    const h = await w.received(CERTCC, 'partner-handover.');
    expect(innerSubject(h.mime)).toContain(`[${caseId}] Case handed over`);
    for (const s of [caseId, PRODUCT, '4.1', 'Globex Corp.', 'OS command injection', 'CWE-78', STEPS, 'CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H', 'Full control of the camera']) expect(h.text, s).toContain(s);
    // guideline §2; 資料1 2.(4): no name, address or organisation of the reporter without consent.
    expect(h.text).toContain('asked not to be identified');
    for (const s of IDENTITY) expect(h.text, s).not.toContain(s);
    expect([...w.addressesIn(h.text)].filter((a) => a !== CERTCC)).toEqual([]);
    // Only CERT/CC was sent anything of the case: no other partner, not the reporter.
    await w.settled();
    expect(await count(OTHER, '')).toBe(0);

    const v = await shown();
    expect(v.handovers).toEqual([expect.objectContaining({ partnerId: 'certcc', handedBy: 'coordinator:Sato' })]);
    expect(v.state).not.toMatch(/published|closed|invalid/);
    expect(await events('case-handed-over')).toEqual([expect.objectContaining({ partner: 'certcc', held: false, reporterIdentity: false })]);
  }, 180_000);

  it('a second X-HANDOVER to the same partner is refused and sends nothing', async () => {
    const before = await state();
    await w.command(SATO, [`X-CASE: ${caseId}`, 'X-HANDOVER: certcc']);
    const conf = await w.received(SATO, 'command-confirmation.', 2);
    expect(conf.text).toContain('The case was already handed over to partner certcc; nothing was sent again.');
    await w.settled();
    expect(await count(CERTCC, 'partner-handover.')).toBe(1);
    expect(await state()).toBe(before);
  }, 180_000);

  it("another registered partner's signed answer naming the case, and one From: CERT/CC signed by Mallory, are not applied", async () => {
    const before = await state();
    const taken = await processed();
    const answer = (ref: string): string => [`Desk case ID: ${caseId}`, 'Status: accepted', `Partner case ID: ${ref}`, `Requested date: ${addCalendarDays(jstDate(w.clock.now()), 30)}`].join('\n') + '\n';
    // A registered partner's own pinned key, about a case not handed over to it: refused (foreign-reference), told so.
    await w.send(OTHER, `Re: [${caseId}] Case handed over`, answer('OC-2027-555'));
    const refusal = await w.received(OTHER, 'partner-answer.');
    expect(refusal.text).not.toContain(PRODUCT);
    // Mallory writes as CERT/CC: the From is CERT/CC's, the signature is not its pinned key.
    await w.send(CERTCC, `Re: [${caseId}] Case handed over`, answer('VU#666002'), { signAs: MALLORY });
    await expect.poll(processed, { timeout: 120_000, interval: 500 }).toBeGreaterThanOrEqual(taken + 2);
    await w.settled();
    expect(await state()).toBe(before);
    expect((await shown()).partners).toEqual([]);
    // The coordinators are told of the mail that claimed CERT/CC's name without its key (and given no authority),
    // named by its sender, not as a vendor's.
    const alert = await w.received(SATO, 'coord-alert.');
    expect(alert.text).toContain('signer-not-pinned');
    expect(alert.text).toContain(CERTCC);
    expect(alert.text).toContain(`a signed mail from ${CERTCC}, read as a`);
    expect(await count(SATO, 'coord-alert.')).toBe(1);
    const refused = await query<{ event: string; data: { reason?: string } }>(w.db.url, `SELECT event, data FROM timeline WHERE event IN ('partner-mail-refused') ORDER BY id`);
    expect(refused.map((r) => r.data.reason)).toEqual(['foreign-reference']);
  }, 240_000);

  it("CERT/CC's own signed, encrypted answer is read into the case; the requested date goes to the coordinators, not applied", async () => {
    const before = await shown();
    const alerts = await count(SATO, 'coord-alert.');
    const requested = addCalendarDays(jstDate(w.clock.now()), 60);
    const body = [`Desk case ID: ${caseId}`, 'Status: accepted', `Partner case ID: ${REF}`, `Requested date: ${requested}`, 'Comment: we reached Globex.'].join('\n') + '\n';
    const signed = signedEncryptedMail(w.world, { from: CERTCC, signAs: CERTCC, to: DESK, subject: `Re: [${caseId}] Case handed over`, messageId: '<ho-answer@certcc.test>', body, signedAt: w.clock.now() });
    answerArmored = signed.armored;
    await yieldNow();
    expect((await sendRaw(CERTCC, [DESK], signed.raw)).accepted).toEqual([DESK]);

    // The coordinators are told: the requested date (not applied), and the mail itself.
    const alert = await w.received(SATO, 'coord-alert.', alerts + 1);
    expect(alert.text).toContain(`partner certcc (${REF}) requests publication on ${requested}; not applied`);
    await expect.poll(async () => (await shown()).partners, { timeout: 60_000, interval: 500 }).toEqual([expect.objectContaining({ partnerId: 'certcc', partnerRef: REF })]);
    await w.settled();

    const v = await shown();
    expect(await events('partner-handover-answer')).toEqual([expect.objectContaining({ partner: 'certcc', status: 'accepted', partnerRef: REF, requestedDate: requested, applied: false })]);
    // guideline §3.5: one date, agreed by the desk; the partner's request changes none.
    expect(v.agreedJst).toBe(before.agreedJst);
    expect(v.proposedJst).toBe(before.proposedJst);
    expect(v.agreedJst).not.toBe(requested);
    expect(v.state).toBe(before.state);
    // The mail was forwarded to the coordinators (correspondence), in the desk's signed, encrypted mail.
    const forwarded = await w.received(SATO, 'correspondence.');
    expect(forwarded.text).toContain('we reached Globex');
    expect(forwarded.text).toContain(caseId);
  }, 240_000);

  it("the partner's answer replayed (its signature in a new envelope) and the handover command again change nothing", async () => {
    const before = await state();
    const alerts = await count(SATO, 'coord-alert.');
    const taken = await processed();
    const replay = signedEncryptedMail(w.world, { from: CERTCC, signAs: CERTCC, to: DESK, subject: 'Re: status', messageId: '<ho-replay@certcc.test>', body: '', armored: answerArmored });
    expect((await sendRaw(CERTCC, [DESK], replay.raw)).accepted).toEqual([DESK]);
    await w.command(SATO, [`X-CASE: ${caseId}`, 'X-HANDOVER: certcc']);
    expect((await w.received(SATO, 'command-confirmation.', 3)).text).toContain('The case was already handed over to partner certcc; nothing was sent again.');
    await expect.poll(processed, { timeout: 120_000, interval: 500 }).toBeGreaterThanOrEqual(taken + 2);
    await w.settled();
    expect(await state()).toBe(before);
    // The coordinators are told a signature came again (mail-protocol §3), and nothing more.
    expect(await count(SATO, 'coord-alert.')).toBe(alerts + 1);
    expect((await w.received(SATO, 'coord-alert.', alerts + 1)).text).toContain('replayed-signature');
    expect(await count(CERTCC, 'partner-handover.')).toBe(1);
    expect(await events('partner-handover-answer')).toHaveLength(1);
  }, 240_000);

  it('every mail the desk sent: RFC 3156, encrypted to its recipient, signed by the desk, nothing in clear; no reporter identity reached a partner', async () => {
    const seenBy = new Set<string>();
    await w.everyMailSealed(CASE_SECRETS, (addr, text, what) => {
      seenBy.add(addr);
      if (addr === CERTCC || addr === OTHER) {
        // guideline §2: neither partner learns who the reporter is, nor any coordinator's address.
        for (const s of IDENTITY) expect(text, what).not.toContain(s);
        expect([...w.addressesIn(text)].filter((a) => a !== addr), what).toEqual([]);
      }
      if (addr === OTHER) expect(text, what).not.toContain(PRODUCT);
    });
    // Mallory, who wrote as CERT/CC, was sent nothing (the desk answers no unpinned signer's claim).
    expect(seenBy).toEqual(new Set(PARTIES.filter((p) => p !== MALLORY)));
    // The partner's mailbox holds exactly one copy of the case.
    expect(await count(CERTCC, 'partner-handover.')).toBe(1);
  }, 300_000);
});
