// `vendor-notify`: to one vendor, encrypted to its pinned keys only: the case in full
// (guideline §3.4). The reporter's name, e-mail and organisation only with consent
// (guideline §2; 資料1 2.(4)); the reporter's text is rendered quoted.
import type { IsoDate } from '../domain/clock.ts';
import { defineNotice } from './notice.ts';
import { refuseIdentityWithoutConsent, reportDetailsSchema, reportDetailsView, reporterIdentitySchema, reporterIdentityView, type ReportDetails, type ReporterIdentity } from './report-details.ts';
import { bool, caseId, count, day, line, name, oneOf, refuser, strict, vulnerabilityList, type NoticeVulnerability } from './schema.ts';
import { blankVendorReplyForm, dayLong, dayShort, flags, quoted, safe, vulnerabilityBlocks } from './view.ts';

/** The report's details (report-details.ts) and the case's dates and vulnerabilities. */
export interface VendorNotifyBase extends ReportDetails {
  caseId: string;
  /** The vendor as registered (the salutation). */
  vendorName: string;
  productName: string;
  productVersion: string;
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
export type VendorNotifyContext = VendorNotifyBase & ReporterIdentity;

export const schema = strict({
  caseId,
  vendorName: name,
  productName: name,
  productVersion: line(300),
  ...reportDetailsSchema,
  startDate: day,
  publicationDate: day,
  dateStatus: oneOf(['proposed', 'agreed']),
  publicationDays: count(3650),
  offerDirectContact: bool,
  vulnerabilities: vulnerabilityList.optional(),
  ...reporterIdentitySchema,
}).superRefine((c, ctx) => {
  refuseIdentityWithoutConsent(c, refuser(ctx));
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
      ...reportDetailsView(c),
      startDate: dayShort(c.startDate, lang),
      publicationDate: dayLong(c.publicationDate, lang),
      ...flags(['proposed', 'agreed'], c.dateStatus),
      publicationDays: c.publicationDays,
      ...reporterIdentityView(c),
      offerDirectContact: c.offerDirectContact,
      hasVulnerabilities: (c.vulnerabilities ?? []).length > 0,
      vulnerabilities: vulnerabilityBlocks(lang, c.vulnerabilities ?? [], (t) => quoted(t).split('\n').map((l) => `  ${l}`).join('\n')),
      severalVulnerabilities: several,
      replyForm: blankVendorReplyForm(lang, c.caseId, { vendorReference: true, severalVulnerabilities: several }),
    };
  },
});
