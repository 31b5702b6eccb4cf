// The store suite, run unchanged against PostgreSQL (a fresh database per run) and PGlite
// (a fresh data directory), plus the PGlite data-directory lock across processes.
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDraftNotice, closeDraft, createDraft, openDraftsOf, updateDraft } from '../../src/store/drafts.ts';
import { openDb, type Db, type DbKind } from '../../src/store/db.ts';
import { createPgDatabase as createPg } from '../support/pgdb.ts';
import { loadMigrations, MIGRATIONS_DIR, migrate } from '../../src/store/migrate.ts';
import {
  addParty,
  appendTimeline,
  bumpAttempts,
  createCase,
  dedupeKey,
  findKeysByEmail,
  getCase,
  getCheckpoint,
  getKey,
  getMessage,
  getNotice,
  insertNotice,
  listMessagesInState,
  listNoticesInState,
  listParties,
  listTimeline,
  markNoticeFailed,
  markNoticeSent,
  nextCaseId,
  setCheckpoint,
  setMessageState,
  storeMessage,
  upsertKey,
} from '../../src/store/repo.ts';

// Every migration the tree has (the count grows with the schema).
const ALL_MIGRATIONS = (await loadMigrations()).map((m) => m.name);

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CHILD = path.join(ROOT, 'test/store/open-db-child.ts');
const createPgDatabase = (): ReturnType<typeof createPg> => createPg('mdg_test');

function mail(opts: { body: string; messageId?: string; subject?: string; trace?: string; eol?: string }): Buffer {
  const eol = opts.eol ?? '\r\n';
  const lines = [
    `Message-ID: ${opts.messageId ?? '<m1@reporter.example>'}`,
    'From: Reporter <reporter@example.org>',
    'To: desk@desk.example',
    `Subject: ${opts.subject ?? 'Vulnerability report'}`,
    'Date: Tue, 03 Nov 2026 10:00:00 +0900',
  ];
  return Buffer.from((opts.trace ?? '') + lines.join(eol) + eol + eol + opts.body.split('\n').join(eol), 'latin1');
}

