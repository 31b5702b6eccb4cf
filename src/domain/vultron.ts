// Coordination state tables after the CERT/CC Vultron CVD model, in the style of states.ts
// (report management "RM"): states and events are const arrays, transitions are a data
// table, and `transition*` is the only way a state changes. An event the table does not
// allow throws a VultronTransitionError (a TransitionError, so one catch covers RM too).
//
//  - EM: embargo management, the case's publication schedule (Vultron EM DFA:
//    N→p→P, P→p→P, P→r→N, P→a→A, A→p→R, A→t→X, R→p→R, R→a→A, R→r→A, R→t→X).
//  - FIX: each vendor's path through Vultron's case states V, F, D (vendor aware, fix
//    ready, fix deployed), with the desk's two extra outcomes `unreachable` and
//    `not-affected`.
//  - PXA: the case-level Vultron flags P (public aware), X (exploit public), A (attacks
//    observed): once true, they stay true.
//  - COORDINATION: the guideline's per-vendor contact status (reminders, 連絡不能).
//  - IMPOSSIBLE: the 調整不能 procedure (publication judgment committee).
import { TransitionError } from './states.ts';

export type Machine = 'em' | 'fix' | 'pxa' | 'coordination' | 'impossible';

export class VultronTransitionError extends TransitionError {
  constructor(
    readonly machine: Machine,
    readonly state: string,
    readonly event: string,
  ) {
    super(`event "${event}" is not allowed in ${MACHINE_NAMES[machine]} state "${state}"`);
    this.name = 'VultronTransitionError';
  }
}

const MACHINE_NAMES: Record<Machine, string> = {
  em: 'embargo',
  fix: 'vendor fix',
  pxa: 'public/exploit/attack',
  coordination: 'vendor coordination',
  impossible: 'coordination-impossible procedure',
};

type Table<S extends string, E extends string> = Readonly<Record<S, Readonly<Partial<Record<E, S>>>>>;

function step<S extends string, E extends string>(machine: Machine, table: Table<S, E>, state: S, event: E): S {
  const next = table[state]?.[event];
  if (next === undefined) throw new VultronTransitionError(machine, state, event);
  return next;
}

// ---- EM: embargo management -------------------------------------------------------------

export const EM_STATES = ['none', 'proposed', 'active', 'revise', 'exited'] as const;
export type EmState = (typeof EM_STATES)[number];

export const EM_EVENTS = ['propose', 'accept', 'reject', 'revise-propose', 'revise-accept', 'revise-reject', 'terminate'] as const;
export type EmEvent = (typeof EM_EVENTS)[number];

/**
 * The publication date is the embargo (guideline §3.5: target 45 days after 起算日,
 * negotiable either way; one common date for all vendors, 001). The desk proposes the
 * target when it first contacts a vendor; a vendor's date is a (counter-)proposal; the
 * coordinator's date is the agreement. A revision leaves the agreed date in force until it
 * is accepted (Vultron: "revisions do not interrupt active embargoes"). Exited is final:
 * the case was published, stopped, or became public.
 */
export const EM_TABLE: Table<EmState, EmEvent> = {
  none: { propose: 'proposed' },
  proposed: { propose: 'proposed', accept: 'active', reject: 'none' },
  active: { 'revise-propose': 'revise', terminate: 'exited' },
  revise: { 'revise-propose': 'revise', 'revise-accept': 'active', 'revise-reject': 'active', terminate: 'exited' },
  exited: {},
};

export function transitionEm(state: EmState, event: EmEvent): EmState {
  return step('em', EM_TABLE, state, event);
}

export function canTransitionEm(state: EmState, event: EmEvent): boolean {
  return EM_TABLE[state][event] !== undefined;
}

// ---- FIX: one vendor's fix path ---------------------------------------------------------

export const FIX_STATES = ['vendor-unaware', 'unreachable', 'vendor-aware', 'fix-ready', 'fix-deployed', 'not-affected'] as const;
export type FixState = (typeof FIX_STATES)[number];

export const FIX_EVENTS = ['notify', 'unreachable', 'acknowledge', 'fix-ready', 'fix-deployed', 'not-affected'] as const;
export type FixEvent = (typeof FIX_EVENTS)[number];

/**
 * What the desk knows of a vendor (guideline §3.4-3.5, 3.7; 003 *8). A notice sent is an
 * attempt, not awareness: `notify` leaves the vendor unaware (or unreachable) until it
 * answers (`acknowledge`). Any answer ends `unreachable` (003 *8: the entry is removed when
 * contact resumes). Awareness comes first (Vultron V before F before D): a vendor answering
 * "fixed" or "not affected" is acknowledged first. `not-affected` and `fix-deployed` are
 * final.
 */
export const FIX_TABLE: Table<FixState, FixEvent> = {
  'vendor-unaware': { notify: 'vendor-unaware', unreachable: 'unreachable', acknowledge: 'vendor-aware' },
  unreachable: { notify: 'unreachable', acknowledge: 'vendor-aware' },
  'vendor-aware': { 'fix-ready': 'fix-ready', 'not-affected': 'not-affected' },
  'fix-ready': { 'fix-deployed': 'fix-deployed' },
  'fix-deployed': {},
  'not-affected': {},
};

export function transitionFix(state: FixState, event: FixEvent): FixState {
  return step('fix', FIX_TABLE, state, event);
}

export function canTransitionFix(state: FixState, event: FixEvent): boolean {
  return FIX_TABLE[state][event] !== undefined;
}

// ---- PXA: public aware, exploit public, attacks observed --------------------------------

