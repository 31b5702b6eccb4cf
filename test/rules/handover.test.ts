// X-HANDOVER's rule over every report state × published (src/rules/handover.ts; issue 12
// "Outbound"): guideline §3.2 screening and acceptance before §3.4 coordination, and handing
// the report to a partner is coordination; §3.3 a stopped case is over; §3.8 a published
// one is public. Also whether a partner's answer about a handed-over case still applies.
import { describe, expect, it } from 'vitest';
import { RM_STATES, type RmState } from '../../src/domain/states.ts';
import { handoverClosed, handoverRefusal } from '../../src/rules/handover.ts';

const PUBLISHED = new Date('2027-03-10T00:00:00Z');

// The whole table, written out: a state added to RM_STATES fails the coverage check below.
const EXPECTED: Record<RmState, { open: ReturnType<typeof handoverRefusal>; published: ReturnType<typeof handoverRefusal> }> = {
  received: { open: { code: 'not-accepted', state: 'received' }, published: { code: 'case-closed', why: 'published' } },
  valid: { open: { code: 'not-accepted', state: 'valid' }, published: { code: 'case-closed', why: 'published' } },
  accepted: { open: null, published: { code: 'case-closed', why: 'published' } },
  deferred: { open: { code: 'not-accepted', state: 'deferred' }, published: { code: 'case-closed', why: 'published' } },
  invalid: { open: { code: 'case-closed', why: 'stopped' }, published: { code: 'case-closed', why: 'stopped' } },
  closed: { open: { code: 'case-closed', why: 'stopped' }, published: { code: 'case-closed', why: 'stopped' } },
};

describe('X-HANDOVER: every report state × published', () => {
  it('covers every report state', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...RM_STATES].sort());
  });

  for (const rm of RM_STATES) {
    it(`${rm}, not published`, () => {
      expect(handoverRefusal({ rm, publishedAt: null })).toEqual(EXPECTED[rm].open);
    });
    it(`${rm}, published`, () => {
      expect(handoverRefusal({ rm, publishedAt: PUBLISHED })).toEqual(EXPECTED[rm].published);
    });
  }

  it('only an accepted, unpublished case may be handed over', () => {
    const allowed = RM_STATES.flatMap((rm) => [null, PUBLISHED].flatMap((publishedAt) => (handoverRefusal({ rm, publishedAt }) === null ? [`${rm}/${publishedAt === null ? 'open' : 'published'}`] : [])));
    expect(allowed).toEqual(['accepted/open']);
  });
});

describe("a partner's answer about a handed-over case", () => {
  it('still applies while the case is neither stopped nor published (deferred included: the partner may still be working)', () => {
    for (const rm of ['received', 'valid', 'accepted', 'deferred'] as const) expect(handoverClosed({ rm, publishedAt: null }), rm).toBeNull();
  });
  it('applies nothing once the case is published or stopped', () => {
    expect(handoverClosed({ rm: 'accepted', publishedAt: PUBLISHED })).toEqual({ code: 'case-closed', why: 'published' });
    expect(handoverClosed({ rm: 'closed', publishedAt: null })).toEqual({ code: 'case-closed', why: 'stopped' });
    expect(handoverClosed({ rm: 'invalid', publishedAt: null })).toEqual({ code: 'case-closed', why: 'stopped' });
  });
});
