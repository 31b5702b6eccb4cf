// The site operators registry (guideline §4, the website track; docs/operators.md), over a
// Db (PostgreSQL or PGlite; same SQL). Modelled on src/store/vendors.ts: every change appends
// a timeline entry (caseId null) with the actor passed in; removal is soft.
//
// This file trusts its input's keys (fingerprint and armored text agree, the key is public):
// src/registry/operators-yaml.ts checks them with the crypto adapter before anything is stored.
// Domains are normalised here (website-scope.ts), so lookups and stored rows agree.
import type { Db } from './db.ts';
import { appendTimeline, normFingerprint } from './repo.ts';
import { hostAndParents, isIpLiteral, normaliseDomain, parseSiteUrl } from '../rules/website-scope.ts';

// ---------------------------------------------------------------------------------------
// types

/** A short lower-case slug: letters, digits, inner hyphens, at most 64 characters. */
export const OPERATOR_ID_RE = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

export interface OperatorKey {
  /** Upper-case hex, no spaces. */
  fingerprint: string;
  /** The armored public key (never a secret key). */
  armored: string;
}

export interface OperatorContacts {
  to: string[];
  cc: string[];
}

export interface Operator {
  id: string;
  name: string;
  nameJa: string | null;
  /** ASCII (punycode), lower case, sorted. Each covers its subdomains. */
  domains: string[];
  /** Lower-case addresses, sorted. */
  contacts: OperatorContacts;
  /** Sorted by fingerprint. May be empty: such an operator gets a content-free first contact only. */
  keys: OperatorKey[];
  createdAt: Date;
  updatedAt: Date;
  removedAt: Date | null;
}

export interface OperatorInput {
  id: string;
  name: string;
  nameJa?: string | null;
  domains: string[];
  contacts: { to: string[]; cc?: string[] };
  keys: OperatorKey[];
}

/** What upsertOperator did; 'unchanged' wrote nothing (no timeline entry either). */
export type OperatorChange = 'added' | 'updated' | 'restored' | 'unchanged';

// ---------------------------------------------------------------------------------------
// rows

interface OperatorRow {
  id: string;
  name: string;
  name_ja: string | null;
  created_at: Date;
  updated_at: Date;
  removed_at: Date | null;
}

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Loads domains, contacts and keys for the given rows (three queries, whatever the count). */
async function hydrate(db: Db, rows: OperatorRow[]): Promise<Operator[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const domains = await db.query<{ operator_id: string; domain: string }>(
    'SELECT operator_id, domain FROM operator_domains WHERE operator_id = ANY($1::text[]) ORDER BY operator_id, domain',
    [ids],
  );
  const contacts = await db.query<{ operator_id: string; email: string; kind: 'to' | 'cc' }>(
    'SELECT operator_id, email, kind FROM operator_contacts WHERE operator_id = ANY($1::text[]) ORDER BY operator_id, email',
    [ids],
  );
  const keys = await db.query<{ operator_id: string; fingerprint: string; armored: string }>(
    'SELECT operator_id, fingerprint, armored FROM operator_keys WHERE operator_id = ANY($1::text[]) ORDER BY operator_id, fingerprint',
    [ids],
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    nameJa: r.name_ja,
    domains: domains.filter((d) => d.operator_id === r.id).map((d) => d.domain),
    contacts: {
      to: contacts.filter((c) => c.operator_id === r.id && c.kind === 'to').map((c) => c.email),
      cc: contacts.filter((c) => c.operator_id === r.id && c.kind === 'cc').map((c) => c.email),
    },
    keys: keys.filter((k) => k.operator_id === r.id).map((k) => ({ fingerprint: k.fingerprint, armored: k.armored })),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    removedAt: r.removed_at,
  }));
}

// ---------------------------------------------------------------------------------------
// input normalisation

interface NormOperator {
  id: string;
  name: string;
  nameJa: string | null;
  domains: string[];
  contacts: OperatorContacts;
  keys: OperatorKey[];
}

