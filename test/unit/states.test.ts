import { describe, expect, it } from 'vitest';
import { canTransition, RM_EVENTS, RM_STATES, RM_TABLE, transition, TransitionError, type RmEvent, type RmState } from '../../src/domain/states.ts';

// The expected table written out independently of the source: every state × event.
const EXPECTED: Record<RmState, Record<RmEvent, RmState | null>> = {
  received: { validate: 'valid', invalidate: 'invalid', accept: null, defer: null, close: 'closed', reopen: null },
  invalid: { validate: null, invalidate: null, accept: null, defer: null, close: 'closed', reopen: 'received' },
  valid: { validate: null, invalidate: 'invalid', accept: 'accepted', defer: 'deferred', close: 'closed', reopen: null },
  accepted: { validate: null, invalidate: null, accept: null, defer: 'deferred', close: 'closed', reopen: null },
  deferred: { validate: null, invalidate: null, accept: 'accepted', defer: null, close: 'closed', reopen: null },
  closed: { validate: null, invalidate: null, accept: null, defer: null, close: null, reopen: 'received' },
};

describe('report management state table', () => {
  for (const s of RM_STATES) {
    for (const e of RM_EVENTS) {
      const want = EXPECTED[s][e];
      it(`${s} × ${e} → ${want ?? 'not allowed'}`, () => {
        expect(canTransition(s, e)).toBe(want !== null);
        if (want) expect(transition(s, e)).toBe(want);
        else expect(() => transition(s, e)).toThrow(TransitionError);
      });
    }
  }
  it('has no states outside the enum', () => {
    for (const targets of Object.values(RM_TABLE)) for (const t of Object.values(targets)) expect(RM_STATES).toContain(t);
  });
});
