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
export function webOptionsFromConfig(web: { timeoutSeconds: number; maxSecurityTxtKb: number; maxKeyKb: number; caFile: string }): WebLookupOptions {
  return {
    timeoutMs: web.timeoutSeconds * 1000,
    maxSecurityTxtBytes: web.maxSecurityTxtKb * 1024,
    maxKeyBytes: web.maxKeyKb * 1024,
    ...(web.caFile !== '' ? { ca: readFileSync(web.caFile) } : {}),
  };
}
