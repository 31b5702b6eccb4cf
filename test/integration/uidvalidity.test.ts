// A mailbox rebuilt under the desk gets a new UIDVALIDITY and reuses UIDs from 1: the desk
// must notice (RFC 3501 §2.3.1.1) and rescan, or it would skip new mail as "already seen".
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, query, onMailServers, spawnDesk, type DeskProcess } from '../support/desk.ts';
import { Gpg, makeReport } from '../support/gpg.ts';
import { openImap, startMailServers, waitForMessages } from '../support/mailservers.ts';
import { FIXTURES, ROOT } from '../support/paths.ts';

const DESK = 'desk@madoguchi.test';
const BOX = 'Reports';
let servers: Awaited<ReturnType<typeof startMailServers>>;
let db: Awaited<ReturnType<typeof freshDatabase>>;
let desk: DeskProcess;
let work: string;
const gpg = new Gpg();

async function appendToBox(raw: Buffer, create = false): Promise<void> {
  const c = await openImap(DESK, { servers });
  try {
    if (create) await c.mailboxCreate(BOX).catch(() => undefined);
    await c.append(BOX, raw);
  } finally {
    await c.logout();
  }
}

beforeAll(async () => {
  servers = await startMailServers();
  db = await freshDatabase();
  work = mkdtempSync(join(tmpdir(), 'mdg-uidv-'));
  gpg.importFile(join(FIXTURES, 'keys', 'reporter.sec.asc'));
  const c = await openImap(DESK, { servers });
  await c.mailboxCreate(BOX);
  await c.logout();
  desk = spawnDesk({
    ...onMailServers(servers, DESK, 5),
    MADOGUCHI_KEYS_DIR: join(work, 'keys'),
    DATABASE_URL: db.url,
    MADOGUCHI_QUEUE_PREFIX: `mdg-uidv-${process.pid}`,
    IMAP_MAILBOX: BOX,
  });
  await desk.waitForLog(/imap: connected/, 60_000);
  gpg.importFile(join(work, 'keys', 'desk.pub.asc'));
}, 120_000);

afterAll(async () => {
  await desk?.stop();
  await servers?.stop();
  await db?.drop();
  gpg.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('UIDVALIDITY change', () => {
  it('a rebuilt mailbox is rescanned: mail reusing UID 1 is still read', async () => {
    const body = readFileSync(join(ROOT, 'test', 'fixtures', 'report-en.txt'), 'utf8');
    const report = (n: number): Buffer => makeReport(gpg, { from: 'taro@reporter.test', fromName: 'Taro', to: DESK, body: body.replace('2.3.1', `9.${n}`), messageId: `<uidv-${n}@reporter.test>` });
    await appendToBox(report(1));
    await waitForMessages('taro@reporter.test', 1, 60_000, undefined, servers);
    const [cp1] = await query<{ uid_validity: string; last_uid: string }>(db.url, 'SELECT uid_validity, last_uid FROM mailbox_checkpoints');
    expect(Number(cp1!.last_uid)).toBe(1);

    // The desk has filed the first report (no move of ours races the rebuild).
    await waitForMessages(DESK, 1, 60_000, 'Processed', servers);
    // Rebuild the mailbox: delete and create it again (new UIDVALIDITY), then new mail gets UID 1.
    // Dovecot may refuse a DELETE while the desk's session still works in the mailbox (a
    // NOOP or fetch of its watchdog): try again shortly, as an administrator would.
    const c = await openImap(DESK, { servers });
    const retry = async (what: () => Promise<unknown>): Promise<void> => {
      for (let i = 0; ; i++) {
        try {
          await what();
          return;
        } catch (e) {
          if (i >= 20) throw e;
          await new Promise((r) => setTimeout(r, 250));
        }
      }
    };
    await retry(() => c.mailboxDelete(BOX));
    await retry(() => c.mailboxCreate(BOX));
    await c.logout();
    await appendToBox(report(2));

    await waitForMessages('taro@reporter.test', 2, 90_000, undefined, servers);
    const cases = await query<{ n: number }>(db.url, 'SELECT count(*)::int AS n FROM cases');
    expect(cases[0]!.n).toBe(2);
    const [cp2] = await query<{ uid_validity: string; last_uid: string }>(db.url, 'SELECT uid_validity, last_uid FROM mailbox_checkpoints');
    expect(cp2!.uid_validity).not.toBe(cp1!.uid_validity);
    expect(desk.logs.join('\n')).toMatch(/UIDVALIDITY changed/);
  }, 180_000);
});
