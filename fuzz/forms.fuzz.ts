// The forms: the report form (src/forms/report.ts) and the vendor reply form
// (src/forms/vendor.ts), with the classifier's score and the case id finder.
import { findCaseId, formScore, parseReportForm, parseVendorReplyForm, blankReportForm } from '../src/forms/index.ts';
import { REPORT_FIELDS, VENDOR_FIELDS } from '../src/forms/labels.ts';
import type { FuzzTarget } from './engine/target.ts';
import { formSeeds, text, utf8 } from './seeds.ts';

const labels = [...REPORT_FIELDS, ...VENDOR_FIELDS].flatMap((f) => [...f.ja, ...f.en]);

export const target: FuzzTarget = {
  promise: 'the form parsers return a form (with what is missing) for any text, never throw',
  seeds: () => [...formSeeds(), text(blankReportForm('ja')), text(blankReportForm('en'))],
  dictionary: [...labels, '1. ', '(1) ', '①', '⑴', '【', '】', '：', ': ', '\n', '\n  ', '\u3000', 'VR-2026-0042', '[VR-2026-0042]', 'はい', 'いいえ', 'yes', 'no', '2026-12-20', '2026年12月20日', 'affected', 'not-affected', 'fixed', '@', '<', '>'],
  maxLen: 64 * 1024,
  timeoutMs: 5000,
  run(data) {
    const s = utf8(data);
    parseReportForm(s);
    parseVendorReplyForm(s, { casePrefix: 'VR' });
    formScore(s);
    findCaseId(s, 'VR');
  },
};
