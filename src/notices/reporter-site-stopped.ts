// `reporter-site-stopped`: the website track's `reporter-stopped` (src/rules/website-notices.ts):
// the product notice speaks of vendors and products and has no site URL, so the website
// shape is its own module. A duplicate's case id is not told.
import { STOP_REASONS } from '../commands/parse.ts';
import type { ReporterStoppedData } from '../rules/website-notices.ts';
import { defineNotice } from './notice.ts';
import { caseId, oneOf, strict } from './schema.ts';
import { flags, safe } from './view.ts';
import { siteUrl } from './website.ts';

export const schema = strict({ caseId, siteUrl, reason: oneOf(STOP_REASONS) });

export default defineNotice<ReporterStoppedData>()({
  template: 'reporter-site-stopped',
  schema,
  view: (_lang, c) => ({ caseId: c.caseId, siteUrl: safe(c.siteUrl), ...flags(STOP_REASONS, c.reason) }),
});
