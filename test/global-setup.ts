// Builds the compiled desk once before the tests, so the tests that start the desk as a
// process (bin/madoguchi.js) run what `npm ci` + `npm start` run in production.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './support/paths.ts';

export default function setup(): void {
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--if-stale'], { stdio: 'inherit' });
}
