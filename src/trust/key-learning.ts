// Which keys a message teaches the desk (issue 9 §4: no planted keys). Pure: the desk
// gathers the facts (src/desk/mail-keys.ts), this file decides, the store acts.
//
// A key that arrives with mail (it signed the message, or it was attached, or it rode in
// an `Autocrypt:` header) speaks for one address at most: the message's From address, and
// only when it PROVES that address: the key carries a self-certified user id with that
// address AND validly signs that very message (RFC 9580 §5.2.3.2: a self-certification
// binds a user id to the key; only the secret key's holder can make the message
// signature). Its other user ids prove nothing (anyone can write any address into a key
// of their own), so they are never stored. A key attached to an unsigned message, or to a
// message signed by another key, proves nothing either.
//
// Trust on first use, and never after: an address that already has a key on file (learned
// before, configured for a coordinator, or pinned for a vendor) never gets a second key by
// mail, and the key on file is never replaced by mail. A different key proving a known
// address is HELD for the coordinators to confirm or reject (`madoguchi keys`). The same
// key again (same primary fingerprint: a new expiry, a new subkey) is a refresh and keeps
// its address.

/** Where a key on file for an address comes from. */
export type OnFileSource = 'learned' | 'config' | 'vendor';

/** How a key travelled with the message (the signer may also be a key the desk already holds). */
export type CarriedSource = 'attachment' | 'autocrypt';

export interface KeyLearningInput {
  /** The message's From address (lower-case), null when it has none. */
  from: string | null;
  /** The message was rejected (§5): nothing of it is learned. */
  rejected: boolean;
  /** The verdict's signature: `valid` only when one good signature covers the whole message. */
  signature: { status: string; fingerprint: string | null };
  /**
   * The signing key (primary fingerprint) and the addresses of its user ids that carry a
   * valid self-certification now; null when the signature names no key the desk could read.
   */
  signer: { fingerprint: string; certifiedEmails: readonly string[]; carried: CarriedSource | null } | null;
  /** Keys already on file for `from` (any status: an expired or revoked key still says the address is known). */
  onFile: readonly { fingerprint: string; source: OnFileSource }[];
  /** Keys that came with the message (attachment, Autocrypt), primary fingerprints. */
  carried: readonly { fingerprint: string; source: CarriedSource }[];
  /** A hold already decided for (from, signer): a rejected key is not held (nor alerted) again. */
  earlierHold: 'pending' | 'confirmed' | 'rejected' | null;
}

/** Stable codes, logged and put on the timeline (never the key or the address in logs). */
export type IgnoreWhy =
  | 'rejected-message'
  | 'no-from'
  | 'unsigned-message'
  | 'signature-not-valid'
  | 'not-the-signer'
  | 'no-user-id-for-from'
  | 'held-before'
  | 'rejected-before';

export type KeyDecision =
  /** First key for the address: store it for `email` only. */
  | { action: 'store'; fingerprint: string; email: string; source: 'signature' | CarriedSource }
  /** The key on file again (same primary fingerprint): refresh its material, address unchanged. */
  | { action: 'refresh'; fingerprint: string; email: string }
  /** A different key for a known address: hold it for the coordinators. */
  | { action: 'hold'; fingerprint: string; email: string; source: 'signature' | CarriedSource; onFile: string[] }
  /** Not learned, with the reason. */
  | { action: 'ignore'; fingerprint: string | null; why: IgnoreWhy };

const upper = (s: string): string => s.toUpperCase();

/** What to do with the keys a message brought or was signed with. One decision per key considered. */
export function decideKeys(input: KeyLearningInput): KeyDecision[] {
  const out: KeyDecision[] = [];
  const carried = [...new Map(input.carried.map((c) => [upper(c.fingerprint), c])).values()];
  const ignoreCarried = (why: IgnoreWhy, except: string | null = null): void => {
    for (const c of carried) if (upper(c.fingerprint) !== except) out.push({ action: 'ignore', fingerprint: upper(c.fingerprint), why });
  };
  const from = input.from?.trim().toLowerCase() ?? '';
  if (input.rejected) {
    ignoreCarried('rejected-message');
    return out;
  }
  if (from === '') {
    ignoreCarried('no-from');
    return out;
  }
  const signed = input.signature.status === 'valid' && input.signer !== null && input.signature.fingerprint !== null;
  if (!signed || !input.signer) {
    ignoreCarried(input.signature.status === 'none' ? 'unsigned-message' : 'signature-not-valid');
    return out;
  }
  const signer = { ...input.signer, fingerprint: upper(input.signer.fingerprint) };
  // The verdict names the primary key of the signing (sub)key; the facts must be about that key.
  if (upper(input.signature.fingerprint ?? '') !== signer.fingerprint) {
    ignoreCarried('signature-not-valid');
    return out;
  }
  // A carried key that did not sign this message proves nothing, whatever its user ids say.
  ignoreCarried('not-the-signer', signer.fingerprint);
  if (!signer.certifiedEmails.some((e) => e.toLowerCase() === from)) {
    if (carried.some((c) => upper(c.fingerprint) === signer.fingerprint)) out.push({ action: 'ignore', fingerprint: signer.fingerprint, why: 'no-user-id-for-from' });
    return out;
  }
  const onFile = [...new Set(input.onFile.map((k) => upper(k.fingerprint)))];
  if (onFile.includes(signer.fingerprint)) {
    out.push({ action: 'refresh', fingerprint: signer.fingerprint, email: from });
    return out;
  }
  const source = signer.carried ?? 'signature';
  if (onFile.length === 0) {
    out.push({ action: 'store', fingerprint: signer.fingerprint, email: from, source });
    return out;
  }
  if (input.earlierHold === 'rejected') out.push({ action: 'ignore', fingerprint: signer.fingerprint, why: 'rejected-before' });
  else if (input.earlierHold === 'pending') out.push({ action: 'ignore', fingerprint: signer.fingerprint, why: 'held-before' });
  else out.push({ action: 'hold', fingerprint: signer.fingerprint, email: from, source, onFile });
  return out;
}

/**
 * True when the message is signed by a key other than the one on file for its From address
 * (held now, held before, or rejected): the signature then proves nothing about the sender,
 * and the message is read as if it carried no sender's signature.
 */
export function signerDistrusted(decisions: readonly KeyDecision[]): boolean {
  return decisions.some((d) => d.action === 'hold' || (d.action === 'ignore' && (d.why === 'held-before' || d.why === 'rejected-before')));
}
