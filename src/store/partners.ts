// The partner registry (issue 12, guideline §5: overseas coordinators and other CSIRTs the
// desk exchanges cases with) and the partner of each case, over a Db (PostgreSQL or PGlite).
// Modelled on vendors.ts: every change appends a timeline entry (caseId null for registry
// changes), removal is soft, a pinned key identifies one party.
//
// This file trusts its input's keys (fingerprint and armored text agree, the key is usable):
// src/registry/partners-yaml.ts checks them with the crypto adapter before anything is stored.
import { parseRefPattern } from '../forms/ref-pattern.ts';
import type { Db } from './db.ts';
import { appendTimeline, normFingerprint } from './repo.ts';
import { VENDOR_ID_RE, type VendorContacts, type VendorKey } from './vendors.ts';

/** Same slug rule as vendor ids. */
export const PARTNER_ID_RE = VENDOR_ID_RE;

export type PartnerKey = VendorKey;
export type PartnerContacts = VendorContacts;

export interface Partner {
  id: string;
  name: string;
  nameJa: string | null;
  /** The partner's case-id template (src/forms/ref-pattern.ts), e.g. `VU#{6}`. */
  caseIdPattern: string;
  wantsCsaf: boolean;
  /** Lower-case addresses, sorted. */
  contacts: PartnerContacts;
  /** Sorted by fingerprint. */
  keys: PartnerKey[];
  createdAt: Date;
  updatedAt: Date;
  removedAt: Date | null;
}

export interface PartnerInput {
  id: string;
  name: string;
  nameJa?: string | null;
  caseIdPattern: string;
  /** Default false. */
  wantsCsaf?: boolean;
  contacts: { to: string[]; cc?: string[] };
  keys: PartnerKey[];
}

export type PartnerChange = 'added' | 'updated' | 'restored' | 'unchanged';

interface PartnerRow {
  id: string;
  name: string;
  name_ja: string | null;
  case_id_pattern: string;
  wants_csaf: boolean;
  created_at: Date;
  updated_at: Date;
  removed_at: Date | null;
}

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

async function hydrate(db: Db, rows: PartnerRow[]): Promise<Partner[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const contacts = await db.query<{ partner_id: string; email: string; kind: 'to' | 'cc' }>(
    'SELECT partner_id, email, kind FROM partner_contacts WHERE partner_id = ANY($1::text[]) ORDER BY partner_id, email',
    [ids],
  );
  const keys = await db.query<{ partner_id: string; fingerprint: string; armored: string }>(
    'SELECT partner_id, fingerprint, armored FROM partner_keys WHERE partner_id = ANY($1::text[]) ORDER BY partner_id, fingerprint',
    [ids],
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    nameJa: r.name_ja,
    caseIdPattern: r.case_id_pattern,
    wantsCsaf: r.wants_csaf,
    contacts: {
      to: contacts.filter((c) => c.partner_id === r.id && c.kind === 'to').map((c) => c.email),
      cc: contacts.filter((c) => c.partner_id === r.id && c.kind === 'cc').map((c) => c.email),
    },
    keys: keys.filter((k) => k.partner_id === r.id).map((k) => ({ fingerprint: k.fingerprint, armored: k.armored })),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    removedAt: r.removed_at,
  }));
}

interface NormPartner {
  id: string;
  name: string;
  nameJa: string | null;
  caseIdPattern: string;
  wantsCsaf: boolean;
  contacts: PartnerContacts;
  keys: PartnerKey[];
}

