// X-RELEASE / X-REDACT (issue 9 §5; docs/commands.md "Held notices"): a coordinator sends a
// notice the identity guard held, as it is (they confirm the reporter may be named there)
// or with the reporter's identity masked or a field rewritten. The notice keeps its
// Message-ID and is rendered again from the stored template and context, encrypted to the
// vendor's pinned keys as they are now. Each step is recorded on the case timeline; the
// hold is resolved once (store/identity-holds.ts), so the notice goes exactly once.
import { usableRecipients, type SigningKey } from '../crypto/openpgp.ts';
import type { CommandError } from '../commands/confirm.ts';
import type { Command } from '../commands/parse.ts';
import type { ReportForm } from '../domain/inspect.ts';
import { composeEncrypted } from '../outbound/compose.ts';
import { maskIdentity, stringLeaves } from '../outbound/identity-guard.ts';
import { renderNotice, type AnyNoticeName, type Lang, type NoticeContexts } from '../outbound/templates.ts';
import type { Db } from '../store/db.ts';
import { getIdentityHold, resolveIdentityHold, updateIdentityHold } from '../store/identity-holds.ts';
import { appendTimeline, getCase } from '../store/repo.ts';
import { hasVendorEvent } from '../store/timeline.ts';
import { getPartner } from '../store/partners.ts';
import { getVendor } from '../store/vendors.ts';
import { loadSnapshot } from './coordination.ts';
import { PARTNER_PARTY_PREFIX } from './handover.ts';
import { checkNotice, decodeContext, describeHits, encodeContext, identityPolicy, publicProductName, type Audience, type IdentityPolicy } from './identity-policy.ts';

export interface ReleaseDeps {
  signer: SigningKey;
  address: string;
  now: Date;
  /** Who resolved it, as the timeline names actors (`coordinator:Name`, `cli:user`). */
  actor: string;
}

export type ReleaseOutcome = { ok: true; noticeId: string } | { ok: false; error: CommandError };

/** What a masked passage reads (it must not itself look like anyone's identity). */
const MASK: Record<Lang, string> = { ja: '［発見者情報を削除］', en: "[reporter's details removed]" };

/** Sets the string at `path` (`summary`, `vendors.0.workaround`); false when there is none. */
function setPath(root: Record<string, unknown>, path: string, value: string): boolean {
  const parts = path.split('.');
  let cur: unknown = root;
  for (const p of parts.slice(0, -1)) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, p)) return false;
    cur = (cur as Record<string, unknown>)[p];
  }
  const last = parts[parts.length - 1] ?? '';
  if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, last) || typeof (cur as Record<string, unknown>)[last] !== 'string') return false;
  (cur as Record<string, unknown>)[last] = value;
  return true;
}

/**
 * Applies one X-RELEASE / X-REDACT to case `caseId` inside the open transaction `tx`. On
 * success the notice is pending again (its `message_ref` becomes `messageRef` when given, so
 * the command mail is filed once it is sent); the caller enqueues `noticeId`.
 */
