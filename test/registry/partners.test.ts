// The partner registry (issue 12, guideline §5): store on PostgreSQL and PGlite, the YAML
// file, and `madoguchi partners ...` through commander on PGlite.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerPartnerCommands } from '../../src/cli/partners.ts';
import type { Db, DbKind } from '../../src/store/db.ts';
import { listTimeline } from '../../src/store/repo.ts';
import {
  caseByPartnerRef,
  getPartner,
  linkPartnerCase,
  listPartners,
  partnerByKeyFingerprint,
  partnersOfCase,
  removePartner,
  upsertPartner,
  type PartnerInput,
} from '../../src/store/partners.ts';
import { upsertVendor } from '../../src/store/vendors.ts';
import { createCase } from '../../src/store/repo.ts';
import { parsePartnersYaml } from '../../src/registry/partners-yaml.ts';
import { goodKey, makeBadKeys, openTestDb, unclosable, type GoodKey } from './support.ts';

let certKey: GoodKey;
let certKey2: GoodKey;
let vendorKey: GoodKey;
let expired: GoodKey;

beforeAll(async () => {
  [certKey, certKey2, vendorKey] = await Promise.all([
    goodKey('CERT/CC', 'cert@certcc.test'),
    goodKey('CERT/CC 2', 'cert2@certcc.test'),
    goodKey('ACME PSIRT', 'psirt@acme.test'),
  ]);
  const bad = makeBadKeys();
  try {
    expired = bad.expired;
  } finally {
    bad.close();
  }
});

function certcc(over: Partial<PartnerInput> = {}): PartnerInput {
  return {
    id: 'certcc',
    name: 'CERT/CC',
    caseIdPattern: 'VU#{6}',
    wantsCsaf: true,
    contacts: { to: ['Cert@CertCC.test'] },
    keys: [certKey],
    ...over,
  };
}

