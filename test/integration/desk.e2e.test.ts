// The desk end to end on real servers (issue 3): a report encrypted and signed by gpg is
// sent over SMTP (Postfix) to the desk's address; the desk picks it up from Dovecot by
// IMAP IDLE; a case exists in PostgreSQL; the reporter's mailbox receives the
// acknowledgement, which gpg decrypts and verifies; the original sits in Processed.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, query, onMailServers, spawnDesk, type DeskProcess } from '../support/desk.ts';
import { Gpg, makeReport, openNotice } from '../support/gpg.ts';
import { readMailbox, sendRaw, startMailServers, waitForMessages } from '../support/mailservers.ts';
import { FIXTURES, ROOT } from '../support/paths.ts';

const DESK = 'desk@madoguchi.test';
const REPORTER = 'taro@reporter.test';

let servers: Awaited<ReturnType<typeof startMailServers>>;
let db: Awaited<ReturnType<typeof freshDatabase>>;
let desk: DeskProcess;
let work: string;
const gpg = new Gpg();

beforeAll(async () => {
  servers = await startMailServers();
  db = await freshDatabase();
  work = mkdtempSync(join(tmpdir(), 'mdg-e2e-'));
  desk = spawnDesk({
    ...onMailServers(servers, DESK),
    MADOGUCHI_KEYS_DIR: join(work, 'keys'),
    DATABASE_URL: db.url,
    MADOGUCHI_QUEUE_PREFIX: `mdg-e2e-${process.pid}`,
    MADOGUCHI_JOB_BACKOFF_MS: '200',
  });
  await desk.waitForLog(/imap: connected/, 60_000);
  gpg.importFile(join(work, 'keys', 'desk.pub.asc'));
  gpg.importFile(join(FIXTURES, 'keys', 'reporter.sec.asc'));
}, 120_000);

afterAll(async () => {
  await desk?.stop();
  await servers?.stop();
  await db?.drop();
  gpg.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the desk end to end on Dovecot, Postfix, Redis and PostgreSQL', () => {
  it('report over SMTP → case → encrypted, signed acknowledgement gpg can read; original in Processed', async () => {
    const body = readFileSync(join(ROOT, 'test', 'fixtures', 'report-ja.txt'), 'utf8');
    const raw = makeReport(gpg, { from: REPORTER, fromName: 'Taro Yamada', to: DESK, body, messageId: '<e2e-1@reporter.test>' });
    await sendRaw(REPORTER, [DESK], raw);

    const [ack] = await waitForMessages(REPORTER, 1, 60_000);
    expect(ack).toBeDefined();
    const opened = openNotice(gpg, ack!);
    expect(opened.decryptedOk).toBe(true);
    const deskFpr = /fpr:+([0-9A-F]{40})/.exec(gpg.run(['--with-colons', '--list-keys', DESK]).toString())?.[1];
    expect(opened.signer).toBe(deskFpr);
    // The outer Subject is only the case tag; the real one is inside.
    const outerSubject = /^Subject: (.*)$/m.exec(ack!.toString('latin1'))?.[1]?.trim();
    const cases = await query<{ id: string; state: string; reporter_email: string }>(db.url, 'SELECT id, state, reporter_email FROM cases');
    expect(cases).toHaveLength(1);
    expect(cases[0]!.id).toMatch(/^VR-\d{4}-0001$/);
    expect(cases[0]!.state).toBe('accepted');
    expect(outerSubject).toBe(`[${cases[0]!.id}]`);
    expect(opened.decrypted).toContain(cases[0]!.id);
    // Reporter identity never leaves here, and nothing of the report is in clear.
    expect(ack!.toString('latin1')).not.toContain('まどぐち');

    // The original is filed in Processed once the work is done.
    await expect.poll(async () => (await readMailbox(DESK, 'Processed')).length, { timeout: 30_000 }).toBe(1);
    expect(await readMailbox(DESK, 'INBOX')).toHaveLength(0);
    const timeline = await query<{ event: string }>(db.url, 'SELECT event FROM timeline WHERE case_id = $1 ORDER BY id', [cases[0]!.id]);
    expect(timeline.map((t) => t.event)).toEqual(expect.arrayContaining(['state:received', 'state:valid', 'state:accepted', 'notice-queued', 'notice-sent']));
  }, 120_000);
});
