// Text form parsers of the mail contract (mail-protocol.md §2 report form, §3 case
// references, §4 vendor reply form). Pure functions of a decoded text body: decoding,
// decryption and signature checks happen before (§1), classification after (§5 `kind`).

import { REPORT_LABELS, VENDOR_LABELS } from './labels.ts';
import { knownKeysIn } from './lines.ts';

// Both tables in one map (their labels are disjoint), so formScore reads the text once.
const BOTH_LABELS: ReadonlyMap<string, string> = new Map<string, string>([
  ...[...REPORT_LABELS].map(([label, key]): [string, string] => [label, `report:${key}`]),
  ...[...VENDOR_LABELS].map(([label, key]): [string, string] => [label, `vendor:${key}`]),
]);

export { parseReportForm, blankReportForm } from './report.ts';
export { parseVendorReplyForm, type VendorReplyOptions } from './vendor.ts';
export { findCaseId } from './case-id.ts';
export { parsePartnerCaseForm, blankPartnerCaseForm, type PartnerCaseForm, type FormProblem, type FormProblemCode } from './partner.ts';
export { parseSelfReportForm, blankSelfReportForm, type SelfReportForm } from './self-report.ts';
export { findReferences, type CaseReference, type ReferenceScan } from './references.ts';
export { parseRefPattern, type RefPattern } from './ref-pattern.ts';
export { REPORT_FIELDS, VENDOR_FIELDS, type ReportKey, type VendorKey } from './labels.ts';

/**
 * How many distinct fields of each form appear on label lines of `text` (a field
 * written under two of its labels counts once; quoted `>` lines do not count, so a
 * vendor quoting the desk's notice does not look like a reporter). For the §5 `kind`
 * decision: the caller picks the form with the higher score above its own threshold,
 * or `unknown`. The vendor score includes a `Case:` line. Never throws.
 */
export function formScore(text: string): { report: number; vendorReply: number } {
  try {
    const t = typeof text === 'string' ? text : '';
    let report = 0;
    let vendorReply = 0;
    for (const k of knownKeysIn(t, BOTH_LABELS)) {
      if (k.startsWith('report:')) report++;
      else vendorReply++;
    }
    return { report, vendorReply };
  } catch {
    return { report: 0, vendorReply: 0 };
  }
}
