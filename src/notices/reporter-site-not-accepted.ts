// `reporter-site-not-accepted`: the website track's `reporter-not-accepted`
// (src/rules/website-notices.ts): the product notice of that name has no site URL (and its
// strict schema refuses one), so the website shape is its own module. The reason is the
// coordinator's text, quoted.
import type { ReporterNotAcceptedData } from '../rules/website-notices.ts';
import { defineNotice } from './notice.ts';
import { block, caseId, strict } from './schema.ts';
import { quoted, safe } from './view.ts';
import { siteUrl } from './website.ts';

export const schema = strict({ caseId, siteUrl, reason: block(4000) });

export default defineNotice<ReporterNotAcceptedData>()({
  template: 'reporter-site-not-accepted',
  schema,
  view: (_lang, c) => ({ caseId: c.caseId, siteUrl: safe(c.siteUrl), reason: quoted(c.reason) }),
});