describe.each(['pg', 'pglite'] as const)('partner store on %s', (kind: DbKind) => {
  let db: Db;
  let cleanup: () => Promise<void> = () => Promise.resolve();
  // PGlite boots in seconds, but a loaded machine has taken over a minute.
  beforeAll(async () => {
    ({ db, cleanup } = await openTestDb(kind));
  }, 180_000);
  afterAll(async () => {
    await cleanup();
  });

  it('adds, reads back normalised, reports unchanged, updates with a diff on the timeline', async () => {
    expect((await upsertPartner(db, certcc(), 'cli:alice')).change).toBe('added');
    const p = await getPartner(db, 'certcc');
    expect(p?.contacts.to).toEqual(['cert@certcc.test']);
    expect(p?.wantsCsaf).toBe(true);
    expect(p?.caseIdPattern).toBe('VU#{6}');
    expect((await upsertPartner(db, certcc(), 'cli:alice')).change).toBe('unchanged');
    expect((await upsertPartner(db, certcc({ caseIdPattern: 'VU#{5-7}', keys: [certKey, certKey2] }), 'cli:bob')).change).toBe('updated');
    const entries = (await listTimeline(db, null)).filter((e) => e.event.startsWith('partner-'));
    expect(entries.map((e) => e.event)).toEqual(['partner-added', 'partner-updated']);
    const upd = entries[1]?.data as { fields: Record<string, unknown>; keysAdded: string[] };
    expect(upd.fields.caseIdPattern).toEqual({ from: 'VU#{6}', to: 'VU#{5-7}' });
    expect(upd.keysAdded).toEqual([certKey2.fingerprint]);
    expect(JSON.stringify(entries)).not.toContain('BEGIN PGP');
  });

  it('refuses a regular expression or a bad template as case-id pattern', async () => {
    await expect(upsertPartner(db, certcc({ id: 'evil', caseIdPattern: '(a+)+$' }), 'x')).rejects.toThrow(/case-id pattern/);
    await expect(upsertPartner(db, certcc({ id: 'evil', caseIdPattern: '{6}' }), 'x')).rejects.toThrow(/start with literal/);
    expect(await getPartner(db, 'evil')).toBeNull();
  });

  it('a key identifies one party: refused for a second partner and for a vendor, and vice versa', async () => {
    await expect(upsertPartner(db, certcc({ id: 'other', keys: [certKey] }), 'x')).rejects.toThrow(/already pinned for partner certcc/);
    await upsertVendor(db, { id: 'acme', name: 'ACME', contacts: { to: ['psirt@acme.test'] }, keys: [vendorKey] }, 'x');
    await expect(upsertPartner(db, certcc({ id: 'other', keys: [vendorKey] }), 'x')).rejects.toThrow(/already pinned for vendor acme/);
    await expect(
      upsertVendor(db, { id: 'acme2', name: 'ACME2', contacts: { to: ['p@acme2.test'] }, keys: [certKey] }, 'x'),
    ).rejects.toThrow(/already pinned for partner certcc/);
  });

  it('finds a partner by key; a removed partner is nobody unless includeRemoved; re-adding restores', async () => {
    expect((await partnerByKeyFingerprint(db, certKey.fingerprint.toLowerCase()))?.id).toBe('certcc');
    expect((await removePartner(db, 'certcc', 'x')).changed).toBe(true);
    expect((await removePartner(db, 'certcc', 'x')).changed).toBe(false);
    expect(await partnerByKeyFingerprint(db, certKey.fingerprint)).toBeNull();
    expect((await partnerByKeyFingerprint(db, certKey.fingerprint, { includeRemoved: true }))?.id).toBe('certcc');
    expect((await listPartners(db)).map((p) => p.id)).toEqual([]);
    expect((await upsertPartner(db, certcc(), 'x')).change).toBe('restored');
    await expect(removePartner(db, 'nobody', 'x')).rejects.toThrow(/not found/);
  });

  it("links a case to the partner's id; one partner id names one case", async () => {
    const a = await createCase(db, { id: 'VR-2027-0001', kind: 'product', lang: 'en', report: {} });
    const b = await createCase(db, { id: 'VR-2027-0002', kind: 'product', lang: 'en', report: {} });
    expect(await linkPartnerCase(db, a.id, 'certcc', 'VU#123456', 'x')).toBe('linked');
    expect(await linkPartnerCase(db, a.id, 'certcc', 'VU#123456', 'x')).toBe('unchanged');
    await expect(linkPartnerCase(db, b.id, 'certcc', 'VU#123456', 'x')).rejects.toThrow(/already names case/);
    await expect(linkPartnerCase(db, a.id, 'certcc', 'VU#654321', 'x')).rejects.toThrow(/already knows it as VU#123456/);
    expect(await caseByPartnerRef(db, 'certcc', 'VU#123456')).toBe(a.id);
    expect(await caseByPartnerRef(db, 'certcc', 'VU#000000')).toBeNull();
    expect(await partnersOfCase(db, a.id)).toEqual([{ partnerId: 'certcc', partnerRef: 'VU#123456' }]);
  });
});

describe('partner registry file', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'mdg-partners-'));
    await writeFile(path.join(dir, 'cert.asc'), certKey.armored);
    await writeFile(path.join(dir, 'expired.asc'), expired.armored);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a valid file', async () => {
    const imp = await parsePartnersYaml(
      'partners:\n  - id: certcc\n    name: CERT/CC\n    case_id_pattern: "VU#{6}"\n    wants_csaf: true\n    contacts: {to: cert@certcc.test}\n    keys: [cert.asc]\n',
      { baseDir: dir },
    );
    expect(imp.errors).toEqual([]);
    expect(imp.partners[0]).toMatchObject({ id: 'certcc', caseIdPattern: 'VU#{6}', wantsCsaf: true, contacts: { to: ['cert@certcc.test'] } });
    expect(imp.partners[0]?.keys.map((k) => k.fingerprint)).toEqual([certKey.fingerprint]);
  });

  it('names line, partner and field of every error; nothing is imported', async () => {
    const imp = await parsePartnersYaml(
      [
        'partners:',
        '  - id: certcc',
        '    name: CERT/CC',
        '    case_id_pattern: "(VU#\\\\d+)+"',
        '    wants_csaf: "yes"',
        '    contact: {to: cert@certcc.test}',
        '    keys: [cert.asc]',
        '  - id: old',
        '    name: Old',
        '    case_id_pattern: "OLD-{4}"',
        '    contacts: {to: psirt@old.test}',
        '    keys: [expired.asc]',
      ].join('\n'),
      { baseDir: dir },
    );
    expect(imp.partners).toEqual([]);
    const all = imp.errors.join('\n');
    expect(all).toMatch(/line 4: partner certcc: case_id_pattern: literal text may hold only/);
    expect(all).toMatch(/line 5: partner certcc: wants_csaf: must be true or false/);
    expect(all).toMatch(/partner certcc: contact: unknown field/);
    expect(all).toMatch(/partner old: keys: no usable key/);
    expect(imp.warnings.join('\n')).toMatch(/not pinned: expired/);
  });
});

