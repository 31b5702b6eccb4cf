// A first slice of the product track on a running desk (issue 4): a report is accepted; a
// vendor is registered (YAML); the coordinator adds it to the case on the CLI; the desk
// sends the vendor notification, encrypted to the vendor's pinned key only, without the
// reporter's identity (the reporter refused consent). Checked with gpg as the vendor.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, query, spawnDesk, type DeskProcess } from '../support/desk.ts';
import { encryptedMail, Gpg, makeKeyPair, makeReport, openNotice } from '../support/gpg.ts';
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
    MADOGUCHI_CLOCK_FILE: join(work, 'clock-offset'),
    MADOGUCHI_TICK_SECONDS: '1',
  };
  writeFileSync(join(work, 'clock-offset'), '0');
  gpg.importFile(join(FIXTURES, 'keys', 'reporter.sec.asc'));
  for (const [id, addr] of [['acme', 'psirt@acme.test'], ['beta', 'psirt@beta.test'], ['sato', 'sato@desk.test']] as const) {
    writeFileSync(join(work, `${id}.asc`), makeKeyPair(gpg, `${id} PSIRT`, addr));
  }
  // The coordinator: key in the desk's key directory, fingerprint pinned in the configuration.
  mkdirSync(join(work, 'keys'), { recursive: true });
  writeFileSync(join(work, 'keys', 'sato.asc'), readFileSync(join(work, 'sato.asc')));
  const satoFpr = /fpr:+([0-9A-F]{40})/.exec(gpg.run(['--with-colons', '--list-keys', 'sato@desk.test']).toString())![1]!;
  env.MADOGUCHI_COORDINATORS = JSON.stringify([{ name: 'Sato', email: 'sato@desk.test', fingerprints: [satoFpr] }]);
  desk = spawnDesk(env);
  await desk.waitForLog(/running \(/, 60_000);
  gpg.importFile(join(work, 'keys', 'desk.pub.asc'));
  writeFileSync(
    join(work, 'vendors.yaml'),
    [
      'vendors:',
      '  - id: acme',
      '    name: ACME Corporation',
      '    contacts: { to: [psirt@acme.test] }',
      '    keys: [acme.asc]',
      '    products:',
      '      - name: まどぐちメールサーバ',
      '        keywords: [mail]',
      '  - id: beta',
      '    name: Beta Inc.',
      '    contacts: { to: [psirt@beta.test] }',
      '    keys: [beta.asc]',
      '',
    ].join('\n'),
  );
}, 120_000);

