// issue 12 "Outbound" (guideline §5): a coordinator hands a case over to a partner CSIRT
// (X-HANDOVER by signed, encrypted mail, or `madoguchi case ID handover PARTNER`). The
// partner receives the report signed and encrypted to its pinned key, without the reporter's
// identity unless the reporter consented; refusals come from the catalogue; the partner's
// signed answers (its own case id, its status, a requested date) are read into the case.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCliCommand } from '../../src/commands/parse.ts';
import { generateDeskKey, readSigningKey } from '../../src/crypto/openpgp.ts';
import { applyCommands } from '../../src/desk/commands.ts';
import { saveSnapshot } from '../../src/desk/coordination.ts';
import { stepWebsite } from '../../src/rules/website.ts';
import { newWebsiteCase, type WebsiteCase } from '../../src/rules/website-state.ts';
import { createCase, listTimeline } from '../../src/store/repo.ts';
import { getHandover } from '../../src/store/handovers.ts';
import { caseByPartnerRef, upsertPartner } from '../../src/store/partners.ts';
import { DESK, SATO } from '../support/authority-desk.ts';
import { command, expiredKey, handoverCase, handoverNotices, lastConfirmation, REPORTER_EMAIL, REPORTER_NAME } from '../support/handover-desk.ts';
import { CERTCC, OTHER, decryptNotice, innerSubject, partnerMail, partnerWorld, type PartnerWorld } from '../support/partner-desk.ts';

let w: PartnerWorld;
beforeAll(async () => {
  w = await partnerWorld();
}, 60_000);
afterAll(async () => w?.close());

const A = 'VR-2026-0101';
const events = async (caseId: string, event: string): Promise<Record<string, unknown>[]> =>
  (await listTimeline(w.db, caseId, { limit: 1000 })).filter((t) => t.event === event).map((t) => t.data as Record<string, unknown>);

