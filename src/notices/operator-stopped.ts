// `operator-stopped`: the case was stopped after the details went (guideline §4): it is
// over and the details stay confidential. The reason is an enum; a duplicate's case id is
// not told.
import { STOP_REASONS } from '../commands/parse.ts';
import type { OperatorStoppedData } from '../rules/website-notices.ts';
import { defineNotice } from './notice.ts';
import { caseId, oneOf, strict } from './schema.ts';
import { flags, safe } from './view.ts';
import { siteUrl } from './website.ts';

export const schema = strict({ caseId, siteUrl, reason: oneOf(STOP_REASONS) });

export default defineNotice<OperatorStoppedData>()({
  template: 'operator-stopped',
  schema,
  view: (_lang, c) => ({ caseId: c.caseId, siteUrl: safe(c.siteUrl), ...flags(STOP_REASONS, c.reason) }),
});
