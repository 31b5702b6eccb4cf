// `operator-thanks`: the operator reported the fix (guideline §1, §4 item 4): thanks, and
// the reminder that the details stay confidential (there is no public advisory).
import type { OperatorThanksData } from '../rules/website-notices.ts';
import { defineNotice } from './notice.ts';
import { caseId, strict } from './schema.ts';
import { safe } from './view.ts';
import { siteUrl } from './website.ts';

export const schema = strict({ caseId, siteUrl });

export default defineNotice<OperatorThanksData>()({
  template: 'operator-thanks',
  schema,
  view: (_lang, c) => ({ caseId: c.caseId, siteUrl: safe(c.siteUrl) }),
});
