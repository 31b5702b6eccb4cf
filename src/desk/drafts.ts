// Which mail continues a draft (issue 9 §7). An incomplete report waits as a draft, and the
// desk's missing-fields notice asks the reporter to reply with the whole form. Only a
// reply continues it: a mail from the same reporter identity (address and signing key)
// that answers one of the draft's notices (its In-Reply-To/References name the notice's
// Message-ID) or quotes the draft's tag in its own protected text, and that reports the
// same kind of thing (product vs website). Anything else the reporter sends is a new
// report: merged into the open draft, an unrelated website report once became a product
// case carrying the old product's fields.
import { randomBytes } from 'node:crypto';
import type { ReportForm } from '../domain/inspect.ts';
import { parseHeaderFields } from '../mime/parse.ts';
import type { Db } from '../store/db.ts';
import { addDraftNotice, createDraft, openDraftsOf, updateDraft, type Draft } from '../store/drafts.ts';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** A new draft tag: `DRAFT-` and 12 base32 characters (60 random bits; compose.ts DRAFT_TAG). */
export function newDraftTag(): string {
  const bytes = randomBytes(12);
  let out = '';
  for (const b of bytes) out += BASE32[b & 31];
  return `DRAFT-${out}`;
}

const TAG_IN_TEXT = /(?<![A-Z0-9-])DRAFT-[A-Z0-9]{8,16}(?![A-Z0-9])/gi;

/** Message-IDs a mail names as the ones it answers (RFC 5322 §3.6.4), from its outer header block. */
export function repliedTo(raw: Uint8Array): string[] {
  const head = raw.subarray(0, Math.min(raw.length, 64 * 1024));
  const end = Buffer.from(head).toString('latin1').search(/\r?\n\r?\n/);
  const fields = parseHeaderFields(head.subarray(0, end < 0 ? head.length : end));
  const ids: string[] = [];
  for (const f of fields) {
    if (f.name !== 'in-reply-to' && f.name !== 'references') continue;
    for (const m of f.raw.matchAll(/<[^<>\s]{1,500}>/g)) ids.push(m[0]);
  }
  return ids.slice(0, 200);
}

export interface Resend {
  /** In-Reply-To and References of the mail (repliedTo). */
  repliedTo: string[];
  /** The sender's own text (protected content: decrypted, and signed when the identity is signed). */
  text: string;
  /** The kind the mail reports, when it says (product / website). */
  kind: string | undefined;
}

const sameKind = (a: string | undefined, b: string | undefined): boolean => a === undefined || b === undefined || a.trim() === '' || b.trim() === '' || a === b;

/**
 * The draft (among the identity's open drafts, newest first) this mail continues, or null:
 * it is then a new report. A reply to a draft's notice wins over a tag in the text; a mail
 * of another kind never continues a draft, whatever it quotes.
 */
export function continuedDraft(drafts: readonly Draft[], resend: Resend): Draft | null {
  const replied = new Set(resend.repliedTo);
  const tags = new Set([...resend.text.slice(0, 100_000).matchAll(TAG_IN_TEXT)].map((m) => m[0].toUpperCase()));
  const candidates = drafts.filter((d) => sameKind((d.report as ReportForm | null)?.kind, resend.kind));
  return candidates.find((d) => d.noticeIds.some((n) => replied.has(n))) ?? candidates.find((d) => tags.has(d.tag.toUpperCase())) ?? null;
}

/** The identity's open draft that `raw` (a resend with `text` of `kind`) continues, if any. */
export async function findContinuedDraft(db: Db, raw: Uint8Array, who: { email: string; fpr: string | null }, text: string, kind: string | undefined): Promise<Draft | null> {
  const drafts = await openDraftsOf(db, who.email, who.fpr);
  if (drafts.length === 0) return null;
  return continuedDraft(drafts, { repliedTo: repliedTo(raw), text, kind });
}

/** Saves the merged report into the continued draft, or opens a new draft. */
export async function keepDraft(
  db: Db,
  continued: Draft | null,
  d: { reporterEmail: string; reporterFpr: string | null; report: ReportForm; messageId: number },
): Promise<Draft> {
  if (continued) return updateDraft(db, continued.id, { report: d.report, missing: d.report.missing, messageId: d.messageId });
  return createDraft(db, { tag: newDraftTag(), reporterEmail: d.reporterEmail, reporterFpr: d.reporterFpr, report: d.report, missing: d.report.missing, messageId: d.messageId });
}

/** Remembers a notice sent about the draft, so a reply to it continues the draft. */
export async function noteDraftNotice(db: Db, draft: Draft, noticeId: string): Promise<void> {
  await addDraftNotice(db, draft.id, noticeId);
}
