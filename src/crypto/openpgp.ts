// The OpenPGP adapter: the only file that imports openpgp. Domain code sees keyrings,
// byte arrays and verdicts, never openpgp objects.
//
// Why each signature is judged on its own: openpgp's `expectSigned` passes when ANY one
// signature verifies (pitfalls.md), and a desk that trusts a message because one of two
// signatures is good can be fooled by signature wrapping. So every signature gets its
// own status and the caller combines them worst-first.
import { createHash } from 'node:crypto';
import * as openpgp from 'openpgp';
import type { SignatureStatus } from '../domain/inspect.ts';

export interface KeySummary {
  fingerprint: string;
  userIds: string[];
  emails: string[];
  hasSecret: boolean;
  usableSecret: boolean;
}

export interface Keyring {
  readonly keys: readonly KeySummary[];
  /** @internal adapter-private state */
  readonly _pub: openpgp.Key[];
  /** @internal */
  readonly _priv: openpgp.PrivateKey[];
}

export interface KeySource {
  name: string;
  /** Armored key text; a source may instead carry binary key packets. */
  text: string;
  binary?: Uint8Array;
}

const upper = (s: string): string => s.toUpperCase();

function summarise(key: openpgp.Key, usableSecret: boolean): KeySummary {
  const userIds = key.getUserIDs();
  const emails = key.users
    .map((u) => u.userID?.email?.toLowerCase() ?? '')
    .filter((e): e is string => e.length > 0);
  return { fingerprint: upper(key.getFingerprint()), userIds, emails, hasSecret: key.isPrivate(), usableSecret };
}

/**
 * Reads armored keys (public or secret). Locked secret keys are unlocked with
 * `passphrase`; one that does not unlock is skipped as a secret key with a warning
 * (mail-protocol.md §5) but its public part still serves to verify.
 */
export async function loadKeyring(sources: KeySource[], passphrase: string | undefined, warn: (msg: string) => void): Promise<Keyring> {
  const pub = new Map<string, openpgp.Key>();
  const priv = new Map<string, openpgp.PrivateKey>();
  for (const src of sources) {
    let keys: openpgp.Key[];
    try {
      keys = src.binary ? await openpgp.readKeys({ binaryKeys: src.binary }) : await openpgp.readKeys({ armoredKeys: src.text });
    } catch (e) {
      warn(`${src.name}: not a readable OpenPGP key (${errText(e)}); skipped`);
      continue;
    }
    for (const key of keys) {
      const fpr = upper(key.getFingerprint());
      const publicPart = key.isPrivate() ? key.toPublic() : key;
      const existing = pub.get(fpr);
      if (existing) {
        try {
          pub.set(fpr, await existing.update(publicPart));
        } catch {
          /* conflicting copies: keep the first */
        }
      } else {
        pub.set(fpr, publicPart);
      }
      if (key.isPrivate() && !priv.has(fpr)) {
        let unlocked: openpgp.PrivateKey | null = key;
        if (!key.isDecrypted()) {
          unlocked = null;
          if (passphrase !== undefined) {
            try {
              unlocked = await openpgp.decryptKey({ privateKey: key, passphrase });
            } catch {
              unlocked = null;
            }
          }
          if (!unlocked) warn(`${src.name}: secret key ${fpr} could not be unlocked (set MADOGUCHI_KEY_PASSPHRASE); used as a public key only`);
        }
        if (unlocked) priv.set(fpr, unlocked);
      }
    }
  }
  const summaries = [...pub.values()].map((k) => summarise(k, priv.has(upper(k.getFingerprint()))));
  return { keys: summaries, _pub: [...pub.values()], _priv: [...priv.values()] };
}

/** Public keys of a keyring, for storing keys the desk learned. `armored` is computed on first read: armoring costs. */
export function exportPublicKeys(ring: Keyring): { fingerprint: string; emails: string[]; readonly armored: string; armor(): string }[] {
  return ring._pub.map((k) => ({
    fingerprint: upper(k.getFingerprint()),
    emails: summarise(k, false).emails,
    get armored(): string {
      return k.armor();
    },
    armor: () => k.armor(),
  }));
}

