// One module per notice kind (src/notices/<name>.ts, registry src/notices/index.ts; issue 10):
// for every notice in the registry, its zod schema refuses an unknown key and a value of the
// wrong type with a NoticeContextError naming the notice and the key, and the notice renders
// in Japanese and English. The sample table is typed over every notice name, so a notice
// added to the registry without a sample here fails to compile.
import { describe, expect, it } from 'vitest';
import { refusalOf } from '../../src/desk/bad-values.ts';
import { ALL_NOTICE_NAMES, LANGS, NOTICES, NoticeContextError, renderNotice, validateNoticeContext, type AnyNoticeName, type NoticeContexts } from '../../src/outbound/templates.ts';

const CASE = 'VR-2026-0042';
const AT = new Date('2026-11-22T10:30:00Z');
const FPR = '0123456789ABCDEF0123456789ABCDEF01234567';
const SITE = 'https://shop.example.jp/login';
const SUMMARY = 'ログイン画面に SQL インジェクションの脆弱性があります。';

const SAMPLES: { [N in AnyNoticeName]: NoticeContexts[N] } = {
  ack: { caseId: CASE, receivedAt: AT, kind: 'product', productName: 'まどぐちメールサーバ' },
  missing: { missing: ['reporter.email'], blankForm: '発見者氏名：\n連絡先：' },
  unencrypted: { deskFingerprint: FPR },
  nokey: { why: 'expired' },
  rejected: { reason: 'malformed' },
  invalid: { problems: [{ field: 'product.name', code: 'too-long' }] },
  'vendor-notify': {
    caseId: CASE,
    vendorName: 'ACME 株式会社',
    productName: 'まどぐちメールサーバ',
    productVersion: '2.3.1',
    summary: '検索機能に脆弱性があります。',
    reproduction: '1. 検索欄を開きます',
    startDate: '2026-11-22',
    publicationDate: '2027-01-06',
    dateStatus: 'proposed',
    publicationDays: 45,
    offerDirectContact: false,
    shareIdentity: false,
  },
  'vendor-remind': { caseId: CASE, vendorName: 'ACME', productName: 'Router', n: 1, since: AT, unreachableAfterReminders: 3 },
  'vendor-unreachable-listed': { caseId: CASE, vendorName: 'ACME', since: AT, listedAt: AT, stage: 'vendor-name', productNameAfterDays: 90 },
  'coord-new-case': { caseId: CASE, receivedAt: AT, kind: 'product', productName: 'Router', summary: 'XSS', vendorCandidates: [], duplicateCandidates: [] },
  'coord-alert': { kind: 'vendor-unreachable', caseId: CASE, detail: 'acme: 3 reminders' },
  'reporter-progress': { caseId: CASE, progress: ['vendor-notified'], vendorNamesPublic: false },
  'vendor-update': { caseId: CASE, vendorName: 'ACME', productName: 'Router', event: 'withdrawn' },
  'reporter-not-accepted': { caseId: CASE, reason: '仕様どおりの動作です。' },
  introduce: { caseId: CASE, audience: 'reporter', vendorName: 'ACME', productName: 'Router', vendorContacts: ['psirt@acme.test'] },
  relay: { caseId: CASE, audience: 'reporter', productName: 'Router', message: 'Which version?' },
  correspondence: { caseId: CASE, party: 'reporter', receivedAt: AT, message: '追加の情報です。' },
  'reporter-received': { caseId: CASE },
  'key-held': {},
  'vendor-reply-recorded': { caseId: CASE, vendorName: 'ACME', status: 'investigating', askToEncrypt: false },
  'signed-mail-not-applied': { reason: 'no-case' },
  'handover-answer-refused': { caseId: CASE, partnerRef: 'VU#123456', reason: 'answer-invalid', problems: [{ field: 'status', code: 'bad-status' }] },
  'partner-answer': { outcome: 'opened', partnerRef: 'VU#123456', caseId: CASE, embargo: new Date('2027-02-10T19:00:00Z'), publicationDate: '2027-02-11', notified: ['ACME'], unknownVendors: ['Nobody Inc.'] },
  'partner-status': {
    caseId: CASE,
    partnerRef: 'VU#123456',
    publicationDate: '2027-02-11',
    vendors: [{ name: 'ACME', contact: 'answered', status: 'fixed', fixedVersions: '2.3.2', advisoryUrl: 'https://acme.example/psirt/1', requestedDate: '2027-03-01', updated: true }],
    csafAttached: true,
  },
  'partner-handover': {
    caseId: CASE,
    partnerName: 'CERT/CC',
    productName: 'Acme Router',
    productVersion: '3.2.0',
    vendorName: 'Acme Networks (US)',
    summary: 'XSS in the admin page',
    reproduction: 'Open /admin?q=<script>',
    publicationDate: '2027-02-11',
    dateStatus: 'proposed',
    shareIdentity: false,
  },
  'self-report-answer': { outcome: 'opened', caseId: CASE, publicationDate: '2027-03-01' },
  'coord-self-report': { caseId: CASE, vendorId: 'acme', vendorName: 'ACME', productName: 'Router', affectedVersions: '1.0-1.2', fixedVersions: '1.3', summary: 'XSS in the admin page.', publicationDate: '2027-03-01', cve: ['CVE-2027-1234'] },
  'priority-notice': { caseId: CASE, contactName: 'NISC', sector: 'government', productName: 'Router', affectedVersions: '1.0', fixes: [{ vendorName: 'ACME', fixedVersions: '1.3', advisoryUrl: 'https://acme.test/sa' }], publicationDate: '2027-03-01' },
  'reporter-priority': { caseId: CASE },
  'reporter-stopped': { caseId: CASE, reason: 'not-vulnerability' },
  'reporter-withdrawal': { caseId: CASE, startDate: '2025-11-22' },
  'reporter-status': {
    caseId: CASE,
    asked: ['status', 'withdrawal'],
    state: 'coordinating',
    party: 'vendor',
    contacted: true,
    answered: false,
    startDate: '2025-11-22',
    withdrawableFrom: '2026-11-22',
    waiting: ['vendor'],
    withdrawal: 'early',
    possibleFrom: '2026-11-22',
  },
  'question-not-answered': {},
  'impossible-invite': { caseId: CASE, vendorName: 'ACME', productName: 'Router', deadline: '2027-02-01' },
  'impossible-outcome': { caseId: CASE, audience: 'reporter', outcome: 'do-not-publish' },
  advisory: {
    caseId: CASE,
    title: 'Router の XSS',
    publishedOn: '2027-01-06',
    receivedOn: '2026-11-22',
    productName: 'Router',
    affectedVersions: '2.3.1 以前',
    summary: '検索機能に脆弱性があります。',
    vendors: [{ name: 'ACME', status: 'fixed', fixedVersions: '2.3.2' }],
    contact: 'vuln@desk.test',
    byCommittee: false,
    credit: false,
  },
  published: { caseId: CASE, publishedOn: '2027-01-06', credit: true, creditName: '山田 太郎' },
  digest: {
    day: '2027-01-12',
    now: new Date('2027-01-12T00:00:00Z'),
    since: new Date('2027-01-08T00:00:00Z'),
    empty: false,
    sections: [
      {
        kind: 'new',
        lines: [
          { type: 'case', caseId: CASE, caseKind: 'product', state: 'accepted', products: ['ACME Router'], openedAt: AT, actions: [{ via: 'mail', keyword: 'X-ADD-VENDOR' }] },
          { type: 'draft', tag: 'DRAFT-7Q2K', openedAt: AT, missing: ['product-name'], caseId: null, actions: [] },
        ],
      },
      { kind: 'awaiting-decision', lines: [{ caseId: CASE, state: 'accepted', who: ['coordinator'], vendorIds: ['acme'], dates: [], lastActivity: AT, actions: [{ via: 'mail', keyword: 'X-NOTIFY-VENDORS' }] }] },
      { kind: 'overdue', lines: [{ caseId: CASE, state: 'coordinating', reasons: ['agreed-date-passed'], targetJst: null, agreedJst: '2027-01-05', daysLate: 7, actions: [{ via: 'mail', keyword: 'X-PUBLISH' }] }] },
      { kind: 'silent', days: 14, lines: [{ caseId: CASE, party: 'vendor', partyId: 'acme', product: 'ACME Router', status: 'reminded(2)', reminders: 2, silentSince: AT, days: 21, actions: [{ via: 'mail', keyword: 'X-MARK-UNREACHABLE', arg: 'acme' }] }] },
      { kind: 'unreachable', lines: [{ caseId: CASE, vendorId: 'globex', product: null, since: AT, listedSince: null, productListedSince: null, actions: [{ via: 'mail', keyword: 'X-MARK-REACHABLE', arg: 'globex' }] }] },
      { kind: 'publications', days: 14, lines: [{ caseId: CASE, date: '2027-01-20', daysLeft: 8, products: [], actions: [{ via: 'mail', keyword: 'X-SET-DATE' }] }] },
      { kind: 'refused-mail', total: 3, lines: [{ source: 'rejected', code: 'not-for-us', count: 3, messageIds: [4, 9, 12], actions: [] }] },
      { kind: 'failed-jobs', total: 1, lines: [{ event: 'notice-failed', job: 'notify', code: 'smtp-refused', count: 1, caseIds: [CASE], messageIds: [], last: AT, actions: [{ via: 'cli', argv: ['jobs', 'failed'] }] }] },
      { kind: 'keys', days: 30, lines: [{ owner: { kind: 'vendor', id: 'acme' }, fingerprint: FPR, expiresAt: new Date('2027-01-30T00:00:00Z'), expired: false, daysLeft: 18, actions: [{ via: 'cli', argv: ['vendors', 'show', 'acme'] }] }] },
    ],
  },
  // The website track (guideline §4; src/rules/website-notices.ts).
  'operator-notify': {
    caseId: CASE,
    siteUrl: SITE,
    siteName: 'まどぐち商店',
    vulnerabilityType: 'CWE-89',
    summary: SUMMARY,
    reproduction: "1. ログイン画面を開きます\n2. 利用者名に ' OR 1=1 -- を入力します",
    verification: 'sqlmap -u https://shop.example.jp/login',
    impact: '会員情報が漏えいする可能性があります。',
    fixTarget: '2027-02-20',
    replyStatuses: ['affected', 'not-affected', 'investigating', 'fixed'],
    contractorConfidentiality: true,
    personalDataItems: ['summary', 'likely-period', 'likely-number', 'kinds-of-data', 'cause', 'contact'],
    reporter: null,
  },
  'operator-first-contact': { caseId: CASE, deskKeyFingerprint: FPR, reminder: null },
  'operator-remind': { caseId: CASE, siteUrl: SITE, n: 1, since: '2026-11-22', fixTarget: '2027-02-20', replyStatuses: ['affected', 'not-affected', 'investigating', 'fixed'] },
  'operator-key-reminder': { caseId: CASE, deskKeyFingerprint: FPR, reminder: 2 },
  'operator-thanks': { caseId: CASE, siteUrl: SITE },
  'operator-stopped': { caseId: CASE, siteUrl: SITE, reason: 'not-reproducible' },
  'operator-relay': { caseId: CASE, text: '修正の状況を教えてください。' },
  'reporter-accepted': { caseId: CASE, siteUrl: SITE },
  'reporter-site-not-accepted': { caseId: CASE, siteUrl: SITE, reason: '日本国内で利用されているサイトではありません。' },
  'reporter-site-stopped': { caseId: CASE, siteUrl: SITE, reason: 'duplicate' },
  'reporter-site-fixed': { caseId: CASE, siteUrl: SITE, fixedOn: '2027-01-15' },
  'reporter-relay': { caseId: CASE, text: 'Which page?' },
  'coord-confirm-operator': { caseId: CASE, detail: 'security.txt: security@example.jp', siteUrl: SITE, operatorId: null, operatorName: null, fixTarget: null },
  'coord-operator-no-key': { caseId: CASE, detail: 'no key pinned', siteUrl: SITE, operatorId: 'shop', operatorName: 'まどぐち商店', fixTarget: null },
  'coord-operator-silent': { caseId: CASE, detail: '3 reminders', siteUrl: SITE, operatorId: 'shop', operatorName: 'まどぐち商店', fixTarget: '2027-02-20' },
  'coord-fix-target': { caseId: CASE, detail: 'fix target 2027-02-20', siteUrl: SITE, operatorId: 'shop', operatorName: null, fixTarget: '2027-02-20' },
  'coord-operator-not-vulnerable': { caseId: CASE, detail: 'status not-affected', siteUrl: SITE, operatorId: 'shop', operatorName: 'まどぐち商店', fixTarget: '2027-02-20' },
  'coord-operator-fixed': { caseId: CASE, detail: 'status fixed', siteUrl: SITE, operatorId: 'shop', operatorName: 'まどぐち商店', fixTarget: '2027-02-20' },
  'coord-reply-out-of-scope': { caseId: CASE, detail: 'operator other: not in the case', siteUrl: SITE, operatorId: 'other', operatorName: null, fixTarget: null },
};

