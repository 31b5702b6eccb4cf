// `vendor-reply-recorded`: to a vendor: its reply was applied, with what was recorded (issue 9 §8).
import type { IsoDate } from '../domain/clock.ts';
import { defineNotice } from './notice.ts';
import { bool, caseId, day, line, list, name, number, oneOf, strict } from './schema.ts';
import { dayLong, flags, safe } from './view.ts';

const STATUSES = ['affected', 'not-affected', 'investigating', 'fixed'] as const;

export interface VendorReplyRecordedContext {
  caseId: string;
  vendorName: string;
  status?: (typeof STATUSES)[number];
  fixedVersions?: string;
  proposedPublication?: IsoDate;
  advisoryUrl?: string;
  /** issue 12: the vulnerabilities the reply named (`Vulnerability:`); absent: all of the case's. */
  vulnerabilities?: number[];
  /** The reply came signed but not encrypted: the vendor is asked to encrypt next time. */
  askToEncrypt: boolean;
}

export const schema = strict({
  caseId,
  vendorName: name,
  status: oneOf(STATUSES).optional(),
  fixedVersions: line(300).optional(),
  proposedPublication: day.optional(),
  advisoryUrl: line(2000).optional(),
  vulnerabilities: list(number(1, 999, true), 50).optional(),
  askToEncrypt: bool,
});

export default defineNotice<VendorReplyRecordedContext>()({
  template: 'vendor-reply-recorded',
  schema,
  view: (lang, c) => ({
    caseId: c.caseId,
    vendorName: safe(c.vendorName),
    hasStatus: c.status !== undefined,
    ...flags(STATUSES, c.status ?? ''),
    hasFixedVersions: c.fixedVersions !== undefined,
    fixedVersions: safe(c.fixedVersions ?? ''),
    hasProposedPublication: c.proposedPublication !== undefined,
    proposedPublication: c.proposedPublication === undefined ? '' : dayLong(c.proposedPublication, lang),
    hasAdvisoryUrl: c.advisoryUrl !== undefined,
    advisoryUrl: safe(c.advisoryUrl ?? ''),
    hasVulnerabilities: c.vulnerabilities !== undefined,
    vulnerabilities: (c.vulnerabilities ?? []).join(', '),
    askToEncrypt: c.askToEncrypt,
  }),
});