/** A keyring with more keys (public only), e.g. keys a message carries. */
export async function extendKeyring(ring: Keyring, sources: KeySource[]): Promise<Keyring> {
  const extra = await loadKeyring(sources, undefined, () => undefined);
  const byFpr = new Map(extra._pub.map((k) => [upper(k.getFingerprint()), k]));
  // A new copy of a key already in the ring (a refresh: new expiry, new subkey, a
  // revocation) is merged into it: a correspondent whose key on file expired can sign with
  // the renewed key. openpgp's `update` takes only components the primary key validly
  // binds, so a copy made by someone else adds nothing (issue 9 §4).
  const pub: openpgp.Key[] = [];
  for (const k of ring._pub) {
    const fresh = byFpr.get(upper(k.getFingerprint()));
    if (!fresh) {
      pub.push(k);
      continue;
    }
    byFpr.delete(upper(k.getFingerprint()));
    try {
      pub.push(await k.update(fresh));
    } catch {
      pub.push(k);
    }
  }
  const add = [...byFpr.values()];
  const all = [...pub, ...add];
  const priv = new Set(ring.keys.filter((k) => k.usableSecret).map((k) => k.fingerprint));
  return { keys: all.map((k) => summarise(k, priv.has(upper(k.getFingerprint())))), _pub: all, _priv: ring._priv };
}

/**
 * One key of a ring as mail may teach it (issue 9 §4): its armored public part, merged with
 * `extra` copies of the same primary key (a refresh: new expiry, new subkey; openpgp's
 * `update` keeps only components the primary key validly binds), and the addresses of the
 * user ids that carry a valid, unrevoked self-certification at `now` (RFC 9580 §5.2.1,
 * types 0x10-0x13). A user id without one proves nothing. Null when the ring has no such key.
 */
export async function certifiedKey(
  ring: Keyring,
  fingerprint: string,
  extra: KeySource[],
  now: Date,
): Promise<{ fingerprint: string; armored: string; certifiedEmails: string[] } | null> {
  const fpr = upper(fingerprint);
  let key = ring._pub.find((k) => upper(k.getFingerprint()) === fpr);
  if (!key) return null;
  for (const src of extra) {
    let keys: openpgp.Key[] = [];
    try {
      keys = src.binary ? await openpgp.readKeys({ binaryKeys: src.binary }) : await openpgp.readKeys({ armoredKeys: src.text });
    } catch {
      continue;
    }
    for (const k of keys) {
      if (upper(k.getFingerprint()) !== fpr) continue;
      try {
        key = await key.update(k.isPrivate() ? k.toPublic() : k, now);
      } catch {
        /* a copy openpgp cannot merge adds nothing */
      }
    }
  }
  const certifiedEmails: string[] = [];
  for (const u of key.users) {
    const email = u.userID?.email?.toLowerCase() ?? '';
    if (email === '') continue;
    try {
      await u.verify(now);
      certifiedEmails.push(email);
    } catch {
      /* no valid self-certification: the user id proves nothing */
    }
  }
  return { fingerprint: fpr, armored: key.armor(), certifiedEmails: [...new Set(certifiedEmails)] };
}

/** Primary fingerprints of the keys in one key source (unreadable: none). */
export async function sourceFingerprints(src: KeySource): Promise<string[]> {
  try {
    const keys = src.binary ? await openpgp.readKeys({ binaryKeys: src.binary }) : await openpgp.readKeys({ armoredKeys: src.text });
    return keys.map((k) => upper(k.getFingerprint()));
  } catch {
    return [];
  }
}

export interface SignatureCheck {
  status: SignatureStatus;
  /** Primary fingerprint of the signing key; the issuer fingerprint when the key is unknown. */
  fingerprint: string | null;
  /** Email addresses of the signing key's user ids (for matchesFrom). */
  emails: string[];
  detail: string;
  /** When the signature says it was made (its creation time); null when unreadable. */
  created?: Date | null;
  /**
   * The signature's own identity (issue 9 §2: replay is judged by the signature, not by
   * the text around it): sha256 over its hashed area (version, type, algorithms, creation
   * time, issuer, salt) and the signed data's digest. Unhashed subpackets and the
   * signature value (ECDSA is malleable) are left out, so re-encoding the same signature
   * does not make it new. Null when the packet could not be read.
   */
  id?: string | null;
}