afterAll(async () => {
  await desk?.stop();
  await db?.drop();
  gpg.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the product track on the running desk (real mail formats, gpg on every side)', () => {
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

  it('a signed reply from the vendor is applied; one claiming to be another vendor but signed with its key changes nothing', async () => {
    const [c] = await query<{ id: string }>(db.url, 'SELECT id FROM cases');
    const snapshot = async (): Promise<string> => JSON.stringify((await query<{ coordination: unknown }>(db.url, 'SELECT coordination FROM cases WHERE id = $1', [c!.id]))[0]!.coordination);
    expect(cli(['case', c!.id, 'add-vendor', 'beta']).status).toBe(0);

    // ACME answers, signed with its pinned key, from its registered address.
    const form = (status: string): string => [`案件番号: ${c!.id}`, `状態: ${status}`, '公表希望日: 2026-12-20', 'コメント: 確認しました'].join('\n');
    expect(cli(['deliver'], vendorReply('psirt@acme.test', 'psirt@acme.test', c!.id, form('影響あり'), '<acme-1@acme.test>')).status).toBe(0);
    await expect.poll(async () => (await query(db.url, `SELECT 1 FROM timeline WHERE actor = 'vendor:acme'`)).length, { timeout: 30_000 }).toBeGreaterThan(0);
    const acme = (JSON.parse(await snapshot()) as { vendors: { id: string; coordination: string }[] }).vendors.find((v) => v.id === 'acme')!;
    expect(acme.coordination).toBe('answered');

    // "Beta" replies, but the signature is ACME's: nothing changes, and it is on record.
    const before = await snapshot();
    expect(cli(['deliver'], vendorReply('psirt@beta.test', 'psirt@acme.test', c!.id, form('影響なし'), '<fake-beta@beta.test>')).status).toBe(0);
    await expect.poll(async () => (await query(db.url, `SELECT 1 FROM timeline WHERE event = 'reply-refused'`)).length, { timeout: 30_000 }).toBe(1);
    expect(await snapshot()).toBe(before);
    const beta = (JSON.parse(before) as { vendors: { id: string; coordination: string }[] }).vendors.find((v) => v.id === 'beta')!;
    expect(beta.coordination).not.toBe('answered');
  }, 120_000);

  it('a moved clock: after 8 silent days the silent vendor, and only it, gets a reminder', async () => {
    const before = outbox().length;
    writeFileSync(join(work, 'clock-offset'), String(8 * 86_400_000));
    await expect.poll(() => outbox().filter((m) => /^To: psirt@beta\.test\r$/m.test(m.raw.toString('latin1'))).length, { timeout: 30_000 }).toBe(2);
    const reminder = outbox().filter((m) => /^To: psirt@beta\.test\r$/m.test(m.raw.toString('latin1'))).find((m) => m.raw.toString('latin1').includes('vendor-remind-1'))!;
    expect(reminder).toBeDefined();
    expect(openNotice(gpg, reminder.raw).decryptedOk).toBe(true);
    // ACME answered: no reminder for it.
    expect(outbox().filter((m) => /^To: psirt@acme\.test\r$/m.test(m.raw.toString('latin1')) && m.raw.toString('latin1').includes('vendor-remind'))).toHaveLength(0);
    // The same clock ticks again: no second reminder.
    await new Promise((r) => setTimeout(r, 2500));
    expect(outbox().length).toBe(before + 1);
  }, 60_000);

  it('a coordinator command by signed mail is applied and confirmed; its replay and a vendor-signed command change nothing', async () => {
    const [c] = await query<{ id: string }>(db.url, 'SELECT id FROM cases');
    const agreed = async (): Promise<unknown> =>
      ((await query<{ coordination: { publication: { agreed: unknown } } }>(db.url, 'SELECT coordination FROM cases WHERE id = $1', [c!.id]))[0]!.coordination.publication.agreed);
    const commandMail = (signAs: string, from: string, id: string, armored?: string): { raw: Buffer; armored: string } => {
      // Built by hand (not encryptedMail): the replay case re-wraps the same ciphertext.
      const inner = `Content-Type: text/plain; charset=UTF-8\r\n\r\nX-CASE: ${c!.id}\r\nX-SET-DATE: 2026-12-20\r\n`;
      const arm = armored ?? gpg.run(['--armor', '-es', '-u', signAs, '-r', DESK], inner).toString();
      const raw = Buffer.from(
        [`From: <${from}>`, `To: ${DESK}`, 'Subject: commands', `Message-ID: ${id}`, 'MIME-Version: 1.0', 'Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="cb"', '', '--cb', 'Content-Type: application/pgp-encrypted', '', 'Version: 1', '', '--cb', 'Content-Type: application/octet-stream', '', arm.trimEnd(), '--cb--', ''].join('\r\n'),
      );
      return { raw, armored: arm };
    };
    const toSato = (): number => outbox().filter((m) => /^To: sato@desk\.test\r$/m.test(m.raw.toString('latin1'))).length;
    // Back to real time: a command signed now would be "too old" for a desk 8 days ahead.
    writeFileSync(join(work, 'clock-offset'), '0');

    // A command signed by a vendor's key, though From says the coordinator: refused, reported.
    const before = toSato();
    expect(cli(['deliver'], commandMail('psirt@acme.test', 'sato@desk.test', '<cmd-0@desk.test>').raw).status).toBe(0);
    await expect.poll(toSato, { timeout: 30_000 }).toBe(before + 1);
    expect(await agreed()).toBeNull();

    // The coordinator's own signed, encrypted command: applied and confirmed.
    const first = commandMail('sato@desk.test', 'sato@desk.test', '<cmd-1@desk.test>');
    expect(cli(['deliver'], first.raw).status).toBe(0);
    await expect.poll(agreed, { timeout: 30_000 }).toBe('2026-12-20');
    await expect.poll(() => outbox().some((m) => m.raw.toString('latin1').includes('command-confirmation')), { timeout: 30_000 }).toBe(true);
    const confirmation = outbox().find((m) => m.raw.toString('latin1').includes('command-confirmation'))!;
    expect(openNotice(gpg, confirmation.raw).decryptedOk).toBe(true);

    // The same signed command again, in a new envelope: a replay, refused.
    expect(cli(['deliver'], commandMail('sato@desk.test', 'sato@desk.test', '<cmd-2@desk.test>', first.armored).raw).status).toBe(0);
    await expect
      .poll(async () => (await query<{ data: { reason: string } }>(db.url, `SELECT data FROM timeline WHERE event = 'command-mail-refused' ORDER BY id`)).map((r) => r.data.reason), { timeout: 30_000 })
      .toEqual(['not-a-coordinator-key', 'replay']);
  }, 120_000);

  it('on the agreed date the advisory goes to every party at once, with the consented credit and no reproduction steps', async () => {
    const [c] = await query<{ id: string }>(db.url, 'SELECT id FROM cases');
    writeFileSync(join(work, 'clock-offset'), String(Date.parse('2026-12-20T03:00:00Z') - Date.now()));
    const advisories = (): { name: string; raw: Buffer }[] => outbox().filter((m) => m.raw.toString('latin1').includes('<advisory.'));
    await expect.poll(() => advisories().length, { timeout: 30_000 }).toBe(4); // acme, beta, reporter, coordinator
    for (const to of ['psirt@acme.test', 'psirt@beta.test', 'taro@reporter.test', 'sato@desk.test']) {
      const m = advisories().find((x) => new RegExp(`^To: ${to.replace(/\./g, '\\.')}\r$`, 'm').test(x.raw.toString('latin1')));
      expect(m, to).toBeDefined();
      const o = openNotice(gpg, m!.raw);
      expect(o.decryptedOk).toBe(true);
      const text = decodeParts(Buffer.from(o.decrypted, 'latin1').toString('utf8'));
      expect(text).toContain(c!.id);
      expect(text).toContain('山田太郎'); // credit, as consented (公表時の氏名掲載：可（山田太郎）)
      expect(text).not.toContain('alert(1)'); // the reproduction steps are never published (§2)
    }
    await expect.poll(() => outbox().some((m) => m.raw.toString('latin1').includes('<reporter-published.')), { timeout: 30_000 }).toBe(true);
    const [snap] = await query<{ coordination: { publishedAt: unknown } }>(db.url, 'SELECT coordination FROM cases WHERE id = $1', [c!.id]);
    expect(snap!.coordination.publishedAt).not.toBeNull();
  }, 60_000);

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

/** A vendor's §4 reply, encrypted to the desk and signed with `signAs`, sent `from`. */
function vendorReply(from: string, signAs: string, caseId: string, form: string, id: string): Buffer {
  return encryptedMail(gpg, { from, signAs, to: DESK, subject: `[${caseId}] Re: notification`, messageId: id, body: form });
}

function decodeParts(mime: string): string {
  let out = mime;
  for (const m of mime.matchAll(/Content-Transfer-Encoding: base64\r?\n(?:[^\r\n]+\r?\n)*\r?\n([A-Za-z0-9+/=\r\n]+)/g)) out += Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64').toString('utf8');
  return out;
}
