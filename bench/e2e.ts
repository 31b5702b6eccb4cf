// npm run bench:e2e [-- --count N]
// N encrypted+signed reports (made by gpg) are appended to the desk's mailbox on a real
// Dovecot; the desk (its own process, PostgreSQL, Redis, SMTP out through Postfix) drains
// them. Two phases: (1) a burst of N appended at once gives the drain throughput;
// (2) a paced phase (N/5 reports, at most 200, appended at half the measured drain rate)
// gives the acknowledgement latency p50/p95 from append to the SMTP hand-off of the ack
// (in a burst the last report's latency is N/throughput by construction, which says
// nothing about the desk). Also prints the desk's peak RSS, and beside them the same crypto done
// in-process with openpgp (the floor) and by a gpg process per message, both at the
// desk's parallelism. Last line:
// `e2e reports_per_s=R floor_ratio=F gpg_ratio=G p50_ms=A p95_ms=B rss_mb=M`.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ImapFlow } from 'imapflow';
import * as openpgp from 'openpgp';
import { freshDatabase, query, onMailServers, spawnDesk } from '../test/support/desk.ts';
import { Gpg, makeReport } from '../test/support/gpg.ts';
import { startMailServers } from '../test/support/mailservers.ts';
import { FIXTURES, ROOT } from '../test/support/paths.ts';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const count = arg('--count', 1000);
const concurrency = arg('--concurrency', 8);
const DESK = 'desk@madoguchi.test';
const REPORTER = 'taro@reporter.test';
const err = (s: string): void => void process.stderr.write(s + '\n');

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

async function parallel<T>(items: T[], n: number, fn: (t: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (i < items.length) await fn(items[i++]!);
    }),
  );
}

