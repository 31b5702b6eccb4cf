// Our own MIME splitter over the exact raw bytes. PGP/MIME signatures (RFC 3156 §5) are
// computed over the first body part's bytes exactly as sent, so the tree keeps byte
// ranges (subarrays, no copies) of every entity. Limits on depth, part count and header
// size turn hostile structure into a `malformed` verdict instead of a crash.
import { decodeUnstructured, parseStructured, type HeaderField } from './headers.ts';

export interface MimeLimits {
  maxDepth: number;
  maxParts: number;
  maxHeaderBytes: number;
}

export const DEFAULT_MIME_LIMITS: MimeLimits = { maxDepth: 24, maxParts: 1000, maxHeaderBytes: 256 * 1024 };

export class MimeError extends Error {}

export interface MimePart {
  /** "1", "1.2", ...; "" for the root. */
  path: string;
  headers: HeaderField[];
  /** The whole entity: headers, blank line and body, exactly as received. */
  raw: Uint8Array;
  /** Body bytes before transfer decoding. */
  body: Uint8Array;
  /** Lower-case `type/subtype`, text/plain when absent (RFC 2045 §5.2). */
  contentType: string;
  params: Record<string, string>;
  disposition: string | null;
  dispositionParams: Record<string, string>;
  transferEncoding: string;
  children: MimePart[];
  /** Multipart only: whether the close delimiter was found. */
  closed: boolean;
  /** Whether the entity began with a header block (false for bare decrypted text). */
  hasHeaders: boolean;
}

const CR = 0x0d;
const LF = 0x0a;

/** Index just past the blank line ending the header block, and the header block's end. */
function splitHeaderBlock(buf: Uint8Array): { headerEnd: number; bodyStart: number } | null {
  if (buf.length === 0) return { headerEnd: 0, bodyStart: 0 };
  if (buf[0] === LF) return { headerEnd: 0, bodyStart: 1 };
  if (buf[0] === CR && buf[1] === LF) return { headerEnd: 0, bodyStart: 2 };
  for (let i = 0; i < buf.length; i++) {
    if (buf[i] !== LF) continue;
    // i is a line end; a blank line follows if next is LF or CRLF.
    if (buf[i + 1] === LF) return { headerEnd: i + 1, bodyStart: i + 2 };
    if (buf[i + 1] === CR && buf[i + 2] === LF) return { headerEnd: i + 1, bodyStart: i + 3 };
  }
  return null;
}

const HEADER_LINE = /^[\x21-\x39\x3b-\x7e]+[ \t]*:/;

export function parseHeaderFields(block: Uint8Array): HeaderField[] {
  const text = Buffer.from(block.buffer, block.byteOffset, block.byteLength).toString('latin1');
  const lines = text.split(/\r?\n/);
  const fields: HeaderField[] = [];
  for (const line of lines) {
    if (line === '') continue;
    if ((line.startsWith(' ') || line.startsWith('\t')) && fields.length > 0) {
      const last = fields[fields.length - 1]!;
      last.raw += ' ' + line.trim();
      continue;
    }
    const m = HEADER_LINE.exec(line);
    if (!m) continue; // junk line in a header block: ignored, as MUAs do
    const colon = line.indexOf(':');
    fields.push({ name: line.slice(0, colon).trim().toLowerCase(), raw: line.slice(colon + 1).trim() });
  }
  return fields;
}

export function header(part: { headers: HeaderField[] }, name: string): string | undefined {
  const f = part.headers.find((h) => h.name === name);
  return f?.raw;
}

export function headerDecoded(part: { headers: HeaderField[] }, name: string): string | undefined {
  const raw = header(part, name);
  return raw === undefined ? undefined : decodeUnstructured(raw);
}

interface Counter {
  parts: number;
}

export function parseMime(raw: Uint8Array, limits: MimeLimits = DEFAULT_MIME_LIMITS): MimePart {
  // An mbox separator line ("From sender date", RFC 4155) before the headers is not part
  // of the message; files saved from mail clients often carry one.
  if (raw[0] === 0x46 && Buffer.from(raw.subarray(0, 5)).toString('latin1') === 'From ') {
    const nl = raw.indexOf(LF);
    if (nl > 0) raw = raw.subarray(nl + 1);
  }
  return parseEntity(raw, '', 0, limits, { parts: 0 }, 'text/plain');
}

