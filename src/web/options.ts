// What every web lookup (security.txt, WKD) takes: the limits and the fetcher's test hooks.
// Built from the configuration's `web` section by webOptionsFromConfig.
import { readFileSync } from 'node:fs';
import type { HttpsGetOptions } from '../adapters/https.ts';

export interface WebLookupOptions {
  timeoutMs: number;
  /** RFC 9116 files are small; 32 KB is generous (config web.maxSecurityTxtKb). */
  maxSecurityTxtBytes: number;
  maxKeyBytes: number;
  ca?: string | Buffer;
  lookup?: (host: string) => Promise<string>;
  allowPrivateAddresses?: boolean;
  /** Tests only: the port of the local HTTPS server. */
  port?: number;
  now?: Date;
}

export function fetchOptions(o: WebLookupOptions, maxBytes: number): HttpsGetOptions {
  return {
    timeoutMs: o.timeoutMs,
    maxBytes,
    ...(o.ca !== undefined ? { ca: o.ca } : {}),
    ...(o.lookup !== undefined ? { lookup: o.lookup } : {}),
    ...(o.allowPrivateAddresses !== undefined ? { allowPrivateAddresses: o.allowPrivateAddresses } : {}),
    ...(o.port !== undefined ? { port: o.port } : {}),
  };
}

/** The options from config `web` (a missing caFile throws: a configured bundle must exist). */
export function webOptionsFromConfig(web: { timeoutSeconds: number; maxSecurityTxtKb: number; maxKeyKb: number; caFile: string; connectTo: string }): WebLookupOptions {
  return {
    timeoutMs: web.timeoutSeconds * 1000,
    maxSecurityTxtBytes: web.maxSecurityTxtKb * 1024,
    maxKeyBytes: web.maxKeyKb * 1024,
    ...(web.caFile !== '' ? { ca: readFileSync(web.caFile) } : {}),
    ...connectTo(web.connectTo),
  };
}

/**
 * `web.connectTo` ADDRESS:PORT (a test installation; docs/operators.md): every name resolves
 * to ADDRESS, every connection goes to PORT, and ADDRESS may be private because the
 * operator named it. The certificate is still checked for the site's name (src/adapters/https.ts).
 */
function connectTo(spec: string): Pick<WebLookupOptions, 'lookup' | 'port' | 'allowPrivateAddresses'> {
  if (spec === '') return {};
  const at = spec.lastIndexOf(':');
  const address = spec.slice(0, at).replace(/^\[(.*)\]$/, '$1');
  return { lookup: () => Promise.resolve(address), port: Number(spec.slice(at + 1)), allowPrivateAddresses: true };
}
