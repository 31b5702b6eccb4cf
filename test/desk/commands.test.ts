// src/desk/commands.ts without a database: each parsed command becomes the rules' event
// (docs/commands.md lists no command the desk does not apply), and what the rules decided
// becomes the confirmation's details and errors.
import { describe, expect, it } from 'vitest';
import { commandErrorText, COMMAND_ERROR_CODES, effectText } from '../../src/commands/confirm.ts';
import { COMMAND_KINDS, parseCliCommand, parseCommandMail, type Command, type CommandKind } from '../../src/commands/parse.ts';
import { commandErrorOf, confirmationDetails, isCommandError, relayLeak, toProductEvent, type RulesError } from '../../src/desk/commands.ts';
import { applyDecisions, COMMAND_TYPES, decideProduct, newVendor, stepProduct, type ProductCase, type ProductEvent } from '../../src/rules/product.ts';
import type { Vendor } from '../../src/store/vendors.ts';
import { ACME, BETA, newCase } from '../rules/product-support.ts';

const NOW = new Date('2026-01-05T01:00:00Z');

function vendor(id: string, over: Partial<Vendor> = {}): Vendor {
  return {
    id,
    name: `${id} Inc.`,
    nameJa: null,
    registration: 'general',
    acceptsDirect: false,
    publishName: true,
    contacts: { to: [`psirt@${id}.example`], cc: [] },
    keys: [],
    products: [{ name: `${id} Router`, keywords: [] }],
    createdAt: NOW,
    updatedAt: NOW,
    removedAt: null,
    ...over,
  };
}

const REGISTRY = new Map<string, Vendor>([
  ['acme', vendor('acme', { acceptsDirect: true })],
  ['beta', vendor('beta')],
  ['gone', vendor('gone', { acceptsDirect: true, removedAt: NOW })],
]);

/** One command of every kind (the mapped type makes a missing kind a compile error). */
const SAMPLE: { [K in CommandKind]: Extract<Command, { kind: K }> } = {
  accept: { kind: 'accept', comment: null },
  reject: { kind: 'reject', reason: 'no product named' },
  stop: { kind: 'stop', reason: 'known', text: 'CVE-2025-1234' },
  'add-vendor': { kind: 'add-vendor', vendor: 'acme' },
  'remove-vendor': { kind: 'remove-vendor', vendor: 'acme' },
  'set-date': { kind: 'set-date', date: '2026-02-01' },
  'mark-unreachable': { kind: 'mark-unreachable', vendor: 'acme' },
  'mark-reachable': { kind: 'mark-reachable', vendor: 'acme' },
  'open-impossible': { kind: 'open-impossible', reason: null },
  'committee-decision': { kind: 'committee-decision', decision: 'publish', reason: null },
  publish: { kind: 'publish' },
  note: { kind: 'note', text: 'called' },
  'notify-vendors': { kind: 'notify-vendors' },
  'direct-contact': { kind: 'direct-contact', vendor: 'acme' },
  relay: { kind: 'relay', to: 'acme', text: 'please confirm the version you tested' },
  release: { kind: 'release', hold: 'H7K3QX0' },
  redact: { kind: 'redact', hold: 'H7K3QX0', field: null, text: null },
  'confirm-operator': { kind: 'confirm-operator', operator: 'example-co' },
  'notify-operator': { kind: 'notify-operator' },
  'add-vulnerability': { kind: 'add-vulnerability', cwe: 'CWE-89', cvss: null, summary: 'SQL injection' },
  'split-vulnerability': { kind: 'split-vulnerability', number: 1, cwe: null, cvss: null, summary: 'the same in export' },
  'set-cve': { kind: 'set-cve', number: 1, cve: 'CVE-2026-12345' },
  handover: { kind: 'handover', partner: 'certcc' },
  'priority-consent': { kind: 'priority-consent', vendor: 'acme' },
  'priority-notice': { kind: 'priority-notice' },
};

const withAcme = (consent = {}): ProductCase => stepProduct(newCase(consent), { type: 'add-vendor', vendor: ACME }, NOW).case;

function event(cmd: Command, c: ProductCase = withAcme()): ProductEvent {
  const e = toProductEvent(cmd, c, REGISTRY);
  if (isCommandError(e)) throw new Error(e.code);
  return e;
}

