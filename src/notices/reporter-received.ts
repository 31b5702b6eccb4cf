// `reporter-received`: to the reporter: a message about the case was received and passed
// to the coordinators (the case id only).
import { defineNotice } from './notice.ts';
import { caseId, strict } from './schema.ts';

export interface ReporterReceivedContext {
  caseId: string;
}

export const schema = strict({ caseId });

export default defineNotice<ReporterReceivedContext>()({
  template: 'reporter-received',
  schema,
  view: (_lang, c) => ({ caseId: c.caseId }),
});
