// Product-track decisions → notices, checked on the recipients' side with real gpg.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDeskKey, readSigningKey, type SigningKey } from '../../src/crypto/openpgp.ts';
import { composeDecisions, progressOf, type ExecuteContext } from '../../src/desk/execute.ts';
import { parseReportForm } from '../../src/forms/index.ts';
import { DEFAULT_SETTINGS, newProductCase, stepProduct, type ProductCase } from '../../src/rules/product.ts';
import type { Vendor } from '../../src/store/vendors.ts';
import { Gpg, openNotice } from '../support/gpg.ts';
import { ROOT } from '../support/paths.ts';

const gpg = new Gpg();
let signer: SigningKey;
let work: string;
const report = parseReportForm(readFileSync(join(ROOT, 'test', 'fixtures', 'report-ja.txt'), 'utf8'));
const t0 = new Date('2026-11-24T01:00:00Z');
const DAY = 86_400_000;
/** gpg's --faked-system-time format: 20261024T010000 (UTC). */
const isoBasic = (d: Date): string => d.toISOString().replace(/[-:]/g, '').slice(0, 15);

function vendor(id: string, email: string, armored: string[]): Vendor {
  return {
    id,
    name: `${id.toUpperCase()} Corp`,
    nameJa: null,
    registration: 'general',
    acceptsDirect: false,
    publishName: true,
    contacts: { to: [email], cc: [] },
    keys: armored.map((a, i) => ({ fingerprint: `F${i}`, armored: a })),
    products: [{ name: 'まどぐちメールサーバ', keywords: [] }],
    createdAt: t0,
    updatedAt: t0,
    removedAt: null,
  };
}

let vendors: Map<string, Vendor>;
let coordinatorKey: string;
let reporterKey: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'mdg-exec-'));
  const desk = await generateDeskKey('Desk', 'desk@madoguchi.test');
  signer = await readSigningKey(desk.armoredPrivate);
  gpg.importText(desk.armoredPublic);
  // The keys are made before t0: the notices are composed at t0, and a key created after
  // the moment it is used for is not valid then (this test once broke when the real date
  // passed t0).
  const made = ['--faked-system-time', `${isoBasic(new Date(t0.getTime() - 30 * DAY))}!`];
  for (const u of ['ACME PSIRT <psirt@acme.test>', 'Sato <sato@desk.test>', 'Taro <taro@reporter.test>']) gpg.run([...made, '--quick-gen-key', u, 'ed25519', 'sign', 'never']);
  for (const e of ['psirt@acme.test', 'sato@desk.test', 'taro@reporter.test']) {
    const fpr = /fpr:+([0-9A-F]{40})/.exec(gpg.run(['--with-colons', '--list-keys', e]).toString())![1]!;
    gpg.run([...made, '--quick-add-key', fpr, 'cv25519', 'encr', 'never']);
  }
  vendors = new Map([
    ['acme', vendor('acme', 'psirt@acme.test', [gpg.run(['--armor', '--export', 'psirt@acme.test']).toString()])],
    ['nokey', vendor('nokey', 'sec@nokey.test', [])],
  ]);
  coordinatorKey = gpg.run(['--armor', '--export', 'sato@desk.test']).toString();
  reporterKey = gpg.run(['--armor', '--export', 'taro@reporter.test']).toString();
}, 60_000);

afterAll(() => {
  gpg.close();
  rmSync(work, { recursive: true, force: true });
});

const ctx = (snapshot: ProductCase, now: Date, eventKey: string): ExecuteContext => ({
  caseId: 'VR-2026-0042',
  report,
  lang: 'ja',
  snapshot,
  vendors,
  coordinators: [{ name: 'Sato', email: 'sato@desk.test', armoredKeys: [coordinatorKey] }],
  signer,
  address: 'desk@madoguchi.test',
  domain: 'madoguchi.test',
  settings: DEFAULT_SETTINGS,
  now,
  eventKey,
  reporter: { email: 'taro@reporter.test', armoredKeys: [reporterKey] },
});

const start = (shareIdentity: boolean): ProductCase =>
  newProductCase({ id: 'VR-2026-0042', reporter: { name: '山田 太郎', consent: { shareIdentity, directContact: false, credit: false } } });

