// The website track's operator machines (guideline §4), in the style of vultron.ts: states
// and events are const arrays, transitions are a data table, and `transition*` is the only
// way a state changes. An event the table does not allow throws an OperatorTransitionError
// (a TransitionError, so the rules' one catch covers it).
//
//  - OPERATOR_ID: who the site's operator is. The desk's lookups (operators registry,
//    security.txt, WKD) only propose; a coordinator confirms (issue 11: nothing fetched from
//    the web is trusted on its own).
//  - OPERATOR_CONTACT: the desk's contact with the confirmed operator, from the first
//    contact attempt (起算日) to the operator's fix report.
import { TransitionError } from './states.ts';

export type OperatorMachine = 'operator-id' | 'operator-contact';

export class OperatorTransitionError extends TransitionError {
  constructor(
    readonly machine: OperatorMachine,
    readonly state: string,
    readonly event: string,
  ) {
    super(`event "${event}" is not allowed in ${machine === 'operator-id' ? 'operator identification' : 'operator contact'} state "${state}"`);
    this.name = 'OperatorTransitionError';
  }
}

type Table<S extends string, E extends string> = Readonly<Record<S, Readonly<Partial<Record<E, S>>>>>;

function step<S extends string, E extends string>(machine: OperatorMachine, table: Table<S, E>, state: S, event: E): S {
  const next = table[state]?.[event];
  if (next === undefined) throw new OperatorTransitionError(machine, state, event);
  return next;
}

// ---- OPERATOR_ID: identification ---------------------------------------------------------

export const OPERATOR_ID_STATES = ['unidentified', 'proposed', 'confirmed'] as const;
export type OperatorIdState = (typeof OPERATOR_ID_STATES)[number];

export const OPERATOR_ID_EVENTS = ['propose', 'confirm'] as const;
export type OperatorIdEvent = (typeof OPERATOR_ID_EVENTS)[number];

/**
 * guideline §4 item 2 (the operator, not its contractor, is notified directly); issue 11: a
 * lookup proposes, a coordinator confirms, and may confirm one without any proposal (from
 * its own knowledge). A later lookup does not unseat a confirmed operator (no `propose`
 * from `confirmed`); a coordinator may confirm another one (the rules allow it only before
 * the first contact).
 */
export const OPERATOR_ID_TABLE: Table<OperatorIdState, OperatorIdEvent> = {
  unidentified: { propose: 'proposed', confirm: 'confirmed' },
  proposed: { propose: 'proposed', confirm: 'confirmed' },
  confirmed: { confirm: 'confirmed' },
};

export function transitionOperatorId(state: OperatorIdState, event: OperatorIdEvent): OperatorIdState {
  return step('operator-id', OPERATOR_ID_TABLE, state, event);
}

export function canTransitionOperatorId(state: OperatorIdState, event: OperatorIdEvent): boolean {
  return OPERATOR_ID_TABLE[state][event] !== undefined;
}

// ---- OPERATOR_CONTACT: the desk and the operator -----------------------------------------

export const OPERATOR_CONTACT_STATES = ['uncontacted', 'awaiting-key', 'notified', 'answered', 'fixed'] as const;
export type OperatorContactState = (typeof OPERATOR_CONTACT_STATES)[number];

export const OPERATOR_CONTACT_EVENTS = ['first-contact', 'notify', 'answer', 'report-fixed'] as const;
export type OperatorContactEvent = (typeof OPERATOR_CONTACT_EVENTS)[number];

/**
 * guideline §4 items 2-4; issue 11.
 * - `first-contact`: no key is pinned for the operator, so it gets a content-free first
 *   contact asking for one (fail closed: no detail in clear); `awaiting-key` until a key
 *   is pinned and the details go (`notify`). It may be repeated (re-sent).
 * - `notify`: the details, encrypted to the operator's pinned key; again to an operator
 *   still silent (re-sent).
 * - `answer`: a signed reply (mail-protocol §4). An operator without the details cannot
 *   answer about them: not from `uncontacted` or `awaiting-key`.
 * - `report-fixed`: the operator reports the fix (reply status `fixed`); final.
 * Reminder counts live beside the state (the snapshot's `reminders`), as in vultron.ts.
 */
export const OPERATOR_CONTACT_TABLE: Table<OperatorContactState, OperatorContactEvent> = {
  uncontacted: { 'first-contact': 'awaiting-key', notify: 'notified' },
  'awaiting-key': { 'first-contact': 'awaiting-key', notify: 'notified' },
  notified: { notify: 'notified', answer: 'answered', 'report-fixed': 'fixed' },
  answered: { answer: 'answered', 'report-fixed': 'fixed' },
  fixed: {},
};

export function transitionOperatorContact(state: OperatorContactState, event: OperatorContactEvent): OperatorContactState {
  return step('operator-contact', OPERATOR_CONTACT_TABLE, state, event);
}

export function canTransitionOperatorContact(state: OperatorContactState, event: OperatorContactEvent): boolean {
  return OPERATOR_CONTACT_TABLE[state][event] !== undefined;
}

/** Contact states in which the operator holds the case's details (encrypted to its key). */
export const OPERATOR_HAS_DETAILS = ['notified', 'answered', 'fixed'] as const satisfies readonly OperatorContactState[];

export function operatorHasDetails(s: OperatorContactState): boolean {
  return (OPERATOR_HAS_DETAILS as readonly string[]).includes(s);
}
