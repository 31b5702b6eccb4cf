// `key-held`, content-free: to the sender of a message signed by a key other than the one
// on file for its address (issue 9 §4): the key is held for the coordinators; nothing of
// the message. The schema admits no key at all.
import { defineNotice } from './notice.ts';
import { strict } from './schema.ts';

export type KeyHeldContext = Record<string, never>;

export const schema = strict({});

export default defineNotice<KeyHeldContext>()({
  template: 'key-held',
  schema,
  view: () => ({}),
});