function normalise(p: PartnerInput): NormPartner {
  if (typeof p.id !== 'string' || !PARTNER_ID_RE.test(p.id)) {
    throw new Error(`partner id ${JSON.stringify(p.id)}: use lower-case letters, digits and inner hyphens (at most 64)`);
  }
  const name = typeof p.name === 'string' ? p.name.trim() : '';
  if (name === '') throw new Error(`partner ${p.id}: name is empty`);
  const pattern = parseRefPattern(p.caseIdPattern);
  if (!pattern.ok) throw new Error(`partner ${p.id}: case-id pattern: ${pattern.error}`);
  const emails = (list: string[] | undefined): string[] =>
    [...new Set((list ?? []).map((e) => e.trim().toLowerCase()).filter((e) => e !== ''))].sort(byString);
  const to = emails(p.contacts.to);
  const cc = emails(p.contacts.cc).filter((e) => !to.includes(e));
  if (to.length === 0) throw new Error(`partner ${p.id}: at least one contact address is required`);
  for (const e of [...to, ...cc]) {
    if (!/^[^\s@]+@[^\s@]+$/.test(e)) throw new Error(`partner ${p.id}: ${JSON.stringify(e)} is not an email address`);
  }
  const keys = new Map<string, PartnerKey>();
  for (const k of p.keys) {
    const fingerprint = normFingerprint(k.fingerprint);
    if (!/^[0-9A-F]{40}([0-9A-F]{24})?$/.test(fingerprint)) throw new Error(`partner ${p.id}: bad key fingerprint ${k.fingerprint}`);
    if (!k.armored.includes('-----BEGIN PGP PUBLIC KEY BLOCK-----')) {
      throw new Error(`partner ${p.id}: key ${fingerprint} is not an armored public key`);
    }
    keys.set(fingerprint, { fingerprint, armored: k.armored });
  }
  const nameJa = typeof p.nameJa === 'string' && p.nameJa.trim() !== '' ? p.nameJa.trim() : null;
  return {
    id: p.id,
    name,
    nameJa,
    caseIdPattern: pattern.pattern.template,
    wantsCsaf: p.wantsCsaf ?? false,
    contacts: { to, cc },
    keys: [...keys.values()].sort((a, b) => byString(a.fingerprint, b.fingerprint)),
  };
}

type Scalar = string | boolean | null;
const SCALARS = ['name', 'nameJa', 'caseIdPattern', 'wantsCsaf'] as const;

interface PartnerDiff {
  fields: Record<string, { from: Scalar; to: Scalar }>;
  contacts?: { from: PartnerContacts; to: PartnerContacts };
  keysAdded: string[];
  keysRemoved: string[];
  keysRefreshed: string[];
}

function diff(old: Partner, next: NormPartner): PartnerDiff {
  const fields: PartnerDiff['fields'] = {};
  for (const f of SCALARS) if (old[f] !== next[f]) fields[f] = { from: old[f], to: next[f] };
  const oldKeys = new Map(old.keys.map((k) => [k.fingerprint, k.armored]));
  const newKeys = new Map(next.keys.map((k) => [k.fingerprint, k.armored]));
  const d: PartnerDiff = {
    fields,
    keysAdded: [...newKeys.keys()].filter((f) => !oldKeys.has(f)),
    keysRemoved: [...oldKeys.keys()].filter((f) => !newKeys.has(f)),
    keysRefreshed: [...newKeys].filter(([f, a]) => oldKeys.has(f) && oldKeys.get(f) !== a).map(([f]) => f),
  };
  if (JSON.stringify(old.contacts) !== JSON.stringify(next.contacts)) d.contacts = { from: old.contacts, to: next.contacts };
  return d;
}

function isEmpty(d: PartnerDiff): boolean {
  return Object.keys(d.fields).length === 0 && !d.contacts && d.keysAdded.length + d.keysRemoved.length + d.keysRefreshed.length === 0;
}

/**
 * Adds a partner or replaces its registration (contacts and keys as a whole). A removed
 * partner given again is restored. Timeline (caseId null): `partner-added` with the entry,
 * `partner-updated` / `partner-restored` with what changed (fingerprints, never armored
 * keys); nothing when nothing changed.
 *
 * Throws when a key is already pinned for another partner or for a vendor (removed ones
 * included): a signature must identify one party.
 */