describe('X-HANDOVER by mail', () => {
  it('sends the partner the report, signed and encrypted to its pinned key, without the reporter', async () => {
    await handoverCase(w, A, { agreed: '2027-03-10' });
    await command(w, A, ['X-HANDOVER: certcc']);
    const [n] = await handoverNotices(w, A);
    expect(n?.recipient).toBe(CERTCC);
    expect(n?.state).toBe('sent');
    expect(w.sent.filter((m) => m.to.includes(CERTCC))).toHaveLength(1);
    // Encrypted to CERT/CC's key: Sato cannot read it, CERT/CC can.
    await expect(decryptNotice(n!.raw, w.sato)).rejects.toThrow();
    const text = await decryptNotice(n!.raw, w.certcc);
    expect(innerSubject(text)).toContain(`[${A}]`);
    for (const s of [A, 'Globex Camera', '4.1', 'Globex Corp.', 'OS command injection', 'CWE-78', 'confidential steps', '2027-03-10']) expect(text, s).toContain(s);
    expect(text).toContain('The publication date agreed for this case');
    // guideline §2: no reporter identity without consent.
    expect(text).not.toContain(REPORTER_NAME);
    expect(text).not.toContain(REPORTER_EMAIL);
    expect(text).toContain('asked not to be identified');
    // Signed by the desk (PGP/MIME, inside the encryption).
    expect(text).toMatch(/-----BEGIN PGP SIGNATURE-----|application\/pgp-signature/u);
    expect(await lastConfirmation(w)).toContain('certcc');
    expect(await getHandover(w.db, A, 'certcc')).toMatchObject({ caseId: A, partnerId: 'certcc', handedBy: 'coordinator:Sato' });
    expect(await events(A, 'case-handed-over')).toEqual([expect.objectContaining({ partner: 'certcc', held: false, reporterIdentity: false, publicationDate: '2027-03-10' })]);
    // The case's own state is unchanged.
    expect((await w.snapshot(A)).rm).toBe('accepted');
  }, 60_000);

  it('the Japanese keyword does the same; a second handover to the same partner is refused and sends nothing', async () => {
    await command(w, A, ['X-引き継ぎ: certcc']);
    expect(await lastConfirmation(w)).toContain('既に連携機関 certcc に引き継いでいます');
    expect(await handoverNotices(w, A)).toHaveLength(1);
  }, 60_000);

  it('refuses an unknown partner with its catalogue text', async () => {
    await command(w, A, ['X-HANDOVER: nobody-csirt']);
    expect(await lastConfirmation(w)).toContain('連携機関 nobody-csirt は連携機関リストに登録されていません');
    expect(await getHandover(w.db, A, 'nobody-csirt')).toBeNull();
  }, 60_000);

  it('fails closed for a partner whose only pinned key expired: nothing sent, the coordinator told', async () => {
    const key = await expiredKey('cases@stale-csirt.test');
    await upsertPartner(w.db, { id: 'stale', name: 'Stale CSIRT', caseIdPattern: 'ST-{5}', contacts: { to: ['cases@stale-csirt.test'] }, keys: [key] }, 'test');
    await command(w, A, ['X-HANDOVER: stale']);
    expect(await lastConfirmation(w)).toContain('連携機関 stale には使用できる登録済みの鍵がありません');
    expect((await w.notices('partner-handover')).filter((x) => x.recipient.includes('stale-csirt'))).toEqual([]);
    expect(await getHandover(w.db, A, 'stale')).toBeNull();
    expect(await events(A, 'handover-refused')).toEqual([expect.objectContaining({ partner: 'stale', reason: 'partner-no-key' })]);
  }, 60_000);

  it.each([
    ['VR-2026-0102', 'stopped', 'この案件は取扱いを終了しているため、引き継ぎません'],
    ['VR-2026-0103', 'published', 'この案件は公表済みのため、引き継ぎません'],
    // guideline §3.2 before §3.4: handing the report to a partner is coordination, which
    // starts only after acceptance (src/rules/handover.ts; docs/decisions.md).
    ['VR-2026-0104', 'received', '届出がまだ受理されていません（届出の状態「received」）'],
    ['VR-2026-0108', 'valid', '届出がまだ受理されていません（届出の状態「valid」）'],
    ['VR-2026-0109', 'deferred', '届出がまだ受理されていません（届出の状態「deferred」）'],
  ] as const)('refuses case %s (%s)', async (id, state, says) => {
    await handoverCase(w, id, { state });
    await command(w, id, ['X-HANDOVER: certcc']);
    expect(await lastConfirmation(w)).toContain(says);
    expect(await handoverNotices(w, id)).toEqual([]);
    expect(await getHandover(w.db, id, 'certcc')).toBeNull();
    expect(w.sent.filter((m) => m.to.includes(CERTCC) && m.raw.toString('latin1').includes(id))).toEqual([]);
  }, 60_000);

  it('refuses a report not accepted yet on the command line too, naming the code', async () => {
    const signer = await readSigningKey((await generateDeskKey('Desk', DESK)).armoredPrivate);
    const parsed = parseCliCommand(['VR-2026-0104', 'handover', 'certcc']);
    const [outcome] = await applyCommands({ db: w.db, signer, address: DESK, coordinators: [], now: new Date(), actor: 'cli:sato' }, 'VR-2026-0104', parsed.commands);
    expect(outcome?.ok).toBe(false);
    expect(outcome?.message).toContain('The report is not accepted yet (report state "received")');
    expect(await getHandover(w.db, 'VR-2026-0104', 'certcc')).toBeNull();
  }, 60_000);

  it('refuses a website case: it has no vendor abroad to hand over to', async () => {
    const id = 'VR-2026-0110';
    let c: WebsiteCase = newWebsiteCase({ id, reporter: { name: REPORTER_NAME, consent: { shareIdentity: false, directContact: false, credit: false } } });
    c = stepWebsite(c, { type: 'accept' }, new Date()).case;
    await createCase(w.db, { id, kind: 'website', state: 'accepted', lang: 'ja', report: { kind: 'website', website: { url: 'https://shop.example.jp/cart' } } });
    await saveSnapshot(w.db, c);
    await command(w, id, ['X-HANDOVER: certcc']);
    expect(await lastConfirmation(w)).toContain('ウェブサイトの案件のため');
    expect(await handoverNotices(w, id)).toEqual([]);
    expect(await getHandover(w.db, id, 'certcc')).toBeNull();
  }, 60_000);
});

