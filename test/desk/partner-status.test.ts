// issue 12 (guideline §5; mail-protocol §7): on a partner case the vendors' statuses go back
// to the partner, encrypted to its pinned keys, with the case's CSAF 2.0 document attached
// when the partner wants it; a vendor's request for another date is forwarded to the
// partner, never applied; a vendor's own reference is kept, written into its subjects and
// matches its replies; a partner without a usable key gets nothing (coordinators told).
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateCsaf } from '../../src/adapters/csaf-validator.ts';
import { addCalendarDays, jstDate, jstStartOfDay } from '../../src/domain/clock.ts';
import { caseByPartnerRef } from '../../src/store/partners.ts';
import { vendorReferencesOfCase } from '../../src/store/vendor-references.ts';
import { ACME, EVIL, SATO, encryptEntity, pgpMimeMail, replyForm, textPart } from '../support/authority-desk.ts';
import { Gpg, openNotice } from '../support/gpg.ts';
import { CERTCC, OTHER, decryptNotice, embargoIn, innerSubject, partnerForm, partnerMail, partnerWorld, type PartnerWorld } from '../support/partner-desk.ts';

let w: PartnerWorld;
let gpg: Gpg;
beforeAll(async () => {
  w = await partnerWorld();
  // CERT/CC's registry entry asks for CSAF (docs/partners.md `wants_csaf`); the other partner's does not.
  await w.db.query(`UPDATE partners SET wants_csaf = true WHERE id = 'certcc'`);
  // CERT/CC reads its mail with gpg: its secret key and the desk's public key only.
  gpg = new Gpg();
  gpg.importText(w.certcc.armor());
  gpg.importText(w.deskKey.armor());
}, 60_000);
afterAll(async () => {
  gpg?.close();
  await w?.close();
});

const embargo = embargoIn(40);
const date = addCalendarDays(jstDate(embargo.at), 1);
const yieldNow = (): Promise<void> => new Promise((r) => setImmediate(r));

const statusNotices = async (caseId: string): Promise<{ id: string; recipient: string; state: string; raw: Buffer }[]> => (await w.notices('partner-status')).filter((n) => n.id.includes(`.${caseId}.`));

/** The attachments of a decrypted notice (MIME text), by content type. */
async function attachments(decrypted: string | Buffer): Promise<{ contentType: string; filename: string | undefined; content: Buffer }[]> {
  const parsed = await simpleParser(typeof decrypted === 'string' ? Buffer.from(decrypted, 'latin1') : decrypted);
  return parsed.attachments.map((a) => ({ contentType: a.contentType, filename: a.filename, content: a.content }));
}

/** Opened with gpg as CERT/CC: decrypted, signed by the desk; the CSAF document attached, valid. */
async function csafOf(raw: Buffer): Promise<{ doc: { document: { tracking: { status: string; id: string }; distribution: { tlp: { label: string } } } }; text: string }> {
  const opened = openNotice(gpg, raw);
  await yieldNow();
  expect(opened.decryptedOk).toBe(true);
  expect(opened.signer).toBe(w.deskKey.getFingerprint().toUpperCase());
  const json = (await attachments(opened.decrypted)).filter((a) => a.contentType === 'application/json');
  expect(json).toHaveLength(1);
  const doc: unknown = JSON.parse(json[0]!.content.toString('utf8'));
  const v = await validateCsaf(doc);
  expect(v.errors).toEqual([]);
  expect(v.valid).toBe(true);
  return { doc: doc as Awaited<ReturnType<typeof csafOf>>['doc'], text: opened.decrypted };
}

