// The vendor registry (製品開発者リスト, guideline §3 item 4) and the vendors of each case, over
// a Db (PostgreSQL or PGlite; same SQL). Every change appends a timeline entry: registry
// changes with caseId null, case changes with the case's id; the actor is passed in.
//
// This file trusts its input's keys (fingerprint and armored text agree, the key is usable):
// src/registry/yaml.ts checks them with the crypto adapter before anything is stored.
import type { Db } from './db.ts';
import { appendTimeline, normFingerprint } from './repo.ts';

// ---------------------------------------------------------------------------------------
// types

export type Registration = 'general' | 'individual';

/** A short lower-case slug: letters, digits, inner hyphens, at most 64 characters. */
export const VENDOR_ID_RE = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

export interface VendorProduct {
  name: string;
  keywords: string[];
}

export interface VendorKey {
  /** Upper-case hex, no spaces. */
  fingerprint: string;
  /** The armored public key (never a secret key). */
  armored: string;
}

export interface VendorContacts {
  to: string[];
  cc: string[];
}

export interface Vendor {
  id: string;
  name: string;
  nameJa: string | null;
  registration: Registration;
  acceptsDirect: boolean;
  publishName: boolean;
  /** Lower-case addresses, sorted. */
  contacts: VendorContacts;
  /** Sorted by fingerprint. */
  keys: VendorKey[];
  /** Sorted by name. */
  products: VendorProduct[];
  createdAt: Date;
  updatedAt: Date;
  removedAt: Date | null;
}

export interface VendorInput {
  id: string;
  name: string;
  nameJa?: string | null;
  /** Default 'general'. */
  registration?: Registration;
  /** Default false. */
  acceptsDirect?: boolean;
  /** Default true. */
  publishName?: boolean;
  contacts: { to: string[]; cc?: string[] };
  keys: VendorKey[];
  products?: VendorProduct[];
}

/** What upsertVendor did; 'unchanged' wrote nothing (no timeline entry either). */
export type VendorChange = 'added' | 'updated' | 'restored' | 'unchanged';

// ---------------------------------------------------------------------------------------
// rows

interface VendorRow {
  id: string;
  name: string;
  name_ja: string | null;
  registration: Registration;
  accepts_direct: boolean;
  publish_name: boolean;
  created_at: Date;
  updated_at: Date;
  removed_at: Date | null;
}

interface ContactRow {
  vendor_id: string;
  email: string;
  kind: 'to' | 'cc';
}

interface KeyRow {
  vendor_id: string;
  fingerprint: string;
  armored: string;
}

interface ProductRow {
  vendor_id: string;
  name: string;
  keywords: string[];
}

function one<T>(rows: T[], what: string): T {
  const row = rows[0];
  if (row === undefined) throw new Error(`${what}: not found`);
  return row;
}

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Loads contacts, keys and products for the given rows (three queries, whatever the count). */
async function hydrate(db: Db, rows: VendorRow[]): Promise<Vendor[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const contacts = await db.query<ContactRow>(
    'SELECT vendor_id, email, kind FROM vendor_contacts WHERE vendor_id = ANY($1::text[]) ORDER BY vendor_id, email',
    [ids],
  );
  const keys = await db.query<KeyRow>(
    'SELECT vendor_id, fingerprint, armored FROM vendor_keys WHERE vendor_id = ANY($1::text[]) ORDER BY vendor_id, fingerprint',
    [ids],
  );
  const products = await db.query<ProductRow>(
    'SELECT vendor_id, name, keywords FROM vendor_products WHERE vendor_id = ANY($1::text[]) ORDER BY vendor_id, name',
    [ids],
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    nameJa: r.name_ja,
    registration: r.registration,
    acceptsDirect: r.accepts_direct,
    publishName: r.publish_name,
    contacts: {
      to: contacts.filter((c) => c.vendor_id === r.id && c.kind === 'to').map((c) => c.email),
      cc: contacts.filter((c) => c.vendor_id === r.id && c.kind === 'cc').map((c) => c.email),
    },
    keys: keys.filter((k) => k.vendor_id === r.id).map((k) => ({ fingerprint: k.fingerprint, armored: k.armored })),
    products: products.filter((p) => p.vendor_id === r.id).map((p) => ({ name: p.name, keywords: p.keywords })),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    removedAt: r.removed_at,
  }));
}

// ---------------------------------------------------------------------------------------
// input normalisation

/** The input as it will be stored: trimmed, lower-cased addresses, sorted, deduplicated. */
interface NormVendor {
  id: string;
  name: string;
  nameJa: string | null;
  registration: Registration;
  acceptsDirect: boolean;
  publishName: boolean;
  contacts: VendorContacts;
  keys: VendorKey[];
  products: VendorProduct[];
}

