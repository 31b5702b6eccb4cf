// Fetching and judging a site's security.txt (RFC 9116) for a proposal to the coordinators.
//
// Where: https://<host>/.well-known/security.txt (§3), and only when that answers with an
// HTTP error status, the legacy https://<host>/security.txt (§3: "MUST use" the well-known
// one when both exist; a TLS, size or redirect failure at the well-known path is the host's
// answer and is not retried elsewhere). HTTPS only (§3: "MUST be served over HTTPS").
//
// Judged (`usable` false means: shown to coordinators with the reasons, never proposed):
// - Content-Type must be text/plain (§3), UTF-8 if a charset is named (§2.2);
// - Expires required and in the future (§2.5.5);
// - Canonical, when present, must include the URL actually fetched (§2.5.2): a file copied
//   from another site speaks for that site;
// - a signed file (§2.3) is read only from the signed text; a signature that does not verify
//   makes the file unusable (a revoked signing key too), one by a key the desk cannot get is reported as such.
import { httpsGet, type HttpsFailure } from '../adapters/https.ts';
import { loadKeyring, verifyCleartext, type SignatureCheck } from '../crypto/openpgp.ts';
import { canonicalMatches, clearsignedBlock, isClearsigned, parseSecurityTxt, type SecurityTxtFields, type SecurityTxtProblem } from '../rules/security-txt.ts';
import { fetchOptions, type WebLookupOptions } from './options.ts';

export type SecurityTxtRefusal = SecurityTxtProblem | 'expired' | 'canonical-mismatch' | 'bad-signature' | 'unreadable-signature';

export type SecurityTxtSignature =
  | { signed: false }
  | {
      signed: true;
      /** good: verified with a key the desk found (Encryption or WKD); bad: does not verify; revoked-key: unusable too. */
      status: 'good' | 'bad' | 'unknown-key' | 'expired-key' | 'revoked-key' | 'unreadable';
      /** The signing key's primary fingerprint (good), or the issuer named in the signature. */
      fingerprint: string | null;
    };

export type SecurityTxtResult =
  | { found: false; tried: { url: string; reason: HttpsFailure | 'content-type' | 'not-utf8'; status?: number }[] }
  | {
      found: true;
      url: string;
      usable: boolean;
      refusals: SecurityTxtRefusal[];
      /** Lines the parser could not read and other notes; not refusals by themselves. */
      notes: SecurityTxtProblem[];
      fields: SecurityTxtFields;
      signature: SecurityTxtSignature;
      /** Kept for the second verification pass (keys found after the fields were read). */
      raw: string;
    };

/** Problems that make a file unusable by themselves (the rest are notes). */
const FATAL: ReadonlySet<SecurityTxtProblem> = new Set(['no-contact', 'no-expires', 'several-expires', 'bad-expires']);

/** Fetches `host`'s security.txt and judges it (signature: unverified until verifySecurityTxt). Never throws. */
export async function fetchSecurityTxt(host: string, opts: WebLookupOptions): Promise<SecurityTxtResult> {
  const tried: Extract<SecurityTxtResult, { found: false }>['tried'] = [];
  for (const path of ['/.well-known/security.txt', '/security.txt']) {
    const url = `https://${host}${path}`;
    const r = await httpsGet(url, fetchOptions(opts, opts.maxSecurityTxtBytes));
    if (!r.ok) {
      tried.push({ url, reason: r.reason, ...(r.status !== undefined ? { status: r.status } : {}) });
      if (r.reason === 'status') continue;
      return { found: false, tried };
    }
    const ct = (r.contentType ?? '').toLowerCase();
    const mime = ct.split(';')[0]?.trim() ?? '';
    const charset = /charset\s*=\s*"?([^";\s]+)/.exec(ct)?.[1];
    if (mime !== 'text/plain') {
      tried.push({ url: r.url, reason: 'content-type' });
      return { found: false, tried };
    }
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'us-ascii') {
      tried.push({ url: r.url, reason: 'not-utf8' });
      return { found: false, tried };
    }
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(r.body);
    } catch {
      tried.push({ url: r.url, reason: 'not-utf8' });
      return { found: false, tried };
    }
    return judge(text, r.url, [], opts.now ?? new Date());
  }
  return { found: false, tried };
}

/**
 * Verifies a fetched signed security.txt with candidate keys (armored public keys the desk
 * found: the file's Encryption key, the contacts' WKD keys) and judges it again. An
 * unsigned or not-found result comes back unchanged.
 */
export async function verifySecurityTxt(result: SecurityTxtResult, keys: readonly string[], now: Date): Promise<SecurityTxtResult> {
  if (!result.found || !result.signature.signed) return result;
  return judge(result.raw, result.url, keys, now);
}

async function judge(text: string, url: string, keys: readonly string[], now: Date): Promise<Extract<SecurityTxtResult, { found: true }>> {
  const refusals: SecurityTxtRefusal[] = [];
  let signature: SecurityTxtSignature = { signed: false };
  let body = text;
  if (isClearsigned(text)) {
    const ring = await loadKeyring(keys.map((k, i) => ({ name: `candidate ${i + 1}`, text: k })), undefined, () => undefined);
    const block = clearsignedBlock(text);
    const v = block === null ? ({ ok: false, detail: 'no complete signed block' } as const) : await verifyCleartext(block, ring, now);
    if (!v.ok) {
      signature = { signed: true, status: 'unreadable', fingerprint: null };
      refusals.push('unreadable-signature');
      body = '';
    } else {
      body = v.text;
      signature = { signed: true, ...worst(v.signatures) };
      // A revoked key speaks for no one any more (fail closed); an expired key's old signature still verifies (pitfalls.md) and is reported as such.
      if (signature.status === 'bad' || signature.status === 'unreadable' || signature.status === 'revoked-key') refusals.push('bad-signature');
    }
  }
  const parsed = parseSecurityTxt(body);
  for (const p of parsed.problems) if (FATAL.has(p.problem)) refusals.push(p.problem);
  if (parsed.fields.expires && parsed.fields.expires.getTime() <= now.getTime()) refusals.push('expired');
  if (parsed.fields.canonical.length > 0 && !canonicalMatches(parsed.fields.canonical, url)) refusals.push('canonical-mismatch');
  const notes = parsed.problems.filter((p) => !FATAL.has(p.problem)).map((p) => p.problem);
  return { found: true, url, usable: refusals.length === 0, refusals: [...new Set(refusals)], notes: [...new Set(notes)], fields: parsed.fields, signature, raw: text };
}

/** Every signature must verify (pitfalls.md: openpgp passes when ANY does): the worst one speaks. */
function worst(sigs: SignatureCheck[]): { status: Extract<SecurityTxtSignature, { signed: true }>['status']; fingerprint: string | null } {
  const rank: Record<string, number> = { invalid: 0, unsupported: 1, none: 1, 'revoked-key': 2, 'expired-key': 3, 'unknown-key': 4, valid: 5 };
  const sorted = [...sigs].sort((a, b) => (rank[a.status] ?? 0) - (rank[b.status] ?? 0));
  const w = sorted[0];
  if (!w) return { status: 'unreadable', fingerprint: null };
  const status =
    w.status === 'valid' ? 'good' : w.status === 'invalid' ? 'bad' : w.status === 'unsupported' || w.status === 'none' ? 'unreadable' : w.status;
  return { status, fingerprint: w.fingerprint };
}
