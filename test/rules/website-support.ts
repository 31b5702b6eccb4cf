// A small simulator for the website rules (after product-support.ts): a snapshot, a movable
// clock, and a step that runs the rules and applies their decisions the way the caller
// would, checking after every step what must always hold.
import { movableClock, type MovableClock } from '../../src/domain/clock.ts';
import { deriveCaseView, isFinalCaseState } from '../../src/rules/case-view.ts';
import {
  applyWebsiteDecisions,
  decideWebsite,
  DEFAULT_WEBSITE_SETTINGS,
  newWebsiteCase,
  websiteCaseState,
  type OperatorCandidate,
  type OperatorRef,
  type WebsiteCase,
  type WebsiteDecision,
  type WebsiteEvent,
  type WebsiteSettings,
} from '../../src/rules/website.ts';
import type { Consent } from '../../src/rules/product.ts';

export const FPR = 'A'.repeat(40);
export const SHOP: OperatorRef = { id: 'shop', name: 'Example Shop K.K.', source: 'registry', keyFingerprint: FPR };
export const SHOP_NO_KEY: OperatorRef = { ...SHOP, keyFingerprint: null };
export const FOUND: OperatorCandidate = { operatorId: null, name: null, contact: 'security@shop.example.jp', keyFingerprint: 'B'.repeat(40), source: 'security.txt' };

// 01:00 UTC is 10:00 JST.
export const T0 = '2026-01-05T01:00:00Z';

export function newSite(consent: Partial<Consent> = {}, rm: WebsiteCase['rm'] = 'received'): WebsiteCase {
  return newWebsiteCase({ id: 'VR-2026-0100', reporter: { name: '山田 太郎', consent: { shareIdentity: false, directContact: false, credit: false, ...consent } }, rm });
}

export type WD<T extends WebsiteDecision['type']> = Extract<WebsiteDecision, { type: T }>;

export function ofType<T extends WebsiteDecision['type']>(ds: readonly WebsiteDecision[], type: T): WD<T>[] {
  return ds.filter((d): d is WD<T> => d.type === type);
}

/** `operator:operator-notify`, `reporter:reporter-site-fixed`, `coord:coord-fix-target`, `set-state:rm:accepted`, `record:accepted`... */
export function kinds(ds: readonly WebsiteDecision[]): string[] {
  return ds.map((d) => {
    switch (d.type) {
      case 'notify-operator':
        return `operator:${d.notice.kind}`;
      case 'notify-reporter':
        return `reporter:${d.notice.kind}`;
      case 'notify-coordinators':
        return `coord:${d.notice.kind}`;
      case 'set-state':
        return `set-state:${d.machine}:${d.to}`;
      case 'record':
        return `record:${d.event}`;
      default:
        return d.type;
    }
  });
}

/** Only the notices, in order. */
export const notices = (ds: readonly WebsiteDecision[]): string[] => kinds(ds).filter((k) => /^(operator|reporter|coord):/.test(k));

export class SiteSim {
  c: WebsiteCase;
  readonly clock: MovableClock;
  readonly history: { at: Date; event: WebsiteEvent; decisions: WebsiteDecision[] }[] = [];

  constructor(
    c: WebsiteCase,
    start: string = T0,
    readonly settings: WebsiteSettings = DEFAULT_WEBSITE_SETTINGS,
  ) {
    this.c = c;
    this.clock = movableClock(start);
  }

  step(event: WebsiteEvent): WebsiteDecision[] {
    const at = this.clock.now();
    const before = this.c;
    const decisions = decideWebsite(before, event, at, this.settings);
    this.c = applyWebsiteDecisions(before, decisions);
    this.history.push({ at, event, decisions });
    check(before, this.c, event, decisions, at, this.settings);
    return decisions;
  }

  tick(): WebsiteDecision[] {
    return this.step({ type: 'tick' });
  }

  /** The scheduler: one tick a day at the same time of day; the days on which something was decided. */
  runDays(days: number): { day: number; decisions: WebsiteDecision[] }[] {
    const out: { day: number; decisions: WebsiteDecision[] }[] = [];
    for (let day = 1; day <= days; day++) {
      this.clock.advance(1);
      const decisions = this.tick();
      if (decisions.length > 0) out.push({ day, decisions });
    }
    return out;
  }

  all(): WebsiteDecision[] {
    return this.history.flatMap((h) => h.decisions);
  }
}

/**
 * After every step: a final state is never left and a tick decides nothing in it; a tick
 * repeated at the same instant on the new snapshot decides nothing; the view derives and
 * only a final case waits for nobody.
 */
function check(before: WebsiteCase, after: WebsiteCase, event: WebsiteEvent, decisions: readonly WebsiteDecision[], at: Date, s: WebsiteSettings): void {
  const was = websiteCaseState(before);
  const now = websiteCaseState(after);
  if (isFinalCaseState(was) && now !== was) throw new Error(`case state left final ${was} for ${now} on ${event.type}`);
  if (isFinalCaseState(was) && event.type === 'tick' && decisions.length > 0) throw new Error(`a tick decided something in final state ${was}`);
  if (event.type === 'tick') {
    const again = decideWebsite(after, event, at, s);
    if (again.length > 0) throw new Error(`a repeated tick decided ${JSON.stringify(again)}`);
  }
  const v = deriveCaseView({ id: after.id, kind: 'website', storedState: '', snapshot: after, lastActivity: null, now: at });
  if (v.state !== now) throw new Error('case view disagrees with the snapshot');
  if ((v.waitingFor.length === 0) !== isFinalCaseState(now)) throw new Error(`case ${now} waits for ${v.waitingFor.length} parties`);
}
