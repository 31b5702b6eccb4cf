// Reads every armored key file (*.asc) of a directory into a keyring.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadKeyring, type Keyring } from './openpgp.ts';

export async function loadKeyDir(dir: string, passphrase: string | undefined, warn: (msg: string) => void): Promise<Keyring> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.asc')).sort();
  const sources = await Promise.all(names.map(async (name) => ({ name, text: await readFile(join(dir, name), 'utf8') })));
  return loadKeyring(sources, passphrase, warn);
}
