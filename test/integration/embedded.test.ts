// `npm start` on embedded defaults: PGlite, Maildir in and out, Redis on localhost.
// The desk runs as its own process; mail comes in through `madoguchi deliver`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnDesk, type DeskProcess } from '../support/desk.ts';
import { Gpg, makeReport, openNotice } from '../support/gpg.ts';
import { FIXTURES, ROOT } from '../support/paths.ts';

const DESK = 'desk@madoguchi.test';
let work: string;
let env: Record<string, string>;
let desk: DeskProcess;
const gpg = new Gpg();

const outbox = (): Buffer[] => {
  const dir = join(work, 'outbox', 'new');
  return existsSync(dir) ? readdirSync(dir).sort().map((n) => readFileSync(join(dir, n))) : [];
};
const deliver = (raw: Buffer): number =>
  spawnSync(process.execPath, [join(ROOT, 'bin', 'madoguchi.js'), 'deliver'], { cwd: ROOT, input: raw, env: { ...process.env, ...env } }).status ?? -1;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'mdg-emb-'));
  env = {
    MADOGUCHI_DESK_ADDRESS: DESK,
    MADOGUCHI_KEYS_DIR: join(work, 'keys'),
    MADOGUCHI_DATA_DIR: join(work, 'db'),
    MADOGUCHI_INBOX: join(work, 'inbox'),
    MADOGUCHI_OUTBOX: join(work, 'outbox'),
    MADOGUCHI_TRANSPORT: 'maildir',
    MADOGUCHI_QUEUE_PREFIX: `mdg-emb-${process.pid}`,
    DATABASE_URL: '',
  };
  desk = spawnDesk(env);
  await desk.waitForLog(/running \(maildir out, embedded PGlite\)/, 90_000);
  gpg.importFile(join(work, 'keys', 'desk.pub.asc'));
  gpg.importFile(join(FIXTURES, 'keys', 'reporter.sec.asc'));
}, 120_000);

afterAll(async () => {
  await desk?.stop();
  gpg.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('embedded defaults (PGlite, Maildir in/out)', () => {
  it('the first start generated a desk key and printed its fingerprint', () => {
    expect(desk.logs.join('\n')).toMatch(/generated the desk key [0-9A-F]{40}/);
    expect(existsSync(join(work, 'keys', 'desk.sec.asc'))).toBe(true);
  });

  it('an encrypted report delivered by pipe gets an encrypted acknowledgement with its case id', async () => {
    const body = readFileSync(join(ROOT, 'test', 'fixtures', 'report-en.txt'), 'utf8');
    expect(deliver(makeReport(gpg, { from: 'taro@reporter.test', fromName: 'Taro', to: DESK, body, messageId: '<emb-1@reporter.test>' }))).toBe(0);
    await expect.poll(() => outbox().length, { timeout: 30_000 }).toBe(1);
    const ack = outbox()[0]!;
    const o = openNotice(gpg, ack);
    expect(o.decryptedOk).toBe(true);
    expect(o.signer).toMatch(/^[0-9A-F]{40}$/);
    expect(o.decrypted).toMatch(/VR-\d{4}-0001/);
    expect(ack.toString('latin1')).toMatch(/^Subject: \[VR-\d{4}-0001\]\r$/m);
  });

  it('an unencrypted report gets a content-free answer carrying the desk key, and no case', async () => {
    const body = readFileSync(join(ROOT, 'test', 'fixtures', 'report-en.txt'), 'utf8');
    const plain = Buffer.from(`From: someone@else.test\r\nTo: ${DESK}\r\nSubject: vuln in RouterOS admin\r\nMessage-ID: <emb-2@else.test>\r\n\r\n${body.replace(/\n/g, '\r\n')}`);
    expect(deliver(plain)).toBe(0);
    await expect.poll(() => outbox().length, { timeout: 30_000 }).toBe(2);
    const answer = outbox().find((b) => /^To: someone@else\.test/m.test(b.toString('latin1')))!;
    const text = answer.toString('utf8');
    expect(text).toContain('application/pgp-keys');
    expect(text).toContain('multipart/signed');
    // Nothing of the report comes back: not its subject, not its summary, not its product.
    for (const word of ['RouterOS', 'vuln in', 'cross-site', 'Madoguchi Mail Server']) expect(text).not.toContain(word);
  });

  it('a second desk on the same data directory stops with a clear sentence', () => {
    const p = spawnSync(process.execPath, [join(ROOT, 'bin', 'madoguchi.js'), 'start'], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
    expect(p.status).not.toBe(0);
    expect(p.stderr).toMatch(/another madoguchi process \(pid \d+\)/);
  }, 70_000);

  it('a coordinator command on the CLI beside the running desk says so in one line, not a stack', () => {
    const p = spawnSync(process.execPath, [join(ROOT, 'bin', 'madoguchi.js'), 'case', 'VR-2026-0001', 'note', 'checked'], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
    expect(p.status).toBe(1);
    expect(p.stderr.trim().split('\n')).toHaveLength(1);
    expect(p.stderr).toMatch(/the running desk holds the embedded database .*DATABASE_URL/);
    expect(p.stderr).not.toMatch(/internal error| {4}at /);
  }, 70_000);

  it('without Redis the desk stops with one sentence saying what to install or set', () => {
    const p = spawnSync(process.execPath, [join(ROOT, 'bin', 'madoguchi.js'), 'start'], {
      cwd: ROOT,
      env: { ...process.env, ...env, REDIS_URL: 'redis://127.0.0.1:1', MADOGUCHI_DATA_DIR: join(work, 'db2') },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(p.status).not.toBe(0);
    expect(p.stderr).toMatch(/Redis is not reachable at redis:\/\/127\.0\.0\.1:1 .*redis-server.*REDIS_URL/);
  }, 70_000);

  it('a bad setting is named', () => {
    const p = spawnSync(process.execPath, [join(ROOT, 'bin', 'madoguchi.js'), 'start'], { cwd: ROOT, env: { ...process.env, ...env, MADOGUCHI_TRANSPORT: 'pigeon' }, encoding: 'utf8' });
    expect(p.status).toBe(78);
    expect(p.stderr).toContain('outbound.transport');
  });
});