export interface CryptoLimits {
  /** Cap on decompressed plaintext (openpgp's default is Infinity: a bomb). */
  maxDecompressedBytes: number;
}

export type DecryptOutcome =
  | { ok: true; plaintext: Uint8Array; signatures: SignatureCheck[] }
  | { ok: false; reason: 'not-for-us' | 'decompression-limit' | 'malformed' | 'failed'; detail: string };

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function configFor(limits: CryptoLimits): openpgp.Config {
  return {
    ...openpgp.config,
    maxDecompressedMessageSize: limits.maxDecompressedBytes,
    // RSA-1024 keys are weak but common in archives (Schleuder's fixtures); the desk's
    // list of signatures it refuses is mail-protocol §5's (v3, DSA, SHA-1/MD5/RIPEMD).
    minRSABits: 1024,
  };
}

/**
 * openpgp drops signature packets it cannot parse (v3 packets: RFC 4880 §5.2.2) as
 * "unparseable". We read the raw packet to say `unsupported` instead of pretending the
 * message is unsigned: v3 layout is version(1)=3, length(1)=5, type(1), time(4), key id(8).
 */
function v3IssuerKeyId(packet: unknown): string | null {
  const p = packet as { tag?: number; rawContent?: Uint8Array };
  if (p.tag !== 2 || !(p.rawContent instanceof Uint8Array) || p.rawContent[0] !== 3) return null;
  return Buffer.from(p.rawContent.subarray(7, 15)).toString('hex');
}

// Verification alone decompresses nothing; the cap is there for completeness.
const VERIFY_CONFIG = configFor({ maxDecompressedBytes: 1024 * 1024 });

// RFC 4880 §9.4 hash ids / §9.1 public-key ids the desk does not trust (mail-protocol §5).
const WEAK_HASHES = new Set<number>([openpgp.enums.hash.md5, openpgp.enums.hash.sha1, openpgp.enums.hash.ripemd]);
const WEAK_KEY_ALGOS = new Set<number>([openpgp.enums.publicKey.dsa]);

function findKey(ring: Keyring, keyID: openpgp.KeyID): openpgp.Key | undefined {
  return ring._pub.find((k) => k.getKeyIDs().some((id) => id.equals(keyID)));
}

/** `expired` / `revoked` describe the key now, whatever date the signature claims (§5). */
async function keyStateNow(key: openpgp.Key, keyID: openpgp.KeyID, now: Date): Promise<'ok' | 'expired' | 'revoked'> {
  try {
    if (await key.isRevoked(undefined, undefined, now)) return 'revoked';
  } catch {
    /* fall through */
  }
  const sub = key.getSubkeys().find((s) => s.getKeyID().equals(keyID));
  if (sub) {
    try {
      await sub.verify(now);
    } catch (e) {
      // openpgp reports the subkey's state in the error text ("Subkey is revoked/expired").
      if (/revoked/i.test(errText(e))) return 'revoked';
      if (/expired/i.test(errText(e))) return 'expired';
    }
  }
  try {
    const exp = await key.getExpirationTime();
    if (exp instanceof Date && exp.getTime() <= now.getTime()) return 'expired';
  } catch {
    return 'expired';
  }
  if (sub) {
    try {
      const exp = await sub.getExpirationTime();
      if (exp instanceof Date && exp.getTime() <= now.getTime()) return 'expired';
    } catch {
      /* a subkey without a valid binding: the verify step will fail */
    }
  }
  return 'ok';
}

interface RawSig {
  signature: Promise<openpgp.Signature>;
  verified: Promise<true>;
  keyID: openpgp.KeyID;
}

function judgeV3(keyIdHex: string, ring: Keyring): SignatureCheck {
  const key = ring._pub.find((k) => k.getKeyIDs().some((id) => id.toHex() === keyIdHex));
  return {
    status: 'unsupported',
    fingerprint: key ? upper(key.getFingerprint()) : null,
    emails: key ? summarise(key, false).emails : [],
    detail: 'v3 signature packet',
  };
}

