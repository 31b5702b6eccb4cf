// The website track's operator machines (src/domain/operator.ts), checked for every state ×
// event against expected tables written out here independently of the source: allowed
// events go where they should, the others throw an OperatorTransitionError (a
// TransitionError, so the rules' one catch turns them into one `error` decision).
import { describe, expect, it } from 'vitest';
import { TransitionError } from '../../src/domain/states.ts';
import {
  canTransitionOperatorContact,
  canTransitionOperatorId,
  OPERATOR_CONTACT_EVENTS,
  OPERATOR_CONTACT_STATES,
  OPERATOR_CONTACT_TABLE,
  OPERATOR_ID_EVENTS,
  OPERATOR_ID_STATES,
  OPERATOR_ID_TABLE,
  operatorHasDetails,
  OperatorTransitionError,
  transitionOperatorContact,
  transitionOperatorId,
  type OperatorContactEvent,
  type OperatorContactState,
  type OperatorIdEvent,
  type OperatorIdState,
} from '../../src/domain/operator.ts';

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
            return;
          }
          let err: unknown;
          try {
            t.transition(s, e);
          } catch (x) {
            err = x;
          }
          expect(err).toBeInstanceOf(OperatorTransitionError);
          expect(err).toBeInstanceOf(TransitionError);
          expect(err).toMatchObject({ machine: t.machine, state: s, event: e });
          expect((err as Error).message).toContain(`"${e}"`);
        });
      }
    }
    it('has no states outside the enum', () => {
      expect(Object.keys(t.table).sort()).toEqual([...t.states].sort());
      for (const targets of Object.values<Partial<Record<E, S>>>(t.table)) for (const target of Object.values(targets)) expect(t.states).toContain(target);
    });
    it('rejects a state that is not in the table (a corrupt snapshot)', () => {
      expect(() => t.transition('bogus' as S, t.events[0] as E)).toThrow(OperatorTransitionError);
    });
  });
}

const ID_EXPECTED: Record<OperatorIdState, Record<OperatorIdEvent, OperatorIdState | null>> = {
  unidentified: { propose: 'proposed', confirm: 'confirmed' },
  proposed: { propose: 'proposed', confirm: 'confirmed' },
  confirmed: { propose: null, confirm: 'confirmed' },
};
checkTable({ name: 'operator identification', machine: 'operator-id', states: OPERATOR_ID_STATES, events: OPERATOR_ID_EVENTS, table: OPERATOR_ID_TABLE, expected: ID_EXPECTED, transition: transitionOperatorId, can: canTransitionOperatorId });

const CONTACT_EXPECTED: Record<OperatorContactState, Record<OperatorContactEvent, OperatorContactState | null>> = {
  uncontacted: { 'first-contact': 'awaiting-key', notify: 'notified', answer: null, 'report-fixed': null },
  'awaiting-key': { 'first-contact': 'awaiting-key', notify: 'notified', answer: null, 'report-fixed': null },
  notified: { 'first-contact': null, notify: 'notified', answer: 'answered', 'report-fixed': 'fixed' },
  answered: { 'first-contact': null, notify: null, answer: 'answered', 'report-fixed': 'fixed' },
  fixed: { 'first-contact': null, notify: null, answer: null, 'report-fixed': null },
};
checkTable({
  name: 'operator contact',
  machine: 'operator-contact',
  states: OPERATOR_CONTACT_STATES,
  events: OPERATOR_CONTACT_EVENTS,
  table: OPERATOR_CONTACT_TABLE,
  expected: CONTACT_EXPECTED,
  transition: transitionOperatorContact,
  can: canTransitionOperatorContact,
});

describe('operator contact subsets', () => {
  it('only an operator that was sent the details holds them (never one awaiting a key)', () => {
    expect(OPERATOR_CONTACT_STATES.filter(operatorHasDetails)).toEqual(['notified', 'answered', 'fixed']);
  });
  it('no event leads back from fixed, and no event skips the details on the way to it', () => {
    expect(Object.keys(OPERATOR_CONTACT_TABLE.fixed)).toEqual([]);
    for (const s of OPERATOR_CONTACT_STATES) if (OPERATOR_CONTACT_TABLE[s]['report-fixed'] !== undefined) expect(operatorHasDetails(s)).toBe(true);
  });
});
