// `reporter-priority`: to the reporter, encrypted, BEFORE a priority notice goes out
// (guideline §3 item 12: "the reporter is told first"): the fix information of the case
// goes to government and critical-infrastructure contacts before publication, without
// anything about the reporter.
import { defineNotice } from './notice.ts';
import { caseId, strict } from './schema.ts';

export interface ReporterPriorityContext {
  caseId: string;
}

export const schema = strict({ caseId });

export default defineNotice<ReporterPriorityContext>()({
  template: 'reporter-priority',
  schema,
  view: (_lang, c) => ({ caseId: c.caseId }),
});