export async function upsertPartner(db: Db, input: PartnerInput, actor: string): Promise<{ partner: Partner; change: PartnerChange }> {
  const next = normalise(input);
  return db.tx(async (t) => {
    const [oldRow] = await t.query<PartnerRow>('SELECT * FROM partners WHERE id = $1 FOR UPDATE', [next.id]);
    const old = oldRow ? (await hydrate(t, [oldRow]))[0] : undefined;
    if (next.keys.length > 0) {
      const fprs = next.keys.map((k) => k.fingerprint);
      const clash = await t.query<{ owner: string; fingerprint: string }>(
        `SELECT 'partner ' || partner_id AS owner, fingerprint FROM partner_keys WHERE fingerprint = ANY($1::text[]) AND partner_id <> $2
         UNION ALL
         SELECT 'vendor ' || vendor_id AS owner, fingerprint FROM vendor_keys WHERE fingerprint = ANY($1::text[])
         ORDER BY fingerprint`,
        [fprs, next.id],
      );
      const c = clash[0];
      if (c) throw new Error(`partner ${next.id}: key ${c.fingerprint} is already pinned for ${c.owner}; a key can identify only one party`);
    }

    let change: PartnerChange;
    let d: PartnerDiff | null = null;
    if (!old) {
      change = 'added';
      await t.query(
        'INSERT INTO partners (id, name, name_ja, case_id_pattern, wants_csaf) VALUES ($1, $2, $3, $4, $5)',
        [next.id, next.name, next.nameJa, next.caseIdPattern, next.wantsCsaf],
      );
    } else {
      d = diff(old, next);
      const restoring = old.removedAt !== null;
      if (isEmpty(d) && !restoring) return { partner: old, change: 'unchanged' as const };
      change = restoring ? 'restored' : 'updated';
      await t.query(
        `UPDATE partners SET name = $2, name_ja = $3, case_id_pattern = $4, wants_csaf = $5, removed_at = NULL, updated_at = now()
         WHERE id = $1`,
        [next.id, next.name, next.nameJa, next.caseIdPattern, next.wantsCsaf],
      );
    }
    if (!d || d.contacts) {
      await t.query('DELETE FROM partner_contacts WHERE partner_id = $1', [next.id]);
      const emails = [...next.contacts.to, ...next.contacts.cc];
      const kinds = [...next.contacts.to.map(() => 'to'), ...next.contacts.cc.map(() => 'cc')];
      await t.query(
        `INSERT INTO partner_contacts (partner_id, email, kind) SELECT $1, e, k FROM unnest($2::text[], $3::text[]) AS u(e, k)`,
        [next.id, emails, kinds],
      );
    }
    if (!d || d.keysAdded.length + d.keysRemoved.length + d.keysRefreshed.length > 0) {
      await t.query('DELETE FROM partner_keys WHERE partner_id = $1', [next.id]);
      if (next.keys.length > 0) {
        await t.query(
          `INSERT INTO partner_keys (partner_id, fingerprint, armored) SELECT $1, f, a FROM unnest($2::text[], $3::text[]) AS u(f, a)`,
          [next.id, next.keys.map((k) => k.fingerprint), next.keys.map((k) => k.armored)],
        );
      }
    }
    await appendTimeline(t, {
      caseId: null,
      actor,
      event: `partner-${change}`,
      data: d
        ? { partner: next.id, ...d }
        : { partner: next.id, name: next.name, nameJa: next.nameJa, caseIdPattern: next.caseIdPattern, wantsCsaf: next.wantsCsaf, contacts: next.contacts, keys: next.keys.map((k) => k.fingerprint) },
    });
    const partner = await getPartner(t, next.id);
    if (!partner) throw new Error(`partner ${next.id}: not found after upsert`);
    return { partner, change };
  });
}

/** The partner with that id, removed or not (check `removedAt`); null when unknown. */
export async function getPartner(db: Db, id: string): Promise<Partner | null> {
  const rows = await db.query<PartnerRow>('SELECT * FROM partners WHERE id = $1', [id]);
  return (await hydrate(db, rows))[0] ?? null;
}

/** Registered partners by id; removed ones only with includeRemoved. */
export async function listPartners(db: Db, opts: { includeRemoved?: boolean } = {}): Promise<Partner[]> {
  const rows = await db.query<PartnerRow>('SELECT * FROM partners WHERE $1::boolean OR removed_at IS NULL ORDER BY id', [
    opts.includeRemoved ?? false,
  ]);
  return hydrate(db, rows);
}

/** Soft-removes a partner; timeline `partner-removed`. Throws when the id is unknown. */
export async function removePartner(db: Db, id: string, actor: string): Promise<{ partner: Partner; changed: boolean }> {
  return db.tx(async (t) => {
    const rows = await t.query<PartnerRow>(
      'UPDATE partners SET removed_at = now(), updated_at = now() WHERE id = $1 AND removed_at IS NULL RETURNING *',
      [id],
    );
    if (rows.length === 0) {
      const existing = await getPartner(t, id);
      if (!existing) throw new Error(`partner ${id}: not found`);
      return { partner: existing, changed: false };
    }
    await appendTimeline(t, { caseId: null, actor, event: 'partner-removed', data: { partner: id } });
    const partner = (await hydrate(t, rows))[0];
    if (!partner) throw new Error(`partner ${id}: not found`);
    return { partner, changed: true };
  });
}

/**
 * The partner that pinned this (primary) key, or null. Removed partners are nobody unless
 * includeRemoved (fail closed, as vendorByKeyFingerprint).
 */