function normalise(v: OperatorInput): NormOperator {
  if (typeof v.id !== 'string' || !OPERATOR_ID_RE.test(v.id)) {
    throw new Error(`operator id ${JSON.stringify(v.id)}: use lower-case letters, digits and inner hyphens (at most 64)`);
  }
  const name = typeof v.name === 'string' ? v.name.trim() : '';
  if (name === '') throw new Error(`operator ${v.id}: name is empty`);
  const domains = new Set<string>();
  for (const d of v.domains) {
    const n = normaliseDomain(d);
    if (n === null) throw new Error(`operator ${v.id}: ${JSON.stringify(d)} is not a domain name`);
    domains.add(n);
  }
  if (domains.size === 0) throw new Error(`operator ${v.id}: at least one domain is required`);
  const emails = (list: string[] | undefined): string[] =>
    [...new Set((list ?? []).map((e) => e.trim().toLowerCase()).filter((e) => e !== ''))].sort(byString);
  const to = emails(v.contacts.to);
  const cc = emails(v.contacts.cc).filter((e) => !to.includes(e));
  if (to.length === 0) throw new Error(`operator ${v.id}: at least one contact address is required`);
  for (const e of [...to, ...cc]) {
    if (!/^[^\s@]+@[^\s@]+$/.test(e)) throw new Error(`operator ${v.id}: ${JSON.stringify(e)} is not an email address`);
  }
  const keys = new Map<string, OperatorKey>();
  for (const k of v.keys) {
    const fingerprint = normFingerprint(k.fingerprint);
    if (!/^[0-9A-F]{40}([0-9A-F]{24})?$/.test(fingerprint)) throw new Error(`operator ${v.id}: bad key fingerprint ${k.fingerprint}`);
    if (!k.armored.includes('-----BEGIN PGP PUBLIC KEY BLOCK-----')) {
      throw new Error(`operator ${v.id}: key ${fingerprint} is not an armored public key`);
    }
    keys.set(fingerprint, { fingerprint, armored: k.armored });
  }
  const nameJa = typeof v.nameJa === 'string' && v.nameJa.trim() !== '' ? v.nameJa.trim() : null;
  return {
    id: v.id,
    name,
    nameJa,
    domains: [...domains].sort(byString),
    contacts: { to, cc },
    keys: [...keys.values()].sort((a, b) => byString(a.fingerprint, b.fingerprint)),
  };
}

// ---------------------------------------------------------------------------------------
// diff (what the timeline says changed; never the armored keys themselves)

interface OperatorDiff {
  fields: Record<string, { from: string | null; to: string | null }>;
  domains?: { from: string[]; to: string[] };
  contacts?: { from: OperatorContacts; to: OperatorContacts };
  keysAdded: string[];
  keysRemoved: string[];
  keysRefreshed: string[];
}

function diff(old: Operator, next: NormOperator): OperatorDiff {
  const fields: OperatorDiff['fields'] = {};
  for (const f of ['name', 'nameJa'] as const) if (old[f] !== next[f]) fields[f] = { from: old[f], to: next[f] };
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
  const oldKeys = new Map(old.keys.map((k) => [k.fingerprint, k.armored]));
  const newKeys = new Map(next.keys.map((k) => [k.fingerprint, k.armored]));
  const d: OperatorDiff = {
    fields,
    keysAdded: [...newKeys.keys()].filter((f) => !oldKeys.has(f)),
    keysRemoved: [...oldKeys.keys()].filter((f) => !newKeys.has(f)),
    keysRefreshed: [...newKeys].filter(([f, a]) => oldKeys.has(f) && oldKeys.get(f) !== a).map(([f]) => f),
  };
  if (!same(old.domains, next.domains)) d.domains = { from: old.domains, to: next.domains };
  if (!same(old.contacts, next.contacts)) d.contacts = { from: old.contacts, to: next.contacts };
  return d;
}

function isEmpty(d: OperatorDiff): boolean {
  return Object.keys(d.fields).length === 0 && !d.domains && !d.contacts && d.keysAdded.length + d.keysRemoved.length + d.keysRefreshed.length === 0;
}

// ---------------------------------------------------------------------------------------
// registry

