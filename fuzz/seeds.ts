// Seed inputs for the targets: real mail (../shared/interop/, all .eml: Thunderbird,
// Schleuder, RT, notmuch...; test/fixtures/gen/: our gpg-made corpus with its charsets
// and hostile cases), the report forms, keys and armor found in them. Missing folders
// (shared/ not beside the clone) just give fewer seeds.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const FIXTURES = path.join(ROOT, 'test', 'fixtures');
export const INTEROP = path.resolve(ROOT, '..', 'shared', 'interop');

function filesUnder(dir: string, ext: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p, ext));
    else if (name.endsWith(ext)) out.push(p);
  }
  return out;
}

/** Every .eml of the interop corpus and the generated fixtures, at most `maxBytes` each. */
export function mailSeeds(maxBytes = 256 * 1024): Uint8Array[] {
  return [...filesUnder(INTEROP, '.eml'), ...filesUnder(path.join(FIXTURES, 'gen'), '.eml')]
    .filter((f) => statSync(f).size <= maxBytes)
    .map((f) => readFileSync(f));
}

/** The report and vendor-reply forms of the fixtures (plain text). */
export function formSeeds(): Uint8Array[] {
  return filesUnder(FIXTURES, '.txt').filter((f) => path.dirname(f) === FIXTURES).map((f) => readFileSync(f));
}

/** Armored keys of the fixtures and every armored block found in the mail seeds. */
export function armorSeeds(): Uint8Array[] {
  const keys = filesUnder(path.join(FIXTURES, 'gen', 'keys'), '.asc').map((f) => readFileSync(f));
  const blocks: Uint8Array[] = [];
  const re = /-----BEGIN PGP ([A-Z ]+)-----[\s\S]*?-----END PGP [A-Z ]+-----\r?\n?/g;
  for (const m of mailSeeds()) {
    const text = Buffer.from(m).toString('latin1');
    for (const hit of text.matchAll(re)) blocks.push(Buffer.from(hit[0], 'latin1'));
  }
  // The same block twice is one seed.
  const seen = new Set<string>();
  return [...keys, ...blocks].filter((b) => {
    const k = Buffer.from(b).toString('latin1');
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export const utf8 = (d: Uint8Array): string => new TextDecoder('utf-8').decode(d);
export const latin1 = (d: Uint8Array): string => Buffer.from(d.buffer, d.byteOffset, d.byteLength).toString('latin1');
export const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Tokens of MIME structure, shared by the mail targets. */
export const MIME_TOKENS = [
  'Content-Type: ',
  'Content-Transfer-Encoding: ',
  'Content-Disposition: ',
  'MIME-Version: 1.0',
  'multipart/mixed',
  'multipart/signed',
  'multipart/encrypted',
  'multipart/alternative',
  'multipart/digest',
  'multipart/report',
  'message/rfc822',
  'message/global',
  'text/plain',
  'text/html',
  'application/pgp-encrypted',
  'application/pgp-signature',
  'application/pgp-keys',
  'application/octet-stream',
  '; boundary=',
  '; boundary="',
  '; charset=',
  '; protocol="application/pgp-signature"',
  '; protocol="application/pgp-encrypted"',
  '; micalg=pgp-sha256',
  '; protected-headers="v1"',
  '; hp="cipher"',
  '; filename=',
  '; name=',
  "filename*=UTF-8''",
  'attachment',
  'inline',
  'base64',
  'quoted-printable',
  '7bit',
  '8bit',
  'binary',
  'Version: 1',
  '\r\n\r\n',
  '\n\n',
  '--',
  '--\r\n',
  '=\r\n',
  '=?UTF-8?B?',
  '=?ISO-2022-JP?B?',
  '=?Shift_JIS?Q?',
  '?=',
  'Subject: ',
  'From: ',
  'Message-ID: <',
  'Autocrypt: addr=',
  '; keydata=',
  'Auto-Submitted: auto-replied',
  'From sender@example Mon Jan  1 00:00:00 2026',
];

export const ARMOR_TOKENS = [
  '-----BEGIN PGP MESSAGE-----',
  '-----END PGP MESSAGE-----',
  '-----BEGIN PGP SIGNED MESSAGE-----',
  '-----BEGIN PGP SIGNATURE-----',
  '-----END PGP SIGNATURE-----',
  '-----BEGIN PGP PUBLIC KEY BLOCK-----',
  '-----END PGP PUBLIC KEY BLOCK-----',
  '-----BEGIN PGP PRIVATE KEY BLOCK-----',
  'Hash: SHA256',
  'Hash: SHA1',
  'Version: ',
  'Comment: ',
  'Charset: UTF-8',
  '- -',
  '=',
  '\u00a0',
];

export const CHARSET_TOKENS = [
  'utf-8',
  'UTF-8',
  'iso-2022-jp',
  'ISO-2022-JP',
  'shift_jis',
  'Shift_JIS',
  'sjis',
  'cp932',
  'windows-31j',
  'x-sjis',
  'euc-jp',
  'EUC-JP',
  'us-ascii',
  'iso-8859-1',
  'latin1',
  'utf-16',
  'utf-7',
  'unknown-8bit',
  'x-unknown',
  '\x1b$B',
  '\x1b(B',
  '\x1b(J',
  '\x1b$@',
  '\x1b$(D',
  '\x8e',
  '\x8f',
  '\xef\xbb\xbf',
  '\xff\xfe',
];