/** Unparseable (v3) packets of a signature object, judged without openpgp. */
function v3Checks(sig: openpgp.Signature, ring: Keyring): SignatureCheck[] {
  const out: SignatureCheck[] = [];
  for (const p of sig.packets as unknown as unknown[]) {
    const id = v3IssuerKeyId(p);
    if (id) out.push(judgeV3(id, ring));
  }
  return out;
}

/**
 * Digest of signed data as the signature sees it, whatever the wrapping: line ends as LF
 * and trailing blanks dropped (RFC 4880 §7.1: clearsigned text ignores them; text-mode
 * signatures canonicalise line ends), so the same signature over re-wrapped text has one id.
 */
export function signedDataDigest(data: Uint8Array | string): string {
  const text = typeof data === 'string' ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('latin1');
  const norm = text.replace(/\r\n?/g, '\n').replace(/[ \t]+(?=\n|$)/g, '');
  return createHash('sha256').update(norm, typeof data === 'string' ? 'utf8' : 'latin1').digest('hex');
}

function signatureIdOf(packet: openpgp.SignaturePacket, digest: string): string | null {
  if (!packet.signatureData) return null;
  const salt = (packet as unknown as { salt?: Uint8Array | null }).salt;
  return createHash('sha256')
    .update('madoguchi-signature-v1\0')
    .update(packet.signatureData)
    .update('\0')
    .update(salt ?? new Uint8Array())
    .update(`\0${digest}`)
    .digest('hex');
}

async function judge(s: RawSig, ring: Keyring, now: Date, digest: string): Promise<SignatureCheck> {
  const checked = await judgeOne(s, ring, now);
  let id: string | null = null;
  try {
    const packet = (await s.signature).packets[0];
    id = packet ? signatureIdOf(packet, digest) : null;
  } catch {
    id = null;
  }
  return { ...checked, id };
}

async function judgeOne(s: RawSig, ring: Keyring, now: Date): Promise<SignatureCheck> {
  let packet: openpgp.SignaturePacket | undefined;
  try {
    packet = (await s.signature).packets[0];
  } catch (e) {
    return { status: 'invalid', fingerprint: null, emails: [], detail: `unreadable signature packet: ${errText(e)}` };
  }
  // Swallow the rejection we may not await below, so it is never unhandled.
  s.verified.catch(() => undefined);
  if (packet === undefined) return { status: 'invalid', fingerprint: null, emails: [], detail: 'empty signature' };
  if (packet.version === 3) return { status: 'unsupported', fingerprint: null, emails: [], detail: 'v3 signature packet' };
  const created = packet.created instanceof Date ? packet.created : null;
  const issuerFpr = packet.issuerFingerprint ? upper(Buffer.from(packet.issuerFingerprint).toString('hex')) : null;
  const key = findKey(ring, packet.issuerKeyID);
  if (!key) {
    return { status: 'unknown-key', fingerprint: issuerFpr, emails: [], detail: `no key for issuer ${upper(packet.issuerKeyID.toHex())}`, created };
  }
  const summary = summarise(key, false);
  const base = { fingerprint: summary.fingerprint, emails: summary.emails, created };
  if (packet.hashAlgorithm !== null && WEAK_HASHES.has(packet.hashAlgorithm)) {
    return { status: 'unsupported', ...base, detail: `weak digest (hash algorithm ${packet.hashAlgorithm})` };
  }
  if (packet.publicKeyAlgorithm !== null && WEAK_KEY_ALGOS.has(packet.publicKeyAlgorithm)) return { status: 'unsupported', ...base, detail: 'DSA signing key' };
  let cryptoOk = false;
  let why = '';
  try {
    cryptoOk = (await s.verified) === true;
  } catch (e) {
    why = errText(e);
  }
  const state = await keyStateNow(key, packet.issuerKeyID, now);
  if (state === 'revoked') return { status: 'revoked-key', ...base, detail: 'the signing key is revoked' };
  if (state === 'expired') return { status: 'expired-key', ...base, detail: 'the signing key has expired' };
  if (!cryptoOk) return { status: 'invalid', ...base, detail: why || 'signature does not verify' };
  return { status: 'valid', ...base, detail: 'good signature' };
}

