// The desk's own key: generated on first start when there is none (issue 3), then read
// from keysDir/desk.sec.asc. Other *.asc files in keysDir join the keyring (keys of
// coordinators, or keys a deployment wants to trust from the start).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadKeyDir } from '../crypto/keydir.ts';
import { generateDeskKey, readSigningKey, type Keyring, type SigningKey } from '../crypto/openpgp.ts';

export interface DeskKeys {
  signer: SigningKey;
  ring: Keyring;
  /** True when this start generated the key. */
  generated: boolean;
}

export async function ensureDeskKeys(keysDir: string, name: string, address: string, log: (m: string) => void): Promise<DeskKeys> {
  mkdirSync(keysDir, { recursive: true });
  const secPath = join(keysDir, 'desk.sec.asc');
  let generated = false;
  if (!existsSync(secPath)) {
    const key = await generateDeskKey(name, address);
    // 0600: the secret key is readable by the desk's user only.
    writeFileSync(secPath, key.armoredPrivate, { mode: 0o600, flag: 'wx' });
    writeFileSync(join(keysDir, 'desk.pub.asc'), key.armoredPublic);
    generated = true;
    log(`generated the desk key ${key.fingerprint} in ${secPath}`);
  }
  const passphrase = process.env.MADOGUCHI_KEY_PASSPHRASE;
  const signer = await readSigningKey(readFileSync(secPath, 'utf8'), passphrase);
  const ring = await loadKeyDir(keysDir, passphrase, (m) => log(`warning: ${m}`));
  return { signer, ring, generated };
}
