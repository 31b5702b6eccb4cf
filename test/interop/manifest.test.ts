// Every message of shared/interop/manifest.json (real Thunderbird, mutt, Enigmail,
// Exchange-mangled, protected-headers mail): inspect's decryption, signature status and
// fingerprint must agree with gpg, or with `desk_signature` where the desk must differ.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadKeyring } from '../../src/crypto/openpgp.ts';
import { inspectMessage } from '../../src/inbound/pipeline.ts';
import { INTEROP } from '../support/paths.ts';

interface Entry {
  file: string;
  shape: string;
  decrypts: boolean | null;
  signature: string | null;
  desk_signature?: string;
  fingerprint: string | null;
  keys: string[];
  passphrase?: string;
}

const manifest = JSON.parse(readFileSync(join(INTEROP, 'manifest.json'), 'utf8')) as Entry[];

describe('shared/interop manifest', () => {
  it('has the entries the corpus README promises', () => {
    expect(manifest.length).toBeGreaterThanOrEqual(70);
  });

  for (const e of manifest) {
    it(`${e.file} (${e.shape.slice(0, 60)})`, async () => {
      const keys = e.keys.map((k) => ({ name: k, text: readFileSync(join(INTEROP, k), 'utf8') }));
      const warnings: string[] = [];
      const ring = await loadKeyring(keys, e.passphrase, (m) => warnings.push(m));
      const raw = readFileSync(join(INTEROP, e.file));
      const { verdict } = await inspectMessage(raw, { ring });

      // decryption: true → opened (pgp-mime or inline); false → failed; null → nothing to open
      // (or, for the double-wrapped message, the outer layer opened and the inner did not).
      if (e.decrypts === true) expect(['pgp-mime', 'inline']).toContain(verdict.encryption);
      else if (e.decrypts === false) expect(verdict.encryption).toBe('failed');
      else if (/double-wrapped/.test(e.shape)) {
        expect(verdict.encryption).toBe('pgp-mime');
        expect(verdict.rejected).not.toBeNull();
      } else expect(verdict.encryption).toBe('none');

      const wanted = e.desk_signature ?? e.signature;
      if (wanted === null) {
        // gpg could not see inside: the desk must not claim a signature either.
        expect(verdict.signature.status).toBe('none');
      } else {
        expect(verdict.signature.status).toBe(wanted);
        if (e.fingerprint && wanted !== 'none') expect(verdict.signature.fingerprint).toBe(e.fingerprint);
      }
    });
  }
});
