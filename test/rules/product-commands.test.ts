import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  applyDecisions,
  COMMAND_TYPES,
  decideProduct,
  DEFAULT_SETTINGS,
  newProductCase,
  stepProduct,
  type CoordinatorCommand,
  type ProductCase,
} from '../../src/rules/product.ts';
import { ACME, BETA, kinds, newCase, ofType, Sim } from './product-support.ts';

const T0 = '2026-01-05T01:00:00Z';
const NOW = new Date(T0);

function withAcme(consent = {}): Sim {
  const sim = new Sim(newCase(consent), T0);
  sim.step({ type: 'add-vendor', vendor: ACME });
  return sim;
}

describe('report acceptance (guideline §3.2)', () => {
  it('accepting a received report validates and accepts it, asks the reporter for confidentiality, and notifies known vendors', () => {
    const c = newProductCase({ id: 'VR-2026-0002', reporter: { name: 'R', consent: { shareIdentity: false, directContact: false, credit: false } }, rm: 'received' });
    const sim = new Sim(c, T0);
    const added = sim.step({ type: 'add-vendor', vendor: ACME });
    expect(kinds(added)).toEqual(['add-vendor', 'record:vendor-added']); // not notified before acceptance
    const d = sim.step({ type: 'accept' });
    expect(kinds(d).slice(0, 4)).toEqual(['set-state:rm:valid', 'set-state:rm:accepted', 'notify-reporter:accepted', 'record:accepted']);
    expect(kinds(d)).toContain('notify-vendor:acme:notify');
    expect(sim.c.rm).toBe('accepted');
    expect(sim.c.firstContactDate).toBe('2026-01-05');
    // Accepting an accepted case confirms it: nothing changes, the reporter is not told again.
    const again = sim.step({ type: 'accept' });
    expect(again).toEqual([{ type: 'record', event: 'accept-confirmed', detail: 'already accepted; nothing changed' }]);
  });

  it('a report not accepted is invalidated and the reporter told why', () => {
    const c = newProductCase({ id: 'VR-2026-0003', reporter: { name: 'R', consent: { shareIdentity: false, directContact: false, credit: false } }, rm: 'received' });
    const d = decideProduct(c, { type: 'reject', reason: 'no product named' }, NOW);
    expect(d).toEqual([
      { type: 'set-state', machine: 'rm', to: 'invalid' },
      { type: 'notify-reporter', template: 'not-accepted', reason: 'no product named' },
      { type: 'record', event: 'not-accepted', detail: 'no product named' },
    ]);
  });

  it('ticks and replies do nothing for a case that is not accepted', () => {
    const c = newProductCase({ id: 'VR-2026-0004', reporter: { name: 'R', consent: { shareIdentity: false, directContact: false, credit: false } }, rm: 'received', vendors: [ACME] });
    expect(decideProduct(c, { type: 'tick' }, new Date('2027-06-01T00:00:00Z'))).toEqual([]);
    const r = decideProduct(c, { type: 'vendor-reply', vendorId: 'acme', reply: { status: 'affected' } }, NOW);
    expect(kinds(r)).toEqual(['record:vendor-reply', 'notify-coordinators:reply-out-of-scope']);
  });
});

describe('stopping (guideline §3.3)', () => {
  it('a duplicate: the case closes, the embargo ends, contacted vendors and the reporter are told, the list entry comes off, and the other case id stays internal', () => {
    const sim = withAcme();
    sim.runDays(28);
    expect(sim.vendor('acme').vendorNamePublishedAt).not.toBeNull();
    const d = sim.step({ type: 'stop', reason: { kind: 'duplicate', caseId: 'VR-2025-0099' } });
    expect(kinds(d)).toEqual([
      'set-state:rm:closed',
      'set-state:em:none',
      'publish-unreachable-list:remove:acme',
      'update-vendor',
      'notify-vendor:acme:stopped',
      'notify-reporter:stopped',
      'record:stopped',
    ]);
    expect(ofType(d, 'notify-reporter')[0]).toEqual({ type: 'notify-reporter', template: 'stopped', reason: 'duplicate' });
    expect(JSON.stringify(ofType(d, 'notify-reporter'))).not.toContain('VR-2025-0099');
    expect(JSON.stringify(ofType(d, 'notify-vendor'))).not.toContain('VR-2025-0099');
    expect(ofType(d, 'record')[0]?.detail).toBe('duplicate of VR-2025-0099');
    expect(sim.c.rm).toBe('closed');
    expect(sim.runDays(400)).toEqual([]);
  });

  it.each([['not-vulnerability'], ['not-reproducible'], ['illegal'], ['known']] as const)('%s on an agreed schedule terminates the embargo', (kind) => {
    const sim = withAcme();
    sim.step({ type: 'set-date', date: '2026-02-19' });
    const d = sim.step({ type: 'stop', reason: { kind } });
    expect(kinds(d)).toContain('set-state:em:exited');
    expect(ofType(d, 'notify-reporter')[0]?.reason).toBe(kind);
  });

  it('a received report is invalidated, not closed; no vendor was told anything', () => {
    const c = newProductCase({ id: 'VR-2026-0005', reporter: { name: 'R', consent: { shareIdentity: false, directContact: false, credit: false } }, rm: 'received', vendors: [ACME] });
    const d = decideProduct(c, { type: 'stop', reason: { kind: 'illegal' } }, NOW);
    expect(kinds(d)).toEqual(['set-state:rm:invalid', 'notify-reporter:stopped', 'record:stopped']);
  });
});

