// The keys the digest watches (issue 11: keys expiring within 30 days): the desk's own, the
// coordinators' and the vendors' pinned keys, each read by the OpenPGP adapter for the date
// it stops being usable to encrypt to (keyExpiry). A key that cannot be read, is revoked or
// has no usable encryption key is reported as unusable, the same as expired.
import { keyExpiry } from '../crypto/openpgp.ts';
import type { KeyFact, KeyOwner } from '../rules/digest.ts';

export interface WatchedKey {
  owner: KeyOwner;
  armored: string;
  /** The fingerprint on file, shown when the key cannot be read to give its own. */
  fingerprint?: string;
}

export async function keyFacts(keys: readonly WatchedKey[], now: Date): Promise<KeyFact[]> {
  const out: KeyFact[] = [];
  for (const k of keys) {
    const e = await keyExpiry(k.armored, now);
    if (e.ok) out.push({ owner: k.owner, fingerprint: e.fingerprint, expiresAt: e.expiresAt });
    else out.push({ owner: k.owner, fingerprint: e.fingerprint ?? k.fingerprint ?? 'unknown', expiresAt: null, unusable: true });
  }
  return out;
}
