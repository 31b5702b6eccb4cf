// `advisory`: the public advisory (guideline §3.13): summary-class information only (§2).
// No key for the verification or attack method exists, so none can be passed.
import type { IsoDate } from '../domain/clock.ts';
import type { AdvisoryVendorStatus } from '../rules/product-state.ts';
import { defineNotice } from './notice.ts';
import { URL_RE, block, bool, caseId, day, line, lineList, list, name, oneOf, presentIff, refuser, strict, vulnerabilityList, type NoticeVulnerability } from './schema.ts';
import { creditLine, flags, indent, safe, vulnerabilityBlocks, type CreditContext } from './view.ts';

export interface AdvisoryVendor {
  name: string;
  status: AdvisoryVendorStatus;
  product?: string;
  /** Status `fixed` only. */
  fixedVersions?: string;
  /** Not with status `not-affected`. */
  workaround?: string;
  advisoryUrl?: string;
  /** The vendor's view on the publication (public once published, §2). */
  statement?: string;
}

export type AdvisoryContext = {
  caseId: string;
  title: string;
  publishedOn: IsoDate;
  /** Date received (資料2 III.4.7). */
  receivedOn: IsoDate;
  productName: string;
  affectedVersions: string;
  /** The public summary (what is wrong, not how to exploit it). */
  summary: string;
  vulnerabilityType?: string;
  cvss?: string;
  impact?: string;
  vendors: AdvisoryVendor[];
  /**
   * Each vulnerability with its CWE, score, CVE and each vendor's status for it (issue 12),
   * from the export model (src/export/model.ts vulnerabilityFacts): the same facts as the
   * CSAF document.
   */
  vulnerabilities?: NoticeVulnerability[];
  /** Further URLs (CVE, other advisories). */
  references?: string[];
  /** The desk's contact for the advisory. */
  contact: string;
  /** Published after the publication judgment committee decided to (§3.8): the fact only. */
  byCommittee: boolean;
} & CreditContext;

const ADVISORY_STATUSES: readonly AdvisoryVendorStatus[] = ['fixed', 'affected', 'not-affected', 'unknown'];

export const schema = strict({
  caseId,
  title: line(300),
  publishedOn: day,
  receivedOn: day,
  productName: name,
  affectedVersions: line(500),
  summary: block(20_000),
  vulnerabilityType: line(200).optional(),
  cvss: line(200).optional(),
  impact: block(20_000).optional(),
  vendors: list(
    strict({
      name,
      status: oneOf(ADVISORY_STATUSES),
      product: name.optional(),
      fixedVersions: line(500).optional(),
      workaround: block(20_000).optional(),
      advisoryUrl: line(2000, URL_RE).optional(),
      statement: block(20_000).optional(),
    }),
    100,
  ),
  vulnerabilities: vulnerabilityList.optional(),
  references: lineList(2000, 30, { pattern: URL_RE }).optional(),
  contact: line(300),
  byCommittee: bool,
  credit: bool,
  creditName: name.optional(),
}).superRefine((c, ctx) => {
  const namesFix = (status: string): boolean => status === 'fixed' || status === 'affected';
  presentIff(c, 'creditName', c.credit, 'credit is true', refuser(ctx));
  c.vendors.forEach((v, i) => {
    // A fix is named with "fixed" and with "affected, fixed in 1.2.3" (src/export/model.ts fixedIn), as in the CSAF document.
    if (v.fixedVersions !== undefined && !namesFix(v.status)) ctx.addIssue({ code: 'custom', path: ['vendors', i, 'fixedVersions'], message: 'must be absent unless status is fixed or affected' });
    if (v.workaround !== undefined && v.status === 'not-affected') ctx.addIssue({ code: 'custom', path: ['vendors', i, 'workaround'], message: 'must be absent when status is not-affected' });
  });
  (c.vulnerabilities ?? []).forEach((v, i) =>
    v.statuses.forEach((st, j) => {
      if (st.fixedVersions !== undefined && !namesFix(st.status)) ctx.addIssue({ code: 'custom', path: ['vulnerabilities', i, 'statuses', j, 'fixedVersions'], message: 'must be absent unless status is fixed or affected' });
    }),
  );
});

export default defineNotice<AdvisoryContext>()({
  template: 'advisory',
  schema,
  view: (lang, c) => {
    const vendors = c.vendors.map((v) => ({
      name: safe(v.name),
      hasProduct: v.product !== undefined,
      product: safe(v.product ?? ''),
      ...flags(ADVISORY_STATUSES, v.status),
      hasFixedVersions: v.fixedVersions !== undefined,
      fixedVersions: safe(v.fixedVersions ?? ''),
      hasWorkaround: v.workaround !== undefined,
      workaround: v.workaround === undefined ? '' : indent(v.workaround, 8),
      hasAdvisoryUrl: v.advisoryUrl !== undefined,
      advisoryUrl: safe(v.advisoryUrl ?? ''),
      hasStatement: v.statement !== undefined,
      statement: v.statement === undefined ? '' : indent(v.statement, 4),
    }));
    const countermeasures = vendors.filter((v) => v.hasFixedVersions || v.hasWorkaround);
    const links = [...vendors.filter((v) => v.hasAdvisoryUrl).map((v) => `${v.name}: ${v.advisoryUrl}`), ...(c.references ?? []).map(safe)];
    return {
      caseId: c.caseId,
      title: safe(c.title),
      publishedOn: c.publishedOn,
      receivedOn: c.receivedOn,
      productName: safe(c.productName),
      affectedVersions: safe(c.affectedVersions),
      summary: indent(c.summary, 2),
      hasType: c.vulnerabilityType !== undefined,
      vulnerabilityType: safe(c.vulnerabilityType ?? ''),
      hasCvss: c.cvss !== undefined,
      cvss: safe(c.cvss ?? ''),
      hasImpact: c.impact !== undefined,
      impact: c.impact === undefined ? '' : indent(c.impact, 2),
      vendors,
      hasUnknown: c.vendors.some((v) => v.status === 'unknown'),
      hasCountermeasures: countermeasures.length > 0,
      countermeasures,
      statements: vendors.filter((v) => v.hasStatement),
      hasStatements: vendors.some((v) => v.hasStatement),
      hasVulnerabilities: (c.vulnerabilities ?? []).length > 0,
      vulnerabilities: vulnerabilityBlocks(lang, c.vulnerabilities ?? [], (t) => indent(t, 4)),
      hasLinks: links.length > 0,
      links,
      contact: safe(c.contact),
      byCommittee: c.byCommittee,
      credit: c.credit,
      creditLine: c.credit ? creditLine(lang, c.creditName) : '',
    };
  },
});
