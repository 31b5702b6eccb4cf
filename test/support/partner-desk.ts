// A partner CSIRT beside the authority world (test/support/authority-desk.ts; issue 12):
// "CERT/CC" (`certcc`, case ids `VU#{6}`) and a second partner "JPN-X" (`other`, case ids
// `VU#{6}` too, so an id alike in form is still judged by who signed), each with a real
// OpenPGP key pinned in the partner registry. ACME and Evil are the domestic vendors.
import * as openpgp from 'openpgp';
import { expect } from 'vitest';
import { generateDeskKey } from '../../src/crypto/openpgp.ts';
import { upsertPartner } from '../../src/store/partners.ts';
import { nextCaseId } from '../../src/store/repo.ts';
import { readableText } from './coordination.ts';
import { authorityWorld, encryptEntity, pgpMimeMail, textPart, type AuthorityWorld } from './authority-desk.ts';

export const CERTCC = 'cert@certcc.test';
export const OTHER = 'cases@other-csirt.test';

export interface PartnerWorld extends AuthorityWorld {
  certcc: openpgp.PrivateKey;
  other: openpgp.PrivateKey;
}

export async function partnerWorld(): Promise<PartnerWorld> {
  const w = (await authorityWorld()) as PartnerWorld;
  const born = new Date(Date.now() - 30 * 86_400_000);
  const [c, o] = await Promise.all([generateDeskKey('CERT/CC', CERTCC, born), generateDeskKey('Other CSIRT', OTHER, born)]);
  await upsertPartner(w.db, { id: 'certcc', name: 'CERT/CC', caseIdPattern: 'VU#{6}', contacts: { to: [CERTCC] }, keys: [{ fingerprint: c.fingerprint, armored: c.armoredPublic }] }, 'test');
  await upsertPartner(w.db, { id: 'other', name: 'Other CSIRT', caseIdPattern: 'OC-{4}-{3}', contacts: { to: [OTHER] }, keys: [{ fingerprint: o.fingerprint, armored: o.armoredPublic }] }, 'test');
  // The world's two cases were created without the counter: step it past them.
  const year = new Date(Date.now() + 9 * 3_600_000).getUTCFullYear();
  await nextCaseId(w.db, 'VR', year);
  await nextCaseId(w.db, 'VR', year);
  w.certcc = await openpgp.readPrivateKey({ armoredKey: c.armoredPrivate });
  w.other = await openpgp.readPrivateKey({ armoredKey: o.armoredPrivate });
  return w;
}

/** The partner case form (docs/partner-form.md). */
export function partnerForm(ref: string, embargo: string, vendors: string[] = ['ACME', 'Evil'], extra: string[] = []): string {
  return [`Partner case ID: ${ref}`, `Embargo: ${embargo}`, 'Products:', '- Acme Router', '- Evil Box', 'Vendors:', ...vendors.map((v) => `- ${v}`), 'Summary: A stack overflow in the web UI allows remote code execution.', 'CVE: CVE-2027-1234', ...extra].join('\n') + '\n';
}

/** A signed, encrypted mail from a partner (PGP/MIME, signature inside the encryption). */
export async function partnerMail(w: PartnerWorld, from: string, key: openpgp.PrivateKey, body: string, messageId: string, subject = 'New case'): Promise<Buffer> {
  return pgpMimeMail({ from, subject, messageId }, await encryptEntity(w, textPart(body), key));
}

/** `2027-02-10 15:00 -04:00` for an instant `days` ahead (at 19:00 UTC). */
export function embargoIn(days: number): { written: string; at: Date } {
  const at = new Date(Date.now() + days * 86_400_000);
  at.setUTCHours(19, 0, 0, 0);
  const local = new Date(at.getTime() - 4 * 3_600_000);
  return { written: `${local.toISOString().slice(0, 10)} 15:00 -04:00`, at };
}

/** The text of a stored encrypted notice, decrypted with `key`. */
export async function decryptNotice(raw: Buffer, key: openpgp.PrivateKey): Promise<string> {
  const armored = /-----BEGIN PGP MESSAGE-----[\s\S]*?-----END PGP MESSAGE-----/.exec(raw.toString('latin1'))?.[0];
  expect(armored, 'the notice is encrypted').toBeDefined();
  const out: unknown = await openpgp.decrypt({ message: await openpgp.readMessage({ armoredMessage: armored! }), decryptionKeys: key, format: 'binary' });
  const data = (out as { data: unknown }).data;
  if (!(data instanceof Uint8Array)) throw new Error('no plaintext');
  return readableText(Buffer.from(data));
}

/** The (protected) Subject of decrypted MIME, RFC 2047 words decoded. */
export function innerSubject(text: string): string {
  const m = /^Subject:((?:.*)(?:\r?\n[ \t].*)*)/mu.exec(text);
  if (!m) return '';
  return (m[1] ?? '')
    .replace(/\?=\s+=\?/gu, '?==?')
    .replace(/=\?UTF-8\?([BQ])\?([^?]*)\?=/giu, (_all, enc: string, data: string) =>
      enc.toUpperCase() === 'B' ? Buffer.from(data, 'base64').toString('utf8') : Buffer.from(data.replace(/_/gu, ' ').replace(/=([0-9A-F]{2})/giu, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'),
    )
    .replace(/\r?\n[ \t]/gu, ' ')
    .trim();
}
