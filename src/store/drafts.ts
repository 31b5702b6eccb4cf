// Drafts: incomplete reports waiting for the reporter's reply with the missing fields
// (mail-protocol §2). Which mail continues which draft is decided in src/desk/drafts.ts;
// here is only the SQL. A reporter identity (address + signing key, or unsigned) may have
// several open drafts: each is known by its tag and the notices that asked for it.
import type { Db } from './db.ts';
import { normFingerprint } from './repo.ts';

export interface Draft {
  id: number;
  /** `DRAFT-…`: in the Subject of every notice about the draft. */
  tag: string;
  reporterEmail: string;
  reporterFpr: string | null;
  report: unknown;
  missing: unknown;
  messageIds: number[];
  /** Message-IDs of the desk's notices about this draft (a reply names one of them). */
  noticeIds: string[];
  caseId: string | null;
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
}

interface DraftRow {
  id: number;
  tag: string;
  reporter_email: string;
  reporter_fpr: string | null;
  report: unknown;
  missing: unknown;
  message_ids: number[];
  notice_ids: string[];
  case_id: string | null;
  created_at: Date;
  updated_at: Date;
  closed_at: Date | null;
}

function toDraft(r: DraftRow): Draft {
  return {
    id: Number(r.id),
    tag: r.tag,
    reporterEmail: r.reporter_email,
    reporterFpr: r.reporter_fpr,
    report: r.report,
    missing: r.missing,
    messageIds: r.message_ids.map(Number),
    noticeIds: r.notice_ids,
    caseId: r.case_id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    closedAt: r.closed_at,
  };
}

const json = (v: unknown): string => JSON.stringify(v ?? null);
const fprKey = (fpr: string | null | undefined): string => (fpr === null || fpr === undefined || fpr.trim() === '' ? '' : normFingerprint(fpr));

function one(rows: DraftRow[], what: string): Draft {
  const r = rows[0];
  if (!r) throw new Error(`${what}: not found`);
  return toDraft(r);
}

/**
 * The open drafts of this reporter identity, newest first: same address (case-insensitive)
 * AND same signing key, where an unsigned draft (fpr null) matches only unsigned mail.
 * Matching on the address alone would let anyone forging the From: line add to someone's
 * signed draft.
 */
export async function openDraftsOf(db: Db, email: string, fpr: string | null): Promise<Draft[]> {
  const rows = await db.query<DraftRow>(
    `SELECT * FROM drafts
      WHERE lower(reporter_email) = $1 AND coalesce(reporter_fpr, '') = $2 AND closed_at IS NULL
      ORDER BY updated_at DESC, id DESC LIMIT 100`,
    [email.trim().toLowerCase(), fprKey(fpr)],
  );
  return rows.map(toDraft);
}

export interface NewDraft {
  tag: string;
  reporterEmail: string;
  reporterFpr: string | null;
  report: unknown;
  missing: unknown;
  /** messages.id of the mail it came from. */
  messageId?: number;
}

export async function createDraft(db: Db, d: NewDraft): Promise<Draft> {
  const rows = await db.query<DraftRow>(
    `INSERT INTO drafts (tag, reporter_email, reporter_fpr, report, missing, message_ids)
     VALUES ($1, $2, $3, $4::text::jsonb, $5::text::jsonb, CASE WHEN $6::bigint IS NULL THEN '{}'::bigint[] ELSE ARRAY[$6::bigint] END)
     RETURNING *`,
    [d.tag, d.reporterEmail.trim(), fprKey(d.reporterFpr) || null, json(d.report ?? {}), json(d.missing ?? []), d.messageId ?? null],
  );
  return one(rows, 'draft');
}

/** The (merged) report and what is still missing replace the stored ones; `messageId` is appended once. */
export async function updateDraft(db: Db, id: number, d: { report: unknown; missing: unknown; messageId?: number }): Promise<Draft> {
  const rows = await db.query<DraftRow>(
    `UPDATE drafts SET report = $2::text::jsonb, missing = $3::text::jsonb,
       message_ids = CASE WHEN $4::bigint IS NULL OR $4::bigint = ANY(message_ids) THEN message_ids ELSE message_ids || $4::bigint END,
       updated_at = now()
     WHERE id = $1 RETURNING *`,
    [id, json(d.report ?? {}), json(d.missing ?? []), d.messageId ?? null],
  );
  return one(rows, `draft ${id}`);
}

/** Records the Message-ID of a notice about the draft (idempotent). */
export async function addDraftNotice(db: Db, id: number, noticeId: string): Promise<void> {
  await db.query(
    `UPDATE drafts SET notice_ids = CASE WHEN $2 = ANY(notice_ids) THEN notice_ids ELSE notice_ids || $2::text END WHERE id = $1`,
    [id, noticeId],
  );
}

/** Closes a draft (completed into `caseId`, or abandoned without). Idempotent. */
export async function closeDraft(db: Db, id: number, opts: { caseId?: string | null } = {}): Promise<Draft> {
  const rows = await db.query<DraftRow>(
    `UPDATE drafts SET closed_at = coalesce(closed_at, now()), case_id = coalesce($2, case_id), updated_at = now()
     WHERE id = $1 RETURNING *`,
    [id, opts.caseId ?? null],
  );
  return one(rows, `draft ${id}`);
}
