// A first slice of the product track on a running desk (issue 4): a report is accepted; a
// vendor is registered (YAML); the coordinator adds it to the case on the CLI; the desk
// sends the vendor notification, encrypted to the vendor's pinned key only, without the
// reporter's identity (the reporter refused consent). Checked with gpg as the vendor.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
let env: Record<string, string>;
let desk: DeskProcess;

const cli = (args: string[], input?: Buffer) =>
  spawnSync(process.execPath, [join(ROOT, 'bin', 'madoguchi.js'), ...args], { cwd: ROOT, env: { ...process.env, ...env }, input, encoding: 'utf8' });
const outbox = (): { name: string; raw: Buffer }[] => {
  const dir = join(work, 'outbox', 'new');
  return existsSync(dir) ? readdirSync(dir).sort().map((n) => ({ name: n, raw: readFileSync(join(dir, n)) })) : [];
};

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'mdg-coord-'));
  db = await freshDatabase();
  env = {
    MADOGUCHI_DESK_ADDRESS: DESK,
    MADOGUCHI_KEYS_DIR: join(work, 'keys'),
    MADOGUCHI_INBOX: join(work, 'inbox'),
    MADOGUCHI_OUTBOX: join(work, 'outbox'),
    MADOGUCHI_TRANSPORT: 'maildir',
    DATABASE_URL: db.url,
    MADOGUCHI_QUEUE_PREFIX: `mdg-coord-${process.pid}`,
  };
  desk = spawnDesk(env);
  await desk.waitForLog(/running \(/, 60_000);
  gpg.importFile(join(work, 'keys', 'desk.pub.asc'));
  gpg.importFile(join(FIXTURES, 'keys', 'reporter.sec.asc'));
  gpg.run(['--quick-gen-key', 'ACME PSIRT <psirt@acme.test>', 'ed25519', 'sign', 'never']);
  const fpr = /fpr:+([0-9A-F]{40})/.exec(gpg.run(['--with-colons', '--list-keys', 'psirt@acme.test']).toString())![1]!;
  gpg.run(['--quick-add-key', fpr, 'cv25519', 'encr', 'never']);
  writeFileSync(join(work, 'acme.asc'), gpg.run(['--armor', '--export', 'psirt@acme.test']));
  writeFileSync(
    join(work, 'vendors.yaml'),
    ['vendors:', '  - id: acme', '    name: ACME Corporation', '    contacts: { to: [psirt@acme.test] }', '    keys: [acme.asc]', '    products:', '      - name: まどぐちメールサーバ', '        keywords: [mail]', ''].join('\n'),
  );
}, 120_000);

afterAll(async () => {
  await desk?.stop();
  await db?.drop();
  gpg.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('coordination slice: CLI command → vendor notification', () => {
  it('the vendor gets the details encrypted to its pinned key, and nothing of the reporter', async () => {
    const body = readFileSync(join(ROOT, 'test', 'fixtures', 'report-ja.txt'), 'utf8').replace('製品開発者への発見者情報の通知：可', '製品開発者への発見者情報の通知：不可');
    expect(cli(['deliver'], makeReport(gpg, { from: 'taro@reporter.test', fromName: 'Taro', to: DESK, body, messageId: '<coord-1@reporter.test>' })).status).toBe(0);
    await expect.poll(() => outbox().length, { timeout: 30_000 }).toBe(1);
    const [c] = await query<{ id: string }>(db.url, 'SELECT id FROM cases');
    expect(c).toBeDefined();

    const imp = cli(['vendors', 'import', join(work, 'vendors.yaml')]);
    expect(imp.status, imp.stderr + imp.stdout).toBe(0);
    const cmd = cli(['case', c!.id, 'add-vendor', 'acme']);
    expect(cmd.status, cmd.stderr + cmd.stdout).toBe(0);
    expect(cmd.stdout).toMatch(/add-vendor: done; notices: <vendor-notify\./);

    await expect.poll(() => outbox().length, { timeout: 30_000 }).toBe(2);
    const vendorMail = outbox().find((m) => /^To: psirt@acme\.test\r$/m.test(m.raw.toString('latin1')))!;
    expect(vendorMail).toBeDefined();
    expect(vendorMail.raw.toString('latin1')).toMatch(new RegExp(`^Subject: \\[${c!.id}\\]\\r$`, 'm'));
    const o = openNotice(gpg, vendorMail.raw);
    expect(o.decryptedOk).toBe(true);
    const text = decodeParts(Buffer.from(o.decrypted, 'latin1').toString('utf8'));
    expect(text).toContain(c!.id);
    expect(text).toContain('検索欄');
    for (const secret of ['山田', 'taro@reporter.test', 'サンプル研究所', '03-1234-5678']) expect(text).not.toContain(secret);

    const [cv] = await query<{ state: string }>(db.url, `SELECT state FROM notices WHERE kind = 'vendor-notify'`);
    expect(cv!.state).toBe('sent');
    const show = cli(['cases', 'show', c!.id]);
    expect(show.stdout).toContain('notify-vendor');
  }, 120_000);

  it('an unknown vendor or case is refused with a reason, and nothing is sent', async () => {
    const [c] = await query<{ id: string }>(db.url, 'SELECT id FROM cases');
    const before = outbox().length;
    const unknownVendor = cli(['case', c!.id, 'add-vendor', 'nobody']);
    expect(unknownVendor.status).toBe(1);
    expect(unknownVendor.stdout).toContain('add-vendor: error (no vendor "nobody" in the registry)');
    const unknownCase = cli(['case', 'VR-2026-9999', 'add-vendor', 'acme']);
    expect(unknownCase.status).toBe(1);
    expect(unknownCase.stdout).toContain('add-vendor: error (no case VR-2026-9999)');
    expect(outbox().length).toBe(before);
  });
});

function decodeParts(mime: string): string {
  let out = mime;
  for (const m of mime.matchAll(/Content-Transfer-Encoding: base64\r?\n(?:[^\r\n]+\r?\n)*\r?\n([A-Za-z0-9+/=\r\n]+)/g)) out += Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64').toString('utf8');
  return out;
}