describe('vendor identification (guideline §3.4)', () => {
  it('a single vendor-list match is notified at once only when autoNotifySingleMatch is on', () => {
    const c = newCase();
    const off = decideProduct(c, { type: 'vendors-matched', candidates: [ACME] }, NOW);
    expect(kinds(off)).toEqual(['notify-coordinators:confirm-vendor', 'record:vendors-matched']);
    const on = decideProduct(c, { type: 'vendors-matched', candidates: [ACME] }, NOW, { ...DEFAULT_SETTINGS, autoNotifySingleMatch: true });
    expect(kinds(on)).toEqual(expect.arrayContaining(['add-vendor', 'notify-vendor:acme:notify']));
    const two = decideProduct(c, { type: 'vendors-matched', candidates: [ACME, BETA] }, NOW, { ...DEFAULT_SETTINGS, autoNotifySingleMatch: true });
    expect(kinds(two)).toEqual(['notify-coordinators:confirm-vendor', 'record:vendors-matched']);
    expect(ofType(two, 'notify-coordinators')[0]?.detail).toBe('confirm the vendor(s): Acme Corp (acme), Beta Soft (beta)');
  });

  it('removing a contacted vendor tells it it is out', () => {
    const sim = withAcme();
    const d = sim.step({ type: 'remove-vendor', vendorId: 'acme' });
    expect(kinds(d)).toEqual(['notify-vendor:acme:withdrawn', 'remove-vendor', 'record:vendor-removed']);
    expect(sim.c.vendors).toEqual([]);
  });
});

describe('vendor replies (mail-protocol §4; guideline §3.5-3.6)', () => {
  it('"fixed" moves the fix path through awareness to fix-ready in one reply', () => {
    const sim = withAcme();
    const d = sim.step({ type: 'vendor-reply', vendorId: 'acme', reply: { status: 'fixed', fixedVersions: '2.0' } });
    expect(kinds(d).filter((k) => k.startsWith('set-state:fix'))).toEqual(['set-state:fix:acme:vendor-aware', 'set-state:fix:acme:fix-ready']);
    expect(sim.vendor('acme')).toMatchObject({ status: 'fixed', fixedVersions: '2.0', fix: 'fix-ready' });
  });

  it('a reply contradicting "not affected" alerts the coordinators and changes nothing', () => {
    const sim = withAcme();
    sim.step({ type: 'vendor-reply', vendorId: 'acme', reply: { status: 'not-affected' } });
    expect(sim.vendor('acme').fix).toBe('not-affected');
    const d = sim.step({ type: 'vendor-reply', vendorId: 'acme', reply: { status: 'fixed' } });
    expect(kinds(d)).toContain('notify-coordinators:reply-conflict');
    expect(sim.vendor('acme')).toMatchObject({ fix: 'not-affected', status: 'not-affected' });
  });

  it('"not affected" after a fix is a conflict too', () => {
    const sim = withAcme();
    sim.step({ type: 'vendor-reply', vendorId: 'acme', reply: { status: 'fixed' } });
    const d = sim.step({ type: 'vendor-reply', vendorId: 'acme', reply: { status: 'not-affected' } });
    expect(kinds(d)).toContain('notify-coordinators:reply-conflict');
    expect(sim.vendor('acme').fix).toBe('fix-ready');
  });

  it('"other vendors affected" goes to the coordinators only, never to another vendor', () => {
    const sim = withAcme();
    sim.step({ type: 'add-vendor', vendor: BETA });
    const d = sim.step({ type: 'vendor-reply', vendorId: 'acme', reply: { status: 'affected' }, otherVendorsAffected: 'Gamma Ltd ships the same library' });
    expect(ofType(d, 'notify-coordinators')).toEqual([
      { type: 'notify-coordinators', template: 'other-vendors', vendorId: 'acme', detail: 'Gamma Ltd ships the same library' },
    ]);
    expect(ofType(d, 'notify-vendor')).toEqual([]);
  });

  it('an advisory URL before publication alerts the coordinators (guideline §3.14)', () => {
    const sim = withAcme();
    const d = sim.step({ type: 'vendor-reply', vendorId: 'acme', reply: { advisoryUrl: 'https://acme.test/sa' } });
    expect(kinds(d)).toContain('notify-coordinators:advisory-url');
  });

  it('a reply from a vendor not in the case is not processed', () => {
    const sim = withAcme();
    const d = sim.step({ type: 'vendor-reply', vendorId: 'beta', reply: { status: 'affected' } });
    expect(kinds(d)).toEqual(['record:vendor-reply', 'notify-coordinators:reply-out-of-scope']);
    expect(sim.c.vendors.map((v) => v.id)).toEqual(['acme']);
  });
});