/** Vultron notation: upper case = true (`Pxa`: public, no public exploit, no attacks seen). */
export const PXA_STATES = ['pxa', 'pxA', 'pXa', 'pXA', 'Pxa', 'PxA', 'PXa', 'PXA'] as const;
export type PxaState = (typeof PXA_STATES)[number];

export const PXA_EVENTS = ['public-aware', 'exploit-public', 'attacks-observed'] as const;
export type PxaEvent = (typeof PXA_EVENTS)[number];

/** Each event sets one flag; a flag already set cannot be set again, nor ever cleared. */
export const PXA_TABLE: Table<PxaState, PxaEvent> = {
  pxa: { 'public-aware': 'Pxa', 'exploit-public': 'pXa', 'attacks-observed': 'pxA' },
  pxA: { 'public-aware': 'PxA', 'exploit-public': 'pXA' },
  pXa: { 'public-aware': 'PXa', 'attacks-observed': 'pXA' },
  pXA: { 'public-aware': 'PXA' },
  Pxa: { 'exploit-public': 'PXa', 'attacks-observed': 'PxA' },
  PxA: { 'exploit-public': 'PXA' },
  PXa: { 'attacks-observed': 'PXA' },
  PXA: {},
};

export function transitionPxa(state: PxaState, event: PxaEvent): PxaState {
  return step('pxa', PXA_TABLE, state, event);
}

export function canTransitionPxa(state: PxaState, event: PxaEvent): boolean {
  return PXA_TABLE[state][event] !== undefined;
}

export interface PxaFlags {
  publicAware: boolean;
  exploitPublic: boolean;
  attacksObserved: boolean;
}

export function pxaFlags(state: PxaState): PxaFlags {
  return { publicAware: state[0] === 'P', exploitPublic: state[1] === 'X', attacksObserved: state[2] === 'A' };
}

// ---- COORDINATION: the desk's contact with one vendor ----------------------------------

export const COORDINATION_STATES = ['unnotified', 'notified', 'reminded', 'unreachable', 'answered'] as const;
export type CoordinationState = (typeof COORDINATION_STATES)[number];

export const COORDINATION_EVENTS = ['notify', 'remind', 'mark-unreachable', 'answer'] as const;
export type CoordinationEvent = (typeof COORDINATION_EVENTS)[number];

/**
 * guideline §3.4 (notify promptly), §3.7 and §8 (reminders to a silent vendor, 連絡不能
 * after unanswered reminders; 003 *8: no contact point, no suitable channel or no answer).
 * `reminded` carries its count n beside the state (the vendor's `reminders`), printed
 * `reminded(n)`. A vendor with no usable contact may be marked unreachable before any
 * notice; a vendor that answered once and then fell silent may be marked by the
 * coordinator. An unreachable vendor gets no more reminders (its name is published
 * instead) but may be notified again at a newly found contact; it stays unreachable until
 * it answers. Answers keep coming after the first one (`answered` → `answered`).
 */
export const COORDINATION_TABLE: Table<CoordinationState, CoordinationEvent> = {
  unnotified: { notify: 'notified', 'mark-unreachable': 'unreachable' },
  notified: { remind: 'reminded', 'mark-unreachable': 'unreachable', answer: 'answered' },
  reminded: { remind: 'reminded', 'mark-unreachable': 'unreachable', answer: 'answered' },
  unreachable: { notify: 'unreachable', answer: 'answered' },
  answered: { 'mark-unreachable': 'unreachable', answer: 'answered' },
};

export function transitionCoordination(state: CoordinationState, event: CoordinationEvent): CoordinationState {
  return step('coordination', COORDINATION_TABLE, state, event);
}

export function canTransitionCoordination(state: CoordinationState, event: CoordinationEvent): boolean {
  return COORDINATION_TABLE[state][event] !== undefined;
}

/** `reminded(2)` for display; the other states as they are. */
export function coordinationLabel(state: CoordinationState, reminders: number): string {
  return state === 'reminded' ? `reminded(${reminders})` : state;
}

// ---- IMPOSSIBLE: the 調整不能 procedure -------------------------------------------------

export const IMPOSSIBLE_STATES = ['none', 'open', 'vendor-invited', 'decided'] as const;
export type ImpossibleState = (typeof IMPOSSIBLE_STATES)[number];

export const IMPOSSIBLE_EVENTS = ['open', 'invite-vendor', 'decide'] as const;
export type ImpossibleEvent = (typeof IMPOSSIBLE_EVENTS)[number];

export const IMPOSSIBLE_OUTCOMES = ['publish', 'do-not-publish'] as const;
export type ImpossibleOutcome = (typeof IMPOSSIBLE_OUTCOMES)[number];

/**
 * guideline §3.8; 003 *10: when coordination with a vendor is impossible, a publication
 * judgment committee decides whether to publish, and the vendor is given the chance to
 * state its view first — so there is no way from `open` to `decided` that skips the
 * invitation. A decision is final.
 */
export const IMPOSSIBLE_TABLE: Table<ImpossibleState, ImpossibleEvent> = {
  none: { open: 'open' },
  open: { 'invite-vendor': 'vendor-invited' },
  'vendor-invited': { decide: 'decided' },
  decided: {},
};

export function transitionImpossible(state: ImpossibleState, event: ImpossibleEvent): ImpossibleState {
  return step('impossible', IMPOSSIBLE_TABLE, state, event);
}

export function canTransitionImpossible(state: ImpossibleState, event: ImpossibleEvent): boolean {
  return IMPOSSIBLE_TABLE[state][event] !== undefined;
}
