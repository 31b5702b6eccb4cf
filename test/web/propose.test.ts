// proposeOperatorContact (src/web/propose.ts): the registry first, then security.txt + WKD
// from the local HTTPS server (test/web/server.ts), always marked unconfirmed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDeskKey, type DeskKey } from '../../src/crypto/openpgp.ts';
import { wkdHash } from '../../src/rules/wkd-address.ts';
import type { Db } from '../../src/store/db.ts';
import { upsertOperator } from '../../src/store/operators.ts';
import { webOptionsFromConfig, type WebLookupOptions } from '../../src/web/options.ts';
import { proposeOperatorContact } from '../../src/web/propose.ts';
import { openTestDb } from '../registry/support.ts';
import { startTestWeb, testLookup, type TestWeb } from './server.ts';

let web: TestWeb;
let opts: WebLookupOptions;
let db: Db;
let cleanup: () => Promise<void>;
let key: DeskKey;
const FUTURE = new Date(Date.now() + 90 * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');

beforeAll(async () => {
  web = await startTestWeb();
  ({ db, cleanup } = await openTestDb('pg'));
  key = await generateDeskKey('Signed Security', 'security@signed.example.jp', new Date(Date.now() - 60_000));
  opts = { timeoutMs: 5000, maxSecurityTxtBytes: 32 * 1024, maxKeyBytes: 64 * 1024, ca: web.ca, lookup: testLookup, allowPrivateAddresses: true, port: web.port };
}, 60_000);

afterAll(async () => {
  await web.close();
  await cleanup();
});

describe('proposeOperatorContact', () => {
  it('proposes a registered operator first, without fetching anything', async () => {
    await upsertOperator(db, { id: 'other', name: 'Other', domains: ['other.example.jp'], contacts: { to: ['sec@other.example.jp'] }, keys: [] }, 'test');
    web.seen.length = 0;
    const p = await proposeOperatorContact(db, 'https://www.other.example.jp/x', opts);
    expect(p).toMatchObject({ kind: 'registered', confirmed: true, operator: { id: 'other', domain: 'other.example.jp', contacts: ['sec@other.example.jp'] } });
    expect(web.seen).toEqual([]);
  });

  it('proposes a signed security.txt contact with its WKD key, unconfirmed', async () => {
    const text = ['Contact: mailto:security@signed.example.jp', `Expires: ${FUTURE}`, 'Canonical: https://signed.example.jp/.well-known/security.txt', 'Preferred-Languages: ja'].join('\n');
    const signingKeys = await openpgp.readPrivateKey({ armoredKey: key.armoredPrivate });
    const signed = await openpgp.sign({ message: await openpgp.createCleartextMessage({ text }), signingKeys });
    web.routes.set('signed.example.jp/.well-known/security.txt', { headers: { 'content-type': 'text/plain; charset=utf-8' }, body: signed });
    const bin = Buffer.from((await openpgp.readKey({ armoredKey: key.armoredPublic })).toPacketList().write());
    web.routes.set(`openpgpkey.signed.example.jp/.well-known/openpgpkey/signed.example.jp/hu/${wkdHash('security')}?l=security`, { body: bin });
    const p = await proposeOperatorContact(db, 'https://signed.example.jp/shop', opts);
    expect(p).toMatchObject({
      kind: 'web',
      confirmed: false,
      scope: { verdict: 'in-scope' },
      securityTxt: { found: true, usable: true, signature: { signed: true, status: 'good', fingerprint: key.fingerprint } },
      contacts: [{ email: 'security@signed.example.jp', from: 'https://signed.example.jp/.well-known/security.txt', key: { fingerprint: key.fingerprint, source: 'wkd-advanced', state: 'ok' } }],
    });
    expect(p.kind === 'web' && p.securityTxt.found && p.securityTxt.expires?.toISOString().slice(0, 19)).toBe(FUTURE.slice(0, 19));
  });

  it('the configured web.connectTo reaches the local server under the configured CA, names still checked by the certificate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mdg-connect-'));
    try {
      writeFileSync(join(dir, 'ca.pem'), web.ca);
      const config = { timeoutSeconds: 5, maxSecurityTxtKb: 32, maxKeyKb: 64, caFile: join(dir, 'ca.pem') };
      const p = await proposeOperatorContact(db, 'https://signed.example.jp/shop', webOptionsFromConfig({ ...config, connectTo: `127.0.0.1:${String(web.port)}` }));
      expect(p).toMatchObject({ kind: 'web', contacts: [{ email: 'security@signed.example.jp', key: { fingerprint: key.fingerprint } }] });
      // The same address, a certificate the CA does not vouch for: nothing read.
      const rogue = await proposeOperatorContact(db, 'https://signed.example.jp/shop', webOptionsFromConfig({ ...config, connectTo: `127.0.0.1:${String(web.roguePort)}` }));
      expect(rogue).toMatchObject({ kind: 'web', contacts: [], securityTxt: { found: false } });
      // Without it, the loopback address a name might resolve to is refused (SSRF guard).
      expect(webOptionsFromConfig({ ...config, connectTo: '' })).not.toHaveProperty('allowPrivateAddresses');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('proposes no contact from a file that is not usable, but says why', async () => {
    web.routes.set('shop.example.jp/.well-known/security.txt', { headers: { 'content-type': 'text/plain' }, body: 'Contact: mailto:security@shop.example.jp\nExpires: 2001-01-01T00:00:00Z\n' });
    const p = await proposeOperatorContact(db, 'https://shop.example.jp/', opts);
    expect(p).toMatchObject({ kind: 'web', confirmed: false, contacts: [], securityTxt: { found: true, usable: false, refusals: ['expired'] } });
  });

  it('fetches nothing for a bad URL, an IP address, or when the web is disabled', async () => {
    web.seen.length = 0;
    expect(await proposeOperatorContact(db, 'javascript:alert(1)', opts)).toMatchObject({ kind: 'none', reason: 'bad-url', scope: { verdict: 'bad-url' } });
    expect(await proposeOperatorContact(db, 'https://127.0.0.1/', opts)).toMatchObject({ kind: 'none', reason: 'ip-literal' });
    expect(await proposeOperatorContact(db, 'https://shop.example.jp/', null)).toMatchObject({ kind: 'none', reason: 'web-disabled' });
    expect(web.seen).toEqual([]);
  });

  it('flags a site outside .jp for a coordinator and still looks for its contact', async () => {
    const p = await proposeOperatorContact(db, 'https://example.com/', opts);
    expect(p).toMatchObject({ kind: 'web', scope: { verdict: 'needs-coordinator', reason: 'not-jp' }, securityTxt: { found: false } });
  });
});
