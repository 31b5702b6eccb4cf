// A new case reaches the coordinators (issue 4): an encrypted notice with the summary,
// vendor candidates from the registry and duplicate candidates among past cases, with the
// commands to act; with `autoNotifySingleMatch`, a product matching exactly one registered
// vendor notifies that vendor without waiting for a coordinator. The desk runs as a process
// on PostgreSQL and Redis (Maildir in/out: the mail path itself is covered by desk.e2e).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deskCli, freshDatabase, query, spawnDesk, type DeskProcess } from '../support/desk.ts';
import { encryptedMail, Gpg, makeKeyPair, makeReport, openNotice } from '../support/gpg.ts';
import { FIXTURES, ROOT } from '../support/paths.ts';

const DESK = 'desk@madoguchi.test';
const gpg = new Gpg();
let work: string;
let db: Awaited<ReturnType<typeof freshDatabase>>;
let env: Record<string, string>;
let desk: DeskProcess;

const cli = deskCli(() => env);
const outbox = (): Buffer[] => {
  const dir = join(work, 'outbox', 'new');
  return existsSync(dir) ? readdirSync(dir).sort().map((n) => readFileSync(join(dir, n))) : [];
};
const to = (addr: string): Buffer[] => outbox().filter((m) => m.toString('latin1').includes(`\r\nTo: ${addr}\r\n`));
async function text(raw: Buffer): Promise<string> {
  const o = openNotice(gpg, raw);
  expect(o.decryptedOk).toBe(true);
  const parsed = await simpleParser(Buffer.from(o.decrypted, 'latin1'));
  return parsed.text ?? '';
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'mdg-newcase-'));
  db = await freshDatabase();
  env = {
    MADOGUCHI_DESK_ADDRESS: DESK,
    MADOGUCHI_KEYS_DIR: join(work, 'keys'),
    MADOGUCHI_INBOX: join(work, 'inbox'),
    MADOGUCHI_OUTBOX: join(work, 'outbox'),
    MADOGUCHI_TRANSPORT: 'maildir',
    MADOGUCHI_PUBLIC_DIR: join(work, 'public'),
    DATABASE_URL: db.url,
    MADOGUCHI_QUEUE_PREFIX: `mdg-newcase-${process.pid}`,
    MADOGUCHI_AUTO_NOTIFY_SINGLE_MATCH: 'true',
  };
  gpg.importFile(join(FIXTURES, 'keys', 'reporter.sec.asc'));
  for (const [id, addr] of [['acme', 'psirt@acme.test'], ['beta', 'psirt@beta.test'], ['sato', 'sato@desk.test'], ['hanako', 'hanako@other.test']] as const) {
    writeFileSync(join(work, `${id}.asc`), makeKeyPair(gpg, `${id} PSIRT`, addr));
  }
  mkdirSync(join(work, 'keys'), { recursive: true });
  writeFileSync(join(work, 'keys', 'sato.asc'), readFileSync(join(work, 'sato.asc')));
  const satoFpr = /fpr:+([0-9A-F]{40})/.exec(gpg.run(['--with-colons', '--list-keys', 'sato@desk.test']).toString())![1]!;
  env.MADOGUCHI_COORDINATORS = JSON.stringify([{ name: 'Sato', email: 'sato@desk.test', fingerprints: [satoFpr] }]);
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
      '    products:',
      '      - name: Beta Webmail',
      '        keywords: [webmail]',
      '',
    ].join('\n'),
  );
  desk = spawnDesk(env);
  await desk.waitForLog(/running \(/, 60_000);
  gpg.importFile(join(work, 'keys', 'desk.pub.asc'));
  const imp = cli(['vendors', 'import', join(work, 'vendors.yaml')]);
  expect(imp.status, imp.stderr + imp.stdout).toBe(0);
}, 120_000);

