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
import { EMAIL, block, bool, caseId, day, line, name, oneOf, presentIff, refuser, strict } from './schema.ts';
import { dayLong, flags, quoted, safe } from './view.ts';

export interface PartnerHandoverBase {
  caseId: string;
  /** The partner as registered (the salutation). */
  partnerName: string;
  productName: string;
  productVersion: string;
  /** The vendor as the reporter named it (absent: the report names none). */
  vendorName?: string;
  summary: string;
  vulnerabilityType?: string;
  cvss?: string;
  impact?: string;
  /** Confidential: never public (§2). */
  reproduction: string;
  /** Confidential: never public (§2). */
  verification?: string;
  /** The publication date on the table (JST day) and whether it is agreed; absent: none yet. */
  publicationDate?: IsoDate;
  dateStatus?: 'proposed' | 'agreed';
}

/** The reporter's identity only with consent (§2), as vendor-notify. */
export type PartnerHandoverContext = PartnerHandoverBase &
  (
    | { shareIdentity: true; reporterName: string; reporterEmail: string; reporterOrganization?: string }
    | { shareIdentity: false; reporterName?: never; reporterEmail?: never; reporterOrganization?: never }
  );

export const schema = strict({
  caseId,
  partnerName: name,
  productName: name,
  productVersion: line(300),
  vendorName: name.optional(),
  summary: block(20_000),
  vulnerabilityType: line(200).optional(),
  cvss: line(200).optional(),
  impact: block(20_000).optional(),
  reproduction: block(100_000),
  verification: block(100_000).optional(),
  publicationDate: day.optional(),
  dateStatus: oneOf(['proposed', 'agreed']).optional(),
  shareIdentity: bool,
  reporterName: name.optional(),
  reporterEmail: line(320, EMAIL).optional(),
  reporterOrganization: name.optional(),
}).superRefine((c, ctx) => {
  const refuse = refuser(ctx);
  // The date and its status go together; whichever is absent is the one named.
  if (c.publicationDate !== undefined && c.dateStatus === undefined) refuse('dateStatus', 'is missing (required when publicationDate is given)');
  if (c.publicationDate === undefined && c.dateStatus !== undefined) refuse('publicationDate', 'is missing (required when dateStatus is given)');
  // guideline §2; 資料1 2.(4): the reporter's identity only with consent.
  presentIff(c, 'reporterName', c.shareIdentity, 'shareIdentity is true', refuse);
  presentIff(c, 'reporterEmail', c.shareIdentity, 'shareIdentity is true', refuse);
  if (!c.shareIdentity && c.reporterOrganization !== undefined) refuse('reporterOrganization', 'must be absent unless shareIdentity is true');
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
    hasDate: c.publicationDate !== undefined,
    publicationDate: c.publicationDate === undefined ? '' : dayLong(c.publicationDate, lang),
    ...flags(['proposed', 'agreed'], c.dateStatus ?? 'none'),
    shareIdentity: c.shareIdentity,
    reporterName: safe(c.reporterName ?? ''),
    reporterEmail: safe(c.reporterEmail ?? ''),
    hasOrganization: c.reporterOrganization !== undefined,
    reporterOrganization: safe(c.reporterOrganization ?? ''),
  }),
});
