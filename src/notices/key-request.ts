// The content-free key request of the website track (guideline §4; issue 11), shared by
// `operator-first-contact` and `operator-key-reminder`: it goes in clear (signed only), so
// its schema has the case reference, the desk's fingerprint and the reminder number and
// nothing else: no key exists that could carry the site, the URL, the vulnerability or the
// reporter (an unknown key is refused).
import type { OperatorKeyRequestData } from '../rules/website-notices.ts';
import { defineNotice, type NoticeModule } from './notice.ts';
import { FINGERPRINT, caseId, count, line, refuser, strict } from './schema.ts';
import { formatFingerprint } from './view.ts';

export const keyRequestSchema = (first: boolean) =>
  strict({ caseId, deskKeyFingerprint: line(40, FINGERPRINT), reminder: count(99).nullable() }).superRefine((c, ctx) => {
    if (first && c.reminder !== null) refuser(ctx)('reminder', 'must be null for the first contact');
    if (!first && c.reminder === null) refuser(ctx)('reminder', 'must be the reminder number (1 or more)');
  });

export function keyRequestNotice(template: string, first: boolean): NoticeModule<OperatorKeyRequestData> {
  return defineNotice<OperatorKeyRequestData>()({
    template,
    schema: keyRequestSchema(first),
    view: (_lang, c) => ({ caseId: c.caseId, fingerprint: formatFingerprint(c.deskKeyFingerprint), n: c.reminder ?? 0 }),
  });
}