describe('decision executor', () => {
  it('vendor notice: encrypted to the pinned key, the details inside, no reporter identity without consent', async () => {
    const step = stepProduct(start(false), { type: 'add-vendor', vendor: { id: 'acme', name: 'ACME Corp' } }, t0);
    const { notices } = await composeDecisions(ctx(step.case, t0, 'e1'), step.decisions);
    const n = notices.find((x) => x.kind === 'vendor-notify')!;
    expect(n.recipients).toEqual(['psirt@acme.test']);
    const raw = n.raw!;
    expect(raw.toString('latin1')).toMatch(/^Subject: \[VR-2026-0042\]\r$/m);
    const o = openNotice(gpg, raw);
    expect(o.decryptedOk).toBe(true);
    expect(o.signer).toBe(signer.fingerprint);
    const text = Buffer.from(o.decrypted, 'latin1').toString('utf8');
    const inner = decodeParts(text);
    expect(inner).toContain('VR-2026-0042');
    expect(inner).toContain('検索欄');
    for (const secret of ['山田', 'taro@reporter.test', 'サンプル研究所']) expect(inner).not.toContain(secret);
  });

  it('with consent the reporter is named to the vendor', async () => {
    const step = stepProduct(start(true), { type: 'add-vendor', vendor: { id: 'acme', name: 'ACME Corp' } }, t0);
    const { notices } = await composeDecisions(ctx(step.case, t0, 'e2'), step.decisions);
    const inner = decodeParts(Buffer.from(openNotice(gpg, notices.find((x) => x.kind === 'vendor-notify')!.raw!).decrypted, 'latin1').toString('utf8'));
    expect(inner).toContain('山田');
    expect(inner).toContain('taro@reporter.test');
  });

  it('fails closed: a vendor without a usable key gets nothing, and the coordinators are told', async () => {
    const step = stepProduct(start(false), { type: 'add-vendor', vendor: { id: 'nokey', name: 'NOKEY Corp' } }, t0);
    const { notices } = await composeDecisions(ctx(step.case, t0, 'e3'), step.decisions);
    const withheld = notices.find((x) => x.kind === 'vendor-notify')!;
    expect(withheld.raw).toBeNull();
    expect(withheld.withheldReason).toMatch(/no usable pinned key/);
    const alert = notices.find((x) => x.kind === 'coord-alert')!;
    expect(alert.recipients).toEqual(['sato@desk.test']);
    expect(openNotice(gpg, alert.raw!).decryptedOk).toBe(true);
  });

  it('a moved clock: eight days of silence give the first reminder', async () => {
    const s1 = stepProduct(start(false), { type: 'add-vendor', vendor: { id: 'acme', name: 'ACME Corp' } }, t0);
    const later = new Date(t0.getTime() + 8 * DAY);
    const s2 = stepProduct(s1.case, { type: 'tick' }, later);
    const { notices } = await composeDecisions(ctx(s2.case, later, 'e4'), s2.decisions);
    const remind = notices.find((x) => x.kind === 'vendor-remind')!;
    expect(remind.id).toContain('vendor-remind-1');
    expect(openNotice(gpg, remind.raw!).decryptedOk).toBe(true);
  });
});

