#!/usr/bin/env node
// Builds the compiled desk (dist/) from src/: tsc with tsconfig.build.json, the SQL
// migrations beside the compiled store, then the stamp bin/madoguchi.js compares with the
// sources (a dist/ older than any source file is not used). Plain JavaScript so that it runs
// in `npm ci`'s prepare step before anything else exists.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compiledIsFresh } from './dist-fresh.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// --if-stale (the tests' global setup): nothing to do when dist/ is newer than every source.
if (process.argv.includes('--if-stale') && compiledIsFresh(root)) process.exit(0);
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
mkdirSync(join(root, 'dist/store'), { recursive: true });
cpSync(join(root, 'src/store/migrations'), join(root, 'dist/store/migrations'), { recursive: true });
writeFileSync(join(root, 'dist/.stamp'), `${new Date().toISOString()}\n`);
