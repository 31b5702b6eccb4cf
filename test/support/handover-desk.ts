// Cases handed over to a partner CSIRT (issue 12 "Outbound") beside the partner world
// (test/support/partner-desk.ts): cases made in a given state, coordinator command mail
// signed by Sato's pinned key and encrypted to the desk, the notices a handover stores.
import * as openpgp from 'openpgp';
import { saveSnapshot } from '../../src/desk/coordination.ts';
import type { ReportForm } from '../../src/domain/inspect.ts';
import { newProductCase, type ProductCase } from '../../src/rules/product.ts';
import { addParty, createCase } from '../../src/store/repo.ts';
import { SATO, encryptEntity, pgpMimeMail, textPart } from './authority-desk.ts';
import { decryptNotice, type PartnerWorld } from './partner-desk.ts';

export const REPORTER_NAME = '山田 太郎';
export const REPORTER_EMAIL = 'taro@reporter.test';

/** A product case of the reporter Yamada in `state` (rules snapshot), with this report. */
export async function handoverCase(
  w: PartnerWorld,
  id: string,
  opts: { state?: 'accepted' | 'received' | 'valid' | 'deferred' | 'stopped' | 'published'; summary?: string; shareIdentity?: boolean; agreed?: string } = {},
): Promise<void> {
  const report: ReportForm = {
    kind: 'product',
    reporter: { name: REPORTER_NAME, email: REPORTER_EMAIL },
    product: { name: 'Globex Camera', version: '4.1', vendor: 'Globex Corp. (no office in Japan)' },
    vulnerability: { type: 'CWE-78', summary: opts.summary ?? 'OS command injection in the firmware update page.' },
    reproduction: 'POST /update with name=`id` (confidential steps)',
    consent: { shareIdentity: opts.shareIdentity ?? false },
    missing: [],
  };
  await createCase(w.db, { id, kind: 'product', state: 'accepted', lang: 'ja', report, reporterEmail: REPORTER_EMAIL, reporterFpr: null, openedFrom: null });
  await addParty(w.db, { caseId: id, role: 'reporter', email: REPORTER_EMAIL, name: REPORTER_NAME, keyFpr: null, data: {} });
  const s = newProductCase({ id, reporter: { name: REPORTER_NAME, consent: { shareIdentity: opts.shareIdentity ?? false, directContact: false, credit: false, creditName: null } } });
  const state = opts.state ?? 'accepted';
  const snapshot: ProductCase = {
    ...s,
    rm: state === 'received' || state === 'valid' || state === 'deferred' ? state : state === 'stopped' ? 'closed' : 'accepted',
    publishedAt: state === 'published' ? new Date(Date.now() - 86_400_000) : null,
    ...(opts.agreed ? { em: 'active' as const, publication: { proposed: null, proposedBy: null, agreed: opts.agreed } } : {}),
  };
  await saveSnapshot(w.db, snapshot);
}

let n = 0;
/** A coordinator's command mail, signed by Sato's pinned key inside the encryption. */
export async function command(w: PartnerWorld, caseId: string, lines: string[]): Promise<number> {
  const body = [`X-CASE: ${caseId}`, ...lines].join('\n') + '\n';
  return w.deliver(pgpMimeMail({ from: SATO, subject: 'commands', messageId: `<cmd-h${String(++n)}-${String(Date.now())}@coord.test>` }, await encryptEntity(w, textPart(body), w.sato)));
}

/** The text of the latest command confirmation (decrypted by Sato). */
export async function lastConfirmation(w: PartnerWorld): Promise<string> {
  // The latest command mail's (notices come ordered by id as text: m10 before m9).
  const all = (await w.notices('command-confirmation')).sort((a, b) => (a.message_ref ?? 0) - (b.message_ref ?? 0));
  const last = all[all.length - 1];
  if (!last) throw new Error('no confirmation');
  return decryptNotice(last.raw, w.sato);
}

/** The partner-handover notices of a case. */
export async function handoverNotices(w: PartnerWorld, caseId: string): Promise<{ id: string; recipient: string; state: string; raw: Buffer }[]> {
  return (await w.notices('partner-handover')).filter((x) => x.id.includes(`.${caseId}.`));
}

/** A key of `email` that expired yesterday (made ten days ago, valid for a day). */
export async function expiredKey(email: string): Promise<{ fingerprint: string; armored: string }> {
  const { publicKey } = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name: 'Expired', email }], date: new Date(Date.now() - 10 * 86_400_000), keyExpirationTime: 86_400, format: 'object' });
  return { fingerprint: publicKey.getFingerprint().toUpperCase(), armored: publicKey.armor() };
}
