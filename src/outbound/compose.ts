// Composing outgoing notices as PGP/MIME (RFC 3156) messages, byte-exact CRLF.
//
// composeEncrypted: signed, then encrypted (RFC 3156 §6.1, the encapsulated form):
//
//   multipart/encrypted; protocol="application/pgp-encrypted"     ← outer headers: tag only
//   ├─ application/pgp-encrypted            "Version: 1"
//   └─ application/octet-stream             armored OpenPGP message of:
//        multipart/signed; micalg=…; protocol="application/pgp-signature"
//        ├─ multipart/mixed; protected-headers="v1"   ← Subject/From/To/Date/Message-ID
//        │  ├─ text/plain; charset=utf-8 (quoted-printable)
//        │  └─ attachments…
//        └─ application/pgp-signature (7bit)    detached signature over the exact bytes
//
// The real subject exists only inside the encryption (protected headers); the outer
// Subject is the case tag `[VR-2026-0042]`, or `[madoguchi]` before a case exists. The
// protected Subject carries the tag too, so a reply from a client that shows and quotes
// the protected subject still names the case (mail-protocol §3).
//
// composeSignedClear: multipart/signed over multipart/mixed, for content-free notices to
// people the desk cannot encrypt to; the real subject may be outside there.
import { buildMime, toCrlf, type HeaderList, type MimeSpec } from '../adapters/nodemailer.ts';
import { encryptTo, signDetached, type Recipient, type SigningKey } from '../crypto/openpgp.ts';

export interface OutboundAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

export interface OutboundMessage {
  from: string;
  to: string[];
  /** `VR-2026-0042`, or null before a case exists. */
  caseTag: string | null;
  /** The real subject (e.g. renderNotice's): protected headers only, when encrypted. */
  subject: string;
  text: string;
  /** Chosen by the caller (deterministic, so a retry sends the same message); `<…>` optional. */
  messageId: string;
  /** Threading (the message answered): ids that are not `local@domain` are left out. */
  inReplyTo?: string;
  references?: string | string[];
  date: Date;
  attachments?: OutboundAttachment[];
  /**
   * RFC 3834 §5: `auto-replied` for an answer to a message, `auto-generated` (the default)
   * for every other notice. Every message the desk sends says it is automatic, so a
   * well-behaved responder on the other side never answers it (no mail loops).
   */
  autoSubmitted?: 'auto-replied' | 'auto-generated';
  /**
   * The draft a notice is about (an incomplete report, `DRAFT-…`) while no case exists: the
   * Subject then reads `[madoguchi DRAFT-…]`, so a reply names the draft it continues.
   */
  draftTag?: string;
  /**
   * The other references the recipient knows the case by (a partner's `VU#123456`, a
   * vendor's own tracking id), written after the case tag in the protected Subject only
   * (mail-protocol §7): the outer Subject, readable on the way, carries the desk's tag alone.
   */
  refs?: readonly string[];
}

export interface SignedClearMessage extends Omit<OutboundMessage, 'attachments'> {
  /** Attach the desk's public key as `desk-key.asc` (application/pgp-keys). */
  attachDeskKey: boolean;
}

/** Outer Subject of an encrypted notice: the case (or draft) tag, never the real subject. */
export function outerSubject(caseTag: string | null, draftTag?: string): string {
  if (caseTag !== null) return `[${caseTag}]`;
  return draftTag === undefined ? '[madoguchi]' : `[madoguchi ${draftTag}]`;
}

/**
 * The real subject with the case (or draft) tag in front (unless it already carries it),
 * then each of `refs` the subject does not carry yet, bracketed (mail-protocol §7).
 */
export function taggedSubject(caseTag: string | null, subject: string, draftTag?: string, refs: readonly string[] = []): string {
  if (caseTag === null && draftTag === undefined) return subject;
  const tag = outerSubject(caseTag, draftTag);
  const base = subject.includes(tag) ? subject : `${tag} ${subject}`;
  const missing = refs.filter((r) => !base.includes(`[${r}]`));
  if (missing.length === 0) return base;
  const after = base.indexOf(tag) + tag.length;
  return `${base.slice(0, after)}${missing.map((r) => ` [${r}]`).join('')}${base.slice(after)}`;
}

// A reference is one short line without brackets (the bracket closes the tag).
// eslint-disable-next-line no-control-regex -- control characters are what it refuses
const REF = /^[^[\]\u0000-\u001f\u007f]{1,80}$/u;

