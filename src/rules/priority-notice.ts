// May the desk send a priority notice now? (guideline §3 item 12: "In grave cases affecting
// critical infrastructure, once a fix exists and before publication, the desk may give the
// fix information to government and critical infrastructure operators, after consulting
// the vendor; the reporter is told first" — 資料1 2.(6); 資料2 3(1)9.)
//
// The gravity of the case is the coordinator's judgment (the command is that judgment);
// this rule checks the four conditions the guideline makes hard, plus that there is anyone
// to send to. Pure: the caller gathers the facts from the case and passes `now`.

export const PRIORITY_REFUSAL_CODES = [
  'no-contacts',
  'already-published',
  'no-fix',
  'no-vendor-consent',
  'reporter-not-told',
] as const;
export type PriorityRefusalCode = (typeof PRIORITY_REFUSAL_CODES)[number];

export interface PriorityVendorFacts {
  vendorId: string;
  /** A fix exists (the vendor's status is fixed, or it gave fixed versions). */
  fixed: boolean;
  /** When the vendor's consent to a priority notice was recorded on the case; null: none. */
  consentAt: Date | null;
}

export interface PriorityCaseFacts {
  now: Date;
  /** The case's publication: null when not set; a time not after `now` means published. */
  publishedAt: Date | null;
  /** The case's state says published or closed (e.g. closed unpublished: nothing to warn). */
  closed: boolean;
  vendors: readonly PriorityVendorFacts[];
  /** When the reporter was told of the priority notice to come; null: not told. */
  reporterToldAt: Date | null;
  /** Configured priority-notice contacts with a usable key. */
  contacts: number;
}

export type PriorityDecision =
  | { ok: true; vendors: string[] }
  | { ok: false; code: PriorityRefusalCode; reason: string; all: PriorityRefusalCode[] };

/**
 * The decision, with the first refusal (in PRIORITY_REFUSAL_CODES order) and every
 * refusal that applies, so the coordinator learns everything missing at once. On success,
 * `vendors` lists the fixed vendors whose fix information the notice may carry.
 *
 * Several vendors: only fixed vendors' information is sent, and EVERY fixed vendor must have
 * consented — the notice is one text, and leaving a fixed vendor out silently would be a
 * surprise to the coordinator; a vendor without a fix is neither required nor included.
 */
export function mayPriorityNotice(f: PriorityCaseFacts): PriorityDecision {
  const refusals: { code: PriorityRefusalCode; reason: string }[] = [];
  const now = f.now.getTime();
  if (!Number.isFinite(now)) {
    // A broken clock decides nothing (fail closed).
    return { ok: false, code: 'already-published', reason: 'the current time is not known', all: ['already-published'] };
  }
  if (f.contacts < 1) refusals.push({ code: 'no-contacts', reason: 'no priority-notice contact with a usable key is configured (priorityNotice.contacts)' });
  if (f.closed || (f.publishedAt !== null && f.publishedAt.getTime() <= now)) {
    refusals.push({ code: 'already-published', reason: 'the case is published or closed: a priority notice is only for before publication' });
  }
  const fixed = f.vendors.filter((v) => v.fixed);
  if (fixed.length === 0) refusals.push({ code: 'no-fix', reason: 'no vendor has a fix yet: a priority notice carries fix information' });
  const noConsent = fixed.filter((v) => v.consentAt === null || v.consentAt.getTime() > now).map((v) => v.vendorId);
  if (noConsent.length > 0) {
    refusals.push({ code: 'no-vendor-consent', reason: `no consent recorded for: ${noConsent.join(', ')} (consult the vendor first)` });
  }
  if (f.reporterToldAt === null || f.reporterToldAt.getTime() > now) {
    refusals.push({ code: 'reporter-not-told', reason: 'the reporter has not been told yet: the reporter is told first' });
  }
  const first = refusals[0];
  if (first) return { ok: false, code: first.code, reason: first.reason, all: refusals.map((r) => r.code) };
  return { ok: true, vendors: fixed.map((v) => v.vendorId) };
}
