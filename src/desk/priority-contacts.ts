// The government and critical-infrastructure contacts of priority notices (guideline §3
// item 12; configuration `priorityNotice.contacts`, docs/priority-notice.md), with the key
// each can be sent to NOW. The key file is read at send time and must hold exactly the
// pinned key (its primary fingerprint), usable (not expired, not revoked, able to
// encrypt): otherwise that contact gets nothing (fail closed) and the reason is kept for
// the coordinators' alert.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { keyFingerprints, usableRecipients, type Recipient } from '../crypto/openpgp.ts';

/** One configured contact (src/config.ts priorityContactSchema). */
export interface PriorityContact {
  id: string;
  name: string;
  sector: 'government' | 'critical-infrastructure';
  email: string;
  /** The pinned primary-key fingerprint. */
  fingerprint: string;
  /** The armored public key file (relative to the working directory when not absolute). */
  keyFile: string;
}

export type ResolvedContact = { contact: PriorityContact; ok: true; keys: Recipient[] } | { contact: PriorityContact; ok: false; why: string };

const norm = (f: string): string => f.replace(/\s+/gu, '').toUpperCase();

/** Each contact with its usable pinned key, or why it has none. Never throws. */
export async function resolvePriorityContacts(contacts: readonly PriorityContact[], now: Date): Promise<ResolvedContact[]> {
  const out: ResolvedContact[] = [];
  for (const contact of contacts) {
    let armored: string;
    try {
      armored = readFileSync(resolve(contact.keyFile), 'utf8');
    } catch {
      out.push({ contact, ok: false, why: 'the key file cannot be read' });
      continue;
    }
    // Exactly one key, and it is the pinned one: a file swapped or with a second key beside
    // the pinned one is not trusted (the second key could be anyone's).
    const blocks = armored.match(/-----BEGIN PGP PUBLIC KEY BLOCK-----/gu)?.length ?? 0;
    const fprs = blocks === 1 ? await keyFingerprints(armored) : [];
    if (fprs[0] === undefined || fprs[0] !== norm(contact.fingerprint)) {
      out.push({ contact, ok: false, why: blocks === 1 ? 'the key file does not hold the pinned key' : 'the key file must hold exactly one public key' });
      continue;
    }
    const keys = await usableRecipients([armored], now);
    out.push(keys.length > 0 ? { contact, ok: true, keys } : { contact, ok: false, why: 'the pinned key is not usable now (expired, revoked or without an encryption key)' });
  }
  return out;
}
