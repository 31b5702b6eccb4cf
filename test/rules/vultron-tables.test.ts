import { describe, expect, it } from 'vitest';
import { TransitionError } from '../../src/domain/states.ts';
import {
  canTransitionCoordination,
  canTransitionEm,
  canTransitionFix,
  canTransitionImpossible,
  canTransitionPxa,
  COORDINATION_EVENTS,
  COORDINATION_STATES,
  COORDINATION_TABLE,
  coordinationLabel,
  EM_EVENTS,
  EM_STATES,
  EM_TABLE,
  FIX_EVENTS,
  FIX_STATES,
  FIX_TABLE,
  IMPOSSIBLE_EVENTS,
  IMPOSSIBLE_STATES,
  IMPOSSIBLE_TABLE,
  PXA_EVENTS,
  PXA_STATES,
  PXA_TABLE,
  pxaFlags,
  transitionCoordination,
  transitionEm,
  transitionFix,
  transitionImpossible,
  transitionPxa,
  VultronTransitionError,
  type CoordinationEvent,
  type CoordinationState,
  type EmEvent,
  type EmState,
  type FixEvent,
  type FixState,
  type ImpossibleEvent,
  type ImpossibleState,
  type PxaEvent,
  type PxaState,
} from '../../src/domain/vultron.ts';

// Every table is checked against an expected table written out independently of the
// source, for every state × event: the allowed ones go where they should, the others throw
// a VultronTransitionError (which is a TransitionError, like the RM table's).

interface Case<S extends string, E extends string> {
  name: string;
  machine: string;
  states: readonly S[];
  events: readonly E[];
  table: Readonly<Record<S, Partial<Record<E, S>>>>;
  expected: Record<S, Record<E, S | null>>;
  transition: (s: S, e: E) => S;
  can: (s: S, e: E) => boolean;
}

function checkTable<S extends string, E extends string>(t: Case<S, E>): void {
  describe(`${t.name} state table`, () => {
    for (const s of t.states) {
      for (const e of t.events) {
        const want = t.expected[s][e];
        it(`${s} × ${e} → ${want ?? 'not allowed'}`, () => {
          expect(t.can(s, e)).toBe(want !== null);
          if (want !== null) {
            expect(t.transition(s, e)).toBe(want);
          } else {
            let err: unknown;
            try {
              t.transition(s, e);
            } catch (x) {
              err = x;
            }
            expect(err).toBeInstanceOf(VultronTransitionError);
            expect(err).toBeInstanceOf(TransitionError);
            expect(err).toMatchObject({ machine: t.machine, state: s, event: e });
            expect((err as Error).message).toContain(`"${e}"`);
          }
        });
      }
    }
    it('has no states outside the enum and no rows for unknown states', () => {
      expect(Object.keys(t.table).sort()).toEqual([...t.states].sort());
      for (const targets of Object.values<Partial<Record<E, S>>>(t.table)) {
        for (const target of Object.values(targets)) expect(t.states).toContain(target);
      }
    });
    it('rejects a state that is not in the table (a corrupt snapshot)', () => {
      expect(() => t.transition('bogus' as S, t.events[0] as E)).toThrow(VultronTransitionError);
    });
  });
}

// ---- EM (Vultron: N→p→P, P→p→P, P→r→N, P→a→A, A→p→R, A→t→X, R→p→R, R→a→A, R→r→A, R→t→X)
const EM_EXPECTED: Record<EmState, Record<EmEvent, EmState | null>> = {
  none: { propose: 'proposed', accept: null, reject: null, 'revise-propose': null, 'revise-accept': null, 'revise-reject': null, terminate: null },
  proposed: { propose: 'proposed', accept: 'active', reject: 'none', 'revise-propose': null, 'revise-accept': null, 'revise-reject': null, terminate: null },
  active: { propose: null, accept: null, reject: null, 'revise-propose': 'revise', 'revise-accept': null, 'revise-reject': null, terminate: 'exited' },
  revise: { propose: null, accept: null, reject: null, 'revise-propose': 'revise', 'revise-accept': 'active', 'revise-reject': 'active', terminate: 'exited' },
  exited: { propose: null, accept: null, reject: null, 'revise-propose': null, 'revise-accept': null, 'revise-reject': null, terminate: null },
};
checkTable({ name: 'embargo management (EM)', machine: 'em', states: EM_STATES, events: EM_EVENTS, table: EM_TABLE, expected: EM_EXPECTED, transition: transitionEm, can: canTransitionEm });

