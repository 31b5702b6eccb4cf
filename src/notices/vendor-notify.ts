// `vendor-notify`: to one vendor, encrypted to its pinned keys only: the case in full
// (guideline §3.4). The reporter's name, e-mail and organisation only with consent
// (guideline §2; 資料1 2.(4)); the reporter's text is rendered quoted.
import type { IsoDate } from '../domain/clock.ts';
import { defineNotice } from './notice.ts';
import { EMAIL, block, bool, caseId, count, day, line, name, oneOf, presentIff, refuser, strict, vulnerabilityList, type NoticeVulnerability } from './schema.ts';
import { blankVendorReplyForm, dayLong, dayShort, flags, quoted, safe, vulnerabilityBlocks } from './view.ts';

export interface VendorNotifyBase {
  caseId: string;
  /** The vendor as registered (the salutation). */
  vendorName: string;
  productName: string;
  productVersion: string;
  /** The reporter's text (several lines allowed; shown quoted). */
  summary: string;
  /** Free text or `CWE-n`, one line. */
  vulnerabilityType?: string;
  /** A CVSS vector, one line. */
  cvss?: string;
  impact?: string;
  /** Confidential: never public (§2). */
  reproduction: string;
  /** Confidential: never public (§2). */
  verification?: string;
  /** The case's 起算日 (§3.4; 003 *5). */
  startDate: IsoDate;
  /** The publication date on the table (JST calendar date). */
  publicationDate: IsoDate;
  /** Whether `publicationDate` is the desk's proposal or the agreed date. */
  dateStatus: 'proposed' | 'agreed';
  /** Settings.publicationDays: the target, days after 起算日 (45; 003 *9). */
  publicationDays: number;
  /** The reporter agreed to exchange information directly (§3.10): the desk offers to introduce. */
  offerDirectContact: boolean;
  /**
   * The case's vulnerabilities (issue 12), each with this vendor's status only (no vendor
   * learns another's before publication). Two or more: the reply form gets its
   * `Vulnerability:` line.
   */
  vulnerabilities?: NoticeVulnerability[];
}

/** The reporter's name, e-mail and organisation only with consent (§2; 資料1 2.(4)). */
export type VendorNotifyContext = VendorNotifyBase &
  (
    | { shareIdentity: true; reporterName: string; reporterEmail: string; reporterOrganization?: string }
    | { shareIdentity: false; reporterName?: never; reporterEmail?: never; reporterOrganization?: never }
  );

export const schema = strict({
  caseId,
  vendorName: name,
  productName: name,
  productVersion: line(300),
  summary: block(20_000),
  vulnerabilityType: line(200).optional(),
  cvss: line(200).optional(),
  impact: block(20_000).optional(),
  reproduction: block(100_000),
  verification: block(100_000).optional(),
  startDate: day,
  publicationDate: day,
  dateStatus: oneOf(['proposed', 'agreed']),
  publicationDays: count(3650),
  offerDirectContact: bool,
  vulnerabilities: vulnerabilityList.optional(),
  shareIdentity: bool,
  reporterName: name.optional(),
  reporterEmail: line(320, EMAIL).optional(),
  reporterOrganization: name.optional(),
}).superRefine((c, ctx) => {
  const refuse = refuser(ctx);
  // guideline §2; 資料1 2.(4): the reporter's identity only with consent.
  presentIff(c, 'reporterName', c.shareIdentity, 'shareIdentity is true', refuse);
  presentIff(c, 'reporterEmail', c.shareIdentity, 'shareIdentity is true', refuse);
  if (!c.shareIdentity && c.reporterOrganization !== undefined) refuse('reporterOrganization', 'must be absent unless shareIdentity is true');
});

export default defineNotice<VendorNotifyContext>()({
  template: 'vendor-notify',
  schema,
  view: (lang, c) => {
    const several = (c.vulnerabilities ?? []).length > 1;
    return {
    caseId: c.caseId,
    vendorName: safe(c.vendorName),
    productName: safe(c.productName),
    productVersion: safe(c.productVersion),
    summary: quoted(c.summary),
    hasType: c.vulnerabilityType !== undefined,
    vulnerabilityType: safe(c.vulnerabilityType ?? ''),
    hasCvss: c.cvss !== undefined,
    cvss: safe(c.cvss ?? ''),
    hasImpact: c.impact !== undefined,
    impact: c.impact === undefined ? '' : quoted(c.impact),
    reproduction: quoted(c.reproduction),
    hasVerification: c.verification !== undefined,
    verification: c.verification === undefined ? '' : quoted(c.verification),
    startDate: dayShort(c.startDate, lang),
    publicationDate: dayLong(c.publicationDate, lang),
    ...flags(['proposed', 'agreed'], c.dateStatus),
    publicationDays: c.publicationDays,
    shareIdentity: c.shareIdentity,
    reporterName: safe(c.reporterName ?? ''),
    reporterEmail: safe(c.reporterEmail ?? ''),
    hasOrganization: c.reporterOrganization !== undefined,
    reporterOrganization: safe(c.reporterOrganization ?? ''),
    offerDirectContact: c.offerDirectContact,
    hasVulnerabilities: (c.vulnerabilities ?? []).length > 0,
    vulnerabilities: vulnerabilityBlocks(lang, c.vulnerabilities ?? [], (t) => quoted(t).split('\n').map((l) => `  ${l}`).join('\n')),
    severalVulnerabilities: several,
    replyForm: blankVendorReplyForm(lang, c.caseId, { vendorReference: true, severalVulnerabilities: several }),
    };
  },
});
