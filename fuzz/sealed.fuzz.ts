// The reading path behind the encryption: the input is the MIME entity a reporter's
// client encrypts (protected headers, multipart/mixed with the form, attachments, keys,
// inline armor inside), sealed each time as PGP/MIME to the desk's fixture key and
// signed by the fixture reporter, then read by inspectMessage. Mutating ciphertext (the
// inspect target) mostly stops at decryption; this reaches what comes after it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { checkRecipientKey, decrypt, encryptTo, loadKeyring, readSigningKey, type Keyring, type Recipient, type SigningKey } from '../src/crypto/openpgp.ts';
import { inspectMessage, type Inbound } from '../src/inbound/pipeline.ts';
import { parseMime, walk } from '../src/mime/parse.ts';
import type { FuzzTarget } from './engine/target.ts';
import { fixtureKeySources, FUZZ_NOW } from './keys.ts';
import { ARMOR_TOKENS, CHARSET_TOKENS, FIXTURES, MIME_TOKENS, latin1, mailSeeds } from './seeds.ts';

let ring: Keyring;
let desk: Recipient;
let reporter: SigningKey;
const LIMITS = { maxDecompressedBytes: 25 * 1024 * 1024 };
const key = (name: string): string => readFileSync(path.join(FIXTURES, 'gen', 'keys', name), 'utf8');

function envelope(armored: string): Uint8Array {
  return Buffer.from(
    [
      'Message-ID: <sealed@fuzz.madoguchi.test>',
      'Date: Fri, 20 Nov 2026 10:00:00 +0900',
      'From: Taro Yamada <taro@reporter.test>',
      'To: Madoguchi Desk <desk@madoguchi.test>',
      'Subject: ...',
      'MIME-Version: 1.0',
      'Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="fuzz-sealed"',
      '',
      '--fuzz-sealed',
      'Content-Type: application/pgp-encrypted',
      '',
      'Version: 1',
      '',
      '--fuzz-sealed',
      'Content-Type: application/octet-stream; name="encrypted.asc"',
      '',
      armored.replace(/\r?\n/g, '\r\n'),
      '--fuzz-sealed--',
      '',
    ].join('\r\n'),
    'latin1',
  );
}

/** Seals `content` as the reporter would and reads it as the desk does (after setup). */
export async function sealAndInspect(content: Uint8Array): Promise<Inbound> {
  const armored = await encryptTo(content, [desk], reporter, FUZZ_NOW);
  return inspectMessage(envelope(armored), { ring, now: FUZZ_NOW, casePrefix: 'VR' });
}

export const target: FuzzTarget = {
  promise: 'inspectMessage returns a verdict for any content sealed to the desk, never throws',
  async setup() {
    ring = await loadKeyring(fixtureKeySources(), undefined, () => undefined);
    const check = await checkRecipientKey(key('desk.pub.asc'), FUZZ_NOW);
    if (!check.ok) throw new Error(`fixture desk key unusable: ${check.why}`);
    desk = check.recipient;
    reporter = await readSigningKey(key('reporter.sec.asc'));
  },
  // The plaintexts of the fixtures' PGP/MIME encrypted mail, and the clear mail's bodies.
  async seeds() {
    const out: Uint8Array[] = [];
    for (const m of mailSeeds(64 * 1024)) {
      let root;
      try {
        root = parseMime(m);
      } catch {
        continue;
      }
      for (const p of walk(root)) {
        if (p.contentType !== 'application/octet-stream' || !latin1(p.body).includes('-----BEGIN PGP MESSAGE-----')) continue;
        const r = await decrypt(latin1(p.body), ring, LIMITS, FUZZ_NOW);
        if (r.ok) out.push(r.plaintext);
      }
      if (!root.contentType.startsWith('multipart/encrypted')) out.push(m);
    }
    return out;
  },
  dictionary: [...MIME_TOKENS, ...ARMOR_TOKENS, ...CHARSET_TOKENS, 'VR-2026-0042', '[VR-2026-0042]', '脆弱性', '発見者'],
  maxLen: 64 * 1024,
  timeoutMs: 10_000,
  async run(data) {
    await sealAndInspect(data);
  },
};