// ---- FIX
const FIX_EXPECTED: Record<FixState, Record<FixEvent, FixState | null>> = {
  'vendor-unaware': { notify: 'vendor-unaware', unreachable: 'unreachable', acknowledge: 'vendor-aware', 'fix-ready': null, 'fix-deployed': null, 'not-affected': null },
  unreachable: { notify: 'unreachable', unreachable: null, acknowledge: 'vendor-aware', 'fix-ready': null, 'fix-deployed': null, 'not-affected': null },
  'vendor-aware': { notify: null, unreachable: null, acknowledge: null, 'fix-ready': 'fix-ready', 'fix-deployed': null, 'not-affected': 'not-affected' },
  'fix-ready': { notify: null, unreachable: null, acknowledge: null, 'fix-ready': null, 'fix-deployed': 'fix-deployed', 'not-affected': null },
  'fix-deployed': { notify: null, unreachable: null, acknowledge: null, 'fix-ready': null, 'fix-deployed': null, 'not-affected': null },
  'not-affected': { notify: null, unreachable: null, acknowledge: null, 'fix-ready': null, 'fix-deployed': null, 'not-affected': null },
};
checkTable({ name: 'vendor fix path', machine: 'fix', states: FIX_STATES, events: FIX_EVENTS, table: FIX_TABLE, expected: FIX_EXPECTED, transition: transitionFix, can: canTransitionFix });

// ---- PXA: derived here from the rule "an event sets its own flag, once".
const FLAG_OF: Record<PxaEvent, number> = { 'public-aware': 0, 'exploit-public': 1, 'attacks-observed': 2 };
const PXA_EXPECTED = Object.fromEntries(
  PXA_STATES.map((s) => [
    s,
    Object.fromEntries(
      PXA_EVENTS.map((e) => {
        const i = FLAG_OF[e];
        const letter = s[i] as string;
        if (letter === letter.toUpperCase()) return [e, null];
        return [e, s.slice(0, i) + letter.toUpperCase() + s.slice(i + 1)];
      }),
    ),
  ]),
) as Record<PxaState, Record<PxaEvent, PxaState | null>>;
checkTable({ name: 'public/exploit/attack flags (PXA)', machine: 'pxa', states: PXA_STATES, events: PXA_EVENTS, table: PXA_TABLE, expected: PXA_EXPECTED, transition: transitionPxa, can: canTransitionPxa });

describe('PXA flags', () => {
  it('spells out the eight states with every combination exactly once', () => {
    expect(PXA_STATES).toHaveLength(8);
    const combos = new Set(PXA_STATES.map((s) => JSON.stringify(pxaFlags(s))));
    expect(combos.size).toBe(8);
  });
  it('reads the flags from Vultron notation', () => {
    expect(pxaFlags('pxa')).toEqual({ publicAware: false, exploitPublic: false, attacksObserved: false });
    expect(pxaFlags('PxA')).toEqual({ publicAware: true, exploitPublic: false, attacksObserved: true });
    expect(pxaFlags('pXa')).toEqual({ publicAware: false, exploitPublic: true, attacksObserved: false });
  });
  it('never clears a flag along any path', () => {
    for (const s of PXA_STATES) {
      for (const e of PXA_EVENTS) {
        if (!canTransitionPxa(s, e)) continue;
        const before = pxaFlags(s);
        const after = pxaFlags(transitionPxa(s, e));
        for (const k of ['publicAware', 'exploitPublic', 'attacksObserved'] as const) if (before[k]) expect(after[k]).toBe(true);
      }
    }
  });
});

// ---- COORDINATION
const COORD_EXPECTED: Record<CoordinationState, Record<CoordinationEvent, CoordinationState | null>> = {
  unnotified: { notify: 'notified', remind: null, 'mark-unreachable': 'unreachable', answer: null },
  notified: { notify: null, remind: 'reminded', 'mark-unreachable': 'unreachable', answer: 'answered' },
  reminded: { notify: null, remind: 'reminded', 'mark-unreachable': 'unreachable', answer: 'answered' },
  unreachable: { notify: 'unreachable', remind: null, 'mark-unreachable': null, answer: 'answered' },
  answered: { notify: null, remind: null, 'mark-unreachable': 'unreachable', answer: 'answered' },
};
checkTable({
  name: 'vendor coordination status',
  machine: 'coordination',
  states: COORDINATION_STATES,
  events: COORDINATION_EVENTS,
  table: COORDINATION_TABLE,
  expected: COORD_EXPECTED,
  transition: transitionCoordination,
  can: canTransitionCoordination,
});

describe('coordination label', () => {
  it('prints reminded(n) with its count and other states as they are', () => {
    expect(coordinationLabel('reminded', 2)).toBe('reminded(2)');
    expect(coordinationLabel('unreachable', 3)).toBe('unreachable');
  });
});

// ---- IMPOSSIBLE (調整不能): no way to a decision without inviting the vendor
const IMPOSSIBLE_EXPECTED: Record<ImpossibleState, Record<ImpossibleEvent, ImpossibleState | null>> = {
  none: { open: 'open', 'invite-vendor': null, decide: null },
  open: { open: null, 'invite-vendor': 'vendor-invited', decide: null },
  'vendor-invited': { open: null, 'invite-vendor': null, decide: 'decided' },
  decided: { open: null, 'invite-vendor': null, decide: null },
};
checkTable({
  name: 'coordination-impossible procedure',
  machine: 'impossible',
  states: IMPOSSIBLE_STATES,
  events: IMPOSSIBLE_EVENTS,
  table: IMPOSSIBLE_TABLE,
  expected: IMPOSSIBLE_EXPECTED,
  transition: transitionImpossible,
  can: canTransitionImpossible,
});
