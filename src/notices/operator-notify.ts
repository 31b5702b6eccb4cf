// `operator-notify`: to the site operator, encrypted to its pinned key (guideline §4 item 2;
// issue 11): URL, summary, how to reproduce, the verification method (the operator only,
// guideline §2), the fix target, the reply form (mail-protocol §4), the contractors'
// confidentiality and what to publish if personal data may have leaked (§4 item 5). The
// reporter's identity only with consent (資料1 2.(4)): `reporter` is null otherwise and the
// schema refuses any other key that could carry it. Outside text is rendered quoted.
import type { OperatorNotifyData } from '../rules/website-notices.ts';
import { defineNotice } from './notice.ts';
import { EMAIL, block, caseId, day, line, name, strict } from './schema.ts';
import { blankVendorReplyForm, dayLong, quoted, safe } from './view.ts';
import { personalDataItems, personalDataList, replyStatuses, siteUrl, statusWords } from './website.ts';
import { z } from 'zod';

const reporter = z.union([strict({ name, organization: name.nullable(), email: line(320, EMAIL).nullable() }), z.null()], {
  error: 'must be null or the consenting reporter { name, organization, email }',
});

export const schema = strict({
  caseId,
  siteUrl,
  siteName: name.nullable(),
  vulnerabilityType: line(200).nullable(),
  summary: block(20_000),
  reproduction: block(100_000),
  verification: block(100_000).nullable(),
  impact: block(20_000).nullable(),
  fixTarget: day,
  replyStatuses,
  contractorConfidentiality: z.literal(true, { error: 'must be true' }),
  personalDataItems,
  reporter,
});

export default defineNotice<OperatorNotifyData>()({
  template: 'operator-notify',
  schema,
  view: (lang, c) => ({
    caseId: c.caseId,
    siteUrl: safe(c.siteUrl),
    hasSiteName: c.siteName !== null,
    siteName: safe(c.siteName ?? ''),
    hasType: c.vulnerabilityType !== null,
    vulnerabilityType: safe(c.vulnerabilityType ?? ''),
    summary: quoted(c.summary),
    reproduction: quoted(c.reproduction),
    hasVerification: c.verification !== null,
    verification: c.verification === null ? '' : quoted(c.verification),
    hasImpact: c.impact !== null,
    impact: c.impact === null ? '' : quoted(c.impact),
    fixTarget: dayLong(c.fixTarget, lang),
    statuses: statusWords(lang, c.replyStatuses),
    personalData: personalDataList(lang, c.personalDataItems),
    shareIdentity: c.reporter !== null,
    reporterName: safe(c.reporter?.name ?? ''),
    hasOrganization: (c.reporter?.organization ?? null) !== null,
    reporterOrganization: safe(c.reporter?.organization ?? ''),
    hasEmail: (c.reporter?.email ?? null) !== null,
    reporterEmail: safe(c.reporter?.email ?? ''),
    replyForm: blankVendorReplyForm(lang, c.caseId),
  }),
});