describe('decision executor: what vendors and the reporter are told after the notification', () => {
  const notified = (shareIdentity = false): ProductCase => stepProduct(start(shareIdentity), { type: 'add-vendor', vendor: { id: 'acme', name: 'ACME Corp' } }, t0).case;
  const open = (raw: Buffer | null): string => decodeParts(Buffer.from(openNotice(gpg, raw!).decrypted, 'latin1').toString('utf8'));

  it('set-date: the vendor is told the common date (encrypted to its key), and so is the reporter', async () => {
    const s = stepProduct(notified(), { type: 'set-date', date: '2026-12-20' }, t0);
    const { notices, unhandled } = await composeDecisions(ctx(s.case, t0, 'd1'), s.decisions);
    expect(unhandled.filter((d) => d.type !== 'record')).toEqual([]);
    const v = notices.find((n) => n.kind === 'vendor-schedule')!;
    expect(v.recipients).toEqual(['psirt@acme.test']);
    expect(v.id).toMatch(/^<vendor-schedule\.VR-2026-0042\.acme\.d1@/);
    const text = open(v.raw);
    expect(text).toContain('2026-12-20（日本時間／UTC 2026-12-19 15:00 から）');
    for (const secret of ['山田', 'taro@reporter.test']) expect(text).not.toContain(secret);
    expect(open(notices.find((n) => n.kind === 'reporter-schedule')!.raw)).toContain('2026-12-20');
  });

  it('a changed date: the vendor is told the old and the new date, the reporter that it changed', async () => {
    const first = stepProduct(notified(), { type: 'set-date', date: '2026-12-20' }, t0);
    const s = stepProduct(first.case, { type: 'set-date', date: '2027-01-10' }, t0);
    const { notices } = await composeDecisions(ctx(s.case, t0, 'd1b'), s.decisions);
    const v = open(notices.find((n) => n.kind === 'vendor-schedule')!.raw);
    expect(v).toContain('公表日を、2026-12-20（日本時間） から次の日付に変更いたしました');
    expect(v).toContain('2027-01-10（日本時間／UTC 2027-01-09 15:00 から）');
    expect(open(notices.find((n) => n.kind === 'reporter-schedule')!.raw)).toContain('公表日が 2027-01-10（日本時間／UTC 2027-01-09 15:00 から）に変更になりました');
  });

  it('stop: the vendor is told the case is closed and to keep it confidential; remove-vendor: the vendor is told it is off the case', async () => {
    const stopped = stepProduct(notified(), { type: 'stop', reason: { kind: 'not-reproducible' } }, t0);
    const a = await composeDecisions(ctx(stopped.case, t0, 'd2'), stopped.decisions);
    expect(open(a.notices.find((n) => n.kind === 'vendor-stopped')!.raw)).toContain('再現することができませんでした');
    expect(a.notices.some((n) => n.kind === 'reporter-stopped' && n.raw !== null)).toBe(true);
    const removed = stepProduct(notified(), { type: 'remove-vendor', vendorId: 'acme' }, t0);
    const b = await composeDecisions(ctx(removed.case, t0, 'd3'), removed.decisions);
    expect(open(b.notices.find((n) => n.kind === 'vendor-withdrawn')!.raw)).toContain('対象から外しました');
  });

  it('reject: the reporter is told the coordinator\'s reason, encrypted', async () => {
    const received = { ...start(false), rm: 'received' as const };
    const s = stepProduct(received, { type: 'reject', reason: '国内で流通していない製品です' }, t0);
    const { notices } = await composeDecisions(ctx(s.case, t0, 'd4'), s.decisions);
    const n = notices.find((x) => x.kind === 'reporter-not-accepted')!;
    expect(n.recipients).toEqual(['taro@reporter.test']);
    expect(open(n.raw)).toContain('  | 国内で流通していない製品です');
  });

  it('introduce: the vendor gets the reporter\'s contact, the reporter the vendor\'s, each encrypted to its own key', async () => {
    const { notices } = await composeDecisions(ctx(notified(), t0, 'd5'), [{ type: 'introduce', vendorId: 'acme' }]);
    const toVendor = notices.find((n) => n.kind === 'introduce' && n.recipients.includes('psirt@acme.test'))!;
    const toReporter = notices.find((n) => n.kind === 'introduce' && n.recipients.includes('taro@reporter.test'))!;
    expect(open(toVendor.raw)).toContain('taro@reporter.test');
    expect(open(toReporter.raw)).toContain('psirt@acme.test');
  });

  it('the reporter hears of progress in general terms: notified, then confirmed, never the vendor\'s name or words', async () => {
    const s1 = stepProduct(start(false), { type: 'add-vendor', vendor: { id: 'acme', name: 'ACME Corp' } }, t0);
    const a = await composeDecisions(ctx(s1.case, t0, 'p1'), s1.decisions);
    expect(open(a.notices.find((n) => n.kind === 'reporter-progress')!.raw)).toContain('製品開発者に脆弱性関連情報を通知しました');
    const s2 = stepProduct(s1.case, { type: 'vendor-reply', vendorId: 'acme', reply: { caseId: 'VR-2026-0042', status: 'affected', workaround: '設定で検索欄を無効にする' } }, t0);
    const b = await composeDecisions(ctx(s2.case, t0, 'p2'), s2.decisions);
    const text = open(b.notices.find((n) => n.kind === 'reporter-progress')!.raw);
    expect(text).toContain('製品開発者が脆弱性の存在を確認しました');
    for (const secret of ['ACME', '設定で検索欄を無効にする']) expect(text).not.toContain(secret);
    expect(progressOf(s2.decisions)).toEqual(['vendor-confirmed']);
    expect(progressOf([])).toEqual([]);
  });

  it('the advisory names a vendor registered with publish_name false by its status only', async () => {
    const hidden = { ...vendors.get('acme')!, id: 'hidden', name: 'HIDDEN Corp', publishName: false };
    vendors.set('hidden', hidden);
    try {
      const advisory = { caseId: 'VR-2026-0042', date: '2026-12-20', credit: null, byCommittee: false, vendors: [{ vendorId: 'hidden', name: 'HIDDEN Corp', product: null, status: 'fixed' as const, fixedVersions: '2.3.2', workaround: null, advisoryUrl: null }] };
      const { notices } = await composeDecisions(ctx(notified(), t0, 'p3'), [{ type: 'send-advisory', advisory }]);
      const toReporter = notices.find((n) => n.kind === 'advisory' && n.recipients.includes('taro@reporter.test'))!;
      const text = open(toReporter.raw);
      expect(text).toContain('製品開発者 1（名称非公開）');
      expect(text).toContain('2.3.2');
      expect(text).not.toContain('HIDDEN');
    } finally {
      vendors.delete('hidden');
    }
  });

  it('relay: the coordinator\'s text to the vendor or the reporter, each encrypted, the other side masked', async () => {
    const { notices } = await composeDecisions(ctx(notified(), t0, 'r1'), [
      { type: 'relay', vendorId: 'acme', text: 'The finder tested 2.3.1 only.' },
      { type: 'relay', vendorId: null, text: 'The vendor asks which browser you used.' },
    ]);
    const toVendor = notices.find((n) => n.kind === 'relay' && n.recipients.includes('psirt@acme.test'))!;
    expect(open(toVendor.raw)).toContain('  | The finder tested 2.3.1 only.');
    const toReporter = notices.find((n) => n.kind === 'relay' && n.recipients.includes('taro@reporter.test'))!;
    const text = open(toReporter.raw);
    expect(text).toContain('  | The vendor asks which browser you used.');
    expect(text).not.toContain('ACME');
  });

  it('relay fails closed: a text with the reporter\'s address or telephone number goes to no vendor without consent', async () => {
    for (const leak of ['write to Taro@Reporter.test', 'call 03 1234 5678', 'サンプル研究所の山田です']) {
      const { notices } = await composeDecisions(ctx(notified(), t0, 'r2'), [{ type: 'relay', vendorId: 'acme', text: leak }]);
      const n = notices.find((x) => x.kind === 'relay')!;
      expect(n.raw, leak).toBeNull();
      expect(n.withheldReason).toMatch(/reporter's (address|telephone number|name|organisation)/);
      expect(notices.some((x) => x.kind === 'coord-alert' && x.raw !== null)).toBe(true);
    }
    // With consent it goes.
    const { notices } = await composeDecisions(ctx(notified(true), t0, 'r3'), [{ type: 'relay', vendorId: 'acme', text: 'write to taro@reporter.test' }]);
    expect(notices.find((x) => x.kind === 'relay')!.raw).not.toBeNull();
  });

  it('fails closed for every vendor notice: a reminder to a vendor without a key is withheld and the coordinators are told', async () => {
    const s1 = stepProduct(start(false), { type: 'add-vendor', vendor: { id: 'nokey', name: 'NOKEY Corp' } }, t0);
    const later = new Date(t0.getTime() + 8 * DAY);
    const s2 = stepProduct(s1.case, { type: 'tick' }, later);
    const { notices } = await composeDecisions(ctx(s2.case, later, 'd6'), s2.decisions);
    expect(notices.find((n) => n.kind === 'vendor-remind')!.raw).toBeNull();
    expect(notices.find((n) => n.kind === 'coord-alert')!.raw).not.toBeNull();
  });

  it('two vendors withheld in one event give two alerts, each with its own Message-ID (one was dropped as a duplicate)', async () => {
    const s1 = stepProduct(start(false), { type: 'add-vendor', vendor: { id: 'nokey', name: 'NOKEY Corp' } }, t0);
    const s2 = stepProduct(s1.case, { type: 'add-vendor', vendor: { id: 'ghost', name: 'Ghost Inc.' } }, t0);
    const later = new Date(t0.getTime() + 8 * DAY);
    const s3 = stepProduct(s2.case, { type: 'tick' }, later);
    const { notices } = await composeDecisions(ctx(s3.case, later, 'd7'), s3.decisions);
    expect(notices.filter((n) => n.kind === 'vendor-remind').map((n) => n.raw)).toEqual([null, null]);
    const alerts = notices.filter((n) => n.kind === 'coord-alert');
    expect(alerts).toHaveLength(2);
    expect(new Set(alerts.map((n) => n.id)).size).toBe(2);
  });
});

/** The text of the decrypted MIME's text parts (base64 or quoted-printable). */
function decodeParts(mime: string): string {
  let out = mime;
  for (const m of mime.matchAll(/Content-Transfer-Encoding: base64\r?\n(?:[^\r\n]+\r?\n)*\r?\n([A-Za-z0-9+/=\r\n]+)/g)) out += Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64').toString('utf8');
  return out;
}
