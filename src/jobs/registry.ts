// The desk's jobs in one place (issue 10; immich's JobName registry, BullMQ's deterministic
// job ids): each name, its payload, its priority and its id. The queue adapter
// (src/adapters/bullmq.ts) carries them; the desk (src/desk/service.ts) handles them, one
// handler per name (`Desk.handle` is an exhaustive switch over JobName).

/**
 * - open: read and verify one stored message (decrypt, signatures, form).
 * - triage: apply the rules to an opened message, in one transaction with its notices.
 * - notify: send one stored notice, its bytes as stored (a retry resends the same Message-ID).
 * - file: move the source message (IMAP: Processed or Failed).
 * - tick: step every case's clock (reminders, publication...). Scheduled once per
 *   deployment by a BullMQ job scheduler, not by a timer in each desk process.
 */
export const JOB_NAMES = ['open', 'triage', 'notify', 'file', 'tick'] as const;
export type JobName = (typeof JOB_NAMES)[number];

export interface JobData {
  messageId?: number;
  noticeId?: string;
}

/**
 * Later stages first (BullMQ: a lower number runs sooner): a report already started is
 * finished before new ones are opened, so a burst of mail does not hold every
 * acknowledgement back until the last report has been read. The clock's tick goes last.
 */
export const PRIORITY: Record<JobName, number> = { notify: 1, file: 2, triage: 3, open: 4, tick: 5 };

/** The one job scheduler id of the periodic tick (one per deployment: it lives in Redis). */
export const TICK_SCHEDULER = 'desk-tick';

/** BullMQ job ids may not contain ':' or be integers (pitfalls.md): Message-IDs become safe keys. */
export function jobKey(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, '_');
}

/** The deterministic id of each job: the same work enqueued twice is one job. */
export const jobId = {
  open: (messageId: number): string => `open-${messageId}`,
  triage: (messageId: number): string => `triage-${messageId}`,
  notify: (noticeId: string): string => `notify-${jobKey(noticeId)}`,
  file: (messageId: number): string => `file-${messageId}`,
};
