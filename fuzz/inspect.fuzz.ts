// The whole reading path: src/inbound/pipeline.ts inspectMessage on a raw message with
// the fixture keyring (the desk's key can decrypt the fixtures, so mutations reach the
// decrypted MIME, the signatures, the forms). It must always return a verdict.
import { loadKeyring, type Keyring } from '../src/crypto/openpgp.ts';
import { inspectMessage } from '../src/inbound/pipeline.ts';
import type { FuzzTarget } from './engine/target.ts';
import { fixtureKeySources, FUZZ_NOW } from './keys.ts';
import { ARMOR_TOKENS, CHARSET_TOKENS, MIME_TOKENS, mailSeeds } from './seeds.ts';

let ring: Keyring;

export const target: FuzzTarget = {
  promise: 'inspectMessage returns a verdict for any bytes, never throws',
  async setup() {
    ring = await loadKeyring(fixtureKeySources(), undefined, () => undefined);
  },
  seeds: () => mailSeeds(),
  dictionary: [...MIME_TOKENS, ...ARMOR_TOKENS, ...CHARSET_TOKENS, 'VR-2026-0042', '[VR-2026-0042]', '脆弱性', '発見者', 'X-CASE: '],
  maxLen: 256 * 1024,
  timeoutMs: 10_000,
  async run(data) {
    await inspectMessage(data, { ring, now: FUZZ_NOW, casePrefix: 'VR' });
  },
};