function runChild(dataDir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', CHILD, dataDir], { cwd: ROOT, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const timings: string[] = [];

describe('dedupeKey', () => {
  const base = mail({ body: 'Body line\n' });
  it('ignores trace headers, an mbox From line, line endings and re-folding', () => {
    const k = dedupeKey(base);
    expect(k).toMatch(/^[0-9a-f]{64}$/);
    expect(dedupeKey(Buffer.concat([Buffer.from('From reporter@example.org Tue Nov  3 10:00:00 2026\n'), base]))).toBe(k);
    expect(dedupeKey(mail({ body: 'Body line\n', trace: 'X-Spam-Status: No\r\nReceived: by a\r\n' }))).toBe(k);
    expect(dedupeKey(mail({ body: 'Body line\n', eol: '\n' }))).toBe(k);
    expect(dedupeKey(mail({ body: 'Body line\n', subject: 'Vulnerability\r\n report' }))).toBe(k);
  });

  it('differs when an identifying header or the body differs, or a header is missing', () => {
    const k = dedupeKey(base);
    expect(dedupeKey(mail({ body: 'Body line!\n' }))).not.toBe(k);
    expect(dedupeKey(mail({ body: 'Body line\n', subject: 'Other' }))).not.toBe(k);
    expect(dedupeKey(mail({ body: 'Body line\n', messageId: '<m2@reporter.example>' }))).not.toBe(k);
    const noDate = Buffer.from(base.toString('latin1').replace(/Date: [^\r]*\r\n/, ''), 'latin1');
    expect(noDate.length).toBeLessThan(base.length);
    expect(dedupeKey(noDate)).not.toBe(k);
    // A header value cannot be shifted into the next field to collide.
    const a = Buffer.from('Subject: a\r\nDate: b\r\n\r\n');
    const b = Buffer.from('Subject: a Date: b\r\n\r\n');
    expect(dedupeKey(a)).not.toBe(dedupeKey(b));
  });
});

describe('dedupeKey without a Message-ID (issue 9 §8)', () => {
  const bare = (trace = '', eol = '\r\n'): Buffer =>
    Buffer.from(trace + ['From: Reporter <reporter@example.org>', 'To: desk@desk.example', 'Subject: report', '', 'same text', ''].join(eol), 'latin1');
  it('two mails written alike are two messages unless they are the same bytes', () => {
    expect(dedupeKey(bare())).toBe(dedupeKey(bare()));
    expect(dedupeKey(bare('', '\n'))).toBe(dedupeKey(bare()));
    expect(dedupeKey(Buffer.concat([Buffer.from('From reporter@example.org Tue Nov  3 10:00:00 2026\n'), bare()]))).toBe(dedupeKey(bare()));
    // Delivered twice (another Received line): another message, since nothing names it.
    expect(dedupeKey(bare('Received: by mx2\r\n'))).not.toBe(dedupeKey(bare()));
  });
});

describe.each(['pg', 'pglite'] as const)('store on %s', (kind: DbKind) => {
  let db: Db;
  let cleanup: () => Promise<void> = () => Promise.resolve();
  let url = '';

  beforeAll(async () => {
    const t0 = performance.now();
    if (kind === 'pg') {
      const created = await createPgDatabase();
      url = created.url;
      db = await openDb({ databaseUrl: url });
      cleanup = async () => {
        await db.close();
        await created.drop();
      };
    } else {
      const dir = await mkdtemp(path.join(tmpdir(), 'mdg-store-'));
      db = await openDb({ dataDir: path.join(dir, 'db') });
      cleanup = async () => {
        await db.close();
        await rm(dir, { recursive: true, force: true });
      };
    }
    timings.push(`${kind}: openDb (create + migrate) ${Math.round(performance.now() - t0)} ms`);
  });

  afterAll(async () => {
    await cleanup();
  });

  it('reports its kind', () => {
    expect(db.kind).toBe(kind);
  });

  describe('migrations', () => {
    it('a second run is a no-op', async () => {
      expect(await migrate(db)).toEqual([]);
      const rows = await db.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name');
      expect(rows.map((r) => r.name)).toEqual(ALL_MIGRATIONS);
    });

    it('applies a new file once and refuses an edited applied one', async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'mdg-mig-'));
      try {
        await cp(MIGRATIONS_DIR, dir, { recursive: true });
        await writeFile(path.join(dir, '900_probe.sql'), 'CREATE TABLE mig_probe (x int);');
        expect(await migrate(db, dir)).toEqual(['900_probe.sql']);
        expect(await migrate(db, dir)).toEqual([]);
        const original = await readFile(path.join(dir, '001_init.sql'), 'utf8');
        await writeFile(path.join(dir, '001_init.sql'), original + '\n-- edited\n');
        await expect(migrate(db, dir)).rejects.toThrow(/001_init\.sql was changed after it was applied/);
      } finally {
        await rm(dir, { recursive: true, force: true });
        await db.exec("DROP TABLE mig_probe; DELETE FROM schema_migrations WHERE name = '900_probe.sql'");
      }
    });
  });

  describe('messages', () => {
    it('storeMessage is idempotent: same bytes, extra trace headers, LF endings -> same id', async () => {
      const raw = mail({ body: 'Hello\nthe report\n' });
      const first = await storeMessage(db, { raw, source: 'imap:INBOX', sourceRef: '7:1' });
      expect(first.created).toBe(true);
      expect(typeof first.id).toBe('number');

      expect(await storeMessage(db, { raw, source: 'imap:INBOX', sourceRef: '7:1' })).toEqual({
        id: first.id,
        created: false,
      });

      const traced = mail({
        body: 'Hello\nthe report\n',
        trace:
          'Return-Path: <reporter@example.org>\r\nDelivered-To: desk@desk.example\r\n' +
          'Received: from mx.example.org (mx.example.org [192.0.2.1])\r\n\tby desk.example; Tue, 3 Nov 2026 10:00:01 +0900\r\n',
      });
      expect(traced.equals(raw)).toBe(false);
      expect(dedupeKey(traced)).toBe(dedupeKey(raw));
      expect(await storeMessage(db, { raw: traced, source: 'maildir', sourceRef: 'cur/1.M1' })).toEqual({
        id: first.id,
        created: false,
      });

      const lf = mail({ body: 'Hello\nthe report\n', eol: '\n' });
      expect(await storeMessage(db, { raw: lf, source: 'maildir' })).toEqual({ id: first.id, created: false });

      // The first copy's bytes and source are what is kept.
      const stored = await getMessage(db, first.id);
      expect(stored?.raw.equals(raw)).toBe(true);
      expect(stored?.source).toBe('imap:INBOX');
      expect(stored?.messageId).toBe('<m1@reporter.example>');
    });

    it('10 concurrent stores of one mail create one row', async () => {
      const raw = mail({ body: 'concurrent', messageId: '<conc@x>' });
      const results = await Promise.all(Array.from({ length: 10 }, () => storeMessage(db, { raw, source: 'deliver' })));
      expect(new Set(results.map((r) => r.id)).size).toBe(1);
      expect(results.filter((r) => r.created)).toHaveLength(1);
    });

    it('a different mail reusing the Message-ID is a new message', async () => {
      const a = await storeMessage(db, { raw: mail({ body: 'original', messageId: '<dup@x>' }), source: 'deliver' });
      const b = await storeMessage(db, { raw: mail({ body: 'forged', messageId: '<dup@x>' }), source: 'deliver' });
      const c = await storeMessage(db, {
        raw: mail({ body: 'original', messageId: '<dup@x>', subject: 'other' }),
        source: 'deliver',
      });
      expect(a.created && b.created && c.created).toBe(true);
      expect(new Set([a.id, b.id, c.id]).size).toBe(3);
      const rows = await db.query<{ n: number }>("SELECT count(*) AS n FROM messages WHERE message_id = '<dup@x>'");
      expect(rows[0]?.n).toBe(3);
    });

    it('raw bytes round-trip exactly (0x00, 0xff, every byte value)', async () => {
      const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      const raw = Buffer.concat([mail({ body: 'binary:', messageId: '<bin@x>' }), Buffer.from([0x00, 0xff, 0x0d]), all]);
      const { id } = await storeMessage(db, { raw, source: 'deliver' });
      const got = await getMessage(db, id);
      expect(Buffer.isBuffer(got?.raw)).toBe(true);
      expect(got?.raw.equals(raw)).toBe(true);
      expect(got?.size).toBe(raw.length);
    });

    it('a 5 MB mail round-trips', async () => {
      const big = Buffer.concat([mail({ body: '', messageId: '<big@x>' }), randomBytes(5 * 1024 * 1024)]);
      const t0 = performance.now();
      const { id } = await storeMessage(db, { raw: big, source: 'deliver' });
      const got = await getMessage(db, id);
      timings.push(`${kind}: 5 MB store + read ${Math.round(performance.now() - t0)} ms`);
      expect(got?.raw.equals(big)).toBe(true);
    });

    it('a hostile 100 kB Message-ID is still stored', async () => {
      const { id, created } = await storeMessage(db, {
        raw: mail({ body: 'x', messageId: `<${'a'.repeat(100_000)}@x>` }),
        source: 'deliver',
      });
      expect(created).toBe(true);
      expect((await getMessage(db, id))?.messageId?.length).toBe(998);
    });

    it('state, verdict, error, attempts and listing by state', async () => {
      const receivedAt = new Date('2026-11-03T01:02:03.456Z');
      const { id } = await storeMessage(db, {
        raw: mail({ body: 'state', messageId: '<state@x>' }),
        source: 'deliver',
        receivedAt,
      });
      const m0 = await getMessage(db, id);
      expect(m0?.state).toBe('stored');
      expect(m0?.receivedAt.getTime()).toBe(receivedAt.getTime());
      expect(m0?.attempts).toBe(0);

      expect(await bumpAttempts(db, id)).toBe(1);
      expect(await bumpAttempts(db, id)).toBe(2);
      const failed = await setMessageState(db, id, 'failed', { error: 'boom' });
      expect(failed.state).toBe('failed');
      expect(failed.error).toBe('boom');
      expect(failed.attempts).toBe(2);

      const verdict = { kind: 'report', list: [1, 2], nested: { ok: true } };
      const triaged = await setMessageState(db, id, 'triaged', { verdict, error: null });
      expect(triaged.verdict).toEqual(verdict);
      expect(triaged.error).toBeNull();
      // Omitted verdict is left unchanged; a JSON array verdict is stored as JSON.
      expect((await setMessageState(db, id, 'done')).verdict).toEqual(verdict);
      expect((await setMessageState(db, id, 'done', { verdict: ['a', 'b'] })).verdict).toEqual(['a', 'b']);

      const done = await listMessagesInState(db, ['done']);
      expect(done.map((m) => m.id)).toContain(id);
      expect(done.every((m) => m.state === 'done')).toBe(true);
      expect((await listMessagesInState(db, ['stored', 'failed'])).map((m) => m.id)).not.toContain(id);
      await expect(setMessageState(db, 999_999, 'done')).rejects.toThrow(/not found/);
      await expect(
        db.query("UPDATE messages SET state = 'bogus' WHERE id = $1", [id]),
      ).rejects.toThrow(/check constraint/);
    });
  });

  describe('checkpoints', () => {
    it('get/set, monotonic within a uidValidity, replaced on a new uidValidity', async () => {
      expect(await getCheckpoint(db, 'INBOX')).toBeNull();
      await setCheckpoint(db, 'INBOX', { uidValidity: 4_294_967_295, lastUid: 10 });
      const c1 = await getCheckpoint(db, 'INBOX');
      expect(c1).toMatchObject({ mailbox: 'INBOX', uidValidity: 4_294_967_295, lastUid: 10 });
      expect(c1?.updatedAt).toBeInstanceOf(Date);

      expect((await setCheckpoint(db, 'INBOX', { uidValidity: 4_294_967_295, lastUid: 5 })).lastUid).toBe(10);
      expect((await setCheckpoint(db, 'INBOX', { uidValidity: 4_294_967_295, lastUid: 12 })).lastUid).toBe(12);
      expect(await setCheckpoint(db, 'INBOX', { uidValidity: 42, lastUid: 3 })).toMatchObject({
        uidValidity: 42,
        lastUid: 3,
      });
      expect(await getCheckpoint(db, 'Other')).toBeNull();
    });
  });

  describe('cases', () => {
    it('nextCaseId: 20 concurrent calls give 20 distinct contiguous ids; a new year restarts', async () => {
      const ids = await Promise.all(Array.from({ length: 20 }, () => nextCaseId(db, 'VR', 2026)));
      expect(new Set(ids).size).toBe(20);
      expect([...ids].sort()).toEqual(Array.from({ length: 20 }, (_, i) => `VR-2026-${String(i + 1).padStart(4, '0')}`));
      expect(await nextCaseId(db, 'VR', 2027)).toBe('VR-2027-0001');
      expect(await nextCaseId(db, 'VR', 2026)).toBe('VR-2026-0021');
      expect(await nextCaseId(db, 'WEB', 2026)).toBe('WEB-2026-0001');
      await expect(nextCaseId(db, 'V-R', 2026)).rejects.toThrow(/prefix/);
    });

    it('create, get', async () => {
      const { id: msgId } = await storeMessage(db, { raw: mail({ body: 'case', messageId: '<case@x>' }), source: 'deliver' });
      const id = await nextCaseId(db, 'CS', 2026);
      const created = await createCase(db, {
        id,
        kind: 'product',
        lang: 'ja',
        report: { summary: '脆弱性', cvss: 7.5 },
        reporterEmail: 'Reporter@Example.org',
        reporterFpr: 'abcd ef01',
        openedFrom: msgId,
      });
      expect(created).toMatchObject({ id, state: 'open', lang: 'ja', openedFrom: msgId, reporterFpr: 'ABCDEF01' });
      expect(created.createdAt).toBeInstanceOf(Date);
      expect((await getCase(db, id))?.report).toEqual({ summary: '脆弱性', cvss: 7.5 });
      expect(await getCase(db, 'CS-2026-9999')).toBeNull();


      await expect(createCase(db, { id, kind: 'product', lang: 'ja', report: {} })).rejects.toThrow();
      await expect(createCase(db, { id: 'X-1', kind: 'product', lang: 'fr' as 'ja', report: {} })).rejects.toThrow(
        /check constraint/,
      );
    });
  });

  describe('drafts', () => {
    it('one identity may hold several open drafts, each with its tag; a closed one is not listed', async () => {
      const email = 'draft@example.org';
      const fpr = 'AAAA1111';
      expect(await openDraftsOf(db, email, fpr)).toEqual([]);
      const d1 = await createDraft(db, { tag: 'DRAFT-STORE0001', reporterEmail: email, reporterFpr: fpr, report: { a: 1 }, missing: ['b'], messageId: 11 });
      expect(d1.messageIds).toEqual([11]);
      expect(d1.noticeIds).toEqual([]);
      const d2 = await updateDraft(db, d1.id, { report: { a: 1, b: 2 }, missing: [], messageId: 12 });
      expect(d2.id).toBe(d1.id);
      expect(d2.messageIds).toEqual([11, 12]);
      expect(d2.report).toEqual({ a: 1, b: 2 });
      // The same message again does not duplicate its id; a notice is recorded once.
      expect((await updateDraft(db, d1.id, { report: {}, missing: [], messageId: 12 })).messageIds).toEqual([11, 12]);
      await addDraftNotice(db, d1.id, '<missing.m12@desk>');
      await addDraftNotice(db, d1.id, '<missing.m12@desk>');
      // A second, unrelated incomplete report of the same identity is its own draft.
      const other = await createDraft(db, { tag: 'DRAFT-STORE0002', reporterEmail: 'DRAFT@example.org', reporterFpr: 'aaaa 1111', report: {}, missing: ['x'] });
      const open = await openDraftsOf(db, 'Draft@Example.org', fpr);
      expect(open.map((d) => d.id).sort()).toEqual([d1.id, other.id].sort());
      expect(open.find((d) => d.id === d1.id)?.noticeIds).toEqual(['<missing.m12@desk>']);
      await expect(createDraft(db, { tag: 'DRAFT-STORE0002', reporterEmail: email, reporterFpr: null, report: {}, missing: [] })).rejects.toThrow();

      // Another key, or unsigned mail, from the same address is another identity.
      expect(await openDraftsOf(db, email, 'BBBB2222')).toEqual([]);
      expect(await openDraftsOf(db, email, null)).toEqual([]);
      const unsigned = await createDraft(db, { tag: 'DRAFT-STORE0003', reporterEmail: email, reporterFpr: null, report: {}, missing: ['x'] });
      expect((await openDraftsOf(db, email, null)).map((d) => d.id)).toEqual([unsigned.id]);

      const caseId = await nextCaseId(db, 'DR', 2026);
      await createCase(db, { id: caseId, kind: 'website', lang: 'en', report: {} });
      const closed = await closeDraft(db, d1.id, { caseId });
      expect(closed.closedAt).toBeInstanceOf(Date);
      expect(closed.caseId).toBe(caseId);
      expect((await openDraftsOf(db, email, fpr)).map((d) => d.id)).toEqual([other.id]);
    });
  });

  describe('parties', () => {
    it('add (idempotent per case, role, email) and list', async () => {
      const caseId = await nextCaseId(db, 'PT', 2026);
      await createCase(db, { id: caseId, kind: 'product', lang: 'en', report: {} });
      const v1 = await addParty(db, { caseId, role: 'vendor', email: 'psirt@vendor.example', name: 'Vendor' });
      const v2 = await addParty(db, { caseId, role: 'vendor', email: 'PSIRT@vendor.example', keyFpr: 'ff00', data: { tz: 'UTC' } });
      expect(v2.id).toBe(v1.id);
      expect(v2).toMatchObject({ name: 'Vendor', keyFpr: 'FF00', data: { tz: 'UTC' } });
      await addParty(db, { caseId, role: 'reporter', email: 'r@example.org' });
      expect((await listParties(db, caseId)).map((p) => p.role)).toEqual(['vendor', 'reporter']);
      expect((await listParties(db, caseId, 'reporter')).map((p) => p.email)).toEqual(['r@example.org']);
      await expect(addParty(db, { caseId, role: 'hacker' as 'vendor' })).rejects.toThrow(/check constraint/);
      await expect(addParty(db, { caseId: 'NO-SUCH', role: 'vendor' })).rejects.toThrow(/foreign key/);
    });
  });

  describe('timeline', () => {
    it('appends and lists; UPDATE, DELETE and TRUNCATE raise', async () => {
      const caseId = await nextCaseId(db, 'TL', 2026);
      await createCase(db, { id: caseId, kind: 'product', lang: 'en', report: {} });
      const at = new Date('2026-11-03T00:00:00.000Z');
      const e1 = await appendTimeline(db, { caseId, actor: 'desk', event: 'opened', data: { from: 1 }, at });
      const e2 = await appendTimeline(db, { caseId, actor: 'reporter', event: 'replied' });
      const desk = await appendTimeline(db, { caseId: null, actor: 'desk', event: 'started' });
      expect(e1.at.getTime()).toBe(at.getTime());
      expect(e2.data).toEqual({});
      expect((await listTimeline(db, caseId)).map((e) => e.event)).toEqual(['opened', 'replied']);
      expect((await listTimeline(db, null)).map((e) => e.id)).toContain(desk.id);

      await expect(db.query("UPDATE timeline SET event = 'forged' WHERE id = $1", [e1.id])).rejects.toThrow(
        /append-only: UPDATE/,
      );
      await expect(db.query('DELETE FROM timeline WHERE id = $1', [e1.id])).rejects.toThrow(/append-only: DELETE/);
      await expect(db.exec('TRUNCATE timeline')).rejects.toThrow(/append-only: TRUNCATE/);
      const after = await listTimeline(db, caseId);
      expect(after.map((e) => [e.id, e.event])).toEqual([
        [e1.id, 'opened'],
        [e2.id, 'replied'],
      ]);
    });
  });

  describe('notices', () => {
    it('insertNotice twice keeps the first bytes; sent/failed bookkeeping', async () => {
      const id = '<ack.VR-2026-0042@desk.example>';
      const first = Buffer.from('Message-ID: <ack.VR-2026-0042@desk.example>\r\n\r\nfirst \x00\xff', 'latin1');
      const second = Buffer.from('Message-ID: <ack.VR-2026-0042@desk.example>\r\n\r\nsecond', 'latin1');
      const a = await insertNotice(db, { id, kind: 'ack', lang: 'ja', recipient: 'r@example.org', raw: first });
      expect(a.created).toBe(true);
      expect(a.notice.state).toBe('pending');
      const b = await insertNotice(db, { id, kind: 'ack', lang: 'ja', recipient: 'r@example.org', raw: second });
      expect(b.created).toBe(false);
      expect(b.notice.raw.equals(first)).toBe(true);
      expect((await getNotice(db, id))?.raw.equals(first)).toBe(true);

      expect((await listNoticesInState(db, ['pending'])).map((n) => n.id)).toContain(id);
      const failed = await markNoticeFailed(db, id, 'connection refused');
      expect(failed).toMatchObject({ state: 'failed', attempts: 1, error: 'connection refused', sentAt: null });
      const sent = await markNoticeSent(db, id);
      expect(sent).toMatchObject({ state: 'sent', attempts: 2, error: null });
      expect(sent.sentAt).toBeInstanceOf(Date);
      // A late failure report never downgrades a sent notice.
      expect(await markNoticeFailed(db, id, 'late')).toMatchObject({ state: 'sent', attempts: 2, error: null });
      expect((await listNoticesInState(db, ['pending', 'failed'])).map((n) => n.id)).not.toContain(id);

      const withheld = await insertNotice(db, {
        id: '<w@desk.example>',
        kind: 'ack',
        recipient: 'x@example.org',
        raw: Buffer.from('x'),
        state: 'withheld',
      });
      expect(withheld.notice.state).toBe('withheld');
      expect(await getNotice(db, '<none@desk.example>')).toBeNull();
    });
  });

  describe('keys', () => {
    it('upsert merges emails, revoked is sticky, lookup by email and fingerprint', async () => {
      const fpr = 'ab12 cd34 ef56';
      const k1 = await upsertKey(db, { fingerprint: fpr, emails: ['A@Example.org'], armored: 'v1', source: 'signature' });
      expect(k1).toMatchObject({ fingerprint: 'AB12CD34EF56', emails: ['a@example.org'], status: 'ok' });
      const k2 = await upsertKey(db, {
        fingerprint: 'AB12CD34EF56',
        emails: ['b@example.org', 'a@example.org'],
        armored: 'v2',
        source: 'autocrypt',
        status: 'revoked',
      });
      expect(k2).toMatchObject({ emails: ['a@example.org', 'b@example.org'], armored: 'v2', source: 'signature' });
      expect(k2.status).toBe('revoked');
      expect(k2.lastSeen.getTime()).toBeGreaterThanOrEqual(k1.lastSeen.getTime());
      expect((await upsertKey(db, { fingerprint: fpr, emails: [], armored: 'v1', source: 'attachment' })).status).toBe(
        'revoked',
      );
      expect((await findKeysByEmail(db, 'B@example.ORG')).map((k) => k.fingerprint)).toEqual(['AB12CD34EF56']);
      expect(await findKeysByEmail(db, 'c@example.org')).toEqual([]);
      expect((await getKey(db, 'ab12cd34ef56'))?.firstSeen).toBeInstanceOf(Date);
      expect(await getKey(db, 'FFFF')).toBeNull();
    });
  });

  describe('transactions', () => {
    it('commit, rollback, and a savepoint for a nested tx', async () => {
      await db.exec('CREATE TABLE tx_probe (x int)');
      await db.tx(async (t) => {
        await t.query('INSERT INTO tx_probe VALUES (1)');
      });
      await expect(
        db.tx(async (t) => {
          await t.query('INSERT INTO tx_probe VALUES (2)');
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      const inner = await db.tx(async (t) => {
        await t.query('INSERT INTO tx_probe VALUES (3)');
        await t
          .tx(async (t2) => {
            await t2.query('INSERT INTO tx_probe VALUES (4)');
            throw new Error('inner');
          })
          .catch((err: Error) => err.message);
        return t.query<{ x: number }>('SELECT x FROM tx_probe ORDER BY x');
      });
      expect(inner.map((r) => r.x)).toEqual([1, 3]);
      const rows = await db.query<{ x: number }>('SELECT x FROM tx_probe ORDER BY x');
      expect(rows.map((r) => r.x)).toEqual([1, 3]);
      await db.exec('DROP TABLE tx_probe');
    });

    it('queries issued concurrently with a transaction all complete', async () => {
      const results = await Promise.all([
        db.tx(async (t) => (await t.query<{ n: number }>('SELECT 1::int8 AS n'))[0]?.n),
        db.query<{ n: number }>('SELECT 2::int8 AS n').then((r) => r[0]?.n),
        db.tx(async (t) => (await t.query<{ n: number }>('SELECT 3::int8 AS n'))[0]?.n),
      ]);
      expect(results).toEqual([1, 2, 3]);
    });
  });

  describe('type normalisation', () => {
    it('int8/count -> number, int8[] -> number[], bytea -> Buffer, timestamptz -> Date, jsonb -> object', async () => {
      const [row] = await db.query<Record<string, unknown>>(
        `SELECT 9007199254740991::int8 AS i8, (SELECT count(*) FROM cases) AS c, ARRAY[1, NULL, 3]::int8[] AS arr,
                '\\x00ff'::bytea AS b, $1::bytea AS b2, now() AS t, $2::timestamptz AS t2,
                '{"a":[1,{"b":null}],"s":"ü"}'::jsonb AS j, ARRAY['x','y"z']::text[] AS ta`,
        [Buffer.from([0, 255, 10]), new Date('2026-01-02T03:04:05.678Z')],
      );
      expect(row?.i8).toBe(9007199254740991);
      expect(typeof row?.c).toBe('number');
      expect(row?.arr).toEqual([1, null, 3]);
      expect(Buffer.isBuffer(row?.b)).toBe(true);
      expect(row?.b).toEqual(Buffer.from([0, 255]));
      expect(Buffer.isBuffer(row?.b2)).toBe(true);
      expect(row?.b2).toEqual(Buffer.from([0, 255, 10]));
      expect(row?.t).toBeInstanceOf(Date);
      expect((row?.t2 as Date).toISOString()).toBe('2026-01-02T03:04:05.678Z');
      expect(row?.j).toEqual({ a: [1, { b: null }], s: 'ü' });
      expect(row?.ta).toEqual(['x', 'y"z']);
      // Parsers are per pool: node-postgres' global int8 parser is untouched.
      expect((pg.types.getTypeParser(20) as (s: string) => unknown)('7')).toBe('7');
    });

    it('an int8 beyond 2^53 is refused rather than rounded, and the handle stays usable', async () => {
      await expect(db.query('SELECT 9007199254740993::int8 AS big')).rejects.toThrow(/safe JS integer/);
      expect((await db.query<{ n: number }>('SELECT 5::int8 AS n'))[0]?.n).toBe(5);
    });
  });
});

describe('PostgreSQL migrations', () => {
  it('two pools (as two processes would) migrating a fresh database at once apply each file once', async () => {
    const fresh = await createPgDatabase();
    try {
      const opened = await Promise.allSettled([openDb({ databaseUrl: fresh.url }), openDb({ databaseUrl: fresh.url })]);
      const dbs = opened.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      await Promise.all(dbs.map((d) => d.query('SELECT 1')));
      const rows = dbs[0] ? await dbs[0].query<{ name: string }>('SELECT name FROM schema_migrations') : [];
      await Promise.all(dbs.map((d) => d.close()));
      expect(opened.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))).toEqual(['ok', 'ok']);
      expect(rows.map((r) => r.name)).toEqual(ALL_MIGRATIONS);
    } finally {
      await fresh.drop();
    }
  });
});

