#!/usr/bin/env node
// Runs the compiled desk (dist/, built by `npm ci`'s prepare step or `npm run build`). When
// dist/ is missing or older than a source file (a checkout being worked on), the sources
// run through tsx instead: slower to start (~1 s), never stale.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compiledIsFresh } from '../scripts/dist-fresh.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

let main;
if (process.env.MADOGUCHI_FROM_SOURCE !== '1' && compiledIsFresh(root)) {
  ({ main } = await import('../dist/cli/main.js'));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
const code = await main(process.argv);
// A command is over when main returns (`start` returns after its graceful stop); exit
// rather than wait on any handle a library left open.
process.exit(code);
