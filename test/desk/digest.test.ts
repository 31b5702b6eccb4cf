// The coordinators' digest wired into the desk (issue 11), on real PostgreSQL: the tick
// sends it at 09:00 JST on business days, once per coordinator and day however many desks
// tick at the same instant and however often; closed days (weekends, 2027-01-11 成人の日)
// send none and the next business day covers everything since; each digest is encrypted
// to its coordinator and signed by the desk; a coordinator without a key gets no content
// and the others are told.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKeyring } from '../../src/crypto/openpgp.ts';
import { ensureDeskKeys } from '../../src/desk/keys.ts';
import { Desk } from '../../src/desk/service.ts';
import { inspectMessage } from '../../src/inbound/pipeline.ts';
import type { JobData, JobName } from '../../src/jobs/registry.ts';
import type { Transport } from '../../src/outbound/transport.ts';
import { openDb, type Db } from '../../src/store/db.ts';
import { createCase } from '../../src/store/repo.ts';
import { saveSnapshot } from '../../src/desk/coordination.ts';
import { newWebsiteCase, stepWebsite, type WebsiteCase, type WebsiteEvent } from '../../src/rules/website.ts';
import { freshDatabase } from '../support/desk.ts';
import { party, type Party } from '../support/inprocess-desk.ts';

const DESK = 'desk@madoguchi.test';
const DIGEST = { enabled: true, time: '09:00', silentDays: 14 };
/** 09:00 JST of a date, plus minutes. */
const jst = (date: string, hhmm = '09:00'): Date => new Date(`${date}T${hhmm}:00+09:00`);

let pg: Awaited<ReturnType<typeof freshDatabase>>;
let db: Db;
let work: string;
let deskPublic: string;
let sato: Party;
let suzuki: Party;
let now = jst('2027-01-07');
const jobs: { name: JobName; data: JobData }[] = [];
const seen = new Set<string>();
const sent: { id: string; to: string[]; raw: Buffer }[] = [];
let desks: Desk[] = [];
let makeDesk: (coordinators: Party[], extra?: { name: string; email: string }[], langs?: Record<string, 'ja' | 'en'>) => Desk;

async function runJobs(): Promise<void> {
  while (jobs.length > 0) {
    const j = jobs.shift()!;
    await desks[0]!.handle(j.name, j.data);
  }
}

/** The digests sent since `from` (index into `sent`), by recipient. */
const digestsSince = (from: number) => sent.slice(from).filter((m) => m.id.startsWith('<digest.'));

async function read(raw: Buffer, who: Party) {
  const ring = await loadKeyring([{ name: 'who.sec.asc', text: who.armoredPrivate }, { name: 'desk.asc', text: deskPublic }], undefined, (m) => {
    throw new Error(m);
  });
  return inspectMessage(raw, { ring });
}

/** Every desk ticks at the current clock, at the same time; then the queued sends run. */
async function tickAll(): Promise<number> {
  const before = sent.length;
  await Promise.all(desks.map((d) => d.handle('tick', {})));
  await runJobs();
  return digestsSince(before).length;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'mdg-digest-'));
  const keys = await ensureDeskKeys(join(work, 'keys'), 'Desk', DESK, () => undefined);
  deskPublic = keys.signer.armoredPublic;
  pg = await freshDatabase();
  db = await openDb({ databaseUrl: pg.url });
  sato = await party('Sato', 'sato@coord.madoguchi.test');
  suzuki = await party('Suzuki', 'suzuki@coord.madoguchi.test');
  const transport: Transport = {
    send(raw, envelope, messageId) {
      sent.push({ id: messageId, to: envelope.to, raw });
      return Promise.resolve({ ok: true, response: '250 ok' });
    },
    close: () => Promise.resolve(),
  };
  makeDesk = (coordinators, extra = [], langs = {}) =>
    new Desk({
      db,
      queue: {
        add(name, data, jobId) {
          if (!seen.has(jobId)) jobs.push({ name, data });
          seen.add(jobId);
          return Promise.resolve();
        },
      },
      transport,
      signer: keys.signer,
      ring: keys.ring,
      address: DESK,
      casePrefix: 'VR',
      clock: () => now,
      digest: DIGEST,
      coordinators: [
        ...coordinators.map((c) => ({ name: c.name, email: c.email, fingerprints: [c.fingerprint], armoredKeys: [c.armoredPublic], ...(langs[c.email] ? { lang: langs[c.email] } : {}) })),
        ...extra.map((c) => ({ name: c.name, email: c.email, fingerprints: [], armoredKeys: [] })),
      ],
    });
  // Two desk processes on one database.
  desks = [makeDesk([sato, suzuki]), makeDesk([sato, suzuki])];
}, 120_000);

