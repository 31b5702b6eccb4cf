// `nokey`, content-free: the desk has no usable key for the recipient (an enum only).
import { defineNotice } from './notice.ts';
import { oneOf, strict } from './schema.ts';
import { flags } from './view.ts';

const WHY = ['none', 'expired', 'revoked'] as const;

export interface NokeyContext {
  why: (typeof WHY)[number];
}

export const schema = strict({ why: oneOf(WHY) });

export default defineNotice<NokeyContext>()({
  template: 'nokey',
  schema,
  view: (_lang, c) => flags(WHY, c.why),
});
