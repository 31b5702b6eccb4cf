// The last scenario of issue 12's proof over real mail: a vendor self-report to publication
// (guideline §6; docs/partner-form.md "Vendor self-report form"; src/usecases/self-report.ts).
// Postfix (SMTP) → Dovecot → the desk by IMAP IDLE, the desk answering by SMTP into each
// party's Dovecot mailbox; every party reads its own mail with its own gpg home.
//   a registered vendor (ACME, pinned key) sends its signed, encrypted self-report form →
//   a case of kind `self-report` opens → ACME gets `self-report-answer` with the case id and
//   its own date, and never the vulnerability notification of its own report → the
//   coordinator is told → the agreed date is ACME's → the same form signed by another
//   vendor's pinned key (Beta's), from ACME's address, opens nothing → the clock moves to
//   the date → ACME and the coordinator get the advisory → `madoguchi export csaf CASE` is
//   a valid, final CSAF 2.0 document with ACME's fix.
// Finally every mail the desk sent is checked: RFC 3156, encrypted to its recipient only,
// signed by the desk, nothing of the case in clear, no party named to another.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateCsaf } from '../../src/adapters/csaf-validator.ts';
import { addCalendarDays, jstDate, jstStartOfDay } from '../../src/domain/clock.ts';
import { query } from '../support/desk.ts';
import { MailWorld, type Received } from '../support/mail-world.ts';
import { innerSubject } from '../support/partner-desk.ts';

const ACME = 'psirt@acme.test';
const BETA = 'psirt@beta.test';
const SATO = 'sato@desk.test';
const PARTIES = [ACME, BETA, SATO] as const;
const PRODUCT = 'Acme Gateway GX-7';
const SUMMARY = 'A path traversal in the firmware upload handler lets an administrator overwrite system files.';
const ADVISORY_URL = 'https://acme.test/security/ACME-SA-2027-07';
/** What is never outside the encryption: the product, the vulnerability, the vendor's advisory. */
const CASE_SECRETS = [PRODUCT, 'path traversal', 'firmware upload', 'ACME-SA-2027-07'];

let w: MailWorld;
let caseId: string;

// The vendor's own day, 20 days ahead (JST): a later day than today, as the form requires.
const date = addCalendarDays(jstDate(new Date()), 20);

/** The self-report form (docs/partner-form.md), English labels. */
const selfReportForm = (): string =>
  [
    `Product: ${PRODUCT}`,
    'Affected versions: 3.0 to 3.4.1',
    'Fixed versions: 3.4.2',
    `Summary: ${SUMMARY}`,
    `Proposed publication date: ${date}`,
    `Advisory URL: ${ADVISORY_URL}`,
    'CVE: CVE-2027-31337',
    'CVSS: CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H',
  ].join('\n') + '\n';

const received = (addr: string, prefix: string, count = 1): Promise<Received> => w.received(addr, prefix, count);
const inbox = (addr: string, prefix: string): Promise<Buffer[]> => w.inbox(addr, prefix);
const cases = async (): Promise<{ id: string; kind: string }[]> => query<{ id: string; kind: string }>(w.db.url, 'SELECT id, kind FROM cases ORDER BY id');

interface Shown {
  state: string;
  agreedJst: string | null;
  vendors: { id: string; status: string }[];
}
const shown = (): Promise<Shown> => w.shown<Shown>(caseId);

interface Csaf {
  document: { tracking: { status: string; id: string }; distribution: { tlp: { label: string } } };
  vulnerabilities?: { cve?: string; product_status?: Record<string, string[]>; remediations?: { category: string; url?: string }[] }[];
}

beforeAll(async () => {
  w = await MailWorld.start({
    prefix: 'sr',
    parties: [
      { id: 'acme', name: 'ACME PSIRT', addr: ACME },
      { id: 'beta', name: 'Beta PSIRT', addr: BETA },
      { id: 'sato', name: 'Sato', addr: SATO },
    ],
    coordinators: [SATO],
  });
  // The vendor registry, an administrator's task: each vendor's contact and pinned key.
  const vendors = w.vendorsYaml([
    { id: 'acme', name: 'ACME', addr: ACME },
    { id: 'beta', name: 'Beta', addr: BETA },
  ]);
  await w.run(['vendors', 'import', vendors]);
}, 300_000);

afterAll(async () => {
  await w?.stop();
});