const CASE_TAG = /^[A-Z][A-Z0-9]{0,15}-\d{4}-\d{4,6}$/;
/** A draft's tag (src/desk/drafts.ts): `DRAFT-` and upper-case letters and digits. */
export const DRAFT_TAG = /^DRAFT-[A-Z0-9]{8,16}$/;
const MSG_ID = /^<?([^<>\s@]+@[^<>\s@]+)>?$/;
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const CONTROL = /[\u0000-\u001f\u007f]/;

/** `<local@domain>`; throws on anything else (a header value must not carry CR/LF). */
export function normalizeMessageId(id: string): string {
  const m = MSG_ID.exec(id.trim());
  if (!m || CONTROL.test(id)) throw new Error(`not a Message-ID: ${JSON.stringify(id)}`);
  return `<${m[1]!}>`;
}

function tryMessageId(id: string): string | null {
  try {
    return normalizeMessageId(id);
  } catch {
    return null;
  }
}

function checkCommon(msg: OutboundMessage | SignedClearMessage): void {
  if (msg.to.length === 0) throw new Error('compose: no recipient address');
  for (const [what, v] of [['from', msg.from], ['subject', msg.subject], ...msg.to.map((t) => ['to', t] as const)] as const) {
    if (CONTROL.test(v) || v.trim() === '') throw new Error(`compose: ${what} must be one non-empty line`);
  }
  if (msg.caseTag !== null && !CASE_TAG.test(msg.caseTag)) throw new Error(`compose: not a case id: ${JSON.stringify(msg.caseTag)}`);
  if (msg.draftTag !== undefined && !DRAFT_TAG.test(msg.draftTag)) throw new Error(`compose: not a draft tag: ${JSON.stringify(msg.draftTag)}`);
  if (!Number.isFinite(msg.date.getTime())) throw new Error('compose: invalid date');
  for (const r of ('refs' in msg ? msg.refs : undefined) ?? []) if (!REF.test(r)) throw new Error(`compose: not a reference: ${JSON.stringify(r)}`);
}

const refsOf = (r: string | string[] | undefined): string[] => (r === undefined ? [] : Array.isArray(r) ? r : r.split(/\s+/).filter((s) => s !== ''));

/** From/To/Subject/Date/Message-ID (+ In-Reply-To/References): outer or protected. */
function addressing(msg: OutboundMessage | SignedClearMessage, subject: string): HeaderList {
  const h: [string, string | string[] | Date][] = [
    ['From', msg.from],
    ['To', msg.to],
    ['Subject', subject],
    ['Date', msg.date],
    ['Message-ID', normalizeMessageId(msg.messageId)],
    ['Auto-Submitted', msg.autoSubmitted ?? 'auto-generated'],
  ];
  // Threading ids come from other people's mail: an unusable one is left out rather than
  // failing the notice (or being written into a header).
  const inReplyTo = msg.inReplyTo === undefined ? null : tryMessageId(msg.inReplyTo);
  if (inReplyTo !== null) h.push(['In-Reply-To', inReplyTo]);
  const refs = refsOf(msg.references)
    .map(tryMessageId)
    .filter((r): r is string => r !== null);
  if (refs.length > 0) h.push(['References', refs.join(' ')]);
  return h;
}

/** Every line break CRLF, nothing else: checked, not assumed. */
function assertCrlf(what: string, b: Buffer): void {
  for (let i = 0; i < b.length; i++) {
    if (b[i] === 0x0a && (i === 0 || b[i - 1] !== 0x0d)) throw new Error(`${what}: bare LF at byte ${i}`);
    if (b[i] === 0x0d && b[i + 1] !== 0x0a) throw new Error(`${what}: bare CR at byte ${i}`);
  }
}

/** The inner entity: multipart/mixed with protected headers, text and attachments. */
function innerSpec(msg: OutboundMessage | SignedClearMessage, subject: string, extra: MimeSpec[]): MimeSpec {
  const text = msg.text.endsWith('\n') ? msg.text : `${msg.text}\n`;
  return {
    type: 'multipart',
    contentType: 'multipart/mixed; protected-headers="v1"',
    headers: addressing(msg, subject),
    parts: [{ type: 'text', contentType: 'text/plain', text, encoding: 'auto' }, ...extra],
  };
}

/** The boundary of the Content-Type header in the header block of `entity`. */
function boundaryOf(entity: Buffer): string | undefined {
  const s = entity.toString('latin1');
  const head = s.slice(0, s.indexOf('\r\n\r\n')).replace(/\r\n(?=[ \t])/g, '');
  const ct = head.split('\r\n').find((l) => /^content-type:/i.test(l));
  return ct === undefined ? undefined : /;\s*boundary="?([^";]+)"?/i.exec(ct)?.[1];
}

