// A contact's key by the OpenPGP Web Key Directory (draft-koch-openpgp-webkey-service §3.1):
// the advanced method (https://openpgpkey.<domain>/…), then the direct method
// (https://<domain>/…). What is found is a proposal, never a pinned key: a key is accepted
// only when one of its user ids carries exactly the address asked for with a valid
// self-certification (a key published for someone else, or a user id nobody certified,
// proves nothing), and it is judged usable or not at `now`.
import { httpsGet, type HttpsFailure } from '../adapters/https.ts';
import { certifiedKey, checkRecipientKey, keyExpiry, loadKeyring } from '../crypto/openpgp.ts';
import { wkdUrls } from '../rules/wkd-address.ts';
import { fetchOptions, type WebLookupOptions } from './options.ts';

export type WkdRefusal = HttpsFailure | 'unreadable' | 'secret-key' | 'no-matching-user-id';

export interface WkdKey {
  method: 'advanced' | 'direct';
  url: string;
  fingerprint: string;
  armored: string;
  /** Whether the desk could encrypt to it now (expired, revoked, no encryption subkey otherwise). */
  state: 'ok' | 'expired' | 'revoked' | 'no-encryption-key' | 'unreadable';
  expires: Date | 'never' | null;
}

export type WkdResult =
  | { found: true; email: string; key: WkdKey; tried: { url: string; refused: WkdRefusal }[] }
  | { found: false; email: string; reason: 'bad-address' | WkdRefusal; tried: { url: string; refused: WkdRefusal }[] };

/** Looks up `email` by WKD. Never throws. */
export async function wkdLookup(email: string, opts: WebLookupOptions): Promise<WkdResult> {
  const urls = wkdUrls(email);
  if (!urls) return { found: false, email, reason: 'bad-address', tried: [] };
  const want = urls.address.toLowerCase();
  const now = opts.now ?? new Date();
  const tried: { url: string; refused: WkdRefusal }[] = [];
  // The draft: the direct method only if the advanced one's subdomain does not exist. A
  // failed advanced lookup of any kind falls back here: both URLs speak for the same domain,
  // and a refused answer is recorded in `tried` for the coordinator.
  for (const method of ['advanced', 'direct'] as const) {
    const url = urls[method];
    const r = await httpsGet(url, fetchOptions(opts, opts.maxKeyBytes));
    if (!r.ok) {
      tried.push({ url, refused: r.reason });
      continue;
    }
    const judged = await judgeWkdKey(r.body, want, now);
    if ('refused' in judged) {
      tried.push({ url, refused: judged.refused });
      continue;
    }
    return { found: true, email: urls.address, key: { method, url, ...judged }, tried };
  }
  const last = tried[tried.length - 1];
  return { found: false, email: urls.address, reason: last?.refused ?? 'connect', tried };
}

async function judgeWkdKey(body: Buffer, want: string, now: Date): Promise<Omit<WkdKey, 'method' | 'url'> | { refused: WkdRefusal }> {
  // §3.1: the answer is the binary key (no armor); armored text is read too, as gpg does.
  const text = body.toString('latin1');
  const armored = /-----BEGIN PGP (PUBLIC|PRIVATE) KEY BLOCK-----/.test(text);
  if (/-----BEGIN PGP PRIVATE KEY BLOCK-----/.test(text)) return { refused: 'secret-key' };
  const problems: string[] = [];
  const ring = await loadKeyring([armored ? { name: 'wkd', text } : { name: 'wkd', text: '', binary: new Uint8Array(body) }], undefined, (m) => problems.push(m));
  if (ring.keys.some((k) => k.hasSecret)) return { refused: 'secret-key' };
  if (ring.keys.length === 0) return { refused: 'unreadable' };
  for (const k of ring.keys) {
    const c = await certifiedKey(ring, k.fingerprint, [], now);
    if (!c?.certifiedEmails.includes(want)) continue;
    const check = await checkRecipientKey(c.armored, now);
    const exp = await keyExpiry(c.armored, now);
    return {
      fingerprint: c.fingerprint,
      armored: c.armored,
      state: check.ok ? 'ok' : check.why,
      // The earlier of the primary key's and the encryption subkey's expiry (one function: keyExpiry).
      expires: exp.ok ? (exp.expiresAt ?? 'never') : null,
    };
  }
  return { refused: 'no-matching-user-id' };
}
