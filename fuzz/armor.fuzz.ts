// OpenPGP armor and packets as the desk reads them (src/crypto/openpgp.ts): encrypted
// messages (armored and binary), clearsigned text, detached signatures, keys (attached
// keys, registry keys). openpgp.js parses; our wrappers must turn every failure into a
// verdict, within the decompression cap.
import { checkRecipientKey, decrypt, keyFingerprints, loadKeyring, verifyCleartext, verifyDetached, type Keyring } from '../src/crypto/openpgp.ts';
import type { FuzzTarget } from './engine/target.ts';
import { ARMOR_TOKENS, armorSeeds, latin1 } from './seeds.ts';
import { fixtureKeySources, FUZZ_NOW } from './keys.ts';

let ring: Keyring;
const SPLIT = '\n--DETACHED--\n';
const LIMITS = { maxDecompressedBytes: 25 * 1024 * 1024 };

export const target: FuzzTarget = {
  promise: 'decrypt/verify/key reading return a verdict for any input, never throw',
  async setup() {
    ring = await loadKeyring(fixtureKeySources(), undefined, () => undefined);
  },
  seeds: () => armorSeeds(),
  dictionary: [...ARMOR_TOKENS, SPLIT],
  // The armor and packet parsers are openpgp.js's: reward inputs that reach deeper there.
  instrument: ['node_modules/openpgp/'],
  maxLen: 64 * 1024,
  timeoutMs: 10_000,
  async run(data) {
    const s = latin1(data);
    await decrypt(s, ring, LIMITS, FUZZ_NOW);
    await decrypt(data, ring, LIMITS, FUZZ_NOW);
    await verifyCleartext(s, ring, FUZZ_NOW);
    const cut = s.indexOf(SPLIT);
    const [signed, sig] = cut >= 0 ? [data.subarray(0, cut), data.subarray(cut + SPLIT.length)] : [data, data];
    await verifyDetached(signed, sig, ring, FUZZ_NOW);
    await keyFingerprints(s);
    await checkRecipientKey(s, FUZZ_NOW);
    await loadKeyring([{ name: 'fuzz', text: s }, { name: 'fuzz-binary', text: '', binary: data }], 'fixture-pass', () => undefined);
  },
};
