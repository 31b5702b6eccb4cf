// The MIME split: src/mime/parse.ts (our own splitter over the raw bytes) and what the
// pipeline asks of every part: transfer decoding, header decoding, addresses, charsets.
import { decodeText } from '../src/mime/charset.ts';
import { parseAddresses } from '../src/mime/headers.ts';
import { decodeTransfer, headerDecoded, header, MimeError, parseMime, splitMultipart, walk } from '../src/mime/parse.ts';
import { toCrlf } from '../src/inbound/unwrap.ts';
import type { FuzzTarget } from './engine/target.ts';
import { MIME_TOKENS, CHARSET_TOKENS, mailSeeds } from './seeds.ts';

export const target: FuzzTarget = {
  promise: 'parseMime returns a tree or throws MimeError (limits); every part decodes without throwing',
  seeds: () => mailSeeds(),
  dictionary: [...MIME_TOKENS, ...CHARSET_TOKENS],
  maxLen: 256 * 1024,
  timeoutMs: 5000,
  run(data) {
    let root;
    try {
      root = parseMime(data);
    } catch (e) {
      if (e instanceof MimeError) return;
      throw e;
    }
    for (const p of walk(root)) {
      headerDecoded(p, 'subject');
      parseAddresses(header(p, 'from') ?? '');
      const body = decodeTransfer(p);
      if (p.contentType.startsWith('text/')) decodeText(body, p.params.charset);
      if (p.params.boundary) splitMultipart(p.body, p.params.boundary);
      toCrlf(p.raw);
    }
  },
};
