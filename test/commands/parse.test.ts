import { describe, expect, it } from 'vitest';
import {
  COMMAND_KINDS,
  formatCommand,
  LIMITS,
  looksLikeCommandMail,
  parseCaseId,
  parseCliCommand,
  parseCommandMail,
  parseDate,
  VENDOR_ID,
  type Command,
  type ParseErrorCode,
} from '../../src/commands/parse.ts';
import { VENDOR_ID_RE } from '../../src/store/vendors.ts';
import { parseErrorText } from '../../src/commands/confirm.ts';

const mail = (...lines: string[]): string => lines.join('\n');
const codes = (errors: { code: ParseErrorCode }[]): ParseErrorCode[] => errors.map((e) => e.code);

/** Every command: the mail line, the CLI arguments, and what both must give. */
const EVERY: { line: string; cli: string[]; want: Command }[] = [
  { line: 'X-ACCEPT', cli: ['accept'], want: { kind: 'accept', comment: null } },
  { line: 'X-ACCEPT: complete after resend', cli: ['accept', 'complete after resend'], want: { kind: 'accept', comment: 'complete after resend' } },
  { line: 'X-REJECT: the product is not sold in Japan', cli: ['reject', 'the product is not sold in Japan'], want: { kind: 'reject', reason: 'the product is not sold in Japan' } },
  { line: 'X-STOP: not-vulnerability', cli: ['stop', 'not-vulnerability'], want: { kind: 'stop', reason: 'not-vulnerability', text: null } },
  {
    line: 'X-STOP: not-vulnerability this is documented behaviour',
    cli: ['stop', 'not-vulnerability', 'this is documented behaviour'],
    want: { kind: 'stop', reason: 'not-vulnerability', text: 'this is documented behaviour' },
  },
  {
    line: 'X-STOP: duplicate VR-2026-0007 same root cause',
    cli: ['stop', 'duplicate', 'VR-2026-0007', 'same root cause'],
    want: { kind: 'stop', reason: 'duplicate', duplicateOf: 'VR-2026-0007', text: 'same root cause' },
  },
  { line: 'X-STOP: duplicate VR-2026-0007', cli: ['stop', 'duplicate', 'VR-2026-0007'], want: { kind: 'stop', reason: 'duplicate', duplicateOf: 'VR-2026-0007', text: null } },
  { line: 'X-STOP: not-reproducible tried 3.2.0 and 3.2.1', cli: ['stop', 'not-reproducible', 'tried 3.2.0 and 3.2.1'], want: { kind: 'stop', reason: 'not-reproducible', text: 'tried 3.2.0 and 3.2.1' } },
  { line: 'X-STOP: illegal', cli: ['stop', 'illegal'], want: { kind: 'stop', reason: 'illegal', text: null } },
  { line: 'X-STOP: known CVE-2025-1234', cli: ['stop', 'known', 'CVE-2025-1234'], want: { kind: 'stop', reason: 'known', text: 'CVE-2025-1234' } },
  { line: 'X-ADD-VENDOR: acme', cli: ['add-vendor', 'acme'], want: { kind: 'add-vendor', vendor: 'acme' } },
  { line: 'X-REMOVE-VENDOR: acme', cli: ['remove-vendor', 'acme'], want: { kind: 'remove-vendor', vendor: 'acme' } },
  { line: 'X-SET-DATE: 2026-12-20', cli: ['set-date', '2026-12-20'], want: { kind: 'set-date', date: '2026-12-20' } },
  { line: 'X-SET-DATE: 2026/12/20', cli: ['set-date', '2026/12/20'], want: { kind: 'set-date', date: '2026-12-20' } },
  { line: 'X-MARK-UNREACHABLE: globex', cli: ['mark-unreachable', 'globex'], want: { kind: 'mark-unreachable', vendor: 'globex' } },
  { line: 'X-MARK-REACHABLE: globex', cli: ['mark-reachable', 'globex'], want: { kind: 'mark-reachable', vendor: 'globex' } },
  { line: 'X-OPEN-IMPOSSIBLE', cli: ['open-impossible'], want: { kind: 'open-impossible', reason: null } },
  { line: 'X-OPEN-IMPOSSIBLE: no answer for 6 months', cli: ['open-impossible', 'no answer for 6 months'], want: { kind: 'open-impossible', reason: 'no answer for 6 months' } },
  { line: 'X-COMMITTEE-DECISION: publish', cli: ['committee-decision', 'publish'], want: { kind: 'committee-decision', decision: 'publish', reason: null } },
  {
    line: 'X-COMMITTEE-DECISION: withhold users notified individually',
    cli: ['committee-decision', 'withhold', 'users notified individually'],
    want: { kind: 'committee-decision', decision: 'withhold', reason: 'users notified individually' },
  },
  { line: 'X-PUBLISH', cli: ['publish'], want: { kind: 'publish' } },
  { line: 'X-NOTE: called the vendor', cli: ['note', 'called', 'the', 'vendor'], want: { kind: 'note', text: 'called the vendor' } },
  { line: 'X-NOTIFY-VENDORS', cli: ['notify-vendors'], want: { kind: 'notify-vendors' } },
  { line: 'X-DIRECT-CONTACT: acme', cli: ['direct-contact', 'acme'], want: { kind: 'direct-contact', vendor: 'acme' } },
  {
    line: 'X-RELAY: acme please confirm the version you tested',
    cli: ['relay', 'acme', 'please', 'confirm', 'the', 'version', 'you', 'tested'],
    want: { kind: 'relay', to: 'acme', text: 'please confirm the version you tested' },
  },
  { line: 'X-RELAY: reporter the vendor asks for a PoC', cli: ['relay', 'reporter', 'the vendor asks for a PoC'], want: { kind: 'relay', to: null, text: 'the vendor asks for a PoC' } },
  { line: 'X-CONFIRM-OPERATOR: shop-co', cli: ['confirm-operator', 'shop-co'], want: { kind: 'confirm-operator', operator: 'shop-co' } },
  { line: 'X-NOTIFY-OPERATOR', cli: ['notify-operator'], want: { kind: 'notify-operator' } },
  { line: 'X-HANDOVER: CertCC', cli: ['handover', 'certcc'], want: { kind: 'handover', partner: 'certcc' } },
  { line: 'X-引き継ぎ: certcc', cli: ['handover', 'certcc'], want: { kind: 'handover', partner: 'certcc' } },
  { line: 'X-PRIORITY-CONSENT: acme', cli: ['priority-consent', 'acme'], want: { kind: 'priority-consent', vendor: 'acme' } },
  { line: 'X-優先通知', cli: ['priority-notice'], want: { kind: 'priority-notice' } },
  { line: 'X-RELEASE: h7k3qx0', cli: ['release', 'H7K3QX0'], want: { kind: 'release', hold: 'H7K3QX0' } },
  { line: 'X-REDACT: H7K3QX0', cli: ['redact', 'H7K3QX0'], want: { kind: 'redact', hold: 'H7K3QX0', field: null, text: null } },
  { line: 'X-REDACT: H7K3QX0 summary', cli: ['redact', 'H7K3QX0', 'summary'], want: { kind: 'redact', hold: 'H7K3QX0', field: 'summary', text: null } },
  {
    line: 'X-REDACT: H7K3QX0 summary found by a researcher',
    cli: ['redact', 'H7K3QX0', 'summary', 'found by a researcher'],
    want: { kind: 'redact', hold: 'H7K3QX0', field: 'summary', text: 'found by a researcher' },
  },
  {
    // Metrics out of order are put in the specification's order; none is added.
    line: 'X-ADD-VULNERABILITY: cwe-89 CVSS:3.1/AC:L/AV:N/PR:N/UI:N/S:U/C:H/I:H/A:H SQL injection in search',
    cli: ['add-vulnerability', 'CWE-89', 'CVSS:3.1/AC:L/AV:N/PR:N/UI:N/S:U/C:H/I:H/A:H', 'SQL injection in search'],
    want: { kind: 'add-vulnerability', cwe: 'CWE-89', cvss: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', summary: 'SQL injection in search' },
  },
  { line: 'X-脆弱性追加: 検索機能の SQL インジェクション', cli: ['脆弱性追加', '検索機能の', 'SQL', 'インジェクション'], want: { kind: 'add-vulnerability', cwe: null, cvss: null, summary: '検索機能の SQL インジェクション' } },
  { line: 'X-SPLIT-VULNERABILITY: 1 the same flaw in export', cli: ['split-vulnerability', '1', 'the', 'same', 'flaw', 'in', 'export'], want: { kind: 'split-vulnerability', number: 1, cwe: null, cvss: null, summary: 'the same flaw in export' } },
  { line: 'X-SET-CVE: 2 cve-2026-12345', cli: ['set-cve', '2', 'CVE-2026-12345'], want: { kind: 'set-cve', number: 2, cve: 'CVE-2026-12345' } },
];

describe('mail form: every command', () => {
  for (const { line, want } of EVERY) {
    it(line, () => {
      const p = parseCommandMail(mail('X-CASE: VR-2026-0042', line));
      expect(p.errors).toEqual([]);
      expect(p.caseId).toBe('VR-2026-0042');
      expect(p.commands).toEqual([want]);
    });
  }
  it('covers every command kind', () => {
    expect(new Set(EVERY.map((e) => e.want.kind))).toEqual(new Set(COMMAND_KINDS));
  });
});

describe('command line: every command', () => {
  for (const { cli, want } of EVERY) {
    it(cli.join(' '), () => {
      const p = parseCliCommand(['VR-2026-0042', ...cli]);
      expect(p.errors).toEqual([]);
      expect(p.caseId).toBe('VR-2026-0042');
      expect(p.commands).toEqual([want]);
    });
  }
  it('accepts the keyword spelling and upper case', () => {
    expect(parseCliCommand(['vr-2026-0042', 'X-ADD-VENDOR:', 'ACME']).commands).toEqual([{ kind: 'add-vendor', vendor: 'acme' }]);
  });
  it('refuses an unknown command, naming it', () => {
    const p = parseCliCommand(['VR-2026-0042', 'frobnicate']);
    expect(codes(p.errors)).toEqual(['unknown-keyword']);
    expect(p.errors[0]?.message).toContain('frobnicate');
    expect(p.commands).toEqual([]);
  });
  it('refuses `case` as a command', () => {
    expect(codes(parseCliCommand(['VR-2026-0042', 'case', 'VR-2026-0043']).errors)).toEqual(['unknown-keyword']);
  });
  it('needs a case id and a command', () => {
    expect(codes(parseCliCommand([]).errors)).toEqual(['no-case']);
    expect(codes(parseCliCommand(['VR-2026-0042']).errors)).toEqual(['no-commands']);
  });
  it('refuses a bad case id but still reads the command', () => {
    const p = parseCliCommand(['VR-26-1', 'publish']);
    expect(p.caseId).toBeNull();
    expect(codes(p.errors)).toEqual(['bad-case-id']);
    expect(p.commands).toEqual([{ kind: 'publish' }]);
  });
  it('reports argument errors like the mail form (line 0)', () => {
    const p = parseCliCommand(['VR-2026-0042', 'set-date', '2026-02-30']);
    expect(p.errors).toMatchObject([{ line: 0, code: 'bad-date', value: '2026-02-30' }]);
    expect(codes(parseCliCommand(['VR-2026-0042', 'publish', 'now']).errors)).toEqual(['unexpected-argument']);
    expect(codes(parseCliCommand(['VR-2026-0042', 'stop', 'duplicate', 'VR-2026-0042']).errors)).toEqual(['duplicate-of-self']);
  });
});

describe('spellings of the vendor commands and the stop reason "known"', () => {
  const cases: { line: string; cli: string[]; want: Command[] }[] = [
    { line: 'X-STOP: already-known CVE-2025-1234', cli: ['stop', 'already-known', 'CVE-2025-1234'], want: [{ kind: 'stop', reason: 'known', text: 'CVE-2025-1234' }] },
    { line: 'X-STOP: publicly_known', cli: ['stop', 'publicly_known'], want: [{ kind: 'stop', reason: 'known', text: null }] },
    { line: 'X-STOP: 既知 JVN で公表済み', cli: ['stop', '既知', 'JVN で公表済み'], want: [{ kind: 'stop', reason: 'known', text: 'JVN で公表済み' }] },
    { line: 'Ｘ－ＳＴＯＰ：ＫＮＯＷＮ', cli: ['X-STOP:', 'KNOWN'], want: [{ kind: 'stop', reason: 'known', text: null }] },
    { line: 'x-notify-vendors', cli: ['X-NOTIFY-VENDORS'], want: [{ kind: 'notify-vendors' }] },
    { line: 'X-NOTIFY-VENDORS:', cli: ['notify-vendors:'], want: [{ kind: 'notify-vendors' }] },
    { line: 'X-MARK-REACHABLE: ACME, globex', cli: ['mark-reachable', 'ACME,', 'globex'], want: [{ kind: 'mark-reachable', vendor: 'acme' }, { kind: 'mark-reachable', vendor: 'globex' }] },
    { line: 'X-MARK-REACHABLE acme、acme', cli: ['mark-reachable', 'acme、acme'], want: [{ kind: 'mark-reachable', vendor: 'acme' }] },
    { line: 'X-DIRECT-CONTACT: Ａｃｍｅ', cli: ['direct-contact', 'Ａｃｍｅ'], want: [{ kind: 'direct-contact', vendor: 'acme' }] },
  ];
  for (const { line, cli, want } of cases) {
    it(line, () => {
      const m = parseCommandMail(mail('X-CASE: VR-2026-0042', line));
      expect(m.errors).toEqual([]);
      expect(m.commands).toEqual(want);
      const c = parseCliCommand(['VR-2026-0042', ...cli]);
      expect(c.errors).toEqual([]);
      expect(c.commands).toEqual(want);
    });
  }
  it('refuses what these commands do not take', () => {
    expect(codes(parseCommandMail(mail('X-CASE: VR-2026-0042', 'X-NOTIFY-VENDORS: acme')).errors)).toEqual(['unexpected-argument']);
    expect(codes(parseCommandMail(mail('X-CASE: VR-2026-0042', 'X-DIRECT-CONTACT: acme, globex')).errors)).toEqual(['unexpected-argument']);
    expect(codes(parseCommandMail(mail('X-CASE: VR-2026-0042', 'X-DIRECT-CONTACT')).errors)).toEqual(['missing-argument']);
    expect(codes(parseCommandMail(mail('X-CASE: VR-2026-0042', 'X-MARK-REACHABLE: Acme_Corp')).errors)).toEqual(['bad-vendor']);
    expect(codes(parseCliCommand(['VR-2026-0042', 'stop', 'well-known']).errors)).toEqual(['bad-stop-reason']);
  });
});

describe('canonical form', () => {
  for (const { want } of EVERY) {
    it(`reads back ${formatCommand(want)}`, () => {
      const p = parseCommandMail(`X-CASE: VR-2026-0042\n${formatCommand(want)}\n`);
      expect(p.errors).toEqual([]);
      expect(p.commands).toEqual([want]);
    });
  }
  it('reads back multi-line free text', () => {
    const c: Command = { kind: 'note', text: 'first line\nsecond line\n第三行' };
    expect(formatCommand(c)).toBe('X-NOTE: first line\n  second line\n  第三行');
    expect(parseCommandMail(`X-CASE: VR-2026-0042\n${formatCommand(c)}`).commands).toEqual([c]);
  });
});

describe('mail form: block rules', () => {
  it('applies several commands in the order written', () => {
    const p = parseCommandMail(mail('X-CASE: VR-2026-0042', 'X-ADD-VENDOR: acme', 'X-SET-DATE: 2026-12-20', 'X-NOTIFY-VENDORS'));
    expect(p.commands.map((c) => c.kind)).toEqual(['add-vendor', 'set-date', 'notify-vendors']);
  });
  it('stops at the first line that is not a keyword line: the rest is ignored, X- lines included', () => {
    const p = parseCommandMail(mail('X-CASE: VR-2026-0042', 'X-ACCEPT', 'Thanks, see you tomorrow.', 'X-PUBLISH', 'X-FOO: bar'));
    expect(p.errors).toEqual([]);
    expect(p.commands).toEqual([{ kind: 'accept', comment: null }]);
  });
  it('skips blank lines between keyword lines', () => {
    const p = parseCommandMail(mail('', 'X-CASE: VR-2026-0042', '', 'X-ACCEPT', '', '', 'X-NOTIFY-VENDORS', '', '-- ', 'Taro'));
    expect(p.commands.map((c) => c.kind)).toEqual(['accept', 'notify-vendors']);
  });
  it('reads CRLF line ends and a BOM', () => {
    const p = parseCommandMail('\uFEFFX-CASE: VR-2026-0042\r\nX-SET-DATE: 2026-12-20\r\n\r\nfree text\r\n');
    expect(p.errors).toEqual([]);
    expect(p.commands).toEqual([{ kind: 'set-date', date: '2026-12-20' }]);
  });
  it('continues a note on indented lines, and a blank line ends it', () => {
    const p = parseCommandMail(mail('X-CASE: VR-2026-0042', 'X-NOTE: vendor called back;', '  fix planned for 3.2.2', '\t(see ticket 77)', '', '  indented free text after the blank line'));
    expect(p.errors).toEqual([]);
    expect(p.commands).toEqual([{ kind: 'note', text: 'vendor called back;\nfix planned for 3.2.2\n(see ticket 77)' }]);
  });
  it('never reads an indented X- line inside a note as a command', () => {
    const p = parseCommandMail(mail('X-CASE: VR-2026-0042', 'X-NOTE: the vendor asked whether we would send', '  X-PUBLISH tomorrow'));
    expect(p.commands).toEqual([{ kind: 'note', text: 'the vendor asked whether we would send\nX-PUBLISH tomorrow' }]);
    expect(p.commands.some((c) => c.kind === 'publish')).toBe(false);
  });
  it('takes a reason on the following indented lines', () => {
    const p = parseCommandMail(mail('X-CASE: VR-2026-0042', 'X-REJECT:', '  the report names no product', '  and no version'));
    expect(p.commands).toEqual([{ kind: 'reject', reason: 'the report names no product\nand no version' }]);
  });
  it('refuses continuation lines after a keyword that takes no text', () => {
    const p = parseCommandMail(mail('X-CASE: VR-2026-0042', 'X-ADD-VENDOR: acme', '  globex'));
    expect(p.errors).toMatchObject([{ line: 3, code: 'unexpected-continuation' }]);
    expect(p.commands).toEqual([]);
  });
  it('reads several vendors on one line, once each', () => {
    const p = parseCommandMail(mail('X-CASE: VR-2026-0042', 'X-ADD-VENDOR: acme, globex  initech、acme'));
    expect(p.commands).toEqual([
      { kind: 'add-vendor', vendor: 'acme' },
      { kind: 'add-vendor', vendor: 'globex' },
      { kind: 'add-vendor', vendor: 'initech' },
    ]);
  });
  it('takes one vendor only for X-DIRECT-CONTACT', () => {
    expect(codes(parseCommandMail(mail('X-CASE: VR-2026-0042', 'X-DIRECT-CONTACT: acme globex')).errors)).toEqual(['unexpected-argument']);
  });
  it('reports a mail with no keyword lines', () => {
    const p = parseCommandMail('Hello,\nplease accept VR-2026-0042.\n');
    expect(codes(p.errors)).toEqual(['no-commands']);
    expect(p.commands).toEqual([]);
  });
  it('tells command mail apart for routing', () => {
    expect(looksLikeCommandMail('\n\nX-CASE: VR-2026-0042\nX-ACCEPT\n')).toBe(true);
    expect(looksLikeCommandMail('ｘ－ｃａｓｅ：VR-2026-0042')).toBe(true);
    expect(looksLikeCommandMail('氏名: 山田太郎\nX-CASE: VR-2026-0042')).toBe(false);
    expect(looksLikeCommandMail('  X-CASE: VR-2026-0042')).toBe(false);
    expect(looksLikeCommandMail('')).toBe(false);
  });
});

describe('mail form: case and width variants', () => {
  it('reads keywords in any case', () => {
    const p = parseCommandMail(mail('x-case: vr-2026-0042', 'x-Add-Vendor: ACME', 'X-set-DATE: 2026-12-20'));
    expect(p.errors).toEqual([]);
    expect(p.caseId).toBe('VR-2026-0042');
    expect(p.commands).toEqual([
      { kind: 'add-vendor', vendor: 'acme' },
      { kind: 'set-date', date: '2026-12-20' },
    ]);
  });
  it('reads full-width keywords, colons, digits and ideographic spaces (NFKC)', () => {
    const p = parseCommandMail(mail('Ｘ－ＣＡＳＥ：ＶＲ－２０２６－００４２', 'Ｘ－ＳＥＴ－ＤＡＴＥ：２０２６／１２／２０', 'X-STOP：duplicate　VR－2026－0007　同じ原因', 'X-ADD-VENDOR：ａｃｍｅ'));
    expect(p.errors).toEqual([]);
    expect(p.caseId).toBe('VR-2026-0042');
    expect(p.commands).toEqual([
      { kind: 'set-date', date: '2026-12-20' },
      { kind: 'stop', reason: 'duplicate', duplicateOf: 'VR-2026-0007', text: '同じ原因' },
      { kind: 'add-vendor', vendor: 'acme' },
    ]);
  });
  it('reads the minus sign ISO-2022-JP produces in a case id', () => {
    expect(parseCommandMail('X-CASE: VR\u22122026\u22120042\nX-PUBLISH').caseId).toBe('VR-2026-0042');
  });
  it('accepts a keyword without a colon', () => {
    expect(parseCommandMail(mail('X-CASE VR-2026-0042', 'X-SET-DATE 2026-12-20')).commands).toEqual([{ kind: 'set-date', date: '2026-12-20' }]);
  });
  it('keeps free text as written (no NFKC on reasons and notes)', () => {
    const p = parseCommandMail(mail('X-CASE: VR-2026-0042', 'X-NOTE: ﾃｽﾄ　①'));
    expect(p.commands).toEqual([{ kind: 'note', text: 'ﾃｽﾄ　①' }]);
  });
  it('reads Japanese stop reasons and decisions', () => {
    const p = parseCommandMail(mail('X-CASE: VR-2026-0042', 'X-STOP: 再現不可 手順どおりでは再現せず', 'X-COMMITTEE-DECISION: 非公表'));
    expect(p.commands).toEqual([
      { kind: 'stop', reason: 'not-reproducible', text: '手順どおりでは再現せず' },
      { kind: 'committee-decision', decision: 'withhold', reason: null },
    ]);
  });
  it('reads dates in the forms people write', () => {
    expect(parseDate('2026-1-5')).toBe('2026-01-05');
    expect(parseDate('2026.12.20')).toBe('2026-12-20');
    expect(parseDate('2026年12月20日')).toBe('2026-12-20');
    expect(parseDate('2028-02-29')).toBe('2028-02-29');
  });
});

describe('case id', () => {
  it('comes from the subject tag when there is no X-CASE line', () => {
    const p = parseCommandMail('X-ACCEPT\n', { subject: 'Re: [VR-2026-0042] report received' });
    expect(p.errors).toEqual([]);
    expect(p.caseId).toBe('VR-2026-0042');
  });
  it('X-CASE and the same subject tag agree', () => {
    expect(parseCommandMail('X-CASE: VR-2026-0042\nX-ACCEPT', { subject: '[VR-2026-0042]' }).errors).toEqual([]);
  });
  it('X-CASE and a different subject tag conflict: no case', () => {
    const p = parseCommandMail('X-CASE: VR-2026-0042\nX-ACCEPT', { subject: 'Re: [VR-2026-0043]' });
    expect(codes(p.errors)).toEqual(['case-conflict']);
    expect(p.caseId).toBeNull();
  });
  it('two different X-CASE lines conflict', () => {
    const p = parseCommandMail(mail('X-CASE: VR-2026-0042', 'X-ACCEPT', 'X-CASE: VR-2026-0043'));
    expect(p.errors).toMatchObject([{ code: 'case-conflict', line: 3 }]);
    expect(p.caseId).toBeNull();
  });
  it('the same X-CASE twice is fine', () => {
    expect(parseCommandMail(mail('X-CASE: VR-2026-0042', 'X-CASE: [vr-2026-0042]', 'X-ACCEPT')).errors).toEqual([]);
  });
  it('commands without any case id are an error', () => {
    expect(codes(parseCommandMail('X-ACCEPT').errors)).toEqual(['no-case']);
  });
  it('uses the configured prefix', () => {
    expect(parseCommandMail('X-CASE: JV-2026-0001\nX-PUBLISH', { casePrefix: 'JV' }).caseId).toBe('JV-2026-0001');
    expect(codes(parseCommandMail('X-CASE: VR-2026-0001\nX-PUBLISH', { casePrefix: 'JV' }).errors)).toEqual(['bad-case-id']);
  });
  for (const bad of ['VR-26-0042', 'VR-2026-42', 'XVR-2026-0042', 'VR-2026-0042a', 'VR 2026 0042', 'VR-2026-0042 VR-2026-0043']) {
    it(`refuses "${bad}"`, () => {
      const p = parseCommandMail(`X-CASE: ${bad}\nX-ACCEPT`);
      expect(p.errors).toMatchObject([{ line: 1, code: 'bad-case-id' }]);
      expect(p.caseId).toBeNull();
      expect(parseCaseId(bad)).toBeNull();
    });
  }
  it('refuses an empty X-CASE', () => {
    expect(codes(parseCommandMail('X-CASE:\nX-ACCEPT').errors)).toEqual(['missing-argument']);
  });
});

describe('errors', () => {
  it('an unknown keyword is an error entry with its line, never skipped', () => {
    const p = parseCommandMail(mail('X-CASE: VR-2026-0042', 'X-ACCEPT', 'X-ACEPT-ALL: yes', 'X-PUBLISH'));
    expect(p.errors).toEqual([{ line: 3, code: 'unknown-keyword', keyword: 'x-acept-all', message: 'unknown keyword X-ACEPT-ALL' }]);
    expect(p.commands.map((c) => c.kind)).toEqual(['accept', 'publish']);
  });
  it('a Schleuder habit (X-LIST-NAME) is unknown here', () => {
    expect(codes(parseCommandMail('X-LIST-NAME: desk@example.jp\nX-CASE: VR-2026-0042\nX-ACCEPT').errors)).toEqual(['unknown-keyword']);
  });
  it('a bare X-STOP (Schleuder\'s end marker) stops nothing: it needs a reason', () => {
    const p = parseCommandMail(mail('X-CASE: VR-2026-0042', 'X-STOP'));
    expect(codes(p.errors)).toEqual(['missing-argument']);
    expect(p.commands).toEqual([]);
  });
  for (const bad of ['2026-02-30', '2026-13-01', '26-12-20', '2026-12-20 10:00', 'tomorrow', '2026-00-10', '1999-12-31', '2026/12/32']) {
    it(`bad date "${bad}"`, () => {
      const p = parseCommandMail(`X-CASE: VR-2026-0042\nX-SET-DATE: ${bad}`);
      expect(p.errors).toMatchObject([{ line: 2, code: 'bad-date', value: bad }]);
      expect(p.commands).toEqual([]);
    });
  }
  it('missing arguments', () => {
    for (const kw of ['X-REJECT', 'X-STOP:', 'X-ADD-VENDOR', 'X-REMOVE-VENDOR:', 'X-SET-DATE', 'X-MARK-UNREACHABLE', 'X-MARK-REACHABLE', 'X-COMMITTEE-DECISION', 'X-NOTE:', 'X-DIRECT-CONTACT']) {
      expect(codes(parseCommandMail(`X-CASE: VR-2026-0042\n${kw}`).errors), kw).toEqual(['missing-argument']);
    }
    expect(codes(parseCommandMail('X-CASE: VR-2026-0042\nX-STOP: duplicate').errors)).toEqual(['missing-argument']);
  });
  it('unexpected arguments', () => {
    for (const line of ['X-PUBLISH: now', 'X-NOTIFY-VENDORS: acme']) {
      expect(codes(parseCommandMail(`X-CASE: VR-2026-0042\n${line}`).errors), line).toEqual(['unexpected-argument']);
    }
  });
  it('bad vendor ids', () => {
    const p = parseCommandMail('X-CASE: VR-2026-0042\nX-ADD-VENDOR: acme inc!');
    expect(p.errors).toMatchObject([{ code: 'bad-vendor', value: 'inc!' }]);
    expect(p.commands).toEqual([]);
    expect(codes(parseCommandMail('X-CASE: VR-2026-0042\nX-ADD-VENDOR: -acme').errors)).toEqual(['bad-vendor']);
  });
  it('bad stop reasons, duplicate without a proper id, duplicate of itself', () => {
    expect(codes(parseCommandMail('X-CASE: VR-2026-0042\nX-STOP: boring').errors)).toEqual(['bad-stop-reason']);
    expect(codes(parseCommandMail('X-CASE: VR-2026-0042\nX-STOP: duplicate of VR-2026-0007').errors)).toEqual(['bad-case-id']);
    const self = parseCommandMail('X-CASE: VR-2026-0042\nX-STOP: duplicate VR-2026-0042');
    expect(codes(self.errors)).toEqual(['duplicate-of-self']);
  });
  it('bad committee decisions', () => {
    expect(codes(parseCommandMail('X-CASE: VR-2026-0042\nX-COMMITTEE-DECISION: maybe').errors)).toEqual(['bad-decision']);
  });
  it('control and direction-override characters in arguments', () => {
    expect(codes(parseCommandMail('X-CASE: VR-2026-0042\nX-NOTE: a\u0007b').errors)).toEqual(['control-characters']);
    expect(codes(parseCommandMail('X-CASE: VR-2026-0042\nX-REJECT: \u202Etxet').errors)).toEqual(['control-characters']);
  });
  it('texts longer than the limit', () => {
    expect(codes(parseCommandMail(`X-CASE: VR-2026-0042\nX-NOTE: ${'a'.repeat(LIMITS.note + 1)}`).errors)).toEqual(['too-long']);
    expect(codes(parseCommandMail(`X-CASE: VR-2026-0042\nX-REJECT: ${'a'.repeat(LIMITS.reason + 1)}`).errors)).toEqual(['too-long']);
    expect(parseCommandMail(`X-CASE: VR-2026-0042\nX-NOTE: ${'a'.repeat(LIMITS.note)}`).errors).toEqual([]);
  });
  it('too many commands in one mail', () => {
    const many = Array.from({ length: LIMITS.commands + 1 }, (_, i) => `X-NOTE: ${String(i)}`);
    expect(codes(parseCommandMail(['X-CASE: VR-2026-0042', ...many].join('\n')).errors)).toEqual(['too-many-commands']);
  });
  it('collects every error, with line numbers', () => {
    const p = parseCommandMail(mail('X-CASE: VR-2026-0042', 'X-SET-DATE: 2026-02-30', 'X-FOO', 'X-ACCEPT'));
    expect(p.errors.map((e) => [e.line, e.code])).toEqual([
      [2, 'bad-date'],
      [3, 'unknown-keyword'],
    ]);
  });
});

describe('vendor ids', () => {
  it('follow the vendor registry rule', () => {
    expect(VENDOR_ID.source).toBe(VENDOR_ID_RE.source);
  });
});

describe('X-RELAY (guideline §3.10)', () => {
  const one = (...lines: string[]): ReturnType<typeof parseCommandMail> => parseCommandMail(mail('X-CASE: VR-2026-0042', ...lines));

  it('the text on continuation lines, like X-NOTE', () => {
    const p = one('X-RELAY: acme', '  please confirm the version you tested;', '  3.2.1 is what the reporter used', 'X-NOTE: asked acme');
    expect(p.errors).toEqual([]);
    expect(p.commands).toEqual([
      { kind: 'relay', to: 'acme', text: 'please confirm the version you tested;\n3.2.1 is what the reporter used' },
      { kind: 'note', text: 'asked acme' },
    ]);
  });
  it('the text on the keyword line and on continuation lines', () => {
    expect(one('X-RELAY: acme please confirm', '\tthe version you tested').commands).toEqual([{ kind: 'relay', to: 'acme', text: 'please confirm\nthe version you tested' }]);
  });
  it('to the reporter: `reporter` or 発見者, any width and case', () => {
    for (const target of ['reporter', 'REPORTER', 'Ｒｅｐｏｒｔｅｒ', '発見者']) {
      const p = one(`X-RELAY: ${target}`, '　製品開発者から、再現手順の確認のお願いです。');
      expect(p.errors, target).toEqual([]);
      expect(p.commands, target).toEqual([{ kind: 'relay', to: null, text: '製品開発者から、再現手順の確認のお願いです。' }]);
    }
    expect(parseCliCommand(['VR-2026-0042', 'relay', '発見者', '再現手順をご確認ください']).commands).toEqual([{ kind: 'relay', to: null, text: '再現手順をご確認ください' }]);
  });
  it('Japanese keyword forms and a vendor id in full width', () => {
    expect(one('Ｘ－ＲＥＬＡＹ：ＡＣＭＥ　修正版をご確認ください').commands).toEqual([{ kind: 'relay', to: 'acme', text: '修正版をご確認ください' }]);
    expect(one('x-relay acme-psirt ok').commands).toEqual([{ kind: 'relay', to: 'acme-psirt', text: 'ok' }]);
  });
  it('an X- line among the continuation lines is text, not a command', () => {
    expect(one('X-RELAY: acme', '  X-PUBLISH is not a command here').commands).toEqual([{ kind: 'relay', to: 'acme', text: 'X-PUBLISH is not a command here' }]);
  });
  it('the command line: the text in one argument or several', () => {
    const want: Command[] = [{ kind: 'relay', to: 'acme', text: 'please confirm' }];
    expect(parseCliCommand(['VR-2026-0042', 'relay', 'acme', 'please confirm']).commands).toEqual(want);
    expect(parseCliCommand(['VR-2026-0042', 'X-RELAY:', 'ACME', 'please', 'confirm']).commands).toEqual(want);
  });
  it('errors: no target, no text, a bad vendor id', () => {
    expect(one('X-RELAY').errors).toMatchObject([{ line: 2, code: 'missing-argument', keyword: 'x-relay' }]);
    expect(codes(one('X-RELAY:').errors)).toEqual(['missing-argument']);
    // The target goes on the keyword line: not taken from the text below it.
    expect(codes(one('X-RELAY:', '  acme please confirm').errors)).toEqual(['missing-argument']);
    expect(one('X-RELAY: acme').errors).toMatchObject([{ line: 2, code: 'missing-argument' }]);
    expect(codes(one('X-RELAY: reporter').errors)).toEqual(['missing-argument']);
    expect(codes(one('X-RELAY: 発見者   ').errors)).toEqual(['missing-argument']);
    expect(one('X-RELAY: Acme_Corp please confirm').errors).toMatchObject([{ code: 'bad-vendor', value: 'Acme_Corp' }]);
    expect(codes(one('X-RELAY: acme, please confirm').errors)).toEqual(['bad-vendor']);
    expect(codes(one('X-RELAY: -acme hello').errors)).toEqual(['bad-vendor']);
    expect(codes(parseCliCommand(['VR-2026-0042', 'relay']).errors)).toEqual(['missing-argument']);
    expect(codes(parseCliCommand(['VR-2026-0042', 'relay', 'acme']).errors)).toEqual(['missing-argument']);
    expect(codes(parseCliCommand(['VR-2026-0042', 'relay', 'reporter', '  ']).errors)).toEqual(['missing-argument']);
    expect(codes(parseCliCommand(['VR-2026-0042', 'relay', 'acme!', 'hello']).errors)).toEqual(['bad-vendor']);
    for (const bad of ['X-RELAY', 'X-RELAY: acme', 'X-RELAY: Acme_Corp x']) expect(one(bad).commands, bad).toEqual([]);
  });
  it('the limits and the control-character rule of notes', () => {
    expect(LIMITS.relay).toBe(LIMITS.note);
    expect(one(`X-RELAY: acme ${'a'.repeat(LIMITS.relay)}`).errors).toEqual([]);
    expect(codes(one(`X-RELAY: acme ${'a'.repeat(LIMITS.relay + 1)}`).errors)).toEqual(['too-long']);
    expect(codes(one('X-RELAY: acme', `  ${'a'.repeat(LIMITS.relay)}`, '  b').errors)).toEqual(['too-long']);
    expect(codes(one('X-RELAY: acme a\u0007b').errors)).toEqual(['control-characters']);
    expect(codes(one('X-RELAY: reporter', '  \u202Etxet').errors)).toEqual(['control-characters']);
  });
  it('canonical form reads back, the reporter as `reporter`', () => {
    const cs: Command[] = [
      { kind: 'relay', to: 'acme', text: 'first line\nsecond line\n第三行' },
      { kind: 'relay', to: null, text: 'one line' },
    ];
    expect(formatCommand(cs[0]!)).toBe('X-RELAY: acme first line\n  second line\n  第三行');
    expect(formatCommand(cs[1]!)).toBe('X-RELAY: reporter one line');
    for (const c of cs) expect(parseCommandMail(`X-CASE: VR-2026-0042\n${formatCommand(c)}`).commands).toEqual([c]);
  });
});

describe('vulnerability commands: bad values are refused with their code, never guessed (issue 12)', () => {
  const one = (line: string) => parseCommandMail(mail('X-CASE: VR-2026-0042', line));
  it('an incomplete CVSS vector is bad-cvss with the reason, not scored as 0', () => {
    const p = one('X-ADD-VULNERABILITY: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H SQL injection');
    expect(p.commands).toEqual([]);
    expect(p.errors).toMatchObject([{ code: 'bad-cvss', keyword: 'x-add-vulnerability', value: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H' }]);
    expect(p.errors[0]?.detail).toMatch(/base metric A missing/);
  });
  it('a CVSS 3.0 vector, a repeated metric, an unknown value: each bad-cvss', () => {
    for (const v of ['CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'CVSS:3.1/AV:N/AV:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H']) {
      expect(one(`X-ADD-VULNERABILITY: ${v} text`).errors.map((e) => e.code), v).toEqual(['bad-cvss']);
    }
  });
  it('a bad CWE, a bad number, a bad CVE id, a missing summary', () => {
    expect(one('X-ADD-VULNERABILITY: CWE-x9 text').errors.map((e) => e.code)).toEqual(['bad-cwe']);
    expect(one('X-SPLIT-VULNERABILITY: two text').errors.map((e) => e.code)).toEqual(['bad-vulnerability-number']);
    expect(one('X-SPLIT-VULNERABILITY: 0 text').errors.map((e) => e.code)).toEqual(['bad-vulnerability-number']);
    expect(one('X-SET-CVE: 1 CVE-26-1234').errors.map((e) => e.code)).toEqual(['bad-cve']);
    expect(one('X-SET-CVE: 1 CVE-2026-123').errors.map((e) => e.code)).toEqual(['bad-cve']);
    expect(one('X-SET-CVE: CVE-2026-1234').errors.map((e) => e.code)).toEqual(['bad-vulnerability-number']);
    expect(one('X-SET-CVE: 1 CVE-2026-1234 extra').errors.map((e) => e.code)).toEqual(['unexpected-argument']);
    expect(one('X-ADD-VULNERABILITY: CWE-89').errors.map((e) => e.code)).toEqual(['missing-argument']);
    expect(one('X-SPLIT-VULNERABILITY: 1').errors.map((e) => e.code)).toEqual(['missing-argument']);
  });
  it('the confirmation names the reason in both languages', () => {
    const p = one('X-ADD-VULNERABILITY: CVSS:3.1/AV:N SQL injection');
    const e = p.errors[0]!;
    expect(parseErrorText(e, 'en')).toMatch(/not a valid CVSS v3.1 or v4.0 vector \(base metrics .* missing\)/);
    expect(parseErrorText(e, 'ja')).toMatch(/有効な CVSS v3.1／v4.0 のベクトルではありません/);
  });
});
