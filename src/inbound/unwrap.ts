// Removes the cryptographic layers of a parsed message and flattens what is left into
// content items, each marked with whether it was encrypted and which signatures cover
// it. Items are never merged across that line: the pipeline decides from the flags
// (EFAIL, Poddebniak et al. 2018: clear parts around a ciphertext must not be joined
// to its plaintext; signature wrapping: a signed part inside an unsigned container
// does not sign the container).
import { decrypt, looksLikeBinaryMessage, verifyCleartext, verifyDetached, type CryptoLimits, type Keyring, type SignatureCheck } from '../crypto/openpgp.ts';
import { decodeText, decodeTextChecked } from '../mime/charset.ts';
import { decodeTransfer, parseMime, MimeError, type MimeLimits, type MimePart } from '../mime/parse.ts';
import type { EncryptionStatus, RejectReason } from '../domain/inspect.ts';

export interface ContentItem {
  kind: 'text' | 'attachment';
  /** Decoded text for text items. */
  text?: string;
  bytes: Uint8Array;
  name: string | null;
  contentType: string;
  encrypted: boolean;
  /** Signatures covering exactly this item; null when unsigned. */
  covered: SignatureCheck[] | null;
  /** Inside a forwarded message/rfc822 (not the sender's own words). */
  forwarded: boolean;
  /** Plumbing (key attachments, legacy display parts): not content for coverage or mixing. */
  plumbing: boolean;
  /** Text items: some bytes were invalid in the charset and became U+FFFD (issue 9 §6). */
  invalidBytes?: boolean;
}

export interface CryptoFailure {
  reason: Extract<RejectReason, 'not-for-us' | 'decompression-limit' | 'malformed'> | 'failed';
  detail: string;
  /** Whether this was a failed decryption (vs. broken structure around it). */
  decryption: boolean;
}

/**
 * Where a signature was found (issue 9 §1): over a whole cryptographic layer (`layer`), on a
 * layer inside a non-cryptographic container such as multipart/mixed (`in-container`), or
 * as an `X` + `X.sig` attachment pair (`detached-attachment`). Only `layer` can carry authority.
 */
export type SignedHow = 'layer' | 'in-container' | 'detached-attachment';

export interface Unwrapped {
  items: ContentItem[];
  /** How each signature check of `items` was applied. */
  signedHow: Map<SignatureCheck, SignedHow>;
  /** Whether the protected-headers entity lies under a signature (its Subject is signed content). */
  protectedHeadersSigned: boolean;
  encryption: EncryptionStatus;
  failures: CryptoFailure[];
  /** The entity whose headers are protected headers (RFC 9788 / draft-autocrypt v1), if any. */
  protectedHeaders: MimePart | null;
  /** Armored public keys found as application/pgp-keys attachments. */
  attachedKeys: string[];
  notes: string[];
}

export interface UnwrapContext {
  ring: Keyring;
  crypto: CryptoLimits;
  mime: MimeLimits;
  now: Date;
}

interface Flags {
  encrypted: boolean;
  covered: SignatureCheck[] | null;
  forwarded: boolean;
  /** Depth of crypto layers, to stop encryption nested without end. */
  layers: number;
  /** Below a non-cryptographic multipart (or forwarded message): a signature here signs a part, not the message. */
  container: boolean;
}

const MAX_CRYPTO_LAYERS = 4;
const ARMOR_MESSAGE = { begin: '-----BEGIN PGP MESSAGE-----', end: '-----END PGP MESSAGE-----' };
const ARMOR_SIGNED = { begin: '-----BEGIN PGP SIGNED MESSAGE-----', end: '-----END PGP SIGNATURE-----' };
const ARMOR_ANY_BEGIN = /^-----BEGIN PGP (MESSAGE|SIGNED MESSAGE)-----\r?$/m;

const isLineBreak = (c: number): boolean => c === 0x0a || c === 0x0d;

/** The first line at or after `from` that is exactly `marker` (a CR after it belongs to the line). */
function findMarkerLine(s: string, marker: string, from: number): { start: number; end: number } | null {
  for (let i = s.indexOf(marker, from); i >= 0; i = s.indexOf(marker, i + 1)) {
    if (i > 0 && !isLineBreak(s.charCodeAt(i - 1))) continue;
    let e = i + marker.length;
    if (e < s.length && !isLineBreak(s.charCodeAt(e))) continue;
    // As `\r?$` in multiline mode, where CR alone also ends a line.
    if (s.charCodeAt(e) === 0x0d && (e + 1 === s.length || isLineBreak(s.charCodeAt(e + 1)))) e++;
    return { start: i, end: e };
  }
  return null;
}

