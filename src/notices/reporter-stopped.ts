// `reporter-stopped`: to the reporter: handling stopped, with the reason (guideline §3.3; an enum).
import { STOP_REASONS, type StopReason } from '../commands/parse.ts';
import { defineNotice } from './notice.ts';
import { caseId, oneOf, strict } from './schema.ts';
import { flags } from './view.ts';

export interface ReporterStoppedContext {
  caseId: string;
  reason: StopReason;
}

export const schema = strict({ caseId, reason: oneOf(STOP_REASONS) });

export default defineNotice<ReporterStoppedContext>()({
  template: 'reporter-stopped',
  schema,
  view: (_lang, c) => ({ caseId: c.caseId, ...flags(STOP_REASONS, c.reason) }),
});
