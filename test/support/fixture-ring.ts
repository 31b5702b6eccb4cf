import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadKeyring, type Keyring } from '../../src/crypto/openpgp.ts';
import { FIXTURES } from './paths.ts';

export const fixture = (name: string): Buffer => readFileSync(join(FIXTURES, name));

/** The generated corpus' keyring (test/fixtures/gen/keys). */
export async function fixtureRing(): Promise<Keyring> {
  const dir = join(FIXTURES, 'keys');
  const sources = readdirSync(dir)
    .filter((n) => n.endsWith('.asc') && !n.startsWith('desk-protected'))
    .map((n) => ({ name: n, text: readFileSync(join(dir, n), 'utf8') }));
  return loadKeyring(sources, undefined, () => undefined);
}
