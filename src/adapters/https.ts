// The HTTPS adapter: the only file that fetches from the web (issue 11: security.txt and WKD
// discovery). One GET, fail closed, with every limit explicit:
// - HTTPS only, certificate checked against the system CAs or the configured bundle (`ca`);
//   a certificate the bundle does not vouch for is refused, never "accepted with a warning";
// - a deadline for the whole exchange, redirects included (`timeoutMs`);
// - a byte cap on the body, checked against Content-Length and while reading (`maxBytes`);
// - redirects followed only to the same host over HTTPS, at most MAX_REDIRECTS (RFC 9116 §3
//   lets a security.txt redirect anywhere, but the desk proposes what a site says about
//   itself, and a redirect to another host is another party speaking);
// - the address a name resolves to must be public (no loopback, private, link-local, CGNAT
//   or unique-local ranges) unless `allowPrivateAddresses`: a reporter names the host, and a
//   desk that fetches https://intranet.example.jp/ from inside a network is an SSRF probe.
// `lookup` replaces DNS and `port` the URL's port: tests resolve shop.example.jp to 127.0.0.1
// and reach their own server, and never leave the host.
import { lookup as dnsLookup } from 'node:dns';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

export interface HttpsGetOptions {
  timeoutMs: number;
  maxBytes: number;
  /** PEM CA bundle; replaces the system CAs when given. */
  ca?: string | Buffer;
  /** host → address, instead of DNS. */
  lookup?: (host: string) => Promise<string>;
  allowPrivateAddresses?: boolean;
  /** Connect to this port whatever the URL says (tests run their server on a free port). */
  port?: number;
}

export type HttpsFailure =
  | 'bad-url'
  | 'timeout'
  | 'too-large'
  | 'tls'
  | 'dns'
  | 'private-address'
  | 'connect'
  | 'status'
  | 'redirect-other-host'
  | 'too-many-redirects';

export type HttpsResult =
  | { ok: true; url: string; status: number; contentType: string | null; body: Buffer }
  | { ok: false; url: string; reason: HttpsFailure; detail: string; status?: number };

const MAX_REDIRECTS = 3;

