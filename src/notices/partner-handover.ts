// `partner-handover`: to a partner CSIRT, signed and encrypted to its pinned keys only
// (issue 12 "Outbound"; guideline §5): the desk hands a case over to it (X-HANDOVER) because
// a vendor has no domestic office. The report as the vendors would read it (summary,
// product, vendor, the vulnerability details, the confidential steps), the desk's case id
// and the publication date on the table, and how to answer (src/forms/handover-answer.ts).
// The reporter's name, e-mail and organisation only with the reporter's consent (guideline
// §2; 資料1 2.(4)): the identity guard (src/desk/identity-policy.ts) checks every other field
// before it is sent, and holds the notice when one still names the reporter.
import type { IsoDate } from '../domain/clock.ts';
import { defineNotice } from './notice.ts';
import { refuseIdentityWithoutConsent, reportDetailsSchema, reportDetailsView, reporterIdentitySchema, reporterIdentityView, type ReportDetails, type ReporterIdentity } from './report-details.ts';
import { caseId, day, line, name, oneOf, refuser, strict } from './schema.ts';
import { dayLong, flags, safe } from './view.ts';

/** The report's details as vendor-notify has them (report-details.ts), and the date on the table. */
export interface PartnerHandoverBase extends ReportDetails {
  caseId: string;
  /** The partner as registered (the salutation). */
  partnerName: string;
  productName: string;
  productVersion: string;
  /** The vendor as the reporter named it (absent: the report names none). */
  vendorName?: string;
  /** The publication date on the table (JST day) and whether it is agreed; absent: none yet. */
  publicationDate?: IsoDate;
  dateStatus?: 'proposed' | 'agreed';
}

/** The reporter's identity only with consent (§2), as vendor-notify. */
export type PartnerHandoverContext = PartnerHandoverBase & ReporterIdentity;

export const schema = strict({
  caseId,
  partnerName: name,
  productName: name,
  productVersion: line(300),
  vendorName: name.optional(),
  ...reportDetailsSchema,
  publicationDate: day.optional(),
  dateStatus: oneOf(['proposed', 'agreed']).optional(),
  ...reporterIdentitySchema,
}).superRefine((c, ctx) => {
  const refuse = refuser(ctx);
  // The date and its status go together; whichever is absent is the one named.
  if (c.publicationDate !== undefined && c.dateStatus === undefined) refuse('dateStatus', 'is missing (required when publicationDate is given)');
  if (c.publicationDate === undefined && c.dateStatus !== undefined) refuse('publicationDate', 'is missing (required when dateStatus is given)');
  refuseIdentityWithoutConsent(c, refuse);
});

export default defineNotice<PartnerHandoverContext>()({
  template: 'partner-handover',
  schema,
  view: (lang, c) => ({
    caseId: c.caseId,
    partnerName: safe(c.partnerName),
    productName: safe(c.productName),
    productVersion: safe(c.productVersion),
    hasVendor: c.vendorName !== undefined,
    vendorName: safe(c.vendorName ?? ''),
    ...reportDetailsView(c),
    hasDate: c.publicationDate !== undefined,
    publicationDate: c.publicationDate === undefined ? '' : dayLong(c.publicationDate, lang),
    ...flags(['proposed', 'agreed'], c.dateStatus ?? 'none'),
    ...reporterIdentityView(c),
  }),
});
