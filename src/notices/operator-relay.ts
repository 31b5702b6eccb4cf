// `operator-relay`: a coordinator's words to the operator, quoted; the desk speaks for the other
// side and names nobody (guideline §2; src/rules/website-notices.ts RelayData).
import type { RelayData } from '../rules/website-notices.ts';
import { defineNotice } from './notice.ts';
import { block, caseId, strict } from './schema.ts';
import { quoted } from './view.ts';

export const schema = strict({ caseId, text: block(20_000) });

export default defineNotice<RelayData>()({
  template: 'operator-relay',
  schema,
  view: (_lang, c) => ({ caseId: c.caseId, text: quoted(c.text) }),
});
