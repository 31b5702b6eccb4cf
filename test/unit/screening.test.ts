import { describe, expect, it } from 'vitest';
import type { InspectResult, ReportForm } from '../../src/domain/inspect.ts';
import { languageOf, mergeDraft, missingOf, screen, type Decision, type ScreeningInput } from '../../src/rules/screening.ts';

const complete: ReportForm = {
  kind: 'product',
  reporter: { name: '山田 太郎', email: 'taro@reporter.test' },
  product: { name: 'Router', version: '1.0' },
  vulnerability: { summary: 'XSS' },
  reproduction: 'steps',
  missing: [],
};

const verdict = (over: Partial<InspectResult> = {}): InspectResult => ({
  messageId: '<m@x>',
  from: 'taro@reporter.test',
  subject: 's',
  encryption: 'pgp-mime',
  signature: { status: 'valid', fingerprint: 'F'.repeat(40), matchesFrom: true },
  kind: 'report',
  report: complete,
  attachments: [],
  rejected: null,
  notes: [],
  ...over,
});

const input = (over: Partial<ScreeningInput> = {}): ScreeningInput => ({ verdict: verdict(), text: '氏名: 山田', automated: false, senderKey: 'ok', draft: null, ...over });
const types = (d: Decision[]): string[] => d.map((x) => (x.type === 'notice' ? `notice:${x.template}` : x.type));

describe('screening (guideline §3 items 1-3)', () => {
  it('a complete encrypted report from a reachable reporter opens an accepted case and acknowledges it', () => {
    const d = screen(input());
    expect(types(d)).toEqual(['open-case', 'notice:ack']);
    const open = d[0] as Extract<Decision, { type: 'open-case' }>;
    expect(open.states).toEqual(['received', 'valid', 'accepted']);
    expect(open.lang).toBe('ja');
    expect(d[1]).toMatchObject({ encrypted: true, to: 'taro@reporter.test' });
  });

  it('missing fields: a draft and the list, no case', () => {
    const r = { ...complete, reproduction: undefined, missing: ['reproduction'] };
    expect(types(screen(input({ verdict: verdict({ report: r }) })))).toEqual(['save-draft', 'record', 'notice:missing']);
  });

  it('a completed resend continues the draft and opens the case', () => {
    const draft: ReportForm = { ...complete, reproduction: undefined, missing: ['reproduction'] };
    const resend: ReportForm = { reproduction: 'now with steps', missing: [] };
    const d = screen(input({ verdict: verdict({ report: resend }), draft }));
    expect(types(d)).toEqual(['open-case', 'close-draft', 'notice:ack']);
    expect((d[0] as Extract<Decision, { type: 'open-case' }>).report.reproduction).toBe('now with steps');
  });

  it('unencrypted: content-free answer, no case, no draft', () => {
    const d = screen(input({ verdict: verdict({ encryption: 'none' }) }));
    expect(types(d)).toEqual(['record', 'notice:unencrypted']);
    expect(d[1]).toMatchObject({ encrypted: false });
  });

  it('no usable key: content-free notice, the report waits as a draft (fail closed)', () => {
    for (const k of ['none', 'expired', 'revoked'] as const) {
      const d = screen(input({ senderKey: k }));
      expect(types(d)).toEqual(['save-draft', 'record', 'notice:nokey']);
      expect(d[2]).toMatchObject({ encrypted: false, keyWhy: k });
    }
  });

  it('a rejected message is answered content-free, but never an automated one', () => {
    const v = verdict({ rejected: { reason: 'mixed-encryption', detail: 'x' }, kind: 'unknown', report: undefined });
    expect(types(screen(input({ verdict: v })))).toEqual(['record', 'notice:rejected']);
    expect(types(screen(input({ verdict: v, automated: true })))).toEqual(['record']);
  });

  it('an invalid signature is not processed', () => {
    const d = screen(input({ verdict: verdict({ signature: { status: 'invalid', fingerprint: null, matchesFrom: false } }) }));
    expect(types(d)).toEqual(['record', 'notice:rejected']);
  });

  it('no From or automated mail is recorded only', () => {
    expect(types(screen(input({ verdict: verdict({ from: null }) })))).toEqual(['record']);
    expect(types(screen(input({ automated: true })))).toEqual(['record']);
  });

  it('free text without a form is read as a report with every field missing', () => {
    const d = screen(input({ verdict: verdict({ kind: 'unknown', report: undefined }) }));
    expect(types(d)).toEqual(['save-draft', 'record', 'notice:missing']);
  });
});

describe('helpers', () => {
  it('missingOf follows the kind', () => {
    expect(missingOf({ kind: 'website', missing: [] })).toEqual(['reporter.name', 'website.url', 'reporter.email', 'vulnerability.summary', 'reproduction']);
    expect(missingOf(complete)).toEqual([]);
  });
  it('mergeDraft: new values win, nested objects merge', () => {
    const m = mergeDraft({ reporter: { name: 'A', email: 'a@x' }, missing: [] }, { reporter: { name: 'B' }, missing: [] });
    expect(m.reporter).toEqual({ name: 'B', email: 'a@x' });
  });
  it('languageOf', () => {
    expect(languageOf('氏名: 山田')).toBe('ja');
    expect(languageOf('Name: Taro')).toBe('en');
  });
});
