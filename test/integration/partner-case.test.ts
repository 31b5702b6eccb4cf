// The first scenario of issue 12's proof over real mail (guideline §5; mail-protocol §7):
// Postfix (SMTP) → Dovecot → the desk by IMAP IDLE, the desk answering by SMTP into each
// party's Dovecot mailbox; every party reads its own mail with its own gpg home.
//   a registered partner (CERT/CC, wants CSAF) sends its signed, encrypted case form naming
//   two registered domestic vendors and an embargo → `partner-answer` with both ids → both
//   vendors notified, encrypted, with the partner's date (not the 45-day default) → the
//   partner's `partner-status` with a valid interim CSAF attached → ACME answers "affected,
//   fixed in 1.2.3" with its own `Vendor reference:` → Beta asks for a later date → the
//   partner gets it forwarded as a request, not applied; the agreed date is unchanged
//   (`cases show --json`) → the clock moves to the partner's date → the publication goes to
//   every party in the same tick, and the partner gets the final CSAF.
// Finally every mail the desk sent is checked: RFC 3156, encrypted to its recipient only,
// signed by the desk, nothing of the case in clear, no reporter identity to partner or vendors.
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateCsaf } from '../../src/adapters/csaf-validator.ts';
import { addCalendarDays, jstDate, jstStartOfDay } from '../../src/domain/clock.ts';
import { query } from '../support/desk.ts';
import { MailWorld, type Received } from '../support/mail-world.ts';
import { embargoIn, innerSubject } from '../support/partner-desk.ts';

const CERTCC = 'cert@certcc.test';
const ACME = 'psirt@acme.test';
const BETA = 'psirt@beta.test';
const SATO = 'sato@desk.test';
const PARTIES = [CERTCC, ACME, BETA, SATO] as const;
const REF = 'VU#412345';
const ACME_REF = 'ACME-PSIRT-2027-0042';
/** What is never outside the encryption: the partner's id, the products, the vulnerability. */
const CASE_SECRETS = [REF, 'Acme Router', 'Beta Box', 'stack overflow', 'CVE-2027-4242', ACME_REF];

let w: MailWorld;
let caseId: string;

// The embargo 40 days ahead at 15:00 -04:00 (04:00 JST the next day): the desk publishes at
// the start of the first JST day at or after it (docs/partners.md).
const embargo = embargoIn(40);
const date = addCalendarDays(jstDate(embargo.at), 1);
const later = addCalendarDays(date, 14);

const mail = async (from: string, subject: string, body: string): Promise<void> => void (await w.send(from, subject, body));
const received = (addr: string, prefix: string, count = 1): Promise<Received> => w.received(addr, prefix, count);
const inbox = (addr: string, prefix: string): Promise<Buffer[]> => w.inbox(addr, prefix);

interface Csaf {
  document: { tracking: { status: string; id: string }; distribution: { tlp: { label: string } } };
  vulnerabilities?: { product_status?: Record<string, string[]>; remediations?: { details?: string }[] }[];
}
/** The one CSAF 2.0 document attached to a decrypted notice, valid by the CSAF validator. */
async function csafIn(mime: string): Promise<Csaf> {
  const parsed = await simpleParser(Buffer.from(mime, 'latin1'));
  const json = parsed.attachments.filter((a) => a.contentType === 'application/json');
  expect(json).toHaveLength(1);
  const doc: unknown = JSON.parse(json[0]!.content.toString('utf8'));
  const v = await validateCsaf(doc);
  expect(v.errors).toEqual([]);
  expect(v.valid).toBe(true);
  return doc as Csaf;
}

/** `madoguchi cases show CASE --json` (issue 10), through the CLI. */
const shown = (): Promise<{ state: string; agreedJst: string | null; proposedJst: string | null; vendors: { id: string; status: string }[] }> => w.shown(caseId);

beforeAll(async () => {
  w = await MailWorld.start({
    prefix: 'pc',
    parties: [
      { id: 'certcc', name: 'CERT/CC', addr: CERTCC },
      { id: 'acme', name: 'ACME PSIRT', addr: ACME },
      { id: 'beta', name: 'Beta PSIRT', addr: BETA },
      { id: 'sato', name: 'Sato', addr: SATO },
    ],
    coordinators: [SATO],
  });
  // The registries, an administrator's task: two domestic vendors, and the partner, which wants CSAF.
  const vendors = w.vendorsYaml([
    { id: 'acme', name: 'ACME', addr: ACME },
    { id: 'beta', name: 'Beta', addr: BETA },
  ]);
  await w.run(['vendors', 'import', vendors]);
  await w.run(['partners', 'add', '--id', 'certcc', '--name', 'CERT/CC', '--case-id-pattern', 'VU#{6}', '--to', CERTCC, '--key', w.keyFile(CERTCC), '--csaf']);
}, 300_000);

