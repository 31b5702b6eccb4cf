// The product-track scenarios of test/rules/product-scenarios.test.ts written as data, each
// step with the case state it must leave and what the case view then says. Replayed
// purely (test/rules/case-view.test.ts) and through the store, where the stored
// `cases.state` is compared with the view derived afresh (test/store/case-view.test.ts).
import { expect } from 'vitest';
import type { CaseState, CaseView } from '../../src/rules/case-view.ts';
import type { Consent, ProductEvent } from '../../src/rules/product.ts';
import type { RmState } from '../../src/domain/states.ts';
import { ACME, BETA } from './product-support.ts';

export interface ScenarioStep {
  /** Moves the clock before the event: days forward, or to an instant. */
  advance?: number;
  at?: string;
  event: ProductEvent;
  state: CaseState;
  check?: (v: CaseView) => void;
}

export interface Scenario {
  name: string;
  start: string;
  consent?: Partial<Consent>;
  rm?: RmState;
  steps: ScenarioStep[];
}

const tick: ProductEvent = { type: 'tick' };
const who = (v: CaseView): string[] => v.waitingFor.map((w) => w.who);
const statuses = (v: CaseView): string[] => v.vendors.map((x) => `${x.id}: ${x.status}`);

// 01:00 UTC is 10:00 JST; 起算日 2026-01-05, target 2026-02-19.
const T0 = '2026-01-05T01:00:00Z';