/**
 * Adds an operator or replaces its registration with `input` (domains, contacts and keys
 * are replaced as a whole). A removed operator given again is restored. Timeline (caseId
 * null): `operator-added` / `operator-updated` / `operator-restored`; nothing when nothing
 * changed.
 *
 * Throws when a domain is registered for another operator that is not removed (a site has
 * one responsible operator), or a key is pinned for another operator (removed ones included).
 */
export async function upsertOperator(db: Db, input: OperatorInput, actor: string): Promise<{ operator: Operator; change: OperatorChange }> {
  const next = normalise(input);
  return db.tx(async (t) => {
    const [oldRow] = await t.query<OperatorRow>('SELECT * FROM operators WHERE id = $1 FOR UPDATE', [next.id]);
    const old = oldRow ? (await hydrate(t, [oldRow]))[0] : undefined;
    const [domainClash] = await t.query<{ operator_id: string; domain: string }>(
      `SELECT d.operator_id, d.domain FROM operator_domains d JOIN operators o ON o.id = d.operator_id
       WHERE d.domain = ANY($1::text[]) AND d.operator_id <> $2 AND o.removed_at IS NULL ORDER BY d.domain`,
      [next.domains, next.id],
    );
    if (domainClash) {
      throw new Error(`operator ${next.id}: domain ${domainClash.domain} is already registered for operator ${domainClash.operator_id}; a site has one operator`);
    }
    if (next.keys.length > 0) {
      const [clash] = await t.query<{ operator_id: string; fingerprint: string; removed: boolean }>(
        `SELECT k.operator_id, k.fingerprint, o.removed_at IS NOT NULL AS removed
         FROM operator_keys k JOIN operators o ON o.id = k.operator_id
         WHERE k.fingerprint = ANY($1::text[]) AND k.operator_id <> $2 ORDER BY k.fingerprint`,
        [next.keys.map((k) => k.fingerprint), next.id],
      );
      if (clash) {
        throw new Error(
          `operator ${next.id}: key ${clash.fingerprint} is already pinned for operator ${clash.operator_id}` +
            (clash.removed ? ' (removed)' : '') +
            '; a key can identify only one operator',
        );
      }
    }

    let change: OperatorChange;
    let d: OperatorDiff | null = null;
    if (!old) {
      change = 'added';
      await t.query('INSERT INTO operators (id, name, name_ja) VALUES ($1, $2, $3)', [next.id, next.name, next.nameJa]);
    } else {
      d = diff(old, next);
      const restoring = old.removedAt !== null;
      if (isEmpty(d) && !restoring) return { operator: old, change: 'unchanged' as const };
      change = restoring ? 'restored' : 'updated';
      await t.query('UPDATE operators SET name = $2, name_ja = $3, removed_at = NULL, updated_at = now() WHERE id = $1', [next.id, next.name, next.nameJa]);
    }

    if (!d || d.domains) {
      await t.query('DELETE FROM operator_domains WHERE operator_id = $1', [next.id]);
      await t.query('INSERT INTO operator_domains (operator_id, domain) SELECT $1, d FROM unnest($2::text[]) AS u(d)', [next.id, next.domains]);
    }
    if (!d || d.contacts) {
      await t.query('DELETE FROM operator_contacts WHERE operator_id = $1', [next.id]);
      const emails = [...next.contacts.to, ...next.contacts.cc];
      const kinds = [...next.contacts.to.map(() => 'to'), ...next.contacts.cc.map(() => 'cc')];
      await t.query(
        `INSERT INTO operator_contacts (operator_id, email, kind) SELECT $1, e, k FROM unnest($2::text[], $3::text[]) AS u(e, k)`,
        [next.id, emails, kinds],
      );
    }
    if (!d || d.keysAdded.length + d.keysRemoved.length + d.keysRefreshed.length > 0) {
      await t.query('DELETE FROM operator_keys WHERE operator_id = $1', [next.id]);
      if (next.keys.length > 0) {
        await t.query(
          `INSERT INTO operator_keys (operator_id, fingerprint, armored) SELECT $1, f, a FROM unnest($2::text[], $3::text[]) AS u(f, a)`,
          [next.id, next.keys.map((k) => k.fingerprint), next.keys.map((k) => k.armored)],
        );
      }
    }

    await appendTimeline(t, {
      caseId: null,
      actor,
      event: `operator-${change}`,
      data: d
        ? { operator: next.id, ...d }
        : { operator: next.id, name: next.name, nameJa: next.nameJa, domains: next.domains, contacts: next.contacts, keys: next.keys.map((k) => k.fingerprint) },
    });
    const operator = await getOperator(t, next.id);
    if (!operator) throw new Error(`operator ${next.id}: not found after upsert`);
    return { operator, change };
  });
}

