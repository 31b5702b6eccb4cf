// The digest's content (issue 11), from case views derived by the real product rules (the
// simulator of test/rules/product-support.ts) and facts as the store gives them.
import { describe, expect, it } from 'vitest';
import { deriveCaseView, type CaseView } from '../../src/rules/case-view.ts';
import { buildDigest, type Digest, type DigestFacts, type DigestSection } from '../../src/rules/digest.ts';
import type { ProductCase } from '../../src/rules/product.ts';
import { ACME, BETA, newCase, Sim } from './product-support.ts';
import { renderNotice } from '../../src/outbound/templates.ts';
import type { WebsiteCase } from '../../src/rules/website.ts';
import { newSite, SHOP, SiteSim } from './website-support.ts';

const NO_FACTS: DigestFacts = { newCases: [], newDrafts: [], refusedMail: [], failedJobs: [], keys: [] };
const T0 = '2026-01-05T01:00:00Z'; // Monday 10:00 JST; 起算日 2026-01-05, target 2026-02-19

function view(id: string, c: ProductCase, now: Date, lastActivity: Date | null = null): CaseView {
  return deriveCaseView({ id, kind: 'product', storedState: '', snapshot: { ...c, id }, lastActivity, now });
}

function section<K extends DigestSection['kind']>(d: Digest, kind: K): Extract<DigestSection, { kind: K }> | undefined {
  return d.sections.find((s): s is Extract<DigestSection, { kind: K }> => s.kind === kind);
}

const digest = (now: Date, views: CaseView[], facts: Partial<DigestFacts> = {}, since: Date | null = null): Digest =>
  buildDigest({ day: '2026-01-15', now, since, views, facts: { ...NO_FACTS, ...facts }, options: { silentDays: 7 } });

describe('nothing to report', () => {
  it('no cases and no facts: empty, no section (the notice is one line)', () => {
    const d = digest(new Date(T0), []);
    expect(d).toMatchObject({ empty: true, sections: [], day: '2026-01-15', since: null });
  });

  it('only finished cases and no facts: still empty', () => {
    const sim = new Sim(newCase(), T0);
    sim.step({ type: 'add-vendor', vendor: ACME });
    sim.step({ type: 'vendor-reply', vendorId: 'acme', reply: { status: 'not-affected' } });
    sim.step({ type: 'stop', reason: { kind: 'not-vulnerability' } });
    expect(view('VR-2026-0001', sim.c, sim.clock.now()).state).toBe('stopped');
    expect(digest(sim.clock.now(), [view('VR-2026-0001', sim.c, sim.clock.now())]).empty).toBe(true);
  });
});