describe('the reporter identity guard', () => {
  it('holds a handover whose report names the reporter; X-RELEASE sends it to the partner once', async () => {
    const id = 'VR-2026-0105';
    await handoverCase(w, id, { summary: `Found by ${REPORTER_NAME}: command injection.` });
    await command(w, id, ['X-HANDOVER: certcc']);
    const [n] = await handoverNotices(w, id);
    expect(n?.state).toBe('withheld');
    const [hold] = await w.db.query<{ ref: string; party: { vendorId: string } }>('SELECT ref, party FROM identity_holds WHERE case_id = $1', [id]);
    expect(hold?.party.vendorId).toBe('partner:certcc');
    const alerts = (await w.notices('coord-alert')).filter((x) => x.id.includes(id));
    expect(alerts).toHaveLength(1);
    expect(await decryptNotice(alerts[0]!.raw, w.sato)).toContain(`hold ${hold!.ref}: partner-handover to certcc held`);
    await command(w, id, [`X-RELEASE: ${hold!.ref}`]);
    const [sent] = await handoverNotices(w, id);
    expect(sent?.state).toBe('sent');
    expect(await decryptNotice(sent!.raw, w.certcc)).toContain(REPORTER_NAME);
  }, 60_000);

  it('with the reporter consent, the partner is told who the reporter is', async () => {
    const id = 'VR-2026-0106';
    await handoverCase(w, id, { shareIdentity: true });
    await command(w, id, ['X-HANDOVER: certcc']);
    const [n] = await handoverNotices(w, id);
    expect(n?.state).toBe('sent');
    const text = await decryptNotice(n!.raw, w.certcc);
    expect(text).toContain(REPORTER_NAME);
    expect(text).toContain(REPORTER_EMAIL);
  }, 60_000);
});

describe('the CLI (madoguchi case ID handover PARTNER)', () => {
  it('hands the case over through the code the CLI runs', async () => {
    const signer = await readSigningKey((await generateDeskKey('Desk', DESK)).armoredPrivate);
    const parsed = parseCliCommand([A, 'handover', 'other']);
    expect(parsed.errors).toEqual([]);
    const deps = { db: w.db, signer, address: DESK, coordinators: [], now: new Date(), actor: 'cli:sato' };
    const [outcome] = await applyCommands(deps, A, parsed.commands);
    expect(outcome).toMatchObject({ ok: true, notices: [`<partner-handover.${A}.other@madoguchi.test>`] });
    const n = (await w.notices('partner-handover')).find((x) => x.recipient === OTHER);
    expect(await decryptNotice(n!.raw, w.other)).toContain('Globex Camera');
    const [again] = await applyCommands(deps, A, parsed.commands);
    expect(again).toMatchObject({ ok: false, message: `The case was already handed over to partner other; nothing was sent again.` });
  }, 60_000);
});

