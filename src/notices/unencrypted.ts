// `unencrypted`, content-free: a clear-text message arrived; the desk's key is attached and
// its fingerprint shown. The schema admits the desk's own fingerprint only, so nothing of
// the message it answers can reach it.
import { defineNotice } from './notice.ts';
import { FINGERPRINT, line, strict } from './schema.ts';
import { formatFingerprint } from './view.ts';

export interface UnencryptedContext {
  deskFingerprint: string;
}

export const schema = strict({ deskFingerprint: line(40, FINGERPRINT) });

export default defineNotice<UnencryptedContext>()({
  template: 'unencrypted',
  schema,
  view: (_lang, c) => ({ fingerprint: formatFingerprint(c.deskFingerprint) }),
});