describe('the case sections', () => {
  it('a new report awaiting acceptance: in "new" and in "awaiting-decision", with X-ACCEPT / X-REJECT / X-STOP', () => {
    const now = new Date(T0);
    const v = view('VR-2026-0007', { ...newCase(), rm: 'received' }, now);
    const d = digest(now, [v], { newCases: [{ caseId: 'VR-2026-0007', kind: 'product', createdAt: now }] });
    expect(d.empty).toBe(false);
    expect(section(d, 'new')?.lines).toEqual([{ type: 'case', caseId: 'VR-2026-0007', caseKind: 'product', state: 'received', products: [], openedAt: now, actions: [{ via: 'mail', keyword: 'X-ACCEPT' }, { via: 'mail', keyword: 'X-REJECT' }, { via: 'mail', keyword: 'X-STOP' }] }]);
    expect(section(d, 'awaiting-decision')?.lines).toMatchObject([{ caseId: 'VR-2026-0007', state: 'received', who: ['coordinator'], vendorIds: [], dates: [] }]);
    expect(d.sections.map((s) => s.kind)).toEqual(['new', 'awaiting-decision']);
  });

  it('a vendor silent 10 days: listed with its reminders and the commands; the desk-proposed date awaits X-SET-DATE with the date', () => {
    const sim = new Sim(newCase(), T0);
    sim.step({ type: 'add-vendor', vendor: ACME });
    sim.runDays(10);
    const now = sim.clock.now();
    const d = digest(now, [view('VR-2026-0002', sim.c, now)]);
    expect(section(d, 'silent')).toEqual({
      kind: 'silent',
      days: 7,
      lines: [{ caseId: 'VR-2026-0002', party: 'vendor', partyId: 'acme', product: 'Acme Router 1.0', status: 'reminded(1)', reminders: 1, silentSince: new Date(T0), days: 10, actions: [{ via: 'mail', keyword: 'X-NOTIFY-VENDORS' }, { via: 'mail', keyword: 'X-MARK-UNREACHABLE', arg: 'acme' }] }],
    });
    expect(section(d, 'awaiting-decision')?.lines).toEqual([
      { caseId: 'VR-2026-0002', state: 'coordinating', who: ['coordinator'], vendorIds: [], dates: ['2026-02-19'], lastActivity: null, actions: [{ via: 'mail', keyword: 'X-SET-DATE', arg: '2026-02-19' }] },
    ]);
    // Six days: not yet silent by the configured 7.
    const early = new Sim(newCase(), T0);
    early.step({ type: 'add-vendor', vendor: ACME });
    early.runDays(6);
    expect(section(digest(early.clock.now(), [view('VR-2026-0002', early.c, early.clock.now())]), 'silent')).toBeUndefined();
  });

  it('a vendor that answered "investigating" and then went quiet is silent since its answer; one that answered "not affected" is not', () => {
    const sim = new Sim(newCase(), T0);
    sim.step({ type: 'add-vendor', vendor: ACME });
    sim.step({ type: 'add-vendor', vendor: BETA });
    sim.clock.advance(2);
    sim.step({ type: 'vendor-reply', vendorId: 'acme', reply: { status: 'investigating' } });
    sim.step({ type: 'vendor-reply', vendorId: 'beta', reply: { status: 'not-affected' } });
    sim.runDays(8);
    const now = sim.clock.now();
    const lines = section(digest(now, [view('VR-2026-0003', sim.c, now)]), 'silent')?.lines ?? [];
    expect(lines.map((l) => [l.partyId, l.status, l.days, l.actions])).toEqual([['acme', 'answered investigating', 8, [{ via: 'mail', keyword: 'X-RELAY', arg: 'acme' }]]]);
  });

  it('an unreachable vendor has its own section (not silent, not a second awaiting item), with X-MARK-REACHABLE and X-OPEN-IMPOSSIBLE', () => {
    const sim = new Sim(newCase(), T0);
    sim.step({ type: 'add-vendor', vendor: ACME });
    sim.runDays(28);
    const now = sim.clock.now();
    expect(sim.vendor('acme').coordination).toBe('unreachable');
    const d = digest(now, [view('VR-2026-0004', sim.c, now)]);
    expect(section(d, 'unreachable')?.lines).toEqual([
      {
        caseId: 'VR-2026-0004', vendorId: 'acme', product: 'Acme Router 1.0', since: sim.vendor('acme').unreachableSince, listedSince: sim.vendor('acme').vendorNamePublishedAt, productListedSince: null,
        actions: [{ via: 'mail', keyword: 'X-MARK-REACHABLE', arg: 'acme' }, { via: 'mail', keyword: 'X-OPEN-IMPOSSIBLE' }],
      },
    ]);
    expect(section(d, 'silent')).toBeUndefined();
    const todo = section(d, 'awaiting-decision')?.lines[0];
    expect(todo?.actions.map((a) => (a.via === 'mail' ? a.keyword : ''))).not.toContain('X-MARK-REACHABLE');
  });

  it('an agreed date within 14 days is a publication; the day after it passes the case is overdue', () => {
    const sim = new Sim(newCase(), T0);
    sim.step({ type: 'add-vendor', vendor: ACME });
    sim.step({ type: 'vendor-reply', vendorId: 'acme', reply: { status: 'affected' } });
    sim.step({ type: 'set-date', date: '2026-01-19' });
    let now = sim.clock.now();
    let d = digest(now, [view('VR-2026-0005', sim.c, now)]);
    expect(section(d, 'publications')).toEqual({ kind: 'publications', days: 14, lines: [{ caseId: 'VR-2026-0005', date: '2026-01-19', daysLeft: 14, products: ['Acme Router 1.0'], actions: [{ via: 'mail', keyword: 'X-SET-DATE' }] }] });
    expect(section(d, 'overdue')).toBeUndefined();
    // Fifteen days ahead is outside the window.
    const later = new Sim(newCase(), T0);
    later.step({ type: 'add-vendor', vendor: ACME });
    later.step({ type: 'vendor-reply', vendorId: 'acme', reply: { status: 'affected' } });
    later.step({ type: 'set-date', date: '2026-01-20' });
    expect(section(digest(later.clock.now(), [view('VR-2026-0006', later.c, later.clock.now())]), 'publications')).toBeUndefined();
    // Two days after the agreed date, with the desk not having published (no tick ran).
    now = new Date('2026-01-21T01:00:00Z');
    d = digest(now, [view('VR-2026-0005', sim.c, now)]);
    expect(section(d, 'overdue')?.lines).toEqual([
      { caseId: 'VR-2026-0005', state: 'scheduled', reasons: ['agreed-date-passed'], targetJst: '2026-02-19', agreedJst: '2026-01-19', daysLate: 2, actions: [{ via: 'mail', keyword: 'X-PUBLISH' }, { via: 'mail', keyword: 'X-SET-DATE' }] },
    ]);
    expect(section(d, 'publications')).toBeUndefined();
  });

  it('past the target with no agreed date: overdue by the target, with X-SET-DATE and X-OPEN-IMPOSSIBLE', () => {
    const sim = new Sim(newCase(), T0);
    sim.step({ type: 'add-vendor', vendor: ACME });
    sim.step({ type: 'vendor-reply', vendorId: 'acme', reply: { status: 'investigating' } });
    const now = new Date('2026-02-22T01:00:00Z');
    const line = section(digest(now, [view('VR-2026-0008', sim.c, now)]), 'overdue')?.lines[0];
    expect(line).toMatchObject({ reasons: ['target-passed'], targetJst: '2026-02-19', agreedJst: null, daysLate: 3 });
    expect(line?.actions).toEqual([{ via: 'mail', keyword: 'X-SET-DATE' }, { via: 'mail', keyword: 'X-OPEN-IMPOSSIBLE' }]);
  });
});