export const SCENARIOS: Scenario[] = [
  {
    name: 'a silent vendor: notified, reminded, unreachable, its product listed, then it answers',
    start: T0,
    steps: [
      {
        event: { type: 'add-vendor', vendor: ACME },
        state: 'coordinating',
        check: (v) => {
          expect(statuses(v)).toEqual(['acme: notified']);
          expect([v.startDateJst, v.targetJst, v.proposedJst, v.proposedBy, v.agreedJst]).toEqual(['2026-01-05', '2026-02-19', '2026-02-19', 'desk', null]);
          expect(v.waitingFor).toEqual([
            { who: 'vendor:acme', what: 'an answer (reminder 1 of 3 on 2026-01-12)' },
            { who: 'coordinator', what: 'agree the publication date (X-SET-DATE): 2026-02-19 proposed by desk' },
          ]);
          expect(v.overdue).toEqual([]);
        },
      },
      { advance: 7, event: tick, state: 'coordinating', check: (v) => expect(statuses(v)).toEqual(['acme: reminded(1)']) },
      { advance: 7, event: tick, state: 'coordinating', check: (v) => expect(statuses(v)).toEqual(['acme: reminded(2)']) },
      { advance: 7, event: tick, state: 'coordinating', check: (v) => expect(v.waitingFor[0]).toEqual({ who: 'vendor:acme', what: 'an answer (unreachable on 2026-02-02)' }) },
      {
        advance: 7,
        event: tick,
        state: 'coordinating',
        check: (v) => {
          expect(statuses(v)).toEqual(['acme: unreachable']);
          expect(v.vendors[0]?.listedSince?.toISOString()).toBe('2026-02-02T01:00:00.000Z');
          expect(who(v)).toEqual(['coordinator', 'coordinator']);
        },
      },
      // Past the target with no agreed date: overdue.
      { advance: 90, event: tick, state: 'coordinating', check: (v) => expect(v.overdue).toEqual(['the publication target 2026-02-19 has passed with no agreed date']) },
      {
        advance: 1,
        event: { type: 'vendor-reply', vendorId: 'acme', reply: { status: 'investigating' } },
        state: 'coordinating',
        check: (v) => {
          expect(statuses(v)).toEqual(['acme: answered investigating']);
          expect(v.vendors[0]?.listedSince).toBeNull();
          expect(v.vendors[0]?.startDateJst).toBe('2026-01-05');
        },
      },
    ],
  },
  {
    name: 'a vendor answers affected with a date; the coordinator agrees it; the desk publishes on the day',
    start: T0,
    consent: { credit: true },
    steps: [
      { event: { type: 'add-vendor', vendor: ACME }, state: 'coordinating' },
      { event: { type: 'add-vendor', vendor: BETA }, state: 'coordinating' },
      {
        advance: 2,
        event: { type: 'vendor-reply', vendorId: 'acme', reply: { status: 'affected', proposedPublication: '2026-02-10' } },
        state: 'coordinating',
        check: (v) => {
          expect(statuses(v)).toEqual(['acme: answered affected', 'beta: notified']);
          expect([v.proposedJst, v.proposedBy]).toEqual(['2026-02-10', 'acme']);
        },
      },
      {
        event: { type: 'set-date', date: '2026-02-10' },
        state: 'scheduled',
        check: (v) => {
          expect([v.agreedJst, v.proposedJst]).toEqual(['2026-02-10', null]);
          expect(v.waitingFor).toContainEqual({ who: 'desk', what: 'publication on 2026-02-10 (the desk publishes on the day)' });
        },
      },
      { event: { type: 'vendor-reply', vendorId: 'beta', reply: { status: 'not-affected' } }, state: 'scheduled', check: (v) => expect(statuses(v)).toEqual(['acme: answered affected', 'beta: answered not affected']) },
      // A revision: the agreed date stands until the coordinator decides.
      {
        event: { type: 'vendor-reply', vendorId: 'acme', reply: { proposedPublication: '2026-02-20' } },
        state: 'scheduled',
        check: (v) => {
          expect([v.agreedJst, v.proposedJst]).toEqual(['2026-02-10', '2026-02-20']);
          expect(v.waitingFor).toContainEqual({ who: 'coordinator', what: 'decide on 2026-02-20 proposed by acme (X-SET-DATE); 2026-02-10 stands until then' });
        },
      },
      { at: '2026-02-09T14:59:00Z', event: tick, state: 'scheduled' },
      {
        at: '2026-02-09T15:00:00Z',
        event: tick,
        state: 'published',
        check: (v) => {
          expect(v.publishedAt?.toISOString()).toBe('2026-02-09T15:00:00.000Z');
          expect(v.agreedJst).toBe('2026-02-10');
          expect([v.waitingFor, v.overdue]).toEqual([[], []]);
        },
      },
      { advance: 400, event: tick, state: 'published' },
    ],
  },
  {
    name: 'every vendor not affected: nothing to publish, the agreed date passes, the case is overdue',
    start: T0,
    steps: [
      { event: { type: 'add-vendor', vendor: ACME }, state: 'coordinating' },
      { event: { type: 'set-date', date: '2026-01-20' }, state: 'scheduled' },
      {
        event: { type: 'vendor-reply', vendorId: 'acme', reply: { status: 'not-affected' } },
        state: 'scheduled',
        check: (v) => expect(v.waitingFor).toEqual([{ who: 'coordinator', what: 'every vendor says it is not affected: stop the case (X-STOP) or add vendors (X-ADD-VENDOR)' }]),
      },
      { at: '2026-01-21T03:00:00Z', event: tick, state: 'scheduled', check: (v) => expect(v.overdue).toEqual(['the agreed publication date 2026-01-20 has passed']) },
      {
        event: { type: 'stop', reason: { kind: 'not-vulnerability' } },
        state: 'stopped',
        check: (v) => {
          expect([v.waitingFor, v.overdue, v.agreedJst]).toEqual([[], [], null]);
          expect(statuses(v)).toEqual(['acme: answered not affected']);
        },
      },
      { advance: 30, event: tick, state: 'stopped' },
    ],
  },
  {
    name: 'coordination impossible: the vendor is invited, states its view, the committee publishes',
    start: T0,
    steps: [
      { event: { type: 'add-vendor', vendor: ACME }, state: 'coordinating' },
      { advance: 29, event: { type: 'mark-unreachable', vendorId: 'acme' }, state: 'coordinating' },
      {
        event: { type: 'open-impossible', vendorIds: ['acme'] },
        state: 'committee',
        check: (v) => expect(v.waitingFor).toEqual([
          { who: 'vendor:acme', what: 'its view for the publication judgment committee, until 2026-02-17' },
          { who: 'coordinator', what: 'agree the publication date (X-SET-DATE): 2026-02-19 proposed by desk' },
        ]),
      },
      { advance: 2, event: { type: 'vendor-reply', vendorId: 'acme', reply: { comment: 'more time' } }, state: 'committee', check: (v) => expect(who(v)[0]).toBe('committee') },
      { event: { type: 'committee-decision', decision: 'publish' }, state: 'coordinating' },
      { event: { type: 'set-date', date: '2026-02-20' }, state: 'scheduled' },
      { at: '2026-02-20T00:00:00Z', event: tick, state: 'published' },
    ],
  },
  {
    name: 'a silent invited vendor: the deadline passes, the committee is late, then withholds',
    start: T0,
    steps: [
      { event: { type: 'add-vendor', vendor: ACME }, state: 'coordinating' },
      { event: { type: 'set-date', date: '2026-01-25' }, state: 'scheduled' },
      { event: { type: 'open-impossible', vendorIds: ['acme'] }, state: 'committee' },
      {
        at: '2026-01-19T15:00:00Z',
        event: tick,
        state: 'committee',
        check: (v) => {
          expect(who(v)).toContain('committee');
          expect(v.overdue).toEqual(["the committee has not decided; the vendor's time ended 2026-01-19"]);
        },
      },
      { at: '2026-01-25T03:00:00Z', event: tick, state: 'committee', check: (v) => expect(v.overdue).toHaveLength(1) },
      { at: '2026-01-26T03:00:00Z', event: tick, state: 'committee', check: (v) => expect(v.overdue).toHaveLength(2) },
      {
        event: { type: 'committee-decision', decision: 'withhold' },
        state: 'withheld',
        check: (v) => expect(v.waitingFor).toEqual([{ who: 'coordinator', what: 'the committee decided not to publish: stop the case (X-STOP) when it is over' }]),
      },
      { advance: 1, event: tick, state: 'withheld' },
      { event: { type: 'stop', reason: { kind: 'known' }, text: 'published elsewhere' }, state: 'stopped' },
    ],
  },
  {
    name: 'an exploit goes public: the embargo ends and a coordinator publishes',
    start: T0,
    steps: [
      { event: { type: 'add-vendor', vendor: ACME }, state: 'coordinating' },
      { event: { type: 'set-date', date: '2026-02-01' }, state: 'scheduled' },
      { event: { type: 'flag', flag: 'attacks-observed' }, state: 'scheduled' },
      {
        event: { type: 'flag', flag: 'exploit-public' },
        state: 'public',
        check: (v) => {
          expect(v.waitingFor[0]).toEqual({ who: 'coordinator', what: 'the case is public: publish now (X-PUBLISH)' });
          expect(v.agreedJst).toBeNull();
        },
      },
      { advance: 1, event: { type: 'publish' }, state: 'published' },
    ],
  },
  {
    name: 'one year after 起算日: the withdrawal notice; the case stays open',
    start: T0,
    steps: [
      { event: { type: 'add-vendor', vendor: ACME }, state: 'coordinating' },
      { event: { type: 'vendor-reply', vendorId: 'acme', reply: { status: 'fixed' } }, state: 'coordinating', check: (v) => expect(v.vendors[0]?.fix).toBe('fix-ready') },
      { at: '2027-01-04T15:00:00Z', event: tick, state: 'coordinating', check: (v) => expect(v.overdue).toEqual(['the publication target 2026-02-19 has passed with no agreed date']) },
    ],
  },
  {
    name: 'a report not accepted yet: vendors wait; a stop before acceptance is not-accepted',
    start: T0,
    rm: 'received',
    steps: [
      { event: { type: 'add-vendor', vendor: ACME }, state: 'received', check: (v) => expect(statuses(v)).toEqual(['acme: not notified']) },
      { event: { type: 'stop', reason: { kind: 'duplicate', caseId: 'VR-2026-0002' } }, state: 'not-accepted' },
      { advance: 10, event: tick, state: 'not-accepted' },
    ],
  },
  {
    name: 'a report not accepted yet is accepted; its vendor is notified then',
    start: T0,
    rm: 'valid',
    steps: [
      { event: { type: 'add-vendor', vendor: ACME }, state: 'received', check: (v) => expect(v.waitingFor[0]?.what).toContain('X-ACCEPT') },
      { event: { type: 'accept' }, state: 'coordinating', check: (v) => expect(statuses(v)).toEqual(['acme: notified']) },
      { event: { type: 'remove-vendor', vendorId: 'acme' }, state: 'accepted', check: (v) => expect(v.waitingFor).toContainEqual({ who: 'coordinator', what: 'add the vendor (X-ADD-VENDOR)' }) },
    ],
  },
  {
    name: 'a report rejected',
    start: T0,
    rm: 'received',
    steps: [{ event: { type: 'reject', reason: 'not enough detail' }, state: 'not-accepted' }],
  },
  {
    name: 'a refused command changes nothing',
    start: T0,
    steps: [
      { event: { type: 'publish' }, state: 'accepted' },
      { event: { type: 'add-vendor', vendor: ACME }, state: 'coordinating' },
      { event: { type: 'mark-unreachable', vendorId: 'acme' }, state: 'coordinating', check: (v) => expect(statuses(v)).toEqual(['acme: unreachable']) },
      { event: { type: 'mark-reachable', vendorId: 'acme' }, state: 'coordinating', check: (v) => expect(statuses(v)).toEqual(['acme: answered']) },
    ],
  },
];