const servers = await startMailServers();
const db = await freshDatabase();
const work = mkdtempSync(join(tmpdir(), 'mdg-bench-'));
const gpg = new Gpg();
let desk: ReturnType<typeof spawnDesk> | null = null;
try {
  desk = spawnDesk({
    ...onMailServers(servers, DESK, 60),
    MADOGUCHI_KEYS_DIR: join(work, 'keys'),
    DATABASE_URL: db.url,
    MADOGUCHI_QUEUE_PREFIX: `mdg-bench-${process.pid}`,
    MADOGUCHI_CONCURRENCY: String(concurrency),
    // One reporter sends every report of the run: the per-address limit on automatic answers
    // (issue 9 §8) would withhold the acknowledgements this run counts.
    MADOGUCHI_ANSWERS_PER_HOUR: '10000',
    MADOGUCHI_ANSWERS_PER_DAY: '100000',
    ...(process.env.BENCH_DEBUG ? { MADOGUCHI_LOG_LEVEL: 'debug' } : {}),
    ...(process.env.BENCH_PROF ? { DESK_NODE_ARGS: `--cpu-prof --cpu-prof-dir=${process.env.BENCH_PROF}` } : {}),
  });
  await desk.waitForLog(/imap: connected/, 90_000);
  gpg.importFile(join(work, 'keys', 'desk.pub.asc'));
  gpg.importFile(join(FIXTURES, 'keys', 'reporter.sec.asc'));

  err(`making ${count} encrypted+signed reports with gpg...`);
  const body = readFileSync(join(ROOT, 'test', 'fixtures', 'report-ja.txt'), 'utf8');
  const paced = Math.max(10, Math.min(200, Math.floor(count / 5)));
  const reports: { id: string; raw: Buffer; armored: string }[] = [];
  for (let i = 0; i < count + paced; i++) {
    const id = `<bench-${i}-${process.pid}@reporter.test>`;
    const raw = makeReport(gpg, { from: REPORTER, fromName: 'Taro Yamada', to: DESK, body: body.replace('2.3.1', `2.3.${i}`), messageId: id });
    const armored = /-----BEGIN PGP MESSAGE-----[\s\S]*?-----END PGP MESSAGE-----/.exec(raw.toString('latin1'))![0];
    reports.push({ id, raw, armored });
  }

  // Append to the desk's mailbox (another IMAP session: the desk sees it through IDLE).
  const imap = new ImapFlow({ host: servers.imap.host, port: servers.imap.port, secure: false, auth: { user: DESK, pass: 'secret' }, logger: false });
  await imap.connect();
  const appendedAt = new Map<string, number>();
  const waitSent = async (n: number): Promise<void> => {
    const deadline = Date.now() + 30 * 60_000;
    for (;;) {
      const [row] = await query<{ n: number }>(db.url, `SELECT count(*)::int AS n FROM notices WHERE kind = 'ack' AND state = 'sent'`);
      if ((row?.n ?? 0) >= n) return;
      if (Date.now() > deadline) throw new Error(`only ${row?.n ?? 0}/${n} acknowledgements were sent`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  // Phase 1: burst.
  const t0 = Date.now();
  for (const r of reports.slice(0, count)) {
    appendedAt.set(r.id, Date.now());
    await imap.append('INBOX', r.raw);
  }
  err(`appended ${count} in ${((Date.now() - t0) / 1000).toFixed(1)} s; draining...`);
  await waitSent(count);
  const sentRows = async () =>
    query<{ in_reply: string; sent_at: Date }>(db.url, `SELECT m.message_id AS in_reply, n.sent_at FROM notices n JOIN messages m ON m.id = n.message_ref WHERE n.kind = 'ack'`);
  const burst = await sentRows();
  const lastSent = Math.max(...burst.map((r) => r.sent_at.getTime()));
  const drainS = (lastSent - t0) / 1000;
  const R = count / drainS;
  // Phase 2: paced at half the drain rate.
  const gapMs = 1000 / Math.max(0.5, R / 2);
  err(`drained at ${R.toFixed(1)}/s; latency phase: ${paced} reports, one every ${gapMs.toFixed(0)} ms...`);
  const pacedIds = new Set<string>();
  let next = Date.now();
  for (const r of reports.slice(count)) {
    const wait = next - Date.now();
    if (wait > 0) await new Promise((res) => setTimeout(res, wait));
    appendedAt.set(r.id, Date.now());
    pacedIds.add(r.id);
    await imap.append('INBOX', r.raw);
    next += gapMs;
  }
  await imap.logout();
  await waitSent(count + paced);
  const lat = (await sentRows())
    .filter((r) => pacedIds.has(r.in_reply))
    .map((r) => r.sent_at.getTime() - (appendedAt.get(r.in_reply) ?? NaN))
    .filter((x) => Number.isFinite(x));
  const status = readFileSync(`/proc/${desk.proc.pid}/status`, 'utf8');
  const rssMb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;

  // The floor: the same crypto in-process (decrypt+verify the report, sign+encrypt a reply).
  const deskSec = await openpgp.readPrivateKey({ armoredKey: readFileSync(join(work, 'keys', 'desk.sec.asc'), 'utf8') });
  const repPub = await openpgp.readKey({ armoredKey: gpg.run(['--armor', '--export', REPORTER]).toString() });
  const reply = new TextEncoder().encode('x'.repeat(3000));
  let t = performance.now();
  const measured = reports.slice(0, count);
  await parallel(measured, concurrency, async (r) => {
    const message = await openpgp.readMessage({ armoredMessage: r.armored });
    const d = await openpgp.decrypt({ message, decryptionKeys: deskSec, verificationKeys: repPub, format: 'binary' });
    await d.signatures[0]!.verified;
    await openpgp.encrypt({ message: await openpgp.createMessage({ binary: reply }), encryptionKeys: repPub, signingKeys: deskSec });
  });
  const floor = count / ((performance.now() - t) / 1000);

  // gpg, one process per operation, at the same parallelism.
  const gdesk = new Gpg();
  gdesk.run(['--import'], readFileSync(join(work, 'keys', 'desk.sec.asc')));
  gdesk.run(['--import'], gpg.run(['--armor', '--export', REPORTER]));
  const run = (args: string[], input: string | Buffer): Promise<void> =>
    new Promise((resolve, reject) => {
      const p = spawn('gpg', ['--homedir', gdesk.home, '--batch', '--quiet', '--trust-model', 'always', ...args], { stdio: ['pipe', 'ignore', 'ignore'] });
      p.on('exit', (c) => (c === 0 ? resolve() : reject(new Error(`gpg ${args.join(' ')} exited ${String(c)}`))));
      p.stdin.end(input);
    });
  t = performance.now();
  await parallel(measured, concurrency, async (r) => {
    await run(['--decrypt'], r.armored);
    await run(['-es', '-u', DESK, '-r', REPORTER], Buffer.from(reply));
  });
  const gpgRate = count / ((performance.now() - t) / 1000);
  gdesk.close();

  if (process.env.BENCH_DEBUG) for (const l of desk.logs) err(l);
  console.log(`reports: ${count}, desk concurrency ${concurrency}`);
  console.log(`desk drain:      ${R.toFixed(1)} reports/s (${drainS.toFixed(1)} s from first append to last ack handed to SMTP)`);
  console.log(`ack latency:     p50 ${pct(lat, 50).toFixed(0)} ms, p95 ${pct(lat, 95).toFixed(0)} ms (${paced} reports paced at ${(1000 / gapMs).toFixed(1)}/s; append → SMTP accepted the ack)`);
  console.log(`desk peak RSS:   ${rssMb.toFixed(0)} MB`);
  console.log(`crypto floor:    ${floor.toFixed(1)} reports/s (openpgp decrypt+verify + encrypt+sign, in-process)`);
  console.log(`gpg per message: ${gpgRate.toFixed(1)} reports/s (gpg --decrypt + gpg -es)`);
  console.log(
    `e2e reports_per_s=${R.toFixed(1)} floor_ratio=${(R / floor).toFixed(2)} gpg_ratio=${(R / gpgRate).toFixed(2)} p50_ms=${pct(lat, 50).toFixed(0)} p95_ms=${pct(lat, 95).toFixed(0)} rss_mb=${rssMb.toFixed(0)}`,
  );
} finally {
  await desk?.stop();
  // BENCH_DEBUG=1 BENCH_LOG=file: the desk's log (with per-job timings) for a look afterwards.
  if (process.env.BENCH_LOG && desk) writeFileSync(process.env.BENCH_LOG, desk.logs.join('\n') + '\n');
  await servers.stop();
  if (process.env.BENCH_KEEP_DB) err(`kept database ${db.url}`);
  else await db.drop();
  gpg.close();
  rmSync(work, { recursive: true, force: true });
}
process.exit(0);
