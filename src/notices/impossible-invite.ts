// `impossible-invite`: to a vendor: the coordination-impossible procedure is open; its view
// is invited until the end of `deadline` (JST) (guideline §3.8).
import { formatJst, type IsoDate } from '../domain/clock.ts';
import { defineNotice } from './notice.ts';
import { caseId, day, name, strict } from './schema.ts';
import { endOfDay, safe } from './view.ts';

export interface ImpossibleInviteContext {
  caseId: string;
  vendorName: string;
  productName: string;
  deadline: IsoDate;
}

export const schema = strict({ caseId, vendorName: name, productName: name, deadline: day });

export default defineNotice<ImpossibleInviteContext>()({
  template: 'impossible-invite',
  schema,
  view: (_lang, c) => ({ caseId: c.caseId, vendorName: safe(c.vendorName), productName: safe(c.productName), deadline: formatJst(endOfDay(c.deadline)) }),
});
