// The nodemailer adapter: the only file that imports nodemailer.
//
// 1. MIME building (`buildMime`) on nodemailer's MimeNode with `{ newline: '\r\n' }`:
//    the caller describes the tree; entities whose exact bytes matter (a signed part, an
//    armored block) are passed through `setRaw` untouched. nodemailer has no PGP/MIME of
//    its own (pitfalls.md).
// 2. The SMTP transport (`createSmtpTransport`): a pooled nodemailer transport sending
//    `{ envelope, raw }`, with SMTP replies classified as permanent or transient.
import nodemailer from 'nodemailer';
import MimeNode from 'nodemailer/lib/mime-node';
import type { Envelope, SendResult, Transport } from '../outbound/transport.ts';

// ---- MIME building ---------------------------------------------------------------------

export type HeaderValue = string | string[] | Date;
export type HeaderList = readonly (readonly [string, HeaderValue])[];

export type MimeSpec =
  /** A multipart entity; `contentType` may carry parameters (the boundary is generated). */
  | { type: 'multipart'; contentType: string; headers?: HeaderList; parts: MimeSpec[] }
  /**
   * UTF-8 text; `charset=utf-8` is added. Quoted-printable is encoded here (see
   * encodeQuotedPrintable); `auto` picks the shorter of quoted-printable and base64
   * (Japanese text is three times longer in quoted-printable).
   */
  | { type: 'text'; contentType: string; headers?: HeaderList; text: string; encoding: 'quoted-printable' | 'base64' | 'auto' }
  /** Bytes sent base64-encoded (attachments); `filename` sets name= and Content-Disposition. */
  | { type: 'binary'; contentType: string; headers?: HeaderList; content: Buffer; filename?: string; disposition?: 'attachment' | 'inline' }
  /** 7-bit ASCII content sent as is (armored OpenPGP data, the pgp-encrypted control part). */
  | { type: '7bit'; contentType: string; headers?: HeaderList; content: string }
  /** A complete entity (headers and body) given as exact bytes (CRLF). */
  | { type: 'raw'; bytes: Buffer };

const NEWLINE = '\r\n';

function addHeaders(node: MimeNode, headers: HeaderList | undefined): void {
  for (const [key, value] of headers ?? []) node.addHeader(key, value);
}

/** CRLF line ends, LF and lone CR included. */
export function toCrlf(s: string): string {
  return s.replace(/\r\n|\r|\n/g, '\r\n');
}

function assert7bit(what: string, s: string): void {
  // eslint-disable-next-line no-control-regex -- TAB, LF and CR are the allowed controls
  if (/[^\x09\x0a\x0d\x20-\x7e]/.test(s)) throw new Error(`${what}: 7bit content must be printable ASCII`);
  if (s.split(/\r\n/).some((l) => l.length > 998)) throw new Error(`${what}: 7bit line longer than 998 octets`);
}

function attach(parent: MimeNode | null, spec: MimeSpec, options: MimeNode.Options): MimeNode {
  const create = (contentType: string | false): MimeNode =>
    parent ? parent.createChild(contentType, options) : new MimeNode(contentType, options);
  switch (spec.type) {
    case 'raw': {
      const node = create(false);
      node.setRaw(spec.bytes);
      return node;
    }
    case 'multipart': {
      const node = create(spec.contentType);
      addHeaders(node, spec.headers);
      for (const part of spec.parts) attach(node, part, {});
      return node;
    }
    case 'text': {
      const node = create(`${spec.contentType}; charset=utf-8`);
      addHeaders(node, spec.headers);
      const qp = spec.encoding === 'base64' ? '' : encodeQuotedPrintable(spec.text);
      const b64Length = Math.ceil(Buffer.byteLength(toCrlf(spec.text), 'utf8') / 3) * 4 * (78 / 76);
      if (spec.encoding === 'base64' || (spec.encoding === 'auto' && qp.length > b64Length)) {
        node.setHeader('Content-Transfer-Encoding', 'base64');
        node.setContent(Buffer.from(toCrlf(spec.text), 'utf8'));
        return node;
      }
      // nodemailer's QP does not escape a leading "From " (pitfalls.md): encode the body
      // here, let MimeNode write the header block, and pass both on as raw bytes.
      node.setHeader('Content-Transfer-Encoding', 'quoted-printable');
      node.setRaw(Buffer.from(`${node.buildHeaders()}\r\n\r\n${qp}`, 'latin1'));
      return node;
    }
    case 'binary': {
      const node = create(spec.contentType);
      addHeaders(node, spec.headers);
      if (spec.filename !== undefined) {
        node.filename = spec.filename;
        node.setHeader('Content-Disposition', spec.disposition ?? 'attachment');
      } else if (spec.disposition) {
        node.setHeader('Content-Disposition', spec.disposition);
      }
      node.setHeader('Content-Transfer-Encoding', 'base64');
      node.setContent(spec.content);
      return node;
    }
    case '7bit': {
      const content = toCrlf(spec.content);
      assert7bit(spec.contentType, content);
      const node = create(spec.contentType);
      addHeaders(node, spec.headers);
      node.setHeader('Content-Transfer-Encoding', '7bit');
      node.setContent(content);
      return node;
    }
  }
}

/**
 * Serialises `spec` with CRLF line ends. `message: true` makes a whole message (MimeNode
 * adds MIME-Version, and Date/Message-ID when the headers lack them); `false` makes a
 * MIME entity only (for signing or encrypting), with nothing added.
 */
