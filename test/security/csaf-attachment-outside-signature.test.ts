// Attack (issue 12; the trust rule of docs/security.md: a mail acts for a party only when
// one valid signature by that party's pinned key covers everything the desk reads): a CSAF
// document that the partner's signature does not cover is put beside the partner's genuine
// signed case form, to add the attacker's vendor (which would then receive the report) and
// the attacker's vulnerability to the case.
// (a) EFAIL-style: the partner's signed, encrypted mail wrapped in a clear multipart/mixed with
//     a clear application/json part beside the encrypted one;
// (b) inside the encryption: the partner's signed form (multipart/signed) beside an unsigned
//     JSON part, the whole encrypted to the desk by the attacker.
// Neither document is read, not even kept in the stored verdict; no case takes its vendor or
// its vulnerability, and the attacker's vendor is sent nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseByPartnerRef } from '../../src/store/partners.ts';
import { findVulnerabilityByCve } from '../../src/store/vulnerabilities.ts';
import { DESK, EVIL, encryptEntity, mixed, signedPart, textPart } from '../support/authority-desk.ts';
import { CERTCC, embargoIn, jsonPart, partnerCsaf, partnerWorld, type PartnerWorld } from '../support/partner-desk.ts';

let w: PartnerWorld;
beforeAll(async () => {
  w = await partnerWorld();
}, 60_000);
afterAll(async () => w?.close());

const CRLF = (s: string): string => s.replace(/\r?\n/g, '\r\n');
const form = (ref: string): string =>
  [`Partner case ID: ${ref}`, `Embargo: ${embargoIn(40).written}`, 'Products: Acme Router', 'Vendors: ACME', 'Summary: A stack overflow in the web UI allows remote code execution.'].join('\n') + '\n';
const attackersCsaf = (ref: string): string =>
  JSON.stringify(
    partnerCsaf({
      id: ref,
      vendors: [{ name: 'Evil', products: ['Evil Box'] }],
      vulns: [{ summary: 'Planted by the attacker.', cve: 'CVE-2027-40001', cwe: { id: 'CWE-89', name: "Improper Neutralization of Special Elements used in an SQL Command ('SQL Injection')" }, vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
    }),
  );

/** RFC 3156 multipart/encrypted as an entity (not a whole mail): to be wrapped by the attacker. */
function encryptedEntity(armored: string): string {
  const b = `=-enc-${Math.random().toString(36).slice(2, 10)}`;
  return CRLF(`Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="${b}"\n\n--${b}\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n\n--${b}\nContent-Type: application/octet-stream\n\n${armored.trimEnd()}\n--${b}--\n`);
}

function mail(messageId: string, entity: string): Buffer {
  return Buffer.from(CRLF(`From: <${CERTCC}>\nTo: ${DESK}\nSubject: New case\nMessage-ID: ${messageId}\nDate: ${new Date().toUTCString()}\nMIME-Version: 1.0\n`) + entity);
}

async function nothingOfTheDocument(id: number, ref: string): Promise<void> {
  const opened = await caseByPartnerRef(w.db, 'certcc', ref);
  if (opened !== null) expect((await w.snapshot(opened)).vendors.map((v) => v.id)).not.toContain('evil');
  expect(await findVulnerabilityByCve(w.db, 'CVE-2027-40001')).toBeNull();
  expect((await w.notices()).filter((n) => n.recipient.includes(EVIL))).toEqual([]);
  expect(w.sent.filter((s) => s.to.includes(EVIL))).toEqual([]);
  const [m] = await w.db.query<{ verdict: { desk?: { attachedJson?: unknown } } }>('SELECT verdict FROM messages WHERE id = $1', [id]);
  expect(m!.verdict.desk?.attachedJson).toBeUndefined();
}

describe('a CSAF document outside the partner’s signature', () => {
  it('(a) a clear JSON part beside the signed, encrypted part: the mail is refused whole (mixed-encryption), nothing read', async () => {
    const signedEncrypted = encryptedEntity(await encryptEntity(w, textPart(form('VU#400001')), w.certcc));
    const id = await w.deliver(mail('<efail-1@evil.test>', mixed(signedEncrypted, jsonPart(attackersCsaf('VU#400001')))));
    const [m] = await w.db.query<{ verdict: { rejected: { reason: string } | null } }>('SELECT verdict FROM messages WHERE id = $1', [id]);
    expect(m!.verdict.rejected?.reason).toBe('mixed-encryption');
    expect(await caseByPartnerRef(w.db, 'certcc', 'VU#400001')).toBeNull();
    await nothingOfTheDocument(id, 'VU#400001');
  }, 120_000);

  it('(b) the partner’s signed form beside an unsigned JSON part inside the encryption: no authority, nothing opened or read', async () => {
    const inner = mixed(await signedPart(textPart(form('VU#400002')), w.certcc), jsonPart(attackersCsaf('VU#400002')));
    const id = await w.deliver(mail('<wrap-1@evil.test>', encryptedEntity(await encryptEntity(w, inner))));
    const [m] = await w.db.query<{ verdict: { desk: { authority: { ok: boolean; code?: string } } } }>('SELECT verdict FROM messages WHERE id = $1', [id]);
    expect(m!.verdict.desk.authority).toMatchObject({ ok: false, code: 'partly-signed' });
    expect(await caseByPartnerRef(w.db, 'certcc', 'VU#400002')).toBeNull();
    await nothingOfTheDocument(id, 'VU#400002');
  }, 120_000);
});