describe('a vendor self-report over SMTP and IMAP (gpg on every side)', () => {
  it('the vendor\'s signed, encrypted self-report opens a case of kind self-report; the vendor is answered with the case id and its date', async () => {
    await w.send(ACME, 'Self-report', selfReportForm());
    const answer = await received(ACME, 'self-report-answer.');
    caseId = /VR-\d{4}-\d{4}/.exec(answer.text)?.[0] ?? '';
    expect(caseId).not.toBe('');
    expect(innerSubject(answer.mime)).toContain(caseId);
    expect(answer.text).toContain(`${date} (JST)`);
    expect(await cases()).toEqual([{ id: caseId, kind: 'self-report' }]);
    // A self-report has no reporter at the desk: nobody's identity to leak (guideline §6).
    expect(await query(w.db.url, `SELECT 1 FROM parties WHERE case_id = $1 AND role = 'reporter'`, [caseId])).toEqual([]);
  }, 180_000);

  it('the coordinator is told what the vendor reported; the vendor is not notified of its own report', async () => {
    const told = await received(SATO, 'coord-self-report.');
    expect(told.text).toContain(caseId);
    expect(told.text).toContain(PRODUCT);
    expect(told.text).toContain('3.4.2');
    await w.settled();
    expect(await inbox(ACME, 'vendor-notify.')).toEqual([]);
    expect(await query(w.db.url, `SELECT id FROM notices WHERE case_id = $1 AND kind IN ('vendor-notify', 'vendor-remind')`, [caseId])).toEqual([]);
    // Nothing of ACME's case goes to another vendor.
    expect(await inbox(BETA, '')).toEqual([]);
  }, 180_000);

  it('the agreed date is the vendor\'s; ACME is on the case as the vendor that fixed it', async () => {
    const v = await shown();
    expect(v.agreedJst).toBe(date);
    expect(v.state).not.toBe('published');
    expect(v.vendors.map((x) => x.id)).toEqual(['acme']);
    expect(v.vendors[0]!.status).toMatch(/fixed/);
  }, 120_000);

  it('the same form signed by another vendor\'s pinned key, from ACME\'s address, opens nothing', async () => {
    const alerts = (await inbox(SATO, 'coord-alert.')).length;
    await w.send(ACME, 'Self-report', selfReportForm(), { signAs: BETA });
    await expect.poll(async () => (await query<{ data: { reason: string } }>(w.db.url, `SELECT data FROM timeline WHERE event = 'self-report-refused'`)).map((r) => r.data.reason), { timeout: 120_000, interval: 500 }).toEqual(['sender-not-contact']);
    await w.settled();
    expect(await cases()).toEqual([{ id: caseId, kind: 'self-report' }]);
    // ACME's address was only the From line: it is told nothing, and no second answer opens a case.
    expect(await inbox(ACME, 'self-report-answer.')).toHaveLength(1);
    // The coordinators are told of the refused signed mail.
    expect((await inbox(SATO, 'coord-alert.')).length).toBeGreaterThan(alerts);
  }, 180_000);

  it('on the vendor\'s date the advisory goes to the vendor and the coordinator; the case is published', async () => {
    expect(await w.settled()).toBeGreaterThan(0);
    w.clock.setTo(new Date(jstStartOfDay(date).getTime() + 3_600_000));
    for (const addr of [ACME, SATO]) {
      const a = await received(addr, 'advisory.');
      expect(a.text).toContain(caseId);
      expect(a.text).toContain(PRODUCT);
      expect(a.text).toContain('3.4.2');
    }
    await expect.poll(async () => (await shown()).state, { timeout: 60_000, interval: 500 }).toBe('published');
    expect((await shown()).agreedJst).toBe(date);
    await w.settled();
    // The other vendor hears nothing of it, not even the publication.
    expect(await inbox(BETA, 'advisory.')).toEqual([]);
    // The public folder has the desk's public lists only, and nothing of this case in them
    // (the advisory itself is the `advisory` notice by mail; docs/exports.md "One source").
    for (const f of readdirSync(w.env.MADOGUCHI_PUBLIC_DIR!)) {
      const text = readFileSync(join(w.env.MADOGUCHI_PUBLIC_DIR!, f), 'utf8');
      for (const s of [PRODUCT, caseId, 'ACME']) expect(text, f).not.toContain(s);
    }
  }, 300_000);

  it('`madoguchi export csaf CASE` is a valid CSAF 2.0 document, final, with the vendor\'s fix', async () => {
    const doc = JSON.parse(await w.run(['export', 'csaf', caseId])) as Csaf;
    const v = await validateCsaf(doc);
    expect(v.errors).toEqual([]);
    expect(v.valid).toBe(true);
    expect(doc.document.tracking).toMatchObject({ id: caseId, status: 'final' });
    expect(doc.document.distribution.tlp.label).toBe('WHITE');
    expect(doc.vulnerabilities?.[0]?.product_status?.fixed?.length).toBeGreaterThan(0);
    // The self-report's CVE is the case's vulnerability 1 (stored at intake), so the CSAF names it.
    expect(doc.vulnerabilities?.map((x) => x.cve)).toEqual(['CVE-2027-31337']);
    expect(doc.vulnerabilities?.[0]?.remediations?.find((r) => r.category === 'vendor_fix')?.url).toBe(ADVISORY_URL);
    // A cold CLI start that loads the CSAF validator takes minutes on a loaded machine (test/cli/export.test.ts).
  }, 300_000);

  it('every mail the desk sent: RFC 3156, encrypted to its recipient, signed by the desk, nothing in clear, no other party named', async () => {
    const seenBy = new Set<string>();
    await w.everyMailSealed(CASE_SECRETS, (addr, text, what) => {
      seenBy.add(addr);
      // A vendor sees no address but its own (not the other vendor's, not the coordinators').
      const seen = w.addressesIn(text);
      if (addr === ACME || addr === BETA) expect([...seen], what).toEqual(seen.size === 0 ? [] : [addr]);
      if (addr === BETA) expect(text, what).not.toContain(PRODUCT);
    });
    // Beta got mail only as the owner of the key that signed the refused self-report (content-free).
    expect([...seenBy].every((a) => (PARTIES as readonly string[]).includes(a))).toBe(true);
    expect(seenBy.has(ACME) && seenBy.has(SATO)).toBe(true);
  }, 300_000);
});
