// Whether a website report is in the desk's scope by itself (guideline §4: "a site used in
// Japan"), from the site URL the reporter gave. Pure: no lookup, no fetch. The rule and its
// reasons are in docs/decisions.md ("Website scope").
//
// In scope by itself: a host under the .jp ccTLD, at any depth (example.jp, co.jp and the
// other attribute domains, the 都道府県 geographic domains such as tokyo.jp, and Japanese
// labels under .jp, which IDNA turns into xn--…jp). Everything else is a question for a
// coordinator (`needs-coordinator`): a .com shop may well be a site used in Japan, but the
// desk cannot tell from the name. Japan has no IDN ccTLD; the Japanese-script generic TLDs
// (.みんな, .コム, …) are flagged like any gTLD, with their own reason so the coordinator sees why.

/** Why a URL could not be read as a website address. */
export type BadUrlReason = 'empty' | 'too-long' | 'unparseable' | 'scheme' | 'no-host' | 'bad-host';

/** Why a readable site is not in scope by itself. */
export type FlagReason = 'not-jp' | 'japanese-script-gtld' | 'ip-literal' | 'single-label';

export type ScopeVerdict =
  | { verdict: 'in-scope'; host: string; url: string }
  | { verdict: 'needs-coordinator'; reason: FlagReason; host: string; url: string }
  | { verdict: 'bad-url'; reason: BadUrlReason };

export type SiteAddress = { ok: true; host: string; url: string } | { ok: false; reason: BadUrlReason };

/** A report field is short: anything longer is not a site address someone typed. */
const MAX_URL_CHARS = 2048;
/** RFC 1035 §2.3.4: 253 characters for a name (without the trailing dot), 63 per label. */
const MAX_HOST_CHARS = 253;

/**
 * Japanese-script generic TLDs in the root zone (IANA, punycode). Flagged, not in scope:
 * they are gTLDs open to anyone, not a Japanese ccTLD.
 */
const JAPANESE_SCRIPT_GTLDS = new Set([
  'xn--q9jyb4c', // みんな
  'xn--tckwe', // コム
  'xn--cckwcxetd', // アマゾン
  'xn--gckr3f0f', // クラウド
  'xn--eckvdtc9d', // ポイント
  'xn--bck1b9a5dre4c', // ファッション
  'xn--cck2b3b', // ストア
  'xn--1ck2e1b', // セール
  'xn--jvr189m', // 食品
  'xn--rovu88b', // 書籍
  'xn--qcka1pmc', // グーグル
]);

/**
 * Reads a site address as a reporter writes it: with or without `https://`, with an IDN
 * host in any width (IDNA/UTS #46 mapping by the WHATWG URL parser), any case, a trailing
 * dot. The result has the host in ASCII (punycode), lower case, no trailing dot, and the URL
 * without credentials (a `user:pass@` in a report is never kept or shown).
 */
export function parseSiteUrl(input: string): SiteAddress {
  const text = input.normalize('NFC').trim();
  if (text === '') return { ok: false, reason: 'empty' };
  if (text.length > MAX_URL_CHARS) return { ok: false, reason: 'too-long' };
  // No scheme: read as https (a report says "shop.example.jp/cart"). A scheme other than
  // http(s) is no website (ftp:, javascript:, file:).
  const hasScheme = /^[a-z][a-z0-9+.-]*:/i.test(text) && !/^[^/:]+:\d+(\/|$)/.test(text);
  const withScheme = hasScheme ? text : `https://${text.replace(/^\/+/, '')}`;
  let u: URL;
  try {
    u = new URL(withScheme);
  } catch {
    return { ok: false, reason: 'unparseable' };
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return { ok: false, reason: 'scheme' };
  let host = u.hostname.toLowerCase();
  if (host === '') return { ok: false, reason: 'no-host' };
  if (host.endsWith('.')) host = host.slice(0, -1);
  if (host === '' || host.length > MAX_HOST_CHARS) return { ok: false, reason: 'bad-host' };
  if (!isIpLiteral(host)) {
    const labels = host.split('.');
    if (labels.some((l) => l === '' || l.length > 63 || !/^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?$/.test(l))) return { ok: false, reason: 'bad-host' };
  }
  u.username = '';
  u.password = '';
  u.hostname = host;
  return { ok: true, host, url: u.toString() };
}

/** An IPv6 literal comes back from URL as `[…]`; IPv4 in any form (0x7f.1) as dotted decimal. */
export function isIpLiteral(host: string): boolean {
  return host.startsWith('[') || /^\d{1,3}(\.\d{1,3}){3}$/.test(host);
}

/** The site's scope verdict (see the file comment). */
export function websiteScope(input: string): ScopeVerdict {
  const a = parseSiteUrl(input);
  if (!a.ok) return { verdict: 'bad-url', reason: a.reason };
  const { host, url } = a;
  if (isIpLiteral(host)) return { verdict: 'needs-coordinator', reason: 'ip-literal', host, url };
  const labels = host.split('.');
  if (labels.length < 2) return { verdict: 'needs-coordinator', reason: 'single-label', host, url };
  const tld = labels[labels.length - 1] ?? '';
  if (tld === 'jp') return { verdict: 'in-scope', host, url };
  if (JAPANESE_SCRIPT_GTLDS.has(tld)) return { verdict: 'needs-coordinator', reason: 'japanese-script-gtld', host, url };
  return { verdict: 'needs-coordinator', reason: 'not-jp', host, url };
}

/**
 * The host and its parent domains, most specific first, down to (not including) the TLD:
 * `a.shop.example.jp` → [a.shop.example.jp, shop.example.jp, example.jp]. A registry entry
 * for a domain covers its subdomains; the most specific entry wins.
 */
export function hostAndParents(host: string): string[] {
  const labels = host.split('.');
  const out: string[] = [];
  for (let i = 0; i < labels.length - 1; i++) out.push(labels.slice(i).join('.'));
  return out.length > 0 ? out : [host];
}

/**
 * A registry domain as written by a coordinator (`例え.jp`, `Shop.Example.JP.`), in the
 * form hosts are compared in; null when it is no DNS name (an IP literal, a URL, a
 * wildcard: a domain already covers its subdomains).
 */
export function normaliseDomain(input: string): string | null {
  const t = input.trim();
  if (t === '' || /[/:*@\s]/.test(t)) return null;
  const a = parseSiteUrl(t);
  if (!a.ok || isIpLiteral(a.host) || !a.host.includes('.')) return null;
  return a.host;
}
