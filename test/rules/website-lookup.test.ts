// The pure parts of the website track: scope (src/rules/website-scope.ts), security.txt
// parsing (src/rules/security-txt.ts) and the WKD address (src/rules/wkd-address.ts).
import { describe, expect, it } from 'vitest';
import { canonicalMatches, clearsignedBlock, isClearsigned, mailtoAddress, parseSecurityTxt } from '../../src/rules/security-txt.ts';
import { hostAndParents, normaliseDomain, parseSiteUrl, websiteScope } from '../../src/rules/website-scope.ts';
import { wkdHash, wkdUrls, zBase32 } from '../../src/rules/wkd-address.ts';

describe('website scope', () => {
  it.each([
    ['https://shop.example.jp/cart', 'shop.example.jp'],
    ['shop.example.co.jp/cart?x=1', 'shop.example.co.jp'],
    ['HTTPS://WWW.City.Tokyo.JP./', 'www.city.tokyo.jp'],
    ['https://例え.jp/', 'xn--r8jz45g.jp'],
    ['http://ｅｘａｍｐｌｅ．ｊｐ/', 'example.jp'],
    ['https://東京.jp', 'xn--1lqs71d.jp'],
    ['https://user:secret@shop.example.jp:8443/x', 'shop.example.jp'],
    ['shop.example.jp:8443/login', 'shop.example.jp'],
  ])('%s is in scope by itself (host %s)', (url, host) => {
    const v = websiteScope(url);
    expect(v).toMatchObject({ verdict: 'in-scope', host });
  });

  it('never keeps credentials from the URL', () => {
    const v = websiteScope('https://user:secret@shop.example.jp/x');
    expect(v.verdict === 'in-scope' && v.url).toBe('https://shop.example.jp/x');
  });

  it.each([
    ['https://shop.example.com/', 'not-jp'],
    ['https://example.jp.evil.com/', 'not-jp'],
    ['https://shop.みんな/', 'japanese-script-gtld'],
    ['https://192.0.2.10/admin', 'ip-literal'],
    ['https://0x7f.1/', 'ip-literal'],
    ['https://[2001:db8::1]/', 'ip-literal'],
    ['http://intranet/', 'single-label'],
    ['https://jp/', 'single-label'],
  ])('%s needs a coordinator (%s)', (url, reason) => {
    expect(websiteScope(url)).toMatchObject({ verdict: 'needs-coordinator', reason });
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['javascript:alert(1)', 'scheme'],
    ['ftp://files.example.jp/', 'scheme'],
    ['https://exa mple.jp/', 'unparseable'],
    ['https://' + 'a'.repeat(3000) + '.jp/', 'too-long'],
    ['https://' + 'a'.repeat(64) + '.jp/', 'bad-host'],
    ['https://a..jp/', 'bad-host'],
  ])('%j is a bad URL (%s), not a crash', (url, reason) => {
    expect(websiteScope(url)).toEqual({ verdict: 'bad-url', reason });
  });

  it('lists a host and its parents, most specific first, without the TLD', () => {
    expect(hostAndParents('a.shop.example.jp')).toEqual(['a.shop.example.jp', 'shop.example.jp', 'example.jp']);
  });

  it('normalises registry domains and refuses what is no domain', () => {
    expect(normaliseDomain(' Shop.Example.JP. ')).toBe('shop.example.jp');
    expect(normaliseDomain('例え.jp')).toBe('xn--r8jz45g.jp');
    for (const bad of ['*.example.jp', 'https://example.jp/', '192.0.2.1', 'localhost', '', 'a b.jp']) expect(normaliseDomain(bad)).toBeNull();
  });

  it('parseSiteUrl gives the same host whatever the width and case', () => {
    expect(parseSiteUrl('ＳＨＯＰ．example．jp')).toMatchObject({ ok: true, host: 'shop.example.jp' });
  });
});

