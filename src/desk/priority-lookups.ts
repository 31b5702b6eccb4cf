// What X-PRIORITY-NOTICE needs beyond the case snapshot (guideline §3 item 12), read before
// the pure rules run (src/commands/spec.ts ProductLookups): how many configured contacts
// have a usable pinned key now, and whether the reporter can be told first, encrypted.
import type { Command } from '../commands/parse.ts';
import type { ProductLookups } from '../commands/spec.ts';
import { usableRecipients } from '../crypto/openpgp.ts';
import type { Db } from '../store/db.ts';
import { hasSentNotice } from '../store/notices.ts';
import { findKeysByEmail } from '../store/repo.ts';
import { resolvePriorityContacts, type PriorityContact } from './priority-contacts.ts';

/** The lookups for `command` (undefined when it needs none). */
export async function productLookups(db: Db, command: Command, c: { id: string; reporterEmail: string | null }, contacts: readonly PriorityContact[], now: Date): Promise<ProductLookups | undefined> {
  if (command.kind !== 'priority-notice') return undefined;
  const usable = (await resolvePriorityContacts(contacts, now)).filter((x) => x.ok).length;
  // A case opened by a partner or a vendor's self-report has no reporter at the desk.
  if (c.reporterEmail === null) return { priorityContacts: usable, reporter: 'none', reporterNoticeSent: false };
  const keys = await usableRecipients((await findKeysByEmail(db, c.reporterEmail)).map((k) => k.armored), now);
  // "After the reporter was told": an earlier notice to the reporter counts only once sent
  // (one queued, failed or withheld told nobody; the rules tell the reporter again).
  return { priorityContacts: usable, reporter: keys.length > 0 ? 'reachable' : 'no-key', reporterNoticeSent: await hasSentNotice(db, c.id, 'reporter-priority') };
}