describe('toProductEvent', () => {
  // X-RELEASE / X-REDACT act on a notice held for the reporter's identity, not on the state;
  // X-HANDOVER sends the case to a partner (src/desk/handover.ts), the state unchanged.
  const HOLD_KINDS: readonly string[] = ['release', 'redact', 'handover'];
  // issue 12: the vulnerability commands act on the case's vulnerabilities (src/desk/vulnerabilities.ts).
  const VULNERABILITY_KINDS: readonly string[] = ['add-vulnerability', 'split-vulnerability', 'set-cve'];
  // The website track's own commands (issue 11) are refused on a product case with their own code.
  const WEBSITE_ONLY: readonly string[] = ['confirm-operator', 'notify-operator'];
  it.each(WEBSITE_ONLY)('%s is refused on a product case (product-case)', (kind) => {
    expect(toProductEvent(SAMPLE[kind as CommandKind], withAcme(), REGISTRY)).toEqual({ code: 'product-case' });
  });
  it.each(VULNERABILITY_KINDS)('%s is no rules event: it is applied to the case\'s vulnerabilities', (kind) => {
    expect(toProductEvent(SAMPLE[kind as CommandKind], withAcme(), REGISTRY)).toMatchObject({ code: 'not-allowed', state: expect.stringMatching(/vulnerabilities/) as unknown });
  });
  it.each(COMMAND_KINDS.filter((k) => !HOLD_KINDS.includes(k) && !WEBSITE_ONLY.includes(k) && !VULNERABILITY_KINDS.includes(k)))('%s becomes a rules event (nothing is "not supported")', (kind) => {
    const e = toProductEvent(SAMPLE[kind], withAcme(), REGISTRY);
    expect(isCommandError(e), isCommandError(e) ? e.code : '').toBe(false);
    expect(COMMAND_TYPES as readonly string[]).toContain((e as ProductEvent).type);
  });

  it('release and redact are no rules event: they are applied to the held notice', () => {
    expect(toProductEvent(SAMPLE.release, withAcme(), REGISTRY)).toMatchObject({ code: 'not-allowed', state: expect.stringMatching(/held notice/) as unknown });
    expect(toProductEvent(SAMPLE.redact, withAcme(), REGISTRY)).toMatchObject({ code: 'not-allowed', state: expect.stringMatching(/held notice/) as unknown });
  });

  it('maps every stop reason, the duplicate with its case id', () => {
    for (const reason of ['not-vulnerability', 'not-reproducible', 'illegal', 'known'] as const) {
      expect(event({ kind: 'stop', reason, text: null })).toEqual({ type: 'stop', reason: { kind: reason } });
    }
    expect(event({ kind: 'stop', reason: 'duplicate', duplicateOf: 'VR-2026-0007', text: null })).toEqual({ type: 'stop', reason: { kind: 'duplicate', caseId: 'VR-2026-0007' } });
  });

  it('the spellings of the command line reach the same events', () => {
    const of = (...args: string[]): ProductEvent => {
      const p = parseCliCommand(['VR-2026-0001', ...args]);
      expect(p.errors).toEqual([]);
      return event(p.commands[0]!);
    };
    expect(of('stop', '既知')).toEqual({ type: 'stop', reason: { kind: 'known' } });
    expect(of('stop', 'already-known', 'see', 'CVE-2025-1234')).toEqual({ type: 'stop', reason: { kind: 'known' }, text: 'see CVE-2025-1234' });
    expect(of('notify-vendors')).toEqual({ type: 'notify-vendors' });
    expect(of('X-MARK-REACHABLE', 'ACME')).toEqual({ type: 'mark-reachable', vendorId: 'acme' });
    expect(of('direct-contact', 'acme')).toEqual({ type: 'direct-contact', vendorId: 'acme', vendorConsents: true });
  });

  it("direct-contact carries the registry's accepts_direct as the vendor's consent", () => {
    expect(event({ kind: 'direct-contact', vendor: 'acme' })).toEqual({ type: 'direct-contact', vendorId: 'acme', vendorConsents: true });
    expect(event({ kind: 'direct-contact', vendor: 'beta' })).toEqual({ type: 'direct-contact', vendorId: 'beta', vendorConsents: false });
    expect(toProductEvent({ kind: 'direct-contact', vendor: 'nobody' }, withAcme(), REGISTRY)).toEqual({ code: 'unknown-vendor', vendor: 'nobody' });
    expect(toProductEvent({ kind: 'direct-contact', vendor: 'gone' }, withAcme(), REGISTRY)).toEqual({ code: 'unknown-vendor', vendor: 'gone' });
  });
});

