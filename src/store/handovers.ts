// Cases handed over to a partner CSIRT (issue 12 "Outbound"; migration 022). The row is
// written in the transaction of the X-HANDOVER that sends the report (src/desk/handover.ts);
// its primary key (case, partner) is the lock: a second handover to the same partner
// inserts nothing and is refused.
import type { Db } from './db.ts';

export interface Handover {
  caseId: string;
  partnerId: string;
  noticeId: string;
  handedBy: string;
  handedAt: Date;
}

interface Row {
  case_id: string;
  partner_id: string;
  notice_id: string;
  handed_by: string;
  handed_at: Date;
}

const toHandover = (r: Row): Handover => ({ caseId: r.case_id, partnerId: r.partner_id, noticeId: r.notice_id, handedBy: r.handed_by, handedAt: r.handed_at });

/** Records the handover; false when the case was already handed to that partner (nothing written). */
export async function insertHandover(db: Db, h: { caseId: string; partnerId: string; noticeId: string; handedBy: string; at: Date }): Promise<boolean> {
  const rows = await db.query<{ case_id: string }>(
    `INSERT INTO case_handovers (case_id, partner_id, notice_id, handed_by, handed_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (case_id, partner_id) DO NOTHING RETURNING case_id`,
    [h.caseId, h.partnerId, h.noticeId, h.handedBy, h.at],
  );
  return rows.length === 1;
}

/** The handover of `caseId` to `partnerId`, or null. */
export async function getHandover(db: Db, caseId: string, partnerId: string): Promise<Handover | null> {
  const [row] = await db.query<Row>('SELECT * FROM case_handovers WHERE case_id = $1 AND partner_id = $2', [caseId, partnerId]);
  return row ? toHandover(row) : null;
}

/** Every handover of a case, oldest first (`cases show`). */
export async function handoversOfCase(db: Db, caseId: string): Promise<Handover[]> {
  const rows = await db.query<Row>('SELECT * FROM case_handovers WHERE case_id = $1 ORDER BY handed_at, partner_id', [caseId]);
  return rows.map(toHandover);
}