describe('security.txt parsing (RFC 9116)', () => {
  const file = [
    '# comment',
    'Contact: mailto:security@example.jp',
    'contact: https://example.jp/contact',
    'Expires: 2030-01-01T00:00:00Z',
    'Encryption: https://example.jp/key.asc',
    'Preferred-Languages: ja, en',
    'Canonical: https://example.jp/.well-known/security.txt',
    'Policy: https://example.jp/policy',
    'Hiring: https://example.jp/jobs',
  ].join('\r\n');

  it('reads every field, names case-insensitive, unknown fields ignored', () => {
    const r = parseSecurityTxt(file);
    expect(r.problems).toEqual([]);
    expect(r.fields).toEqual({
      contacts: ['mailto:security@example.jp', 'https://example.jp/contact'],
      encryption: ['https://example.jp/key.asc'],
      expires: new Date('2030-01-01T00:00:00Z'),
      preferredLanguages: ['ja', 'en'],
      canonical: ['https://example.jp/.well-known/security.txt'],
      policy: ['https://example.jp/policy'],
    });
  });

  it('reports a missing Contact and Expires, two Expires, a bad date, an http: Contact', () => {
    expect(parseSecurityTxt('Policy: https://x.jp/p').problems.map((p) => p.problem)).toEqual(['no-contact', 'no-expires']);
    const two = parseSecurityTxt('Contact: mailto:a@x.jp\nExpires: 2030-01-01T00:00:00Z\nExpires: 2031-01-01T00:00:00Z');
    expect(two.problems.map((p) => p.problem)).toEqual(['several-expires']);
    expect(two.fields.expires).toBeNull();
    expect(parseSecurityTxt('Contact: mailto:a@x.jp\nExpires: next year').problems).toContainEqual({ problem: 'bad-expires', line: 2 });
    expect(parseSecurityTxt('Contact: http://x.jp/\nExpires: 2030-01-01T00:00:00Z').problems).toContainEqual({ problem: 'bad-line', line: 1 });
  });

  it('finds a signed block even with lines around it', () => {
    const block = '-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nContact: mailto:a@x.jp\n-----BEGIN PGP SIGNATURE-----\n\nabc\n-----END PGP SIGNATURE-----';
    expect(isClearsigned(`Contact: mailto:evil@x.example\n${block}\n`)).toBe(true);
    expect(clearsignedBlock(`junk\n${block}\njunk`)).toBe(block);
    expect(isClearsigned(file)).toBe(false);
  });

  it('reads mailto addresses and matches Canonical to the fetched URL', () => {
    expect(mailtoAddress('mailto:security%40example.jp?subject=x')).toBe('security@example.jp');
    expect(mailtoAddress('https://example.jp/')).toBeNull();
    expect(canonicalMatches(['https://EXAMPLE.jp:443/.well-known/security.txt'], 'https://example.jp/.well-known/security.txt')).toBe(true);
    expect(canonicalMatches(['https://other.jp/.well-known/security.txt'], 'https://example.jp/.well-known/security.txt')).toBe(false);
  });
});

describe('WKD address (draft-koch-openpgp-webkey-service)', () => {
  it('hashes the known vector from the draft', () => {
    expect(wkdHash('Joe.Doe')).toBe('iy9q119eutrkn8s1mk4r39qejnbu3n5q');
  });

  it('encodes z-base-32 (RFC 6189 §5.1.6)', () => {
    expect(zBase32(new Uint8Array([]))).toBe('');
    expect(zBase32(new Uint8Array([0xff]))).toBe('9h');
    expect(zBase32(new Uint8Array([0]))).toBe('yy');
  });

  it('builds the advanced and direct URLs', () => {
    expect(wkdUrls('Joe.Doe@Example.ORG')).toEqual({
      address: 'Joe.Doe@example.org',
      advanced: 'https://openpgpkey.example.org/.well-known/openpgpkey/example.org/hu/iy9q119eutrkn8s1mk4r39qejnbu3n5q?l=Joe.Doe',
      direct: 'https://example.org/.well-known/openpgpkey/hu/iy9q119eutrkn8s1mk4r39qejnbu3n5q?l=Joe.Doe',
    });
    for (const bad of ['no-at', '@example.jp', 'a@', 'a@192.0.2.1', 'a b@example.jp', 'a@localhost']) expect(wkdUrls(bad)).toBeNull();
  });
});
