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
import { scoreCvss } from '../../src/adapters/cvss.ts';
import { authorityWorld, encryptEntity, mixed, pgpMimeMail, textPart, type AuthorityWorld } from './authority-desk.ts';

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

/** A MIME entity: an attached JSON document (a CSAF file as mail clients attach it). */
export const jsonPart = (json: string, name = 'advisory.json'): string =>
  `Content-Type: application/json; name="${name}"\r\nContent-Disposition: attachment; filename="${name}"\r\nContent-Transfer-Encoding: base64\r\n\r\n${Buffer.from(json, 'utf8').toString('base64').replace(/.{76}/gu, '$&\r\n')}`;

/** A partner mail whose signed and encrypted content is the form text and the attached JSON documents. */
export async function partnerMailWithJson(w: PartnerWorld, from: string, key: openpgp.PrivateKey, body: string, json: string[], messageId: string, subject = 'New case'): Promise<Buffer> {
  return pgpMimeMail({ from, subject, messageId }, await encryptEntity(w, mixed(textPart(body), ...json.map((j, i) => jsonPart(j, i === 0 ? 'advisory.json' : `advisory-${String(i)}.json`))), key));
}

export interface CsafVuln {
  summary: string;
  cve: string;
  cwe: { id: string; name: string };
  vector: string;
}

/**
 * A small CSAF 2.0 csaf_security_advisory as a partner would attach it (the tests check it
 * with validateCsaf first): each vendor with its products, each vulnerability known to affect
 * every product, with a CVSS v3.1 score.
 */
export function partnerCsaf(o: { id: string; vendors: { name: string; products: string[] }[]; vulns: CsafVuln[]; title?: string }): Record<string, unknown> {
  let n = 0;
  const pids: string[] = [];
  const branches = o.vendors.map((v) => ({
    category: 'vendor',
    name: v.name,
    branches: v.products.map((p) => {
      const pid = `CSAFPID-${String(++n).padStart(4, '0')}`;
      pids.push(pid);
      return { category: 'product_name', name: p, product: { product_id: pid, name: p } };
    }),
  }));
  const date = '2026-11-20T10:00:00.000Z';
  return {
    document: {
      category: 'csaf_security_advisory',
      csaf_version: '2.0',
      distribution: { tlp: { label: 'AMBER', url: 'https://www.first.org/tlp/' } },
      lang: 'en',
      notes: [{ category: 'summary', title: 'Summary', text: o.title ?? 'Vulnerabilities in partner products' }],
      publisher: { category: 'coordinator', name: 'CERT/CC', namespace: 'https://certcc.test' },
      references: [{ category: 'external', summary: 'Partner note', url: 'https://certcc.test/vu/1' }],
      title: o.title ?? 'Vulnerabilities in partner products',
      tracking: {
        id: o.id,
        status: 'interim',
        version: '1',
        initial_release_date: date,
        current_release_date: date,
        revision_history: [{ date, number: '1', summary: 'Initial version' }],
      },
    },
    product_tree: { branches },
    vulnerabilities: o.vulns.map((v) => ({
      cve: v.cve,
      cwe: v.cwe,
      notes: [{ category: 'description', title: 'Summary', text: v.summary }],
      product_status: { known_affected: pids },
      scores: [{ products: pids, cvss_v3: cvss31(v.vector) }],
    })),
  };
}

/** The cvss_v3 object of a CVSS 3.1 vector (the validator checks the score against the vector). */
function cvss31(vector: string): Record<string, unknown> {
  const r = scoreCvss(vector);
  if (!r.ok) throw new Error(r.error);
  return r.score.json;
}
