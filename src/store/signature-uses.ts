// The signature_uses table (migration 012; issue 9 §2): one row per signature that changed
// state. `claimSignature` is the replay check and the record in one atomic statement: two
// copies of one signed mail handled at once cannot both pass.
import type { Db } from './db.ts';

export interface SignatureUse {
  signatureId: string;
  fingerprint: string;
  signedAt: Date;
  /** What it did: `command`, `vendor-reply`, `reporter-message`, `seen-in-clear`. */
  usedFor: string;
  caseId: string | null;
  messageRef: number | null;
}

/** Records the use; false when the signature was used before (a replay). Call inside the applying transaction. */
export async function claimSignature(db: Db, u: SignatureUse): Promise<boolean> {
  const rows = await db.query(
    `INSERT INTO signature_uses (signature_id, fingerprint, signed_at, used_for, case_id, message_ref)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (signature_id) DO NOTHING RETURNING signature_id`,
    [u.signatureId, u.fingerprint, u.signedAt, u.usedFor, u.caseId, u.messageRef],
  );
  return rows.length > 0;
}

export async function signatureUsed(db: Db, signatureId: string): Promise<boolean> {
  return (await db.query('SELECT 1 FROM signature_uses WHERE signature_id = $1', [signatureId])).length > 0;
}