afterAll(async () => {
  await w?.stop();
});

describe('a partner case over SMTP and IMAP (gpg on every side)', () => {
  it('the partner\'s signed, encrypted case form opens a case: the partner is answered with both ids and its date', async () => {
    const form = [`Partner case ID: ${REF}`, `Embargo: ${embargo.written}`, 'Products:', '- Acme Router', '- Beta Box', 'Vendors:', '- ACME', '- Beta', 'Summary: A stack overflow in the web UI allows remote code execution.', 'CVE: CVE-2027-4242'].join('\n') + '\n';
    await mail(CERTCC, 'New case', form);
    const answer = await received(CERTCC, 'partner-answer.');
    caseId = /VR-\d{4}-\d{4}/.exec(answer.text)?.[0] ?? '';
    expect(caseId).not.toBe('');
    expect(answer.text).toContain(REF);
    expect(answer.text).toContain(date);
    expect(innerSubject(answer.mime)).toContain(caseId);
    expect(innerSubject(answer.mime)).toContain(REF);
    // A partner case has no reporter on the desk's side: nobody's identity to leak.
    expect(await query(w.db.url, `SELECT 1 FROM parties WHERE case_id = $1 AND role = 'reporter'`, [caseId])).toEqual([]);
  }, 180_000);

  it('both vendors are notified, encrypted to each, with the partner\'s date and not the 45-day default', async () => {
    const default45 = addCalendarDays(jstDate(w.clock.now()), 45);
    for (const addr of [ACME, BETA]) {
      const { raw, text } = await received(addr, 'vendor-notify.');
      expect(raw.toString('latin1')).toMatch(new RegExp(`^Subject: \\[${caseId}\\]\\r$`, 'm'));
      expect(text).toContain(caseId);
      const [y, m, d] = date.split('-');
      expect(text.includes(date) || text.includes(`${y!}年${String(Number(m))}月${String(Number(d))}日`), text).toBe(true);
      expect(text).not.toContain(default45);
      expect(text).not.toContain('certcc');
      expect(text).toContain('発見者の氏名、所属、連絡先はお伝えできません');
    }
    const v = await shown();
    expect(v.agreedJst).toBe(date);
    expect(v.vendors.map((x) => x.id).sort()).toEqual(['acme', 'beta']);
  }, 180_000);

  it('the partner gets a partner-status: both vendors notified, signed and encrypted, with a valid interim CSAF', async () => {
    const s = await received(CERTCC, 'partner-status.');
    expect(innerSubject(s.mime)).toContain(`[${caseId}] [${REF}]`);
    expect(s.text).toMatch(/ACME: notified, no answer yet/);
    expect(s.text).toMatch(/Beta: notified, no answer yet/);
    expect(s.text).toContain(date);
    const doc = await csafIn(s.mime);
    expect(doc.document.tracking).toMatchObject({ id: caseId, status: 'interim' });
    expect(doc.document.distribution.tlp.label).toBe('AMBER');
  }, 180_000);

  it('ACME answers signed "affected, fixed in 1.2.3" with its own reference: the partner hears it, with the CSAF', async () => {
    await mail(ACME, `Re: [${caseId}]`, [`Case ID: ${caseId}`, 'Status: affected', 'Fixed versions: 1.2.3', `Vendor reference: ${ACME_REF}`].join('\n') + '\n');
    const s = await received(CERTCC, 'partner-status.', 2);
    expect(s.text).toMatch(/\* ACME: answered/);
    expect(s.text).toContain('Status:          affected');
    expect(s.text).toContain('Fixed versions:  1.2.3');
    expect(s.text).toMatch(/- Beta: notified, no answer yet/);
    const doc = await csafIn(s.mime);
    expect(doc.document.tracking.status).toBe('interim');
    expect(JSON.stringify(doc.vulnerabilities)).toContain('1.2.3');
    // ACME's confirmation carries every reference ACME knows the case by.
    const recorded = await received(ACME, 'vendor-reply-recorded.');
    expect(innerSubject(recorded.mime)).toContain(`[${caseId}] [${REF}] [${ACME_REF}]`);
    expect((await shown()).vendors.find((x) => x.id === 'acme')?.status).toMatch(/affected/);
  }, 180_000);

  it('Beta asks for a later date: forwarded to the partner as a request, not applied; the agreed date is unchanged', async () => {
    await mail(BETA, `Re: [${caseId}]`, [`Case ID: ${caseId}`, 'Status: affected', `Proposed publication date: ${later}`].join('\n') + '\n');
    const s = await received(CERTCC, 'partner-status.', 3);
    expect(innerSubject(s.mime)).toContain('REQUEST');
    expect(s.text).toContain(`Beta asks for publication on ${later}`);
    expect(s.text).toContain(`${date} (your date, unchanged)`);
    await csafIn(s.mime);
    // The coordinators are told too, and told it is not applied.
    const alerts = (await inbox(SATO, 'coord-alert.')).length;
    expect(alerts).toBeGreaterThanOrEqual(1);
    const v = await shown();
    expect(v.agreedJst).toBe(date);
    expect(v.state).not.toBe('published');
  }, 180_000);

  it('at the partner\'s date the publication goes to every party in the same tick; the partner gets the final CSAF', async () => {
    const before = await w.settled();
    expect(before).toBeGreaterThan(0);
    const moved = new Date();
    w.clock.setTo(new Date(jstStartOfDay(date).getTime() + 3_600_000));
    const advisories = [];
    for (const addr of [ACME, BETA]) {
      const a = await received(addr, 'advisory.');
      expect(a.text).toContain(caseId);
      advisories.push(a);
    }
    expect(innerSubject(advisories[0]!.mime)).toContain(`[${caseId}] [${REF}] [${ACME_REF}]`);
    const published = await received(CERTCC, 'partner-status.', 4);
    expect(innerSubject(published.mime)).toContain(`[${caseId}] [${REF}] Published`);
    expect(published.text).toContain(`published today (${date}`);
    const doc = await csafIn(published.mime);
    expect(doc.document.tracking.status).toBe('final');
    expect(doc.document.distribution.tlp.label).toBe('WHITE');
    // Simultaneously: every publication notice was written in one go, not one party first.
    const made = await query<{ recipient: string; kind: string; created_at: Date }>(w.db.url, `SELECT recipient, kind, created_at FROM notices WHERE case_id = $1 AND created_at >= $2 AND kind IN ('advisory', 'partner-status')`, [caseId, moved]);
    const kinds = made.map((r) => `${r.recipient} ${r.kind}`);
    expect(kinds).toEqual(expect.arrayContaining([`${ACME} advisory`, `${BETA} advisory`, `${CERTCC} partner-status`]));
    // The partner gets its publication notice and the advisory itself (guideline §5), nothing else.
    expect(kinds.filter((k) => k.startsWith(CERTCC)).sort()).toEqual([`${CERTCC} advisory`, `${CERTCC} partner-status`]);
    const own = await received(CERTCC, 'advisory.');
    expect(innerSubject(own.mime)).toContain(`[${caseId}] [${REF}]`);
    expect(own.text).toContain('Affected products');
    expect(own.text).not.toContain('Credit');
    expect((await csafIn(own.mime)).document.tracking.status).toBe('final');
    const times = made.map((r) => new Date(r.created_at).getTime());
    expect(Math.max(...times) - Math.min(...times)).toBeLessThan(5_000);
    expect((await shown()).state).toBe('published');
    expect((await shown()).agreedJst).toBe(date);
  }, 300_000);

  it('every mail the desk sent: RFC 3156, encrypted to its recipient, signed by the desk, nothing in clear, no reporter identity', async () => {
    const seenBy = new Set<string>();
    await w.everyMailSealed(CASE_SECRETS, (addr, text, what) => {
      seenBy.add(addr);
      // No identity beyond the parties' own: a vendor sees the desk's address and its own only
      // (not the partner's, not the other vendor's, not the coordinators'); the partner no
      // reporter (a partner case has none on the desk's side) and no coordinator.
      const seen = w.addressesIn(text);
      if (addr === ACME || addr === BETA) expect([...seen], what).toEqual(seen.size === 0 ? [] : [addr]);
      if (addr === CERTCC) {
        expect(text, what).not.toMatch(/reporter|発見者/i);
        expect([...seen].filter((a) => a !== CERTCC), what).toEqual([]);
      }
    });
    expect(seenBy).toEqual(new Set(PARTIES));
  }, 300_000);
});