describe("the partner's answers", () => {
  it('its status, its own case id (the partner reference) and a requested date, recorded; the date not applied', async () => {
    const before = (await w.snapshot(A)).publication;
    const body = [`Desk case ID: ${A}`, 'Status: accepted', 'Partner case ID: VU#777001', 'Requested date: 2027-04-01', 'Comment: we reached Globex.'].join('\n') + '\n';
    await w.deliver(await partnerMail(w, CERTCC, w.certcc, body, '<h1@certcc.test>', `Re: [${A}] Case handed over`));
    expect(await caseByPartnerRef(w.db, 'certcc', 'VU#777001')).toBe(A);
    expect(await events(A, 'partner-handover-answer')).toEqual([
      expect.objectContaining({ partner: 'certcc', status: 'accepted', partnerRef: 'VU#777001', requestedDate: '2027-04-01', applied: false }),
    ]);
    expect((await w.snapshot(A)).publication).toEqual(before);
    // The coordinators: the requested date as an alert, the mail itself forwarded.
    const alert = (await w.notices('coord-alert')).filter((x) => x.id.includes(A)).pop();
    expect(alert?.recipient).toBe(SATO);
    expect(await decryptNotice(alert!.raw, w.sato)).toContain('partner certcc (VU#777001) requests publication on 2027-04-01; not applied');
    const fwd = (await w.notices('correspondence')).filter((x) => x.id.includes(A));
    expect(fwd).toHaveLength(1);
    expect(await decryptNotice(fwd[0]!.raw, w.sato)).toContain('we reached Globex');
  }, 60_000);

  it('later mail naming only the partner id is matched to the case; a new status is recorded', async () => {
    await w.deliver(await partnerMail(w, CERTCC, w.certcc, 'About VU#777001:\nStatus: vendor contacted\n', '<h2@certcc.test>', 'VU#777001 update'));
    const answers = await events(A, 'partner-handover-answer');
    expect(answers.map((a) => a.status)).toEqual(['accepted', 'vendor-contacted']);
    expect(answers[1]).toMatchObject({ partnerRef: 'VU#777001' });
    expect((await w.notices('correspondence')).filter((x) => x.id.includes(A))).toHaveLength(2);
  }, 60_000);

  it('another partner id for the same case is refused (reference-conflict) and changes nothing', async () => {
    await w.deliver(await partnerMail(w, CERTCC, w.certcc, `Desk case ID: ${A}\nPartner case ID: VU#777999\n`, '<h3@certcc.test>', 'id'));
    expect(await caseByPartnerRef(w.db, 'certcc', 'VU#777999')).toBeNull();
    expect(await events(A, 'partner-handover-answer')).toHaveLength(2);
    const answer = (await w.notices('partner-answer')).pop();
    expect(await decryptNotice(answer!.raw, w.certcc)).toContain('names more than one case');
  }, 60_000);

  it('bad values: nothing of the answer applied (not even its good status), the partner told each field and why, encrypted; the coordinators alerted', async () => {
    const answersBefore = await events(A, 'partner-handover-answer');
    const fwdBefore = (await w.notices('correspondence')).filter((x) => x.id.includes(A)).length;
    const before = (await w.snapshot(A)).publication;
    const body = `Desk case ID: ${A}\nStatus: maybe later\nRequested date: next spring\nPartner case ID: CASE-42\nComment: sorry, drafts.\n`;
    const mid = await w.deliver(await partnerMail(w, CERTCC, w.certcc, body, '<h4@certcc.test>', 'update'));
    // Nothing applied: no answer recorded, the partner id unchanged, the date untouched.
    expect(await events(A, 'partner-handover-answer')).toEqual(answersBefore);
    expect(await caseByPartnerRef(w.db, 'certcc', 'CASE-42')).toBeNull();
    expect((await w.snapshot(A)).publication).toEqual(before);
    // Codes only on the timeline and the message: a value that could not be read is never stored.
    const [refused] = await events(A, 'partner-handover-answer-refused');
    expect(refused).toMatchObject({
      reason: 'answer-invalid',
      problems: [
        { field: 'status', code: 'bad-status' },
        { field: 'requestedDate', code: 'bad-date' },
        { field: 'partnerCaseId', code: 'case-id-mismatch' },
      ],
    });
    expect(JSON.stringify(refused)).not.toContain('next spring');
    const [msg] = await w.db.query<{ error: string }>('SELECT error FROM messages WHERE id = $1', [mid]);
    expect(msg?.error).toBe('bad-value: status:bad-status, requestedDate:bad-date, partnerCaseId:case-id-mismatch');
    // The partner's answer: signed and encrypted to its pinned key, each field with its reason.
    const [n] = (await w.notices('handover-answer-refused')).filter((x) => x.id.includes(A));
    expect(n?.recipient).toBe(CERTCC);
    expect(n?.state).toBe('sent');
    await expect(decryptNotice(n!.raw, w.sato)).rejects.toThrow();
    const text = await decryptNotice(n!.raw, w.certcc);
    expect(innerSubject(text)).toContain(`[${A}] [VU#777001] Your answer was not applied`);
    expect(text).toContain('Nothing of this message was applied');
    expect(text).toContain('- Status (bad-status): is not a status we know; please write one of: accepted, declined, vendor-contacted, in-progress, closed');
    expect(text).toContain('- Requested date (bad-date): is not a date; please write it as YYYY-MM-DD');
    expect(text).toContain('- Partner case ID (case-id-mismatch): does not match your case-id format registered with this desk');
    for (const echoed of ['maybe later', 'next spring', 'CASE-42']) expect(text).not.toContain(echoed);
    expect(text).toMatch(/-----BEGIN PGP SIGNATURE-----|application\/pgp-signature/u);
    // The coordinators: a bad-value alert (codes only); the refused text is not forwarded (as a vendor reply's).
    const alert = (await w.notices('coord-alert')).filter((x) => x.id.includes(`m${String(mid)}.handover-invalid`));
    expect(alert).toHaveLength(1);
    expect(await decryptNotice(alert[0]!.raw, w.sato)).toContain('bad-value: status:bad-status, requestedDate:bad-date, partnerCaseId:case-id-mismatch (answer of partner certcc');
    expect((await w.notices('correspondence')).filter((x) => x.id.includes(A))).toHaveLength(fwdBefore);
  }, 60_000);

  it('an over-long value is a bad value too, answered by field with its limit', async () => {
    const body = `Desk case ID: ${A}\nStatus: accepted\nRequested date: ${'2027-05-01 '.repeat(30)}\n`;
    await w.deliver(await partnerMail(w, CERTCC, w.certcc, body, '<h5@certcc.test>', 'update'));
    expect((await events(A, 'partner-handover-answer')).map((a) => a.status)).toEqual(['accepted', 'vendor-contacted']);
    const last = (await events(A, 'partner-handover-answer-refused')).pop();
    expect(last).toMatchObject({ reason: 'answer-invalid', problems: [{ field: 'requestedDate', code: 'too-long' }] });
    const n = (await w.notices('handover-answer-refused')).filter((x) => x.id.includes(A)).pop();
    expect(await decryptNotice(n!.raw, w.certcc)).toContain('- Requested date (too-long): is too long (at most 200 characters)');
  }, 60_000);

  it('a label the answer does not know is no bad value: free text, forwarded, the good lines applied', async () => {
    const fwd = (await w.notices('correspondence')).filter((x) => x.id.includes(A)).length;
    await w.deliver(await partnerMail(w, CERTCC, w.certcc, `Desk case ID: ${A}\nStatus: in progress\nVendor mood: cheerful\n`, '<h6@certcc.test>', 'update'));
    expect((await events(A, 'partner-handover-answer')).map((a) => a.status)).toEqual(['accepted', 'vendor-contacted', 'in-progress']);
    expect((await w.notices('correspondence')).filter((x) => x.id.includes(A))).toHaveLength(fwd + 1);
  }, 60_000);
});

