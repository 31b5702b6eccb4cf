// `reporter-not-accepted`: to the reporter: the coordinator did not accept the report, with
// the reason (guideline §3.2), rendered quoted.
import { defineNotice } from './notice.ts';
import { block, caseId, strict } from './schema.ts';
import { quoted } from './view.ts';

export interface ReporterNotAcceptedContext {
  caseId: string;
  reason: string;
}

export const schema = strict({ caseId, reason: block(4000) });

export default defineNotice<ReporterNotAcceptedContext>()({
  template: 'reporter-not-accepted',
  schema,
  view: (_lang, c) => ({ caseId: c.caseId, reason: quoted(c.reason) }),
});
