// The inbound pipeline, readable in one function (`inspectMessage`): numbered filters
// before decryption, decryption and verification, numbered filters after it, then
// classification and form parsing. A filter returns a Rejection or nothing; the first
// rejection decides the verdict, and the message itself is never altered.
import { createHash } from 'node:crypto';
import type { CryptoLimits, Keyring, SignatureCheck } from '../crypto/openpgp.ts';
import type { AttachmentInfo, InspectResult, MessageKind, Rejection, SignatureStatus, SignatureVerdict } from '../domain/inspect.ts';
import { REJECTIONS } from '../domain/refusals.ts';
import { findCaseId, formScore, parseReportForm, parseVendorReplyForm } from '../forms/index.ts';
import { parseAddresses } from '../mime/headers.ts';
import { DEFAULT_MIME_LIMITS, MimeError, header, headerDecoded, parseHeaderFields, parseMime, walk, type MimeLimits, type MimePart } from '../mime/parse.ts';
import { decideAuthority, type Authority } from './authority.ts';
import { automatedReason } from './automated.ts';
import { unwrap, type ContentItem, type Unwrapped } from './unwrap.ts';

export interface InboundLimits {
  /** Raw message cap (bytes); larger mail is `too-large` without being parsed. */
  maxMessageBytes: number;
  crypto: CryptoLimits;
  mime: MimeLimits;
}

export const MiB = 1024 * 1024;

export const DEFAULT_LIMITS: InboundLimits = {
  maxMessageBytes: 25 * MiB,
  crypto: { maxDecompressedBytes: 25 * MiB },
  mime: DEFAULT_MIME_LIMITS,
};

export interface InspectOptions {
  ring: Keyring;
  now?: Date;
  limits?: InboundLimits;
  casePrefix?: string;
  /** The full size when `raw` is only the head of an oversized message. */
  rawSize?: number;
}

/** The verdict plus what later stages need and the JSON does not show. */
export interface Inbound {
  verdict: InspectResult;
  /** The sender's own text (protected content only when the message was encrypted). */
  text: string;
  attachments: { info: AttachmentInfo; bytes: Uint8Array }[];
  attachedKeys: string[];
  /** Key data of an Autocrypt header whose addr is the From address (Autocrypt 1.1 §2.1). */
  autocryptKey: Uint8Array | null;
  /** Auto-Submitted, bounces, list mail: never answered (RFC 3834 §2, §5). */
  automated: boolean;
  /** The signature checks behind `verdict.signature` (for key pinning downstream). */
  signatures: SignatureCheck[];
  /** Creation time of the signature `verdict.signature` names (replay protection of commands). */
  signedAt: Date | null;
  /** Whether one signature speaks for the whole message (issue 9 §1; src/inbound/authority.ts). */
  authority: Authority;
  /** The protected Subject when a signature covers it (issue 9 §3); else null. */
  signedSubject: string | null;
  /** Message ids of In-Reply-To and References (unsigned: they never choose a case). */
  references: string[];
  /** Some bytes of the sender's text were invalid in its charset and became U+FFFD (issue 9 §6). */
  invalidBytes: boolean;
}

interface Envelope {
  messageId: string | null;
  from: string | null;
  subject: string | null;
}

function envelopeOf(headers: MimePart['headers']): Envelope {
  const part = { headers };
  const id = header(part, 'message-id')?.trim() ?? null;
  const fromRaw = header(part, 'from');
  const from = fromRaw ? (parseAddresses(fromRaw)[0]?.address ?? null) : null;
  return { messageId: id && id.length > 0 ? id : null, from, subject: headerDecoded(part, 'subject') ?? null };
}

/** Header fields of a message too large (or too broken) to parse as a whole. */
function quickHeaders(raw: Uint8Array): MimePart['headers'] {
  const head = raw.subarray(0, Math.min(raw.length, 64 * 1024));
  const s = Buffer.from(head).toString('latin1');
  const m = /\r?\n\r?\n/.exec(s);
  return parseHeaderFields(head.subarray(0, m ? m.index : head.length));
}

function quickEnvelope(raw: Uint8Array): Envelope {
  return envelopeOf(quickHeaders(raw));
}

