// `madoguchi case ID COMMAND` on website cases through the bin script, on PostgreSQL and
// Redis (issue 11: coordinators decide website cases by the same commands as product cases,
// on the command line as by mail): accept (the operator proposed from the registry),
// confirm-operator (the details stored encrypted for the operator), note, relay to the
// operator and to the reporter, notify-operator, reject and stop; a product-only command is
// refused with the catalogue's website-case text, and nothing changes.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDeskKey } from '../../src/crypto/openpgp.ts';
import { saveSnapshot } from '../../src/desk/coordination.ts';
import { applyWebsiteEvent } from '../../src/desk/website-coordination.ts';
import { addCalendarDays } from '../../src/domain/clock.ts';
import { ensureDeskKeys } from '../../src/desk/keys.ts';
import { newWebsiteCase } from '../../src/rules/website.ts';
import { openDb } from '../../src/store/db.ts';
import { upsertOperator } from '../../src/store/operators.ts';
import { createCase } from '../../src/store/repo.ts';
import { freshDatabase, query } from '../support/desk.ts';
import { ROOT } from '../support/paths.ts';

let db: Awaited<ReturnType<typeof freshDatabase>>;
let work: string;
const prefix = `mdg-cli-web-${randomBytes(4).toString('hex')}`;
const COORDS = [{ name: 'Sato', email: 'sato@coord.madoguchi.test', fingerprints: ['0123456789ABCDEF0123456789ABCDEF01234567'] }];
const run = (args: string[]) =>
  spawnSync(process.execPath, [join(ROOT, 'bin', 'madoguchi.js'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      MADOGUCHI_KEYS_DIR: join(work, 'keys'),
      MADOGUCHI_COORDINATORS: JSON.stringify(COORDS),
      MADOGUCHI_QUEUE_PREFIX: prefix,
      // No test reaches outside this machine: the registry alone proposes the operator.
      MADOGUCHI_WEB_ENABLED: 'false',
    },
  });

const reporter = { name: '山田 太郎', consent: { shareIdentity: false, directContact: false, credit: false } };
const report = (url: string) => ({ kind: 'website', website: { url }, vulnerability: { summary: 'Stored XSS in the cart page.' }, reproduction: 'Put a script tag in the gift message.', reporter: { name: '山田 太郎' } });

async function websiteCase(id: string, url: string): Promise<void> {
  const store = await openDb({ databaseUrl: db.url });
  await createCase(store, { id, kind: 'website', state: 'received', lang: 'ja', report: report(url), reporterEmail: 'taro@reporter.test' });
  await saveSnapshot(store, newWebsiteCase({ id, reporter }));
  await store.close();
}
const stateOf = async (id: string): Promise<string> => (await query<{ state: string }>(db.url, 'SELECT state FROM cases WHERE id = $1', [id]))[0]!.state;
const noticesOf = async (id: string): Promise<{ id: string; kind: string; recipient: string; state: string; sealed: boolean }[]> =>
  query(db.url, "SELECT id, kind, recipient, state, raw IS NOT NULL AND position('BEGIN PGP MESSAGE' in convert_from(raw, 'UTF8')) > 0 AS sealed FROM notices WHERE case_id = $1 ORDER BY created_at, id", [id]);
const timelineOf = async (id: string): Promise<string[]> => (await query<{ event: string }>(db.url, 'SELECT event FROM timeline WHERE case_id = $1 ORDER BY id', [id])).map((r) => r.event);

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'mdg-cli-web-'));
  await ensureDeskKeys(join(work, 'keys'), 'Desk', 'desk@madoguchi.test', () => undefined);
  db = await freshDatabase();
  const store = await openDb({ databaseUrl: db.url });
  const opKey = await generateDeskKey('Shop Security', 'security@shop.example.jp');
  await upsertOperator(store, { id: 'shop-co', name: 'Shop Co', domains: ['shop.example.jp'], contacts: { to: ['security@shop.example.jp'] }, keys: [{ fingerprint: opKey.fingerprint, armored: opKey.armoredPublic }] }, 'test');
  await store.close();
  await websiteCase('VR-2026-0201', 'https://shop.example.jp/cart');
  await websiteCase('VR-2026-0202', 'https://shop.example.jp/login');
  await websiteCase('VR-2026-0203', 'https://shop.example.jp/search');
}, 120_000);