describe("the partner's answer after the case is closed", () => {
  it('a published case: the partner told the case is closed, nothing applied, the text forwarded to the coordinators', async () => {
    const id = 'VR-2026-0111';
    await handoverCase(w, id, { agreed: '2027-03-10' });
    await command(w, id, ['X-HANDOVER: certcc']);
    expect(await getHandover(w.db, id, 'certcc')).not.toBeNull();
    await saveSnapshot(w.db, { ...(await w.snapshot(id)), publishedAt: new Date() });
    await w.deliver(await partnerMail(w, CERTCC, w.certcc, `Desk case ID: ${id}\nStatus: closed\nPartner case ID: VU#777111\nRequested date: 2027-06-01\n`, '<h7@certcc.test>', 'late'));
    expect(await events(id, 'partner-handover-answer')).toEqual([]);
    expect(await caseByPartnerRef(w.db, 'certcc', 'VU#777111')).toBeNull();
    expect(await events(id, 'partner-handover-answer-refused')).toEqual([expect.objectContaining({ reason: 'case-closed', why: 'published' })]);
    expect((await w.notices('coord-alert')).filter((x) => x.id.includes('handover-date') && x.id.includes(id))).toEqual([]);
    const [n] = (await w.notices('handover-answer-refused')).filter((x) => x.id.includes(id));
    const text = await decryptNotice(n!.raw, w.certcc);
    expect(text).toContain('The case is closed at this desk (published or stopped): nothing of your answer was applied.');
    expect(text).not.toContain('could not be read');
    const fwd = (await w.notices('correspondence')).filter((x) => x.id.includes(id));
    expect(fwd).toHaveLength(1);
    expect(await decryptNotice(fwd[0]!.raw, w.sato)).toContain('Status: closed');
  }, 60_000);

  it('a stopped case: the same', async () => {
    const id = 'VR-2026-0112';
    await handoverCase(w, id);
    await command(w, id, ['X-HANDOVER: certcc']);
    await saveSnapshot(w.db, { ...(await w.snapshot(id)), rm: 'closed' });
    await w.deliver(await partnerMail(w, CERTCC, w.certcc, `Desk case ID: ${id}\nStatus: accepted\n`, '<h8@certcc.test>', 'late'));
    expect(await events(id, 'partner-handover-answer')).toEqual([]);
    expect(await events(id, 'partner-handover-answer-refused')).toEqual([expect.objectContaining({ reason: 'case-closed', why: 'stopped' })]);
    expect((await w.notices('handover-answer-refused')).filter((x) => x.id.includes(id))).toHaveLength(1);
  }, 60_000);
});
