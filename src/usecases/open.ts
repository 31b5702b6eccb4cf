// Use case `open`: read and verify one stored message (mail-protocol §5), with the keys the
// desk knows for its sender, the keys it carries and a vendor's pinned keys; no decisions yet.
import { extendKeyring, keyFingerprints } from '../crypto/openpgp.ts';
import { nulProblems, storable } from '../desk/bad-values.ts';
import { learnMailKeys } from '../desk/mail-keys.ts';
import { dedupe } from '../forms/field-checks.ts';
import { parseReportForm } from '../forms/index.ts';
import { CSAF_MAX_BYTES } from '../forms/partner-csaf.ts';
import { inspectMessage } from '../inbound/pipeline.ts';
import { findKeysByEmail, getMessage, setMessageState } from '../store/repo.ts';
import { partnerBySigningKey } from '../store/partners.ts';
import { vendorBySigningKey } from '../store/vendors.ts';
import { operatorByKeyFingerprint } from '../store/operators.ts';
import { type DeskContext, type OpenedVerdict, PermanentError } from './context.ts';

export async function open(ctx: DeskContext, id: number): Promise<void> {
  const m = await getMessage(ctx.db, id);
  if (!m) throw new PermanentError(`message ${id} is not stored`);
  if (m.state !== 'stored') {
    if (m.state === 'opened') await ctx.queue.add('triage', { messageId: id }, `triage-${id}`);
    return;
  }
  const now = ctx.clock();
  // Signatures are verified with the tolerated clock skew (trust.maxFutureMinutes): a
  // sender whose clock runs a little fast is not "invalid"; the gate judges the age.
  const opts = { limits: ctx.limits, now: new Date(now.getTime() + ctx.trust.maxFutureMinutes * 60_000), casePrefix: ctx.casePrefix };
  // Keys the desk learned before, for this sender.
  let ring = ctx.ring;
  const from = (await inspectHead(m.raw)) ?? null;
  const known = from ? await findKeysByEmail(ctx.db, from) : [];
  if (known.length > 0) ring = await extendKeyring(ring, known.map((k) => ({ name: k.fingerprint, text: k.armored })));
  const ownRing = ring;
  let inb = await inspectMessage(m.raw, { ring, ...opts });
  // A first-time reporter's key travels with the message (attachment or Autocrypt).
  const carried = [
    ...inb.attachedKeys.map((t, i) => ({ name: `attached-${i}`, text: t, source: 'attachment' as const })),
    ...(inb.autocryptKey ? [{ name: 'autocrypt', text: '', binary: inb.autocryptKey, source: 'autocrypt' as const }] : []),
  ];
  if (carried.length > 0) {
    ring = await extendKeyring(ring, carried);
    // Also when the key on file had expired: the carried copy may renew it (a refresh).
    if (inb.verdict.signature.status !== 'valid') inb = await inspectMessage(m.raw, { ring, ...opts });
  }
  // A vendor's reply is signed with a key pinned in the vendor registry, not one the desk
  // keyring holds: look the issuer up there and verify again with that vendor's keys.
  if (inb.verdict.signature.status === 'unknown-key' && inb.verdict.signature.fingerprint) {
    const vendor = await vendorBySigningKey(ctx.db, inb.verdict.signature.fingerprint, keyFingerprints);
    if (vendor) {
      // Never beside keys the mail carried: an older, unrevoked copy of the vendor's key
      // travelling with the mail must not be what verifies it (issue 9 §1).
      ring = await extendKeyring(ownRing, vendor.keys.map((k) => ({ name: `vendor-${vendor.id}`, text: k.armored })));
      inb = await inspectMessage(m.raw, { ring, ...opts });
    } else {
      // A site operator's reply (issue 11): likewise its keys pinned in the operators registry only.
      const op = await operatorByKeyFingerprint(ctx.db, inb.verdict.signature.fingerprint);
      if (op) {
        ring = await extendKeyring(ownRing, op.keys.map((k) => ({ name: `operator-${op.id}`, text: k.armored })));
        inb = await inspectMessage(m.raw, { ring, ...opts });
      }
    }
  }
  // A partner CSIRT's mail (issue 12): the same, with the partner registry's pinned keys.
  if (inb.verdict.signature.status === 'unknown-key' && inb.verdict.signature.fingerprint) {
    const partner = await partnerBySigningKey(ctx.db, inb.verdict.signature.fingerprint, keyFingerprints);
    if (partner) {
      ring = await extendKeyring(ownRing, partner.keys.map((k) => ({ name: `partner-${partner.id}`, text: k.armored })));
      inb = await inspectMessage(m.raw, { ring, ...opts });
    }
  }
  const v = inb.verdict;
  // Which key this message teaches the desk, for which address (issue 9 §4): src/desk/mail-keys.ts.
  const keys = await learnMailKeys({ db: ctx.db, deskRing: ctx.ring, coordinators: ctx.coordinators, signer: ctx.signer, address: ctx.address, domain: ctx.domain, now }, { messageId: id, verdict: v, ring, carried, text: inb.text, automated: inb.automated });
  const signerFpr = v.signature.status === 'valid' && v.signature.matchesFrom && !keys.signerDistrusted ? v.signature.fingerprint : null;
  // issue 9 §6: what the store cannot hold (NUL) is replaced before storing and said as a
  // bad value of the field it was in; stray undecodable bytes are a flag on the verdict.
  const asForm = v.report ?? (v.kind === 'unknown' && !v.rejected && v.encryption !== 'none' ? parseReportForm(inb.text) : undefined);
  const { value: opened, nul } = storable<OpenedVerdict>({
    ...v,
    desk: { text: inb.text, automated: inb.automated, signerFpr, signedAt: inb.signedAt ? inb.signedAt.toISOString() : null, authority: inb.authority, signedSubject: inb.signedSubject, references: inb.references, ...(inb.invalidBytes ? { flags: ['invalid-bytes'] } : {}), ...attachedJson(inb) },
  });
  // A NUL outside any field (a header, a greeting) is only replaced: it is no value.
  const found = nul ? dedupe([...nulProblems(asForm), ...nulProblems(v.vendorReply)]) : [];
  if (found.length > 0) opened.desk.problems = found;
  await setMessageState(ctx.db, id, 'opened', { verdict: opened });
  await ctx.queue.add('triage', { messageId: id }, `triage-${id}`);
}

