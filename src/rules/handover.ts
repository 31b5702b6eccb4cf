// May a case be handed over to a partner CSIRT now, and may a partner's answer about a case
// handed over to it still change anything? (issue 12 "Outbound"; guideline §5; docs/decisions.md
// "Hand-over: only an accepted, open case".) Not a product-track event: X-HANDOVER leaves the
// case's own state as it is (src/desk/handover.ts applies it), so these are the whole rule,
// tested over every report state × published (test/rules/handover.test.ts).
//
// - guideline §3.2 → §3.4: a report is screened and accepted (受理) before it is coordinated,
//   and handing the report to a partner is coordination (the partner passes it to a vendor);
//   so a report in `received`, `valid` or `deferred` is not handed over (`not-accepted`).
// - guideline §3.3: a stopped case (invalid, closed) is over; §3.8: a published case is
//   public: neither is handed over (`case-closed`), and a partner's answer about it changes
//   nothing (the partner is told: src/usecases/handover-answer.ts).
import type { RmState } from '../domain/states.ts';

/** The facts of the case the rule reads (src/rules/product.ts ProductCase has them). */
export interface HandoverCaseFacts {
  rm: RmState;
  publishedAt: Date | null;
}

export type HandoverRefusal = { code: 'case-closed'; why: 'stopped' | 'published' } | { code: 'not-accepted'; state: RmState };

/** Why the case is over for a partner (stopped or published), or null while it is open. */
export function handoverClosed(s: HandoverCaseFacts): Extract<HandoverRefusal, { code: 'case-closed' }> | null {
  if (s.rm === 'invalid' || s.rm === 'closed') return { code: 'case-closed', why: 'stopped' };
  if (s.publishedAt !== null) return { code: 'case-closed', why: 'published' };
  return null;
}

/** Why X-HANDOVER is refused for the case in its state, or null: it may be handed over. */
export function handoverRefusal(s: HandoverCaseFacts): HandoverRefusal | null {
  const closed = handoverClosed(s);
  if (closed !== null) return closed;
  if (s.rm !== 'accepted') return { code: 'not-accepted', state: s.rm };
  return null;
}