/** A value no schema field accepts: not a string, date, number, boolean or list. */
const WRONG = { report: 'XSS in the search box' };

describe('notices: one module per kind (src/notices/)', () => {
  it('the registry lists every notice, each with its template name', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual([...ALL_NOTICE_NAMES].sort());
    for (const name of ALL_NOTICE_NAMES) expect(NOTICES[name].template, name).toBe(name);
  });

  for (const name of ALL_NOTICE_NAMES) {
    describe(name, () => {
      const sample = SAMPLES[name] as Record<string, unknown>;

      it('renders in ja and en', () => {
        for (const lang of LANGS) {
          const r = renderNotice(name, lang, SAMPLES[name]);
          expect(r.subject.trim(), `${name}.${lang}`).not.toBe('');
          expect(r.text, `${name}.${lang}`).not.toMatch(/undefined|\[object Object\]/);
        }
      });

      it('refuses an unknown key, naming the notice and the key', () => {
        const bad = { ...sample, reportText: 'SQL injection in /login' };
        expect(() => validateNoticeContext(name, bad)).toThrow(NoticeContextError);
        expect(() => renderNotice(name, 'ja', bad as never)).toThrow(`notice "${name}": context key "reportText" is not part of this template`);
      });

      // `key-held` has no key at all: only the unknown-key test applies to it.
      const keys = Object.keys(sample);
      if (keys.length > 0)
        it('refuses a value of the wrong type for each key, naming the key and what was expected', () => {
        for (const key of keys) {
          let threw: unknown = null;
          try {
            validateNoticeContext(name, { ...sample, [key]: WRONG });
          } catch (e) {
            threw = e;
          }
          expect(threw, `${name}.${key}`).toBeInstanceOf(NoticeContextError);
          const message = (threw as Error).message;
          expect(message, `${name}.${key}`).toContain(`notice "${name}": context key "${key}" must `);
          expect((threw as NoticeContextError).key).toBe(key);
        }
      });
    });
  }

  it('digest: each line names its case and the command; nothing to report is one line', () => {
    const full = renderNotice('digest', 'en', SAMPLES.digest);
    expect(full.text).toContain(`- ${CASE}: new case (software product)`);
    expect(full.text).toContain(`X-CASE: ${CASE} / X-ADD-VENDOR: <vendor-id>`);
    expect(full.text).toContain(`X-CASE: ${CASE} / X-MARK-UNREACHABLE: acme`);
    expect(full.text).toContain('madoguchi jobs failed');
    const ja = renderNotice('digest', 'ja', SAMPLES.digest);
    expect(ja.text).toContain('■ 新しい案件・下書き');
    const empty = { day: '2027-01-12', now: new Date('2027-01-12T00:00:00Z'), since: null, empty: true, sections: [] };
    // One line, then the desk's sign-off.
    for (const lang of LANGS) expect(renderNotice('digest', lang, empty).text.trim().split('\n').filter((l) => l !== '')).toHaveLength(2);
    // A section out of the digest's order, or `empty` that lies, is refused.
    expect(() => validateNoticeContext('digest', { ...empty, empty: false })).toThrow(/"empty" must be true exactly when/);
    expect(() => validateNoticeContext('digest', { ...SAMPLES.digest, sections: [...SAMPLES.digest.sections].reverse() })).toThrow(/"sections" must be distinct kinds/);
  });

  it('the content-free notices take no text from the message they answer', () => {
    expect(() => validateNoticeContext('unencrypted', { deskFingerprint: 'not a fingerprint' })).toThrow(/"deskFingerprint" does not match/);
    expect(() => validateNoticeContext('nokey', { why: 'the key of taro@example.test expired' })).toThrow(/"why" must be one of none, expired, revoked/);
    expect(() => validateNoticeContext('rejected', { reason: 'MIME part 1.2 was odd' })).toThrow(/"reason" must be one of/);
    expect(() => validateNoticeContext('invalid', { problems: [{ field: 'product.name', code: 'too-long', value: 'x' }] })).toThrow(/"problems\[0\]\.value" is not part of this template/);
    expect(() => validateNoticeContext('key-held', { subject: 'x' })).toThrow(/"subject" is not part of this template/);
  });

  it('a cross-key rule names the key: the reporter identity only with consent', () => {
    expect(() => validateNoticeContext('vendor-notify', { ...SAMPLES['vendor-notify'], reporterName: '山田 太郎' })).toThrow(/notice "vendor-notify": context key "reporterName" must be absent unless shareIdentity is true/);
  });

  it('a refused context is classified as template-refused (a final job failure with a coordinator alert, not retried)', () => {
    let threw: unknown = null;
    try {
      renderNotice('ack', 'en', { ...SAMPLES.ack, summary: 'XSS' } as never);
    } catch (e) {
      threw = e;
    }
    expect(refusalOf(threw)).toBe('template-refused');
    expect(refusalOf(new Error('unknown notice language "fr"'))).toBeNull();
  });

  describe('the website track (guideline §2, §4)', () => {
    const CLEAR = ['operator-first-contact', 'operator-key-reminder'] as const;
    const CONTENT_KEYS = ['siteUrl', 'siteName', 'url', 'site', 'summary', 'reproduction', 'verification', 'impact', 'vulnerabilityType', 'reporter', 'text', 'operatorName'];

    for (const name of CLEAR)
      it(`${name} goes in clear: its schema admits no site, URL, vulnerability or reporter key, and its text names none`, () => {
        for (const key of CONTENT_KEYS) expect(() => validateNoticeContext(name, { ...SAMPLES[name], [key]: 'x' }), key).toThrow(`context key "${key}" is not part of this template`);
        for (const lang of LANGS) {
          const r = renderNotice(name, lang, SAMPLES[name]);
          const all = `${r.subject}\n${r.text}`;
          expect(all).toContain(CASE);
          expect(all).toContain('0123 4567 89AB CDEF 0123  4567 89AB CDEF 0123 4567');
          for (const leak of [SITE, 'shop.example.jp', SUMMARY, 'まどぐち商店', 'SQL']) expect(all, `${name}.${lang}`).not.toContain(leak);
        }
      });

    it('the first contact has no reminder number and a key reminder has one', () => {
      expect(() => validateNoticeContext('operator-first-contact', { ...SAMPLES['operator-first-contact'], reminder: 1 })).toThrow(/"reminder" must be null for the first contact/);
      expect(() => validateNoticeContext('operator-key-reminder', { ...SAMPLES['operator-key-reminder'], reminder: null })).toThrow(/"reminder" must be the reminder number/);
    });

    const REPORTER = { name: '山田 太郎', organization: '山田セキュリティ研究所', email: 'taro@reporter.example' };

    it('operator-notify carries the guideline §4 contents, the verification method and the fix target in JST with UTC', () => {
      const ja = renderNotice('operator-notify', 'ja', SAMPLES['operator-notify']).text;
      const en = renderNotice('operator-notify', 'en', SAMPLES['operator-notify']).text;
      for (const t of [ja, en]) {
        expect(t).toContain(SITE);
        expect(t).toContain('  | sqlmap -u https://shop.example.jp/login');
        expect(t).toContain("  | 2. 利用者名に ' OR 1=1 -- を入力します");
        expect(t).toContain('2027-02-20');
        expect(t).toContain('2027-02-19 15:00');
      }
      expect(ja).toContain('状態：');
      expect(en).toContain('Status:');
      expect(ja).toContain(`  | ${SUMMARY}`);
      expect(ja).toContain('秘密保持');
      expect(ja).toContain('漏えいした可能性のある件数');
      expect(ja).toContain('「修正済」');
      expect(en).toContain('confidentiality agreement');
      expect(en).toContain('how many records (people) may be affected');
    });

    it('operator-notify without consent names no reporter; with consent it does', () => {
      for (const lang of LANGS) {
        const anonymous = renderNotice('operator-notify', lang, SAMPLES['operator-notify']);
        for (const v of Object.values(REPORTER)) expect(`${anonymous.subject}\n${anonymous.text}`).not.toContain(v);
        const identified = renderNotice('operator-notify', lang, { ...SAMPLES['operator-notify'], reporter: REPORTER }).text;
        for (const v of Object.values(REPORTER)) expect(identified).toContain(v);
      }
      // No other key can carry the identity in.
      expect(() => validateNoticeContext('operator-notify', { ...SAMPLES['operator-notify'], reporterName: REPORTER.name })).toThrow(/"reporterName" is not part of this template/);
      expect(() => validateNoticeContext('operator-notify', { ...SAMPLES['operator-notify'], contractorConfidentiality: false })).toThrow(/"contractorConfidentiality" must be true/);
    });

    it('outside text is quoted and neutralised', () => {
      const text = renderNotice('operator-relay', 'en', { caseId: CASE, text: 'Status: fixed\n\u202Eevil' }).text;
      expect(text).toContain('  | Status: fixed');
      expect(text).not.toContain('\u202E');
      expect(() => validateNoticeContext('operator-notify', { ...SAMPLES['operator-notify'], siteUrl: 'https://x.example.jp/\nBcc: a@b' })).toThrow(/"siteUrl" must be one line/);
    });
  });
});
