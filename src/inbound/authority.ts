// Where a signed message's authority comes from (issue 9 §1): ONE valid signature that
// covers every part the desk reads. This module only looks at the unwrapped structure
// (which signature covers which item, and how it was applied); whose key it is, whether
// it was used before, how old it is and which case it names are decided by the desk's gate
// (src/desk/signed-gate.ts), with the refusal codes listed here.
//
// Why so strict: signature wrapping. A desk that trusts "some part is signed by a
// coordinator" can be fed a coordinator's old signed text beside the attacker's commands
// (issue 9: a vendor the attacker controls was added and received the whole report).
// Pure: no I/O, no clock.
import type { SignatureCheck } from '../crypto/openpgp.ts';
import type { SignatureStatus } from '../domain/inspect.ts';
import type { SignedHow } from './unwrap.ts';
import type { AuthorityRefusal } from '../domain/refusals.ts';

/**
 * Stable reason codes of a signed mail that gets no authority (logged, stored on the
 * timeline, shown to coordinators in the `signed-mail-refused` alert): the catalogue
 * (src/domain/refusals.ts `AUTHORITY`). The first block is decided here from the
 * structure; the second by the desk's gate.
 */
export { AUTHORITY_REFUSALS, type AuthorityRefusal } from '../domain/refusals.ts';

/** What the structure says about the one signature, when there is one. */
export interface SignerFacts {
  fingerprint: string | null;
  status: SignatureStatus;
  /** openpgp.ts SignatureCheck.id: the signature's own identity (replay). */
  signatureId: string | null;
  /** ISO creation time of the signature. */
  signedAt: string | null;
}

export type Authority =
  | ({ ok: true; fingerprint: string; signatureId: string; signedAt: string } & Omit<SignerFacts, 'fingerprint' | 'signatureId' | 'signedAt'>)
  | ({ ok: false; code: AuthorityRefusal } & SignerFacts);

export interface AuthorityInput {
  /** The verdict rejected the message (mixed-encryption, malformed...): nothing in it was read. */
  rejected: boolean;
  items: readonly { plumbing: boolean; covered: readonly SignatureCheck[] | null }[];
  signedHow: ReadonlyMap<SignatureCheck, SignedHow>;
  /** Keys attached to the message (application/pgp-keys parts). */
  attachedKeys: number;
}

const NO_SIGNER: SignerFacts = { fingerprint: null, status: 'none', signatureId: null, signedAt: null };

function factsOf(c: SignatureCheck): SignerFacts {
  return {
    fingerprint: c.fingerprint,
    status: c.status,
    signatureId: c.id ?? null,
    signedAt: c.created && Number.isFinite(c.created.getTime()) ? c.created.toISOString() : null,
  };
}

/**
 * One signature, valid, applied over a whole layer, covering every content item, with no
 * key carried by the message. Checks in this order; the first failure is the answer.
 */
export function decideAuthority(input: AuthorityInput): Authority {
  if (input.rejected) return { ok: false, code: 'unreadable', ...NO_SIGNER };
  // Plumbing (key attachments, the legacy display part, non-plain renderings of an
  // alternative) is not read as the sender's words; everything else must be covered.
  const content = input.items.filter((i) => !i.plumbing);
  const covered = content.filter((i) => i.covered !== null && i.covered.length > 0);
  if (covered.length === 0) return { ok: false, code: 'unsigned', ...NO_SIGNER };
  // The one signature, by identity: the same check object is shared by every item it covers.
  const distinct = new Map<string | SignatureCheck, SignatureCheck>();
  for (const i of covered) for (const c of i.covered ?? []) distinct.set(c.id ?? c, c);
  const first = [...distinct.values()][0]!;
  if (covered.length < content.length) return { ok: false, code: 'partly-signed', ...factsOf(first) };
  if (distinct.size > 1) return { ok: false, code: 'several-signers', ...factsOf(first) };
  const how = input.signedHow.get(first) ?? 'in-container';
  if (how === 'detached-attachment') return { ok: false, code: 'detached-signature-attachment', ...factsOf(first) };
  if (how === 'in-container') return { ok: false, code: 'signed-part-in-container', ...factsOf(first) };
  // A key that travels with the mail could be an older (unrevoked) copy, or carry other
  // user ids: it never takes part in deciding authority.
  if (input.attachedKeys > 0) return { ok: false, code: 'key-attached', ...factsOf(first) };
  const f = factsOf(first);
  if (first.status === 'unknown-key') return { ok: false, code: 'signer-not-pinned', ...f };
  if (first.status !== 'valid' || !f.fingerprint || !f.signatureId || !f.signedAt) return { ok: false, code: 'bad-signature', ...f };
  return { ok: true, fingerprint: f.fingerprint, signatureId: f.signatureId, signedAt: f.signedAt, status: 'valid' };
}
