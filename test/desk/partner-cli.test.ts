// issue 12 (guideline §5): a vendor change on a partner case made on the command line
// (`madoguchi case ID …`, src/desk/commands.ts applyCommands) tells the partner exactly
// what the same command by coordinator mail does: one shared step (src/desk/case-notices.ts
// noticesFor), so one `partner-status` per command, listing the same vendor statuses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCliCommand } from '../../src/commands/parse.ts';
import { generateDeskKey, readSigningKey, type SigningKey } from '../../src/crypto/openpgp.ts';
import { applyCommands } from '../../src/desk/commands.ts';
import { caseByPartnerRef } from '../../src/store/partners.ts';
import { DESK } from '../support/authority-desk.ts';
import { command } from '../support/handover-desk.ts';
import { CERTCC, decryptNotice, embargoIn, innerSubject, partnerForm, partnerMail, partnerWorld, type PartnerWorld } from '../support/partner-desk.ts';

let w: PartnerWorld;
let signer: SigningKey;
let byMail: string;
let byCli: string;
beforeAll(async () => {
  w = await partnerWorld();
  signer = await readSigningKey((await generateDeskKey('Desk', DESK)).armoredPrivate);
  const embargo = embargoIn(40);
  // Two partner cases alike, ACME their only vendor: one stepped by mail, one on the command line.
  await w.deliver(await partnerMail(w, CERTCC, w.certcc, partnerForm('VU#400001', embargo.written, ['ACME']), '<c1@certcc.test>'));
  await w.deliver(await partnerMail(w, CERTCC, w.certcc, partnerForm('VU#400002', embargo.written, ['ACME']), '<c2@certcc.test>'));
  byMail = (await caseByPartnerRef(w.db, 'certcc', 'VU#400001'))!;
  byCli = (await caseByPartnerRef(w.db, 'certcc', 'VU#400002'))!;
}, 60_000);
afterAll(async () => {
  await w?.close();
});

const statusNotices = async (caseId: string): Promise<{ id: string; recipient: string; state: string; raw: Buffer }[]> => (await w.notices('partner-status')).filter((n) => n.id.includes(`.${caseId}.`));

/** The vendor lines of a partner-status (the case ids differ between the two cases; the statuses must not). */
const vendorLines = (text: string): string[] => text.split(/\r?\n/u).filter((l) => /^\s*[-*] (ACME|Evil):/u.test(l));

async function cli(caseId: string, args: string[]): Promise<{ ok: boolean; notices: string[] }> {
  const parsed = parseCliCommand([caseId, ...args]);
  expect(parsed.errors).toEqual([]);
  const [outcome] = await applyCommands({ db: w.db, signer, address: DESK, coordinators: [], now: new Date(), actor: 'cli:sato' }, caseId, parsed.commands);
  return outcome!;
}

describe('a vendor change on the command line reaches the partner as the same command by mail does', () => {
  it('opening: one partner-status each', async () => {
    expect(await statusNotices(byMail)).toHaveLength(1);
    expect(await statusNotices(byCli)).toHaveLength(1);
  }, 60_000);

  it('add-vendor (notified at once): one partner-status, listing the new vendor notified, as by mail', async () => {
    await command(w, byMail, ['X-ADD-VENDOR: evil']);
    const mail = await statusNotices(byMail);
    expect(mail).toHaveLength(2);

    const outcome = await cli(byCli, ['add-vendor', 'evil']);
    expect(outcome.ok).toBe(true);
    const cliNotices = await statusNotices(byCli);
    expect(cliNotices).toHaveLength(2);
    const n = cliNotices[1]!;
    // Stored by the command (madoguchi case queues every id it returns), to the partner, not withheld.
    expect(outcome.notices).toContain(n.id);
    expect(n.recipient).toBe(CERTCC);
    expect(n.state).not.toBe('withheld');
    // The vendor is notified too (the same step as by mail).
    expect((await w.notices('vendor-notify')).filter((x) => x.id.includes(`.${byCli}.`) && x.id.includes('evil'))).toHaveLength(1);

    const mailText = await decryptNotice(mail[1]!.raw, w.certcc);
    const cliText = await decryptNotice(n.raw, w.certcc);
    expect(innerSubject(cliText)).toContain(`[${byCli}] [VU#400002]`);
    expect(vendorLines(cliText)).toEqual(vendorLines(mailText));
    expect(vendorLines(cliText)).toEqual(expect.arrayContaining([expect.stringMatching(/\* Evil: notified, no answer yet/u)]));
  }, 60_000);

  it('mark-unreachable: one partner-status, the vendor unreachable, as by mail', async () => {
    await command(w, byMail, ['X-MARK-UNREACHABLE: acme']);
    const mail = await statusNotices(byMail);
    expect(mail).toHaveLength(3);

    const outcome = await cli(byCli, ['mark-unreachable', 'acme']);
    expect(outcome.ok).toBe(true);
    const cliNotices = await statusNotices(byCli);
    expect(cliNotices).toHaveLength(3);
    expect(outcome.notices).toContain(cliNotices[2]!.id);
    const mailText = await decryptNotice(mail[2]!.raw, w.certcc);
    const cliText = await decryptNotice(cliNotices[2]!.raw, w.certcc);
    expect(vendorLines(cliText)).toEqual(vendorLines(mailText));
    expect(vendorLines(cliText)).toEqual(expect.arrayContaining([expect.stringMatching(/\* ACME: unreachable/u)]));
  }, 60_000);

  it('a command that changes no vendor (a note) sends the partner nothing', async () => {
    const outcome = await cli(byCli, ['note', 'checked the logs']);
    expect(outcome.ok).toBe(true);
    expect(await statusNotices(byCli)).toHaveLength(3);
  }, 60_000);
});
