// Persistence of the website track (guideline §4; issue 11), after coordination.ts: the
// WebsiteCase snapshot of a case is read, stepped by the pure rules (src/rules/website.ts)
// and written back in one transaction with the case row locked; every decision lands on the
// timeline (coordinators only). The notices the decisions ask for are for the caller.
import { DEFAULT_WEBSITE_SETTINGS, stepWebsite, type WebsiteCase, type WebsiteDecision, type WebsiteEvent, type WebsiteSettings } from '../rules/website.ts';
import type { Settings } from '../rules/product-state.ts';
import { isWebsiteCase } from '../rules/snapshot-json.ts';
import type { Db } from '../store/db.ts';
import { loadAnySnapshot, trackStepper, type TrackStep } from './coordination.ts';

/** The website snapshot; null when the case has none or is a product case. */
export async function loadWebsiteSnapshot(db: Db, caseId: string, opts: { lock?: boolean } = {}): Promise<WebsiteCase | null> {
  const c = await loadAnySnapshot(db, caseId, opts);
  return c !== null && isWebsiteCase(c) ? c : null;
}

/**
 * guideline §8 has one row of reminder periods for vendors and operators: the desk's
 * configured product periods serve the website track too; the fix target and the silence
 * threshold are the website track's own defaults unless the settings carry them.
 */
export function websiteSettingsOf(s: Settings & Partial<WebsiteSettings>): WebsiteSettings {
  return {
    reminderAfterDays: s.reminderAfterDays,
    reminderEveryDays: s.reminderEveryDays,
    websiteFixDays: s.websiteFixDays ?? DEFAULT_WEBSITE_SETTINGS.websiteFixDays,
    operatorSilentAfterReminders: s.operatorSilentAfterReminders ?? DEFAULT_WEBSITE_SETTINGS.operatorSilentAfterReminders,
  };
}

/** Timeline entry for a decision. A relayed text stays out of the timeline (its length is recorded by the rules). */
function timelineOf(d: WebsiteDecision): { event: string; data: unknown } {
  switch (d.type) {
    case 'record':
      return { event: d.event, data: { detail: d.detail } };
    case 'error':
      return { event: 'command-refused', data: { message: d.message } };
    case 'set-state':
      return { event: `state:${d.machine}:${d.to}`, data: {} };
    case 'notify-operator':
    case 'notify-reporter':
      return { event: d.type, data: { kind: d.notice.kind } };
    case 'notify-coordinators':
      return { event: d.type, data: { kind: d.notice.kind, detail: d.notice.detail } };
    default:
      return { event: d.type, data: d };
  }
}

/**
 * Steps the case's website track by one event at `now`, in one transaction (the product
 * track's step, coordination.ts trackStepper). Returns the decisions and the snapshot
 * after, or null when the case has no website-track state.
 */
export const applyWebsiteEvent: TrackStep<WebsiteCase, WebsiteEvent, WebsiteDecision, WebsiteSettings> = trackStepper({ load: loadWebsiteSnapshot, step: stepWebsite, timelineOf }, DEFAULT_WEBSITE_SETTINGS);
