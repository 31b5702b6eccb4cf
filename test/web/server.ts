// A real HTTPS server on 127.0.0.1 for the web lookup tests, with a throwaway test CA made by
// openssl in a temp directory. Names like shop.example.jp are "resolved" to 127.0.0.1 by the
// fetcher's lookup override; nothing leaves this host. A second server presents a
// self-signed certificate for the same names (not vouched for by the test CA).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { RequestListener } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Route {
  status?: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface TestWeb {
  ca: string;
  port: number;
  roguePort: number;
  /** Routes by `host + path` (path with its query string). */
  routes: Map<string, Route>;
  /** Requests seen, as `host + path`. */
  seen: string[];
  close: () => Promise<void>;
}

/** The names the server certificate covers. */
export const HOSTS = ['shop.example.jp', 'openpgpkey.shop.example.jp', 'direct.example.jp', 'legacy.example.jp', 'other.example.jp', 'signed.example.jp', 'openpgpkey.signed.example.jp', 'example.com'];

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
}

export async function startTestWeb(): Promise<TestWeb> {
  const dir = mkdtempSync(join(tmpdir(), 'mdg-web-'));
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(dir, ['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=madoguchi test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  openssl(dir, ['req', ...ec, '-keyout', 'srv.key', '-out', 'srv.csr', '-subj', '/CN=shop.example.jp']);
  const san = `subjectAltName=${HOSTS.map((h) => `DNS:${h}`).join(',')}`;
  writeFileSync(join(dir, 'ext.cnf'), `${san}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
  openssl(dir, ['x509', '-req', '-in', 'srv.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'srv.pem', '-days', '2', '-extfile', 'ext.cnf']);
  // The rogue certificate: same names, self-signed (no test CA behind it).
  openssl(dir, ['req', '-x509', ...ec, '-keyout', 'rogue.key', '-out', 'rogue.pem', '-days', '2', '-subj', '/CN=shop.example.jp', '-addext', san]);
  const read = (f: string): string => readFileSync(join(dir, f), 'utf8');
  const ca = read('ca.pem');
  const routes = new Map<string, Route>();
  const seen: string[] = [];
  const handler: RequestListener = (req, res) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    const key = `${host}${req.url ?? ''}`;
    seen.push(key);
    const r = routes.get(key);
    if (!r) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    res.writeHead(r.status ?? 200, r.headers ?? {});
    res.end(r.body ?? '');
  };
  const server = https.createServer({ key: read('srv.key'), cert: read('srv.pem') }, handler);
  const rogue = https.createServer({ key: read('rogue.key'), cert: read('rogue.pem') }, handler);
  const listen = (s: https.Server): Promise<number> => new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port)));
  const port = await listen(server);
  const roguePort = await listen(rogue);
  rmSync(join(dir, 'ca.key'));
  return {
    ca,
    port,
    roguePort,
    routes,
    seen,
    close: async () => {
      await Promise.all(
        [server, rogue].map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => resolve());
              s.closeAllConnections();
            }),
        ),
      );
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The lookup override: the test names to 127.0.0.1, anything else does not exist. */
export function testLookup(host: string): Promise<string> {
  if (HOSTS.includes(host)) return Promise.resolve('127.0.0.1');
  return Promise.reject(Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' }));
}
