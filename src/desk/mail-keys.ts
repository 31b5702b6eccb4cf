// The keys a message teaches the desk (issue 9 §4: no planted keys). Called once from
// Desk.open, after the message has been read: gathers the facts (which key signed, which
// of its user ids are self-certified, which keys came with the message, which keys are on
// file for the From address), asks src/trust/key-learning.ts what to do, and does it:
// stores the first key of an address for that address only, refreshes the key on file,
// or holds a different key, alerts the coordinators and answers the sender content-free.
//
// Only the `keys` table feeds the encryption of notices to reporters (Desk.senderKey,
// noticesFor): what is not stored here is never encrypted to.
import { certifiedKey, checkRecipientKey, sourceFingerprints, type Keyring, type KeySource, type Recipient, type SigningKey } from '../crypto/openpgp.ts';
import { renderKeyConfirmation, type KeyCommandOutcome, type ParsedKeyCommands } from '../commands/key-commands.ts';
import type { InspectResult } from '../domain/inspect.ts';
import { composeEncrypted, composeSignedClear } from '../outbound/compose.ts';
import { renderNotice } from '../outbound/templates.ts';
import { languageOf } from '../rules/screening.ts';
import type { Db } from '../store/db.ts';
import { confirmKeyHold, getKeyHold, holdKey, keysOnFile, rejectKeyHold } from '../store/key-holds.ts';
import { appendTimeline, findKeysByEmail, upsertKey } from '../store/repo.ts';
import { decideKeys, signerDistrusted, type CarriedSource, type KeyDecision, type OnFileSource } from '../trust/key-learning.ts';
import { composeCoordinatorAlert, storeComposed, type ComposedNotice } from './execute.ts';

export interface MailKeysContext {
  db: Db;
  /** The desk's configured keyring (its own key, coordinators' and other configured keys). */
  deskRing: Keyring;
  coordinators: { name: string; email: string; armoredKeys: string[] }[];
  signer: SigningKey;
  address: string;
  domain: string;
  now: Date;
}

export interface MailKeysInput {
  messageId: number;
  verdict: InspectResult;
  /** The keyring the message was verified with (desk ring + keys on file + carried keys). */
  ring: Keyring;
  /** Keys the message carried (attachments, Autocrypt). */
  carried: (KeySource & { source: CarriedSource })[];
  /** The sender's text (the language of the answer) and whether the mail is automated (never answered, RFC 3834). */
  text: string;
  automated: boolean;
}

export interface MailKeysOutcome {
  decisions: KeyDecision[];
  /** The message is signed by a key other than the one on file for its From: its signature proves no sender. */
  signerDistrusted: boolean;
}

export async function learnMailKeys(ctx: MailKeysContext, m: MailKeysInput): Promise<MailKeysOutcome> {
  const v = m.verdict;
  const from = v.from?.trim().toLowerCase() ?? null;
  const carried: { fingerprint: string; source: CarriedSource }[] = [];
  for (const c of m.carried) for (const fingerprint of await sourceFingerprints(c)) carried.push({ fingerprint, source: c.source });
  const signerFpr = v.signature.status === 'valid' ? v.signature.fingerprint : null;
  let signer: { fingerprint: string; certifiedEmails: string[]; carried: CarriedSource | null; armored: string } | null = null;
  if (signerFpr && from && !v.rejected) {
    // The copy to keep merges what the desk has on file for this key with what came along (a refresh).
    const stored = (await findKeysByEmail(ctx.db, from)).filter((k) => k.fingerprint === signerFpr).map((k) => ({ name: k.fingerprint, text: k.armored }));
    const facts = await certifiedKey(m.ring, signerFpr, [...stored, ...m.carried], ctx.now);
    if (facts) signer = { ...facts, carried: carried.find((c) => c.fingerprint === facts.fingerprint)?.source ?? null };
  }
  const onFile: { fingerprint: string; source: OnFileSource }[] = from ? [...(await keysOnFile(ctx.db, from))] : [];
  // A configured key (a coordinator's) is on file for the addresses of its user ids.
  if (from) for (const k of ctx.deskRing.keys) if (k.emails.includes(from)) onFile.push({ fingerprint: k.fingerprint, source: 'config' });
  const earlier = from && signer ? await getKeyHold(ctx.db, from, signer.fingerprint) : null;
  const decisions = decideKeys({
    from,
    rejected: v.rejected !== null,
    signature: { status: v.signature.status, fingerprint: v.signature.fingerprint },
    signer,
    onFile,
    carried,
    earlierHold: earlier?.state ?? null,
  });

  // One transaction: a hold and its alert are stored together (a retried job neither loses
  // the alert nor sends it twice: the hold's row says it was made).
  await ctx.db.tx(async (db) => {
    const ignored: string[] = [];
    for (const d of decisions) {
      switch (d.action) {
        case 'store':
        case 'refresh':
          if (!signer) break;
          // For the From address alone: the key's other user ids are never stored (issue 9 §4).
          await upsertKey(db, { fingerprint: d.fingerprint, emails: [d.email], armored: signer.armored, source: d.action === 'store' ? d.source : 'signature' });
          break;
        case 'hold': {
          if (!signer) break;
          const { hold, created } = await holdKey(db, { email: d.email, fingerprint: d.fingerprint, armored: signer.armored, source: d.source, onFile: d.onFile, messageRef: m.messageId });
          if (created) await alertAndAnswer(db, ctx, m, hold.id, d.email, d.fingerprint);
          break;
        }
        case 'ignore':
          ignored.push(d.why);
          break;
      }
    }
    if (ignored.length > 0) await appendTimeline(db, { caseId: null, actor: 'desk', event: 'key-not-learned', data: { message: m.messageId, why: ignored } });
  });
  return { decisions, signerDistrusted: signerDistrusted(decisions) };
}

