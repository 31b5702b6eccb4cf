// `partner-status`: to a partner CSIRT, encrypted to its pinned keys (issue 12; guideline
// §5: the desk "collects the vendors' fixes, reports back to the partner"). Sent when a
// domestic vendor of a partner case is notified, answers or is found unreachable, when a
// vendor asks for another publication date (forwarded as a REQUEST: never applied by the
// desk, the date stays the partner's), and at publication. It lists every vendor of the
// case with its status. What it may carry is closed by the schema: vendor names, the
// §4 statuses, fixed versions and advisory URLs, dates. Nothing of the reporter (no key for
// it exists), nothing of the reproduction steps.
import { defineNotice } from './notice.ts';
import { bool, caseId, day, line, list, name, oneOf, strict, URL_RE } from './schema.ts';
import { safe } from './view.ts';

export const PARTNER_VENDOR_CONTACT = ['unnotified', 'notified', 'reminded', 'answered', 'unreachable'] as const;
export const PARTNER_VENDOR_STATUS = ['investigating', 'affected', 'not-affected', 'fixed'] as const;

export interface PartnerStatusVendor {
  name: string;
  /** Where the desk's contact with the vendor stands (guideline §3.4-7). */
  contact: (typeof PARTNER_VENDOR_CONTACT)[number];
  /** What the vendor said (mail-protocol §4); absent before its first answer. */
  status?: (typeof PARTNER_VENDOR_STATUS)[number];
  fixedVersions?: string;
  advisoryUrl?: string;
  /** The vendor asked for this publication date in this event: forwarded, not applied. */
  requestedDate?: string;
  /** This vendor's entry changed in this event. */
  updated: boolean;
}

export interface PartnerStatusContext {
  caseId: string;
  partnerRef: string;
  /** The agreed publication day (JST): the partner's. */
  publicationDate?: string;
  /** Set at publication (the publication notice). */
  publishedOn?: string;
  vendors: PartnerStatusVendor[];
  /** A CSAF 2.0 document of the case is attached. */
  csafAttached: boolean;
}

const vendor = strict({
  name,
  contact: oneOf(PARTNER_VENDOR_CONTACT),
  status: oneOf(PARTNER_VENDOR_STATUS).optional(),
  fixedVersions: line(500).optional(),
  advisoryUrl: line(2000, URL_RE).optional(),
  requestedDate: day.optional(),
  updated: bool,
});

export const schema = strict({
  caseId,
  partnerRef: line(80),
  publicationDate: day.optional(),
  publishedOn: day.optional(),
  vendors: list(vendor, 100),
  csafAttached: bool,
});

const CONTACT_TEXT = {
  en: { unnotified: 'not notified yet', notified: 'notified, no answer yet', reminded: 'notified and reminded, no answer yet', answered: 'answered', unreachable: 'unreachable (no answer to the notification and reminders)' },
  ja: { unnotified: '未通知', notified: '通知済み（回答待ち）', reminded: '通知・督促済み（回答待ち）', answered: '回答あり', unreachable: '連絡不能（通知と督促に回答なし）' },
} as const;
const STATUS_TEXT = {
  en: { investigating: 'investigating', affected: 'affected', 'not-affected': 'not affected', fixed: 'fixed' },
  ja: { investigating: '調査中', affected: '影響あり', 'not-affected': '影響なし', fixed: '修正済み' },
} as const;

export default defineNotice<PartnerStatusContext>()({
  template: 'partner-status',
  schema,
  view: (lang, c) => {
    const requests = c.vendors.filter((v) => v.requestedDate !== undefined);
    return {
      caseId: c.caseId,
      partnerRef: safe(c.partnerRef),
      hasDate: c.publicationDate !== undefined,
      publicationDate: c.publicationDate ?? '',
      published: c.publishedOn !== undefined,
      publishedOn: c.publishedOn ?? '',
      hasRequest: requests.length > 0,
      requests: requests.map((v) => ({ name: safe(v.name), date: v.requestedDate ?? '' })),
      vendors: c.vendors.map((v) => ({
        name: safe(v.name),
        updated: v.updated,
        contact: CONTACT_TEXT[lang][v.contact],
        hasStatus: v.status !== undefined,
        status: v.status ? STATUS_TEXT[lang][v.status] : '',
        hasFixed: v.fixedVersions !== undefined,
        fixedVersions: safe(v.fixedVersions ?? ''),
        hasUrl: v.advisoryUrl !== undefined,
        advisoryUrl: safe(v.advisoryUrl ?? ''),
      })),
      csafAttached: c.csafAttached,
    };
  },
});