describe('public, exploit, attacks (Vultron P/X/A)', () => {
  it('a public exploit makes the case public, ends the embargo, and lets the coordinator publish before the date', () => {
    const sim = withAcme();
    sim.step({ type: 'set-date', date: '2026-02-19' });
    const d = sim.step({ type: 'flag', flag: 'exploit-public' });
    expect(kinds(d)).toEqual(['set-state:pxa:pXa', 'set-state:pxa:PXa', 'set-state:em:exited', 'notify-coordinators:embargo-broken', 'record:flag']);
    expect(kinds(sim.step({ type: 'set-date', date: '2026-01-10' }))).toEqual(['error']);
    const pub = sim.step({ type: 'publish' });
    expect(ofType(pub, 'send-advisory')[0]?.advisory.date).toBe('2026-01-05');
    expect(kinds(sim.step({ type: 'flag', flag: 'exploit-public' }))).toEqual(['error']);
  });

  it('public before any agreement rejects the proposal', () => {
    const sim = withAcme();
    const d = sim.step({ type: 'flag', flag: 'public-aware' });
    expect(kinds(d)).toContain('set-state:em:none');
    expect(sim.c.pxa).toBe('Pxa');
  });

  it('attacks observed alert the coordinators and keep the embargo', () => {
    const sim = withAcme();
    sim.step({ type: 'set-date', date: '2026-02-19' });
    const d = sim.step({ type: 'flag', flag: 'attacks-observed' });
    expect(kinds(d)).toEqual(['set-state:pxa:pxA', 'notify-coordinators:attacks-observed', 'record:flag']);
    expect(sim.c.em).toBe('active');
  });
});

