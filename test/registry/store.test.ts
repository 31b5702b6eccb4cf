// The vendor store (src/store/vendors.ts) and the registry import, run unchanged against
// PostgreSQL (a fresh database) and PGlite (a fresh data directory).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db, DbKind } from '../../src/store/db.ts';
import { listTimeline, type TimelineEntry } from '../../src/store/repo.ts';
import {
  getVendor,
  listVendors,
  removeVendor,
  upsertVendor,
  vendorByKeyFingerprint,
  vendorBySigningKey,
  type VendorInput,
} from '../../src/store/vendors.ts';
import { keyFingerprints } from '../../src/crypto/openpgp.ts';
import { applyVendorImport } from '../../src/registry/import.ts';
import { parseVendorsYaml } from '../../src/registry/yaml.ts';
import { goodKey, openTestDb, type GoodKey } from './support.ts';

let acmeKey: GoodKey;
let acmeKey2: GoodKey;
let yamatoKey: GoodKey;

beforeAll(async () => {
  [acmeKey, acmeKey2, yamatoKey] = await Promise.all([
    goodKey('ACME PSIRT', 'psirt@acme.test'),
    goodKey('ACME Security', 'security@acme.test'),
    goodKey('ヤマト電機 PSIRT', 'psirt@yamato.test'),
  ]);
});

function acme(over: Partial<VendorInput> = {}): VendorInput {
  return {
    id: 'acme',
    name: 'ACME Corporation',
    nameJa: 'アクメ株式会社',
    contacts: { to: ['PSIRT@Acme.test '], cc: ['security@acme.test'] },
    keys: [acmeKey],
    products: [{ name: 'ACME Router', keywords: ['router', 'rt-1000'] }],
    ...over,
  };
}

function yamato(over: Partial<VendorInput> = {}): VendorInput {
  return {
    id: 'yamato',
    name: 'Yamato Denki',
    nameJa: 'ヤマト電機株式会社',
    registration: 'individual',
    contacts: { to: ['psirt@yamato.test'] },
    keys: [yamatoKey],
    products: [{ name: 'ヤマトカメラ YC-200', keywords: ['ネットワークカメラ'] }],
    ...over,
  };
}

/** Registry (caseId null) entries appended since `before`. */
async function registryEntriesSince(db: Db, before: number): Promise<TimelineEntry[]> {
  return (await listTimeline(db, null)).filter((e) => e.id > before);
}

async function lastTimelineId(db: Db): Promise<number> {
  const [r] = await db.query<{ id: number | null }>('SELECT max(id) AS id FROM timeline');
  return r?.id ?? 0;
}