const reject = (reason: Rejection['reason'], detail?: string): Rejection => ({ reason, detail: detail ?? REJECTIONS[reason].sentence });

// ---- filters before decryption ---------------------------------------------------------

/** 1. Raw size cap: checked before any parsing. */
function f1TooLarge(size: number, limits: InboundLimits): Rejection | null {
  return size > limits.maxMessageBytes
    ? reject('too-large', `The message is ${size} bytes; the desk accepts at most ${limits.maxMessageBytes}.`)
    : null;
}

/**
 * 2. Structure: a multipart whose close delimiter is missing is accepted when an
 * enclosing multipart closed (real clients omit inner close delimiters: the outer
 * boundary still bounds the part), but not when nothing bounds it: that message was
 * truncated, and reading it as whole would read a different message. A message that
 * ends right after a delimiter (Exchange does this) lost nothing and is accepted.
 */
function f2Structure(root: MimePart): Rejection | null {
  const check = (p: MimePart, bounded: boolean): Rejection | null => {
    if (p.contentType.startsWith('multipart/')) {
      const last = p.children[p.children.length - 1];
      const truncated = last !== undefined && last.raw.some((b) => b > 0x20);
      if (!p.closed && !bounded && truncated) {
        return reject('malformed', `MIME part ${p.path || 'root'} (${p.contentType}) has no closing boundary; the message is truncated or malformed.`);
      }
      if (p.children.length === 0) return reject('malformed', `MIME part ${p.path || 'root'} (${p.contentType}) has no parts.`);
    }
    const childBounded = bounded || (p.contentType.startsWith('multipart/') && p.closed);
    for (const c of p.children) {
      const r = check(c, childBounded);
      if (r) return r;
    }
    return null;
  };
  return check(root, false);
}

// ---- filters after decryption ----------------------------------------------------------

const meaningful = (it: ContentItem): boolean => !it.plumbing && (it.kind === 'attachment' ? it.bytes.length > 0 : (it.text ?? '').trim() !== '');

/** 3. EFAIL: clear and encrypted content in one message are never merged. */
function f3Mixed(u: Unwrapped): Rejection | null {
  const content = u.items.filter(meaningful);
  const enc = content.some((i) => i.encrypted) || u.failures.some((f) => f.decryption);
  const clear = content.some((i) => !i.encrypted);
  return enc && clear
    ? reject('mixed-encryption', 'The message has clear parts beside encrypted ones. The desk reads no part of such a message; please send the whole message encrypted.')
    : null;
}

/** 4. Layers the desk could not open. */
function f4Crypto(u: Unwrapped): Rejection | null {
  const order = ['decompression-limit', 'not-for-us', 'malformed', 'failed'] as const;
  for (const reason of order) {
    const f = u.failures.find((x) => x.reason === reason);
    if (!f) continue;
    return reject(reason === 'failed' ? 'malformed' : reason, `${REJECTIONS[reason === 'failed' ? 'malformed' : reason].sentence} (${f.detail})`);
  }
  return null;
}

/** 5. Nothing left to read. */
function f5NoContent(u: Unwrapped): Rejection | null {
  return u.items.some(meaningful) ? null : reject('no-content');
}

// ---- signature verdict -----------------------------------------------------------------

const SEVERITY: SignatureStatus[] = ['invalid', 'revoked-key', 'expired-key', 'unsupported', 'unknown-key', 'valid'];

/**
 * A signature counts only if it covers all of the content (signature wrapping: a signed
 * part inside an unsigned multipart/mixed leaves the message unsigned). Among the
 * covering signatures the worst one decides, each judged on its own.
 */
export function signatureVerdict(u: Unwrapped, fromAddrs: string[]): { verdict: SignatureVerdict; checks: SignatureCheck[]; signedAt: Date | null } {
  const content = u.items.filter((i) => !i.plumbing);
  const none = { verdict: { status: 'none' as const, fingerprint: null, matchesFrom: false }, checks: [], signedAt: null };
  if (content.length === 0 || content.some((i) => i.covered === null)) {
    if (content.some((i) => i.covered !== null)) u.notes.push('only part of the message is signed: treated as unsigned');
    return none;
  }
  const checks = content.flatMap((i) => i.covered ?? []);
  if (checks.length === 0) return none;
  const worst = [...checks].sort((a, b) => SEVERITY.indexOf(a.status) - SEVERITY.indexOf(b.status))[0]!;
  const wanted = fromAddrs.filter((a) => a.length > 0);
  const matchesFrom = wanted.length > 0 && checks.every((c) => wanted.every((a) => c.emails.includes(a)));
  return { verdict: { status: worst.status, fingerprint: worst.fingerprint, matchesFrom }, checks, signedAt: worst.created ?? null };
}