describe('vendor statuses back to the partner of a partner case', () => {
  let caseId: string;

  it('after opening: one partner-status listing both vendors notified, encrypted, signed, with a valid interim CSAF', async () => {
    await w.deliver(await partnerMail(w, CERTCC, w.certcc, partnerForm('VU#300001', embargo.written), '<s1@certcc.test>'));
    caseId = (await caseByPartnerRef(w.db, 'certcc', 'VU#300001'))!;
    expect(caseId).toBeTruthy();
    const [n, ...more] = await statusNotices(caseId);
    expect(more).toEqual([]);
    expect(n!.recipient).toBe(CERTCC);
    expect(n!.state).not.toBe('withheld');
    // Nothing of the case in clear: the outer Subject is the desk's tag alone.
    expect(n!.raw.toString('latin1')).toMatch(new RegExp(`^Subject: \\[${caseId}\\]\\r$`, 'm'));
    expect(n!.raw.toString('latin1')).not.toContain('VU#300001');
    const { doc, text } = await csafOf(n!.raw);
    expect(doc.document.tracking).toMatchObject({ id: caseId, status: 'interim' });
    expect(doc.document.distribution.tlp.label).toBe('AMBER');
    const body = await decryptNotice(n!.raw, w.certcc);
    expect(innerSubject(body)).toContain(`[${caseId}] [VU#300001]`);
    expect(body).toMatch(/ACME: notified, no answer yet/);
    expect(body).toMatch(/Evil: notified, no answer yet/);
    expect(body).toContain(date);
    expect(text).toContain('application/json');
  }, 60_000);

  it('a vendor answers (fixed, versions, advisory URL, its own reference): the partner hears it; the reference is kept and in the vendor\'s subjects', async () => {
    const body = replyForm(caseId, 'fixed', ['Fixed versions: 2.0.1', 'Advisory URL: https://acme.test/psirt/2027-01', 'Vendor reference: PSIRT-2027-0099']);
    await w.deliver(pgpMimeMail({ from: ACME, subject: `Re: [${caseId}]`, messageId: '<s2@acme.test>' }, await encryptEntity(w, textPart(body), w.acme)));
    const notices = await statusNotices(caseId);
    expect(notices).toHaveLength(2);
    const text = await decryptNotice(notices[1]!.raw, w.certcc);
    expect(text).toMatch(/\* ACME: answered/);
    expect(text).toContain('Status:          fixed');
    expect(text).toContain('Fixed versions:  2.0.1');
    expect(text).toContain('https://acme.test/psirt/2027-01');
    expect(text).toMatch(/- Evil: notified, no answer yet/);
    // No reporter identity, no reproduction steps.
    expect(text).not.toContain('再現手順');
    expect(text).not.toMatch(/reporter/i);
    await csafOf(notices[1]!.raw);

    expect(await vendorReferencesOfCase(w.db, caseId)).toEqual(new Map([['acme', ['PSIRT-2027-0099']]]));
    // The confirmation to ACME carries every reference ACME knows the case by.
    const recorded = (await w.notices('vendor-reply-recorded')).filter((n) => n.id.includes(caseId));
    expect(recorded).toHaveLength(1);
    expect(innerSubject(await decryptNotice(recorded[0]!.raw, w.acme))).toContain(`[${caseId}] [VU#300001] [PSIRT-2027-0099]`);
  }, 60_000);

  it('a vendor asks for another date: forwarded to the partner as a REQUEST, the coordinators told, the date unchanged', async () => {
    const later = addCalendarDays(date, 10);
    const before = (await w.snapshot(caseId)).publication.agreed;
    expect(before).toBe(date);
    const body = replyForm(caseId, 'affected', [`Proposed publication date: ${later}`]);
    await w.deliver(pgpMimeMail({ from: EVIL, subject: `Re: [${caseId}]`, messageId: '<s3@evil.test>' }, await encryptEntity(w, textPart(body), w.evil)));
    const s = await w.snapshot(caseId);
    // Not applied: the agreed date is still the partner's.
    expect(s.publication.agreed).toBe(date);
    expect(s.vendors.find((v) => v.id === 'evil')?.status).toBe('affected');
    const notices = await statusNotices(caseId);
    expect(notices).toHaveLength(3);
    const text = await decryptNotice(notices[2]!.raw, w.certcc);
    expect(innerSubject(text)).toContain('REQUEST');
    expect(text).toContain(`Evil asks for publication on ${later}`);
    expect(text).toContain(`${date} (your date, unchanged)`);
    const alerts = (await w.notices('coord-alert')).filter((n) => n.id.includes(caseId) && n.id.includes('request'));
    expect(alerts.map((n) => n.recipient)).toEqual([SATO]);
    const alert = await decryptNotice(alerts[0]!.raw, w.sato);
    expect(alert).toContain(later);
    expect(alert).toContain('not applied');
    // The coordinators are not asked to decide the date themselves.
    expect((await w.timeline('notify-coordinators')).filter((t) => t.case_id === caseId && (t.data as { template?: string }).template === 'date-proposed')).toHaveLength(1);
    for (const n of (await w.notices('coord-alert')).filter((x) => x.id.includes(caseId))) expect(await decryptNotice(n.raw, w.sato)).not.toContain('X-SET-DATE');
  }, 60_000);

  it('a vendor reply naming the case only by the vendor\'s own reference (signed body) is matched to the case', async () => {
    const body = ['Vendor reference: PSIRT-2027-0099', 'Workaround: Disable the web UI.'].join('\n') + '\n';
    await w.deliver(pgpMimeMail({ from: ACME, subject: 'Re: your mail', messageId: '<s4@acme.test>' }, await encryptEntity(w, textPart(body), w.acme)));
    expect((await w.snapshot(caseId)).vendors.find((v) => v.id === 'acme')?.workaround).toBe('Disable the web UI.');
  }, 60_000);

  it('... or only in the signed (protected) Subject, as the desk wrote it', async () => {
    const entity = 'Content-Type: text/plain; charset=UTF-8; protected-headers="v1"\r\nSubject: Re: [PSIRT-2027-0099] status\r\n\r\nStatus: fixed\r\nFixed versions: 2.0.2\r\n';
    await w.deliver(pgpMimeMail({ from: ACME, subject: '...', messageId: '<s5@acme.test>' }, await encryptEntity(w, entity, w.acme)));
    expect((await w.snapshot(caseId)).vendors.find((v) => v.id === 'acme')?.fixedVersions).toBe('2.0.2');
  }, 60_000);

  it('at the partner\'s date the case publishes and the partner gets the publication notice with the final CSAF', async () => {
    w.now = new Date(jstStartOfDay(date).getTime() + 3_600_000);
    try {
      await w.desk.handle('tick', {});
      const s = await w.snapshot(caseId);
      expect(s.publishedAt).not.toBeNull();
      const last = (await statusNotices(caseId)).pop()!;
      const text = await decryptNotice(last.raw, w.certcc);
      expect(innerSubject(text)).toContain(`[${caseId}] [VU#300001] Published`);
      expect(text).toContain(`published today (${date}`);
      const json = (await attachments(Buffer.from(text, 'utf8'))).filter((a) => a.contentType === 'application/json');
      expect(json).toHaveLength(1);
      const doc = JSON.parse(json[0]!.content.toString('utf8')) as { document: { tracking: { status: string }; distribution: { tlp: { label: string } } } };
      expect((await validateCsaf(doc)).errors).toEqual([]);
      expect(doc.document.tracking.status).toBe('final');
      expect(doc.document.distribution.tlp.label).toBe('WHITE');
      // The advisory to ACME: every reference ACME knows the case by, in its (protected) subject.
      const adv = (await w.notices('advisory')).filter((n) => n.id.includes(caseId) && n.recipient === ACME);
      expect(adv).toHaveLength(1);
      expect(innerSubject(await decryptNotice(adv[0]!.raw, w.acme))).toContain(`[${caseId}] [VU#300001] [PSIRT-2027-0099]`);
    } finally {
      w.now = null;
    }
  }, 60_000);
});