/** Binary OpenPGP data? (RFC 4880 §4.2: first octet has bit 7 set; a message starts with ESK, compressed, encrypted, one-pass or literal packets.) */
export function looksLikeBinaryMessage(bytes: Uint8Array): boolean {
  const b = bytes[0];
  if (b === undefined || (b & 0x80) === 0) return false;
  const tag = b & 0x40 ? b & 0x3f : (b & 0x3c) >> 2;
  return [1, 3, 4, 8, 9, 11, 18, 20].includes(tag);
}

export async function decrypt(data: Uint8Array | string, ring: Keyring, limits: CryptoLimits, now = new Date()): Promise<DecryptOutcome> {
  const config = configFor(limits);
  let message: openpgp.Message<Uint8Array>;
  try {
    message =
      typeof data === 'string'
        ? ((await openpgp.readMessage({ armoredMessage: data, config })))
        : await openpgp.readMessage({ binaryMessage: data, config });
  } catch (e) {
    return { ok: false, reason: 'malformed', detail: `unreadable OpenPGP data: ${errText(e)}` };
  }
  const recipients = message.getEncryptionKeyIDs();
  if (recipients.length === 0) {
    const isSymmetric = message.packets.some((p) => p.constructor.name === 'SymEncryptedSessionKeyPacket');
    if (isSymmetric) return { ok: false, reason: 'not-for-us', detail: 'encrypted with a passphrase only, not to the desk key' };
  }
  const ours = ring._priv.filter((k) => k.getKeyIDs().some((id) => recipients.some((r) => r.equals(id) || r.toHex() === '0000000000000000')));
  if (ours.length === 0) {
    const ids = recipients.map((r) => upper(r.toHex())).join(', ') || 'none';
    return { ok: false, reason: 'not-for-us', detail: `encrypted to keys the desk does not hold (${ids})` };
  }
  let plaintext: Uint8Array;
  let raw: RawSig[];
  let onePass: openpgp.KeyID[] = [];
  try {
    // The lower-level API (what openpgp.decrypt does inside) keeps the packet list, so a
    // one-pass signature whose signature packet was dropped as unparseable is visible.
    const decrypted = await message.decrypt(ours, undefined, undefined, now, config);
    const literal: unknown = decrypted.getLiteralData();
    if (!(literal instanceof Uint8Array)) return { ok: false, reason: 'malformed', detail: 'no literal data in the decrypted message' };
    plaintext = literal;
    onePass = collectOnePass(decrypted.packets);
    raw = await decrypted.verify(ring._pub, now, config);
  } catch (e) {
    const msg = errText(e);
    if (/decompressed (message )?size/i.test(msg)) {
      return { ok: false, reason: 'decompression-limit', detail: `plaintext would exceed ${limits.maxDecompressedBytes} bytes` };
    }
    return { ok: false, reason: 'failed', detail: `decryption failed: ${msg}` };
  }
  const signatures: SignatureCheck[] = [];
  const digest = signedDataDigest(plaintext);
  for (const s of raw) signatures.push(await judge(s, ring, now, digest));
  // One-pass signatures without a signature we could read: v3 (GnuPG 1.x, PGP 2) packets.
  for (const id of onePass.slice(raw.length)) {
    const key = findKey(ring, id);
    signatures.push({
      status: 'unsupported',
      fingerprint: key ? upper(key.getFingerprint()) : null,
      emails: key ? summarise(key, false).emails : [],
      detail: 'signature packet of a version the desk does not accept (v3)',
    });
  }
  return { ok: true, plaintext, signatures };
}

function collectOnePass(list: Iterable<unknown>): openpgp.KeyID[] {
  const out: openpgp.KeyID[] = [];
  for (const p of list) {
    const pk = p as { constructor: { name: string }; issuerKeyID?: openpgp.KeyID; packets?: Iterable<unknown> };
    if (pk.constructor.name === 'OnePassSignaturePacket' && pk.issuerKeyID) out.push(pk.issuerKeyID);
    if (pk.packets) out.push(...collectOnePass(pk.packets));
  }
  return out;
}