describe('the desk sections', () => {
  const now = new Date('2026-01-15T00:00:00Z');
  const day = 86_400_000;

  it('refused mail and failed jobs are counted by code, with message numbers and `jobs failed` to act', () => {
    const d = digest(now, [], {
      refusedMail: [
        { source: 'reply-refused', code: 'unknown-signer', count: 1, messageIds: [40] },
        { source: 'rejected', code: 'not-for-us', count: 3, messageIds: [12, 17, 31] },
        { source: 'rejected', code: 'malformed', count: 0, messageIds: [] },
      ],
      failedJobs: [{ event: 'notice-failed', job: 'notify', code: 'job-failed', count: 2, caseIds: ['VR-2026-0002'], messageIds: [], last: now }],
    });
    const refused = section(d, 'refused-mail');
    expect(refused?.total).toBe(4);
    expect(refused?.lines.map((l) => [l.source, l.code, l.count, l.messageIds])).toEqual([
      ['rejected', 'not-for-us', 3, [12, 17, 31]],
      ['reply-refused', 'unknown-signer', 1, [40]],
    ]);
    expect(section(d, 'failed-jobs')).toMatchObject({ total: 2, lines: [{ event: 'notice-failed', job: 'notify', caseIds: ['VR-2026-0002'], actions: [{ via: 'cli', argv: ['jobs', 'failed'] }] }] });
  });

  it('keys expiring within 30 days, or expired, or unusable, are listed soonest first; later or never-expiring keys are not', () => {
    const d = digest(now, [], {
      keys: [
        { owner: { kind: 'vendor', id: 'acme' }, fingerprint: 'A'.repeat(40), expiresAt: new Date(now.getTime() + 10 * day) },
        { owner: { kind: 'vendor', id: 'beta' }, fingerprint: 'B'.repeat(40), expiresAt: new Date(now.getTime() + 31 * day) },
        { owner: { kind: 'desk' }, fingerprint: 'C'.repeat(40), expiresAt: null },
        { owner: { kind: 'coordinator', name: 'Sato' }, fingerprint: 'D'.repeat(40), expiresAt: new Date(now.getTime() - 2 * day) },
        { owner: { kind: 'vendor', id: 'gamma' }, fingerprint: 'E'.repeat(40), expiresAt: null, unusable: true },
        // The same key twice (two rows naming it) is one line.
        { owner: { kind: 'vendor', id: 'acme' }, fingerprint: 'A'.repeat(40), expiresAt: new Date(now.getTime() + 10 * day) },
      ],
    });
    const keys = section(d, 'keys');
    expect(keys?.days).toBe(30);
    expect(keys?.lines.map((k) => [k.owner, k.expired, k.daysLeft])).toEqual([
      [{ kind: 'vendor', id: 'gamma' }, true, null],
      [{ kind: 'coordinator', name: 'Sato' }, true, -2],
      [{ kind: 'vendor', id: 'acme' }, false, 10],
    ]);
    expect(keys?.lines[2]?.actions).toEqual([{ via: 'cli', argv: ['vendors', 'show', 'acme'] }, { via: 'cli', argv: ['vendors', 'import', '<registry.yaml>'] }]);
  });

  it('new drafts show their tag and the missing field names, and the case they became', () => {
    const d = digest(now, [], { newDrafts: [{ tag: 'DRAFT-ABC', createdAt: new Date(now.getTime() - day), missing: ['product', 'version'], caseId: null }, { tag: 'DRAFT-0AA', createdAt: new Date(now.getTime() - 2 * day), missing: [], caseId: 'VR-2026-0009' }] });
    expect(section(d, 'new')?.lines.map((l) => (l.type === 'draft' ? [l.tag, l.missing, l.caseId, l.actions.length] : null))).toEqual([
      ['DRAFT-0AA', [], 'VR-2026-0009', 1],
      ['DRAFT-ABC', ['product', 'version'], null, 0],
    ]);
  });
});