afterAll(async () => {
  await db?.drop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('madoguchi case on a website case', () => {
  it('accept, confirm-operator, note, relay (operator and reporter) and notify-operator work as by mail', async () => {
    const id = 'VR-2026-0201';
    const accept = run(['case', id, 'accept']);
    expect(accept.stderr).toBe('');
    expect(accept.stdout).toContain('accept: done');
    expect(accept.status).toBe(0);
    expect(await stateOf(id)).toBe('accepted');
    // The reporter is told (withheld here: no key on file), the registry's operator is proposed to the coordinators.
    let kinds = (await noticesOf(id)).map((n) => n.kind);
    expect(kinds).toContain('reporter-accepted');
    expect(kinds).toContain('coord-confirm-operator');
    expect(await timelineOf(id)).toContain('operator-proposed');

    const again = run(['case', id, 'accept']);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('accept: done (already accepted; nothing changed)');

    const confirm = run(['case', id, 'confirm-operator', 'shop-co']);
    expect(confirm.stderr).toBe('');
    expect(confirm.status).toBe(0);
    expect(confirm.stdout).toContain('confirm-operator: done');
    expect(await stateOf(id)).toBe('operator-notified');
    const notify = (await noticesOf(id)).filter((n) => n.kind === 'operator-notify');
    expect(notify).toHaveLength(1);
    // Encrypted to the pinned key, pending for the desk to send: the stdout names it.
    expect(notify[0]).toMatchObject({ recipient: 'security@shop.example.jp', state: 'pending', sealed: true });
    expect(confirm.stdout).toContain(notify[0]!.id);

    const note = run(['case', id, 'note', 'called the shop; they will look at it']);
    expect(note.status).toBe(0);
    expect(await timelineOf(id)).toContain('note');

    const toOperator = run(['case', id, 'relay', 'shop-co', 'Could you confirm the cart page is fixed?']);
    expect(toOperator.stderr).toBe('');
    expect(toOperator.status).toBe(0);
    const toReporter = run(['case', id, 'relay', 'reporter', 'The operator is looking at it.']);
    expect(toReporter.status).toBe(0);
    kinds = (await noticesOf(id)).map((n) => n.kind);
    expect(kinds).toContain('operator-relay');
    expect(kinds).toContain('reporter-relay');
    expect((await noticesOf(id)).find((n) => n.kind === 'operator-relay')).toMatchObject({ sealed: true, recipient: 'security@shop.example.jp' });

    // Another operator is not the case's: refused, nothing relayed.
    const wrong = run(['case', id, 'relay', 'other-co', 'hello']);
    expect(wrong.status).toBe(1);
    expect(wrong.stdout).toContain('relay: error');
    expect(wrong.stdout).toContain('other-co is not the operator');

    const before = (await noticesOf(id)).filter((n) => n.kind === 'operator-notify').length;
    const resend = run(['case', id, 'notify-operator']);
    expect(resend.stderr).toBe('');
    expect(resend.status).toBe(0);
    expect((await noticesOf(id)).filter((n) => n.kind === 'operator-notify').length).toBe(before + 1);
  }, 180_000);

  it('a product-only command is refused (website-case) and changes nothing', async () => {
    const id = 'VR-2026-0201';
    const n = (await noticesOf(id)).length;
    const state = await stateOf(id);
    const r = run(['case', id, 'add-vendor', 'acme']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('add-vendor: error (This is a website case: it has no vendors and no publication.)');
    expect((await noticesOf(id)).length).toBe(n);
    expect(await stateOf(id)).toBe(state);
  }, 60_000);

  it('reject and stop end a website case; the reporter is told', async () => {
    const rejected = run(['case', 'VR-2026-0202', 'reject', 'out of scope: not a vulnerability']);
    expect(rejected.stderr).toBe('');
    expect(rejected.status).toBe(0);
    expect(await stateOf('VR-2026-0202')).toBe('not-accepted');
    expect((await noticesOf('VR-2026-0202')).map((x) => x.kind)).toContain('reporter-not-accepted');

    expect(run(['case', 'VR-2026-0203', 'accept']).status).toBe(0);
    const stopped = run(['case', 'VR-2026-0203', 'stop', 'not-reproducible']);
    expect(stopped.stderr).toBe('');
    expect(stopped.status).toBe(0);
    expect(await stateOf('VR-2026-0203')).toBe('stopped');
    expect((await noticesOf('VR-2026-0203')).map((x) => x.kind)).toContain('reporter-stopped');
    // A stopped case takes no more: the rules' refusal, as the mail confirmation says it.
    const late = run(['case', 'VR-2026-0203', 'confirm-operator', 'shop-co']);
    expect(late.status).toBe(1);
    expect(late.stdout).toContain('confirm-operator: error');
  }, 120_000);

  it('cases show and cases list give a website case its own clock: operator, notified, fix target (起算日 + 90), reminders, state', async () => {
    const id = 'VR-2026-0201';
    // Eight days of silence pass (the rules' tick at that instant): one reminder.
    const store = await openDb({ databaseUrl: db.url });
    const later = new Date(Date.now() + 8 * 86_400_000);
    const r = await applyWebsiteEvent(store, id, { type: 'tick' }, later, 'desk');
    await store.close();
    expect(r?.snapshot.operator?.reminders).toBe(1);
    const start = r!.snapshot.firstContactDate!;
    const show = run(['cases', 'show', id]);
    expect(show.stderr).toBe('');
    expect(show.status).toBe(0);
    const line = (label: string): string => show.stdout.split('\n').find((l) => l.startsWith(label)) ?? '';
    expect(show.stdout.split('\n')[0]).toMatch(new RegExp(`^${id}  website  state: operator-notified`));
    expect(line('fix target')).toContain(addCalendarDays(start, 90));
    expect(line('operator')).toMatch(/^operator +shop-co {2}Shop Co {2}reminded\(1\)/);
    expect(line('notified')).toMatch(/^notified +\d{4}-\d\d-\d\d \d\d:\d\d JST .*details sent, encrypted/);
    expect(line('reminders')).toMatch(/^reminders +1 sent, last written to /);
    expect(line('last answer')).toMatch(/^last answer +—$/);
    const list = run(['cases', 'list']);
    expect(list.status).toBe(0);
    const cols = list.stdout.split('\n').find((l) => l.startsWith(id))!.split('\t');
    expect(cols.slice(0, 4)).toEqual([id, 'website', 'operator-notified', 'operator shop-co: reminded(1)']);
    expect(cols[5]).toContain(`fix target ${addCalendarDays(start, 90)}`);
    const json = JSON.parse(run(['cases', 'show', id, '--json']).stdout) as { website: { fixTargetJst: string; operator: { reminders: number; detailsSentAt: string } } };
    expect(json.website.fixTargetJst).toBe(addCalendarDays(start, 90));
    expect(json.website.operator.reminders).toBe(1);
    expect(json.website.operator.detailsSentAt).toMatch(/Z$/);
  }, 120_000);
});