function normalise(v: VendorInput): NormVendor {
  if (typeof v.id !== 'string' || !VENDOR_ID_RE.test(v.id)) {
    throw new Error(`vendor id ${JSON.stringify(v.id)}: use lower-case letters, digits and inner hyphens (at most 64)`);
  }
  const name = typeof v.name === 'string' ? v.name.trim() : '';
  if (name === '') throw new Error(`vendor ${v.id}: name is empty`);
  const registration = v.registration ?? 'general';
  if (registration !== 'general' && registration !== 'individual') {
    throw new Error(`vendor ${v.id}: registration must be general or individual`);
  }
  const emails = (list: string[] | undefined): string[] =>
    [...new Set((list ?? []).map((e) => e.trim().toLowerCase()).filter((e) => e !== ''))].sort(byString);
  const to = emails(v.contacts.to);
  const cc = emails(v.contacts.cc).filter((e) => !to.includes(e));
  for (const e of [...to, ...cc]) {
    if (!/^[^\s@]+@[^\s@]+$/.test(e)) throw new Error(`vendor ${v.id}: ${JSON.stringify(e)} is not an email address`);
  }
  const keys = new Map<string, VendorKey>();
  for (const k of v.keys) {
    const fingerprint = normFingerprint(k.fingerprint);
    if (!/^[0-9A-F]{40}([0-9A-F]{24})?$/.test(fingerprint)) throw new Error(`vendor ${v.id}: bad key fingerprint ${k.fingerprint}`);
    if (!k.armored.includes('-----BEGIN PGP PUBLIC KEY BLOCK-----')) {
      throw new Error(`vendor ${v.id}: key ${fingerprint} is not an armored public key`);
    }
    keys.set(fingerprint, { fingerprint, armored: k.armored });
  }
  const products = new Map<string, VendorProduct>();
  for (const p of v.products ?? []) {
    const pname = p.name.trim();
    if (pname === '') throw new Error(`vendor ${v.id}: a product name is empty`);
    if (products.has(pname)) throw new Error(`vendor ${v.id}: product ${JSON.stringify(pname)} is listed twice`);
    const keywords = [...new Set(p.keywords.map((k) => k.trim()).filter((k) => k !== ''))];
    products.set(pname, { name: pname, keywords });
  }
  const nameJa = typeof v.nameJa === 'string' && v.nameJa.trim() !== '' ? v.nameJa.trim() : null;
  return {
    id: v.id,
    name,
    nameJa,
    registration,
    acceptsDirect: v.acceptsDirect ?? false,
    publishName: v.publishName ?? true,
    contacts: { to, cc },
    keys: [...keys.values()].sort((a, b) => byString(a.fingerprint, b.fingerprint)),
    products: [...products.values()].sort((a, b) => byString(a.name, b.name)),
  };
}

// ---------------------------------------------------------------------------------------
// diff (what the timeline says changed; never the armored keys themselves)

type Scalar = string | boolean | null;
const SCALARS = ['name', 'nameJa', 'registration', 'acceptsDirect', 'publishName'] as const;

interface VendorDiff {
  fields: Record<string, { from: Scalar; to: Scalar }>;
  contacts?: { from: VendorContacts; to: VendorContacts };
  keysAdded: string[];
  keysRemoved: string[];
  /** Same fingerprint, new armored copy (new subkey, extended expiry, ...). */
  keysRefreshed: string[];
  products?: { from: VendorProduct[]; to: VendorProduct[] };
}

function diff(old: Vendor, next: NormVendor): VendorDiff {
  const fields: VendorDiff['fields'] = {};
  for (const f of SCALARS) if (old[f] !== next[f]) fields[f] = { from: old[f], to: next[f] };
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
  const oldKeys = new Map(old.keys.map((k) => [k.fingerprint, k.armored]));
  const newKeys = new Map(next.keys.map((k) => [k.fingerprint, k.armored]));
  const d: VendorDiff = {
    fields,
    keysAdded: [...newKeys.keys()].filter((f) => !oldKeys.has(f)),
    keysRemoved: [...oldKeys.keys()].filter((f) => !newKeys.has(f)),
    keysRefreshed: [...newKeys].filter(([f, a]) => oldKeys.has(f) && oldKeys.get(f) !== a).map(([f]) => f),
  };
  if (!same(old.contacts, next.contacts)) d.contacts = { from: old.contacts, to: next.contacts };
  if (!same(old.products, next.products)) d.products = { from: old.products, to: next.products };
  return d;
}

function isEmpty(d: VendorDiff): boolean {
  return (
    Object.keys(d.fields).length === 0 &&
    !d.contacts &&
    !d.products &&
    d.keysAdded.length === 0 &&
    d.keysRemoved.length === 0 &&
    d.keysRefreshed.length === 0
  );
}