describe('what a digest never carries', () => {
  it('no reporter identity, no vendor names, no addresses, no prose from the views: ids, products, dates, codes and commands', () => {
    const sim = new Sim(newCase({ shareIdentity: true }), T0);
    sim.step({ type: 'add-vendor', vendor: ACME });
    sim.step({ type: 'add-vendor', vendor: BETA });
    sim.runDays(30);
    const now = sim.clock.now();
    const v = view('VR-2026-0010', sim.c, now);
    const d = digest(now, [v], { newCases: [{ caseId: 'VR-2026-0010', kind: 'product', createdAt: new Date(T0) }] });
    expect(d.sections.length).toBeGreaterThan(2);
    const text = JSON.stringify(d);
    for (const forbidden of ['山田', 'Acme Corp', 'Beta Soft', '@', 'proposed by', 'unreachable:', 'reminder']) expect(text, forbidden).not.toContain(forbidden);
    // Every case line names its case and carries a way to act.
    for (const s of d.sections) {
      for (const l of s.lines) {
        if ('caseId' in l && l.caseId !== null) expect(l.caseId).toMatch(/^VR-2026-\d{4}$/);
        if (s.kind !== 'refused-mail') expect(l.actions.length, s.kind).toBeGreaterThan(0);
      }
    }
  });
});

// ---- website cases (guideline §4; issue 11) ------------------------------------------------