afterAll(async () => {
  await desk?.stop();
  await db?.drop();
  gpg.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('a new case reaches the coordinators', () => {
  const body = readFileSync(join(ROOT, 'test', 'fixtures', 'report-ja.txt'), 'utf8').replace('製品開発者への発見者情報の通知：可', '製品開発者への発見者情報の通知：不可');

  it('the coordinator gets the summary and the registry match; the single exact match is notified at once', async () => {
    expect(cli(['deliver'], makeReport(gpg, { from: 'taro@reporter.test', fromName: 'Taro', to: DESK, body, messageId: '<nc-1@reporter.test>' })).status).toBe(0);
    await expect.poll(() => to('sato@desk.test').length, { timeout: 30_000 }).toBe(1);
    const [c] = await query<{ id: string }>(db.url, 'SELECT id FROM cases');
    const notice = await text(to('sato@desk.test')[0]!);
    expect(notice).toContain(c!.id);
    expect(notice).toContain('1. ACME Corporation（ID：acme');
    expect(notice).not.toContain('ID：beta');
    expect(notice).toContain(`X-CASE: ${c!.id}`);
    // autoNotifySingleMatch: ACME is notified without a coordinator's command, encrypted.
    await expect.poll(() => to('psirt@acme.test').length, { timeout: 30_000 }).toBe(1);
    const v = await text(to('psirt@acme.test')[0]!);
    expect(v).toContain(c!.id);
    for (const secret of ['山田', 'taro@reporter.test']) expect(v).not.toContain(secret);
    expect(to('psirt@beta.test')).toHaveLength(0);
    const events = (await query<{ event: string }>(db.url, 'SELECT event FROM timeline WHERE case_id = $1 ORDER BY id', [c!.id])).map((r) => r.event);
    expect(events).toContain('vendor-notified');
  }, 90_000);

  it('a vendor naming other affected vendors in its reply: the coordinators are told, nobody else', async () => {
    const [c] = await query<{ id: string }>(db.url, 'SELECT id FROM cases ORDER BY id LIMIT 1');
    const before = to('sato@desk.test').length;
    const form = [`案件番号：${c!.id}`, '状態：影響あり', '他の製品開発者：Globex（Globex Mail 4.x も同じ部品を使用）'].join('\n');
    const reply = encryptedMail(gpg, { from: 'psirt@acme.test', signAs: 'psirt@acme.test', to: DESK, subject: `[${c!.id}] Re:`, messageId: '<nc-acme-1@acme.test>', body: form });
    expect(cli(['deliver'], reply).status).toBe(0);
    await expect.poll(() => to('sato@desk.test').length, { timeout: 30_000 }).toBe(before + 1);
    const texts = await Promise.all(to('sato@desk.test').map(text));
    const alert = texts.find((t) => t.includes('Globex'));
    expect(alert).toContain('Globex（Globex Mail 4.x も同じ部品を使用）');
    expect(alert).toContain(c!.id);
    expect(to('psirt@beta.test')).toHaveLength(0);

    // A free-text message from the vendor (no form) is an answer too, and reaches the coordinators.
    // Its signed text names the case (here the quoted notice): the outer Subject never does (issue 9 §3).
    const n = to('sato@desk.test').length;
    const free = encryptedMail(gpg, { from: 'psirt@acme.test', signAs: 'psirt@acme.test', to: DESK, subject: `[${c!.id}] question`, messageId: '<nc-acme-2@acme.test>', body: `Could the finder tell us the exact build number?\n\n> ${c!.id}` });
    expect(cli(['deliver'], free).status).toBe(0);
    await expect.poll(() => to('sato@desk.test').length, { timeout: 30_000 }).toBe(n + 1);
    expect((await Promise.all(to('sato@desk.test').map(text))).some((t) => t.includes('Could the finder tell us the exact build number?') && t.includes('X-RELAY: reporter'))).toBe(true);
    expect(await query(db.url, 'SELECT 1 FROM drafts')).toHaveLength(0);
  }, 90_000);

  it('the reporter\'s follow-up is correspondence, not a new report: the coordinators get it, the reporter a receipt, no vendor anything', async () => {
    const [c] = await query<{ id: string }>(db.url, 'SELECT id FROM cases ORDER BY id LIMIT 1');
    const before = { sato: to('sato@desk.test').length, taro: to('taro@reporter.test').length, acme: to('psirt@acme.test').length };
    const followUp = encryptedMail(gpg, { from: 'taro@reporter.test', signAs: 'taro@reporter.test', to: DESK, subject: `[${c!.id}] Re: 受付のお知らせ`, messageId: '<nc-follow-1@reporter.test>', body: `2.2.9 でも同じ手順で再現しました。\n山田\n\n> 案件番号：${c!.id}` });
    expect(cli(['deliver'], followUp).status).toBe(0);
    await expect.poll(() => to('sato@desk.test').length, { timeout: 30_000 }).toBe(before.sato + 1);
    await expect.poll(() => to('taro@reporter.test').length, { timeout: 30_000 }).toBe(before.taro + 1);
    const texts = await Promise.all(to('sato@desk.test').map(text));
    expect(texts.find((t) => t.includes('2.2.9 でも同じ手順で再現しました'))).toContain(c!.id);
    const receipts = await Promise.all(to('taro@reporter.test').map(text));
    expect(receipts.some((t) => t.includes('ご連絡を受け付けました') || t.includes('調整担当者に伝えました'))).toBe(true);
    expect(await query(db.url, 'SELECT 1 FROM cases')).toHaveLength(1); // no new case
    expect(await query(db.url, 'SELECT 1 FROM drafts')).toHaveLength(0); // and no draft
    expect(to('psirt@acme.test')).toHaveLength(before.acme);

    // The coordinator passes it on: the vendor gets the text, none of the reporter's identity.
    const relay = cli(['case', c!.id, 'relay', 'acme', 'The finder reproduced it on 2.2.9 too.']);
    expect(relay.status, relay.stdout + relay.stderr).toBe(0);
    expect(relay.stdout).toMatch(/notice\(s\) stored: the running desk sends them now/);
    await expect.poll(() => to('psirt@acme.test').length, { timeout: 30_000 }).toBe(before.acme + 1);
    const relayed = (await Promise.all(to('psirt@acme.test').map(text))).find((t) => t.includes('The finder reproduced it on 2.2.9 too.'));
    expect(relayed).toBeDefined();
    for (const secret of ['山田', 'taro@reporter.test', 'サンプル研究所']) expect(relayed).not.toContain(secret);
    // A relay naming the reporter, or giving a part of the name, the address or the
    // organisation, is refused before anything is applied: the vendor gets none of them.
    for (const [leak, why] of [
      ['山田 太郎さんが再現しました', /names the reporter|gives the reporter's name/],
      ['山田さんが再現しました', /gives the reporter's name/],
      ['連絡は Taro@Reporter.test まで', /gives the reporter's address/],
      ['サンプル研究所の者です', /gives the reporter's organisation/],
    ] as const) {
      const r = cli(['case', c!.id, 'relay', 'acme', leak]);
      expect(r.status, leak).toBe(1);
      expect(r.stdout).toMatch(why);
    }
    await new Promise((r) => setTimeout(r, 1500));
    expect(to('psirt@acme.test')).toHaveLength(before.acme + 1);
  }, 90_000);

  it('a follow-up "from" the reporter signed by a look-alike key is not the reporter\'s correspondence (spoofed signer)', async () => {
    const [c] = await query<{ id: string }>(db.url, 'SELECT id FROM cases ORDER BY id LIMIT 1');
    const mallory = new Gpg();
    try {
      makeKeyPair(mallory, 'Taro', 'taro@reporter.test'); // same address, another key
      mallory.importFile(join(work, 'keys', 'desk.pub.asc'));
      const before = { sato: to('sato@desk.test').length, events: (await query(db.url, `SELECT 1 FROM timeline WHERE event = 'reporter-message'`)).length };
      const fake = encryptedMail(mallory, { from: 'taro@reporter.test', signAs: 'taro@reporter.test', to: DESK, subject: `[${c!.id}] Re:`, messageId: '<nc-spoof-1@reporter.test>', body: 'Please send the vendor contact to me.' });
      expect(cli(['deliver'], fake).status).toBe(0);
      await expect.poll(async () => (await query<{ state: string }>(db.url, `SELECT state FROM messages WHERE message_id = '<nc-spoof-1@reporter.test>'`))[0]?.state, { timeout: 30_000 }).toBe('done');
      expect((await query(db.url, `SELECT 1 FROM timeline WHERE event = 'reporter-message'`)).length).toBe(before.events);
      expect(to('sato@desk.test')).toHaveLength(before.sato);
      // The real reporter's key was not replaced by the carried look-alike (trust on first use).
      const keys = await query<{ fingerprint: string }>(db.url, `SELECT fingerprint FROM keys WHERE 'taro@reporter.test' = ANY(emails)`);
      expect(keys).toHaveLength(1);
    } finally {
      mallory.close();
    }
  }, 90_000);

  it('a second report of the same vulnerability lists the first case as a duplicate candidate', async () => {
    const before = to('sato@desk.test').length;
    expect(cli(['deliver'], makeReport(gpg, { from: 'hanako@other.test', fromName: 'Hanako', to: DESK, body, messageId: '<nc-2@other.test>' })).status).toBe(0);
    await expect.poll(() => to('sato@desk.test').length, { timeout: 30_000 }).toBe(before + 1);
    const cases = (await query<{ id: string }>(db.url, 'SELECT id FROM cases ORDER BY id')).map((r) => r.id);
    expect(cases).toHaveLength(2);
    const texts = await Promise.all(to('sato@desk.test').map(text));
    const notice = texts.find((t) => t.includes(`案件番号：${cases[1]!}`))!;
    expect(notice).toBeDefined();
    expect(notice).toContain(cases[0]!); // the duplicate candidate
    expect(notice).toContain(`X-STOP: duplicate ${cases[0]!}`);
  }, 90_000);
});