/** Verifies a detached signature (PGP/MIME, RFC 3156 §5) over `data` as given. */
export async function verifyDetached(data: Uint8Array, signature: Uint8Array, ring: Keyring, now = new Date()): Promise<SignatureCheck[]> {
  let sig: openpgp.Signature;
  try {
    const text = Buffer.from(signature).toString('latin1');
    sig = text.includes('-----BEGIN PGP SIGNATURE-----')
      ? await openpgp.readSignature({ armoredSignature: text })
      : await openpgp.readSignature({ binarySignature: signature });
  } catch (e) {
    return [{ status: 'invalid', fingerprint: null, emails: [], detail: `unreadable signature: ${errText(e)}` }];
  }
  if (sig.packets.length === 0) return [{ status: 'invalid', fingerprint: null, emails: [], detail: 'no signature packet' }];
  const v3 = v3Checks(sig, ring);
  if (v3.length === sig.packets.length) return v3;
  const message = await openpgp.createMessage({ binary: data });
  let raw: RawSig[];
  try {
    const r = await openpgp.verify({ message, signature: sig, verificationKeys: ring._pub, format: 'binary', date: now, config: VERIFY_CONFIG });
    raw = r.signatures;
  } catch (e) {
    return [{ status: 'invalid', fingerprint: null, emails: [], detail: errText(e) }];
  }
  const out: SignatureCheck[] = [...v3];
  const digest = signedDataDigest(data);
  for (const s of raw) out.push(await judge(s, ring, now, digest));
  return out;
}

/** Verifies a clearsigned text (RFC 4880 §7); returns only the signed text. */
export async function verifyCleartext(
  armored: string,
  ring: Keyring,
  now = new Date(),
): Promise<{ ok: true; text: string; signatures: SignatureCheck[] } | { ok: false; detail: string }> {
  let message: openpgp.CleartextMessage;
  try {
    message = await openpgp.readCleartextMessage({ cleartextMessage: armored });
  } catch (e) {
    return { ok: false, detail: `unreadable clearsigned block: ${errText(e)}` };
  }
  const text = message.getText();
  const clearSig = (message as unknown as { signature: openpgp.Signature }).signature;
  const v3 = v3Checks(clearSig, ring);
  if (v3.length > 0 && v3.length === clearSig.packets.length) return { ok: true, text, signatures: v3 };
  let raw: RawSig[];
  try {
    const r = await openpgp.verify({ message, verificationKeys: ring._pub, date: now, config: VERIFY_CONFIG });
    raw = r.signatures;
  } catch (e) {
    return { ok: true, text, signatures: [{ status: 'invalid', fingerprint: null, emails: [], detail: errText(e) }] };
  }
  const out: SignatureCheck[] = [...v3];
  const digest = signedDataDigest(text);
  for (const s of raw) out.push(await judge(s, ring, now, digest));
  return { ok: true, text, signatures: out };
}

// ---- outbound: the desk's own key, signing and encryption ------------------------------

export interface DeskKey {
  fingerprint: string;
  armoredPrivate: string;
  armoredPublic: string;
}

/**
 * A v4 ECC key (ed25519 + cv25519 "legacy"): pitfalls.md: openpgp's `curve25519` makes
 * RFC 9580 v6 keys that GnuPG 2.2 cannot import; `ecc` (curve25519Legacy) interoperates.
 */
export async function generateDeskKey(name: string, email: string, now = new Date()): Promise<DeskKey> {
  const { privateKey, publicKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ name, email }],
    format: 'armored',
    date: now,
    config: { v6Keys: false },
  });
  const key = await openpgp.readPrivateKey({ armoredKey: privateKey });
  return { fingerprint: upper(key.getFingerprint()), armoredPrivate: privateKey, armoredPublic: publicKey };
}

export interface SigningKey {
  readonly fingerprint: string;
  readonly armoredPublic: string;
  /** @internal */
  readonly _key: openpgp.PrivateKey;
}

