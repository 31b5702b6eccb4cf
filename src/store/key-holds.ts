// Key holds (issue 9 §4; migration 013): keys that proved an address by mail while the
// address already had another key on file. Stored aside, never used to encrypt, until a
// coordinator confirms (the key becomes the address's only learned key) or rejects.
import type { Db } from './db.ts';
import { appendTimeline, normFingerprint, upsertKey } from './repo.ts';

export type KeyHoldState = 'pending' | 'confirmed' | 'rejected';

export interface KeyHold {
  id: number;
  email: string;
  fingerprint: string;
  armored: string;
  source: 'signature' | 'attachment' | 'autocrypt';
  onFile: string[];
  messageRef: number | null;
  state: KeyHoldState;
  createdAt: Date;
  decidedAt: Date | null;
  decidedBy: string | null;
}

interface Row {
  id: number | string;
  email: string;
  fingerprint: string;
  armored: string;
  source: KeyHold['source'];
  on_file: string[];
  message_ref: number | string | null;
  state: KeyHoldState;
  created_at: Date;
  decided_at: Date | null;
  decided_by: string | null;
}

const toHold = (r: Row): KeyHold => ({
  id: Number(r.id),
  email: r.email,
  fingerprint: r.fingerprint,
  armored: r.armored,
  source: r.source,
  onFile: r.on_file,
  messageRef: r.message_ref === null ? null : Number(r.message_ref),
  state: r.state,
  createdAt: r.created_at,
  decidedAt: r.decided_at,
  decidedBy: r.decided_by,
});

/**
 * Fingerprints on file for an address, with where they come from: learned keys listing it,
 * the keys pinned for a vendor whose contact it is. (Configured keys, e.g. coordinators', are
 * in the desk's keyring, not here: the caller adds them.)
 */
export async function keysOnFile(db: Db, email: string): Promise<{ fingerprint: string; source: 'learned' | 'vendor' }[]> {
  const rows = await db.query<{ fingerprint: string; source: 'learned' | 'vendor' }>(
    `SELECT fingerprint, 'learned' AS source FROM keys WHERE emails @> ARRAY[$1::text]
     UNION
     SELECT k.fingerprint, 'vendor' AS source
       FROM vendor_keys k JOIN vendor_contacts c ON c.vendor_id = k.vendor_id JOIN vendors v ON v.id = k.vendor_id
      WHERE c.email = $1 AND v.removed_at IS NULL
     ORDER BY fingerprint`,
    [email.trim().toLowerCase()],
  );
  return rows;
}

export async function getKeyHold(db: Db, email: string, fingerprint: string): Promise<KeyHold | null> {
  const [r] = await db.query<Row>('SELECT * FROM key_holds WHERE email = $1 AND fingerprint = $2', [email.trim().toLowerCase(), normFingerprint(fingerprint)]);
  return r ? toHold(r) : null;
}

export async function getKeyHoldById(db: Db, id: number): Promise<KeyHold | null> {
  const [r] = await db.query<Row>('SELECT * FROM key_holds WHERE id = $1', [id]);
  return r ? toHold(r) : null;
}

export async function listKeyHolds(db: Db, opts: { states?: KeyHoldState[] } = {}): Promise<KeyHold[]> {
  const rows = await db.query<Row>('SELECT * FROM key_holds WHERE ($1::text[] IS NULL OR state = ANY($1::text[])) ORDER BY created_at, id', [opts.states ?? null]);
  return rows.map(toHold);
}

/** Holds a key; returns the hold and whether this call created it (only a new hold alerts). */
export async function holdKey(
  db: Db,
  h: { email: string; fingerprint: string; armored: string; source: KeyHold['source']; onFile: string[]; messageRef: number | null },
): Promise<{ hold: KeyHold; created: boolean }> {
  const email = h.email.trim().toLowerCase();
  const fpr = normFingerprint(h.fingerprint);
  const rows = await db.query<Row>(
    `INSERT INTO key_holds (email, fingerprint, armored, source, on_file, message_ref)
     VALUES ($1, $2, $3, $4, $5::text[], $6)
     ON CONFLICT (email, fingerprint) DO NOTHING RETURNING *`,
    [email, fpr, h.armored, h.source, h.onFile.map(normFingerprint), h.messageRef],
  );
  if (rows[0]) {
    await appendTimeline(db, { caseId: null, actor: 'desk', event: 'key-held', data: { hold: Number(rows[0].id), message: h.messageRef } });
    return { hold: toHold(rows[0]), created: true };
  }
  const existing = await getKeyHold(db, email, fpr);
  if (!existing) throw new Error(`key hold for ${fpr} vanished`);
  return { hold: existing, created: false };
}

export type DecideResult = { ok: true; hold: KeyHold } | { ok: false; why: 'no-such-hold' | 'already-decided'; hold: KeyHold | null };

/**
 * Confirms a pending hold: the held key becomes the address's learned key. The address is
 * taken off every other learned key (the coordinator confirmed the correspondent's NEW key;
 * the old one would otherwise keep receiving their notices). Keys pinned for a vendor are
 * the registry's and are not changed here.
 */
export async function confirmKeyHold(db: Db, id: number, actor: string): Promise<DecideResult> {
  return db.tx(async (tx) => {
    const rows = await tx.query<Row>(`UPDATE key_holds SET state = 'confirmed', decided_at = now(), decided_by = $2 WHERE id = $1 AND state = 'pending' RETURNING *`, [id, actor]);
    const r = rows[0];
    if (!r) {
      const h = await getKeyHoldById(tx, id);
      return { ok: false, why: h ? 'already-decided' : 'no-such-hold', hold: h };
    }
    await tx.query(`UPDATE keys SET emails = array_remove(emails, $1) WHERE emails @> ARRAY[$1::text] AND fingerprint <> $2`, [r.email, r.fingerprint]);
    await upsertKey(tx, { fingerprint: r.fingerprint, emails: [r.email], armored: r.armored, source: r.source });
    await appendTimeline(tx, { caseId: null, actor, event: 'key-confirmed', data: { hold: Number(r.id) } });
    return { ok: true, hold: toHold(r) };
  });
}

export async function rejectKeyHold(db: Db, id: number, actor: string): Promise<DecideResult> {
  return db.tx(async (tx) => {
    const rows = await tx.query<Row>(`UPDATE key_holds SET state = 'rejected', decided_at = now(), decided_by = $2 WHERE id = $1 AND state = 'pending' RETURNING *`, [id, actor]);
    const r = rows[0];
    if (!r) {
      const h = await getKeyHoldById(tx, id);
      return { ok: false, why: h ? 'already-decided' : 'no-such-hold', hold: h };
    }
    await appendTimeline(tx, { caseId: null, actor, event: 'key-rejected', data: { hold: Number(r.id) } });
    return { ok: true, hold: toHold(r) };
  });
}
