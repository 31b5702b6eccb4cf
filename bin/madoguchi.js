#!/usr/bin/env node
// Runs the TypeScript sources through tsx so `npx madoguchi` works right after `npm ci`.
import { register } from 'tsx/esm/api';
register();
const { main } = await import('../src/cli/main.ts');
const code = await main(process.argv);
// A command is over when main returns (`start` returns after its graceful stop); exit
// rather than wait on any handle a library left open.
process.exit(code);