export async function partnerByKeyFingerprint(db: Db, fingerprint: string, opts: { includeRemoved?: boolean } = {}): Promise<Partner | null> {
  const rows = await db.query<PartnerRow>(
    `SELECT p.* FROM partners p JOIN partner_keys k ON k.partner_id = p.id
     WHERE k.fingerprint = $1 AND ($2::boolean OR p.removed_at IS NULL)`,
    [normFingerprint(fingerprint), opts.includeRemoved ?? false],
  );
  return (await hydrate(db, rows))[0] ?? null;
}

/**
 * Records the partner's own id for a case (timeline `partner-case-linked`). Idempotent for
 * the same triple; throws when the partner's id already names another case of the desk,
 * or the case already has another id from this partner (the caller decides what to tell).
 */
export async function linkPartnerCase(db: Db, caseId: string, partnerId: string, partnerRef: string, actor: string): Promise<'linked' | 'unchanged'> {
  return db.tx(async (t) => {
    const existing = await t.query<{ case_id: string; partner_ref: string }>(
      'SELECT case_id, partner_ref FROM case_partners WHERE partner_id = $1 AND (case_id = $2 OR partner_ref = $3)',
      [partnerId, caseId, partnerRef],
    );
    for (const e of existing) {
      if (e.case_id === caseId && e.partner_ref === partnerRef) return 'unchanged' as const;
      if (e.case_id !== caseId) throw new Error(`partner ${partnerId}: ${partnerRef} already names case ${e.case_id}`);
      throw new Error(`case ${caseId}: partner ${partnerId} already knows it as ${e.partner_ref}`);
    }
    await t.query('INSERT INTO case_partners (case_id, partner_id, partner_ref) VALUES ($1, $2, $3)', [caseId, partnerId, partnerRef]);
    await appendTimeline(t, { caseId, actor, event: 'partner-case-linked', data: { partner: partnerId, partnerRef } });
    return 'linked' as const;
  });
}

/** The desk's case a partner's id names, or null. */
export async function caseByPartnerRef(db: Db, partnerId: string, partnerRef: string): Promise<string | null> {
  const [row] = await db.query<{ case_id: string }>('SELECT case_id FROM case_partners WHERE partner_id = $1 AND partner_ref = $2', [
    partnerId,
    partnerRef,
  ]);
  return row?.case_id ?? null;
}

/** The partners of a case with their ids for it (for subjects and status mail). */
export async function partnersOfCase(db: Db, caseId: string): Promise<{ partnerId: string; partnerRef: string }[]> {
  const rows = await db.query<{ partner_id: string; partner_ref: string }>(
    'SELECT partner_id, partner_ref FROM case_partners WHERE case_id = $1 ORDER BY partner_id',
    [caseId],
  );
  return rows.map((r) => ({ partnerId: r.partner_id, partnerRef: r.partner_ref }));
}

/**
 * The partner owning the key that made a signature: its pinned primary key or a subkey of
 * one (as vendorBySigningKey; `subkeysOf` is the crypto adapter's keyFingerprints).
 */
export async function partnerBySigningKey(db: Db, fingerprint: string, subkeysOf: (armored: string) => Promise<string[]>): Promise<Partner | null> {
  const direct = await partnerByKeyFingerprint(db, fingerprint);
  if (direct) return direct;
  const want = normFingerprint(fingerprint);
  const rows = await db.query<{ partner_id: string; armored: string }>(
    `SELECT k.partner_id, k.armored FROM partner_keys k JOIN partners p ON p.id = k.partner_id
     WHERE p.removed_at IS NULL ORDER BY k.partner_id`,
  );
  for (const r of rows) {
    if ((await subkeysOf(r.armored)).map(normFingerprint).includes(want)) return getPartner(db, r.partner_id);
  }
  return null;
}

/**
 * The partners that brought a case to the desk (partner intake, guideline §5 "cases from
 * overseas partners"): linked to it and not one it was handed over to (case_handovers).
 * These hear the vendors' statuses and decide the date; a partner a case was handed to
 * knows it by its own id, but the date of the desk's case stays the desk's.
 */
export async function partnersWhoBroughtCase(db: Db, caseId: string): Promise<{ partnerId: string; partnerRef: string }[]> {
  const rows = await db.query<{ partner_id: string; partner_ref: string }>(
    `SELECT cp.partner_id, cp.partner_ref FROM case_partners cp
      WHERE cp.case_id = $1 AND NOT EXISTS (SELECT 1 FROM case_handovers h WHERE h.case_id = cp.case_id AND h.partner_id = cp.partner_id)
      ORDER BY cp.partner_id`,
    [caseId],
  );
  return rows.map((r) => ({ partnerId: r.partner_id, partnerRef: r.partner_ref }));
}
