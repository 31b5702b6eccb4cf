// Where the OpenPGP Web Key Directory keeps a key for an address
// (draft-koch-openpgp-webkey-service §3.1). Pure: addresses in, URLs out.
//
// The local part is lower-cased (ASCII only, as the draft says), hashed with SHA-1 and
// encoded in z-base-32 (RFC 6189 §5.1.6); the unchanged local part goes in `?l=` so a
// server that keys on it can answer. The advanced method asks the `openpgpkey.` subdomain
// first; the direct method asks the domain itself.
import { createHash } from 'node:crypto';

const ZBASE32 = 'ybndrfg8ejkmcpqxot1uwisza345h769';

/** z-base-32 (RFC 6189 §5.1.6) of bytes, most significant bit first, no padding. */
export function zBase32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const b of bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ZBASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += ZBASE32[(buffer << (5 - bits)) & 31];
  return out;
}

/** The WKD hash of a local part: z-base-32(SHA-1(lower-case ASCII local part)). */
export function wkdHash(localPart: string): string {
  const lower = localPart.replace(/[A-Z]/g, (c) => c.toLowerCase());
  return zBase32(createHash('sha1').update(lower, 'utf8').digest());
}

export interface WkdUrls {
  /** The address as the key must carry it: local part as given, domain lower-case ASCII. */
  address: string;
  advanced: string;
  direct: string;
}

/**
 * The two URLs for an address; null when it is no address with a DNS domain (the domain is
 * IDNA-encoded and lower-cased; an IP literal has no WKD).
 */
export function wkdUrls(email: string): WkdUrls | null {
  const at = email.lastIndexOf('@');
  if (at <= 0 || at === email.length - 1) return null;
  const local = email.slice(0, at);
  if (/[\s<>()\\,;:"[\]/?#]/.test(local) || local.length > 64) return null;
  let domain: string;
  try {
    domain = new URL(`https://${email.slice(at + 1)}/`).hostname.toLowerCase().replace(/\.$/, '');
  } catch {
    return null;
  }
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain) || /^[\d.]+$/.test(domain)) return null;
  const hash = wkdHash(local);
  const l = encodeURIComponent(local);
  return {
    address: `${local}@${domain}`,
    advanced: `https://openpgpkey.${domain}/.well-known/openpgpkey/${domain}/hu/${hash}?l=${l}`,
    direct: `https://${domain}/.well-known/openpgpkey/hu/${hash}?l=${l}`,
  };
}