describe('PGlite data-directory lock', () => {
  let dir = '';
  let dataDir = '';

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'mdg-lock-'));
    dataDir = path.join(dir, 'db');
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a second process is refused with a clear message while the first holds it, and succeeds after', async () => {
    const t0 = performance.now();
    const first = await openDb({ dataDir });
    timings.push(`pglite: openDb on a new data dir (initdb + migrate) ${Math.round(performance.now() - t0)} ms`);
    let firstOpen = true;
    try {
      const lockContent = await readFile(`${dataDir}.lock`, 'utf8');
      expect(lockContent.split('\n')[0]).toBe(String(process.pid));

      // Same process, second open: refused too.
      await expect(openDb({ dataDir })).rejects.toThrow(/already open in this process/);

      const refused = await runChild(dataDir);
      expect(refused.code).not.toBe(0);
      expect(refused.stdout).not.toContain('OK');
      expect(refused.stderr).toContain(
        `another madoguchi process (pid ${process.pid}) is using ${dataDir}; PGlite allows one process; ` +
          'stop it or set DATABASE_URL to use PostgreSQL',
      );
      // The first process is unharmed.
      expect((await first.query<{ n: number }>('SELECT count(*) AS n FROM schema_migrations'))[0]?.n).toBe(ALL_MIGRATIONS.length);

      await first.close();
      firstOpen = false;
      expect(existsSync(`${dataDir}.lock`)).toBe(false);

      const t1 = performance.now();
      const ok = await runChild(dataDir);
      timings.push(`pglite: child process open+query+close on an existing data dir ${Math.round(performance.now() - t1)} ms`);
      expect(ok.stderr).toBe('');
      expect(ok.stdout.trim()).toBe(`OK ${ALL_MIGRATIONS.length}`);
      expect(ok.code).toBe(0);
      expect(existsSync(`${dataDir}.lock`)).toBe(false);
    } finally {
      if (firstOpen) await first.close();
    }
  });

  it('a stale lock (dead pid) is taken over, and released on close', async () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    expect(typeof dead).toBe('number');
    await writeFile(`${dataDir}.lock`, `${dead}\nold-host 2026-01-01T00:00:00Z deadbeef\n`);
    const t0 = performance.now();
    const db = await openDb({ dataDir });
    timings.push(`pglite: openDb on an existing data dir ${Math.round(performance.now() - t0)} ms`);
    try {
      expect((await readFile(`${dataDir}.lock`, 'utf8')).split('\n')[0]).toBe(String(process.pid));
      expect((await db.query<{ n: number }>('SELECT count(*) AS n FROM schema_migrations'))[0]?.n).toBe(ALL_MIGRATIONS.length);
    } finally {
      await db.close();
    }
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
  });
});

afterAll(() => {
  console.info(`store timings:\n  ${timings.join('\n  ')}`);
});
