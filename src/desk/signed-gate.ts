// The one gate every signed mail passes before it changes a case (issue 9 §1-3): coordinator
// commands, vendor replies and a party's follow-ups alike. In order (the first failure is
// the answer, a stable code of src/inbound/authority.ts):
//   1. one valid signature over the whole message (decided when the mail was read);
//   2. the signing key is pinned for the party (`signer-not-pinned`);
//   3. encrypted, where the role needs it (`not-encrypted`; the signature is then
//      remembered as seen in clear, so whoever saw it cannot re-send it encrypted);
//   4. signed within the age limit and not in the future (`signature-too-old`,
//      `signature-in-future`; trust.* in the configuration);
//   5. the case named by signed content only, never by the outer Subject (`no-case`,
//      `case-conflict`; src/inbound/signed-case.ts);
//   6. the caller's own checks on that case and party (`unknown-case`, `sender-not-contact`);
//   7. the signature was never used before (`replayed-signature`); it is recorded here, in
//      the caller's transaction, so the record and the change commit or roll back together.
import type { Authority, AuthorityRefusal } from '../inbound/authority.ts';
import { caseFromSignedContent } from '../inbound/signed-case.ts';
import type { Db } from '../store/db.ts';
import { claimSignature } from '../store/signature-uses.ts';

export interface TrustSettings {
  /** A coordinator command signed longer ago than this is refused. */
  commandMaxAgeHours: number;
  /** A vendor's, operator's or reporter's signed reply signed longer ago than this is refused. */
  replyMaxAgeHours: number;
  /** Clock skew tolerated for a signature dated after the desk's clock. */
  maxFutureMinutes: number;
}

/** 72 h as commands had before; a week for replies (a vendor's mail may wait over a weekend and a holiday). */
export const DEFAULT_TRUST: TrustSettings = { commandMaxAgeHours: 72, replyMaxAgeHours: 168, maxFutureMinutes: 10 };

export type SignedRole = 'coordinator' | 'vendor' | 'reporter' | 'partner' | 'operator';

export interface GateInput {
  authority: Authority;
  role: SignedRole;
  encrypted: boolean;
  requireEncrypted: boolean;
  /** The signed Subject (protected headers under the signature), if any. */
  signedSubject: string | null;
  /** The case the signed body names (Case ID, X-CASE, first id of the text). */
  bodyCaseId: string | null;
  references: readonly string[];
  casePrefix: string;
  deskDomain: string;
  now: Date;
  maxAgeHours: number;
  maxFutureMinutes: number;
  messageRef: number;
  /** Whether the key (normalised fingerprint) is pinned for this party. */
  isPinned(fingerprint: string): Promise<boolean>;
  /**
   * The mail acts on no case (X-CONFIRM-KEY / X-REJECT-KEY are about an address, issue 9
   * §4): no case is looked for, and the signature is still claimed once.
   */
  caseless?: boolean;
  /** The caller's checks on the case and party, before the signature is claimed. */
  check?(caseId: string): Promise<{ code: AuthorityRefusal; detail: string } | null>;
}

export type GateResult =
  | { ok: true; fingerprint: string; signatureId: string; signedAt: Date; caseId: string | null }
  | { ok: false; code: AuthorityRefusal; detail: string; fingerprint: string | null };

/** Step 4 alone (pure): `null` when `signedAt` is within the limits. */
export function ageRefusal(signedAt: Date, now: Date, maxAgeHours: number, maxFutureMinutes: number): { code: 'signature-too-old' | 'signature-in-future'; detail: string } | null {
  const age = now.getTime() - signedAt.getTime();
  if (age > maxAgeHours * 3_600_000) return { code: 'signature-too-old', detail: `signed ${String(Math.floor(age / 3_600_000))} hours ago; accepted for ${String(maxAgeHours)} hours` };
  if (-age > maxFutureMinutes * 60_000) return { code: 'signature-in-future', detail: `signed ${String(Math.ceil(-age / 60_000))} minutes in the future; at most ${String(maxFutureMinutes)} tolerated` };
  return null;
}

export async function gateSignedMail(tx: Db, g: GateInput): Promise<GateResult> {
  const a = g.authority;
  const refuse = (code: AuthorityRefusal, detail: string): GateResult => ({ ok: false, code, detail, fingerprint: a.fingerprint });
  if (!a.ok) {
    // openpgp judges a signature dated after its verification clock invalid: say why.
    const ahead = a.code === 'bad-signature' && a.signedAt ? ageRefusal(new Date(a.signedAt), g.now, Number.POSITIVE_INFINITY, g.maxFutureMinutes) : null;
    if (ahead) return refuse(ahead.code, ahead.detail);
    return refuse(a.code, `no authority (${a.code}, signature ${a.status})`);
  }
  if (!(await g.isPinned(a.fingerprint))) return refuse('signer-not-pinned', `signed by a key not pinned for the ${g.role}`);
  const signedAt = new Date(a.signedAt);
  if (g.requireEncrypted && !g.encrypted) {
    await claimSignature(tx, { signatureId: a.signatureId, fingerprint: a.fingerprint, signedAt, usedFor: 'seen-in-clear', caseId: null, messageRef: g.messageRef });
    return refuse('not-encrypted', 'the message was not encrypted to the desk');
  }
  const old = ageRefusal(signedAt, g.now, g.maxAgeHours, g.maxFutureMinutes);
  if (old) return refuse(old.code, old.detail);
  if (g.caseless) {
    const fresh = await claimSignature(tx, { signatureId: a.signatureId, fingerprint: a.fingerprint, signedAt, usedFor: g.role, caseId: null, messageRef: g.messageRef });
    if (!fresh) return refuse('replayed-signature', 'this signature already changed something once');
    return { ok: true, fingerprint: a.fingerprint, signatureId: a.signatureId, signedAt, caseId: null };
  }
  const which = caseFromSignedContent({ signedSubject: g.signedSubject, bodyCaseId: g.bodyCaseId, references: g.references, casePrefix: g.casePrefix, deskDomain: g.deskDomain });
  if (!which.ok) return refuse(which.code, which.detail);
  const own = g.check ? await g.check(which.caseId) : null;
  if (own) return refuse(own.code, own.detail);
  const fresh = await claimSignature(tx, { signatureId: a.signatureId, fingerprint: a.fingerprint, signedAt, usedFor: g.role, caseId: which.caseId, messageRef: g.messageRef });
  if (!fresh) return refuse('replayed-signature', 'this signature already changed a case once');
  return { ok: true, fingerprint: a.fingerprint, signatureId: a.signatureId, signedAt, caseId: which.caseId };
}