function classify(text: string, subject: string | null, prefix: string, signedSubject: string | null): MessageKind {
  const score = formScore(text);
  const caseId = findCaseId(subject ?? '', prefix) ?? findCaseId(text, prefix);
  // issue 12 (mail-protocol §7): a vendor may name the case only by its own reference, on a
  // `Vendor reference:` line or bracketed in the signed Subject the desk wrote; whether it
  // names a case is the desk's (src/usecases/vendor-reply.ts), from signed content only.
  // (Read only when the form's labels already say vendor reply: one more pass, never for reports.)
  const formLike = score.vendorReply >= 1 && score.vendorReply >= score.report;
  const reference = (): boolean => caseId !== null || (signedSubject !== null && /\[[^[\]\r\n]{1,64}\]/u.test(signedSubject)) || parseVendorReplyForm(text, { casePrefix: prefix }).vendorReference !== undefined;
  if (formLike && reference()) return 'vendor-reply';
  if (score.report >= 3) return 'report';
  return 'unknown';
}

/** RFC 3834: never answer automatic mail, list traffic or delivery reports (automated.ts). */
function isAutomated(root: MimePart): boolean {
  return automatedReason(root.headers, root.contentType) !== null;
}

/** Autocrypt 1.1 §2.1: `addr=...; [prefer-encrypt=...;] keydata=BASE64`. */
function autocryptKeyOf(root: MimePart, from: string | null): Uint8Array | null {
  const h = header(root, 'autocrypt');
  if (!h || !from) return null;
  const attrs = new Map<string, string>();
  for (const part of h.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) attrs.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  if (attrs.get('addr')?.toLowerCase() !== from) return null;
  const data = attrs.get('keydata');
  return data ? Buffer.from(data.replace(/\s+/g, ''), 'base64') : null;
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

export async function inspectMessage(raw: Uint8Array, opts: InspectOptions): Promise<Inbound> {
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const now = opts.now ?? new Date();
  const prefix = opts.casePrefix ?? 'VR';
  const finish = (env: Envelope, rejected: Rejection | null, extra: Partial<InspectResult> = {}, rest: Partial<Inbound> = {}): Inbound => ({
    verdict: {
      messageId: env.messageId,
      from: env.from,
      subject: env.subject,
      encryption: 'none',
      signature: { status: 'none', fingerprint: null, matchesFrom: false },
      kind: 'unknown',
      attachments: [],
      rejected,
      notes: [],
      ...extra,
    },
    text: '',
    attachments: [],
    attachedKeys: [],
    autocryptKey: null,
    automated: false,
    signatures: [],
    signedAt: null,
    authority: { ok: false, code: rejected ? 'unreadable' : 'unsigned', fingerprint: null, status: 'none', signatureId: null, signedAt: null },
    signedSubject: null,
    references: [],
    invalidBytes: false,
    ...rest,
  });

  // Pre-decryption filters.
  const tooLarge = f1TooLarge(Math.max(raw.length, opts.rawSize ?? 0), limits);
  if (tooLarge) {
    // Not parsed, but its header block still says whether a machine sent it (RFC 3834).
    const fields = quickHeaders(raw);
    const ct = (fields.find((f) => f.name === 'content-type')?.raw ?? '').split(';')[0]!.trim().toLowerCase();
    return finish(envelopeOf(fields), tooLarge, {}, { automated: automatedReason(fields, ct) !== null });
  }
  let root: MimePart;
  try {
    root = parseMime(raw, limits.mime);
  } catch (e) {
    const detail = e instanceof MimeError ? e.message : 'unparsable MIME';
    const env = quickEnvelope(raw);
    // Headers we could not parse cannot show it is not automated: stay silent (RFC 3834).
    return finish(env, reject('malformed', `The message structure is not acceptable: ${detail}.`), {}, { automated: true });
  }
  const outer = envelopeOf(root.headers);
  const meta = { automated: isAutomated(root), autocryptKey: autocryptKeyOf(root, outer.from) };
  const structural = f2Structure(root);
  if (structural) {
    // An encrypted layer was there and was not opened: say so (§5 "failed").
    const encrypted = [...walk(root)].some((p) => p.contentType === 'multipart/encrypted');
    return finish(outer, structural, encrypted ? { encryption: 'failed' } : {}, meta);
  }

  // Decrypt and verify, without merging anything.
  const u = await unwrap(root, { ring: opts.ring, crypto: limits.crypto, mime: limits.mime, now });

  // Protected headers (RFC 9788; autocrypt v1): the inner Subject wins.
  const env: Envelope = { ...outer };
  let innerFrom: string | null = null;
  if (u.protectedHeaders) {
    const s = headerDecoded(u.protectedHeaders, 'subject');
    if (s !== undefined) env.subject = s;
    const f = header(u.protectedHeaders, 'from');
    innerFrom = f ? (parseAddresses(f)[0]?.address ?? null) : null;
  }
  const sig = signatureVerdict(u, [env.from ?? '', ...(innerFrom ? [innerFrom] : [])]);
  const attachments = u.items
    .filter((i) => i.kind === 'attachment')
    .map((i) => ({ info: { name: i.name, contentType: i.contentType, size: i.bytes.length, sha256: sha256(i.bytes) }, bytes: i.bytes }));
  const common: Partial<InspectResult> = {
    encryption: u.encryption,
    signature: sig.verdict,
    attachments: attachments.map((a) => a.info),
    notes: u.notes,
  };
  // Post-decryption filters.
  const rejected = f3Mixed(u) ?? f4Crypto(u) ?? f5NoContent(u);
  const authority = decideAuthority({ rejected: rejected !== null, items: u.items, signedHow: u.signedHow, attachedKeys: u.attachedKeys.length });
  const signedSubject = u.protectedHeaders && u.protectedHeadersSigned ? (headerDecoded(u.protectedHeaders, 'subject') ?? null) : null;
  const references = [header(root, 'in-reply-to') ?? '', header(root, 'references') ?? ''].flatMap((h) => h.match(/<[^<>\s]{1,900}>/g) ?? []).slice(0, 100);
  const rest: Partial<Inbound> = { attachedKeys: u.attachedKeys, signatures: sig.checks, signedAt: sig.signedAt, authority, signedSubject, references, ...meta };

  if (rejected) return finish(env, rejected, common, rest);

  // Classify and read the form from the sender's own text only.
  const text = u.items
    .filter((i) => i.kind === 'text' && !i.plumbing && !i.forwarded)
    .map((i) => (i.text ?? '').replace(/\r\n/g, '\n'))
    .join('\n\n');
  const kind = classify(text, env.subject, prefix, signedSubject);
  // One stray byte is decoded as U+FFFD and the rest read (issue 9 §6): said in `notes` and
  // in `invalidBytes`, which the desk keeps as a flag on the message's verdict.
  const invalidBytes = u.items.some((i) => i.kind === 'text' && !i.plumbing && !i.forwarded && i.invalidBytes === true);
  if (invalidBytes) u.notes.push('invalid-bytes: bytes not valid in the declared charset were replaced by U+FFFD');
  const result: Partial<InspectResult> = { ...common, kind };
  if (kind === 'report') result.report = parseReportForm(text);
  if (kind === 'vendor-reply') {
    const reply = parseVendorReplyForm(text, { casePrefix: prefix });
    // Signed content first (issue 9 §3): a protected Subject under the signature, the form's
    // Case ID, an id in the text; the outer Subject only when nothing signed names a case
    // (the desk's gate never takes a case from it: src/inbound/signed-case.ts).
    const caseId = (signedSubject ? findCaseId(signedSubject, prefix) : null) ?? reply.caseId ?? findCaseId(text, prefix) ?? findCaseId(env.subject ?? '', prefix);
    result.vendorReply = { ...reply, ...(caseId ? { caseId } : {}) };
  }
  return finish(env, null, result, { ...rest, text, attachments, invalidBytes });
}
