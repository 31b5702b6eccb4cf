// `reporter-site-fixed`: the operator reported the fix (guideline §4 item 4): the reporter
// is told, encrypted; no operator identity beyond the site, and no public advisory follows.
import type { ReporterSiteFixedData } from '../rules/website-notices.ts';
import { defineNotice } from './notice.ts';
import { caseId, day, strict } from './schema.ts';
import { dayShort, safe } from './view.ts';
import { siteUrl } from './website.ts';

export const schema = strict({ caseId, siteUrl, fixedOn: day });

export default defineNotice<ReporterSiteFixedData>()({
  template: 'reporter-site-fixed',
  schema,
  view: (lang, c) => ({ caseId: c.caseId, siteUrl: safe(c.siteUrl), fixedOn: dayShort(c.fixedOn, lang) }),
});
