// Case state tables (CERT/CC Vultron model: report management "RM"). Transitions are
// data; `transition` is the only way a state changes, and an event that the table does
// not allow is an error the caller must handle (never a silent no-op).

export const RM_STATES = ['received', 'invalid', 'valid', 'accepted', 'deferred', 'closed'] as const;
export type RmState = (typeof RM_STATES)[number];

export const RM_EVENTS = ['validate', 'invalidate', 'accept', 'defer', 'close', 'reopen'] as const;
export type RmEvent = (typeof RM_EVENTS)[number];

/**
 * guideline §3 items 1-3: a complete report is validated and accepted (受理, "accept
 * unless impossible"); the coordinator may stop handling (invalid: not a vulnerability,
 * duplicate, not reproducible, obtained illegally) or close it later.
 */
export const RM_TABLE: Readonly<Record<RmState, Partial<Record<RmEvent, RmState>>>> = {
  received: { validate: 'valid', invalidate: 'invalid', close: 'closed' },
  invalid: { reopen: 'received', close: 'closed' },
  valid: { accept: 'accepted', defer: 'deferred', invalidate: 'invalid', close: 'closed' },
  accepted: { defer: 'deferred', close: 'closed' },
  deferred: { accept: 'accepted', close: 'closed' },
  closed: { reopen: 'received' },
};

export class TransitionError extends Error {}

export function transition(state: RmState, event: RmEvent): RmState {
  const next = RM_TABLE[state][event];
  if (!next) throw new TransitionError(`event "${event}" is not allowed in report state "${state}"`);
  return next;
}

export function canTransition(state: RmState, event: RmEvent): boolean {
  return RM_TABLE[state][event] !== undefined;
}
