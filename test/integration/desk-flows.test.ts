// Desk flows beyond the happy path, with the desk as its own process (PostgreSQL, Redis,
// Maildir in): an incomplete report and its completed resend (same draft, one case), and a
// notice that cannot be sent landing in the failed set, listed and retried by the CLI.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, query, spawnDesk, type DeskProcess } from '../support/desk.ts';
import { Gpg, makeReport, openNotice } from '../support/gpg.ts';
import { FIXTURES, ROOT } from '../support/paths.ts';

const DESK = 'desk@madoguchi.test';
const gpg = new Gpg();
let work: string;
let db: Awaited<ReturnType<typeof freshDatabase>>;
let base: Record<string, string>;
const desks: DeskProcess[] = [];

const cli = (args: string[], env: Record<string, string>, input?: Buffer) =>
  spawnSync(process.execPath, [join(ROOT, 'bin', 'madoguchi.js'), ...args], { cwd: ROOT, env: { ...process.env, ...env }, input, encoding: 'utf8' });
const outbox = (): Buffer[] => {
  const dir = join(work, 'outbox', 'new');
  return existsSync(dir) ? readdirSync(dir).sort().map((n) => readFileSync(join(dir, n))) : [];
};
const startDesk = async (env: Record<string, string>): Promise<DeskProcess> => {
  const d = spawnDesk(env);
  desks.push(d);
  await d.waitForLog(/running \(/, 60_000);
  return d;
};

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'mdg-flows-'));
  db = await freshDatabase();
  base = {
    MADOGUCHI_DESK_ADDRESS: DESK,
    MADOGUCHI_KEYS_DIR: join(work, 'keys'),
    MADOGUCHI_INBOX: join(work, 'inbox'),
    MADOGUCHI_OUTBOX: join(work, 'outbox'),
    MADOGUCHI_TRANSPORT: 'maildir',
    DATABASE_URL: db.url,
    MADOGUCHI_QUEUE_PREFIX: `mdg-flows-${process.pid}`,
    MADOGUCHI_JOB_BACKOFF_MS: '100',
  };
  const d = await startDesk(base);
  await d.stop();
  gpg.importFile(join(work, 'keys', 'desk.pub.asc'));
  gpg.importFile(join(FIXTURES, 'keys', 'reporter.sec.asc'));
}, 120_000);

afterAll(async () => {
  for (const d of desks) await d.stop();
  await db?.drop();
  gpg.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('an incomplete report, then the completed resend', () => {
  it('asks for what is missing, keeps a draft, and opens one case when the rest arrives', async () => {
    const desk = await startDesk(base);
    try {
    const incomplete = readFileSync(join(ROOT, 'test', 'fixtures', 'report-incomplete.txt'), 'utf8');
    expect(cli(['deliver'], base, makeReport(gpg, { from: 'taro@reporter.test', fromName: 'Taro', to: DESK, body: incomplete, messageId: '<flow-1@reporter.test>' })).status).toBe(0);
    await expect.poll(() => outbox().length, { timeout: 30_000 }).toBe(1);
    const missing = openNotice(gpg, outbox()[0]!);
    expect(missing.decryptedOk).toBe(true);
    expect(await query(db.url, 'SELECT id FROM cases')).toHaveLength(0);
    const drafts = await query<{ missing: string[] }>(db.url, 'SELECT missing FROM drafts WHERE closed_at IS NULL');
    expect(drafts).toHaveLength(1);
    expect(drafts[0]!.missing.length).toBeGreaterThan(0);

    // The missing-fields notice names the draft; only a reply to it continues the draft (issue 9 §7).
    const head = outbox()[0]!.toString('latin1').split('\r\n\r\n')[0]!;
    expect(head).toMatch(/^Subject: \[madoguchi DRAFT-[A-Z0-9]+\]$/m);
    const noticeId = /^Message-ID: (<[^>]+>)$/im.exec(head)![1]!;
    // The resend (a reply) carries only what was missing; the draft supplies the rest.
    const rest = ['メールアドレス: taro@reporter.test', '再現手順:', '1. ログインする', '2. 検索欄にスクリプトを入力する'].join('\n');
    expect(cli(['deliver'], base, makeReport(gpg, { from: 'taro@reporter.test', fromName: 'Taro', to: DESK, body: rest, messageId: '<flow-2@reporter.test>', inReplyTo: noticeId })).status).toBe(0);
    await expect.poll(() => outbox().length, { timeout: 30_000 }).toBe(2);
    const cases = await query<{ id: string; report: { reporter: { name: string; email: string }; reproduction: string } }>(db.url, 'SELECT id, report FROM cases');
    expect(cases).toHaveLength(1);
    expect(cases[0]!.report.reporter.email).toBe('taro@reporter.test');
    expect(cases[0]!.report.reproduction).toContain('ログインする');
    expect(await query(db.url, 'SELECT id FROM drafts WHERE closed_at IS NULL')).toHaveLength(0);
    const ack = outbox().find((b) => b.toString('latin1').includes(`[${cases[0]!.id}]`));
    expect(ack && openNotice(gpg, ack).decrypted).toContain(cases[0]!.id);
    } finally {
      await desk.stop();
    }
  }, 120_000);
});

describe('failed set: jobs failed, jobs retry', () => {
  it('a notice that cannot be sent ends in the failed set, and a retry sends it once the transport works', async () => {
    // SMTP to a port where nothing listens: every attempt fails (transient), then for good.
    const broken = { ...base, MADOGUCHI_TRANSPORT: 'smtp', SMTP_HOST: '127.0.0.1', SMTP_PORT: '1', MADOGUCHI_JOB_ATTEMPTS: '2' };
    const desk = await startDesk(broken);
    let failedId = '';
    try {
    const body = readFileSync(join(ROOT, 'test', 'fixtures', 'report-en.txt'), 'utf8');
    expect(cli(['deliver'], broken, makeReport(gpg, { from: 'taro@reporter.test', fromName: 'Taro', to: DESK, body, messageId: '<flow-3@reporter.test>' })).status).toBe(0);
    await expect
      .poll(
        () => {
          const p = cli(['jobs', 'failed'], broken);
          failedId = /^(notify-\S+)/m.exec(p.stdout)?.[1] ?? '';
          return failedId;
        },
        { timeout: 60_000, interval: 1000 },
      )
      .toMatch(/^notify-/);
    const [n] = await query<{ state: string }>(db.url, `SELECT state FROM notices WHERE id LIKE '<ack.%' ORDER BY created_at DESC LIMIT 1`);
    expect(n!.state).toBe('failed');
    } finally {
      await desk.stop();
    }

    // With a working transport, the coordinator retries the job: the stored notice goes out.
    const fixed = await startDesk(base);
    try {
      const before = outbox().length;
      const r = cli(['jobs', 'retry', failedId], base);
      expect(r.status, r.stderr).toBe(0);
      await expect.poll(() => outbox().length, { timeout: 30_000 }).toBe(before + 1);
    } finally {
      await fixed.stop();
    }
  }, 180_000);
});