/**
 * The first armored block (RFC 4880 §6.2): from a BEGIN line to the first END line after
 * it. Found with two linear scans: a lazy regular expression over the text (BEGIN, then
 * the shortest run up to END) is tried again from every BEGIN line when no END follows,
 * and a body of a few MB of BEGIN lines then took minutes (found probing the fuzz targets
 * with large inputs).
 * If the first BEGIN has no END after it, no later BEGIN has one either.
 */
function findArmor(s: string, kind: { begin: string; end: string }): { index: number; text: string } | null {
  const begin = findMarkerLine(s, kind.begin, 0);
  if (!begin) return null;
  const end = findMarkerLine(s, kind.end, begin.end);
  return end ? { index: begin.start, text: s.slice(begin.start, end.end) } : null;
}

const toLatin1 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');

function fileName(part: MimePart): string | null {
  return part.dispositionParams.filename ?? part.params.name ?? null;
}

function isProtectedHeaderEntity(part: MimePart): boolean {
  // draft-autocrypt-lamps-protected-headers: protected-headers="v1"; RFC 9788: hp="cipher"/"clear".
  return part.params['protected-headers'] === 'v1' || part.params.hp !== undefined;
}

/** Canonical CRLF (RFC 3156 §5): bare LF becomes CRLF, nothing else changes. */
export function toCrlf(bytes: Uint8Array): Uint8Array {
  let lone = 0;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0x0a && bytes[i - 1] !== 0x0d) lone++;
  if (lone === 0) return bytes;
  const out = new Uint8Array(bytes.length + lone);
  let o = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0x0a && bytes[i - 1] !== 0x0d) out[o++] = 0x0d;
    out[o++] = b;
  }
  return out;
}

/** Exchange rewrites multipart/encrypted as multipart/mixed [empty text, pgp-encrypted, octet-stream]. */
function exchangeMangled(part: MimePart): MimePart | null {
  if (part.contentType !== 'multipart/mixed') return null;
  const kids = part.children.filter((c) => !(c.contentType === 'text/plain' && decodeTransfer(c).every((b) => b <= 0x20)));
  if (kids.length !== 2) return null;
  const [ctl, data] = kids as [MimePart, MimePart];
  if (ctl.contentType !== 'application/pgp-encrypted') return null;
  if (!/^version\s*:\s*1/im.test(toLatin1(decodeTransfer(ctl)))) return null;
  if (data.contentType !== 'application/octet-stream') return null;
  return data;
}

