// `coord-self-report`: to every coordinator, encrypted (issue 12, guideline §6): a
// registered vendor's self-report opened a case of kind `self-report`; what it says, the
// publication day it asked for (the agreed date; X-SET-DATE changes it), and that the
// vendor is not notified (it is the one who reported).
import type { IsoDate } from '../domain/clock.ts';
import { defineNotice } from './notice.ts';
import { block, caseId, day, line, lineList, name, strict, URL_RE } from './schema.ts';
import { dayShort, quoted, safe } from './view.ts';

export interface CoordSelfReportContext {
  caseId: string;
  vendorId: string;
  vendorName: string;
  productName: string;
  affectedVersions: string;
  fixedVersions: string;
  summary: string;
  publicationDate: IsoDate;
  advisoryUrl?: string;
  cve?: string[];
  cvss?: string;
}

export const schema = strict({
  caseId,
  vendorId: line(64),
  vendorName: name,
  productName: line(300),
  affectedVersions: line(500),
  fixedVersions: line(500),
  summary: block(20_000),
  publicationDate: day,
  advisoryUrl: line(2000, URL_RE).optional(),
  cve: lineList(20, 50).optional(),
  cvss: line(300).optional(),
});

export default defineNotice<CoordSelfReportContext>()({
  template: 'coord-self-report',
  schema,
  view: (lang, c) => ({
    caseId: c.caseId,
    vendorId: safe(c.vendorId),
    vendorName: safe(c.vendorName),
    productName: safe(c.productName),
    affectedVersions: safe(c.affectedVersions),
    fixedVersions: safe(c.fixedVersions),
    summary: quoted(c.summary),
    publicationDate: dayShort(c.publicationDate, lang),
    hasUrl: c.advisoryUrl !== undefined,
    advisoryUrl: safe(c.advisoryUrl ?? ''),
    hasCve: (c.cve ?? []).length > 0,
    cve: (c.cve ?? []).join(', '),
    hasCvss: c.cvss !== undefined,
    cvss: safe(c.cvss ?? ''),
  }),
});