afterAll(async () => {
  await db?.close();
  await pg?.drop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the coordinators’ digest (issue 11)', () => {
  it('the first business day at 09:00 JST: one digest per coordinator though two desks tick at once; nothing to report is one line', async () => {
    now = jst('2027-01-07'); // Thursday
    expect(await tickAll()).toBe(2);
    const mine = sent.filter((m) => m.id.startsWith('<digest.'));
    expect(mine.map((m) => m.to[0]).sort()).toEqual([sato.email, suzuki.email]);
    const toSato = mine.find((m) => m.to[0] === sato.email)!;
    const r = await read(toSato.raw, sato);
    expect(r.verdict.encryption).toBe('pgp-mime');
    expect(r.verdict.signature.status).toBe('valid');
    expect(r.text).toContain('2027-01-07');
    expect(r.text).toContain('報告事項はありません');
    expect(r.text.trim().split('\n').filter((l) => l.trim() !== '')).toHaveLength(2); // the line and the sign-off
    // Suzuki's digest is encrypted to Suzuki, not readable with Sato's key.
    const other = await read(mine.find((m) => m.to[0] === suzuki.email)!.raw, sato);
    expect(other.text).not.toContain('2027-01-07');
  });

  it('a restart later the same day (another tick) sends none', async () => {
    now = jst('2027-01-07', '15:00');
    desks = [makeDesk([sato, suzuki])]; // a new process
    expect(await tickAll()).toBe(0);
    desks.push(makeDesk([sato, suzuki]));
  });

  it('before 09:00 none; at 09:00 one each, listing the new case with its command', async () => {
    await createCase(db, { id: 'VR-2027-0001', kind: 'product', state: 'accepted', lang: 'ja', report: {} });
    now = jst('2027-01-08', '08:59'); // Friday
    expect(await tickAll()).toBe(0);
    now = jst('2027-01-08');
    const from = sent.length;
    expect(await tickAll()).toBe(2);
    const r = await read(digestsSince(from).find((m) => m.to[0] === sato.email)!.raw, sato);
    expect(r.text).toContain('- VR-2027-0001：新しい案件（ソフトウエア製品）');
    expect(r.text).toMatch(/X-CASE: VR-2027-0001 \/ X-|madoguchi cases show VR-2027-0001/);
    expect(r.text).not.toContain('報告事項はありません');
  });

  it('Saturday, Sunday and a Japanese holiday (2027-01-11 成人の日) send none; the next business day covers everything since', async () => {
    now = jst('2027-01-09'); // Saturday
    await createCase(db, { id: 'VR-2027-0002', kind: 'product', state: 'accepted', lang: 'ja', report: {} });
    expect(await tickAll()).toBe(0);
    now = jst('2027-01-10'); // Sunday
    expect(await tickAll()).toBe(0);
    now = jst('2027-01-11', '10:00'); // Monday, 成人の日
    expect(await tickAll()).toBe(0);
    now = jst('2027-01-12', '09:30'); // Tuesday
    const from = sent.length;
    expect(await tickAll()).toBe(2);
    const r = await read(digestsSince(from).find((m) => m.to[0] === suzuki.email)!.raw, suzuki);
    expect(r.text).toContain('2027-01-12');
    expect(r.text).toContain('- VR-2027-0002：新しい案件');
    // Friday's new case was in Friday's digest: not new again.
    expect(r.text).not.toContain('- VR-2027-0001：新しい案件');
    const days = await db.query<{ d: string; n: string }>(`SELECT to_char(day, 'YYYY-MM-DD') AS d, count(*) AS n FROM digests GROUP BY 1 ORDER BY 1`);
    expect(days.map((x) => [x.d, Number(x.n)])).toEqual([
      ['2027-01-07', 2],
      ['2027-01-08', 2],
      ['2027-01-12', 2],
    ]);
  });

  it('a coordinator without a usable key: no digest content, the others are alerted', async () => {
    desks = [makeDesk([sato, suzuki], [{ name: 'Tanaka', email: 'tanaka@coord.madoguchi.test' }])];
    now = jst('2027-01-13');
    const from = sent.length;
    expect(await tickAll()).toBe(2);
    expect(digestsSince(from).some((m) => m.to[0] === 'tanaka@coord.madoguchi.test')).toBe(false);
    const withheld = await db.query<{ state: string; n: number }>(`SELECT state, octet_length(raw) AS n FROM notices WHERE kind = 'digest' AND recipient = 'tanaka@coord.madoguchi.test'`);
    expect(withheld).toEqual([{ state: 'withheld', n: 0 }]);
    const alerts = sent.slice(from).filter((m) => m.id.startsWith('<coord-alert.'));
    expect(alerts.map((m) => m.to[0]).sort()).toEqual([sato.email, suzuki.email]);
    const a = await read(alerts.find((m) => m.to[0] === sato.email)!.raw, sato);
    expect(a.text).toContain('Tanaka');
    // Claimed: the next tick the same day sends nothing more.
    expect(await tickAll()).toBe(0);
    expect(sent.slice(from).filter((m) => m.id.startsWith('<coord-alert.'))).toHaveLength(2);
  });

  it('a website case: its silent operator and its passed fix target, in each coordinator’s language (Suzuki: en), never the site', async () => {
    // Accepted and the operator notified on 2026-10-01: fix target 2026-12-30; silent since.
    let c: WebsiteCase = newWebsiteCase({ id: 'VR-2026-0300', reporter: { name: '山田 太郎', consent: { shareIdentity: false, directContact: false, credit: false } } });
    const events: WebsiteEvent[] = [{ type: 'accept' }, { type: 'confirm-operator', operator: { id: 'shop-co', name: 'Shop Co', source: 'registry', keyFingerprint: 'A'.repeat(40) } }];
    for (const e of events) c = stepWebsite(c, e, new Date('2026-10-01T01:00:00Z')).case;
    expect(c.fixTarget).toBe('2026-12-30');
    await createCase(db, { id: c.id, kind: 'website', state: 'operator-notified', lang: 'ja', report: { kind: 'website', website: { url: 'https://shop.example.jp/cart' } } });
    await saveSnapshot(db, c);
    desks = [makeDesk([sato, suzuki], [], { [suzuki.email]: 'en' })];
    now = jst('2027-01-14'); // Thursday
    const from = sent.length;
    expect(await tickAll()).toBe(2);
    const ja = (await read(digestsSince(from).find((m) => m.to[0] === sato.email)!.raw, sato)).text;
    const en = (await read(digestsSince(from).find((m) => m.to[0] === suzuki.email)!.raw, suzuki)).text;
    expect(ja).toContain('期限を過ぎた案件');
    expect(ja).toContain('修正の目標日を過ぎています');
    expect(ja).toMatch(/サイト運営者 shop-co：\d+ 日応答なし/);
    expect(en).toContain('Cases past their date');
    expect(en).toContain('the fix target has passed (website)');
    expect(en).toMatch(/site operator shop-co: silent for \d+ days/);
    expect(en).toContain('X-CASE: VR-2026-0300 / X-NOTIFY-OPERATOR');
    expect(en).not.toContain('期限を過ぎた案件');
    for (const t of [ja, en]) {
      expect(t).not.toContain('shop.example.jp');
      expect(t).not.toContain('Shop Co');
    }
    const langs = await db.query<{ recipient: string; lang: string }>(`SELECT recipient, lang FROM notices WHERE kind = 'digest' AND id LIKE '%d2027-01-14@%' ORDER BY recipient`);
    expect(langs).toEqual([{ recipient: sato.email, lang: 'ja' }, { recipient: suzuki.email, lang: 'en' }]);
  });
});
