// security.txt and WKD discovery against a REAL local HTTPS server with a test CA
// (test/web/server.ts): names resolve to 127.0.0.1 through the fetcher's lookup override and
// nothing leaves this host.
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { httpsGet } from '../../src/adapters/https.ts';
import { generateDeskKey, type DeskKey } from '../../src/crypto/openpgp.ts';
import { wkdHash } from '../../src/rules/wkd-address.ts';
import type { WebLookupOptions } from '../../src/web/options.ts';
import { fetchSecurityTxt, verifySecurityTxt } from '../../src/web/security-txt.ts';
import { wkdLookup } from '../../src/web/wkd.ts';
import { startTestWeb, testLookup, type TestWeb } from './server.ts';

let web: TestWeb;
let opts: WebLookupOptions;
let security: DeskKey;
let other: DeskKey;
let NOW = new Date();
const FUTURE = new Date(Date.now() + 90 * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
const PAST = new Date(Date.now() - 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');

const TEXT = { 'content-type': 'text/plain; charset=utf-8' };

function securityTxt(host: string, o: { expires?: string; canonical?: string; extra?: string } = {}): string {
  return [
    '# security contact',
    `Contact: mailto:security@${host}`,
    'Contact: https://' + host + '/contact',
    `Expires: ${o.expires ?? FUTURE}`,
    'Preferred-Languages: ja, en',
    `Canonical: ${o.canonical ?? `https://${host}/.well-known/security.txt`}`,
    `Policy: https://${host}/policy`,
    o.extra ?? '',
  ].join('\n');
}

async function binaryKey(k: DeskKey): Promise<Buffer> {
  const key = await openpgp.readKey({ armoredKey: k.armoredPublic });
  return Buffer.from(key.toPacketList().write());
}

async function clearsign(text: string, k: DeskKey): Promise<string> {
  const signingKeys = await openpgp.readPrivateKey({ armoredKey: k.armoredPrivate });
  const message = await openpgp.createCleartextMessage({ text });
  return openpgp.sign({ message, signingKeys });
}

beforeAll(async () => {
  web = await startTestWeb();
  [security, other] = await Promise.all([generateDeskKey('Shop Security', 'security@shop.example.jp'), generateDeskKey('Someone Else', 'other@shop.example.jp')]);
  // After the keys were made: a key created after `now` is not valid at `now`.
  NOW = new Date(Date.now() + 1000);
  opts = { timeoutMs: 5000, maxSecurityTxtBytes: 32 * 1024, maxKeyBytes: 64 * 1024, ca: web.ca, lookup: testLookup, allowPrivateAddresses: true, port: web.port, now: NOW };
}, 60_000);

afterAll(async () => {
  await web.close();
});

beforeEach(() => {
  web.routes.clear();
  web.seen.length = 0;
});

describe('the HTTPS adapter', () => {
  it('refuses a server whose certificate the test CA did not sign', async () => {
    web.routes.set('shop.example.jp/x', { headers: TEXT, body: 'hello' });
    const good = await httpsGet('https://shop.example.jp/x', { timeoutMs: 5000, maxBytes: 100, ca: web.ca, lookup: testLookup, allowPrivateAddresses: true, port: web.port });
    expect(good.ok).toBe(true);
    const bad = await httpsGet('https://shop.example.jp/x', { timeoutMs: 5000, maxBytes: 100, ca: web.ca, lookup: testLookup, allowPrivateAddresses: true, port: web.roguePort });
    expect(bad).toMatchObject({ ok: false, reason: 'tls' });
  });

  it('refuses a certificate for another name (the system CAs do not know the test CA either)', async () => {
    const lookup = (h: string): Promise<string> => (h === 'unlisted.example.jp' ? Promise.resolve('127.0.0.1') : testLookup(h));
    const r = await httpsGet('https://unlisted.example.jp/x', { timeoutMs: 5000, maxBytes: 100, ca: web.ca, lookup, allowPrivateAddresses: true, port: web.port });
    expect(r).toMatchObject({ ok: false, reason: 'tls' });
    const sys = await httpsGet('https://shop.example.jp/x', { timeoutMs: 5000, maxBytes: 100, lookup: testLookup, allowPrivateAddresses: true, port: web.port });
    expect(sys).toMatchObject({ ok: false, reason: 'tls' });
  });

  it('refuses loopback and private addresses unless allowed, and http:', async () => {
    const r = await httpsGet('https://shop.example.jp/x', { timeoutMs: 5000, maxBytes: 100, ca: web.ca, lookup: testLookup, port: web.port });
    expect(r).toMatchObject({ ok: false, reason: 'private-address' });
    expect(web.seen).not.toContain('shop.example.jp/x');
    expect(await httpsGet('http://shop.example.jp/x', { timeoutMs: 5000, maxBytes: 100 })).toMatchObject({ ok: false, reason: 'bad-url' });
  });

  it('refuses an oversized body, with or without Content-Length', async () => {
    web.routes.set('shop.example.jp/big', { headers: TEXT, body: 'x'.repeat(2000) });
    const r = await httpsGet('https://shop.example.jp/big', { ...opts, maxBytes: 1000 });
    expect(r).toMatchObject({ ok: false, reason: 'too-large' });
    web.routes.set('shop.example.jp/chunked', { headers: { ...TEXT, 'transfer-encoding': 'chunked' }, body: 'y'.repeat(5000) });
    expect(await httpsGet('https://shop.example.jp/chunked', { ...opts, maxBytes: 1000 })).toMatchObject({ ok: false, reason: 'too-large' });
  });

  it('follows a redirect on the same host, refuses one to another host', async () => {
    web.routes.set('shop.example.jp/a', { status: 301, headers: { location: '/b' } });
    web.routes.set('shop.example.jp/b', { headers: TEXT, body: 'here' });
    const same = await httpsGet('https://shop.example.jp/a', { ...opts, maxBytes: 100 });
    expect(same.ok && same.body.toString()).toBe('here');
    web.routes.set('shop.example.jp/c', { status: 302, headers: { location: 'https://other.example.jp/b' } });
    expect(await httpsGet('https://shop.example.jp/c', { ...opts, maxBytes: 100 })).toMatchObject({ ok: false, reason: 'redirect-other-host' });
    expect(web.seen).not.toContain('other.example.jp/b');
  });
});

describe('security.txt (RFC 9116)', () => {
  it('reads a valid file: contacts, expiry, languages, canonical, policy', async () => {
    web.routes.set('shop.example.jp/.well-known/security.txt', { headers: TEXT, body: securityTxt('shop.example.jp') });
    const r = await fetchSecurityTxt('shop.example.jp', opts);
    expect(r.found).toBe(true);
    if (!r.found) return;
    expect(r.usable).toBe(true);
    expect(r.refusals).toEqual([]);
    expect(r.url).toBe('https://shop.example.jp/.well-known/security.txt');
    expect(r.fields.contacts).toEqual(['mailto:security@shop.example.jp', 'https://shop.example.jp/contact']);
    expect(r.fields.preferredLanguages).toEqual(['ja', 'en']);
    expect(r.fields.expires?.toISOString().slice(0, 19)).toBe(FUTURE.slice(0, 19));
    expect(r.fields.policy).toEqual(['https://shop.example.jp/policy']);
    expect(r.signature).toEqual({ signed: false });
  });

  it('does not trust an expired file', async () => {
    web.routes.set('shop.example.jp/.well-known/security.txt', { headers: TEXT, body: securityTxt('shop.example.jp', { expires: PAST }) });
    const r = await fetchSecurityTxt('shop.example.jp', opts);
    expect(r).toMatchObject({ found: true, usable: false, refusals: ['expired'] });
  });

  it('does not trust a file whose Canonical names another URL (copied from another site)', async () => {
    web.routes.set('shop.example.jp/.well-known/security.txt', { headers: TEXT, body: securityTxt('shop.example.jp', { canonical: 'https://other.example.jp/.well-known/security.txt' }) });
    const r = await fetchSecurityTxt('shop.example.jp', opts);
    expect(r).toMatchObject({ found: true, usable: false, refusals: ['canonical-mismatch'] });
  });

  it('refuses an oversized file, a wrong content type, and a redirect to another host', async () => {
    web.routes.set('shop.example.jp/.well-known/security.txt', { headers: TEXT, body: securityTxt('shop.example.jp', { extra: '#'.repeat(40_000) }) });
    expect(await fetchSecurityTxt('shop.example.jp', opts)).toMatchObject({ found: false, tried: [{ reason: 'too-large' }] });
    web.routes.set('shop.example.jp/.well-known/security.txt', { headers: { 'content-type': 'text/html' }, body: securityTxt('shop.example.jp') });
    expect(await fetchSecurityTxt('shop.example.jp', opts)).toMatchObject({ found: false, tried: [{ reason: 'content-type' }] });
    web.routes.set('shop.example.jp/.well-known/security.txt', { status: 301, headers: { location: 'https://other.example.jp/.well-known/security.txt' } });
    web.routes.set('other.example.jp/.well-known/security.txt', { headers: TEXT, body: securityTxt('other.example.jp') });
    const r = await fetchSecurityTxt('shop.example.jp', opts);
    expect(r).toMatchObject({ found: false, tried: [{ reason: 'redirect-other-host' }] });
    // No fallback to /security.txt after a refusal at the well-known path.
    expect(web.seen).not.toContain('shop.example.jp/security.txt');
  });

  it('refuses a server with a certificate not signed by the test CA', async () => {
    web.routes.set('shop.example.jp/.well-known/security.txt', { headers: TEXT, body: securityTxt('shop.example.jp') });
    const r = await fetchSecurityTxt('shop.example.jp', { ...opts, port: web.roguePort });
    expect(r).toMatchObject({ found: false, tried: [{ reason: 'tls' }] });
  });

  it('falls back to /security.txt only when the well-known path answers 404', async () => {
    web.routes.set('legacy.example.jp/security.txt', { headers: TEXT, body: securityTxt('legacy.example.jp', { canonical: 'https://legacy.example.jp/security.txt' }) });
    const r = await fetchSecurityTxt('legacy.example.jp', opts);
    expect(r).toMatchObject({ found: true, usable: true, url: 'https://legacy.example.jp/security.txt' });
  });

  it('verifies a signed file: good with the key found, bad when tampered, unknown without the key', async () => {
    const signed = await clearsign(securityTxt('signed.example.jp'), security);
    web.routes.set('signed.example.jp/.well-known/security.txt', { headers: TEXT, body: signed });
    const first = await fetchSecurityTxt('signed.example.jp', opts);
    expect(first).toMatchObject({ found: true, signature: { signed: true, status: 'unknown-key' } });
    const good = await verifySecurityTxt(first, [security.armoredPublic], NOW);
    expect(good).toMatchObject({ found: true, usable: true, signature: { signed: true, status: 'good', fingerprint: security.fingerprint } });

    const tampered = signed.replace('mailto:security@signed.example.jp', 'mailto:attacker@signed.example.jp');
    expect(tampered).not.toBe(signed);
    web.routes.set('signed.example.jp/.well-known/security.txt', { headers: TEXT, body: tampered });
    const bad = await verifySecurityTxt(await fetchSecurityTxt('signed.example.jp', opts), [security.armoredPublic], NOW);
    expect(bad).toMatchObject({ found: true, usable: false, signature: { signed: true, status: 'bad' } });
    if (bad.found) expect(bad.refusals).toContain('bad-signature');

    const wrongKey = await verifySecurityTxt(first, [other.armoredPublic], NOW);
    expect(wrongKey).toMatchObject({ signature: { signed: true, status: 'unknown-key' } });
  });

  it('reads only the signed text of a signed file (lines outside the signature add nothing)', async () => {
    const signed = await clearsign(securityTxt('signed.example.jp'), security);
    web.routes.set('signed.example.jp/.well-known/security.txt', { headers: TEXT, body: `Contact: mailto:attacker@evil.example\n${signed}\nContact: mailto:attacker2@evil.example\n` });
    const r = await verifySecurityTxt(await fetchSecurityTxt('signed.example.jp', opts), [security.armoredPublic], NOW);
    expect(r.found && r.fields.contacts.join(' ')).not.toContain('attacker');
  });
});

describe('WKD', () => {
  const hu = (local: string): string => `${wkdHash(local)}?l=${local}`;

  it('finds a key by the advanced method', async () => {
    web.routes.set(`openpgpkey.shop.example.jp/.well-known/openpgpkey/shop.example.jp/hu/${hu('security')}`, { headers: { 'content-type': 'application/octet-stream' }, body: await binaryKey(security) });
    const r = await wkdLookup('security@shop.example.jp', opts);
    expect(r).toMatchObject({ found: true, key: { method: 'advanced', fingerprint: security.fingerprint, state: 'ok' } });
  });

  it('falls back to the direct method when the openpgpkey subdomain does not exist', async () => {
    const key = await generateDeskKey('Direct', 'security@direct.example.jp', new Date(Date.now() - 60_000));
    web.routes.set(`direct.example.jp/.well-known/openpgpkey/hu/${hu('security')}`, { headers: { 'content-type': 'application/octet-stream' }, body: await binaryKey(key) });
    const r = await wkdLookup('security@direct.example.jp', opts);
    expect(r).toMatchObject({ found: true, key: { method: 'direct', fingerprint: key.fingerprint }, tried: [{ refused: 'dns' }] });
  });

  it('refuses a key whose user ids do not carry exactly that address', async () => {
    web.routes.set(`openpgpkey.shop.example.jp/.well-known/openpgpkey/shop.example.jp/hu/${hu('security')}`, { headers: { 'content-type': 'application/octet-stream' }, body: await binaryKey(other) });
    const r = await wkdLookup('security@shop.example.jp', opts);
    expect(r).toMatchObject({ found: false, reason: expect.any(String) as unknown });
    if (!r.found) expect(r.tried[0]).toMatchObject({ refused: 'no-matching-user-id' });
  });

  it('refuses an oversized answer and a secret key', async () => {
    web.routes.set(`openpgpkey.shop.example.jp/.well-known/openpgpkey/shop.example.jp/hu/${hu('security')}`, { body: Buffer.alloc(70 * 1024, 1) });
    const big = await wkdLookup('security@shop.example.jp', opts);
    expect(big.found).toBe(false);
    if (!big.found) expect(big.tried[0]).toMatchObject({ refused: 'too-large' });
    web.routes.set(`openpgpkey.shop.example.jp/.well-known/openpgpkey/shop.example.jp/hu/${hu('security')}`, { body: security.armoredPrivate });
    const secret = await wkdLookup('security@shop.example.jp', opts);
    expect(secret.found).toBe(false);
    if (!secret.found) expect(secret.tried[0]).toMatchObject({ refused: 'secret-key' });
  });
});