/**
 * RFC 3156 §5 multipart/signed over `inner` (exact bytes), as an entity or, with
 * `messageHeaders`, as a whole message. The signed part is placed raw and found again at
 * its offset, so what was signed is provably what is sent.
 */
async function signed(inner: Buffer, signer: SigningKey, messageHeaders?: HeaderList): Promise<Buffer> {
  assertCrlf('signed part', inner);
  // RFC 3156 §5: signed data must survive any transport unchanged, so 7-bit only.
  const eight = inner.findIndex((b) => b > 0x7e || b === 0);
  if (eight >= 0) throw new Error(`compose: 8-bit byte in the signed part at ${eight}`);
  const sig = await signDetached(inner, signer);
  const out = await buildMime(
    {
      type: 'multipart',
      contentType: `multipart/signed; micalg=${sig.micalg}; protocol="application/pgp-signature"`,
      ...(messageHeaders ? { headers: messageHeaders } : {}),
      parts: [
        { type: 'raw', bytes: inner },
        {
          type: '7bit',
          contentType: 'application/pgp-signature; name="signature.asc"',
          headers: [
            ['Content-Description', 'OpenPGP digital signature'],
            ['Content-Disposition', 'attachment; filename="signature.asc"'],
          ],
          content: sig.armored,
        },
      ],
    },
    { message: messageHeaders !== undefined },
  );
  const boundary = boundaryOf(out);
  const open = boundary === undefined ? -1 : out.indexOf(`\r\n--${boundary}\r\n`, 0, 'latin1');
  const start = boundary === undefined ? -1 : open + boundary.length + 6;
  if (
    boundary === undefined ||
    open < 0 ||
    !out.subarray(start, start + inner.length).equals(inner) ||
    out.toString('latin1', start + inner.length, start + inner.length + boundary.length + 4) !== `\r\n--${boundary}`
  ) {
    throw new Error('compose: the signed part was not placed byte for byte');
  }
  return out;
}

const attachmentSpecs = (list: OutboundAttachment[] | undefined): MimeSpec[] =>
  (list ?? []).map((a) => ({ type: 'binary', contentType: a.contentType, content: a.content, filename: a.filename }));

/** Signed, then encrypted to every recipient (RFC 3156 §6.1). Returns the raw message. */
export async function composeEncrypted(msg: OutboundMessage, signer: SigningKey, recipients: Recipient[]): Promise<Buffer> {
  checkCommon(msg);
  if (recipients.length === 0) throw new Error('compose: no recipient key (never send details unencrypted)');
  const subject = taggedSubject(msg.caseTag, msg.subject, msg.draftTag, msg.refs);
  const inner = await buildMime(innerSpec(msg, subject, attachmentSpecs(msg.attachments)), { message: false });
  const entity = await signed(inner, signer);
  const armored = await encryptTo(entity, recipients, null);
  const raw = await buildMime(
    {
      type: 'multipart',
      contentType: 'multipart/encrypted; protocol="application/pgp-encrypted"',
      headers: addressing(msg, outerSubject(msg.caseTag, msg.draftTag)),
      parts: [
        {
          type: '7bit',
          contentType: 'application/pgp-encrypted',
          headers: [['Content-Description', 'PGP/MIME version identification']],
          content: 'Version: 1\r\n',
        },
        {
          type: '7bit',
          contentType: 'application/octet-stream; name="encrypted.asc"',
          headers: [
            ['Content-Description', 'OpenPGP encrypted message'],
            ['Content-Disposition', 'inline; filename="encrypted.asc"'],
          ],
          content: toCrlf(armored),
        },
      ],
    },
    { message: true },
  );
  assertCrlf('message', raw);
  return raw;
}

/**
 * Signed only (RFC 3156 §5), for content-free notices to someone without a usable key.
 * The real subject is in the outer headers too: content-free notices only.
 */
export async function composeSignedClear(msg: SignedClearMessage, signer: SigningKey): Promise<Buffer> {
  checkCommon(msg);
  const subject = taggedSubject(msg.caseTag, msg.subject, msg.draftTag);
  const key: MimeSpec[] = msg.attachDeskKey
    ? [
        {
          type: '7bit',
          contentType: 'application/pgp-keys; name="desk-key.asc"',
          headers: [
            ['Content-Description', 'OpenPGP public key'],
            ['Content-Disposition', 'attachment; filename="desk-key.asc"'],
          ],
          content: signer.armoredPublic,
        },
      ]
    : [];
  const inner = await buildMime(innerSpec(msg, subject, key), { message: false });
  const raw = await signed(inner, signer, addressing(msg, subject));
  assertCrlf('message', raw);
  return raw;
}