describe('refused commands: exactly one error, nothing else (the caller tells the coordinator)', () => {
  const published = (): Sim => {
    const sim = withAcme();
    sim.step({ type: 'set-date', date: '2026-01-05' });
    sim.tick();
    expect(sim.c.publishedAt).not.toBeNull();
    return sim;
  };
  const closed = (): Sim => {
    const sim = withAcme();
    sim.step({ type: 'stop', reason: { kind: 'not-vulnerability' } });
    return sim;
  };
  const unreachable = (): Sim => {
    const sim = withAcme();
    sim.step({ type: 'mark-unreachable', vendorId: 'acme' });
    return sim;
  };

  const cases: [string, () => Sim, CoordinatorCommand, string][] = [
    ['reject an accepted case', withAcme, { type: 'reject', reason: 'x' }, 'already accepted'],
    ['reject without a reason', withAcme, { type: 'reject', reason: ' ' }, 'needs a reason'],
    ['stop a closed case', closed, { type: 'stop', reason: { kind: 'illegal' } }, 'already closed'],
    ['stop a published case', published, { type: 'stop', reason: { kind: 'illegal' } }, 'already published'],
    ['stop as duplicate of nothing', withAcme, { type: 'stop', reason: { kind: 'duplicate', caseId: '' } }, 'case id'],
    ['add a vendor twice', withAcme, { type: 'add-vendor', vendor: ACME }, 'already a vendor'],
    ['add a vendor to a closed case', closed, { type: 'add-vendor', vendor: BETA }, 'closed'],
    ['remove an unknown vendor', withAcme, { type: 'remove-vendor', vendorId: 'beta' }, 'no vendor "beta"'],
    ['set a date in the past', withAcme, { type: 'set-date', date: '2026-01-04' }, 'in the past'],
    ['set a date that does not exist', withAcme, { type: 'set-date', date: '2026-02-30' }, 'not a date'],
    ['set a date on a closed case', closed, { type: 'set-date', date: '2026-03-01' }, 'not accepted'],
    ['set a date after publication', published, { type: 'set-date', date: '2026-03-01' }, 'already published'],
    ['mark an unreachable vendor again', unreachable, { type: 'mark-unreachable', vendorId: 'acme' }, '"mark-unreachable" is not allowed'],
    ['mark an unknown vendor', withAcme, { type: 'mark-unreachable', vendorId: 'nobody' }, 'no vendor'],
    ['mark a notified vendor reachable', withAcme, { type: 'mark-reachable', vendorId: 'acme' }, 'is not unreachable'],
    ['notify the vendors of a closed case', closed, { type: 'notify-vendors' }, 'not accepted'],
    ['introduce without the reporter\'s consent', withAcme, { type: 'direct-contact', vendorId: 'acme', vendorConsents: true }, 'the reporter has not consented'],
    ['open the procedure without vendors', withAcme, { type: 'open-impossible', vendorIds: [] }, 'name the vendor'],
    ['open the procedure for an unknown vendor', withAcme, { type: 'open-impossible', vendorIds: ['nobody'] }, 'no vendor'],
    ['decide without a procedure', withAcme, { type: 'committee-decision', decision: 'publish' }, 'no committee procedure'],
    ['publish with no agreed date', withAcme, { type: 'publish' }, 'no publication date is agreed'],
    ['publish a closed case', closed, { type: 'publish' }, 'not accepted'],
    ['flag a closed case', closed, { type: 'flag', flag: 'public-aware' }, 'closed'],
    ['an empty note', withAcme, { type: 'note', text: '' }, 'empty note'],
    ['relay on a closed case', closed, { type: 'relay', vendorId: 'acme', text: 'x' }, 'not accepted'],
    ['record consent on a closed case', closed, { type: 'priority-consent', vendorId: 'acme' }, 'not accepted'],
    ['record consent of an unknown vendor', withAcme, { type: 'priority-consent', vendorId: 'nobody' }, 'no vendor'],
    ['a priority notice before any fix', withAcme, { type: 'priority-notice', contacts: 1, reporter: 'reachable' }, 'no vendor has a fix'],
  ];

  it.each(cases)('%s', (_name, make, cmd, message) => {
    const sim = make();
    const before = sim.c;
    const d = sim.step(cmd);
    expect(d).toHaveLength(1);
    expect(d[0]?.type).toBe('error');
    expect(d[0]).toMatchObject({ message: expect.stringContaining(message) as unknown });
    expect(sim.c).toBe(before);
  });

  it('COMMAND_TYPES lists every coordinator command type', () => {
    expectTypeOf<(typeof COMMAND_TYPES)[number]>().toEqualTypeOf<CoordinatorCommand['type']>();
    expect(new Set(COMMAND_TYPES).size).toBe(COMMAND_TYPES.length);
  });

  it('the refusal list covers every command type that can be refused', () => {
    const refused = new Set(cases.map((c) => c[2].type));
    for (const t of COMMAND_TYPES) if (t !== 'accept') expect(refused, t).toContain(t);
  });

  it('opening the procedure twice is refused', () => {
    const sim = withAcme();
    sim.step({ type: 'open-impossible', vendorIds: ['acme'] });
    expect(kinds(sim.step({ type: 'open-impossible', vendorIds: ['acme'] }))).toEqual(['error']);
  });

  it('a note is recorded as written', () => {
    expect(decideProduct(newCase(), { type: 'note', text: 'called the vendor' }, NOW)).toEqual([{ type: 'record', event: 'note', detail: 'called the vendor' }]);
  });
});

describe('the reducer', () => {
  it('stepProduct returns the same snapshot applyDecisions builds, and leaves the input untouched', () => {
    const c: ProductCase = newCase();
    const frozen = JSON.stringify(c);
    const { case: next, decisions } = stepProduct(c, { type: 'add-vendor', vendor: ACME }, NOW);
    expect(JSON.stringify(c)).toBe(frozen);
    expect(next).toEqual(applyDecisions(c, decisions));
    expect(next.vendors[0]?.coordination).toBe('notified');
  });

  it('refuses a decision about a vendor the case does not have', () => {
    expect(() => applyDecisions(newCase(), [{ type: 'update-vendor', vendorId: 'ghost', patch: { reminders: 1 } }])).toThrow(RangeError);
  });

  it('a snapshot the tables do not allow yields an error, not a crash', () => {
    const good = stepProduct(newCase(), { type: 'add-vendor', vendor: ACME }, NOW).case;
    const c: ProductCase = { ...good, vendors: good.vendors.map((v) => ({ ...v, coordination: 'bogus' as ProductCase['vendors'][number]['coordination'] })) };
    const d = decideProduct(c, { type: 'vendor-reply', vendorId: 'acme', reply: { status: 'affected' } }, NOW);
    expect(d).toHaveLength(1);
    expect(d[0]?.type).toBe('error');
  });

  it('refuses an invalid now', () => {
    expect(() => decideProduct(newCase(), { type: 'tick' }, new Date(Number.NaN))).toThrow(RangeError);
  });
});