export async function buildMime(spec: MimeSpec, opts: { message: boolean }): Promise<Buffer> {
  const options: MimeNode.Options = { newline: NEWLINE, disableFileAccess: true, disableUrlAccess: true };
  if (opts.message) return attach(null, spec, options).build();
  // A child of a throwaway root: MimeNode only adds the mandatory message headers to a root.
  const holder = new MimeNode('multipart/mixed', { disableFileAccess: true, disableUrlAccess: true });
  const entity = attach(holder, spec, options);
  return entity.build();
}

/**
 * Quoted-printable (RFC 2045 §6.7) of UTF-8 text, CRLF line ends, lines of at most 76
 * characters. Beyond what nodemailer's encoder does: a line (hard or soft) never starts
 * with `From ` (mbox delivery would turn it into `>From ` and break a signature) or `.`
 * (some relays mishandle it); the first character is encoded instead. A character's
 * UTF-8 bytes are never split across soft line breaks.
 */
export function encodeQuotedPrintable(text: string, lineLength = 76): string {
  const hex = (b: number): string => `=${b.toString(16).toUpperCase().padStart(2, '0')}`;
  const out: string[] = [];
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    const chars = [...line];
    let cur = '';
    for (let i = 0; i < chars.length; i++) {
      const ch = chars[i]!;
      const last = i === chars.length - 1;
      const encodeChar = (): string => [...Buffer.from(ch, 'utf8')].map(hex).join('');
      const plain = (): string => {
        const c = ch.codePointAt(0)!;
        if (c === 0x20 || c === 0x09) return last ? encodeChar() : ch;
        return c >= 0x21 && c <= 0x7e && c !== 0x3d ? ch : encodeChar();
      };
      let tok = plain();
      // Room for the soft break `=` (and, at the end of the line, nothing more).
      if (cur.length + tok.length > lineLength - (last ? 0 : 1)) {
        out.push(`${cur}=`);
        cur = '';
      }
      if (cur === '' && (ch === '.' || (ch === 'F' && chars.slice(i + 1, i + 5).join('') === 'rom '))) tok = encodeChar();
      cur += tok;
    }
    out.push(cur);
  }
  return out.join('\r\n');
}

// ---- SMTP transport --------------------------------------------------------------------

export interface SmtpOptions {
  host: string;
  port: number;
  /** Implicit TLS (port 465). Otherwise STARTTLS is used when offered. */
  secure?: boolean;
  /** Refuse to send unless STARTTLS succeeds. */
  requireTLS?: boolean;
  auth?: { user: string; pass: string };
  /** Host name announced in EHLO. */
  name?: string;
  /** Pool size (default 2). */
  maxConnections?: number;
  /** Verify the server certificate (default true). */
  rejectUnauthorized?: boolean;
  connectionTimeoutMs?: number;
  socketTimeoutMs?: number;
}

interface SmtpErrorLike {
  message?: unknown;
  code?: unknown;
  responseCode?: unknown;
  response?: unknown;
}

/** Error codes that mean the message itself is unsendable (retrying cannot help). */
const PERMANENT_CODES = new Set(['EENVELOPE', 'EMAXRECIPIENTS', 'EMESSAGE', 'EFILEACCESS', 'EURLACCESS']);

/**
 * SMTP reply 5xx → permanent; 4xx, connection and TLS errors, timeouts → transient.
 * 503 (bad sequence of commands) is a session fault, not a refusal of the message
 * (RFC 5321 §4.2.4), so it counts as transient. An error with no SMTP reply is transient
 * unless nodemailer says the envelope or message itself is invalid.
 */
export function classifySmtpError(err: unknown): { permanent: boolean; response: string } {
  const e = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as SmtpErrorLike;
  const code = typeof e.code === 'string' ? e.code : undefined;
  const reply = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const text = typeof e.response === 'string' && e.response !== '' ? e.response : typeof e.message === 'string' ? e.message : String(err);
  const response = `${code ? `${code}: ` : ''}${text}`;
  if (reply !== undefined) return { permanent: reply >= 500 && reply < 600 && reply !== 503, response };
  return { permanent: code !== undefined && PERMANENT_CODES.has(code), response };
}

export function createSmtpTransport(opts: SmtpOptions): Transport {
  const transporter = nodemailer.createTransport({
    pool: true,
    host: opts.host,
    port: opts.port,
    secure: opts.secure ?? false,
    requireTLS: opts.requireTLS ?? false,
    ...(opts.auth ? { auth: { user: opts.auth.user, pass: opts.auth.pass } } : {}),
    ...(opts.name ? { name: opts.name } : {}),
    maxConnections: opts.maxConnections ?? 2,
    connectionTimeout: opts.connectionTimeoutMs ?? 30_000,
    greetingTimeout: opts.connectionTimeoutMs ?? 30_000,
    socketTimeout: opts.socketTimeoutMs ?? 120_000,
    tls: { rejectUnauthorized: opts.rejectUnauthorized ?? true },
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return {
    async send(raw: Buffer, envelope: Envelope, messageId: string): Promise<SendResult> {
      try {
        const info = await transporter.sendMail({ envelope: { from: envelope.from, to: envelope.to }, raw });
        const rejected = (info.rejected ?? []).map(String);
        return {
          ok: true,
          response: `${messageId}: ${info.response}`,
          ...(rejected.length > 0 ? { rejected } : {}),
        };
      } catch (err) {
        const c = classifySmtpError(err);
        return { ok: false, permanent: c.permanent, response: `${messageId}: ${c.response}` };
      }
    },
    close(): Promise<void> {
      transporter.close();
      return Promise.resolve();
    },
  };
}