describe('madoguchi partners', () => {
  let db: Db;
  let cleanup: () => Promise<void> = () => Promise.resolve();
  let dir = '';
  beforeAll(async () => {
    ({ db, cleanup } = await openTestDb('pglite'));
    dir = await mkdtemp(path.join(tmpdir(), 'mdg-partners-cli-'));
    await writeFile(path.join(dir, 'cert.asc'), certKey.armored);
    await writeFile(path.join(dir, 'cert2.asc'), certKey2.armored);
    await writeFile(
      path.join(dir, 'partners.yaml'),
      'partners:\n  - id: jvn-test\n    name: Test CSIRT\n    case_id_pattern: "TC-{4}-{3-5}"\n    contacts: {to: [tc@tc.test]}\n    keys: [cert2.asc]\n',
    );
  });
  afterAll(async () => {
    await cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  async function run(...args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
    const r = { code: -1, out: [] as string[], err: [] as string[] };
    const program = new Command('madoguchi').exitOverride().configureOutput({ writeOut: (s) => void r.out.push(s), writeErr: (s) => void r.err.push(s) });
    registerPartnerCommands(program, {
      openDb: () => Promise.resolve(unclosable(db)),
      out: (s) => void r.out.push(s),
      err: (s) => void r.err.push(s),
      setCode: (n) => {
        r.code = n;
      },
    });
    try {
      await program.parseAsync(args, { from: 'user' });
    } catch (e) {
      r.code = 2;
      r.err.push(String(e));
    }
    return r;
  }

  it('add, refuse again without --replace, show, list, import, remove', async () => {
    const key = path.join(dir, 'cert.asc');
    let r = await run('partners', 'add', '--id', 'certcc', '--name', 'CERT/CC', '--case-id-pattern', 'VU#{6}', '--to', 'cert@certcc.test', '--key', key, '--csaf');
    expect(r).toMatchObject({ code: 0, out: ['certcc: added'] });
    r = await run('partners', 'add', '--id', 'certcc', '--name', 'CERT/CC', '--case-id-pattern', 'VU#{6}', '--to', 'cert@certcc.test', '--key', key);
    expect(r.code).toBe(1);
    expect(r.err.join('')).toMatch(/exists; use --replace/);
    r = await run('partners', 'add', '--id', 'bad', '--name', 'Bad', '--case-id-pattern', '.*', '--to', 'b@b.test', '--key', key);
    expect(r.code).toBe(2);
    expect(await getPartner(db, 'bad')).toBeNull();
    r = await run('partners', 'show', 'certcc');
    expect(r.code).toBe(0);
    expect(r.out.join('\n')).toMatch(/case ids\s+VU#\{6\}\s+\(e\.g\. VU#111111\)/);
    expect(r.out.join('\n')).toMatch(/wants CSAF\s+yes/);
    r = await run('partners', 'import', path.join(dir, 'partners.yaml'));
    expect(r.code).toBe(0);
    expect(r.out[0]).toBe('jvn-test: added');
    r = await run('partners', 'list', '--json');
    const list = JSON.parse(r.out.join('')) as { id: string }[];
    expect(list.map((p) => p.id)).toEqual(['certcc', 'jvn-test']);
    expect(r.out.join('')).not.toContain('BEGIN PGP');
    r = await run('partners', 'remove', 'certcc');
    expect(r.out).toEqual(['certcc: removed']);
    expect((await run('partners', 'list')).out.map((l) => l.split('  ')[0])).toEqual(['jvn-test']);
    expect((await run('partners', 'remove', 'nobody')).code).toBe(1);
  });
});
