// Header-level decoding: the only file that imports mailparser's family (libmime, the
// RFC 2047/2231 decoder mailparser itself uses, and nodemailer's address parser, which
// mailparser uses for From/To). The structural split is ours (see parse.ts) because
// mailparser does not expose the raw bytes a PGP/MIME signature covers (RFC 3156 §5).
import libmime from 'libmime';
import addressparser from 'nodemailer/lib/addressparser';
import { decodeText, detectJapanese } from './charset.ts';

export interface HeaderField {
  /** Lower-case field name. */
  name: string;
  /** Unfolded raw value (bytes decoded as latin1 so no byte is lost). */
  raw: string;
}

export interface ParsedValue {
  value: string;
  params: Record<string, string>;
}

/** Content-Type / Content-Disposition style value with RFC 2231 parameters decoded. */
export function parseStructured(raw: string): ParsedValue {
  const parsed = libmime.parseHeaderValue(raw) as { value: string; params: Record<string, string> };
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed.params ?? {})) {
    const key = k.toLowerCase();
    // libmime leaves RFC 2047 words inside parameters (Thunderbird writes filenames so).
    params[key] = typeof v === 'string' ? decodeWords(v) : String(v);
  }
  return { value: String(parsed.value ?? '').trim().toLowerCase(), params };
}

/**
 * Decodes an unstructured header value. Raw 8-bit bytes are interpreted as UTF-8 when
 * valid, else by Japanese detection (a raw Shift_JIS Subject is seen in the wild; see
 * pitfalls.md), then RFC 2047 encoded words are decoded.
 */
export function decodeUnstructured(rawLatin1: string): string {
  const bytes = Buffer.from(rawLatin1, 'latin1');
  let text = rawLatin1;
  if (bytes.some((b) => b >= 0x80 || b === 0x1b)) {
    const enc = detectJapanese(bytes) ?? 'utf-8';
    text = decodeText(bytes, enc);
  }
  return decodeWords(text).trim();
}

export function decodeWords(text: string): string {
  try {
    return libmime.decodeWords(text);
  } catch {
    return text;
  }
}

export interface Address {
  name: string;
  address: string;
}

/** First mailbox of an address-list header, lower-cased address. */
export function parseAddresses(rawLatin1: string): Address[] {
  const decoded = decodeUnstructured(rawLatin1);
  const out: Address[] = [];
  const walk = (list: unknown[]): void => {
    for (const item of list) {
      const a = item as { name?: string; address?: string; group?: unknown[] };
      if (Array.isArray(a.group)) walk(a.group);
      else if (a.address) out.push({ name: a.name ?? '', address: a.address.trim().toLowerCase() });
    }
  };
  try {
    walk(addressparser(decoded));
  } catch {
    /* unparsable address header: no address */
  }
  return out;
}
