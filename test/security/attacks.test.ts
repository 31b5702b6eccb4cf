// Regression tests named after the attack (OpenPGP.js test/security style). Each one
// feeds the desk a hostile message and checks the specific verdict, and that nothing
// from the hostile part reaches what later stages read (`text`, `report`).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Keyring } from '../../src/crypto/openpgp.ts';
import { inspectMessage } from '../../src/inbound/pipeline.ts';
import { fixture, fixtureRing } from '../support/fixture-ring.ts';
import { FIXTURES, ROOT } from '../support/paths.ts';

let ring: Keyring;
beforeAll(async () => {
  ring = await fixtureRing();
});

const inspect = async (name: string) => inspectMessage(fixture(name), { ring });

describe('EFAIL (Poddebniak et al., 2018)', () => {
  it('direct exfiltration: clear HTML around a PGP/MIME part is rejected, never merged', async () => {
    const r = await inspect('efail-direct.eml');
    expect(r.verdict.rejected?.reason).toBe('mixed-encryption');
    expect(r.verdict.kind).toBe('unknown');
    expect(r.verdict.report).toBeUndefined();
    expect(r.text).toBe('');
  });

  it('inline mixing: a clear text part beside an armored block is rejected', async () => {
    const r = await inspect('efail-inline-mixed.eml');
    expect(r.verdict.rejected?.reason).toBe('mixed-encryption');
    expect(r.text).toBe('');
  });
});

describe('signature wrapping', () => {
  it('a valid multipart/signed inside an unsigned multipart/mixed does not sign the message', async () => {
    const r = await inspect('sig-wrapping-mixed.eml');
    expect(r.verdict.signature.status).toBe('none');
    expect(r.signatures).toEqual([]);
  });

  it('a forwarded signed message/rfc822 does not sign the outer message', async () => {
    const r = await inspect('sig-forwarded-rfc822.eml');
    expect(r.verdict.signature.status).toBe('none');
  });

  it('one good and one bad signature is not a good signature (expectSigned is not enough)', async () => {
    expect((await inspect('sig-two-valid-and-bad.eml')).verdict.signature.status).toBe('invalid');
    expect((await inspect('sig-two-valid-and-unknown.eml')).verdict.signature.status).toBe('unknown-key');
  });
});

describe('spoofed signer', () => {
  it('a good signature by a key without the From address has matchesFrom false', async () => {
    for (const f of ['sig-spoofed-from.eml', 'sig-spoofed-from-enc.eml']) {
      const r = await inspect(f);
      expect(r.verdict.signature.status).toBe('valid');
      expect(r.verdict.signature.matchesFrom).toBe(false);
    }
  });
});

describe('tampered signed text', () => {
  it('one changed byte in a PGP/MIME signed part or a clearsigned body is invalid', async () => {
    expect((await inspect('sig-invalid-pgpmime.eml')).verdict.signature.status).toBe('invalid');
    expect((await inspect('sig-invalid-clearsigned.eml')).verdict.signature.status).toBe('invalid');
  });
});

describe('weak and dead keys', () => {
  it('expired and revoked signing keys are named as such whatever date the signature claims', async () => {
    expect((await inspect('sig-expired-key.eml')).verdict.signature.status).toBe('expired-key');
    expect((await inspect('sig-revoked-key.eml')).verdict.signature.status).toBe('revoked-key');
  });
  it('DSA keys and SHA-1 digests are unsupported even though gpg calls them good', async () => {
    for (const f of ['sig-dsa.eml', 'sig-sha1-rsa.eml', 'sig-sha1-ed25519.eml']) {
      expect((await inspect(f)).verdict.signature.status).toBe('unsupported');
    }
  });
});