/**
 * JSON attachments kept for the use cases (a partner's CSAF document, issue 12). Only when
 * one signature covers every part the desk reads (src/inbound/authority.ts: an attachment
 * beside the signed content, or outside the encryption, leaves the message without
 * authority, and then nothing of it is kept) and the message was encrypted (unencrypted
 * content is not taken into the store, issue 9 §8). Whose signature it is, the gate decides.
 */
function attachedJson(inb: Awaited<ReturnType<typeof inspectMessage>>): { attachedJson?: NonNullable<OpenedVerdict['desk']['attachedJson']> } {
  if (!inb.authority.ok || inb.verdict.encryption === 'none' || inb.verdict.rejected !== null) return {};
  const json = inb.attachments.filter((a) => a.info.contentType.toLowerCase() === 'application/json' || /\.json$/iu.test(a.info.name ?? ''));
  if (json.length === 0) return {};
  // At most a few are kept (more is refused anyway: one CSAF document per case form).
  return { attachedJson: json.slice(0, 3).map((a) => ({ name: a.info.name, size: a.bytes.length, text: a.bytes.length > CSAF_MAX_BYTES ? null : Buffer.from(a.bytes).toString('utf8') })) };
}

/** The From address, from the outer header block only (cheap; for key lookup). */
async function inspectHead(raw: Buffer): Promise<string | null> {
const { parseHeaderFields } = await import('../mime/parse.ts');
const { parseAddresses } = await import('../mime/headers.ts');
const s = raw.subarray(0, Math.min(raw.length, 64 * 1024));
const end = Buffer.from(s).toString('latin1').search(/\r?\n\r?\n/);
const fields = parseHeaderFields(s.subarray(0, end < 0 ? s.length : end));
const from = fields.find((f) => f.name === 'from');
return from ? (parseAddresses(from.raw)[0]?.address ?? null) : null;
}
