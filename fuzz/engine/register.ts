// `node --import tsx --import ./fuzz/engine/register.ts`: instruments the project's
// reading path for edge coverage with Jazzer.js's own ES-module loader (the maintained
// instrumentation, @jazzer.js/instrumentor), and installs the runtime it calls into.
// Registered after tsx, so its load hook runs first and instruments tsx's JavaScript.
// FUZZ_INSTRUMENT (comma-separated absolute path prefixes) says what to instrument; the
// default is the project's src/ and the engine's toy targets. A target may add a library
// (the armor target adds openpgp), so nothing is excluded by name here.
import { register } from 'node:module';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import { CoverageMap, Tracer } from './coverage.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const includes = (process.env.FUZZ_INSTRUMENT ?? `${path.join(root, 'src')}${path.sep},${path.join(root, 'test', 'unit', 'fuzz-toys')}${path.sep}`)
  .split(',')
  .filter((s) => s.length > 0);

globalThis.Fuzzer = { coverageTracker: new CoverageMap(), tracer: new Tracer() };
// Stack traces stay on the transpiled lines; the finding's input is what matters.
globalThis.__jazzer_registerSourceMap = () => undefined;

const loader = createRequire(import.meta.url).resolve('@jazzer.js/instrumentor/dist/esm-loader.mjs');
register(pathToFileURL(loader).href, {
  parentURL: import.meta.url,
  data: { includes, excludes: [], coverage: false, seed: 1 },
});