export async function unwrap(root: MimePart, ctx: UnwrapContext): Promise<Unwrapped> {
  const out: Unwrapped = { items: [], signedHow: new Map(), protectedHeadersSigned: false, encryption: 'none', failures: [], protectedHeaders: null, attachedKeys: [], notes: [] };
  const mark = (e: EncryptionStatus): void => {
    // pgp-mime beats inline beats none; a failure is recorded separately.
    if (e === 'pgp-mime' || (e === 'inline' && out.encryption === 'none')) out.encryption = e;
  };

  async function decryptInto(payload: Uint8Array | string, flags: Flags, how: 'pgp-mime' | 'inline', where: string): Promise<{ plaintext: Uint8Array; sigs: SignatureCheck[] } | null> {
    if (flags.layers >= MAX_CRYPTO_LAYERS) {
      out.failures.push({ reason: 'malformed', detail: `more than ${MAX_CRYPTO_LAYERS} nested encryption layers`, decryption: true });
      return null;
    }
    const r = await decrypt(payload, ctx.ring, ctx.crypto, ctx.now);
    if (!r.ok) {
      out.failures.push({ reason: r.reason, detail: `${where}: ${r.detail}`, decryption: true });
      return null;
    }
    mark(how);
    return { plaintext: r.plaintext, sigs: r.signatures };
  }

  // Signatures found inside a forwarded message sign that message, not ours: they never
  // add coverage (else forwarding someone's signed mail would pass as signed by them).
  const coverWith = (flags: Flags, sigs: SignatureCheck[], how: SignedHow = 'layer'): SignatureCheck[] | null => {
    if (sigs.length === 0 || flags.forwarded) return flags.covered;
    for (const s of sigs) out.signedHow.set(s, flags.container && how === 'layer' ? 'in-container' : how);
    return [...(flags.covered ?? []), ...sigs];
  };

  async function visit(part: MimePart, flags: Flags, isLayerRoot: boolean): Promise<void> {
    if (isLayerRoot && out.protectedHeaders === null && (flags.encrypted || flags.covered) && isProtectedHeaderEntity(part)) {
      out.protectedHeaders = part;
      out.protectedHeadersSigned = flags.covered !== null;
    }
    const ct = part.contentType;

    // RFC 3156 §4: multipart/encrypted, the octet-stream second part holds the ciphertext.
    const mangled = exchangeMangled(part);
    if ((ct === 'multipart/encrypted' && (part.params.protocol ?? '').toLowerCase() === 'application/pgp-encrypted') || mangled) {
      if (mangled) out.notes.push('Exchange-mangled PGP/MIME repaired');
      const data = mangled ?? part.children.find((c) => c.contentType === 'application/octet-stream') ?? part.children[1];
      if (!data) {
        out.failures.push({ reason: 'malformed', detail: 'multipart/encrypted without an encrypted part', decryption: true });
        return;
      }
      const bytes = decodeTransfer(data);
      const text = toLatin1(bytes);
      const r = await decryptInto(text.includes('-----BEGIN PGP MESSAGE-----') ? text : bytes, flags, 'pgp-mime', 'PGP/MIME');
      if (!r) return;
      let inner: MimePart;
      try {
        inner = parseMime(r.plaintext, ctx.mime);
      } catch (e) {
        out.failures.push({ reason: 'malformed', detail: `decrypted MIME: ${e instanceof Error ? e.message : String(e)}`, decryption: false });
        return;
      }
      await visit(inner, { encrypted: true, covered: coverWith(flags, r.sigs), forwarded: flags.forwarded, layers: flags.layers + 1, container: flags.container }, true);
      return;
    }

    // RFC 3156 §5: multipart/signed; the signature covers the first part's exact bytes, CRLF.
    if (ct === 'multipart/signed') {
      const [content, sigPart] = part.children;
      if (!content || !sigPart || !/pgp-signature/.test(sigPart.contentType)) {
        out.failures.push({ reason: 'malformed', detail: 'multipart/signed without a PGP signature part', decryption: false });
        if (content) await visit(content, flags, false);
        return;
      }
      const sigs = await verifyDetached(toCrlf(content.raw), decodeTransfer(sigPart), ctx.ring, ctx.now);
      await visit(content, { ...flags, covered: coverWith(flags, sigs), layers: flags.layers + 1 }, true);
      return;
    }

    if (ct === 'message/rfc822' || ct === 'message/global') {
      // A forwarded message is content of the outer one, never a layer of it.
      const inner = part.children[0];
      if (inner) await visit(inner, { ...flags, forwarded: true, container: true }, false);
      return;
    }

    if (ct.startsWith('multipart/')) {
      await visitMultipart(part, flags);
      return;
    }

    await visitLeaf(part, flags, isLayerRoot);
  }

  async function visitMultipart(part: MimePart, flags: Flags): Promise<void> {
    // Enigmail-style inline PGP: "X.sig" / application/pgp-signature beside "X" signs X.
    const detached = new Map<MimePart, SignatureCheck[]>();
    const sigParts = new Set<MimePart>();
    for (const c of part.children) {
      const n = fileName(c);
      if (c.contentType === 'application/pgp-signature' || (n && /\.sig$/i.test(n))) {
        const target = n ? part.children.find((o) => o !== c && fileName(o) === n.replace(/\.(sig|asc)$/i, '')) : undefined;
        if (target) {
          detached.set(target, await verifyDetached(decodeTransfer(target), decodeTransfer(c), ctx.ring, ctx.now));
          sigParts.add(c);
        }
      }
    }
    const isAlt = part.contentType === 'multipart/alternative';
    for (const [i, c] of part.children.entries()) {
      if (sigParts.has(c)) continue;
      const cov = detached.get(c);
      const inside = { ...flags, container: true };
      const childFlags = cov ? { ...inside, covered: coverWith(flags, cov, 'detached-attachment') } : inside;
      // RFC 9788 §4.5 / autocrypt draft: a legacy display part repeats the protected
      // headers for old clients; it is plumbing, not the sender's text.
      const legacyDisplay =
        i === 0 && (c.contentType === 'text/rfc822-headers' || (c.contentType === 'text/plain' && c.params['protected-headers'] === 'v1'));
      if (legacyDisplay) continue;
      // multipart/alternative: the text/plain rendering is the content; other renderings
      // are kept only if no text/plain exists.
      if (isAlt && c.contentType !== 'text/plain' && part.children.some((o) => o.contentType === 'text/plain')) {
        const before = out.items.length;
        await visit(c, childFlags, false);
        for (const it of out.items.slice(before)) if (it.kind === 'text') it.plumbing = true;
        continue;
      }
      await visit(c, childFlags, false);
    }
  }

  async function visitLeaf(part: MimePart, flags: Flags, _isLayerRoot: boolean): Promise<void> {
    const ct = part.contentType;
    const name = fileName(part);
    const bytes = decodeTransfer(part);
    const base = { name, contentType: ct, encrypted: flags.encrypted, covered: flags.covered, forwarded: flags.forwarded };

    if (ct === 'application/pgp-keys') {
      out.attachedKeys.push(toLatin1(bytes));
      out.items.push({ kind: 'attachment', bytes, ...base, plumbing: true });
      return;
    }
    if (ct === 'application/pgp-encrypted' && /^\s*version\s*:\s*1\s*$/i.test(toLatin1(bytes))) return;
    if (ct === 'application/pgp-signature') {
      out.notes.push(`signature part ${part.path || 'root'} with nothing to sign: ignored`);
      return;
    }

    const isText = ct.startsWith('text/') && part.disposition !== 'attachment';
    const latin = toLatin1(bytes);

    // Binary or armored ciphertext attachment (Enigmail inline-PGP attachments: X.pgp, X.asc).
    const looksArmoredFile = !isText && latin.trimStart().startsWith('-----BEGIN PGP MESSAGE-----');
    const binaryCipher = looksLikeBinaryMessage(bytes) && (!!name && /\.(pgp|gpg|asc)$/i.test(name) || ct === 'application/octet-stream' || ct === 'application/pgp-encrypted');
    if (!isText && (looksArmoredFile || binaryCipher) || (ct.startsWith('text/') && !!name && /\.(pgp|gpg|asc)$/i.test(name) && (looksLikeBinaryMessage(bytes) || looksArmoredFile || latin.trimStart().startsWith('-----BEGIN PGP MESSAGE-----')))) {
      const payload = looksLikeBinaryMessage(bytes) ? bytes : latin;
      const r = await decryptInto(payload, flags, 'inline', `attachment ${name ?? part.path}`);
      if (!r) return;
      const plainName = name ? name.replace(/\.(pgp|gpg|asc)$/i, '') : null;
      out.items.push({
        kind: 'attachment',
        bytes: r.plaintext,
        name: plainName,
        contentType: 'application/octet-stream',
        encrypted: true,
        covered: coverWith(flags, r.sigs),
        forwarded: flags.forwarded,
        plumbing: false,
      });
      return;
    }

    if (isText && ARMOR_ANY_BEGIN.test(latin)) {
      await visitInlineText(part, bytes, latin, flags);
      return;
    }

    if (isText && (ct === 'text/plain' || ct === 'text/html' || !name)) {
      const decoded = decodeTextChecked(bytes, part.params.charset);
      const text = ct === 'text/html' ? htmlToText(decoded.text) : decoded.text;
      out.items.push({ kind: 'text', text, bytes, ...base, plumbing: false, ...(decoded.invalidBytes ? { invalidBytes: true } : {}) });
      return;
    }
    out.items.push({ kind: 'attachment', bytes, ...base, plumbing: false });
  }

  async function visitInlineText(part: MimePart, bytes: Uint8Array, latin: string, flags: Flags): Promise<void> {
    // Armor is ASCII; searching the latin1 view keeps byte offsets equal to string offsets.
    const enc = findArmor(latin, ARMOR_MESSAGE);
    const signed = findArmor(latin, ARMOR_SIGNED);
    const block = enc && (!signed || enc.index < signed.index) ? enc : signed;
    if (!block) {
      out.failures.push({ reason: 'malformed', detail: `truncated armor in ${part.path || 'the body'}`, decryption: /BEGIN PGP MESSAGE/.test(latin) });
      return;
    }
    const outside = latin.slice(0, block.index) + latin.slice(block.index + block.text.length);
    const outsideText = decodeText(Buffer.from(outside, 'latin1'), part.params.charset);
    if (outsideText.trim() !== '') {
      // Text around the armor is not protected by it; it becomes its own clear item.
      out.items.push({ kind: 'text', text: outsideText, bytes: Buffer.from(outside, 'latin1'), name: null, contentType: part.contentType, encrypted: flags.encrypted, covered: flags.covered, forwarded: flags.forwarded, plumbing: false });
    }
    if (block === enc) {
      const r = await decryptInto(block.text, flags, 'inline', 'inline PGP block');
      if (!r) return;
      const charset = /^Charset:\s*(\S+)/im.exec(block.text.split(/\r?\n\r?\n/)[0] ?? '')?.[1] ?? part.params.charset;
      const decoded = decodeTextChecked(r.plaintext, charset);
      out.items.push({ kind: 'text', text: decoded.text, bytes: r.plaintext, name: null, contentType: 'text/plain', encrypted: true, covered: coverWith(flags, r.sigs), forwarded: flags.forwarded, plumbing: false, ...(decoded.invalidBytes ? { invalidBytes: true } : {}) });
      return;
    }
    // Clearsigned (RFC 4880 §7): only the signed text is used. The armor is ASCII but the
    // signed text may be 8-bit: verify over the bytes as the declared charset gives them.
    const blockBytes = Buffer.from(block.text, 'latin1');
    const asText = decodeText(blockBytes, part.params.charset);
    const v = await verifyCleartext(asText, ctx.ring, ctx.now);
    if (!v.ok) {
      out.failures.push({ reason: 'malformed', detail: v.detail, decryption: false });
      return;
    }
    out.items.push({ kind: 'text', text: v.text, bytes: Buffer.from(v.text, 'utf8'), name: null, contentType: 'text/plain', encrypted: flags.encrypted, covered: coverWith(flags, v.signatures), forwarded: flags.forwarded, plumbing: false });
  }

  try {
    await visit(root, { encrypted: false, covered: null, forwarded: false, layers: 0, container: false }, true);
  } catch (e) {
    if (e instanceof MimeError) out.failures.push({ reason: 'malformed', detail: e.message, decryption: false });
    else throw e;
  }
  // §5 "failed": an encrypted layer was there and the desk could not open it.
  if (out.encryption === 'none' && out.failures.some((f) => f.decryption)) {
    out.encryption = 'failed';
  }
  return out;
}

