// The product track's notices (src/outbound/templates.ts, templates/*.hbs): every notice in
// both languages, the schemas (missing / unknown keys, cross-key rules), and what each
// reader may see (guideline §2): reporter identity only with consent, no verification
// method in the advisory, no vendor names in the reporter's progress unless public, no
// case ids on the public unreachable list.
import { SELF_REPORT_REFUSAL_CODES } from '../../src/domain/refusals.ts';
import { PARTNER_MAIL_REFUSAL_CODES } from '../../src/notices/partner-answer.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCliCommand, parseCommandMail } from '../../src/commands/parse.ts';
import { parseVendorReplyForm } from '../../src/forms/index.ts';
import {
  blankVendorReplyForm,
  COORD_ALERT_FOR,
  COORD_ALERT_KINDS,
  NOT_APPLIED_REASONS,
  COORDINATION_NOTICE_NAMES,
  LANGS,
  NOTICE_NAMES,
  NoticeContextError,
  PROGRESS_ITEMS,
  renderNotice,
  renderUnreachableList,
  TEMPLATE_DIR,
  validateNoticeContext,
  type CoordinationNoticeName,
  type Lang,
  type NoticeContexts,
} from '../../src/outbound/templates.ts';
import { STOP_REASONS } from '../../src/commands/parse.ts';
import { REPORTER_STATES, REPORTER_WAITING } from '../../src/rules/reporter-status.ts';

const AT = new Date('2026-11-22T10:30:00Z');
const CASE = 'VR-2026-0042';

// The reporter and the confidential parts of the report: the strings the tests look for.
const REPORTER = { name: '山田 太郎', email: 'taro@reporter.test', organization: 'サンプル研究所' };
const REPRODUCTION = '1. 検索欄を開きます\n2. 次の文字列を入力します';
const VERIFICATION = 'GET /search?q=<script>alert(document.cookie)</script> HTTP/1.1';
const VENDOR_NAMES = ['ACME 株式会社', 'Globex Corporation'];

const notifyBase = {
  caseId: CASE,
  vendorName: 'ACME 株式会社',
  productName: 'まどぐちメールサーバ',
  productVersion: '2.3.1 以前',
  summary: '検索機能にクロスサイトスクリプティングの脆弱性があります。\n任意のスクリプトが実行されます。',
  vulnerabilityType: 'CWE-79',
  cvss: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N',
  impact: 'ログイン中の利用者のセッションが盗まれるおそれがあります。',
  reproduction: REPRODUCTION,
  verification: VERIFICATION,
  startDate: '2026-11-22',
  publicationDate: '2027-01-06',
  dateStatus: 'proposed',
  publicationDays: 45,
  offerDirectContact: false,
} as const;

const anonymous: NoticeContexts['vendor-notify'] = { ...notifyBase, shareIdentity: false };
const identified: NoticeContexts['vendor-notify'] = {
  ...notifyBase,
  dateStatus: 'agreed',
  offerDirectContact: true,
  shareIdentity: true,
  reporterName: REPORTER.name,
  reporterEmail: REPORTER.email,
  reporterOrganization: REPORTER.organization,
};

const advisoryCtx: NoticeContexts['advisory'] = {
  caseId: CASE,
  title: 'まどぐちメールサーバにおけるクロスサイトスクリプティングの脆弱性',
  publishedOn: '2027-01-06',
  receivedOn: '2026-11-20',
  productName: 'まどぐちメールサーバ',
  affectedVersions: '2.3.1 およびそれ以前',
  summary: 'まどぐちメールサーバの検索機能には、クロスサイトスクリプティングの脆弱性があります。',
  vulnerabilityType: 'CWE-79',
  cvss: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N',
  impact: '利用者のウェブブラウザ上で、任意のスクリプトが実行される可能性があります。',
  vendors: [
    { name: VENDOR_NAMES[0]!, product: 'まどぐちメールサーバ', status: 'fixed', fixedVersions: '2.3.2', workaround: '検索機能を無効にします。', advisoryUrl: 'https://acme.example.jp/security/2027-01' },
    { name: VENDOR_NAMES[1]!, status: 'not-affected', statement: '当社製品は影響を受けません。' },
    { name: 'Initech', status: 'unknown' },
  ],
  references: ['https://www.cve.org/CVERecord?id=CVE-2027-0001'],
  contact: 'vuln@desk.example.jp',
  byCommittee: false,
  credit: true,
  creditName: '山田 太郎',
};

