// `reporter-withdrawal`: to the reporter: one year after 起算日 the non-disclosure request
// may be withdrawn (guideline §3.9).
import type { IsoDate } from '../domain/clock.ts';
import { defineNotice } from './notice.ts';
import { caseId, day, strict } from './schema.ts';
import { dayShort } from './view.ts';

export interface ReporterWithdrawalContext {
  caseId: string;
  startDate: IsoDate;
}

export const schema = strict({ caseId, startDate: day });

export default defineNotice<ReporterWithdrawalContext>()({
  template: 'reporter-withdrawal',
  schema,
  view: (lang, c) => ({ caseId: c.caseId, startDate: dayShort(c.startDate, lang) }),
});
