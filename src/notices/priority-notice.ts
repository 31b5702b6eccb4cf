// `priority-notice`: to one configured government or critical-infrastructure contact,
// signed and encrypted to that contact's pinned key (guideline §3 item 12; 資料1 2.(6); 資料2
// 3(1)9): the fix information of the vendors that fixed and consented, before
// publication. No reporter identity is ever a key of this context (an unknown key is
// refused), and the summary it carries passed the identity guard (src/desk/execute.ts).
import type { IsoDate } from '../domain/clock.ts';
import { defineNotice } from './notice.ts';
import { block, caseId, day, line, list, name, oneOf, strict, URL_RE } from './schema.ts';
import { dayShort, quoted, safe } from './view.ts';

export interface PriorityNoticeContext {
  caseId: string;
  contactName: string;
  sector: 'government' | 'critical-infrastructure';
  productName: string;
  /** The versions the report or self-report names as affected. */
  affectedVersions?: string;
  /** The summary of the vulnerability (summary class of guideline §2), when it names no one. */
  summary?: string;
  vulnerabilityType?: string;
  cvss?: string;
  fixes: { vendorName: string; fixedVersions: string; workaround?: string; advisoryUrl?: string }[];
  /** The agreed publication date, when there is one. */
  publicationDate?: IsoDate;
}

export const schema = strict({
  caseId,
  contactName: name,
  sector: oneOf(['government', 'critical-infrastructure']),
  productName: line(300),
  affectedVersions: line(500).optional(),
  summary: block(20_000).optional(),
  vulnerabilityType: line(300).optional(),
  cvss: line(300).optional(),
  fixes: list(strict({ vendorName: name, fixedVersions: line(500), workaround: block(4000).optional(), advisoryUrl: line(2000, URL_RE).optional() }), 50),
  publicationDate: day.optional(),
});

export default defineNotice<PriorityNoticeContext>()({
  template: 'priority-notice',
  schema,
  view: (lang, c) => ({
    caseId: c.caseId,
    contactName: safe(c.contactName),
    government: c.sector === 'government',
    productName: safe(c.productName),
    hasAffected: c.affectedVersions !== undefined,
    affectedVersions: safe(c.affectedVersions ?? ''),
    hasSummary: c.summary !== undefined,
    summary: quoted(c.summary ?? ''),
    hasType: c.vulnerabilityType !== undefined,
    vulnerabilityType: safe(c.vulnerabilityType ?? ''),
    hasCvss: c.cvss !== undefined,
    cvss: safe(c.cvss ?? ''),
    fixes: c.fixes.map((f) => ({
      vendorName: safe(f.vendorName),
      fixedVersions: safe(f.fixedVersions),
      hasWorkaround: f.workaround !== undefined,
      workaround: quoted(f.workaround ?? ''),
      hasUrl: f.advisoryUrl !== undefined,
      advisoryUrl: safe(f.advisoryUrl ?? ''),
    })),
    hasDate: c.publicationDate !== undefined,
    publicationDate: c.publicationDate ? dayShort(c.publicationDate, lang) : '',
  }),
});