/** Full contexts, every enum value of each notice covered somewhere. */
const samples: { [N in CoordinationNoticeName]: NoticeContexts[N][] } = {
  'vendor-notify': [anonymous, identified],
  'vendor-remind': [
    { caseId: CASE, vendorName: 'ACME 株式会社', productName: 'まどぐちメールサーバ', n: 1, since: AT, unreachableAfterReminders: 3 },
    { caseId: CASE, vendorName: 'ACME 株式会社', productName: 'まどぐちメールサーバ', n: 3, since: AT, unreachableAfterReminders: 3 },
  ],
  'vendor-unreachable-listed': [
    { caseId: CASE, vendorName: 'ACME 株式会社', since: AT, listedAt: new Date('2026-12-20T01:00:00Z'), stage: 'vendor-name', productNameAfterDays: 90 },
    { caseId: CASE, vendorName: 'ACME 株式会社', since: AT, listedAt: new Date('2027-03-20T01:00:00Z'), stage: 'product-name' },
  ],
  'coord-new-case': [
    {
      caseId: CASE,
      receivedAt: AT,
      kind: 'product',
      productName: 'まどぐちメールサーバ',
      productVersion: '2.3.1',
      reportedVendor: 'ACME',
      vulnerabilityType: 'CWE-79',
      summary: '検索機能にクロスサイトスクリプティングの脆弱性があります。',
      vendorCandidates: [
        { id: 'acme', name: 'ACME 株式会社', score: 1040, why: ['product "まどぐちメールサーバ" is the registered product "まどぐちメールサーバ"', 'vendor name "ACME" in the reported vendor "ACME"'] },
        { id: 'globex', name: 'Globex Corporation', score: 60, why: ['keyword "mail" in the summary'] },
      ],
      duplicateCandidates: [{ caseId: 'VR-2025-0107', score: 0.72, why: ['same product "まどぐちメールサーバ"', 'summary similarity 0.81'] }],
    },
    {
      caseId: 'VR-2026-0043',
      receivedAt: AT,
      kind: 'product',
      productName: 'Unknown Widget',
      summary: 'Buffer overflow in the parser.',
      vendorCandidates: [],
      duplicateCandidates: [],
    },
    {
      caseId: 'VR-2026-0044',
      receivedAt: AT,
      kind: 'website',
      siteUrl: 'https://shop.example.jp/',
      summary: 'SQL injection in the login form.',
      vendorCandidates: [],
      duplicateCandidates: [],
    },
  ],
  'coord-alert': COORD_ALERT_KINDS.map((kind) =>
    kind === 'unauthorised-command' || kind === 'key-held' || kind === 'signed-mail-refused' ? { kind, detail: 'signed by a key not pinned for any coordinator' } : { kind, caseId: CASE, detail: `acme: ${kind}` },
  ),
  'key-held': [{}],
  'reporter-progress': [
    { caseId: CASE, progress: ['vendor-notified', 'vendor-investigating', 'vendor-confirmed', 'fix-in-preparation', 'date-set'], publicationDate: '2027-01-06', vendorNamesPublic: false },
    { caseId: CASE, progress: ['fix-ready', 'vendor-not-affected', 'vendor-unreachable', 'date-changed'], publicationDate: '2027-01-20', vendorNamesPublic: true, vendorNames: VENDOR_NAMES },
  ],
  'vendor-update': [
    { caseId: CASE, vendorName: 'ACME 株式会社', productName: 'まどぐちメールサーバ', event: 'schedule', publicationDate: '2027-01-06' },
    { caseId: CASE, vendorName: 'ACME 株式会社', productName: 'まどぐちメールサーバ', event: 'schedule', publicationDate: '2027-01-20', previousDate: '2027-01-06' },
    ...STOP_REASONS.map((stopReason) => ({ caseId: CASE, vendorName: 'ACME 株式会社', productName: 'まどぐちメールサーバ', event: 'stopped' as const, stopReason })),
    { caseId: CASE, vendorName: 'ACME 株式会社', productName: 'まどぐちメールサーバ', event: 'withdrawn' },
  ],
  'reporter-not-accepted': [{ caseId: CASE, reason: 'The product is not distributed in Japan.\nPlease report it to the vendor directly.' }],
  introduce: [
    { caseId: CASE, audience: 'vendor', vendorName: 'ACME 株式会社', productName: 'まどぐちメールサーバ', reporterName: '山田 太郎', reporterEmail: 'taro@reporter.test', reporterOrganization: 'サンプル研究所' },
    { caseId: CASE, audience: 'vendor', vendorName: 'ACME 株式会社', productName: 'まどぐちメールサーバ', reporterName: '山田 太郎', reporterEmail: 'taro@reporter.test' },
    { caseId: CASE, audience: 'reporter', vendorName: 'ACME 株式会社', productName: 'まどぐちメールサーバ', vendorContacts: ['psirt@acme.test', 'cc@acme.test'] },
  ],
  relay: [
    { caseId: CASE, audience: 'vendor', vendorName: 'ACME 株式会社', productName: 'まどぐちメールサーバ', message: 'Which version did you test?\nThe 2.3 branch only?' },
    { caseId: CASE, audience: 'reporter', productName: 'まどぐちメールサーバ', message: '2.3.1 と 2.2.9 で確認しました。' },
  ],
  correspondence: [
    { caseId: CASE, party: 'reporter', receivedAt: AT, message: '追加の情報です。\n2.2 系でも再現しました。' },
    { caseId: CASE, party: 'vendor', vendorId: 'acme', vendorName: 'ACME 株式会社', receivedAt: AT, message: 'Could the finder tell us the exact build?' },
    { caseId: CASE, party: 'partner', partnerId: 'certcc', partnerName: 'CERT/CC', partnerRef: 'VU#123456', receivedAt: AT, message: 'Any news from the vendors?' },
  ],
  'reporter-received': [{ caseId: CASE }],
  'signed-mail-not-applied': NOT_APPLIED_REASONS.map((reason) => ({ reason })),
  'partner-answer': [
    { outcome: 'opened', partnerRef: 'VU#123456', caseId: CASE, embargo: new Date('2027-02-10T19:00:00Z'), publicationDate: '2027-02-11', notified: ['ACME 株式会社'], unknownVendors: [] },
    ...PARTNER_MAIL_REFUSAL_CODES.map((reason) => ({
      outcome: 'refused' as const,
      reason,
      missing: ['embargo'],
      problems: [{ field: 'embargo', code: 'embargo-no-zone' as const }],
      // What two refusals carry besides (docs/partner-form.md "Attached CSAF 2.0").
      ...(reason === 'csaf-invalid' ? { csafErrors: ['csaf_2_0_strict: /document/tracking/id'] } : {}),
      ...(reason === 'csaf-disagrees' ? { disagrees: ['vendors'] } : {}),
    })),
  ],
  'handover-answer-refused': [
    { caseId: CASE, partnerRef: 'VU#123456', reason: 'answer-invalid', problems: [{ field: 'status', code: 'bad-status' }, { field: 'requestedDate', code: 'bad-date' }, { field: 'partnerCaseId', code: 'too-long' }] },
    { caseId: CASE, reason: 'case-closed' },
  ],
  'partner-status': [
    {
      caseId: CASE,
      partnerRef: 'VU#123456',
      publicationDate: '2027-02-11',
      vendors: [
        { name: 'ACME 株式会社', contact: 'answered', status: 'fixed', fixedVersions: '2.3.2', advisoryUrl: 'https://acme.example/psirt/1', requestedDate: '2027-03-01', updated: true },
        { name: 'Initech', contact: 'notified', updated: false },
        { name: 'Evil', contact: 'reminded', updated: false },
        { name: 'Umbrella', contact: 'unreachable', updated: false },
        { name: 'Hooli', contact: 'unnotified', updated: false },
        { name: 'Globex', contact: 'answered', status: 'not-affected', updated: false },
        { name: 'Stark', contact: 'answered', status: 'affected', updated: false },
        { name: 'Wayne', contact: 'answered', status: 'investigating', updated: false },
      ],
      csafAttached: true,
    },
    { caseId: CASE, partnerRef: 'VU#123456', publishedOn: '2027-02-11', vendors: [{ name: 'ACME', contact: 'answered', status: 'fixed', updated: false }], csafAttached: false },
  ],
  'partner-handover': [
    { caseId: CASE, partnerName: 'CERT/CC', productName: 'まどぐちメールサーバ', productVersion: '2.3.1 以前', vendorName: 'Madoguchi Inc. (US)', summary: notifyBase.summary, vulnerabilityType: 'CWE-79', cvss: notifyBase.cvss, impact: notifyBase.impact, reproduction: REPRODUCTION, verification: VERIFICATION, publicationDate: '2027-01-06', dateStatus: 'proposed', shareIdentity: false },
    { caseId: CASE, partnerName: 'CERT/CC', productName: 'まどぐちメールサーバ', productVersion: '2.3.1 以前', summary: notifyBase.summary, reproduction: REPRODUCTION, publicationDate: '2027-01-06', dateStatus: 'agreed', shareIdentity: true, reporterName: REPORTER.name, reporterEmail: REPORTER.email, reporterOrganization: REPORTER.organization },
    { caseId: CASE, partnerName: 'CERT/CC', productName: 'まどぐちメールサーバ', productVersion: '2.3.1 以前', summary: notifyBase.summary, reproduction: REPRODUCTION, shareIdentity: false },
  ],
  'self-report-answer': [
    { outcome: 'opened', caseId: CASE, publicationDate: '2027-02-11' },
    ...SELF_REPORT_REFUSAL_CODES.map((reason) => ({ outcome: 'refused' as const, reason, missing: ['summary'], problems: [{ field: 'proposedPublication', code: 'bad-date' }] })),
  ],
  'coord-self-report': [
    { caseId: CASE, vendorId: 'acme', vendorName: 'ACME 株式会社', productName: 'まどぐちメールサーバ', affectedVersions: '2.3.0 - 2.3.1', fixedVersions: '2.3.2', summary: '検索機能に XSS があります。', publicationDate: '2027-02-11', advisoryUrl: 'https://acme.example/psirt/1', cve: ['CVE-2027-0001'], cvss: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N' },
    { caseId: CASE, vendorId: 'acme', vendorName: 'ACME 株式会社', productName: 'まどぐちメールサーバ', affectedVersions: '2.3.0', fixedVersions: '2.3.2', summary: 'XSS', publicationDate: '2027-02-11' },
  ],
  'priority-notice': [
    { caseId: CASE, contactName: 'NISC', sector: 'government', productName: 'まどぐちメールサーバ', affectedVersions: '2.3.0', summary: '検索機能に XSS があります。', vulnerabilityType: 'XSS', cvss: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', fixes: [{ vendorName: 'ACME 株式会社', fixedVersions: '2.3.2', workaround: '検索機能を無効にします。', advisoryUrl: 'https://acme.example/psirt/1' }], publicationDate: '2027-02-11' },
    { caseId: CASE, contactName: '電力 ISAC', sector: 'critical-infrastructure', productName: 'まどぐちメールサーバ', fixes: [{ vendorName: 'ACME 株式会社', fixedVersions: '2.3.2' }] },
  ],
  'reporter-priority': [{ caseId: CASE }],
  'vendor-reply-recorded': [
    { caseId: CASE, vendorName: 'ACME 株式会社', status: 'fixed', fixedVersions: '2.3.2', proposedPublication: '2027-01-06', advisoryUrl: 'https://acme.example/psirt/1', askToEncrypt: false },
    { caseId: CASE, vendorName: 'ACME 株式会社', askToEncrypt: true },
  ],
  'reporter-stopped': STOP_REASONS.map((reason) => ({ caseId: CASE, reason })),
  'reporter-withdrawal': [{ caseId: CASE, startDate: '2025-11-22' }],
  'reporter-status': [
    ...REPORTER_STATES.map((state, i) => ({
      caseId: CASE,
      asked: ['status' as const],
      state,
      party: i % 2 === 0 ? ('vendor' as const) : ('operator' as const),
      contacted: i % 3 !== 0,
      answered: i % 2 === 1,
      startDate: '2025-11-22',
      ...(i === 3 ? { publicationDate: '2026-01-06' } : {}),
      ...(i % 2 === 0 ? { withdrawableFrom: '2026-11-22' } : {}),
      waiting: REPORTER_WAITING.slice(0, i % (REPORTER_WAITING.length + 1)),
    })),
    { caseId: CASE, asked: ['withdrawal'], withdrawal: 'recorded', withdrawalStart: '2025-11-22' },
    { caseId: CASE, asked: ['withdrawal'], withdrawal: 'already', recordedOn: '2026-11-23' },
    { caseId: CASE, asked: ['withdrawal'], withdrawal: 'early', possibleFrom: '2026-11-22' },
    { caseId: CASE, asked: ['withdrawal'], withdrawal: 'early' },
    { caseId: CASE, asked: ['status', 'withdrawal'], state: 'scheduled', party: 'vendor', contacted: true, answered: true, waiting: [], withdrawal: 'not-applicable' },
  ],
  'question-not-answered': [{}],
  'impossible-invite': [{ caseId: CASE, vendorName: 'ACME 株式会社', productName: 'まどぐちメールサーバ', deadline: '2026-12-10' }],
  'impossible-outcome': [
    { caseId: CASE, audience: 'vendor', vendorName: 'ACME 株式会社', outcome: 'publish', publicationDate: '2027-01-06' },
    { caseId: CASE, audience: 'vendor', vendorName: 'ACME 株式会社', outcome: 'do-not-publish' },
    { caseId: CASE, audience: 'reporter', outcome: 'publish' },
    { caseId: CASE, audience: 'reporter', outcome: 'do-not-publish' },
    { caseId: CASE, audience: 'coordinators', outcome: 'publish', publicationDate: '2027-01-06' },
    { caseId: CASE, audience: 'coordinators', outcome: 'publish' },
    { caseId: CASE, audience: 'coordinators', outcome: 'do-not-publish' },
  ],
  advisory: [
    advisoryCtx,
    {
      ...advisoryCtx,
      vendors: [{ name: 'Initech', status: 'affected' }],
      references: undefined,
      byCommittee: true,
      credit: false,
      creditName: undefined,
    },
  ],
  published: [
    { caseId: CASE, publishedOn: '2027-01-06', advisoryUrl: 'https://desk.example.jp/advisories/VR-2026-0042', credit: true, creditName: '山田 太郎' },
    { caseId: CASE, publishedOn: '2027-01-06', credit: false },
  ],
  digest: [
    { day: '2027-01-12', now: new Date('2027-01-12T00:00:00Z'), since: null, empty: true, sections: [] },
    {
      day: '2027-01-12',
      now: new Date('2027-01-12T00:00:00Z'),
      since: new Date('2027-01-08T00:00:00Z'),
      empty: false,
      sections: [
        { kind: 'new', lines: [{ type: 'case', caseId: CASE, caseKind: 'product', state: 'accepted', products: ['まどぐちメールサーバ'], openedAt: AT, actions: [{ via: 'mail', keyword: 'X-ADD-VENDOR' }] }] },
        { kind: 'silent', days: 14, lines: [{ caseId: CASE, party: 'vendor', partyId: 'acme', product: null, status: 'notified', reminders: 0, silentSince: AT, days: 15, actions: [{ via: 'mail', keyword: 'X-MARK-UNREACHABLE', arg: 'acme' }] }] },
        { kind: 'keys', days: 30, lines: [{ owner: { kind: 'desk' }, fingerprint: 'unknown', expiresAt: null, expired: true, daysLeft: null, actions: [] }] },
      ],
    },
  ],
};

/** Render with a context the types would refuse (runtime validation is the point). */
const renderLoose = (name: CoordinationNoticeName, lang: Lang, ctx: unknown) => renderNotice(name, lang, ctx as never);

/** Drops the keys whose value is undefined (a sample built with `...spread, key: undefined`). */
const defined = (o: object): Record<string, unknown> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** Every string of a context, deeply: the text that is not the desk's own. */
function strings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(strings);
  if (v && typeof v === 'object' && !(v instanceof Date)) return Object.values(v).flatMap(strings);
  return [];
}

describe('product-track notices: files and rendering', () => {
  it('every notice (and the unreachable list) has a ja and an en template: Subject line, blank line, body', () => {
    expect(COORDINATION_NOTICE_NAMES).toHaveLength(32);
    for (const name of [...COORDINATION_NOTICE_NAMES, 'unreachable-list']) {
      for (const lang of LANGS) {
        const src = readFileSync(join(TEMPLATE_DIR, `${name}.${lang}.hbs`), 'utf8');
        expect(src, `${name}.${lang}`).toMatch(/^Subject: [^\n]+\n\n\S/);
      }
    }
    // The screening notices stay what NOTICE_NAMES lists (the desk's intake switches on them).
    expect(NOTICE_NAMES).toEqual(['ack', 'missing', 'unencrypted', 'nokey', 'rejected', 'invalid']);
  });

  it('renders every sample in both languages: one-line subject with the case tag, nothing undefined or escaped', () => {
    for (const name of COORDINATION_NOTICE_NAMES) {
      for (const lang of LANGS) {
        for (const raw of samples[name]) {
          const ctx = defined(raw);
          const n = renderLoose(name, lang, ctx);
          expect(n.subject, `${name}.${lang}`).not.toMatch(/[\r\n]/);
          if (typeof ctx.caseId === 'string') expect(n.subject).toContain(`[${ctx.caseId}]`);
          expect(n.text, `${name}.${lang}`).not.toMatch(/&#x27;|&amp;|&lt;|&quot;|undefined|\[object |\{\{|\}\}|NaN/);
          expect(n.text.endsWith('\n') && !n.text.endsWith('\n\n')).toBe(true);
          expect(n.text.split('\n').some((l) => l.includes('脆弱性関連情報 受付窓口') || l.includes('The vulnerability disclosure desk'))).toBe(true);
        }
      }
    }
  });

  it('Japanese notices end every sentence of the desk politely (です・ます)', () => {
    let checked = 0;
    for (const name of COORDINATION_NOTICE_NAMES) {
      for (const raw of samples[name]) {
        let text = renderLoose(name, 'ja', defined(raw)).text;
        // Only the desk's own sentences: what came in through the context is taken out.
        for (const s of strings(raw).sort((a, b) => b.length - a.length)) for (const l of s.split('\n')) if (l.trim() !== '') text = text.split(l).join('');
        const ends = [...text.matchAll(/([^。\n]{0,5})。/g)].map((m) => m[1]);
        expect(ends.length, `${name}: ${text}`).toBeGreaterThan(0);
        for (const e of ends) expect(e, `${name}:\n${text}`).toMatch(/(ます|ません|ました|でした|ください|です)$/);
        checked += ends.length;
      }
    }
    expect(checked).toBeGreaterThan(200);
    // The check itself fails on plain style.
    expect('公表する。'.match(/([^。\n]{0,5})。/)?.[1]).not.toMatch(/(ます|ません|ました|でした|ください|です)$/);
  });

  it('the same context always gives the same text, and each enum value its own text', () => {
    for (const lang of LANGS) {
      const one = (name: CoordinationNoticeName, ctx: unknown) => renderLoose(name, lang, ctx).text;
      expect(one('vendor-notify', anonymous)).toBe(one('vendor-notify', anonymous));
      const alerts = samples['coord-alert'].map((c) => one('coord-alert', { ...c, detail: 'x' }).replace(/\[VR-2026-0042\] |VR-2026-0042/g, ''));
      expect(new Set(alerts).size).toBe(COORD_ALERT_KINDS.length);
      const stopped = samples['reporter-stopped'].map((c) => one('reporter-stopped', c));
      expect(new Set(stopped).size).toBe(STOP_REASONS.length);
      const items = PROGRESS_ITEMS.map((p) =>
        one('reporter-progress', p.startsWith('date-') ? { caseId: CASE, progress: [p], publicationDate: '2027-01-06', vendorNamesPublic: false } : { caseId: CASE, progress: [p], vendorNamesPublic: false }),
      );
      expect(new Set(items).size).toBe(PROGRESS_ITEMS.length);
      const outcomes = samples['impossible-outcome'].map((c) => one('impossible-outcome', c));
      expect(new Set(outcomes).size).toBe(outcomes.length);
      const updates = samples['vendor-update'].map((c) => one('vendor-update', c));
      expect(new Set(updates).size).toBe(updates.length);
    }
  });

  it('every coordinator notice of the rules has an alert kind', () => {
    for (const kind of Object.values(COORD_ALERT_FOR)) expect(COORD_ALERT_KINDS).toContain(kind);
    expect(COORD_ALERT_FOR['late-vendor']).toBe('late-vendor-date');
    expect(COORD_ALERT_FOR['advisory-url']).toBe('advisory-url-early');
    expect(COORD_ALERT_FOR['other-vendors']).toBe('other-vendors-affected');
  });
});

describe('product-track notices: schemas', () => {
  it('rejects every missing required key, naming it', () => {
    let tried = 0;
    for (const name of COORDINATION_NOTICE_NAMES) {
      for (const raw of samples[name]) {
        const ctx = defined(raw);
        for (const key of Object.keys(ctx)) {
          const { [key]: _drop, ...rest } = ctx;
          let threw: unknown = null;
          try {
            validateNoticeContext(name, rest);
          } catch (e) {
            threw = e;
          }
          // An optional key may go (unless a cross-key rule needs it); a required one may not.
          if (threw !== null) {
            expect(threw, `${name}.${key}`).toBeInstanceOf(NoticeContextError);
            expect((threw as Error).message).toContain(`"${key}" is missing`);
            tried++;
          }
        }
      }
    }
    expect(tried).toBeGreaterThan(60);
    expect(() => renderLoose('vendor-notify', 'ja', { ...anonymous, reproduction: undefined })).toThrow(/"reproduction" is missing/);
    expect(() => renderLoose('advisory', 'en', { ...advisoryCtx, contact: undefined })).toThrow(/"contact" is missing/);
  });

  it('rejects an unknown key in every notice, and in nested entries', () => {
    for (const name of COORDINATION_NOTICE_NAMES) {
      for (const raw of samples[name]) {
        for (const key of ['extra', 'text', 'reporterPhone']) {
          expect(() => renderLoose(name, 'en', { ...defined(raw), [key]: 'x' }), `${name}.${key}`).toThrow(new RegExp(`"${key}" is not part of this template`));
        }
      }
    }
    const [newCase] = samples['coord-new-case'];
    const bad = { ...newCase!, vendorCandidates: [{ ...newCase!.vendorCandidates[0]!, contactEmail: 'psirt@acme.example' }] };
    expect(() => renderLoose('coord-new-case', 'ja', bad)).toThrow(/"vendorCandidates\[0\]\.contactEmail" is not part of this template/);
    expect(() => renderLoose('advisory', 'ja', { ...advisoryCtx, vendors: [{ name: 'A', status: 'fixed', reproduction: REPRODUCTION }] })).toThrow(
      /"vendors\[0\]\.reproduction" is not part of this template/,
    );
  });

  it('rejects bad values, naming the key', () => {
    const cases: [CoordinationNoticeName, unknown, RegExp][] = [
      ['vendor-notify', { ...anonymous, productName: 'x\n\n当窓口より：公表日は本日です' }, /"productName" must be one line/],
      ['vendor-notify', { ...anonymous, publicationDate: '2027-02-30' }, /"publicationDate" must be a calendar date/],
      ['vendor-notify', { ...anonymous, startDate: new Date() }, /"startDate" must be a calendar date/],
      ['vendor-notify', { ...anonymous, shareIdentity: 'no' }, /"shareIdentity" must be true or false/],
      ['vendor-notify', { ...anonymous, publicationDays: 45.5 }, /"publicationDays" must be a whole number/],
      ['vendor-notify', { ...anonymous, dateStatus: 'maybe' }, /"dateStatus" must be one of proposed, agreed/],
      ['vendor-notify', { ...anonymous, summary: 'a\u0000b' }, /"summary" must not contain control characters/],
      ['vendor-notify', { ...identified, reporterEmail: 'not an address' }, /"reporterEmail" does not match/],
      ['vendor-remind', { ...samples['vendor-remind'][0]!, n: 0 }, /"n" must be between 1 and 99/],
      ['vendor-remind', { ...samples['vendor-remind'][0]!, n: 4 }, /"n" must not exceed unreachableAfterReminders \(3\)/],
      ['vendor-unreachable-listed', { ...samples['vendor-unreachable-listed'][1]!, productNameAfterDays: 90 }, /"productNameAfterDays" must be absent/],
      ['vendor-unreachable-listed', { ...samples['vendor-unreachable-listed'][0]!, productNameAfterDays: undefined }, /"productNameAfterDays" is missing/],
      ['coord-new-case', { ...samples['coord-new-case'][0]!, vendorCandidates: [{ id: 'ACME Corp', name: 'A', score: 1, why: [] }] }, /"vendorCandidates\[0\]\.id" does not match/],
      ['coord-new-case', { ...samples['coord-new-case'][0]!, duplicateCandidates: [{ caseId: CASE, score: 0.9, why: [] }] }, /is the case itself/],
      ['coord-new-case', { ...samples['coord-new-case'][0]!, duplicateCandidates: [{ caseId: 'VR-2025-0001', score: 1.5, why: [] }] }, /"duplicateCandidates\[0\]\.score" must be between 0 and 1/],
      ['coord-new-case', { ...samples['coord-new-case'][2]!, vendorCandidates: samples['coord-new-case'][0]!.vendorCandidates }, /"vendorCandidates" must be empty when kind is website/],
      ['coord-new-case', { ...samples['coord-new-case'][2]!, productName: 'x' }, /"productName" must be absent/],
      ['coord-alert', { kind: 'unauthorised-command', caseId: CASE, detail: 'x' }, /"caseId" must be absent for unauthorised-command/],
      ['coord-alert', { kind: 'vendor-unreachable', detail: 'x' }, /"caseId" is missing/],
      ['coord-alert', { kind: 'vendor-unreachable', caseId: CASE, detail: 'line one\nline two' }, /"detail" must be one line/],
      ['coord-alert', { kind: 'vendor-unreachable', caseId: CASE, detail: 'x'.repeat(501) }, /"detail" is longer than 500/],
      ['coord-alert', { kind: 'something-else', caseId: CASE, detail: 'x' }, /"kind" must be one of/],
      ['reporter-progress', { caseId: CASE, progress: ['date-set'], vendorNamesPublic: false }, /"publicationDate" is missing/],
      ['reporter-progress', { caseId: CASE, progress: ['vendor-notified'], publicationDate: '2027-01-06', vendorNamesPublic: false }, /"publicationDate" must be absent/],
      ['reporter-progress', { caseId: CASE, progress: [], vendorNamesPublic: false }, /"progress" must not be empty/],
      ['reporter-progress', { caseId: CASE, progress: ['vendor-notified'], vendorNamesPublic: true }, /"vendorNames" is missing/],
      ['reporter-stopped', { caseId: CASE, reason: 'duplicate', duplicateOf: 'VR-2025-0107' }, /"duplicateOf" is not part of this template/],
      ['reporter-stopped', { caseId: CASE, reason: 'boring' }, /"reason" must be one of/],
      ['impossible-outcome', { caseId: CASE, audience: 'reporter', outcome: 'do-not-publish', publicationDate: '2027-01-06' }, /"publicationDate" must be absent/],
      ['impossible-outcome', { caseId: CASE, audience: 'reporter', outcome: 'publish', vendorName: 'ACME' }, /"vendorName" must be absent/],
      ['impossible-outcome', { caseId: CASE, audience: 'vendor', outcome: 'publish' }, /"vendorName" is missing/],
      ['impossible-outcome', { caseId: CASE, audience: 'reporter', outcome: 'publish', reasons: 'the vendor never answered' }, /"reasons" is not part/],
      ['advisory', { ...advisoryCtx, vendors: [] }, /"vendors" must not be empty/],
      // A fix is named with "fixed" and "affected, fixed in 1.2" (src/export/model.ts fixedIn); never with not-affected or unknown.
      ['advisory', { ...advisoryCtx, vendors: [{ name: 'A', status: 'not-affected', fixedVersions: '1.2' }] }, /"vendors\[0\]\.fixedVersions" must be absent unless status is fixed or affected/],
      ['advisory', { ...advisoryCtx, vendors: [{ name: 'A', status: 'unknown', fixedVersions: '1.2' }] }, /"vendors\[0\]\.fixedVersions" must be absent unless status is fixed or affected/],
      ['advisory', { ...advisoryCtx, vendors: [{ name: 'A', status: 'not-affected', workaround: 'x' }] }, /"vendors\[0\]\.workaround" must be absent when status is not-affected/],
      ['advisory', { ...advisoryCtx, vendors: [{ name: 'A', status: 'fixed', advisoryUrl: 'javascript:alert(1)' }] }, /"vendors\[0\]\.advisoryUrl" does not match/],
      ['advisory', { ...advisoryCtx, references: ['https://ok.example/', 'ftp://x'] }, /"references" entry 1 does not match/],
      ['published', { caseId: CASE, publishedOn: '2027-01-06', credit: true }, /"creditName" is missing/],
      ['published', { caseId: CASE, publishedOn: '2027-01-06', credit: false, creditName: '山田 太郎' }, /"creditName" must be absent unless credit is true/],
    ];
    for (const [name, ctx, re] of cases) expect(() => renderLoose(name, 'ja', defined(ctx as object)), `${name} ${String(re)}`).toThrow(re);
    for (const [name, ctx] of cases) expect(() => renderLoose(name, 'en', defined(ctx as object))).toThrow(NoticeContextError);
    expect(() => renderLoose('advisory', 'ja', null)).toThrow(/must be a plain object/);
    expect(() => renderLoose('advisory', 'ja', { ...advisoryCtx, vendors: ['ACME'] })).toThrow(/"vendors\[0\]" must be a plain object/);
  });
});

describe('vendor-notify: what the vendor sees', () => {
  it('without consent: none of the reporter\'s name, e-mail or organisation; the desk speaks for the reporter', () => {
    for (const lang of LANGS) {
      const n = renderNotice('vendor-notify', lang, anonymous);
      for (const s of [REPORTER.name, '山田', REPORTER.email, 'reporter.test', REPORTER.organization]) {
        expect(n.text).not.toContain(s);
        expect(n.subject).not.toContain(s);
      }
    }
    expect(renderNotice('vendor-notify', 'en', anonymous).text).toContain('The reporter has asked not to be identified');
    expect(renderNotice('vendor-notify', 'ja', anonymous).text).toContain('発見者情報の通知を希望していません');
  });

  it('the schema refuses reporter fields unless shareIdentity is true', () => {
    for (const [key, value] of [['reporterName', REPORTER.name], ['reporterEmail', REPORTER.email], ['reporterOrganization', REPORTER.organization]] as const) {
      expect(() => renderLoose('vendor-notify', 'en', { ...anonymous, [key]: value })).toThrow(new RegExp(`"${key}" must be absent unless shareIdentity is true`));
    }
    const { reporterName: _n, ...noName } = identified;
    expect(() => renderLoose('vendor-notify', 'en', noName)).toThrow(/"reporterName" is missing \(required when shareIdentity is true\)/);
    const { reporterOrganization: _o, ...noOrg } = identified;
    expect(() => renderLoose('vendor-notify', 'en', noOrg)).not.toThrow();
    expect(renderLoose('vendor-notify', 'en', noOrg).text).not.toContain('Organisation');
  });

  it('with consent: the reporter\'s name, e-mail and organisation', () => {
    for (const lang of LANGS) {
      const t = renderNotice('vendor-notify', lang, identified).text;
      expect(t).toContain(REPORTER.name);
      expect(t).toContain(REPORTER.email);
      expect(t).toContain(REPORTER.organization);
    }
    expect(renderNotice('vendor-notify', 'en', identified).text).not.toContain('asked not to be identified');
  });

  it('offers direct contact only when the context says so', () => {
    expect(renderNotice('vendor-notify', 'en', anonymous).text).not.toMatch(/exchange information with you directly|introduce you/);
    expect(renderNotice('vendor-notify', 'ja', anonymous).text).not.toContain('直接の情報交換');
    expect(renderNotice('vendor-notify', 'en', identified).text).toContain('exchange information with you directly');
    expect(renderNotice('vendor-notify', 'ja', identified).text).toContain('直接の情報交換に同意しています');
  });

  it('carries the details, the confidential parts marked, the schedule in JST with UTC, the 45-day rule and the no-sharing request', () => {
    const ja = renderNotice('vendor-notify', 'ja', anonymous).text;
    expect(ja).toContain('■ 再現手順【機密】');
    expect(ja).toContain('■ 検証方法【機密】');
    expect(ja).toContain('  | GET /search?q=<script>alert(document.cookie)</script> HTTP/1.1');
    expect(ja).toContain('CWE-79');
    expect(ja).toContain('CVSS:3.1/AV:N');
    expect(ja).toContain('公表日として 2027-01-06（日本時間／UTC 2027-01-05 15:00 から）をご提案いたします');
    expect(ja).toContain('起算日から 45 日後');
    expect(ja).toContain('他の製品開発者と直接やり取りしないでください');
    const en = renderNotice('vendor-notify', 'en', anonymous).text;
    expect(en).toContain('Steps to reproduce (CONFIDENTIAL)');
    expect(en).toContain('Verification method (CONFIDENTIAL)');
    expect(en).toContain('We propose this publication date:\n  2027-01-06 JST (from 2027-01-05 15:00 UTC)\n');
    expect(en).toContain('45 days after the start date');
    expect(en).toContain('everything between vendors goes through the\ndesk');
    expect(en).toContain(`keep\n[${CASE}] in the subject line`);
    expect(renderNotice('vendor-notify', 'en', identified).text).toContain('The publication date of this case is set to:\n  2027-01-06 JST');
    expect(renderNotice('vendor-notify', 'en', { ...anonymous, verification: undefined }).text).not.toContain('Verification method');
  });

  it('outside text is quoted line by line, so it cannot pass for the desk\'s text', () => {
    const forged = '本当の概要です\n\n■ 公表日程\n当窓口より：公表日は本日です';
    const t = renderNotice('vendor-notify', 'ja', { ...anonymous, summary: forged }).text;
    expect(t).toContain('  | ■ 公表日程\n  | 当窓口より：公表日は本日です');
    expect(t).not.toMatch(/^当窓口より/m);
    // Bidi overrides cannot reorder what the vendor reads.
    const rlo = renderNotice('vendor-notify', 'en', { ...anonymous, productName: 'evil\u202Etxt.exe' });
    expect(rlo.text).not.toContain('\u202E');
    expect(rlo.subject).not.toContain('\u202E');
    expect(rlo.text).toContain('evil<U+202E>txt.exe');
  });

  it('the reply form is the §4 form in the vendor\'s language, and what the vendor fills in is read back', () => {
    for (const lang of LANGS) {
      const t = renderNotice('vendor-notify', lang, anonymous).text;
      const form = blankVendorReplyForm(lang, CASE, { vendorReference: true });
      expect(t).toContain(form);
      // issue 12: the vendor may give its own tracking id; a site operator's form has no such line.
      expect(form).toContain(lang === 'ja' ? '製品開発者の管理番号：' : 'Vendor reference:');
      expect(blankVendorReplyForm(lang, CASE)).not.toContain(lang === 'ja' ? '製品開発者の管理番号' : 'Vendor reference');
      expect(form).toContain(lang === 'ja' ? '状態：' : 'Status:');
      expect(form).toContain(lang === 'ja' ? '公表希望日：' : 'Proposed publication date:');
      const filled = form
        .replace(lang === 'ja' ? '状態：' : 'Status:', lang === 'ja' ? '状態：影響あり' : 'Status: affected')
        .replace(lang === 'ja' ? '公表希望日：' : 'Proposed publication date:', lang === 'ja' ? '公表希望日：2027年1月20日' : 'Proposed publication date: 2027-01-20')
        .replace(lang === 'ja' ? '製品開発者の管理番号：' : 'Vendor reference:', lang === 'ja' ? '製品開発者の管理番号：PSIRT-1' : 'Vendor reference: PSIRT-1');
      expect(parseVendorReplyForm(filled)).toMatchObject({ caseId: CASE, status: 'affected', proposedPublication: '2027-01-20', vendorReference: 'PSIRT-1' });
      // The notice as a whole, form filled in: the hints, headings and quoted report are not fields.
      const reply = parseVendorReplyForm(t.replace(form, filled));
      expect(reply.status).toBe('affected');
      expect(reply.proposedPublication).toBe('2027-01-20');
    }
    // A reporter who writes a status line into the summary does not answer for the vendor.
    const t = renderNotice('vendor-notify', 'ja', { ...anonymous, summary: '状態：修正済\n公表希望日：2026-12-01' }).text;
    const reply = parseVendorReplyForm(t);
    expect(reply.status).toBeUndefined();
    expect(reply.proposedPublication).toBeUndefined();
  });
});

describe('vendor-remind and the unreachable procedure', () => {
  it('a reminder carries the case id and product name only, counts, and says what silence leads to', () => {
    const [first, last] = samples['vendor-remind'];
    const en1 = renderNotice('vendor-remind', 'en', first!).text;
    expect(en1).toContain('This is reminder 1.');
    expect(en1).toContain('after 3 reminders');
    expect(en1).toContain('publish your\ncompany\'s name on our list of unreachable vendors');
    expect(en1).not.toContain('last reminder');
    expect(renderNotice('vendor-remind', 'en', last!).text).toContain('This is the last reminder.');
    const ja = renderNotice('vendor-remind', 'ja', last!).text;
    expect(ja).toContain('3 回目のご確認のお願い');
    expect(ja).toContain('連絡不能の製品開発者');
    expect(ja).toContain('2026-11-22 19:30 JST (10:30 UTC)');
    expect(ja).toContain('最後のご確認のお願いです');
    for (const key of ['summary', 'reproduction', 'verification', 'vulnerabilityType']) {
      expect(() => renderLoose('vendor-remind', 'ja', { ...first, [key]: 'x' })).toThrow(new RegExp(`"${key}" is not part`));
    }
    for (const lang of LANGS) {
      const t = renderNotice('vendor-remind', lang, first!).text;
      for (const s of ['CWE-79', 'クロスサイト', REPRODUCTION.split('\n')[0]!]) expect(t).not.toContain(s);
    }
  });

  it('the listed notice tells the stage, when the product name follows, and how to be removed', () => {
    const [named, product] = samples['vendor-unreachable-listed'];
    const en = renderNotice('vendor-unreachable-listed', 'en', named!).text;
    expect(en).toContain('about 90 days later');
    expect(en).toContain('  2026-12-20 10:00 JST (01:00 UTC).\n');
    expect(en).toContain('removed as soon as you contact us');
    const enP = renderNotice('vendor-unreachable-listed', 'en', product!).text;
    expect(enP).toContain('we added the name and version of the product');
    expect(enP).not.toContain('90 days');
    expect(renderNotice('vendor-unreachable-listed', 'ja', named!).text).toContain('おおむね 90 日後');
  });

  it('the public list: vendor name, listed since (JST with UTC), product once published; never a case id', () => {
    const entries = [
      { vendorName: 'Globex Corporation', since: new Date('2027-01-10T03:00:00Z') },
      { vendorName: 'ACME 株式会社', since: new Date('2026-12-20T01:00:00Z'), productName: 'まどぐちメールサーバ 2.3.1' },
      { vendorName: 'ACME 株式会社', since: new Date('2027-02-01T01:00:00Z') },
      { vendorName: 'Pipe|Co *bold* [x](http://evil)', since: new Date('2027-02-02T01:00:00Z') },
    ];
    for (const lang of LANGS) {
      const md = renderUnreachableList(entries, lang);
      expect(md).not.toMatch(/[A-Z][A-Z0-9]*-\d{4}-\d{4,6}/);
      expect(md.startsWith(lang === 'ja' ? '# 連絡不能の製品開発者一覧\n' : '# Vendors we cannot reach\n')).toBe(true);
      // One row per vendor: its earliest date and its published product.
      expect(md.match(/ACME 株式会社/g)).toHaveLength(1);
      expect(md).toContain('| ACME 株式会社 | 2026-12-20 10:00 JST (01:00 UTC) | まどぐちメールサーバ 2.3.1 |');
      expect(md).toContain('| Globex Corporation | 2027-01-10 12:00 JST (03:00 UTC) | — |');
      expect(md.indexOf('ACME')).toBeLessThan(md.indexOf('Globex'));
      // Markdown in a name stays text.
      expect(md).toContain('Pipe\\|Co \\*bold\\* \\[x\\](http://evil)');
      expect(md).not.toMatch(/\{\{|undefined/);
    }
    expect(renderUnreachableList([], 'ja')).toContain('現在、掲載している製品開発者はありません。');
    expect(renderUnreachableList([], 'en')).not.toContain('|');
  });

  it('the public list refuses anything beyond its three fields, and a name carrying a case id', () => {
    const base = { vendorName: 'ACME', since: AT };
    for (const key of ['caseId', 'reporter', 'summary', 'productVersion']) {
      expect(() => renderUnreachableList([{ ...base, [key]: 'VR-2026-0042' }], 'en')).toThrow(new RegExp(`"entries\\[0\\]\\.${key}" is not part`));
    }
    expect(() => renderUnreachableList([{ ...base, vendorName: 'ACME (VR-2026-0042)' }], 'en')).toThrow(/"entries\[0\]\.vendorName" must not contain a case id/);
    expect(() => renderUnreachableList([{ ...base, productName: 'Router [ＶＲ－２０２６－００４２]' }], 'ja')).toThrow(/must not contain a case id/);
    expect(() => renderUnreachableList([{ ...base, productName: 'Router JV-2026-0042' }], 'ja', { casePrefix: 'JV' })).toThrow(/case id/);
    expect(() => renderUnreachableList([{ ...base, productName: 'Router RT-2026-1000' }], 'ja')).not.toThrow();
    expect(() => renderUnreachableList([{ vendorName: 'ACME' } as never], 'en')).toThrow(/"entries\[0\]\.since" is missing/);
    expect(() => renderUnreachableList([{ ...base, vendorName: 'A\nB' }], 'en')).toThrow(/must be one line/);
  });
});

describe('coordinators', () => {
  it('coord-new-case: candidates with scores and reasons, and command lines the desk parses back', () => {
    const [full, none, website] = samples['coord-new-case'];
    const en = renderNotice('coord-new-case', 'en', full!).text;
    expect(en).toContain('1. ACME 株式会社 (id acme, score 1040)');
    expect(en).toContain('- vendor name "ACME" in the reported vendor "ACME"');
    expect(en).toContain('1. VR-2025-0107 (score 0.72)');
    expect(en).toContain('Vendor as reported:   ACME');
    const block = (text: string, first: string): string[] => {
      const lines = text.split('\n');
      const i = lines.findIndex((l) => l.trim() === first);
      const out: string[] = [];
      for (let j = i; j >= 0 && j < lines.length && lines[j]!.startsWith('  X-'); j++) out.push(lines[j]!.trim());
      return out;
    };
    for (const lang of LANGS) {
      const t = renderNotice('coord-new-case', lang, full!).text;
      const add = block(t, `X-CASE: ${CASE}`);
      expect(add).toEqual([`X-CASE: ${CASE}`, 'X-ADD-VENDOR: acme']); // add-vendor notifies at once
      const parsed = parseCommandMail(add.join('\n'));
      expect(parsed.errors).toEqual([]);
      expect(parsed.caseId).toBe(CASE);
      expect(parsed.commands).toEqual([{ kind: 'add-vendor', vendor: 'acme' }]);
      const cli = t.split('\n').filter((l) => l.startsWith('  madoguchi case '));
      expect(cli).toContain(`  madoguchi case ${CASE} add-vendor acme`);
      expect(cli).toContain(`  madoguchi case ${CASE} stop duplicate VR-2025-0107`);
      for (const l of cli) {
        const r = parseCliCommand(l.trim().split(/\s+/).slice(2));
        expect(r.errors, l).toEqual([]);
        expect(r.caseId).toBe(CASE);
      }
      const dupAt = t.indexOf('X-STOP: duplicate VR-2025-0107');
      expect(dupAt).toBeGreaterThan(0);
      expect(parseCommandMail(`X-CASE: ${CASE}\nX-STOP: duplicate VR-2025-0107`).commands).toEqual([{ kind: 'stop', reason: 'duplicate', duplicateOf: 'VR-2025-0107', text: null }]);
    }
    const ja = renderNotice('coord-new-case', 'ja', none!).text;
    expect(ja).toContain('製品開発者リストに該当する候補はありません');
    expect(ja).toContain('X-ADD-VENDOR: <vendor-id>');
    expect(ja).toContain('重複の可能性がある案件はありません');
    expect(ja).not.toContain('X-STOP: duplicate');
    const ws = renderNotice('coord-new-case', 'en', website!).text;
    expect(ws).toContain('URL as reported:      https://shop.example.jp/');
    expect(ws).not.toContain('X-ADD-VENDOR');
    expect(ws).not.toContain('Vendor candidates');
  });

  it('coord-alert: the case id, a title and one line of detail; nothing else about the case can be passed', () => {
    const t = renderNotice('coord-alert', 'en', { kind: 'late-vendor-date', caseId: CASE, detail: 'globex was first contacted on 2026-12-01' });
    expect(t.subject).toBe(`[${CASE}] A vendor was first contacted late for the case date`);
    expect(t.text).toContain('Detail:  globex was first contacted on 2026-12-01');
    expect(t.text).toContain('X-SET-DATE');
    const refused = renderNotice('coord-alert', 'ja', { kind: 'unauthorised-command', detail: 'not-a-coordinator-key' });
    expect(refused.subject).not.toMatch(/\[/);
    expect(refused.text).not.toMatch(/VR-\d{4}/);
    for (const key of ['summary', 'vendorName', 'productName', 'reporterName']) {
      expect(() => renderLoose('coord-alert', 'en', { kind: 'vendor-unreachable', caseId: CASE, detail: 'x', [key]: 'x' })).toThrow(new RegExp(`"${key}" is not part`));
    }
  });
});

describe('reporter notices', () => {
  it('reporter-progress: no vendor name unless vendorNamesPublic, never fixed versions', () => {
    const [hidden, shown] = samples['reporter-progress'];
    for (const lang of LANGS) {
      const h = renderNotice('reporter-progress', lang, hidden!).text;
      for (const v of [...VENDOR_NAMES, 'ACME', 'Globex']) expect(h).not.toContain(v);
      expect(h).toContain(lang === 'ja' ? '2027-01-06（日本時間／UTC 2027-01-05 15:00 から）' : '2027-01-06 JST (from 2027-01-05 15:00 UTC)');
      const s = renderNotice('reporter-progress', lang, shown!).text;
      for (const v of VENDOR_NAMES) expect(s).toContain(v);
    }
    expect(() => renderLoose('reporter-progress', 'en', { ...hidden, vendorNames: VENDOR_NAMES })).toThrow(/"vendorNames" must be absent unless vendorNamesPublic is true/);
    for (const key of ['fixedVersions', 'workaround', 'advisoryUrl', 'vendorComment']) {
      expect(() => renderLoose('reporter-progress', 'en', { ...hidden, [key]: '2.3.2' })).toThrow(new RegExp(`"${key}" is not part`));
    }
    expect(renderNotice('reporter-progress', 'en', hidden!).text).toContain('- The vendor has confirmed the vulnerability.');
  });

  it('reporter-stopped: a polite reason each, and a duplicate names no other case', () => {
    const text = (lang: Lang, reason: (typeof STOP_REASONS)[number]) => renderNotice('reporter-stopped', lang, { caseId: CASE, reason }).text;
    expect(text('ja', 'not-vulnerability')).toContain('脆弱性には当たらないと判断いたしました');
    expect(text('ja', 'duplicate')).toContain('既に別の届出があり');
    expect(text('ja', 'duplicate')).toContain('公表されるまでの間、引き続き第三者に開示しないようお願いいたします');
    expect(text('ja', 'not-reproducible')).toContain('再現することができませんでした');
    expect(text('ja', 'illegal')).toContain('法令に違反する方法で取得された');
    expect(text('ja', 'known')).toContain('既知の脆弱性');
    expect(text('en', 'duplicate')).toContain('already been reported to us');
    for (const lang of LANGS) expect(text(lang, 'duplicate').match(/VR-\d{4}-\d{4}/g)).toEqual([CASE, CASE, CASE].slice(0, text(lang, 'duplicate').match(/VR-\d{4}-\d{4}/g)!.length));
  });

  it('vendor-update: the common date with JST and UTC, the closing reason, the withdrawal; confidentiality each time', () => {
    const [first, changed] = samples['vendor-update'];
    const ja = renderNotice('vendor-update', 'ja', first!).text;
    expect(ja).toContain('2027-01-06（日本時間／UTC 2027-01-05 15:00 から）');
    expect(ja).toContain('一斉に公表します');
    const en = renderNotice('vendor-update', 'en', changed!);
    expect(en.text).toContain('has changed from 2027-01-06 (JST) to');
    expect(en.text).toContain('2027-01-20 JST (from 2027-01-19 15:00 UTC)');
    expect(en.subject).toBe(`[${CASE}] Publication date for the vulnerability in まどぐちメールサーバ`);
    const stopped = renderNotice('vendor-update', 'en', { caseId: CASE, vendorName: 'ACME', productName: 'P', event: 'stopped', stopReason: 'duplicate' }).text;
    expect(stopped).toContain('handled as another case');
    expect(stopped.match(/VR-\d{4}-\d{4}/g)!.every((id) => id === CASE)).toBe(true);
    for (const lang of LANGS) {
      for (const c of samples['vendor-update']) expect(renderNotice('vendor-update', lang, c).text).toMatch(lang === 'ja' ? /開示しないようお願いいたします/ : /confidential/);
    }
    expect(() => renderLoose('vendor-update', 'en', { caseId: CASE, vendorName: 'A', productName: 'P', event: 'schedule' })).toThrow(/"publicationDate" is missing/);
    expect(() => renderLoose('vendor-update', 'en', { caseId: CASE, vendorName: 'A', productName: 'P', event: 'stopped', stopReason: 'known', publicationDate: '2027-01-06' })).toThrow(/"publicationDate" must be absent/);
    expect(() => renderLoose('vendor-update', 'en', { caseId: CASE, vendorName: 'A', productName: 'P', event: 'withdrawn', stopReason: 'known' })).toThrow(/"stopReason" must be absent/);
  });

  it('reporter-not-accepted: the coordinator\'s reason, quoted so it cannot pass for the desk\'s text', () => {
    const t = renderNotice('reporter-not-accepted', 'en', samples['reporter-not-accepted'][0]!).text;
    expect(t).toContain('  | The product is not distributed in Japan.\n  | Please report it to the vendor directly.');
    expect(() => renderLoose('reporter-not-accepted', 'ja', { caseId: CASE, reason: ' ' })).toThrow(/"reason" must not be empty/);
  });

  it('introduce: each side gets the other\'s contact, and only its own audience\'s fields are allowed', () => {
    const [toVendor, , toReporter] = samples.introduce;
    const v = renderNotice('introduce', 'ja', toVendor!).text;
    for (const s of ['山田 太郎', 'taro@reporter.test', 'サンプル研究所']) expect(v).toContain(s);
    const r = renderNotice('introduce', 'en', toReporter!).text;
    expect(r).toContain('psirt@acme.test, cc@acme.test');
    expect(r).not.toContain('taro@reporter.test');
    expect(() => renderLoose('introduce', 'en', { ...toReporter, reporterEmail: 'taro@reporter.test' })).toThrow(/"reporterEmail" must be absent/);
    expect(() => renderLoose('introduce', 'en', { ...toVendor, vendorContacts: ['a@b.test'] })).toThrow(/"vendorContacts" must be absent/);
    expect(() => renderLoose('introduce', 'en', { caseId: CASE, audience: 'vendor', vendorName: 'A', productName: 'P' })).toThrow(/"reporterName" is missing/);
  });

  it('relay: the text quoted, the vendor greeted by name, the reporter never told which vendor', () => {
    const [toVendor, toReporter] = samples.relay;
    const v = renderNotice('relay', 'en', toVendor!).text;
    expect(v).toContain('  | Which version did you test?\n  | The 2.3 branch only?');
    expect(v).toContain('ACME 株式会社');
    const r = renderNotice('relay', 'ja', toReporter!);
    expect(r.text).toContain('  | 2.3.1 と 2.2.9 で確認しました。');
    expect(r.subject + r.text).not.toContain('ACME');
    expect(() => renderLoose('relay', 'en', { ...toReporter, vendorName: 'ACME' })).toThrow(/"vendorName" must be absent/);
    expect(() => renderLoose('relay', 'en', { ...toVendor, message: '  ' })).toThrow(/"message" must not be empty/);
  });

  it('correspondence: what the reporter or a vendor wrote, quoted, with the X-RELAY lines the desk parses back', () => {
    for (const c of samples.correspondence) {
      const t = renderNotice('correspondence', 'en', c).text;
      expect(t).toContain(`X-CASE: ${CASE}`);
      expect(t).toContain(c.party === 'vendor' ? 'X-RELAY: reporter' : 'X-RELAY: <vendor-id>');
      expect(t).toContain(`  | ${c.message.split('\n')[0]!}`);
    }
    expect(() => renderLoose('correspondence', 'en', { caseId: CASE, party: 'vendor', receivedAt: AT, message: 'x' })).toThrow(/"vendorId" is missing/);
  });

  it('reporter-withdrawal: one year after 起算日, what withdrawing means', () => {
    const ja = renderNotice('reporter-withdrawal', 'ja', samples['reporter-withdrawal'][0]!).text;
    expect(ja).toContain('起算日である 2025-11-22（日本時間）');
    expect(ja).toContain('1 年以上が経過しました');
    expect(ja).toContain('情報非開示依頼を取り下げることができます');
    expect(ja).toContain('検証方法や攻撃コードは公表しないようお願いいたします');
    const en = renderNotice('reporter-withdrawal', 'en', samples['reporter-withdrawal'][0]!).text;
    expect(en).toContain('2025-11-22 (JST)');
    expect(en).toContain('you may publish the vulnerability information');
    expect(() => renderLoose('reporter-withdrawal', 'en', { caseId: CASE, startDate: '22/11/2025' })).toThrow(/"startDate" must be a calendar date/);
  });
});

describe('coordination impossible (調整不能)', () => {
  it('impossible-invite: the deadline is the end of the JST day, with UTC', () => {
    const [ctx] = samples['impossible-invite'];
    expect(renderNotice('impossible-invite', 'en', ctx!).text).toContain('by\n  2026-12-10 23:59 JST (14:59 UTC)\n');
    const ja = renderNotice('impossible-invite', 'ja', ctx!).text;
    expect(ja).toContain('2026-12-10 23:59 JST (14:59 UTC) までに');
    expect(ja).toContain('公表判定委員会');
    expect(ja).toContain('手続きについての貴社のご意見は公表いたしません');
  });

  it('impossible-outcome: the decision for each audience, never the deliberations', () => {
    const t = (i: number, lang: Lang) => renderNotice('impossible-outcome', lang, samples['impossible-outcome'][i]!).text;
    expect(t(0, 'ja')).toContain('判定結果：公表する');
    expect(t(0, 'ja')).toContain('公表日：2027-01-06');
    expect(t(1, 'en')).toContain('Decision:          do not publish');
    expect(t(3, 'ja')).toContain('公表しないことになりました');
    expect(t(5, 'en')).toContain('set one with X-SET-DATE');
    expect(t(6, 'en')).toContain('never made public');
    expect(t(0, 'en')).toContain('To the product security team of ACME 株式会社');
    expect(t(2, 'en')).not.toContain('product security team');
  });
});

describe('advisory and published', () => {
  it('the advisory has product, versions, dates, summary, countermeasures, vendor status, links, contact and credit', () => {
    const en = renderNotice('advisory', 'en', advisoryCtx).text;
    for (const s of [
      'まどぐちメールサーバ',
      'Affected versions: 2.3.1 およびそれ以前',
      'Published:         2027-01-06',
      'Report received:   2026-11-20',
      'UTC+9',
      'Fixed in: 2.3.2',
      '検索機能を無効にします。',
      '- ACME 株式会社 (まどぐちメールサーバ): vulnerable, fix available',
      '- Globex Corporation: not vulnerable',
      '- Initech: unknown',
      'ACME 株式会社: https://acme.example.jp/security/2027-01',
      'https://www.cve.org/CVERecord?id=CVE-2027-0001',
      '当社製品は影響を受けません。',
      'vuln@desk.example.jp',
      'Thanks to 山田 太郎, who reported this vulnerability.',
    ]) {
      expect(en).toContain(s);
    }
    expect(en).not.toContain('publication judgment committee');
    const ja = renderNotice('advisory', 'ja', advisoryCtx).text;
    expect(ja).toContain('・ACME 株式会社（まどぐちメールサーバ）：該当製品あり（対策済み）');
    expect(ja).toContain('・Initech：未確認');
    expect(ja).toContain('この脆弱性情報は、山田 太郎 氏が報告しました。');
    const second = renderNotice('advisory', 'ja', defined(samples.advisory[1]!) as NoticeContexts['advisory']).text;
    expect(second).toContain('公表の時点で、対策方法は提供されていません。');
    expect(second).toContain('公表判定委員会の判定を経て公表しています');
    expect(second).not.toContain('謝辞');
    // The legend of "未確認" only when a vendor's status is unknown.
    expect(ja).toContain('「未確認」は');
    expect(second).not.toContain('「未確認」は');
    // A vendor's workaround sits under its heading.
    expect(ja).toContain('      回避策：\n        検索機能を無効にします。');
  });

  it('never carries the verification or reproduction method: the schema has no key for it', () => {
    for (const key of ['verification', 'reproduction', 'attackMethod', 'poc', 'steps']) {
      for (const lang of LANGS) expect(() => renderLoose('advisory', lang, { ...advisoryCtx, [key]: VERIFICATION })).toThrow(new RegExp(`"${key}" is not part of this template`));
    }
    // Built from everything the vendor was told, the advisory still holds none of it.
    for (const lang of LANGS) {
      const t = renderNotice('advisory', lang, advisoryCtx).text;
      expect(t).not.toContain(VERIFICATION);
      expect(t).not.toContain('<script>');
      for (const l of REPRODUCTION.split('\n')) expect(t).not.toContain(l);
    }
  });

  it('credit only with consent: no reporter name without it, and the schema refuses a name then', () => {
    const anon = { ...advisoryCtx, credit: false as const, creditName: undefined };
    for (const lang of LANGS) {
      const t = renderNotice('advisory', lang, defined(anon) as NoticeContexts['advisory']).text;
      expect(t).not.toContain(REPORTER.name);
      expect(t).not.toContain('山田');
      expect(t).not.toMatch(/Credit|謝辞/);
    }
    expect(() => renderLoose('advisory', 'en', { ...anon, creditName: REPORTER.name })).toThrow(/"creditName" must be absent unless credit is true/);
    for (const key of ['reporterName', 'reporterEmail', 'reporterOrganization']) {
      expect(() => renderLoose('advisory', 'en', { ...advisoryCtx, [key]: 'x' })).toThrow(new RegExp(`"${key}" is not part`));
    }
  });

  it('published: the reporter sees the credit line exactly as the advisory prints it', () => {
    for (const lang of LANGS) {
      const adv = renderNotice('advisory', lang, advisoryCtx).text;
      const pub = renderNotice('published', lang, samples.published[0]!).text;
      const line = lang === 'ja' ? 'この脆弱性情報は、山田 太郎 氏が報告しました。' : 'Thanks to 山田 太郎, who reported this vulnerability.';
      expect(adv).toContain(`  ${line}`);
      expect(pub).toContain(`  ${line}`);
      expect(pub).toContain('https://desk.example.jp/advisories/VR-2026-0042');
      const none = renderNotice('published', lang, samples.published[1]!).text;
      expect(none).not.toContain('山田');
      expect(none).toContain(lang === 'ja' ? '公表文にはお名前を掲載しておりません' : 'the advisory does not name you');
    }
  });
});