/** The operator with that id, removed or not (check `removedAt`); null when unknown. */
export async function getOperator(db: Db, id: string): Promise<Operator | null> {
  const rows = await db.query<OperatorRow>('SELECT * FROM operators WHERE id = $1', [id]);
  return (await hydrate(db, rows))[0] ?? null;
}

/** Registered operators by id; removed ones only with includeRemoved. */
export async function listOperators(db: Db, opts: { includeRemoved?: boolean } = {}): Promise<Operator[]> {
  const rows = await db.query<OperatorRow>('SELECT * FROM operators WHERE $1::boolean OR removed_at IS NULL ORDER BY id', [opts.includeRemoved ?? false]);
  return hydrate(db, rows);
}

/**
 * Soft-removes an operator; timeline `operator-removed`. Removing a removed operator changes
 * nothing (changed=false). Throws when the id is unknown.
 */
export async function removeOperator(db: Db, id: string, actor: string): Promise<{ operator: Operator; changed: boolean }> {
  return db.tx(async (t) => {
    const rows = await t.query<OperatorRow>(
      'UPDATE operators SET removed_at = now(), updated_at = now() WHERE id = $1 AND removed_at IS NULL RETURNING *',
      [id],
    );
    if (rows.length === 0) {
      const existing = await getOperator(t, id);
      if (!existing) throw new Error(`operator ${id}: not found`);
      return { operator: existing, changed: false };
    }
    await appendTimeline(t, { caseId: null, actor, event: 'operator-removed', data: { operator: id } });
    const [operator] = await hydrate(t, rows);
    if (!operator) throw new Error(`operator ${id}: not found`);
    return { operator, changed: true };
  });
}

/** Which registered domain matched, for the coordinator to see why. */
export interface OperatorMatch {
  operator: Operator;
  domain: string;
  host: string;
}

/**
 * The operator responsible for a site URL: the operator (not removed) of the most specific
 * registered domain covering the URL's host; null when none, or when the URL is no site
 * address (website-scope.ts parseSiteUrl). An IP-literal host matches no domain.
 */
export async function operatorForUrl(db: Db, url: string): Promise<OperatorMatch | null> {
  const a = parseSiteUrl(url);
  if (!a.ok || isIpLiteral(a.host)) return null;
  const candidates = hostAndParents(a.host);
  const [row] = await db.query<{ operator_id: string; domain: string }>(
    `SELECT d.operator_id, d.domain FROM operator_domains d JOIN operators o ON o.id = d.operator_id
     WHERE d.domain = ANY($1::text[]) AND o.removed_at IS NULL
     ORDER BY length(d.domain) DESC, d.operator_id LIMIT 1`,
    [candidates],
  );
  if (!row) return null;
  const operator = await getOperator(db, row.operator_id);
  return operator ? { operator, domain: row.domain, host: a.host } : null;
}

/** The operator (not removed unless includeRemoved) that pinned this key, or null. */
export async function operatorByKeyFingerprint(db: Db, fingerprint: string, opts: { includeRemoved?: boolean } = {}): Promise<Operator | null> {
  const rows = await db.query<OperatorRow>(
    `SELECT o.* FROM operators o JOIN operator_keys k ON k.operator_id = o.id
     WHERE k.fingerprint = $1 AND ($2::boolean OR o.removed_at IS NULL)`,
    [normFingerprint(fingerprint), opts.includeRemoved ?? false],
  );
  return (await hydrate(db, rows))[0] ?? null;
}