function parseEntity(
  raw: Uint8Array,
  path: string,
  depth: number,
  limits: MimeLimits,
  counter: Counter,
  defaultType: string,
): MimePart {
  if (depth > limits.maxDepth) throw new MimeError(`MIME nesting deeper than ${limits.maxDepth} levels`);
  if (++counter.parts > limits.maxParts) throw new MimeError(`more than ${limits.maxParts} MIME parts`);

  const looksLikeHeaders = (() => {
    const firstLineEnd = raw.indexOf(LF);
    const first = Buffer.from(raw.subarray(0, firstLineEnd < 0 ? Math.min(raw.length, 200) : firstLineEnd)).toString('latin1');
    return first === '' || first === '\r' || HEADER_LINE.test(first);
  })();

  let headers: HeaderField[] = [];
  let body = raw;
  if (looksLikeHeaders) {
    const split = splitHeaderBlock(raw);
    const headerEnd = split ? split.headerEnd : raw.length;
    if (headerEnd > limits.maxHeaderBytes) throw new MimeError('header block too large');
    headers = parseHeaderFields(raw.subarray(0, headerEnd));
    body = split ? raw.subarray(split.bodyStart) : raw.subarray(raw.length);
  }

  const ctRaw = headers.find((h) => h.name === 'content-type')?.raw;
  const ct = ctRaw ? parseStructured(ctRaw) : { value: defaultType, params: {} };
  let contentType = ct.value.includes('/') ? ct.value : defaultType;
  const cdRaw = headers.find((h) => h.name === 'content-disposition')?.raw;
  const cd = cdRaw ? parseStructured(cdRaw) : null;
  const transferEncoding = (headers.find((h) => h.name === 'content-transfer-encoding')?.raw ?? '7bit').trim().toLowerCase();

  const part: MimePart = {
    path,
    headers,
    raw,
    body,
    contentType,
    params: ct.params,
    disposition: cd ? cd.value : null,
    dispositionParams: cd ? cd.params : {},
    transferEncoding,
    children: [],
    closed: true,
    hasHeaders: looksLikeHeaders && headers.length > 0,
  };

  if (contentType.startsWith('multipart/')) {
    const boundary = ct.params.boundary;
    if (!boundary) {
      // RFC 2046 §5.1.1: a multipart without a boundary is unusable; read it as text.
      contentType = 'text/plain';
      part.contentType = contentType;
      return part;
    }
    const childDefault = contentType === 'multipart/digest' ? 'message/rfc822' : 'text/plain';
    const { bodies, closed } = splitMultipart(body, boundary);
    part.closed = closed;
    bodies.forEach((b, i) => {
      part.children.push(parseEntity(b, path ? `${path}.${i + 1}` : `${i + 1}`, depth + 1, limits, counter, childDefault));
    });
  } else if (contentType === 'message/rfc822' || contentType === 'message/global') {
    const inner = decodeTransfer(part);
    part.children.push(parseEntity(inner, path ? `${path}.1` : '1', depth + 1, limits, counter, 'text/plain'));
  }
  return part;
}

/**
 * RFC 2046 §5.1.1: a delimiter is CRLF "--" boundary at the start of a line, followed by
 * optional linear white space; the CRLF before it belongs to the delimiter, not the part.
 * Bare LF is accepted too (files on disk, some MTAs).
 */
export function splitMultipart(body: Uint8Array, boundary: string): { bodies: Uint8Array[]; closed: boolean } {
  const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const marker = Buffer.from('--' + boundary, 'latin1');
  const bodies: Uint8Array[] = [];
  let partStart = -1;
  let from = 0;
  let closed = false;
  for (;;) {
    const idx = buf.indexOf(marker, from);
    if (idx < 0) break;
    from = idx + marker.length;
    const atLineStart = idx === 0 || buf[idx - 1] === LF;
    if (!atLineStart) continue;
    let p = idx + marker.length;
    const isClose = buf[p] === 0x2d && buf[p + 1] === 0x2d;
    if (isClose) p += 2;
    while (buf[p] === 0x20 || buf[p] === 0x09) p++;
    let lineEnd: number;
    if (p >= buf.length) lineEnd = buf.length;
    else if (buf[p] === LF) lineEnd = p + 1;
    else if (buf[p] === CR && buf[p + 1] === LF) lineEnd = p + 2;
    else continue; // "--boundaryX": a longer boundary or text, not a delimiter
    if (partStart >= 0) {
      let end = idx;
      if (end > partStart && buf[end - 1] === LF) end--;
      if (end > partStart && buf[end - 1] === CR) end--;
      bodies.push(body.subarray(partStart, Math.max(partStart, end)));
    }
    if (isClose) {
      closed = true;
      break;
    }
    partStart = lineEnd;
    from = lineEnd;
  }
  if (!closed && partStart >= 0) bodies.push(body.subarray(partStart));
  return { bodies, closed };
}

function decodeQuotedPrintable(input: Uint8Array): Uint8Array {
  const out = Buffer.allocUnsafe(input.length);
  let o = 0;
  const hex = (c: number): number =>
    c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x41 && c <= 0x46 ? c - 55 : c >= 0x61 && c <= 0x66 ? c - 87 : -1;
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!;
    if (c !== 0x3d) {
      out[o++] = c;
      continue;
    }
    // soft line break: "=" then optional trailing white space then (CR)LF
    let j = i + 1;
    while (input[j] === 0x20 || input[j] === 0x09) j++;
    if (input[j] === LF) {
      i = j;
      continue;
    }
    if (input[j] === CR && input[j + 1] === LF) {
      i = j + 1;
      continue;
    }
    const h1 = hex(input[i + 1] ?? -1);
    const h2 = hex(input[i + 2] ?? -1);
    if (h1 >= 0 && h2 >= 0) {
      out[o++] = h1 * 16 + h2;
      i += 2;
    } else {
      out[o++] = c; // lenient: a stray "=" is kept
    }
  }
  return out.subarray(0, o);
}

/** The body after Content-Transfer-Encoding decoding (RFC 2045 §6). */
export function decodeTransfer(part: Pick<MimePart, 'body' | 'transferEncoding'>): Uint8Array {
  const body = part.body;
  switch (part.transferEncoding) {
    case 'base64':
      return Buffer.from(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1'), 'base64');
    case 'quoted-printable':
      return decodeQuotedPrintable(body);
    default:
      return body;
  }
}

export function* walk(part: MimePart): Generator<MimePart> {
  yield part;
  for (const c of part.children) yield* walk(c);
}