describe('toProductEvent: relay (guideline §3.10)', () => {
  it('a vendor, or null for the reporter, and the text as parsed', () => {
    expect(event(SAMPLE.relay)).toEqual({ type: 'relay', vendorId: 'acme', text: 'please confirm the version you tested' });
    expect(event({ kind: 'relay', to: null, text: '再現手順を\nご確認ください' })).toEqual({ type: 'relay', vendorId: null, text: '再現手順を\nご確認ください' });
  });

  it('from both forms of the command language', () => {
    const cli = parseCliCommand(['VR-2026-0001', 'relay', '発見者', 'the', 'vendor', 'asks']);
    expect(cli.errors).toEqual([]);
    expect(event(cli.commands[0]!)).toEqual({ type: 'relay', vendorId: null, text: 'the vendor asks' });
    const mail = parseCommandMail('X-CASE: VR-2026-0001\nX-RELAY: ACME\n  line one\n  line two\n');
    expect(mail.errors).toEqual([]);
    expect(event(mail.commands[0]!)).toEqual({ type: 'relay', vendorId: 'acme', text: 'line one\nline two' });
  });

  it('the rules decide the relay on an accepted case; the confirmation has no details', () => {
    const c = withAcme();
    const d = decideProduct(c, event(SAMPLE.relay, c), NOW);
    expect(d).toEqual([
      { type: 'relay', vendorId: 'acme', text: 'please confirm the version you tested' },
      { type: 'record', event: 'relayed', detail: 'relayed 37 characters to acme' },
    ]);
    expect(confirmationDetails(SAMPLE.relay, c, d)).toEqual({});
  });

  it('a vendor not in the registry is left to the rules (it is not on the case either)', () => {
    expect(toProductEvent({ kind: 'relay', to: 'nobody', text: 'x' }, withAcme(), REGISTRY)).toEqual({ type: 'relay', vendorId: 'nobody', text: 'x' });
  });
});

describe('confirmationDetails', () => {
  it('accept on an accepted case: unchanged; on a received one: changed', () => {
    const c = withAcme();
    expect(confirmationDetails(SAMPLE.accept, c, decideProduct(c, { type: 'accept' }, NOW))).toEqual({ unchanged: true });
    const received: ProductCase = { ...newCase(), rm: 'received' };
    expect(confirmationDetails(SAMPLE.accept, received, decideProduct(received, { type: 'accept' }, NOW))).toEqual({});
    const effect = effectText({ command: SAMPLE.accept, status: 'applied', unchanged: true }, 'en');
    expect(effect).toContain('already accepted');
  });

  it('notify-vendors: first notices and notices again, by vendor', () => {
    // acme notified earlier; beta on the case but not notified (the reducer adds without notifying).
    const notified = stepProduct(newCase({}, [ACME]), { type: 'notify-vendors' }, NOW).case;
    const c = applyDecisions(notified, [{ type: 'add-vendor', vendor: newVendor(BETA) }]);
    expect(c.vendors.map((v) => [v.id, v.coordination])).toEqual([
      ['acme', 'notified'],
      ['beta', 'unnotified'],
    ]);
    const later = new Date(NOW.getTime() + 86_400_000);
    const d = decideProduct(c, { type: 'notify-vendors' }, later);
    const details = confirmationDetails(SAMPLE['notify-vendors'], c, d);
    expect(details).toEqual({ notified: ['beta'], notifiedAgain: ['acme'] });
    const en = effectText({ command: SAMPLE['notify-vendors'], status: 'applied', ...details }, 'en');
    expect(en).toBe('Vendor notifications: first notification to beta; sent again to acme (start date and reminders unchanged).');
    const ja = effectText({ command: SAMPLE['notify-vendors'], status: 'applied', ...details }, 'ja');
    expect(ja).toContain('beta に初回の通知');
    expect(ja).toContain('acme に再送');
  });

  it('set-date: the date agreed before, null when there was none', () => {
    const c = withAcme();
    const cmd = SAMPLE['set-date'];
    expect(confirmationDetails(cmd, c, decideProduct(c, event(cmd, c), NOW))).toEqual({ previousDate: null });
    const agreed = stepProduct(c, { type: 'set-date', date: '2026-01-20' }, NOW).case;
    expect(confirmationDetails(cmd, agreed, decideProduct(agreed, event(cmd, agreed), NOW))).toEqual({ previousDate: '2026-01-20' });
  });
});