function summary(v: NormVendor): Record<string, unknown> {
  return {
    vendor: v.id,
    name: v.name,
    nameJa: v.nameJa,
    registration: v.registration,
    acceptsDirect: v.acceptsDirect,
    publishName: v.publishName,
    contacts: v.contacts,
    keys: v.keys.map((k) => k.fingerprint),
    products: v.products,
  };
}

// ---------------------------------------------------------------------------------------
// registry

/**
 * Adds a vendor or replaces its registration with `input` (contacts, keys and products are
 * replaced as a whole: the input is the vendor's full entry). A removed vendor given again
 * is restored. Timeline (caseId null): `vendor-added` with the entry, `vendor-updated` /
 * `vendor-restored` with what changed; nothing when nothing changed.
 *
 * Throws when a key is already pinned for another vendor (removed ones included): a
 * fingerprint identifies one vendor.
 */
export async function upsertVendor(db: Db, input: VendorInput, actor: string): Promise<{ vendor: Vendor; change: VendorChange }> {
  const next = normalise(input);
  return db.tx(async (t) => {
    // Row lock: two imports of the same vendor at once apply one after the other.
    const [oldRow] = await t.query<VendorRow>('SELECT * FROM vendors WHERE id = $1 FOR UPDATE', [next.id]);
    const old = oldRow ? (await hydrate(t, [oldRow]))[0] : undefined;
    if (next.keys.length > 0) {
      const taken = await t.query<{ vendor_id: string; fingerprint: string; removed: boolean }>(
        `SELECT k.vendor_id, k.fingerprint, v.removed_at IS NOT NULL AS removed
         FROM vendor_keys k JOIN vendors v ON v.id = k.vendor_id
         WHERE k.fingerprint = ANY($1::text[]) AND k.vendor_id <> $2 ORDER BY k.fingerprint`,
        [next.keys.map((k) => k.fingerprint), next.id],
      );
      // A key pinned for a partner (partners.ts) would let one signature speak as both.
      const partner = await t.query<{ partner_id: string; fingerprint: string }>(
        'SELECT partner_id, fingerprint FROM partner_keys WHERE fingerprint = ANY($1::text[]) ORDER BY fingerprint',
        [next.keys.map((k) => k.fingerprint)],
      );
      const p = partner[0];
      if (p) {
        throw new Error(`vendor ${next.id}: key ${p.fingerprint} is already pinned for partner ${p.partner_id}; a key can identify only one party`);
      }
      const clash = taken[0];
      if (clash) {
        throw new Error(
          `vendor ${next.id}: key ${clash.fingerprint} is already pinned for vendor ${clash.vendor_id}` +
            (clash.removed ? ' (removed)' : '') +
            '; a key can identify only one vendor',
        );
      }
    }

    let change: VendorChange;
    let d: VendorDiff | null = null;
    if (!old) {
      change = 'added';
      await t.query(
        `INSERT INTO vendors (id, name, name_ja, registration, accepts_direct, publish_name)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [next.id, next.name, next.nameJa, next.registration, next.acceptsDirect, next.publishName],
      );
    } else {
      d = diff(old, next);
      const restoring = old.removedAt !== null;
      if (isEmpty(d) && !restoring) return { vendor: old, change: 'unchanged' as const };
      change = restoring ? 'restored' : 'updated';
      await t.query(
        `UPDATE vendors SET name = $2, name_ja = $3, registration = $4, accepts_direct = $5, publish_name = $6,
           removed_at = NULL, updated_at = now()
         WHERE id = $1`,
        [next.id, next.name, next.nameJa, next.registration, next.acceptsDirect, next.publishName],
      );
    }

    if (!d || d.contacts) {
      await t.query('DELETE FROM vendor_contacts WHERE vendor_id = $1', [next.id]);
      const emails = [...next.contacts.to, ...next.contacts.cc];
      const kinds = [...next.contacts.to.map(() => 'to'), ...next.contacts.cc.map(() => 'cc')];
      if (emails.length > 0) {
        await t.query(
          `INSERT INTO vendor_contacts (vendor_id, email, kind)
           SELECT $1, e, k FROM unnest($2::text[], $3::text[]) AS u(e, k)`,
          [next.id, emails, kinds],
        );
      }
    }
    if (!d || d.keysAdded.length + d.keysRemoved.length + d.keysRefreshed.length > 0) {
      await t.query('DELETE FROM vendor_keys WHERE vendor_id = $1', [next.id]);
      if (next.keys.length > 0) {
        await t.query(
          `INSERT INTO vendor_keys (vendor_id, fingerprint, armored)
           SELECT $1, f, a FROM unnest($2::text[], $3::text[]) AS u(f, a)`,
          [next.id, next.keys.map((k) => k.fingerprint), next.keys.map((k) => k.armored)],
        );
      }
    }
    if (!d || d.products) {
      await t.query('DELETE FROM vendor_products WHERE vendor_id = $1', [next.id]);
      // One row at a time: unnest cannot carry an array of arrays of different lengths.
      for (const p of next.products) {
        await t.query('INSERT INTO vendor_products (vendor_id, name, keywords) VALUES ($1, $2, $3::text[])', [
          next.id,
          p.name,
          p.keywords,
        ]);
      }
    }

    await appendTimeline(t, {
      caseId: null,
      actor,
      event: `vendor-${change}`,
      data: d ? { vendor: next.id, ...d } : summary(next),
    });
    const vendor = await getVendor(t, next.id);
    if (!vendor) throw new Error(`vendor ${next.id}: not found after upsert`);
    return { vendor, change };
  });
}

/** The vendor with that id, removed or not (check `removedAt`); null when unknown. */
export async function getVendor(db: Db, id: string): Promise<Vendor | null> {
  const rows = await db.query<VendorRow>('SELECT * FROM vendors WHERE id = $1', [id]);
  return (await hydrate(db, rows))[0] ?? null;
}

/** Registered vendors by id; removed ones only with includeRemoved. */
export async function listVendors(db: Db, opts: { includeRemoved?: boolean } = {}): Promise<Vendor[]> {
  const rows = await db.query<VendorRow>(
    'SELECT * FROM vendors WHERE $1::boolean OR removed_at IS NULL ORDER BY id',
    [opts.includeRemoved ?? false],
  );
  return hydrate(db, rows);
}

/**
 * Soft-removes a vendor (removed_at = now()); its rows stay so old cases keep their
 * references. Timeline `vendor-removed` (caseId null). Removing a removed vendor changes
 * nothing (changed=false). Throws when the id is unknown.
 */
export async function removeVendor(db: Db, id: string, actor: string): Promise<{ vendor: Vendor; changed: boolean }> {
  return db.tx(async (t) => {
    const rows = await t.query<VendorRow>(
      'UPDATE vendors SET removed_at = now(), updated_at = now() WHERE id = $1 AND removed_at IS NULL RETURNING *',
      [id],
    );
    if (rows.length === 0) {
      const existing = await getVendor(t, id);
      if (!existing) throw new Error(`vendor ${id}: not found`);
      return { vendor: existing, changed: false };
    }
    await appendTimeline(t, { caseId: null, actor, event: 'vendor-removed', data: { vendor: id } });
    return { vendor: one(await hydrate(t, rows), `vendor ${id}`), changed: true };
  });
}

/**
 * The vendor that pinned this key, or null. Removed vendors are not returned unless
 * includeRemoved: a reply signed with a removed vendor's key is nobody's (fail closed).
 * The caller still checks the signature's status and that the vendor is on the case.
 */
export async function vendorByKeyFingerprint(db: Db, fingerprint: string, opts: { includeRemoved?: boolean } = {}): Promise<Vendor | null> {
  const rows = await db.query<VendorRow>(
    `SELECT v.* FROM vendors v JOIN vendor_keys k ON k.vendor_id = v.id
     WHERE k.fingerprint = $1 AND ($2::boolean OR v.removed_at IS NULL)`,
    [normFingerprint(fingerprint), opts.includeRemoved ?? false],
  );
  return (await hydrate(db, rows))[0] ?? null;
}

/**
 * The vendor owning the key that made a signature: its pinned primary key, or a subkey of
 * one (the signature's issuer is often a signing subkey). `subkeysOf` lists a key's
 * fingerprints (the crypto adapter's keyFingerprints); it is only asked when no primary
 * key matches, and only about the registry's keys.
 */
export async function vendorBySigningKey(
  db: Db,
  fingerprint: string,
  subkeysOf: (armored: string) => Promise<string[]>,
  opts: { includeRemoved?: boolean } = {},
): Promise<Vendor | null> {
  const direct = await vendorByKeyFingerprint(db, fingerprint, opts);
  if (direct) return direct;
  const want = normFingerprint(fingerprint);
  const rows = await db.query<{ vendor_id: string; armored: string }>(
    `SELECT k.vendor_id, k.armored FROM vendor_keys k JOIN vendors v ON v.id = k.vendor_id
     WHERE ($1::boolean OR v.removed_at IS NULL) ORDER BY k.vendor_id`,
    [opts.includeRemoved ?? false],
  );
  for (const r of rows) {
    if ((await subkeysOf(r.armored)).map(normFingerprint).includes(want)) return getVendor(db, r.vendor_id);
  }
  return null;
}