describe.each(['pg', 'pglite'] as const)('vendor store on %s', (kind: DbKind) => {
  let db: Db;
  let cleanup: () => Promise<void> = () => Promise.resolve();

  beforeAll(async () => {
    ({ db, cleanup } = await openTestDb(kind));
  });

  afterAll(async () => {
    await cleanup();
  });

  it('runs on its backend with 002_vendors applied', async () => {
    expect(db.kind).toBe(kind);
    const names = (await db.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name')).map((r) => r.name);
    expect(names).toContain('002_vendors.sql');
    const tables = await db.query<{ t: string }>(
      `SELECT table_name AS t FROM information_schema.tables
       WHERE table_name IN ('vendors', 'vendor_contacts', 'vendor_keys', 'vendor_products', 'case_vendors') ORDER BY 1`,
    );
    // case_vendors was never written and went in 017 (a case's vendors are in its snapshot).
    expect(tables.map((r) => r.t)).toEqual(['vendor_contacts', 'vendor_keys', 'vendor_products', 'vendors']);
  });

  it('the schema refuses what the code never writes: bad registration, upper-case email, bad fingerprint', async () => {
    await expect(db.query("INSERT INTO vendors (id, name, registration) VALUES ('x1', 'X', 'sometimes')")).rejects.toThrow();
    await expect(db.query("INSERT INTO vendors (id, name) VALUES ('Bad Id', 'X')")).rejects.toThrow();
    await db.query("INSERT INTO vendors (id, name) VALUES ('schema-probe', 'Probe')");
    await expect(db.query("INSERT INTO vendor_contacts (vendor_id, email, kind) VALUES ('schema-probe', 'A@B.test', 'to')")).rejects.toThrow();
    await expect(db.query("INSERT INTO vendor_keys (vendor_id, fingerprint, armored) VALUES ('schema-probe', 'abc', 'x')")).rejects.toThrow();
    const probe = await getVendor(db, 'schema-probe');
    expect(probe?.registration).toBe('general');
    expect(probe?.publishName).toBe(true);
    expect(probe?.acceptsDirect).toBe(false);
    await removeVendor(db, 'schema-probe', 'test');
  });

  describe('registry', () => {
    it('adds a vendor, normalised, with a vendor-added entry (caseId null, actor, no armored key)', async () => {
      const before = await lastTimelineId(db);
      const { vendor, change } = await upsertVendor(db, acme(), 'cli:alice');
      expect(change).toBe('added');
      expect(vendor).toMatchObject({
        id: 'acme',
        name: 'ACME Corporation',
        nameJa: 'アクメ株式会社',
        registration: 'general',
        acceptsDirect: false,
        publishName: true,
        contacts: { to: ['psirt@acme.test'], cc: ['security@acme.test'] },
        keys: [{ fingerprint: acmeKey.fingerprint, armored: acmeKey.armored }],
        products: [{ name: 'ACME Router', keywords: ['router', 'rt-1000'] }],
        removedAt: null,
      });
      expect(vendor.createdAt).toBeInstanceOf(Date);
      const entries = await registryEntriesSince(db, before);
      expect(entries.map((e) => [e.caseId, e.actor, e.event])).toEqual([[null, 'cli:alice', 'vendor-added']]);
      expect(entries[0]?.data).toMatchObject({ vendor: 'acme', keys: [acmeKey.fingerprint], contacts: { to: ['psirt@acme.test'] } });
      expect(JSON.stringify(entries[0]?.data)).not.toContain('BEGIN PGP');
    });

    it('the same entry again changes nothing and writes no entry', async () => {
      const before = await lastTimelineId(db);
      const old = await getVendor(db, 'acme');
      const { change, vendor } = await upsertVendor(db, acme({ contacts: { to: ['psirt@acme.test'], cc: ['SECURITY@acme.test'] } }), 'cli:alice');
      expect(change).toBe('unchanged');
      expect(vendor.updatedAt.getTime()).toBe(old?.updatedAt.getTime());
      expect(await registryEntriesSince(db, before)).toEqual([]);
    });

    it('an update replaces contacts, keys and products and logs exactly what changed', async () => {
      const before = await lastTimelineId(db);
      const { change, vendor } = await upsertVendor(
        db,
        acme({
          acceptsDirect: true,
          contacts: { to: ['psirt@acme.test'] },
          keys: [acmeKey, acmeKey2],
          products: [{ name: 'ACME Router', keywords: ['router', 'rt-1000', 'firmware'] }, { name: 'ACME NAS', keywords: [] }],
        }),
        'cli:bob',
      );
      expect(change).toBe('updated');
      expect(vendor.acceptsDirect).toBe(true);
      expect(vendor.contacts).toEqual({ to: ['psirt@acme.test'], cc: [] });
      expect(vendor.keys.map((k) => k.fingerprint)).toEqual([acmeKey.fingerprint, acmeKey2.fingerprint].sort());
      expect(vendor.products.map((p) => p.name)).toEqual(['ACME NAS', 'ACME Router']);
      const [entry, ...more] = await registryEntriesSince(db, before);
      expect(more).toEqual([]);
      expect(entry?.event).toBe('vendor-updated');
      expect(entry?.actor).toBe('cli:bob');
      const data = entry?.data as Record<string, unknown>;
      expect(data.fields).toEqual({ acceptsDirect: { from: false, to: true } });
      expect(data.keysAdded).toEqual([acmeKey2.fingerprint]);
      expect(data.keysRemoved).toEqual([]);
      expect(data.contacts).toEqual({ from: { to: ['psirt@acme.test'], cc: ['security@acme.test'] }, to: { to: ['psirt@acme.test'], cc: [] } });
      expect(data).toHaveProperty('products');
    });

    it('refuses a key pinned for another vendor, writing nothing', async () => {
      const before = await lastTimelineId(db);
      await expect(upsertVendor(db, yamato({ keys: [yamatoKey, acmeKey2] }), 'cli:alice')).rejects.toThrow(
        new RegExp(`key ${acmeKey2.fingerprint} is already pinned for vendor acme`),
      );
      expect(await getVendor(db, 'yamato')).toBeNull();
      expect(await registryEntriesSince(db, before)).toEqual([]);
    });

    it('refuses bad input before touching the database', async () => {
      await expect(upsertVendor(db, acme({ id: 'ACME' }), 'x')).rejects.toThrow(/vendor id "ACME"/);
      await expect(upsertVendor(db, acme({ name: '  ' }), 'x')).rejects.toThrow(/name is empty/);
      await expect(upsertVendor(db, acme({ contacts: { to: ['not an address'] } }), 'x')).rejects.toThrow(/not an email address/);
      await expect(upsertVendor(db, acme({ keys: [{ fingerprint: acmeKey.fingerprint, armored: 'junk' }] }), 'x')).rejects.toThrow(
        /not an armored public key/,
      );
      expect((await getVendor(db, 'acme'))?.contacts.to).toEqual(['psirt@acme.test']);
    });

    it('vendorByKeyFingerprint finds the vendor that pinned a key, however the fingerprint is written', async () => {
      await upsertVendor(db, yamato(), 'cli:alice');
      const spaced = acmeKey2.fingerprint.toLowerCase().replace(/(.{4})/g, '$1 ');
      expect((await vendorByKeyFingerprint(db, spaced))?.id).toBe('acme');
      expect((await vendorByKeyFingerprint(db, yamatoKey.fingerprint))?.id).toBe('yamato');
      expect(await vendorByKeyFingerprint(db, 'F'.repeat(40))).toBeNull();
    });

    it('vendorBySigningKey also finds the vendor when the signature names a subkey of its pinned key', async () => {
      const [primary, subkey] = await keyFingerprints(yamatoKey.armored);
      expect(primary).toBe(yamatoKey.fingerprint);
      expect(subkey).toMatch(/^[0-9A-F]{40}$/);
      expect(await vendorByKeyFingerprint(db, subkey!)).toBeNull(); // the pinned fingerprint is the primary's
      expect((await vendorBySigningKey(db, subkey!, keyFingerprints))?.id).toBe('yamato');
      expect((await vendorBySigningKey(db, subkey!.toLowerCase(), keyFingerprints))?.id).toBe('yamato');
      expect(await vendorBySigningKey(db, 'E'.repeat(40), keyFingerprints)).toBeNull();
    });

    it('lists active vendors by id; a removed vendor is kept but hidden, and its keys speak for no one', async () => {
      expect((await listVendors(db)).map((v) => v.id)).toEqual(['acme', 'yamato']);
      const before = await lastTimelineId(db);
      const r = await removeVendor(db, 'yamato', 'cli:carol');
      expect(r.changed).toBe(true);
      expect(r.vendor.removedAt).toBeInstanceOf(Date);
      expect((await listVendors(db)).map((v) => v.id)).toEqual(['acme']);
      expect((await listVendors(db, { includeRemoved: true })).map((v) => v.id)).toEqual(['acme', 'schema-probe', 'yamato']);
      expect((await getVendor(db, 'yamato'))?.keys).toHaveLength(1);
      expect(await vendorByKeyFingerprint(db, yamatoKey.fingerprint)).toBeNull();
      expect((await vendorByKeyFingerprint(db, yamatoKey.fingerprint, { includeRemoved: true }))?.id).toBe('yamato');
      expect(await vendorBySigningKey(db, (await keyFingerprints(yamatoKey.armored))[1]!, keyFingerprints)).toBeNull();

      const again = await removeVendor(db, 'yamato', 'cli:carol');
      expect(again.changed).toBe(false);
      const entries = await registryEntriesSince(db, before);
      expect(entries.map((e) => [e.event, e.actor, e.data])).toEqual([['vendor-removed', 'cli:carol', { vendor: 'yamato' }]]);
      await expect(removeVendor(db, 'nobody', 'x')).rejects.toThrow(/vendor nobody: not found/);
    });

    it("a removed vendor's key stays reserved; giving the vendor again restores it", async () => {
      await expect(upsertVendor(db, { id: 'other', name: 'Other', contacts: { to: ['a@other.test'] }, keys: [yamatoKey] }, 'x')).rejects.toThrow(
        /already pinned for vendor yamato \(removed\)/,
      );
      const before = await lastTimelineId(db);
      const { change, vendor } = await upsertVendor(db, yamato(), 'cli:alice');
      expect(change).toBe('restored');
      expect(vendor.removedAt).toBeNull();
      const entries = await registryEntriesSince(db, before);
      expect(entries.map((e) => e.event)).toEqual(['vendor-restored']);
      expect((await vendorByKeyFingerprint(db, yamatoKey.fingerprint))?.id).toBe('yamato');
    });
  });

  describe('importing a registry file', () => {
    let dir = '';

    beforeAll(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'mdg-reg-import-'));
      const k1 = await goodKey('Kappa PSIRT', 'psirt@kappa.test');
      const k2 = await goodKey('Lambda PSIRT', 'psirt@lambda.test');
      await writeFile(path.join(dir, 'kappa.asc'), k1.armored);
      await writeFile(path.join(dir, 'lambda.asc'), k2.armored);
      await writeFile(path.join(dir, 'acme2.asc'), acmeKey2.armored);
    });

    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    const file = `vendors:
  - id: kappa
    name: Kappa Ltd.
    contacts: { to: psirt@kappa.test }
    keys: [kappa.asc]
    products: [{ name: Kappa CMS, keywords: [cms] }]
  - id: lambda
    name: Lambda Inc.
    registration: individual
    contacts: { to: [psirt@lambda.test] }
    keys: [lambda.asc]
`;

    it('writes every vendor and one entry each; the same file again changes nothing', async () => {
      const imp = await parseVendorsYaml(file, { baseDir: dir });
      expect(imp.errors).toEqual([]);
      const before = await lastTimelineId(db);
      expect(await applyVendorImport(db, imp, 'cli:alice')).toEqual([
        { id: 'kappa', change: 'added' },
        { id: 'lambda', change: 'added' },
      ]);
      expect((await getVendor(db, 'lambda'))?.registration).toBe('individual');
      expect((await registryEntriesSince(db, before)).map((e) => [e.event, (e.data as { vendor: string }).vendor])).toEqual([
        ['vendor-added', 'kappa'],
        ['vendor-added', 'lambda'],
      ]);
      const mid = await lastTimelineId(db);
      expect(await applyVendorImport(db, await parseVendorsYaml(file, { baseDir: dir }), 'cli:alice')).toEqual([
        { id: 'kappa', change: 'unchanged' },
        { id: 'lambda', change: 'unchanged' },
      ]);
      expect(await registryEntriesSince(db, mid)).toEqual([]);
    });

    it('is all or nothing: a key already pinned for a stored vendor rolls the whole file back', async () => {
      const clash = `${file.replace('Kappa CMS', 'Kappa CMS 2')}  - id: mu
    name: Mu
    contacts: { to: [psirt@mu.test] }
    keys: [acme2.asc]
`;
      const imp = await parseVendorsYaml(clash, { baseDir: dir });
      expect(imp.errors).toEqual([]);
      const before = await lastTimelineId(db);
      await expect(applyVendorImport(db, imp, 'cli:alice')).rejects.toThrow(/already pinned for vendor acme/);
      expect((await getVendor(db, 'kappa'))?.products.map((p) => p.name)).toEqual(['Kappa CMS']);
      expect(await getVendor(db, 'mu')).toBeNull();
      expect(await registryEntriesSince(db, before)).toEqual([]);
    });

    it('refuses an import that has errors', async () => {
      const bad = await parseVendorsYaml('vendors:\n  - id: nu\n', { baseDir: dir });
      expect(bad.errors.length).toBeGreaterThan(0);
      await expect(applyVendorImport(db, bad, 'x')).rejects.toThrow(/nothing imported/);
    });
  });
});