/**
 * Text of an HTML part, for reading only. Linear scans: the regular expressions this
 * replaces (`<(script|style)[\s\S]*?<\/\1>`, `<[^>]*>`) restart at every `<` that is
 * never closed, which is quadratic in a hostile body of unclosed tags.
 */
function htmlToText(html: string): string {
  // Drop <script>/<style> elements whole: for each opener, up to its closing tag; an
  // opener without one stays (and, once a search failed, no later opener has one).
  const opener = /<(script|style)/gi;
  const noClose = new Set<string>();
  let kept = '';
  let at = 0;
  for (let m = opener.exec(html); m; m = opener.exec(html)) {
    const tag = m[1]!.toLowerCase();
    if (m.index < at || noClose.has(tag)) continue;
    const close = new RegExp(`</${tag}>`, 'gi');
    close.lastIndex = m.index + m[0].length;
    const c = close.exec(html);
    if (!c) {
      noClose.add(tag);
      continue;
    }
    kept += html.slice(at, m.index);
    at = c.index + c[0].length;
    opener.lastIndex = at;
  }
  kept += html.slice(at);
  // Remove tags: each `<` up to the next `>`; from a `<` with no `>` after it, keep the rest.
  let text = '';
  let i = 0;
  for (;;) {
    const lt = kept.indexOf('<', i);
    const gt = lt < 0 ? -1 : kept.indexOf('>', lt);
    if (gt < 0) {
      text += kept.slice(i);
      break;
    }
    const tag = kept.slice(lt, gt + 1);
    text += kept.slice(i, lt) + (/^<br\s*\/?>$|^<\/p>$|^<\/div>$/i.test(tag) ? '\n' : '');
    i = gt + 1;
  }
  return text
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}
