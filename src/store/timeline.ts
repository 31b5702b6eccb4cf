// Reads of the timeline beyond repo.ts (appendTimeline, listTimeline).
import type { Db } from './db.ts';

/** Whether the case's timeline already has `event` about `vendorId` (say a thing once per case and vendor). */
export async function hasVendorEvent(db: Db, caseId: string, event: string, vendorId: string): Promise<boolean> {
  const [seen] = await db.query<{ id: number }>(`SELECT id FROM timeline WHERE case_id = $1 AND event = $2 AND data->>'vendor' = $3 LIMIT 1`, [caseId, event, vendorId]);
  return seen !== undefined;
}
