// `npm run bench:cli [-- --runs N]`: start-up time of the command line (issue 10: `deliver`
// from an MTA pipe runs once per message). Median wall time of N runs each of `madoguchi
// --help`, `madoguchi deliver` (one small message into a scratch Maildir) and `node -e 0`,
// and the ratios to node's own start. Uses the compiled desk (dist/, `npm run build`); says
// so when it would fall back to the sources.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ROOT } from '../test/support/paths.ts';

const arg = process.argv.indexOf('--runs');
const runs = arg > 0 ? Number(process.argv[arg + 1]) : 20;
const bin = join(ROOT, 'bin', 'madoguchi.js');
const inbox = mkdtempSync(join(tmpdir(), 'mdg-bench-cli-'));
const env = { ...process.env, MADOGUCHI_INBOX: inbox };
const message = 'From: a@example.test\r\nSubject: bench\r\nMessage-ID: <bench@example.test>\r\n\r\nhello\r\n';

function median(args: string[], input?: string): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const p = spawnSync(process.execPath, args, { env, input: input ?? '', encoding: 'utf8' });
    times.push(performance.now() - t);
    if (p.status !== 0) throw new Error(`${args.join(' ')} exited ${String(p.status)}: ${p.stderr}`);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { stdio: 'inherit' });
const node = median(['-e', '0']);
const help = median([bin, '--help']);
const deliver = median([bin, 'deliver'], message);
rmSync(inbox, { recursive: true, force: true });
const f = (n: number): string => n.toFixed(0);
console.log(`node -e 0        ${f(node)} ms`);
console.log(`madoguchi --help ${f(help)} ms`);
console.log(`madoguchi deliver ${f(deliver)} ms`);
console.log(`cli runs=${runs} node_ms=${f(node)} help_ms=${f(help)} deliver_ms=${f(deliver)} help_ratio=${(help / node).toFixed(2)} deliver_ratio=${(deliver / node).toFixed(2)}`);