export async function readSigningKey(armoredPrivate: string, passphrase?: string): Promise<SigningKey> {
  let key = await openpgp.readPrivateKey({ armoredKey: armoredPrivate });
  if (!key.isDecrypted()) {
    if (passphrase === undefined) throw new Error(`desk key ${key.getFingerprint()} is protected: set MADOGUCHI_KEY_PASSPHRASE`);
    key = await openpgp.decryptKey({ privateKey: key, passphrase });
  }
  return { fingerprint: upper(key.getFingerprint()), armoredPublic: key.toPublic().armor(), _key: key };
}

/** RFC 3156 §5 `micalg` names for openpgp's hash ids. */
const MICALG: Record<number, string> = {
  [openpgp.enums.hash.sha256]: 'pgp-sha256',
  [openpgp.enums.hash.sha384]: 'pgp-sha384',
  [openpgp.enums.hash.sha512]: 'pgp-sha512',
  [openpgp.enums.hash.sha224]: 'pgp-sha224',
};

/**
 * Detached signature over `data` (already canonical CRLF). Returns the armored
 * signature and the `micalg` matching the hash actually used (pitfalls.md: openpgp signs
 * with SHA-512 by default; the header must say what the signature used).
 */
export async function signDetached(data: Uint8Array, key: SigningKey): Promise<{ armored: string; micalg: string }> {
  const message = await openpgp.createMessage({ binary: data });
  const signed: unknown = await openpgp.sign({ message, signingKeys: key._key, detached: true, format: 'armored' });
  if (typeof signed !== 'string') throw new Error('openpgp.sign returned no armored text');
  const armored = signed;
  const sig = await openpgp.readSignature({ armoredSignature: armored });
  const hash = sig.packets[0]?.hashAlgorithm;
  const micalg = hash !== undefined && hash !== null ? MICALG[hash] : undefined;
  if (!micalg) throw new Error(`unexpected signature hash ${String(hash)}`);
  return { armored, micalg };
}

export interface Recipient {
  readonly fingerprint: string;
  /** @internal */
  readonly _key: openpgp.Key;
}

export type RecipientCheck = { ok: true; recipient: Recipient } | { ok: false; why: 'unreadable' | 'revoked' | 'expired' | 'no-encryption-key'; detail: string };

/**
 * Whether a recipient's key can be encrypted to now. Fail closed (DEVELOPERS.md): a
 * revoked, expired or encryption-less key means no details are sent.
 */
/** The usable keys among armored keys (none when expired, revoked, unusable): fail closed. */
export async function usableRecipients(armored: readonly string[], now: Date): Promise<Recipient[]> {
  const out: Recipient[] = [];
  for (const k of armored) {
    const c = await checkRecipientKey(k, now);
    if (c.ok) out.push(c.recipient);
  }
  return out;
}

export async function checkRecipientKey(armoredPublic: string, now = new Date()): Promise<RecipientCheck> {
  // The same key is checked for every notice to the same person: keep the verdict for a
  // minute (a key's state changes only with new key material or as time passes, and the
  // cache entry is bound to the exact armored text).
  const cacheKey = armoredPublic;
  const hit = recipientCache.get(cacheKey);
  if (hit && hit.until > now.getTime() && hit.at <= now.getTime()) return hit.result;
  const result = await checkRecipientKeyUncached(armoredPublic, now);
  if (recipientCache.size > 1000) recipientCache.clear();
  recipientCache.set(cacheKey, { result, at: now.getTime(), until: now.getTime() + 60_000 });
  return result;
}

const recipientCache = new Map<string, { result: RecipientCheck; at: number; until: number }>();

async function checkRecipientKeyUncached(armoredPublic: string, now: Date): Promise<RecipientCheck> {
  let key: openpgp.Key;
  try {
    key = await openpgp.readKey({ armoredKey: armoredPublic });
  } catch (e) {
    return { ok: false, why: 'unreadable', detail: errText(e) };
  }
  if (await key.isRevoked(undefined, undefined, now).catch(() => false)) return { ok: false, why: 'revoked', detail: 'key is revoked' };
  try {
    const exp = await key.getExpirationTime();
    if (exp instanceof Date && exp.getTime() <= now.getTime()) return { ok: false, why: 'expired', detail: 'key has expired' };
  } catch (e) {
    return { ok: false, why: 'expired', detail: errText(e) };
  }
  try {
    await key.getEncryptionKey(undefined, now, undefined, configFor({ maxDecompressedBytes: 1 }));
  } catch (e) {
    return { ok: false, why: 'no-encryption-key', detail: errText(e) };
  }
  return { ok: true, recipient: { fingerprint: upper(key.getFingerprint()), _key: key } };
}

