// keyExpiry (src/crypto/openpgp.ts), for the digest's "keys expiring within 30 days"
// (issue 11): the date a key stops being usable to encrypt to, from the key itself.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { describe, expect, it } from 'vitest';
import { keyExpiry } from '../../src/crypto/openpgp.ts';
import { ROOT } from '../support/paths.ts';

const key = (name: string): string => readFileSync(join(ROOT, 'test', 'fixtures', 'gen', 'keys', `${name}.pub.asc`), 'utf8');
const DAY_S = 86_400;

describe('keyExpiry', () => {
  it('a key without expiry: null; an expired key: its past date (also before it expired)', async () => {
    expect(await keyExpiry(key('vendor'))).toMatchObject({ ok: true, expiresAt: null });
    const expired = await keyExpiry(key('expired'));
    expect(expired).toMatchObject({ ok: true, fingerprint: 'F0EBC4FECC56DC7D2642B4734491F5ED8B325D69' });
    expect(expired.ok && expired.expiresAt?.toISOString()).toBe('2020-12-31T00:00:00.000Z');
    const before = await keyExpiry(key('expired'), new Date('2020-12-21T00:00:00Z'));
    expect(before.ok && before.expiresAt?.toISOString()).toBe('2020-12-31T00:00:00.000Z');
  });

  it('revoked, unreadable, and sign-only keys are not usable, with a reason', async () => {
    expect(await keyExpiry(key('revoked'))).toMatchObject({ ok: false, why: 'revoked' });
    expect(await keyExpiry('not a key')).toEqual({ ok: false, fingerprint: null, why: 'unreadable' });
    expect(await keyExpiry(key('dsa'))).toMatchObject({ ok: false, why: 'no-encryption-key' });
  });

  it('an encryption subkey that expires before its primary key: the subkey\'s date counts', async () => {
    const created = new Date(Date.now() - DAY_S * 1000);
    const { publicKey } = await openpgp.generateKey({
      type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ email: 'psirt@vendor.test' }], date: created, format: 'armored',
      keyExpirationTime: 365 * DAY_S, subkeys: [{ keyExpirationTime: 11 * DAY_S }], config: { v6Keys: false },
    });
    const r = await keyExpiry(publicKey);
    expect(r.ok).toBe(true);
    expect(r.ok && r.expiresAt?.getTime()).toBe(created.getTime() - (created.getTime() % 1000) + 11 * DAY_S * 1000);
  });
});
