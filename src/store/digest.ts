// The store side of the coordinators' digest (issue 11): the exactly-once claim per
// (coordinator, JST business day), and the facts since the coordinator's last digest
// (src/rules/digest.ts DigestFacts). Only ids, codes and counts leave these queries: no
// message text, address or verdict detail.
//
// Windows are row ids (migration 019): each claim records the highest timeline, message
// and draft ids it saw, and a digest covers the rows after the previous claim's marks up to
// its own. Consecutive digests neither miss nor repeat a row that was committed by then,
// whatever the desk's clock says. New cases are the exception (cases have no serial id):
// they are read by created_at between the two claims' times, both the database's now().
import type { IsoDate } from '../domain/clock.ts';
import {
  FAILED_JOB_EVENTS,
  REFUSED_MAIL_SOURCES,
  type FailedJobEvent,
  type DigestFacts,
  type FailedJobFact,
  type NewCaseFact,
  type NewDraftFact,
  type RefusedMailFact,
  type RefusedMailSource,
} from '../rules/digest.ts';
import type { Db } from './handle.ts';

/** The high-water marks of one claim. */
export interface DigestMarks {
  at: Date;
  timelineId: number;
  messageId: number;
  draftId: number;
}

/** What a digest covers: after `from` (null: from the beginning) up to `to`. */
export interface DigestWindow {
  from: DigestMarks | null;
  to: DigestMarks;
}

export interface DigestClaim {
  coordinator: string;
  day: IsoDate;
  window: DigestWindow;
}

interface ClaimRow {
  day: string | Date;
  claimed_at: Date;
  timeline_id: number;
  message_id: number;
  draft_id: number;
}

const marksOf = (r: ClaimRow): DigestMarks => ({ at: new Date(r.claimed_at), timelineId: Number(r.timeline_id), messageId: Number(r.message_id), draftId: Number(r.draft_id) });

/** Messages and timeline events listed by number in a line: enough to find them, not a dump. */
const MAX_IDS = 10;
/** A stored code shown in a digest is a code, never text from a message. */
const CODE_RE = /^[a-z0-9][a-z0-9-]{0,39}$/;
const safeCode = (c: string | null | undefined): string => (c && CODE_RE.test(c) ? c : 'other');

/**
 * Claims `day`'s digest for `coordinator` (lower-cased), or returns null when it is claimed
 * already (by this process or another, now or before a restart). Call it inside the
 * transaction that stores the digest's notice (then `setDigestNotice`): the claim and the
 * notice commit together or not at all. A second transaction claiming the same row waits
 * for the first, then finds it (PostgreSQL's unique index; ON CONFLICT DO NOTHING).
 *
 * The window starts after this coordinator's previous digest; a coordinator with none yet
 * starts after the latest digest of any coordinator (a newcomer gets the same window as
 * the others), and the desk's first digest starts from the beginning.
 */
export async function claimDigest(tx: Db, coordinator: string, day: IsoDate): Promise<DigestClaim | null> {
  const who = coordinator.toLowerCase();
  const rows = await tx.query<ClaimRow>(
    `INSERT INTO digests (coordinator, day, timeline_id, message_id, draft_id)
     SELECT $1, $2::date,
            (SELECT coalesce(max(id), 0) FROM timeline),
            (SELECT coalesce(max(id), 0) FROM messages),
            (SELECT coalesce(max(id), 0) FROM drafts)
     ON CONFLICT (coordinator, day) DO NOTHING
     RETURNING day, claimed_at, timeline_id, message_id, draft_id`,
    [who, day],
  );
  const mine = rows[0];
  if (!mine) return null;
  const [prev] = await tx.query<ClaimRow>(
    `SELECT day, claimed_at, timeline_id, message_id, draft_id FROM digests
      WHERE day < $2::date AND (coordinator = $1 OR NOT EXISTS (SELECT 1 FROM digests d WHERE d.coordinator = $1 AND d.day < $2::date))
      ORDER BY (coordinator = $1) DESC, day DESC, claimed_at DESC
      LIMIT 1`,
    [who, day],
  );
  return { coordinator: who, day, window: { from: prev ? marksOf(prev) : null, to: marksOf(mine) } };
}

