// Notices held for the reporter's identity (migration 014; issue 9 §5). The desk stores a
// hold beside the withheld notice; a coordinator's X-RELEASE / X-REDACT resolves it once:
// the conditional updates below are the lock, so a command applied twice sends nothing
// twice.
import type { Db } from './db.ts';

export interface IdentityHoldHit {
  field: string;
  kind: string;
}

export interface IdentityHold {
  noticeId: string;
  caseId: string;
  ref: string;
  noticeName: string;
  lang: string;
  audience: string;
  party: { vendorId: string };
  context: Record<string, unknown>;
  hits: IdentityHoldHit[];
  createdAt: Date;
  resolvedAt: Date | null;
  resolution: string | null;
  resolvedBy: string | null;
}

interface Row {
  notice_id: string;
  case_id: string;
  ref: string;
  notice_name: string;
  lang: string;
  audience: string;
  party: { vendorId: string };
  context: Record<string, unknown>;
  hits: IdentityHoldHit[];
  created_at: Date;
  resolved_at: Date | null;
  resolution: string | null;
  resolved_by: string | null;
}

const toHold = (r: Row): IdentityHold => ({
  noticeId: r.notice_id,
  caseId: r.case_id,
  ref: r.ref,
  noticeName: r.notice_name,
  lang: r.lang,
  audience: r.audience,
  party: r.party,
  context: r.context,
  hits: r.hits,
  createdAt: r.created_at,
  resolvedAt: r.resolved_at,
  resolution: r.resolution,
  resolvedBy: r.resolved_by,
});

export type NewIdentityHold = Pick<IdentityHold, 'noticeId' | 'caseId' | 'ref' | 'noticeName' | 'lang' | 'audience' | 'party' | 'context' | 'hits'>;

/** Stores a hold; a second store of the same notice (a job retried) changes nothing. */
export async function insertIdentityHold(db: Db, h: NewIdentityHold): Promise<void> {
  await db.query(
    `INSERT INTO identity_holds (notice_id, case_id, ref, notice_name, lang, audience, party, context, hits)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9::jsonb)
     ON CONFLICT (notice_id) DO NOTHING`,
    [h.noticeId, h.caseId, h.ref, h.noticeName, h.lang, h.audience, JSON.stringify(h.party), JSON.stringify(h.context), JSON.stringify(h.hits)],
  );
}

/** The hold `ref` of a case (resolved or not), locked for the transaction on PostgreSQL. */
export async function getIdentityHold(db: Db, caseId: string, ref: string): Promise<IdentityHold | null> {
  const [r] = await db.query<Row>(`SELECT * FROM identity_holds WHERE case_id = $1 AND ref = $2${db.kind === 'pg' ? ' FOR UPDATE' : ''}`, [caseId, ref]);
  return r ? toHold(r) : null;
}

export async function listIdentityHolds(db: Db, caseId: string, opts: { open?: boolean } = {}): Promise<IdentityHold[]> {
  const rows = await db.query<Row>(`SELECT * FROM identity_holds WHERE case_id = $1 ${opts.open ? 'AND resolved_at IS NULL' : ''} ORDER BY created_at, ref`, [caseId]);
  return rows.map(toHold);
}

/** A redaction that still leaves the notice held: the new context and what is still found. */
export async function updateIdentityHold(db: Db, noticeId: string, context: Record<string, unknown>, hits: IdentityHoldHit[]): Promise<void> {
  await db.query(`UPDATE identity_holds SET context = $2::jsonb, hits = $3::jsonb WHERE notice_id = $1 AND resolved_at IS NULL`, [noticeId, JSON.stringify(context), JSON.stringify(hits)]);
}

/**
 * Resolves the hold and turns its withheld notice into a pending one with `raw`, in one
 * step each guarded by the state it expects; false when someone resolved it first.
 */
export async function resolveIdentityHold(
  db: Db,
  h: { noticeId: string; resolution: 'released' | 'redacted'; by: string; raw: Buffer; context: Record<string, unknown>; messageRef: number | null; at: Date },
): Promise<boolean> {
  const held = await db.query<{ notice_id: string }>(
    `UPDATE identity_holds SET resolved_at = $2, resolution = $3, resolved_by = $4, context = $5::jsonb WHERE notice_id = $1 AND resolved_at IS NULL RETURNING notice_id`,
    [h.noticeId, h.at, h.resolution, h.by, JSON.stringify(h.context)],
  );
  if (held.length === 0) return false;
  const sent = await db.query<{ id: string }>(
    `UPDATE notices SET raw = $2, state = 'pending', message_ref = coalesce($3, message_ref), updated_at = now() WHERE id = $1 AND state = 'withheld' RETURNING id`,
    [h.noticeId, h.raw, h.messageRef],
  );
  if (sent.length === 0) throw new Error(`notice ${h.noticeId}: held but not withheld`);
  return true;
}
