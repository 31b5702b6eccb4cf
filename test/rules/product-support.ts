// A small simulator for the product rules: a snapshot, a movable clock, and a step that
// runs the rules and applies their decisions the way the caller would.
import { movableClock, type MovableClock } from '../../src/domain/clock.ts';
import { caseState, deriveCaseView, isFinalCaseState } from '../../src/rules/case-view.ts';
import {
  DEFAULT_SETTINGS,
  decideProduct,
  applyDecisions,
  newProductCase,
  type Consent,
  type ProductCase,
  type ProductDecision,
  type ProductEvent,
  type Settings,
  type VendorRef,
} from '../../src/rules/product.ts';

export const ACME: VendorRef = { id: 'acme', name: 'Acme Corp', product: 'Acme Router 1.0' };
export const BETA: VendorRef = { id: 'beta', name: 'Beta Soft', product: 'Beta CMS 2.3' };

export function newCase(consent: Partial<Consent> = {}, vendors: VendorRef[] = []): ProductCase {
  return newProductCase({
    id: 'VR-2026-0001',
    reporter: { name: '山田 太郎', consent: { shareIdentity: false, directContact: false, credit: false, ...consent } },
    vendors,
  });
}

export type D<T extends ProductDecision['type']> = Extract<ProductDecision, { type: T }>;

export function ofType<T extends ProductDecision['type']>(ds: readonly ProductDecision[], type: T): D<T>[] {
  return ds.filter((d): d is D<T> => d.type === type);
}

/** `notify-vendor:acme:notify`, `remind-vendor:acme:1`, `set-state:em:active`... */
export function kinds(ds: readonly ProductDecision[]): string[] {
  return ds.map((d) => {
    switch (d.type) {
      case 'notify-vendor':
        return `notify-vendor:${d.vendorId}:${d.template}`;
      case 'remind-vendor':
        return `remind-vendor:${d.vendorId}:${d.n}`;
      case 'notify-reporter':
        return `notify-reporter:${d.template}`;
      case 'notify-coordinators':
        return `notify-coordinators:${d.template}`;
      case 'set-state':
        return 'vendorId' in d ? `set-state:${d.machine}:${d.vendorId}:${d.to}` : `set-state:${d.machine}:${d.to}`;
      case 'publish-unreachable-list':
        return `publish-unreachable-list:${d.change}:${d.vendorId}`;
      case 'record':
        return `record:${d.event}`;
      default:
        return d.type;
    }
  });
}

export class Sim {
  c: ProductCase;
  readonly clock: MovableClock;
  /** Every decision so far, with the instant it was taken. */
  readonly history: { at: Date; before: ProductCase; event: ProductEvent; decisions: ProductDecision[] }[] = [];

  constructor(
    c: ProductCase,
    start: string,
    readonly settings: Settings = DEFAULT_SETTINGS,
  ) {
    this.c = c;
    this.clock = movableClock(start);
  }

  step(event: ProductEvent): ProductDecision[] {
    const at = this.clock.now();
    const before = this.c;
    const decisions = decideProduct(before, event, at, this.settings);
    this.c = applyDecisions(before, decisions);
    this.history.push({ at, before, event, decisions });
    checkCaseView(before, this.c, event, decisions, at);
    return decisions;
  }

  tick(): ProductDecision[] {
    return this.step({ type: 'tick' });
  }

  /** The scheduler: one tick a day, at the same time of day, for `days` days. */
  runDays(days: number): { day: number; decisions: ProductDecision[] }[] {
    const out: { day: number; decisions: ProductDecision[] }[] = [];
    for (let day = 1; day <= days; day++) {
      this.clock.advance(1);
      const decisions = this.tick();
      if (decisions.length > 0) out.push({ day, decisions });
    }
    return out;
  }

  vendor(id: string): ProductCase['vendors'][number] {
    const v = this.c.vendors.find((x) => x.id === id);
    if (!v) throw new Error(`no vendor ${id}`);
    return v;
  }

  all(): ProductDecision[] {
    return this.history.flatMap((h) => h.decisions);
  }
}

/**
 * What every step of every product scenario must keep (issue 10, src/rules/case-view.ts):
 * a final case state is never left and a tick decides nothing in it (so tickAll may skip
 * it), the view derives without error, and only a final case waits for nobody.
 */
function checkCaseView(before: ProductCase, after: ProductCase, event: ProductEvent, decisions: readonly ProductDecision[], at: Date): void {
  const was = caseState(before);
  const now = caseState(after);
  if (isFinalCaseState(was) && now !== was) throw new Error(`case state left final ${was} for ${now} on ${event.type}`);
  if (isFinalCaseState(was) && event.type === 'tick' && decisions.length > 0) throw new Error(`a tick decided something in final state ${was}`);
  const v = deriveCaseView({ id: after.id, kind: 'product', storedState: '', snapshot: after, lastActivity: null, now: at });
  if (v.state !== now || v.vendors.length !== after.vendors.length) throw new Error('case view disagrees with the snapshot');
  if ((v.waitingFor.length === 0) !== isFinalCaseState(now)) throw new Error(`case ${now} waits for ${v.waitingFor.length} parties`);
}