describe('decompression bomb', () => {
  it('zlib and bzip2 bombs stop at the cap with decompression-limit', async () => {
    for (const f of ['bomb-zlib.eml', 'bomb-bzip2.eml']) {
      const r = await inspect(f);
      expect(r.verdict.rejected?.reason).toBe('decompression-limit');
    }
  });

  it('a 300 MB bomb keeps the process well under 300 MB RSS', () => {
    // A separate process, so the figure is the inspect run's own peak (maxRSS, in KB).
    const script = `
      import { readFileSync } from 'node:fs';
      import { fixtureRing } from './test/support/fixture-ring.ts';
      import { inspectMessage } from './src/inbound/pipeline.ts';
      const ring = await fixtureRing();
      const r = await inspectMessage(readFileSync(${JSON.stringify(join(FIXTURES, 'bomb-zlib.eml'))}), { ring });
      const r2 = await inspectMessage(readFileSync(${JSON.stringify(join(FIXTURES, 'bomb-bzip2.eml'))}), { ring });
      console.log(JSON.stringify({ a: r.verdict.rejected?.reason, b: r2.verdict.rejected?.reason, maxRssKb: process.resourceUsage().maxRSS }));`;
    const p = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
    expect(p.status, p.stderr).toBe(0);
    const out = JSON.parse(p.stdout.trim().split('\n').pop()!) as { a: string; b: string; maxRssKb: number };
    expect(out.a).toBe('decompression-limit');
    expect(out.b).toBe('decompression-limit');
    expect(out.maxRssKb / 1024).toBeLessThan(300);
  });
});

describe('oversized and malformed structure', () => {
  it('a raw message over the cap is too-large without being parsed', async () => {
    const big = Buffer.concat([Buffer.from('From: a@b.test\r\nSubject: big\r\nMessage-ID: <big@x>\r\n\r\n'), Buffer.alloc(26 * 1024 * 1024, 0x41)]);
    const r = await inspectMessage(big, { ring });
    expect(r.verdict.rejected?.reason).toBe('too-large');
    expect(r.verdict.messageId).toBe('<big@x>');
  });

  it('MIME nesting 200 deep and 20000 parts are malformed, in clear and inside encryption', async () => {
    for (const f of ['deep-nesting.eml', 'deep-nesting-encrypted.eml', 'many-parts.eml']) {
      expect((await inspect(f)).verdict.rejected?.reason).toBe('malformed');
    }
  });

  it('truncated armor and a truncated multipart are malformed', async () => {
    for (const f of ['truncated-armor-pgpmime.eml', 'truncated-armor-inline.eml', 'unclosed-boundary-encrypted.eml', 'signed-no-signature-part.eml']) {
      expect((await inspect(f)).verdict.rejected?.reason).toBe('malformed');
    }
  });

  it('encrypted only to keys the desk lacks is not-for-us', async () => {
    const r = await inspect('not-for-us.eml');
    expect(r.verdict.rejected?.reason).toBe('not-for-us');
    expect(r.verdict.encryption).toBe('failed');
  });
});

describe('mutation fuzzing: no input crashes the reader', () => {
  it('300 truncations and byte flips of real messages each get a verdict', async () => {
    let seed = 42;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const sources = ['pgpmime-enc-signed-ja.eml', 'pgpmime-signed-ja.eml', 'inline-enc-signed-ja.eml', 'clearsigned-ja.eml', 'pgpmime-signed-then-encrypted-ja.eml', 'protected-headers-legacy-ja.eml'].map(fixture);
    let verdicts = 0;
    for (let i = 0; i < 300; i++) {
      const src = Buffer.from(sources[i % sources.length]!);
      const mutated = i % 3 === 0 ? src.subarray(0, rand(src.length)) : src;
      if (i % 3 !== 0) for (let k = 0; k < 1 + rand(8); k++) mutated[rand(mutated.length)] = rand(256);
      const r = await inspectMessage(mutated, { ring });
      expect(r.verdict).toBeDefined();
      if (r.verdict.rejected) expect(r.verdict.kind).toBe('unknown');
      verdicts++;
    }
    expect(verdicts).toBe(300);
  }, 120_000);
});
