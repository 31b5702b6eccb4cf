// A vendor's own tracking ids for a case (issue 12; mail-protocol §7; migration 023). A
// reference is the vendor's: it is written into the subjects of notices to that vendor and
// matches that vendor's signed replies, never another vendor's (another vendor naming it
// gets nothing: test/security/vendor-reply-naming-another-vendors-reference.test.ts).
import type { Db } from './db.ts';
import { appendTimeline } from './repo.ts';

/** At most this many references per vendor and case are kept (each one goes into every subject). */
export const MAX_REFS_PER_VENDOR = 5;

export type AddReferenceResult =
  | { ok: true; change: 'added' | 'unchanged' }
  | { ok: false; reason: 'names-another-case'; otherCase: string }
  | { ok: false; reason: 'too-many' };

/**
 * Records `ref` as `vendorId`'s id for `caseId` (timeline `vendor-reference-added`).
 * Idempotent (case-insensitive); refused when the vendor already uses that id for another
 * case, or already gave MAX_REFS_PER_VENDOR ids for this one.
 */
export async function addVendorReference(db: Db, caseId: string, vendorId: string, ref: string, actor: string): Promise<AddReferenceResult> {
  return db.tx(async (t) => {
    const [same] = await t.query<{ case_id: string }>('SELECT case_id FROM case_vendor_references WHERE vendor_id = $1 AND lower(ref) = lower($2)', [vendorId, ref]);
    if (same) return same.case_id === caseId ? { ok: true, change: 'unchanged' } : { ok: false, reason: 'names-another-case', otherCase: same.case_id };
    const [n] = await t.query<{ n: number }>('SELECT count(*)::int AS n FROM case_vendor_references WHERE case_id = $1 AND vendor_id = $2', [caseId, vendorId]);
    if ((n?.n ?? 0) >= MAX_REFS_PER_VENDOR) return { ok: false, reason: 'too-many' };
    await t.query('INSERT INTO case_vendor_references (case_id, vendor_id, ref) VALUES ($1, $2, $3)', [caseId, vendorId, ref]);
    await appendTimeline(t, { caseId, actor, event: 'vendor-reference-added', data: { vendor: vendorId, ref } });
    return { ok: true, change: 'added' };
  });
}

/** The case `vendorId` knows by `ref` (case-insensitive), or null. Only that vendor's references count. */
export async function caseByVendorReference(db: Db, vendorId: string, ref: string): Promise<string | null> {
  const [row] = await db.query<{ case_id: string }>('SELECT case_id FROM case_vendor_references WHERE vendor_id = $1 AND lower(ref) = lower($2)', [vendorId, ref]);
  return row?.case_id ?? null;
}

/** Every vendor's references for a case, in the order they were given. */
export async function vendorReferencesOfCase(db: Db, caseId: string): Promise<Map<string, string[]>> {
  const rows = await db.query<{ vendor_id: string; ref: string }>('SELECT vendor_id, ref FROM case_vendor_references WHERE case_id = $1 ORDER BY added_at, ref', [caseId]);
  const out = new Map<string, string[]>();
  for (const r of rows) out.set(r.vendor_id, [...(out.get(r.vendor_id) ?? []), r.ref]);
  return out;
}

/**
 * What each vendor of a case knows it by besides the desk's id, for the subjects of its
 * notices (mail-protocol §7): the partners' ids of a partner case, then its own ids.
 */
export async function vendorSubjectRefs(db: Db, caseId: string, vendorIds: readonly string[], partnerRefs: readonly string[]): Promise<Map<string, string[]>> {
  const own = await vendorReferencesOfCase(db, caseId);
  const out = new Map<string, string[]>();
  for (const id of new Set([...vendorIds, ...own.keys()])) out.set(id, [...partnerRefs, ...(own.get(id) ?? [])]);
  return out;
}