/**
 * A new hold: every coordinator is alerted (encrypted; the address and fingerprint are for
 * them to check), and the sender gets a content-free answer: signed, not encrypted (to the
 * key on file it would tell the genuine owner nothing new; to the held key it would trust
 * what is not confirmed), with nothing of the message in it.
 */
async function alertAndAnswer(db: Db, ctx: MailKeysContext, m: MailKeysInput, holdId: number, email: string, fingerprint: string): Promise<void> {
  // `k`: apart from other alerts about the same message (e.g. a refused command mail).
  const base = { coordinators: ctx.coordinators, signer: ctx.signer, address: ctx.address, domain: ctx.domain, lang: 'ja' as const, now: ctx.now, eventKey: `m${m.messageId}k`, caseId: null };
  const notices: ComposedNotice[] = await composeCoordinatorAlert(base, 'key-held', `hold ${holdId}: ${email} sent a message signed by key ${fingerprint}, not the key on file`);
  if (!m.automated) {
    const lang = languageOf(m.text);
    const rendered = renderNotice('key-held', lang, {});
    const id = `<key-held.m${m.messageId}@${ctx.domain}>`;
    const raw = await composeSignedClear(
      { from: ctx.address, to: [email], caseTag: null, subject: rendered.subject, text: rendered.text, messageId: id, date: ctx.now, attachDeskKey: false, ...(m.verdict.messageId ? { inReplyTo: m.verdict.messageId } : {}) },
      ctx.signer,
    );
    notices.push({ id, kind: 'key-held', recipients: [email], lang, raw });
  }
  await storeComposed(db, notices, null, m.messageId);
}

/**
 * A coordinator's key commands by mail (X-CONFIRM-KEY / X-REJECT-KEY), after
 * authorizeCommandMail accepted the mail (pinned key, age, replay): all applied, or none
 * when the mail has an error; the coordinator gets an encrypted confirmation. `db` is the
 * open transaction of the command mail.
 */
export async function applyKeyCommandMail(
  db: Db,
  ctx: Pick<MailKeysContext, 'signer' | 'address' | 'domain' | 'now'>,
  parsed: ParsedKeyCommands,
  coordinator: { name: string; email: string; armoredKeys: readonly string[] },
  messageId: number,
  inReplyTo: string | null,
): Promise<void> {
  const actor = `coordinator:${coordinator.name}`;
  const outcomes: KeyCommandOutcome[] = [];
  for (const command of parsed.commands) {
    if (parsed.errors.length > 0) {
      outcomes.push({ command, status: 'not-applied' });
      continue;
    }
    const r = command.kind === 'confirm-key' ? await confirmKeyHold(db, command.hold, actor) : await rejectKeyHold(db, command.hold, actor);
    outcomes.push(r.ok ? { command, status: 'applied', email: r.hold.email, fingerprint: r.hold.fingerprint } : { command, status: 'failed', why: r.why, ...(r.hold ? { state: r.hold.state } : {}) });
  }
  await appendTimeline(db, { caseId: null, actor, event: 'key-command-mail', data: { message: messageId, applied: outcomes.filter((o) => o.status === 'applied').length, errors: parsed.errors.length } });
  const rendered = renderKeyConfirmation(parsed, outcomes, coordinator.name, 'ja');
  const keys: Recipient[] = [];
  for (const a of coordinator.armoredKeys) {
    const k = await checkRecipientKey(a, ctx.now);
    if (k.ok) keys.push(k.recipient);
  }
  const id = `<key-command-confirmation.m${messageId}@${ctx.domain}>`;
  const raw =
    keys.length > 0
      ? await composeEncrypted({ from: ctx.address, to: [coordinator.email], caseTag: null, subject: rendered.subject, text: rendered.text, messageId: id, date: ctx.now, ...(inReplyTo ? { inReplyTo } : {}) }, ctx.signer, keys)
      : null;
  await storeComposed(db, [{ id, kind: 'command-confirmation', recipients: [coordinator.email], lang: 'ja', raw, ...(raw ? {} : { withheldReason: 'no usable key' }) }], null, messageId);
}
