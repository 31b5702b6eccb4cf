// Text form parsers of the mail contract (mail-protocol.md §2 report form, §3 case
// references, §4 vendor reply form). Pure functions of a decoded text body: decoding,
// decryption and signature checks happen before (§1), classification after (§5 `kind`).

import { REPORT_LABELS, VENDOR_LABELS } from './labels.ts';
import { knownKeysIn } from './lines.ts';

export { parseReportForm, blankReportForm } from './report.ts';
export { parseVendorReplyForm, type VendorReplyOptions } from './vendor.ts';
export { findCaseId } from './case-id.ts';
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
    return { report: knownKeysIn(t, REPORT_LABELS).size, vendorReply: knownKeysIn(t, VENDOR_LABELS).size };
  } catch {
    return { report: 0, vendorReply: 0 };
  }
}