describe('a vendor found unreachable (the tick)', () => {
  it('the partner hears it once, not of each reminder', async () => {
    const start = Date.now();
    await w.deliver(await partnerMail(w, CERTCC, w.certcc, partnerForm('VU#300002', embargo.written, ['ACME']), '<s6@certcc.test>'));
    const caseId = (await caseByPartnerRef(w.db, 'certcc', 'VU#300002'))!;
    expect(await statusNotices(caseId)).toHaveLength(1);
    try {
      // guideline §8: reminders after 7, 14 and 21 days; unreachable after the third goes unanswered.
      for (const days of [8, 15, 22, 29, 36]) {
        w.now = new Date(start + days * 86_400_000);
        await w.desk.handle('tick', {});
        await yieldNow();
      }
    } finally {
      w.now = null;
    }
    expect((await w.snapshot(caseId)).vendors.find((v) => v.id === 'acme')?.coordination).toBe('unreachable');
    expect((await w.notices('vendor-remind')).filter((n) => n.id.includes(caseId)).length).toBeGreaterThanOrEqual(3);
    const notices = await statusNotices(caseId);
    expect(notices).toHaveLength(2);
    const text = await decryptNotice(notices[1]!.raw, w.certcc);
    expect(text).toMatch(/\* ACME: unreachable/);
    expect(text).toContain('CSAF 2.0 document is attached');
    // Every CSAF document built for CERT/CC in this file passed validation: none was left out.
    expect((await w.notices('coord-alert')).filter((n) => n.id.includes('.certcc.csaf@'))).toEqual([]);
  }, 60_000);
});

describe('a partner without a usable key', () => {
  it('gets no status (stored withheld, nothing to send) and the coordinators are told; no CSAF for a partner that does not want it', async () => {
    await w.deliver(await partnerMail(w, OTHER, w.other, partnerForm('OC-2027-001', embargo.written, ['ACME']), '<o1@other.test>'));
    const caseId = (await caseByPartnerRef(w.db, 'other', 'OC-2027-001'))!;
    const [first] = await statusNotices(caseId);
    expect(first!.state).not.toBe('withheld');
    expect((await attachments(Buffer.from(await decryptNotice(first!.raw, w.other), 'utf8'))).filter((a) => a.contentType === 'application/json')).toEqual([]);

    await w.db.query(`DELETE FROM partner_keys WHERE partner_id = 'other'`);
    await w.deliver(pgpMimeMail({ from: ACME, subject: `Re: [${caseId}]`, messageId: '<o2@acme.test>' }, await encryptEntity(w, textPart(replyForm(caseId, 'not-affected')), w.acme)));
    const notices = await statusNotices(caseId);
    expect(notices).toHaveLength(2);
    expect(notices[1]!.state).toBe('withheld');
    expect(notices[1]!.raw.length).toBe(0);
    expect(w.sent.some((m) => m.raw.toString('latin1').includes(notices[1]!.id.slice(1, -1)))).toBe(false);
    const alert = (await w.notices('coord-alert')).filter((n) => n.id.includes(caseId) && n.id.includes('withheld'));
    expect(alert).toHaveLength(1);
    expect(await decryptNotice(alert[0]!.raw, w.sato)).toContain('no usable pinned key');
  }, 60_000);
});
