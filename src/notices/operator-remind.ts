// `operator-remind`: the n-th reminder to a silent operator that holds the details
// (guideline §8), encrypted: the site's URL and the dates only, no vulnerability text.
import type { OperatorRemindData } from '../rules/website-notices.ts';
import { defineNotice } from './notice.ts';
import { caseId, count, day, strict } from './schema.ts';
import { dayLong, dayShort, safe } from './view.ts';
import { replyStatuses, siteUrl, statusWords } from './website.ts';

export const schema = strict({ caseId, siteUrl, n: count(99), since: day, fixTarget: day, replyStatuses });

export default defineNotice<OperatorRemindData>()({
  template: 'operator-remind',
  schema,
  view: (lang, c) => ({ caseId: c.caseId, siteUrl: safe(c.siteUrl), n: c.n, since: dayShort(c.since, lang), fixTarget: dayLong(c.fixTarget, lang), statuses: statusWords(lang, c.replyStatuses) }),
});