describe('commandErrorOf: the rules refusals as confirmation errors', () => {
  const refusal = (cmd: Command, c: ProductCase): RulesError => {
    const d = decideProduct(c, event(cmd, c), NOW);
    expect(d).toHaveLength(1);
    const e = d[0]!;
    if (e.type !== 'error') throw new Error(`not refused: ${JSON.stringify(d)}`);
    return e;
  };
  const cases: [string, Command, () => ProductCase, ReturnType<typeof commandErrorOf>][] = [
    ['reporter consent missing', SAMPLE['direct-contact'], () => withAcme(), { code: 'no-consent', party: 'reporter' }],
    ['vendor consent missing', { kind: 'direct-contact', vendor: 'beta' }, () => stepProduct(newCase({ directContact: true }), { type: 'add-vendor', vendor: BETA }, NOW).case, { code: 'no-consent', party: 'vendor', vendor: 'beta' }],
    ['vendor not on the case', { kind: 'direct-contact', vendor: 'beta' }, () => withAcme({ directContact: true }), { code: 'vendor-not-in-case', vendor: 'beta' }],
    ['mark-reachable: vendor not on the case', { kind: 'mark-reachable', vendor: 'beta' }, () => withAcme(), { code: 'vendor-not-in-case', vendor: 'beta' }],
    ['add a vendor twice', SAMPLE['add-vendor'], () => withAcme(), { code: 'vendor-already-in-case', vendor: 'acme' }],
    ['notify without vendors', SAMPLE['notify-vendors'], () => newCase(), { code: 'no-vendors' }],
    [
      'notify when every vendor answered',
      SAMPLE['notify-vendors'],
      () => stepProduct(withAcme(), { type: 'vendor-reply', vendorId: 'acme', reply: { status: 'affected' } }, NOW).case,
      { code: 'nothing-to-notify' },
    ],
    ['a date in the past', { kind: 'set-date', date: '2026-01-01' }, () => withAcme(), { code: 'date-in-past', date: '2026-01-01' }],
    ['no committee procedure', SAMPLE['committee-decision'], () => withAcme(), { code: 'not-impossible' }],
    ['a reachable vendor', SAMPLE['mark-reachable'], () => withAcme(), { code: 'not-allowed', state: 'acme is not unreachable (contact state "notified")' }],
    ['relay: vendor not on the case', { kind: 'relay', to: 'beta', text: 'x' }, () => withAcme(), { code: 'vendor-not-in-case', vendor: 'beta' }],
    ['relay: vendor not notified', SAMPLE.relay, () => newCase({}, [ACME]), { code: 'vendor-not-notified', vendor: 'acme' }],
    [
      'relay: vendor marked unreachable before its notification',
      SAMPLE.relay,
      () => stepProduct(newCase({}, [ACME]), { type: 'mark-unreachable', vendorId: 'acme' }, NOW).case,
      { code: 'vendor-not-notified', vendor: 'acme' },
    ],
    ['relay: the text names the reporter', { kind: 'relay', to: 'acme', text: '発見者の山田太郎さんから' }, () => withAcme(), { code: 'names-reporter' }],
    ['relay: a closed case', SAMPLE.relay, () => stepProduct(withAcme(), { type: 'stop', reason: { kind: 'illegal' } }, NOW).case, { code: 'not-allowed', state: 'case VR-2026-0001 is not accepted (report state "closed")' }],
    ['direct-contact: vendor not notified', SAMPLE['direct-contact'], () => newCase({ directContact: true }, [ACME]), { code: 'vendor-not-notified', vendor: 'acme' }],
  ];
  it.each(cases)('%s', (_name, cmd, make, want) => {
    expect(commandErrorOf(refusal(cmd, make()))).toEqual(want);
  });

  it('a refusal without a code is not-allowed with the rules\' words (no text is read back into a code)', () => {
    expect(commandErrorOf({ type: 'error', message: "the text gives the reporter's address" })).toEqual({ code: 'not-allowed', state: "the text gives the reporter's address" });
  });

  it('every mapped code has a sentence', () => {
    for (const [, , , want] of cases) {
      expect(COMMAND_ERROR_CODES).toContain(want.code);
      expect(commandErrorText(want, 'en', 'VR-2026-0001').length).toBeGreaterThan(10);
    }
  });
});

describe('relayLeak (the reporter\'s identity in a relay to a vendor, checked before anything is applied)', () => {
  const report = { reporter: { name: '山田 太郎', email: 'taro@reporter.test', organization: '株式会社サンプル研究所', phone: '03-1234-5678' }, missing: [] };
  const relay = (to: string | null, text: string): Command => ({ kind: 'relay', to, text });
  it('refuses each identifying detail without consent, allows it with consent or to the reporter', () => {
    const c = newCase();
    expect(relayLeak(relay('acme', 'contact TARO@reporter.test'), c, report, 'taro@reporter.test')?.message).toMatch(/gives the reporter's address/);
    expect(relayLeak(relay('acme', '電話 03 1234 5678'), c, report, null)?.message).toMatch(/telephone number/);
    expect(relayLeak(relay('acme', 'サンプル研究所より'), c, report, null)?.message).toMatch(/organisation/);
    expect(relayLeak(relay('acme', '山田です'), c, report, null)?.message).toMatch(/name/);
    expect(relayLeak(relay('acme', 'Which build did you test?'), c, report, 'taro@reporter.test')).toBeNull();
    expect(relayLeak(relay(null, 'taro@reporter.test'), c, report, 'taro@reporter.test')).toBeNull();
    expect(relayLeak(relay('acme', 'taro@reporter.test'), newCase({ shareIdentity: true }), report, 'taro@reporter.test')).toBeNull();
    expect(relayLeak({ kind: 'note', text: 'taro@reporter.test' }, c, report, 'taro@reporter.test')).toBeNull();
    expect(commandErrorOf(relayLeak(relay('acme', '山田'), c, report, null)!)).toEqual({ code: 'names-reporter' });
  });
});
