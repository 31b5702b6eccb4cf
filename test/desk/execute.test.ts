// Product-track decisions → notices, checked on the recipients' side with real gpg.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDeskKey, readSigningKey, type SigningKey } from '../../src/crypto/openpgp.ts';
import { composeDecisions, type ExecuteContext } from '../../src/desk/execute.ts';
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

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'mdg-exec-'));
  const desk = await generateDeskKey('Desk', 'desk@madoguchi.test');
  signer = await readSigningKey(desk.armoredPrivate);
  gpg.importText(desk.armoredPublic);
  for (const u of ['ACME PSIRT <psirt@acme.test>', 'Sato <sato@desk.test>']) gpg.run(['--quick-gen-key', u, 'ed25519', 'sign', 'never']);
  for (const e of ['psirt@acme.test', 'sato@desk.test']) {
    const fpr = /fpr:+([0-9A-F]{40})/.exec(gpg.run(['--with-colons', '--list-keys', e]).toString())![1]!;
    gpg.run(['--quick-add-key', fpr, 'cv25519', 'encr', 'never']);
  }
  vendors = new Map([
    ['acme', vendor('acme', 'psirt@acme.test', [gpg.run(['--armor', '--export', 'psirt@acme.test']).toString()])],
    ['nokey', vendor('nokey', 'sec@nokey.test', [])],
  ]);
  coordinatorKey = gpg.run(['--armor', '--export', 'sato@desk.test']).toString();
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

/** The text of the decrypted MIME's text parts (base64 or quoted-printable). */
function decodeParts(mime: string): string {
  let out = mime;
  for (const m of mime.matchAll(/Content-Transfer-Encoding: base64\r?\n(?:[^\r\n]+\r?\n)*\r?\n([A-Za-z0-9+/=\r\n]+)/g)) out += Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64').toString('utf8');
  return out;
}
