// The fixture keyring (test/fixtures/gen/keys: the desk's key, reporters, vendor,
// expired, revoked, DSA...) and a fixed clock inside the keys' lifetimes (the fixtures
// are signed 2026-11-20 10:00 +0900; the revoked key is revoked 2026-11-21).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { KeySource } from '../src/crypto/openpgp.ts';
import { FIXTURES } from './seeds.ts';

export const FUZZ_NOW = new Date('2026-11-20T12:00:00Z');

export function fixtureKeySources(): KeySource[] {
  const dir = path.join(FIXTURES, 'gen', 'keys');
  return readdirSync(dir)
    .filter((n) => n.endsWith('.asc') && !n.startsWith('desk-protected'))
    .sort()
    .map((n) => ({ name: n, text: readFileSync(path.join(dir, n), 'utf8') }));
}