describe('website cases in the digest', () => {
  const siteView = (id: string, c: WebsiteCase, now: Date): CaseView => deriveCaseView({ id, kind: 'website', storedState: '', snapshot: { ...c, id }, lastActivity: null, now });
  function notified(): SiteSim {
    const sim = new SiteSim(newSite({}, 'accepted'), T0);
    sim.step({ type: 'confirm-operator', operator: SHOP });
    return sim;
  }

  it('an operator silent for the configured days is in "silent" with its reminders and X-NOTIFY-OPERATOR / X-STOP; 6 days is not', () => {
    const early = notified();
    early.runDays(6);
    expect(section(digest(early.clock.now(), [siteView('VR-2026-0100', early.c, early.clock.now())]), 'silent')).toBeUndefined();
    const sim = notified();
    sim.runDays(10);
    const now = sim.clock.now();
    const d = digest(now, [siteView('VR-2026-0100', sim.c, now)]);
    expect(section(d, 'silent')?.lines).toEqual([
      { caseId: 'VR-2026-0100', party: 'operator', partyId: 'shop', product: null, status: 'reminded(1)', reminders: 1, silentSince: new Date(T0), days: 10, actions: [{ via: 'mail', keyword: 'X-NOTIFY-OPERATOR' }, { via: 'mail', keyword: 'X-STOP' }] },
    ]);
    // Not overdue: the fix target (2026-04-05) is far.
    expect(section(d, 'overdue')).toBeUndefined();
  });

  it('an operator that answered "investigating" and went quiet is silent since its answer, with X-RELAY to it; "not affected" is not waited for', () => {
    const sim = notified();
    sim.clock.advance(2);
    sim.step({ type: 'operator-reply', operatorId: 'shop', reply: { status: 'investigating' } });
    const answeredAt = sim.clock.now();
    sim.runDays(8);
    const now = sim.clock.now();
    expect(section(digest(now, [siteView('VR-2026-0100', sim.c, now)]), 'silent')?.lines).toEqual([
      { caseId: 'VR-2026-0100', party: 'operator', partyId: 'shop', product: null, status: 'answered investigating', reminders: 0, silentSince: answeredAt, days: 8, actions: [{ via: 'mail', keyword: 'X-RELAY', arg: 'shop' }] },
    ]);
    const no = notified();
    no.step({ type: 'operator-reply', operatorId: 'shop', reply: { status: 'not-affected' } });
    no.runDays(20);
    const d = digest(no.clock.now(), [siteView('VR-2026-0100', no.c, no.clock.now())]);
    expect(section(d, 'silent')).toBeUndefined();
    expect(section(d, 'awaiting-decision')?.lines.map((l) => l.caseId)).toEqual(['VR-2026-0100']);
  });

  it('past its fix target: "overdue" by the fix target (not a publication date), with the operator commands, never X-SET-DATE', () => {
    const sim = notified();
    sim.step({ type: 'operator-reply', operatorId: 'shop', reply: { status: 'investigating' } });
    const now = new Date('2026-04-08T01:00:00Z'); // fix target 2026-04-05 (起算日 2026-01-05 + 90)
    const line = section(digest(now, [siteView('VR-2026-0100', sim.c, now)]), 'overdue')?.lines[0];
    expect(line).toEqual({ caseId: 'VR-2026-0100', state: 'operator-answered', reasons: ['fix-target-passed'], targetJst: '2026-04-05', agreedJst: null, daysLate: 3, actions: [{ via: 'mail', keyword: 'X-RELAY', arg: 'shop' }, { via: 'mail', keyword: 'X-STOP' }] });
    // A silent one: the details again.
    const quiet = notified();
    const q = section(digest(now, [siteView('VR-2026-0101', quiet.c, now)]), 'overdue')?.lines[0];
    expect(q?.actions).toEqual([{ via: 'mail', keyword: 'X-NOTIFY-OPERATOR' }, { via: 'mail', keyword: 'X-STOP' }]);
    // Fixed: nothing left.
    sim.step({ type: 'operator-reply', operatorId: 'shop', reply: { status: 'fixed' } });
    expect(digest(now, [siteView('VR-2026-0100', sim.c, now)]).empty).toBe(true);
  });

  it('the rendered digest names the case and the operator id, never the site (ja and en)', () => {
    const sim = notified();
    const now = new Date('2026-04-08T01:00:00Z');
    const d = digest(now, [siteView('VR-2026-0100', sim.c, now)]);
    for (const lang of ['ja', 'en'] as const) {
      const r = renderNotice('digest', lang, d);
      expect(r.text).toContain('VR-2026-0100');
      expect(r.text).toContain(lang === 'ja' ? '修正の目標日を過ぎています' : 'the fix target has passed');
      expect(r.text).toContain(lang === 'ja' ? 'サイト運営者 shop' : 'site operator shop');
      expect(r.text).toContain('X-NOTIFY-OPERATOR');
      expect(r.text).not.toContain('Example Shop');
      expect(r.text).not.toContain('example.jp');
    }
  });
});
