// The confirmation a vendor gets when its reply was applied (issue 9 §8: a vendor should
// know it was heard, and what the desk recorded): the status and dates as stored, to the
// vendor's registered contacts, encrypted to its pinned keys (withheld without one).
import { checkRecipientKey, type Recipient, type SigningKey } from '../crypto/openpgp.ts';
import { isIsoDate } from '../domain/clock.ts';
import type { VendorReplyForm } from '../domain/inspect.ts';
import { composeEncrypted } from '../outbound/compose.ts';
import { renderNotice, type NotAppliedReason } from '../outbound/templates.ts';
import type { Lang } from '../rules/screening.ts';
import type { Vendor } from '../store/vendors.ts';
import type { ComposedNotice } from './execute.ts';

const line = (s: string | undefined, max: number): string | undefined => {
  const t = s?.replace(/\s+/g, ' ').trim();
  return t ? t.slice(0, max) : undefined;
};

export async function composeReplyRecorded(
  o: { signer: SigningKey; address: string; domain: string; now: Date; lang: Lang; caseId: string; messageRef: number; inReplyTo: string | null; refs?: readonly string[] },
  vendor: Vendor,
  reply: VendorReplyForm,
  askToEncrypt: boolean,
  vulnerabilities?: number[],
): Promise<ComposedNotice> {
  const to = [...vendor.contacts.to, ...vendor.contacts.cc];
  const nid = `<vendor-reply-recorded.${o.caseId}.${vendor.id}.m${String(o.messageRef)}@${o.domain}>`;
  const keys: Recipient[] = [];
  for (const k of vendor.keys) {
    const c = await checkRecipientKey(k.armored, o.now);
    if (c.ok) keys.push(c.recipient);
  }
  if (keys.length === 0 || to.length === 0) return { id: nid, kind: 'vendor-reply-recorded', recipients: to, lang: o.lang, raw: null, withheldReason: 'no usable pinned key' };
  const fixedVersions = line(reply.fixedVersions, 300);
  const advisoryUrl = line(reply.advisoryUrl, 2000);
  const rendered = renderNotice('vendor-reply-recorded', o.lang, {
    caseId: o.caseId,
    vendorName: line(vendor.name, 300) ?? vendor.id,
    ...(reply.status ? { status: reply.status } : {}),
    ...(fixedVersions ? { fixedVersions } : {}),
    ...(reply.proposedPublication && isIsoDate(reply.proposedPublication) ? { proposedPublication: reply.proposedPublication } : {}),
    ...(advisoryUrl ? { advisoryUrl } : {}),
    ...(vulnerabilities !== undefined && vulnerabilities.length > 0 ? { vulnerabilities } : {}),
    askToEncrypt,
  });
  const raw = await composeEncrypted(
    { from: o.address, to, caseTag: o.caseId, subject: rendered.subject, text: rendered.text, messageId: nid, date: o.now, refs: o.refs ?? [], ...(o.inReplyTo ? { inReplyTo: o.inReplyTo } : {}) },
    o.signer,
    keys,
  );
  return { id: nid, kind: 'vendor-reply-recorded', recipients: to, lang: o.lang, raw };
}

/** To the vendor's registered contacts: a mail its key signed was not applied, and why (the code only). */
export async function composeNotApplied(
  o: { signer: SigningKey; address: string; domain: string; now: Date; messageRef: number },
  vendor: Vendor,
  reason: NotAppliedReason,
): Promise<ComposedNotice> {
  const to = [...vendor.contacts.to, ...vendor.contacts.cc];
  const nid = `<signed-mail-not-applied.${vendor.id}.m${String(o.messageRef)}@${o.domain}>`;
  const keys: Recipient[] = [];
  for (const k of vendor.keys) {
    const c = await checkRecipientKey(k.armored, o.now);
    if (c.ok) keys.push(c.recipient);
  }
  if (keys.length === 0 || to.length === 0) return { id: nid, kind: 'signed-mail-not-applied', recipients: to, lang: 'ja', raw: null, withheldReason: 'no usable pinned key' };
  const rendered = renderNotice('signed-mail-not-applied', 'ja', { reason });
  const raw = await composeEncrypted({ from: o.address, to, caseTag: null, subject: rendered.subject, text: rendered.text, messageId: nid, date: o.now }, o.signer, keys);
  return { id: nid, kind: 'signed-mail-not-applied', recipients: to, lang: 'ja', raw };
}