// RFC 6890 special-purpose ranges a site on the Internet never lives at.
const NOT_PUBLIC = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const) {
  NOT_PUBLIC.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [
  ['::', 127],
  ['::ffff:0:0', 96],
  ['64:ff9b:1::', 48],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  NOT_PUBLIC.addSubnet(net, bits, 'ipv6');
}

/** Whether an address is one a public website could have (RFC 6890). */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  return !NOT_PUBLIC.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

class FetchError extends Error {
  constructor(
    readonly reason: HttpsFailure,
    detail: string,
    readonly status?: number,
  ) {
    super(detail);
  }
}

/** One GET of an https URL under the limits above. Never throws. */
export async function httpsGet(url: string, opts: HttpsGetOptions): Promise<HttpsResult> {
  let current: URL;
  try {
    current = new URL(url);
  } catch {
    return { ok: false, url, reason: 'bad-url', detail: 'not a URL' };
  }
  if (current.protocol !== 'https:') return { ok: false, url, reason: 'bad-url', detail: 'only https is fetched' };
  const deadline = Date.now() + opts.timeoutMs;
  const host = current.hostname;
  try {
    for (let hop = 0; ; hop++) {
      const r = await getOnce(current, opts, deadline);
      if (r.kind === 'body') return { ok: true, url: current.toString(), status: r.status, contentType: r.contentType, body: r.body };
      if (hop >= MAX_REDIRECTS) throw new FetchError('too-many-redirects', `more than ${MAX_REDIRECTS} redirects`);
      let next: URL;
      try {
        next = new URL(r.location, current);
      } catch {
        throw new FetchError('redirect-other-host', 'redirect to an unreadable location');
      }
      if (next.protocol !== 'https:' || next.hostname !== host || next.port !== current.port) {
        throw new FetchError('redirect-other-host', `redirect to ${next.protocol}//${next.host}`);
      }
      current = next;
    }
  } catch (e) {
    if (e instanceof FetchError) return { ok: false, url: current.toString(), reason: e.reason, detail: e.message, ...(e.status !== undefined ? { status: e.status } : {}) };
    return { ok: false, url: current.toString(), reason: 'connect', detail: e instanceof Error ? e.message : String(e) };
  }
}

type Once = { kind: 'body'; status: number; contentType: string | null; body: Buffer } | { kind: 'redirect'; location: string };

function getOnce(url: URL, opts: HttpsGetOptions, deadline: number): Promise<Once> {
  const remaining = deadline - Date.now();
  if (remaining <= 0) return Promise.reject(new FetchError('timeout', 'deadline passed'));
  const resolveHost = opts.lookup ?? defaultResolve;
  // net.connect's lookup hook: our resolver, then the public-address check, so the address
  // checked is the address connected to (no second resolution in between).
  const lookup: LookupFunction = (hostname, options, cb) => {
    resolveHost(hostname).then(
      (address) => {
        const family = isIP(address);
        if (family === 0) return cb(new FetchError('dns', `${hostname} resolved to no address`), '', 4);
        if (opts.allowPrivateAddresses !== true && !isPublicAddress(address)) return cb(new FetchError('private-address', `${hostname} resolves to a non-public address`), '', 4);
        if ((options as { all?: boolean }).all === true) return (cb as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address, family }]);
        return cb(null, address, family);
      },
      (e: unknown) => cb(e instanceof FetchError ? e : new FetchError('dns', `${hostname}: ${e instanceof Error ? e.message : String(e)}`), '', 4),
    );
  };
  return new Promise<Once>((resolve, reject) => {
    let settled = false;
    const fail = (e: FetchError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(e);
    };
    const req = https.request(
      url,
      {
        method: 'GET',
        ...(opts.ca !== undefined ? { ca: opts.ca } : {}),
        rejectUnauthorized: true,
        lookup,
        ...(opts.port !== undefined ? { port: opts.port } : {}),
        agent: false,
        headers: { accept: '*/*', 'user-agent': 'madoguchi (security contact discovery)' },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if ([301, 302, 303, 307, 308].includes(status)) {
          const location = res.headers.location;
          res.resume();
          if (typeof location !== 'string' || location === '') return fail(new FetchError('status', `redirect ${status} without a Location`, status));
          settled = true;
          clearTimeout(timer);
          req.destroy();
          return resolve({ kind: 'redirect', location });
        }
        if (status !== 200) {
          res.resume();
          return fail(new FetchError('status', `HTTP ${status}`, status));
        }
        const declared = Number(res.headers['content-length']);
        if (Number.isFinite(declared) && declared > opts.maxBytes) return fail(new FetchError('too-large', `Content-Length ${declared} > ${opts.maxBytes}`));
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > opts.maxBytes) return fail(new FetchError('too-large', `body over ${opts.maxBytes} bytes`));
          chunks.push(c);
        });
        res.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve({ kind: 'body', status, contentType: res.headers['content-type'] ?? null, body: Buffer.concat(chunks) });
        });
        res.on('error', (e) => fail(new FetchError('connect', e.message)));
      },
    );
    const timer = setTimeout(() => fail(new FetchError('timeout', `no answer within ${opts.timeoutMs} ms`)), remaining);
    req.on('error', (e: Error & { code?: string }) => {
      if (e instanceof FetchError) return fail(e);
      const tls = typeof e.code === 'string' && /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO|HOSTNAME|ERR_TLS/.test(e.code);
      fail(new FetchError(tls ? 'tls' : 'connect', e.code ? `${e.code}: ${e.message}` : e.message));
    });
    req.end();
  });
}

function defaultResolve(host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    dnsLookup(host, { all: false }, (e, address) => (e ? reject(e) : resolve(address)));
  });
}