const subkeyCache = new Map<string, string[]>();

/**
 * Every fingerprint of an armored public key: the primary key's first, then its subkeys'.
 * A signature names the key that made it (RFC 9580 §5.2.3.35, Issuer Fingerprint), which
 * is a signing subkey as often as the primary key, while registries pin primary keys.
 * Unreadable text gives no fingerprint.
 */
export async function keyFingerprints(armoredPublic: string): Promise<string[]> {
  const hit = subkeyCache.get(armoredPublic);
  if (hit) return hit;
  let out: string[] = [];
  try {
    const key = await openpgp.readKey({ armoredKey: armoredPublic });
    out = [upper(key.getFingerprint()), ...key.getSubkeys().map((k) => upper(k.getFingerprint()))];
  } catch {
    out = [];
  }
  if (subkeyCache.size > 5000) subkeyCache.clear();
  subkeyCache.set(armoredPublic, out);
  return out;
}

/** Encrypts (and optionally signs inside, RFC 3156 §6.2) to every recipient; armored output. */
export async function encryptTo(data: Uint8Array, recipients: Recipient[], signer: SigningKey | null, now = new Date()): Promise<string> {
  const message = await openpgp.createMessage({ binary: data, date: now });
  const armored: unknown = await openpgp.encrypt({
    message,
    encryptionKeys: recipients.map((r) => r._key),
    ...(signer ? { signingKeys: signer._key } : {}),
    format: 'armored',
    date: now,
    config: configFor({ maxDecompressedBytes: 1 }),
  });
  return armored as string;
}

// ---- key expiry (the coordinators' digest, issue 11) -----------------------------------

/**
 * When a key stops being usable to encrypt to: the earlier of the primary key's expiry and
 * that of the encryption (sub)key in use now (RFC 9580 §5.2.3.13, Key Expiration Time; a
 * subkey may expire before its primary key). `expiresAt: null` never expires; a past date
 * has expired. Not ok: unreadable, revoked, or no encryption key usable now.
 */
export type KeyExpiry = { ok: true; fingerprint: string; expiresAt: Date | null } | { ok: false; fingerprint: string | null; why: 'unreadable' | 'revoked' | 'no-encryption-key' };

export async function keyExpiry(armoredPublic: string, now = new Date()): Promise<KeyExpiry> {
  let key: openpgp.Key;
  try {
    key = await openpgp.readKey({ armoredKey: armoredPublic });
  } catch {
    return { ok: false, fingerprint: null, why: 'unreadable' };
  }
  const fingerprint = upper(key.getFingerprint());
  if (await key.isRevoked(undefined, undefined, now).catch(() => false)) return { ok: false, fingerprint, why: 'revoked' };
  const asDate = (t: Date | number | null): Date | null => (t instanceof Date ? t : null);
  let primary: Date | null;
  try {
    primary = asDate(await key.getExpirationTime());
  } catch {
    return { ok: false, fingerprint, why: 'no-encryption-key' };
  }
  if (primary !== null && primary.getTime() <= now.getTime()) return { ok: true, fingerprint, expiresAt: primary };
  let sub: Date | null = null;
  try {
    const enc = await key.getEncryptionKey(undefined, now, undefined, configFor({ maxDecompressedBytes: 1 }));
    if (enc !== key) sub = asDate(await (enc as openpgp.Subkey).getExpirationTime(now));
  } catch {
    return { ok: false, fingerprint, why: 'no-encryption-key' };
  }
  const times = [primary, sub].filter((d): d is Date => d !== null);
  return { ok: true, fingerprint, expiresAt: times.length === 0 ? null : new Date(Math.min(...times.map((d) => d.getTime()))) };
}

