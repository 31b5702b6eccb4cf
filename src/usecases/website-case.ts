// The website track's operator lookup after acceptance, as the use cases run it (issue 11;
// guideline §4): the steps are src/desk/website-case.ts; this queues what they stored.
import { proposeOperatorNotices } from '../desk/website-case.ts';
import type { DeskContext } from './context.ts';
import { enqueueNoticeIds } from './outbox.ts';

/**
 * Proposes the site's operator (registry, security.txt, WKD) to the coordinators. Notices
 * tied to a message are queued with its other notices (enqueueNotices); the others now.
 * Returns how many were stored.
 */
export async function proposeOperator(ctx: DeskContext, caseId: string, messageRef: number | null): Promise<number> {
  const ids = await proposeOperatorNotices(ctx, caseId, messageRef);
  if (messageRef === null) await enqueueNoticeIds(ctx, ids);
  return ids.length;
}