export async function applyHoldCommand(
  tx: Db,
  deps: ReleaseDeps,
  caseId: string,
  cmd: Extract<Command, { kind: 'release' | 'redact' }>,
  messageRef: number | null,
): Promise<ReleaseOutcome> {
  const fail = (problem: Extract<CommandError, { code: 'identity-hold' }>['problem'], detail?: string): ReleaseOutcome => ({
    ok: false,
    error: { code: 'identity-hold', hold: cmd.hold, problem, ...(detail !== undefined ? { detail } : {}) },
  });
  const hold = await getIdentityHold(tx, caseId, cmd.hold);
  if (!hold) return fail('unknown');
  if (hold.resolvedAt !== null) return fail('resolved');
  const c = await getCase(tx, caseId);
  if (!c) return fail('unknown');
  const lang: Lang = hold.lang === 'en' ? 'en' : 'ja';
  const name = hold.noticeName as AnyNoticeName;
  const audience: Audience = hold.audience === 'public' ? 'public' : 'vendor';
  const context = decodeContext(hold.context) as Record<string, unknown>;
  const policy = identityPolicy(c.report as ReportForm, await loadSnapshot(tx, caseId), c.reporterEmail);

  if (cmd.kind === 'redact') {
    if (cmd.field !== null) {
      const current = stringLeaves(context).find(([f]) => f === cmd.field)?.[1];
      if (current === undefined) return fail('no-field', cmd.field);
      setPath(context, cmd.field, cmd.text ?? maskIdentity(current, policy.identity, MASK[lang]));
    } else {
      for (const h of checkNotice(policy, audience, name, context)) {
        const current = stringLeaves(context).find(([f]) => f === h.field)?.[1];
        if (current !== undefined) setPath(context, h.field, maskIdentity(current, policy.identity, MASK[lang]));
      }
    }
    const left = checkNotice(policy, audience, name, context);
    if (left.length > 0) {
      // Kept for the next X-REDACT; the notice stays held (fail closed).
      await updateIdentityHold(tx, hold.noticeId, encodeContext(context) as Record<string, unknown>, left);
      await appendTimeline(tx, { caseId, actor: deps.actor, event: 'identity-hold-redacted', data: { notice: hold.noticeId, hold: hold.ref, field: cmd.field, sent: false } });
      return fail('still-identifies', describeHits(left));
    }
  }

  let rendered: { subject: string; text: string };
  try {
    rendered = renderNotice(name, lang, context as unknown as NoticeContexts[typeof name]);
  } catch {
    // A replacement the template refuses (too long for a one-line field, control characters).
    return fail('not-sendable', 'the notice does not accept that text');
  }
  // A handover held for the reporter's identity goes to its partner CSIRT (desk/handover.ts).
  const partnerId = hold.party.vendorId.startsWith(PARTNER_PARTY_PREFIX) ? hold.party.vendorId.slice(PARTNER_PARTY_PREFIX.length) : null;
  const party = partnerId !== null ? await getPartner(tx, partnerId) : await getVendor(tx, hold.party.vendorId);
  const keys = party && !party.removedAt ? await usableRecipients(party.keys.map((k) => k.armored), deps.now) : [];
  const to = party ? [...party.contacts.to, ...party.contacts.cc] : [];
  const who = partnerId !== null ? 'the partner is not in the partner registry' : 'the vendor is not in the registry';
  if (keys.length === 0 || to.length === 0) return fail('not-sendable', !party || party.removedAt ? who : keys.length === 0 ? 'no usable pinned key' : 'no contact address');
  const raw = await composeEncrypted({ from: deps.address, to, caseTag: caseId, subject: rendered.subject, text: rendered.text, messageId: hold.noticeId, date: deps.now }, deps.signer, keys);
  const resolution = cmd.kind === 'release' ? 'released' : 'redacted';
  const done = await resolveIdentityHold(tx, { noticeId: hold.noticeId, resolution, by: deps.actor, raw, context: encodeContext(context) as Record<string, unknown>, messageRef, at: deps.now });
  if (!done) return fail('resolved');
  // The timeline says what was decided, and which fields; never the identity itself.
  await appendTimeline(tx, {
    caseId,
    actor: deps.actor,
    event: `identity-hold-${resolution}`,
    data: { notice: hold.noticeId, hold: hold.ref, fields: [...new Set(hold.hits.map((h) => h.field))], ...(cmd.kind === 'redact' ? { field: cmd.field, replaced: cmd.text !== null } : {}), sent: true },
  });
  return { ok: true, noticeId: hold.noticeId };
}

/**
 * The product name an unreachable-list entry may show (undefined: none). One carrying the
 * reporter's identity is left out, and the timeline says so once per case and vendor (the
 * coordinators see it there; the list is rebuilt every tick).
 */
export async function guardPublicProductName(db: Db, caseId: string, vendorId: string, policy: IdentityPolicy, productName: string | undefined): Promise<string | undefined> {
  const r = publicProductName(policy, productName);
  if (r.hits.length === 0) return r.productName;
  if (!(await hasVendorEvent(db, caseId, 'unreachable-product-withheld', vendorId))) await appendTimeline(db, { caseId, actor: 'desk', event: 'unreachable-product-withheld', data: { vendor: vendorId, found: describeHits(r.hits) } });
  return undefined;
}
