// `reporter-accepted`: to the reporter, encrypted: the website report was accepted and the
// site operator will be contacted (guideline §4 item 1). No operator identity.
import type { ReporterAcceptedData } from '../rules/website-notices.ts';
import { defineNotice } from './notice.ts';
import { caseId, strict } from './schema.ts';
import { safe } from './view.ts';
import { siteUrl } from './website.ts';

export const schema = strict({ caseId, siteUrl });

export default defineNotice<ReporterAcceptedData>()({
  template: 'reporter-accepted',
  schema,
  view: (_lang, c) => ({ caseId: c.caseId, siteUrl: safe(c.siteUrl) }),
});