/** Records the notice stored with a claim (same transaction as the claim). */
export async function setDigestNotice(tx: Db, coordinator: string, day: IsoDate, noticeId: string): Promise<void> {
  await tx.query('UPDATE digests SET notice_id = $3 WHERE coordinator = $1 AND day = $2::date', [coordinator.toLowerCase(), day, noticeId]);
}

/** The last digest claimed for a coordinator (for `digest --print` and catching up), or null. */
export async function lastDigest(db: Db, coordinator: string): Promise<{ day: IsoDate; marks: DigestMarks; noticeId: string | null } | null> {
  const [r] = await db.query<ClaimRow & { d: string; notice_id: string | null }>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS d, day, claimed_at, timeline_id, message_id, draft_id, notice_id FROM digests
      WHERE coordinator = $1 ORDER BY day DESC LIMIT 1`,
    [coordinator.toLowerCase()],
  );
  return r ? { day: r.d, marks: marksOf(r), noticeId: r.notice_id } : null;
}

/**
 * The window a digest printed now would cover for `coordinator` without claiming anything
 * (`madoguchi digest --print`): after its last digest up to the current marks.
 */
export async function previewWindow(db: Db, coordinator: string): Promise<DigestWindow> {
  const [now] = await db.query<ClaimRow>(
    `SELECT now() AS claimed_at, (SELECT coalesce(max(id), 0) FROM timeline) AS timeline_id,
            (SELECT coalesce(max(id), 0) FROM messages) AS message_id, (SELECT coalesce(max(id), 0) FROM drafts) AS draft_id`,
  );
  const last = await lastDigest(db, coordinator);
  return { from: last ? last.marks : null, to: marksOf(now!) };
}

// ---- facts ------------------------------------------------------------------------------

const lo = (w: DigestWindow, k: 'timelineId' | 'messageId' | 'draftId'): number => (w.from ? w.from[k] : 0);

/** Cases created in the window (by the database's clock: cases have no serial id). */
export async function newCasesIn(db: Db, w: DigestWindow): Promise<NewCaseFact[]> {
  const rows = await db.query<{ id: string; kind: string; created_at: Date }>(
    `SELECT id, kind, created_at FROM cases
      WHERE ($1::timestamptz IS NULL OR created_at > $1) AND created_at <= $2
      ORDER BY created_at, id`,
    [w.from ? w.from.at : null, w.to.at],
  );
  return rows.map((r) => ({ caseId: r.id, kind: r.kind, createdAt: new Date(r.created_at) }));
}

/** Drafts opened in the window: their tag, the missing field names, and the case each became. */
export async function newDraftsIn(db: Db, w: DigestWindow): Promise<NewDraftFact[]> {
  const rows = await db.query<{ tag: string; created_at: Date; missing: unknown; case_id: string | null }>(
    'SELECT tag, created_at, missing, case_id FROM drafts WHERE id > $1 AND id <= $2 ORDER BY id',
    [lo(w, 'draftId'), w.to.draftId],
  );
  return rows.map((r) => ({
    tag: r.tag,
    createdAt: new Date(r.created_at),
    // Field names from the form (src/forms): kept only if they look like one.
    missing: Array.isArray(r.missing) ? r.missing.filter((m): m is string => typeof m === 'string' && CODE_RE.test(m)) : [],
    caseId: r.case_id,
  }));
}

/**
 * Refused and unauthenticated mail in the window: structural rejections stored in the
 * message's verdict (mail-protocol §5 `rejected.reason`), and the timeline's refusals of
 * signed mail given no authority and of replies (issue 9), counted by code.
 */
export async function refusedMailIn(db: Db, w: DigestWindow): Promise<RefusedMailFact[]> {
  const events = REFUSED_MAIL_SOURCES.filter((s) => s !== 'rejected');
  const rows = await db.query<{ source: string; code: string | null; n: number; ids: number[] | null }>(
    `SELECT 'rejected' AS source, verdict->'rejected'->>'reason' AS code, count(*) AS n,
            (array_agg(id ORDER BY id))[1:${MAX_IDS}] AS ids
       FROM messages
      WHERE id > $1 AND id <= $2 AND jsonb_typeof(verdict->'rejected') = 'object'
      GROUP BY 2
     UNION ALL
     SELECT event, data->>'reason', count(*),
            (array_agg((data->>'message')::bigint ORDER BY id) FILTER (WHERE data->>'message' ~ '^[0-9]{1,15}$'))[1:${MAX_IDS}]
       FROM timeline
      WHERE id > $3 AND id <= $4 AND event = ANY($5::text[])
      GROUP BY 1, 2`,
    [lo(w, 'messageId'), w.to.messageId, lo(w, 'timelineId'), w.to.timelineId, events],
  );
  // Codes that are not codes fold into `other`: merge their counts.
  const out = new Map<string, RefusedMailFact>();
  for (const r of rows) {
    const source = r.source as RefusedMailSource;
    const code = r.code === null ? 'unknown' : safeCode(r.code);
    const k = `${source}/${code}`;
    const f = out.get(k) ?? { source, code, count: 0, messageIds: [] };
    f.count += Number(r.n);
    f.messageIds = [...f.messageIds, ...(r.ids ?? []).map(Number)].sort((a, b) => a - b).slice(0, MAX_IDS);
    out.set(k, f);
  }
  return [...out.values()];
}

/** The job a failure event stands for when its data names none. */
const JOB_OF: Partial<Record<FailedJobEvent, string>> = { 'notice-failed': 'notify', 'file-failed': 'file' };

/** Jobs that failed for good in the window (src/desk/service.ts onFailed), by event, job and code. */
export async function failedJobsIn(db: Db, w: DigestWindow): Promise<FailedJobFact[]> {
  const rows = await db.query<{ event: string; job: string | null; code: string | null; n: number; cases: string[] | null; ids: number[] | null; last: Date }>(
    `SELECT event, data->>'job' AS job, data->>'code' AS code, count(*) AS n,
            array_agg(DISTINCT case_id) FILTER (WHERE case_id IS NOT NULL) AS cases,
            (array_agg((data->>'message')::bigint ORDER BY id) FILTER (WHERE data->>'message' ~ '^[0-9]{1,15}$'))[1:${MAX_IDS}] AS ids,
            max(at) AS last
       FROM timeline
      WHERE id > $1 AND id <= $2 AND event = ANY($3::text[])
      GROUP BY 1, 2, 3`,
    [lo(w, 'timelineId'), w.to.timelineId, [...FAILED_JOB_EVENTS]],
  );
  const out = new Map<string, FailedJobFact>();
  for (const r of rows) {
    const event = r.event as FailedJobEvent;
    const job = r.job !== null ? safeCode(r.job) : (JOB_OF[event] ?? null);
    const code = r.code === null ? 'job-failed' : safeCode(r.code);
    const k = `${event}/${job ?? ''}/${code}`;
    const prev = out.get(k);
    const last = new Date(r.last);
    out.set(k, {
      event,
      job,
      code,
      count: (prev?.count ?? 0) + Number(r.n),
      caseIds: [...new Set([...(prev?.caseIds ?? []), ...(r.cases ?? [])])].sort(),
      messageIds: [...(prev?.messageIds ?? []), ...(r.ids ?? []).map(Number)].sort((a, b) => a - b).slice(0, MAX_IDS),
      last: prev && prev.last > last ? prev.last : last,
    });
  }
  return [...out.values()];
}

/** The pinned keys of registered vendors (removed vendors are not written to: not listed). */
export async function vendorPinnedKeys(db: Db): Promise<{ vendorId: string; fingerprint: string; armored: string }[]> {
  const rows = await db.query<{ vendor_id: string; fingerprint: string; armored: string }>(
    `SELECT k.vendor_id, k.fingerprint, k.armored FROM vendor_keys k JOIN vendors v ON v.id = k.vendor_id
      WHERE v.removed_at IS NULL ORDER BY k.vendor_id, k.fingerprint`,
  );
  return rows.map((r) => ({ vendorId: r.vendor_id, fingerprint: r.fingerprint, armored: r.armored }));
}

/** Every fact of a window but the keys (whose expiry the OpenPGP adapter reads: keyExpiry). */
export async function digestFactsIn(db: Db, w: DigestWindow): Promise<Omit<DigestFacts, 'keys'>> {
  return { newCases: await newCasesIn(db, w), newDrafts: await newDraftsIn(db, w), refusedMail: await refusedMailIn(db, w), failedJobs: await failedJobsIn(db, w) };
}
