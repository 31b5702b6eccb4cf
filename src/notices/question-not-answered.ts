// `question-not-answered`, content-free: to whoever asked about a case (X-STATUS,
// X-WITHDRAW-NDA) without the case's reporter's key on file signing an encrypted mail that
// names the case (issue 11). The same text in every such case (a stranger, a wrong key,
// unsigned, no or an unknown case): it never says whether the case exists. The schema
// admits no key at all.
import { defineNotice } from './notice.ts';
import { strict } from './schema.ts';

export type QuestionNotAnsweredContext = Record<string, never>;

export const schema = strict({});

export default defineNotice<QuestionNotAnsweredContext>()({
  template: 'question-not-answered',
  schema,
  view: () => ({}),
});
