// Reading and judging a vendor's keys for the registry, through the crypto adapter only.
//
// Policy (fail closed; docs/vendors.md):
// - a key entry that cannot be read (missing file, not OpenPGP, nothing in it) or that
//   holds a SECRET key is an error: the registry refuses the vendor (and the import);
// - a readable public key that cannot be encrypted to now (revoked, expired, no encryption
//   subkey) is NOT pinned: the vendor is registered without it and a warning says so. A
//   revoked or expired key is then no trust anchor for replies either;
// - a vendor left without a usable key is registered but not notifiable (a warning lists it):
//   the registry still identifies it as a candidate, but no details go to it until a usable
//   key is registered.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { checkRecipientKey, exportPublicKeys, loadKeyring, type KeySource } from '../crypto/openpgp.ts';

export type KeyState = 'ok' | 'expired' | 'revoked' | 'no-encryption-key' | 'unreadable';

export interface CheckedKey {
  fingerprint: string;
  /** Armored public key, exactly one key. */
  armored: string;
  emails: string[];
  state: KeyState;
  detail: string;
}

export type KeyEntryResult = { ok: true; keys: CheckedKey[] } | { ok: false; error: string };

const ARMOR_RE = /-----BEGIN PGP (PUBLIC|PRIVATE) KEY BLOCK-----/;

/** Inline armored text, or a path (relative to baseDir; absolute allowed). */
export function isInlineKey(entry: string): boolean {
  return ARMOR_RE.test(entry);
}

/** What a key entry is called in messages: the path as written, or `inline key`. */
export function keyEntryLabel(entry: string): string {
  return isInlineKey(entry) ? 'inline key' : JSON.stringify(entry);
}

// openpgp reads one armor block per call: a file of several exported keys (`cat a.asc
// b.asc`) is split into its blocks first.
const BLOCK_RE = /-----BEGIN PGP (PUBLIC|PRIVATE) KEY BLOCK-----[\s\S]*?-----END PGP \1 KEY BLOCK-----/g;

function armoredSources(name: string, text: string): KeySource[] {
  const blocks = text.match(BLOCK_RE) ?? [text];
  return blocks.map((b, i) => ({ name: blocks.length > 1 ? `${name} (block ${i + 1})` : name, text: b }));
}

async function sourceOf(entry: string, baseDir: string): Promise<KeySource[] | string> {
  if (isInlineKey(entry)) return armoredSources('inline key', entry);
  const file = path.resolve(baseDir, entry);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return `cannot read key file ${file}${code ? ` (${code})` : ''}`;
  }
  const text = bytes.toString('utf8');
  // An armored file is read as text; anything else as binary key packets (`gpg --export`).
  return ARMOR_RE.test(text) ? armoredSources(file, text) : [{ name: file, text: '', binary: new Uint8Array(bytes) }];
}

/**
 * Reads one key entry (a file may hold several keys) and judges each key with
 * checkRecipientKey at `now`. Errors: unreadable, empty, or holding a secret key.
 */
export async function readKeyEntry(entry: string, baseDir: string, now = new Date()): Promise<KeyEntryResult> {
  const src = await sourceOf(entry, baseDir);
  if (typeof src === 'string') return { ok: false, error: src };
  const problems: string[] = [];
  const ring = await loadKeyring(src, undefined, (m) => problems.push(m));
  // Secret material: an armored secret block, an unlocked secret key, or one the adapter
  // could not unlock (it says so in its warning).
  const secret =
    src.some((s) => s.text.includes('-----BEGIN PGP PRIVATE KEY BLOCK-----')) ||
    ring.keys.some((k) => k.hasSecret || k.usableSecret) ||
    problems.some((m) => /secret key/i.test(m));
  if (secret) {
    return { ok: false, error: `${keyEntryLabel(entry)} holds a secret key; give the vendor's public key only` };
  }
  if (problems.length > 0 || ring.keys.length === 0) {
    return { ok: false, error: `${keyEntryLabel(entry)} is not a readable OpenPGP public key` };
  }
  const keys: CheckedKey[] = [];
  for (const k of exportPublicKeys(ring)) {
    const armored = k.armored;
    keys.push({ fingerprint: k.fingerprint, armored, emails: k.emails, ...(await judgeKey(armored, now)) });
  }
  return { ok: true, keys };
}

/** Whether the desk could encrypt to this key at `now` (checkRecipientKey). */
export async function judgeKey(armored: string, now = new Date()): Promise<{ state: KeyState; detail: string }> {
  const c = await checkRecipientKey(armored, now);
  return c.ok ? { state: 'ok', detail: 'usable' } : { state: c.why, detail: c.detail };
}
