// Charsets: label normalisation, Japanese detection and decoding (src/mime/charset.ts),
// and RFC 2047 encoded words in headers (src/mime/headers.ts). The input's first line
// is the label, the rest the bytes.
import { decodeText, detectJapanese, normaliseCharset } from '../src/mime/charset.ts';
import { decodeUnstructured, decodeWords, parseAddresses, parseStructured } from '../src/mime/headers.ts';
import type { FuzzTarget } from './engine/target.ts';
import { CHARSET_TOKENS, MIME_TOKENS, latin1, mailSeeds, text } from './seeds.ts';

function seeds(): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const m of mailSeeds(64 * 1024)) {
    const s = latin1(m);
    const cs = /charset="?([^";\s]+)/i.exec(s)?.[1] ?? 'utf-8';
    const body = s.indexOf('\n\n') >= 0 ? s.slice(s.indexOf('\n\n') + 2) : s.slice(s.indexOf('\r\n\r\n') + 4);
    out.push(Buffer.from(`${cs}\n${body.slice(0, 4096)}`, 'latin1'));
    const subj = /^Subject:(.*(?:\r?\n[ \t].*)*)/im.exec(s)?.[1];
    if (subj) out.push(Buffer.from(`header\n${subj}`, 'latin1'));
  }
  out.push(text('iso-2022-jp\n\x1b$B$3$s$K$A$O\x1b(B'));
  return out;
}

export const target: FuzzTarget = {
  promise: 'charset decoding and header decoding never throw',
  seeds,
  dictionary: [...CHARSET_TOKENS, '=?', '?B?', '?Q?', '?=', '"', '\\', '(', ')', '<', '>', ',', ';', ...MIME_TOKENS.slice(0, 20)],
  maxLen: 32 * 1024,
  timeoutMs: 5000,
  run(data) {
    const nl = data.indexOf(0x0a);
    const label = latin1(data.subarray(0, nl < 0 ? 0 : nl)).trim();
    const bytes = data.subarray(nl + 1);
    normaliseCharset(label);
    detectJapanese(bytes);
    decodeText(bytes, label);
    decodeText(bytes, null);
    const s = latin1(bytes);
    decodeUnstructured(s);
    decodeWords(s);
    parseStructured(s);
    parseAddresses(s);
  },
};
