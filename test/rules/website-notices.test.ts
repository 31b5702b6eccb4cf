// The website notices as data (src/rules/website-notices.ts): what each may carry under
// guideline §2, checked on the table and on a sample of every data shape.
import { describe, expect, it } from 'vitest';
import {
  FIELD_CLASSES,
  INFO_CLASSES,
  PERSONAL_DATA_ITEMS,
  WEBSITE_NOTICE_KINDS,
  WEBSITE_NOTICES,
  type InfoClass,
  type WebsiteNoticeData,
  type WebsiteNoticeKind,
} from '../../src/rules/website-notices.ts';

const carries = (k: WebsiteNoticeKind): readonly InfoClass[] => WEBSITE_NOTICES[k].carries;
const alert = { caseId: 'VR-2026-0100', detail: 'x', siteUrl: 'https://shop.example.jp/', operatorId: 'shop', operatorName: 'Shop', fixTarget: '2026-04-05' };
const keyRequest = { caseId: 'VR-2026-0100', deskKeyFingerprint: 'C'.repeat(40), reminder: null };

/** One sample of every data shape (the compiler checks each against its kind). */
const SAMPLES: { [K in WebsiteNoticeKind]: WebsiteNoticeData[K] } = {
  'operator-notify': {
    caseId: 'VR-2026-0100',
    siteUrl: 'https://shop.example.jp/',
    siteName: 'Shop',
    vulnerabilityType: 'XSS',
    summary: 's',
    reproduction: 'r',
    verification: 'v',
    impact: null,
    fixTarget: '2026-04-05',
    replyStatuses: ['affected', 'not-affected', 'investigating', 'fixed'],
    contractorConfidentiality: true,
    personalDataItems: PERSONAL_DATA_ITEMS,
    reporter: null,
  },
  'operator-first-contact': keyRequest,
  'operator-remind': { caseId: 'VR-2026-0100', siteUrl: 'https://shop.example.jp/', n: 1, since: '2026-01-05', fixTarget: '2026-04-05', replyStatuses: ['fixed'] },
  'operator-key-reminder': { ...keyRequest, reminder: 1 },
  'operator-thanks': { caseId: 'VR-2026-0100', siteUrl: 'https://shop.example.jp/' },
  'operator-stopped': { caseId: 'VR-2026-0100', siteUrl: 'https://shop.example.jp/', reason: 'known' },
  'operator-relay': { caseId: 'VR-2026-0100', text: 't' },
  'reporter-accepted': { caseId: 'VR-2026-0100', siteUrl: 'https://shop.example.jp/' },
  'reporter-not-accepted': { caseId: 'VR-2026-0100', siteUrl: 'https://shop.example.jp/', reason: 'r' },
  'reporter-stopped': { caseId: 'VR-2026-0100', siteUrl: 'https://shop.example.jp/', reason: 'illegal' },
  'reporter-site-fixed': { caseId: 'VR-2026-0100', siteUrl: 'https://shop.example.jp/', fixedOn: '2026-02-01' },
  'reporter-relay': { caseId: 'VR-2026-0100', text: 't' },
  'coord-confirm-operator': alert,
  'coord-operator-no-key': alert,
  'coord-operator-silent': alert,
  'coord-fix-target': alert,
  'coord-operator-not-vulnerable': alert,
  'coord-operator-fixed': alert,
  'coord-reply-out-of-scope': alert,
};

describe('website notices and guideline §2', () => {
  it('every field of every sample holds a class its notice may carry', () => {
    for (const k of WEBSITE_NOTICE_KINDS) {
      for (const field of Object.keys(SAMPLES[k])) {
        const cls = FIELD_CLASSES[field];
        expect(cls, `${k}.${field} has a class`).toBeDefined();
        expect(carries(k), `${k}.${field} (${cls ?? '?'})`).toContain(cls);
      }
    }
  });

  it('no notice is for the public: only the operator, the reporter or the coordinators', () => {
    expect(new Set(WEBSITE_NOTICE_KINDS.map((k) => WEBSITE_NOTICES[k].audience))).toEqual(new Set(['operator', 'reporter', 'coordinators']));
  });

  it('a notice in clear is content-free: the case reference and the key request, nothing else', () => {
    const clear = WEBSITE_NOTICE_KINDS.filter((k) => !WEBSITE_NOTICES[k].encrypted);
    expect(clear.sort()).toEqual(['operator-first-contact', 'operator-key-reminder']);
    for (const k of clear) expect([...carries(k)].sort()).toEqual(['case-ref', 'key-request']);
  });

  it('the verification method and the reporter identity go to the operator only, in the details notice', () => {
    for (const cls of ['verification-method', 'reporter-identity'] as const) {
      expect(WEBSITE_NOTICE_KINDS.filter((k) => carries(k).includes(cls))).toEqual(['operator-notify']);
    }
  });

  it('the operator notification carries what issue 11 lists: URL, summary, reproduction, verification, fix target, reply form, contractors, personal data', () => {
    const d = SAMPLES['operator-notify'];
    expect(Object.keys(d)).toEqual(expect.arrayContaining(['siteUrl', 'summary', 'reproduction', 'verification', 'fixTarget', 'replyStatuses', 'contractorConfidentiality', 'personalDataItems', 'reporter']));
    expect(PERSONAL_DATA_ITEMS).toEqual(['summary', 'likely-period', 'likely-number', 'kinds-of-data', 'cause', 'contact']);
  });

  it('every class is used by some notice, and every field class is a known class', () => {
    const used = new Set(WEBSITE_NOTICE_KINDS.flatMap((k) => carries(k)));
    expect(INFO_CLASSES.filter((c) => !used.has(c))).toEqual([]);
    for (const c of Object.values(FIELD_CLASSES)) expect(INFO_CLASSES).toContain(c);
  });
});
