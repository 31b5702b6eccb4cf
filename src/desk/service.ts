// The running desk: intake → open → triage → notify → file, as queue jobs.
//
// The database is the truth; the queue only says what to look at next (pitfalls.md: a
// stalled job can run twice, and Redis without persistence loses queued jobs). So every
// handler first checks the stored state and does nothing twice, and `reconcile()` at
// start re-enqueues whatever the database says is unfinished.
import { checkRecipientKey, extendKeyring, keyFingerprints, usableRecipients, type Keyring, type Recipient, type SigningKey } from '../crypto/openpgp.ts';
import type { InspectResult, ReportForm } from '../domain/inspect.ts';
import { blankReportForm, findCaseId, parseReportForm } from '../forms/index.ts';
import { inspectMessage, MiB, DEFAULT_LIMITS, type InboundLimits } from '../inbound/pipeline.ts';
import { composeEncrypted, composeSignedClear } from '../outbound/compose.ts';
import { neutralise } from '../outbound/neutralise.ts';
import { renderNotice, renderUnreachableList, type NoticeContexts, type NoticeName, type UnreachableListEntry } from '../outbound/templates.ts';
import type { Transport } from '../outbound/transport.ts';
import { newProductCase } from '../rules/product.ts';
import { languageOf, screen, type Decision, type KeyStatus, type Lang } from '../rules/screening.ts';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FINAL_CASE_STATES } from '../rules/case-view.ts';
import { applyEvent, DbReplayStore, loadSnapshot, reviveSnapshot, saveSnapshot } from './coordination.ts';
import { commandErrorOf, confirmationDetails, isCommandError, relayLeak, toProductEvent, type RulesError } from './commands.ts';
import { applyHoldCommand, guardPublicProductName } from './identity-release.ts';
import { identityPolicy } from './identity-policy.ts';
import { authorizeCommandMail, coordinatorFor } from '../commands/auth.ts';
import type { Authority } from '../inbound/authority.ts';
import { parseVendorReplyForm } from '../forms/index.ts';
import { composeNotApplied, composeReplyRecorded } from './reply-recorded.ts';
import { NOT_APPLIED_REASONS } from '../outbound/templates.ts';
import { DEFAULT_TRUST, gateSignedMail, type GateInput, type GateResult, type SignedRole, type TrustSettings } from './signed-gate.ts';
import type { Vendor } from '../store/vendors.ts';
import { renderConfirmation, type CommandOutcome } from '../commands/confirm.ts';
import { looksLikeCommandMail, parseCommandMail } from '../commands/parse.ts';
import { applyKeyCommandMail, learnMailKeys } from './mail-keys.ts';
import { parseKeyCommandMail } from '../commands/key-commands.ts';
import { composeCoordinatorAlert, composeDecisions, composeForCoordinators, storeComposed, type ComposedNotice } from './execute.ts';
import { DEFAULT_SETTINGS, type ProductCase, type ProductDecision, type Settings } from '../rules/product.ts';
import { duplicateCandidates, vendorCandidates, VENDOR_WEIGHTS } from '../registry/candidates.ts';
import { listVendors, vendorBySigningKey } from '../store/vendors.ts';
import type { Db } from '../store/db.ts';
import {
  addParty,
  appendTimeline,
  appendTimelineMany,
  createCase,
  findKeysByEmail,
  getCase,
  getMessage,
  getNotice,
  insertNotice,
  listMessagesInState,
  listNoticesInState,
  markNoticeFailed,
  markNoticeSent,
  nextCaseId,
  setMessageState,
  storeMessage,
  type NewTimelineEntry,
} from '../store/repo.ts';
import { jobKey, type JobData, type JobName } from '../jobs/registry.ts';
import { textLog, type Fields, type Log } from '../log.ts';
import { checkVendorReply, dedupe, foldVendorReply, type FieldProblem } from '../forms/field-checks.ts';
import { composeInvalidAnswer, failureCodeOf, jobFailedAlert, nulProblems, recordBadValue, refusalOf, refusalReason, storable } from './bad-values.ts';
import { closeDraft, type Draft } from '../store/drafts.ts';
import { findContinuedDraft, keepDraft, noteDraftNotice } from './drafts.ts';
import { claimAnswer, DEFAULT_ANSWER_LIMITS, type AnswerLimits } from './answers.ts';
import { unreadVerdict } from './unread.ts';

export interface Queue {
  add(name: JobName, data: JobData, jobId: string): Promise<void>;
}

export interface Filer {
  /** Files the source message (IMAP: move to Processed / Failed). */
  file(source: string, sourceRef: string | null, outcome: 'processed' | 'failed'): Promise<void>;
}

export interface DeskOptions {
  db: Db;
  queue: Queue;
  transport: Transport;
  signer: SigningKey;
  ring: Keyring;
  address: string;
  casePrefix: string;
  limits?: InboundLimits;
  clock?: () => Date;
  filer?: Filer;
  log?: (m: string) => void;
  /**
   * Structured lines for what the desk decided on a command mail (issue 10: one line per
   * coordinator command applied or refused): ids and codes only, never the text or who.
   */
  logger?: Log;
  /** Where public documents go (the unreachable-vendor list); none when absent. */
  publicDir?: string;
  /** Coordinators with their public keys (alerts, confirmations). */
  coordinators?: { name: string; email: string; fingerprints?: string[]; armoredKeys: string[] }[];
  /** The product track's settings (configuration `coordination`; guideline §8 defaults). */
  settings?: Settings;
  /** Age limits of signed mail (configuration `trust`; issue 9 §2). */
  trust?: TrustSettings;
  /** Automatic answers per address (configuration `limits.answersPerAddressPer*`). */
  answerLimits?: AnswerLimits;
}

/** What `open` keeps of the reading, beside the §5 verdict. */
interface OpenedVerdict extends InspectResult {
  desk: {
    text: string;
    automated: boolean;
    signerFpr: string | null;
    signedAt?: string | null;
    /** issue 9 §1-3: whether one signature speaks for the whole message; the signed Subject; In-Reply-To/References. */
    authority?: Authority;
    signedSubject?: string | null;
    references?: string[];
    /** `invalid-bytes`: bytes invalid in the declared charset were read as U+FFFD (issue 9 §6). */
    flags?: 'invalid-bytes'[];
    /** Bad values the store could not hold as sent (NUL: replaced by U+FFFD in what is stored). */
    problems?: FieldProblem[];
  };
}

export class PermanentError extends Error {}

export function limitsFromMb(maxMessageMb: number, maxDecompressedMb: number): InboundLimits {
  return { ...DEFAULT_LIMITS, maxMessageBytes: Math.floor(maxMessageMb * MiB), crypto: { maxDecompressedBytes: Math.floor(maxDecompressedMb * MiB) } };
}

export class Desk {
  private readonly o: Required<Omit<DeskOptions, 'filer' | 'publicDir'>> & { filer: Filer | null; publicDir: string | null };
  private readonly domain: string;

  constructor(opts: DeskOptions) {
    this.o = {
      limits: DEFAULT_LIMITS,
      clock: () => new Date(),
      log: () => undefined,
      logger: textLog(() => undefined),
      coordinators: [],
      settings: DEFAULT_SETTINGS,
      trust: DEFAULT_TRUST,
      answerLimits: DEFAULT_ANSWER_LIMITS,
      ...opts,
      filer: opts.filer ?? null,
      publicDir: opts.publicDir ?? null,
    };
    this.domain = opts.address.split('@')[1] ?? 'madoguchi.invalid';
  }

  // ---- intake ---------------------------------------------------------------------------

  /** Stores the raw message (idempotent), then enqueues its reading. Returns the row id. */
  async accept(raw: Buffer, source: string, sourceRef: string | null): Promise<number> {
    const { id, created } = await storeMessage(this.o.db, { raw, source, sourceRef });
    if (created) await appendTimeline(this.o.db, { caseId: null, actor: 'desk', event: 'message-received', data: { message: id, source, size: raw.length } });
    await this.o.queue.add('open', { messageId: id }, `open-${id}`);
    return id;
  }

  // ---- jobs -----------------------------------------------------------------------------

  async handle(name: JobName, data: JobData): Promise<void> {
    try {
      await this.run(name, data);
    } catch (e) {
      // A value the database or a template refuses fails the same way on every attempt: it
      // is final at once, with its code (issue 9 §6; onFinalFailure carries it out).
      const refusal = e instanceof PermanentError ? null : refusalOf(e);
      if (refusal) throw new PermanentError(refusalReason(refusal, e));
      throw e;
    }
  }

  private async run(name: JobName, data: JobData): Promise<void> {
    switch (name) {
      case 'open':
        return this.open(need(data.messageId));
      case 'triage':
        return this.triage(need(data.messageId));
      case 'notify':
        return this.notify(needS(data.noticeId));
      case 'file':
        return this.fileMessage(need(data.messageId));
      case 'tick':
        return void (await this.tickAll());
    }
  }

  /**
   * After the queue gave up on a job: nothing is left failed in silence (issue 9 §6). The
   * message is failed with its reason code and filed (IMAP: Failed), a notice is marked
   * failed, and the coordinators get a `job-failed` alert; a sender whose value the
   * database or a template refused gets the content-free `invalid` answer.
   */
  async onFinalFailure(name: JobName, data: JobData, reason: string): Promise<void> {
    const db = this.o.db;
    const code = failureCodeOf(reason);
    let caseId: string | null = null;
    let alert = true;
    if (name === 'notify' && data.noticeId) {
      await markNoticeFailed(db, data.noticeId, reason).catch(() => undefined);
      const n = await getNotice(db, data.noticeId);
      caseId = n?.caseId ?? null;
      await appendTimeline(db, { caseId, actor: 'desk', event: 'notice-failed', data: { notice: data.noticeId, code, reason } });
      if (n?.messageRef) await this.maybeFinish(n.messageRef);
      // An alert that cannot be sent is not answered by another alert (no loop).
      alert = n?.kind !== 'coord-alert';
    } else if (name === 'file' && data.messageId) {
      // The work is done; only the move failed (IMAP down). The message keeps its state and
      // stays unfiled: the coordinator sees the job in the failed set and can retry it.
      await appendTimeline(db, { caseId: null, actor: 'desk', event: 'file-failed', data: { message: data.messageId, code, reason } });
    } else if (data.messageId) {
      const m = await getMessage(db, data.messageId);
      await setMessageState(db, data.messageId, 'failed', { error: reason.startsWith(code) ? reason : `${code}: ${reason}` });
      await appendTimeline(db, { caseId: null, actor: 'desk', event: 'message-failed', data: { message: data.messageId, job: name, code, reason } });
      if (m && (code === 'database-refused' || code === 'template-refused')) await this.answerRefused(data.messageId, m.raw, m.verdict as OpenedVerdict | null).catch(() => undefined);
      await this.o.queue.add('file', { messageId: data.messageId }, `file-${data.messageId}`);
    } else {
      await appendTimeline(db, { caseId: null, actor: 'desk', event: 'job-failed', data: { job: name, code, reason } });
    }
    if (!alert || this.o.coordinators.length === 0) return;
    const notices = await jobFailedAlert({ coordinators: this.o.coordinators, signer: this.o.signer, address: this.o.address, domain: this.domain, now: this.o.clock(), caseId }, name, data, code);
    const ids = await storeComposed(db, notices, caseId, null);
    for (const id of ids) await this.o.queue.add('notify', { noticeId: id }, `notify-${jobKey(id)}`);
  }

  /** The content-free `invalid` answer to a sender whose value the store or a template refused. */
  private async answerRefused(messageId: number, raw: Buffer, stored: OpenedVerdict | null): Promise<void> {
    // Refused while opening, the verdict was never stored: read the envelope again (who
    // sent it, whether a machine did: RFC 3834, no answer to automated mail).
    const v = stored?.desk
      ? { from: stored.from, rejected: stored.rejected, automated: stored.desk.automated, text: stored.desk.text, messageId: stored.messageId }
      : await inspectMessage(raw, { ring: this.o.ring, limits: this.o.limits, now: this.o.clock(), casePrefix: this.o.casePrefix }).then((r) => ({ from: r.verdict.from, rejected: r.verdict.rejected, automated: r.automated, text: r.text, messageId: r.verdict.messageId }));
    if (!v.from || v.rejected || v.automated) return;
    const to = v.from;
    const nid = `<invalid.m${messageId}@${this.domain}>`;
    const now = this.o.clock();
    const notice = await composeInvalidAnswer({ from: this.o.address, to, lang: languageOf(v.text), problems: [], keys: [], caseTag: null, messageId: nid, inReplyTo: v.messageId, now, signer: this.o.signer });
    // Under the same per-address limits as every automatic answer (issue 9 §8).
    const ids = await this.o.db.tx(async (tx) => ((await this.mayAnswer(tx, to, now, messageId)) ? storeComposed(tx, [notice], null, messageId) : []));
    for (const id of ids) await this.o.queue.add('notify', { noticeId: id }, `notify-${jobKey(id)}`);
  }

  private async open(id: number): Promise<void> {
    const m = await getMessage(this.o.db, id);
    if (!m) throw new PermanentError(`message ${id} is not stored`);
    if (m.state !== 'stored') {
      if (m.state === 'opened') await this.o.queue.add('triage', { messageId: id }, `triage-${id}`);
      return;
    }
    const now = this.o.clock();
    // Signatures are verified with the tolerated clock skew (trust.maxFutureMinutes): a
    // sender whose clock runs a little fast is not "invalid"; the gate judges the age.
    const opts = { limits: this.o.limits, now: new Date(now.getTime() + this.o.trust.maxFutureMinutes * 60_000), casePrefix: this.o.casePrefix };
    // Keys the desk learned before, for this sender.
    let ring = this.o.ring;
    const from = (await inspectHead(m.raw)) ?? null;
    const known = from ? await findKeysByEmail(this.o.db, from) : [];
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
      const vendor = await vendorBySigningKey(this.o.db, inb.verdict.signature.fingerprint, keyFingerprints);
      if (vendor) {
        // Never beside keys the mail carried: an older, unrevoked copy of the vendor's key
        // travelling with the mail must not be what verifies it (issue 9 §1).
        ring = await extendKeyring(ownRing, vendor.keys.map((k) => ({ name: `vendor-${vendor.id}`, text: k.armored })));
        inb = await inspectMessage(m.raw, { ring, ...opts });
      }
    }
    const v = inb.verdict;
    // Which key this message teaches the desk, for which address (issue 9 §4): src/desk/mail-keys.ts.
    const keys = await learnMailKeys({ db: this.o.db, deskRing: this.o.ring, coordinators: this.o.coordinators, signer: this.o.signer, address: this.o.address, domain: this.domain, now }, { messageId: id, verdict: v, ring, carried, text: inb.text, automated: inb.automated });
    const signerFpr = v.signature.status === 'valid' && v.signature.matchesFrom && !keys.signerDistrusted ? v.signature.fingerprint : null;
    // issue 9 §6: what the store cannot hold (NUL) is replaced before storing and said as a
    // bad value of the field it was in; stray undecodable bytes are a flag on the verdict.
    const asForm = v.report ?? (v.kind === 'unknown' && !v.rejected && v.encryption !== 'none' ? parseReportForm(inb.text) : undefined);
    const { value: opened, nul } = storable<OpenedVerdict>({
      ...v,
      desk: { text: inb.text, automated: inb.automated, signerFpr, signedAt: inb.signedAt ? inb.signedAt.toISOString() : null, authority: inb.authority, signedSubject: inb.signedSubject, references: inb.references, ...(inb.invalidBytes ? { flags: ['invalid-bytes'] } : {}) },
    });
    // A NUL outside any field (a header, a greeting) is only replaced: it is no value.
    const found = nul ? dedupe([...nulProblems(asForm), ...nulProblems(v.vendorReply)]) : [];
    if (found.length > 0) opened.desk.problems = found;
    await setMessageState(this.o.db, id, 'opened', { verdict: opened });
    await this.o.queue.add('triage', { messageId: id }, `triage-${id}`);
  }

  /**
   * May the desk answer `to` now? Claims one answer under the per-address limits (answers.ts);
   * over them, the coordinators are alerted once and no answer goes.
   */
  private async mayAnswer(tx: Db, to: string, now: Date, messageRef: number): Promise<boolean> {
    const claim = await claimAnswer(tx, to, now, this.o.answerLimits);
    if (claim.ok) return true;
    if (claim.alert) {
      const ctx = { coordinators: this.o.coordinators, signer: this.o.signer, address: this.o.address, domain: this.domain, lang: 'ja' as const, now, eventKey: `m${messageRef}`, caseId: null };
      const limit = claim.window === 'hour' ? `${this.o.answerLimits.perHour} per hour` : `${this.o.answerLimits.perDay} per day`;
      await storeComposed(tx, await composeCoordinatorAlert(ctx, 'answers-rate-limited', `automatic answers to ${to} reached the limit of ${limit}; no further answers until it passes`), null, messageRef);
    }
    return false;
  }

  private async senderKey(email: string): Promise<{ status: KeyStatus; armored: string | null }> {
    const now = this.o.clock();
    let worst: KeyStatus = 'none';
    for (const k of await findKeysByEmail(this.o.db, email)) {
      const c = await checkRecipientKey(k.armored, now);
      if (c.ok) return { status: 'ok', armored: k.armored };
      if (c.why === 'revoked') worst = 'revoked';
      else if (c.why === 'expired' && worst !== 'revoked') worst = 'expired';
    }
    return { status: worst, armored: null };
  }

  private async triage(id: number): Promise<void> {
    const db = this.o.db;
    const m = await getMessage(db, id);
    if (!m) throw new PermanentError(`message ${id} is not stored`);
    if (m.state !== 'opened') {
      if (m.state === 'triaged') await this.enqueueNotices(id);
      return;
    }
    const v = m.verdict as OpenedVerdict;
    // A vendor reply signed but not encrypted is still read for its status (issue 9 §8);
    // only signed content can give it authority (the gate in vendorReply).
    const anySignature = v.desk.authority !== undefined && (v.desk.authority.ok || v.desk.authority.code !== 'unsigned');
    if (v.kind === 'vendor-reply' && !v.rejected && (v.encryption !== 'none' || v.signature.status !== 'none' || anySignature)) return this.vendorReply(id, v);
    if (!v.rejected && looksLikeCommandMail(v.desk.text)) return this.commandMail(id, v);
    if (!v.rejected && v.kind === 'unknown' && v.signature.status === 'valid' && (v.encryption !== 'none' || (await this.signedByVendor(v))) && (await this.correspondence(id, v))) return;
    const from = v.from;
    const key = from ? await this.senderKey(from) : { status: 'none' as const, armored: null };
    // A resend completing a draft may carry only the missing fields, too few labels for
    // the classifier to call it a report: the form is read from the sender's text anyway.
    const asReport = v.kind === 'unknown' && !v.rejected && v.encryption !== 'none' ? { ...v, report: parseReportForm(v.desk.text) } : v;
    // Only a reply to the draft's notice, of the same kind, continues a draft (drafts.ts).
    const draft = from && !v.rejected && v.encryption !== 'none' ? await findContinuedDraft(db, m.raw, { email: from, fpr: v.desk.signerFpr }, v.desk.text, asReport.report?.kind) : null;
    const decisions = screen({ verdict: asReport, text: v.desk.text, automated: v.desk.automated, senderKey: key.status, draft: (draft?.report as ReportForm | undefined) ?? null, problems: v.desk.problems ?? [] });
    const now = this.o.clock();

    const done = await db.tx(async (tx) => {
      // The conditional update is the lock: a second run of this job finds no row.
      const claimed = await tx.query<{ id: number }>(`UPDATE messages SET state = 'triaged', updated_at = now() WHERE id = $1 AND state = 'opened' RETURNING id`, [id]);
      if (claimed.length === 0) return false;
      const log: NewTimelineEntry[] = [];
      let caseId: string | null = null;
      let report: ReportForm | null = null;
      let kept: Draft | null = null;
      // Issue 9 §8: the answer to an unencrypted message says its contents were not processed;
      // so nothing parsed from it stays in the store (the original bytes are kept, as always).
      if (v.encryption === 'none') await setMessageState(tx, id, 'triaged', { verdict: unreadVerdict(v) });
      for (const d of decisions) {
        switch (d.type) {
          case 'open-case': {
            caseId = await nextCaseId(tx, this.o.casePrefix, jstYear(now));
            report = d.report;
            await createCase(tx, { id: caseId, kind: d.report.kind ?? 'unknown', state: d.states[d.states.length - 1]!, lang: d.lang, report: d.report, reporterEmail: from, reporterFpr: v.desk.signerFpr, openedFrom: id });
            await addParty(tx, { caseId, role: 'reporter', email: from, name: d.report.reporter?.name ?? null, keyFpr: v.desk.signerFpr, data: { consent: d.report.consent ?? {} } });
            for (const s of d.states) log.push({ caseId, actor: 'desk', event: `state:${s}`, data: { message: id } });
            if (d.report.kind === 'product') {
              // The product track's own state (guideline §3), stepped by src/rules/product.ts.
              const c = d.report.consent ?? {};
              await saveSnapshot(
                tx,
                newProductCase({
                  id: caseId,
                  reporter: {
                    name: d.report.reporter?.name ?? '',
                    consent: { shareIdentity: c.shareIdentity === true, directContact: c.directContact === true, credit: c.credit === true, creditName: c.creditName ?? null },
                  },
                }),
              );
            }
            break;
          }
          case 'save-draft':
            report = d.report;
            kept = await keepDraft(tx, draft, { reporterEmail: from!, reporterFpr: v.desk.signerFpr, report: d.report, messageId: id });
            break;
          case 'close-draft':
            if (draft) await closeDraft(tx, draft.id, { caseId });
            break;
          case 'record':
            log.push({ caseId, actor: 'desk', event: d.event, data: { message: id, detail: d.detail } });
            break;
          case 'invalid':
            await recordBadValue(tx, id, d.problems);
            break;
          case 'notice': {
            if (!(await this.mayAnswer(tx, d.to, now, id))) {
              log.push({ caseId, actor: 'desk', event: 'answer-withheld', data: { message: id, kind: d.template, reason: 'rate-limited' } });
              break;
            }
            const noticeId = `<${d.template}.${caseId ?? `m${id}`}@${this.domain}>`;
            const raw = await this.compose(d, noticeId, caseId, report, v, key.armored, now, kept?.tag);
            await insertNotice(tx, { id: noticeId, caseId, messageRef: id, kind: d.template, lang: d.lang, recipient: d.to, raw });
            if (kept) await noteDraftNotice(tx, kept, noticeId);
            log.push({ caseId, actor: 'desk', event: 'notice-queued', data: { notice: noticeId, kind: d.template, to: d.to, encrypted: d.encrypted } });
            break;
          }
        }
      }
      await appendTimelineMany(tx, log);
      if (caseId && report && decisions.some((d) => d.type === 'open-case')) await this.newCase(tx, caseId, report, now, id);
      return true;
    });
    if (done) await this.enqueueNotices(id);
  }

  /**
   * A new case (issue 4): the coordinators get its summary with vendor candidates from the
   * registry and duplicate candidates among past cases, ranked, with the commands to act
   * (guideline §3.4: the desk identifies the vendor; the coordinator decides). With
   * `autoNotifySingleMatch`, a product matching exactly one registered vendor's product
   * notifies that vendor at once (the rules' `vendors-matched`).
   */
  private async newCase(tx: Db, caseId: string, report: ReportForm, now: Date, messageRef: number): Promise<void> {
    const kind = report.kind === 'website' ? 'website' : report.kind === 'product' ? 'product' : null;
    const notifying = kind !== null && this.o.coordinators.length > 0;
    const autoNotify = kind === 'product' && this.o.settings.autoNotifySingleMatch;
    if (!notifying && !autoNotify) return;
    const vendors = kind === 'product' ? await listVendors(tx) : [];
    const candidates = kind === 'product' ? vendorCandidates(vendors, report, { limit: 5 }) : [];
    // Only what duplicateCandidates reads, of the most recent cases (the notice is a hint).
    const pastRows = notifying
      ? await tx.query<{ id: string; product: ReportForm['product'] | null; vulnerability: ReportForm['vulnerability'] | null; vendors: { id: string }[] | null }>(
          `SELECT id, report->'product' AS product, report->'vulnerability' AS vulnerability, coordination->'vendors' AS vendors
             FROM cases WHERE id <> $1 ORDER BY created_at DESC LIMIT 2000`,
          [caseId],
        )
      : [];
    const past = pastRows.map((r) => ({ id: r.id, report: { ...(r.product ? { product: r.product } : {}), ...(r.vulnerability ? { vulnerability: r.vulnerability } : {}) }, vendors: (r.vendors ?? []).map((v) => v.id) }));
    const duplicates = duplicateCandidates(past, report, { vendors: candidates.slice(0, 1).map((c) => c.vendor.id), limit: 5 });
    const summary = report.vulnerability?.summary?.trim() ?? '';
    const productName = report.product?.name?.trim() ?? '';
    const siteUrl = report.website?.url?.trim() ?? '';
    if (notifying && kind && summary !== '' && (kind === 'product' ? productName !== '' : siteUrl !== '')) {
      const line = (x: string | undefined): string | undefined => (x && x.trim() !== '' ? x.replace(/\s+/g, ' ').trim().slice(0, 300) : undefined);
      const version = line(report.product?.version);
      const reportedVendor = line(report.product?.vendor);
      const vulnerabilityType = line(report.vulnerability?.type);
      const rendered = renderNotice('coord-new-case', 'ja', {
        caseId,
        receivedAt: now,
        kind,
        ...(kind === 'product' ? { productName: line(productName)! } : { siteUrl: siteUrl.slice(0, 2000) }),
        ...(kind === 'product' && version ? { productVersion: version } : {}),
        ...(kind === 'product' && reportedVendor ? { reportedVendor } : {}),
        ...(vulnerabilityType ? { vulnerabilityType } : {}),
        summary,
        vendorCandidates: candidates.map((c) => ({ id: c.vendor.id, name: c.vendor.name, score: c.score, why: c.why })),
        duplicateCandidates: duplicates.map((d) => ({ caseId: d.caseId, score: d.score, why: d.why })),
      });
      const notices = await composeForCoordinators(
        { coordinators: this.o.coordinators, signer: this.o.signer, address: this.o.address, domain: this.domain, lang: 'ja', now, eventKey: `m${messageRef}`, caseId },
        'coord-new-case',
        rendered,
      );
      await storeComposed(tx, notices, caseId, messageRef);
    }
    const exact = candidates.filter((c) => c.score >= VENDOR_WEIGHTS.productExact);
    const only = exact.length === 1 ? exact[0] : undefined;
    if (kind === 'product' && this.o.settings.autoNotifySingleMatch && only) {
      const c = await getCase(tx, caseId);
      if (!c) return;
      await applyEvent(
        tx,
        caseId,
        { type: 'vendors-matched', candidates: [{ id: only.vendor.id, name: only.vendor.name, product: productName }] },
        now,
        'desk',
        this.o.settings,
        async (tx2, decisions, after) => void (await this.noticesFor(tx2, c, decisions, after, `m${messageRef}`, messageRef)),
      );
    }
  }

  /** Composes and stores, in `into` (the open transaction), the notices decisions ask for. */
  private async noticesFor(
    into: Db,
    c: { id: string; report: unknown; lang: string; reporterEmail: string | null; createdAt: Date },
    decisions: ProductDecision[],
    after: ProductCase,
    eventKey: string,
    messageRef: number | null,
  ): Promise<string[]> {
    const vendors = new Map((await listVendors(into, { includeRemoved: true })).map((x) => [x.id, x]));
    const reporter = c.reporterEmail ? { email: c.reporterEmail, armoredKeys: (await findKeysByEmail(into, c.reporterEmail)).map((k) => k.armored) } : undefined;
    const { notices } = await composeDecisions(
      {
        coordinators: this.o.coordinators,
        signer: this.o.signer,
        address: this.o.address,
        domain: this.domain,
        lang: c.lang as Lang,
        now: this.o.clock(),
        eventKey,
        caseId: c.id,
        report: c.report as ReportForm,
        snapshot: after,
        vendors,
        settings: this.o.settings,
        receivedAt: c.createdAt,
        ...(reporter ? { reporter } : {}),
      },
      decisions,
    );
    return storeComposed(into, notices, c.id, messageRef);
  }

  /**
   * Time passes (guideline §3.5-9, §8): every case with product-track state is stepped with
   * a `tick` at the desk's clock; reminders, the unreachable list, the one-year notice and
   * publication come from there. A tick repeated at the same time decides nothing new.
   */
  async tickAll(): Promise<number> {
    const now = this.o.clock();
    // A case in a final state (published, stopped, not accepted) has nothing left to time (src/rules/case-view.ts).
    const rows = await this.o.db.query<{ id: string }>(`SELECT id FROM cases WHERE coordination IS NOT NULL AND NOT (state = ANY($1::text[])) ORDER BY id`, [[...FINAL_CASE_STATES]]);
    let sent = 0;
    for (const { id } of rows) {
      const pending: string[] = [];
      await this.o.db.tx(async (tx) => {
        const c = await getCase(tx, id);
        if (!c) return;
        await applyEvent(tx, id, { type: 'tick' }, now, 'desk', this.o.settings, async (tx2, decisions, after) => {
          if (decisions.length > 0) pending.push(...(await this.noticesFor(tx2, c, decisions, after, `t${now.getTime().toString(36)}`, null)));
        });
      });
      for (const n of pending) await this.o.queue.add('notify', { noticeId: n }, `notify-${jobKey(n)}`);
      sent += pending.length;
    }
    await this.publishUnreachableList();
    return sent;
  }

  /**
   * The published list of vendors the desk cannot reach (guideline §3.7; 003 *8), built from
   * every case's product-track state: the vendor's name once listed, its product about three
   * months later, off again when the vendor answers. Nothing else of any case is in it. A
   * vendor registered with publish_name false is left out. Written atomically, ja and en.
   */
  async publishUnreachableList(): Promise<void> {
    if (!this.o.publicDir) return;
    const rows = await this.o.db.query<{ id: string; coordination: unknown; report: unknown; reporter_email: string | null }>('SELECT id, coordination, report, reporter_email FROM cases WHERE coordination IS NOT NULL');
    const hidden = new Set((await listVendors(this.o.db, { includeRemoved: true })).filter((v) => !v.publishName).map((v) => v.id));
    const entries: UnreachableListEntry[] = [];
    for (const r of rows) {
      const snapshot = reviveSnapshot(r.coordination);
      for (const v of snapshot.vendors) {
        if (!v.vendorNamePublishedAt || hidden.has(v.id)) continue;
        // issue 9 §5: a product name carrying the reporter's identity is left out (public text).
        const product = await guardPublicProductName(this.o.db, r.id, v.id, identityPolicy(r.report as ReportForm, snapshot, r.reporter_email), v.productNamePublishedAt ? (v.product ?? undefined) : undefined);
        entries.push({ vendorName: v.name, since: v.vendorNamePublishedAt, ...(product !== undefined ? { productName: product } : {}) });
      }
    }
    await mkdir(this.o.publicDir, { recursive: true });
    for (const lang of ['ja', 'en'] as const) {
      const file = join(this.o.publicDir, `unreachable.${lang}.md`);
      await writeFile(`${file}.tmp`, renderUnreachableList(entries, lang, { casePrefix: this.o.casePrefix }));
      await rename(`${file}.tmp`, file);
    }
  }

  /**
   * Coordinator commands by mail (docs/commands.md): authority comes only from a pinned
   * coordinator key's valid signature on an encrypted message, never from the From header;
   * a replayed or old command changes nothing. A refused mail is reported to the
   * coordinators and never answered; an accepted one gets an encrypted confirmation.
   */
  private async commandMail(id: number, v: OpenedVerdict): Promise<void> {
    const now = this.o.clock();
    // Logged only once the transaction committed (a retried transaction starts over).
    let lines: { msg: 'command applied' | 'command refused'; fields: Fields }[] = [];
    const done = await this.o.db.tx(async (tx) => {
      lines = [];
      const claimed = await tx.query<{ id: number }>(`UPDATE messages SET state = 'triaged', updated_at = now() WHERE id = $1 AND state = 'opened' RETURNING id`, [id]);
      if (claimed.length === 0) return false;
      const store = async (into: Db, notices: ComposedNotice[], caseId: string | null): Promise<void> => void (await storeComposed(into, notices, caseId, id));
      const base = { coordinators: this.o.coordinators, signer: this.o.signer, address: this.o.address, domain: this.domain, lang: 'ja' as Lang, now, eventKey: `m${id}` };
      const coordinators = this.o.coordinators.map((c) => ({ name: c.name, email: c.email, fingerprints: c.fingerprints ?? [] }));
      // X-CONFIRM-KEY / X-REJECT-KEY (issue 9 §4) are about an address, not a case.
      const keyCommands = parseKeyCommandMail(v.desk.text);
      // issue 9 §1-3 first: one pinned coordinator signature over the whole message, new,
      // recent, naming its case in the signed X-CASE. Commands answer to a thread freely, so
      // References play no part here.
      const gate = await this.gate(tx, id, v, now, {
        role: 'coordinator',
        caseless: keyCommands !== null,
        requireEncrypted: true,
        bodyCaseId: parseCommandMail(v.desk.text, { casePrefix: this.o.casePrefix }).caseId,
        references: [],
        isPinned: (fpr) => Promise.resolve(coordinatorFor(coordinators, fpr) !== null),
      });
      if (!gate.ok) {
        lines.push({ msg: 'command refused', fields: { message: id, code: gate.code } });
        await this.refuseSigned(tx, id, v, 'coordinator', gate, now);
        return true;
      }
      const auth = await authorizeCommandMail(v, v.desk.text, coordinators, gate.signedAt, now, new DbReplayStore(tx), {
        maxAgeHours: this.o.trust.commandMaxAgeHours,
        maxFutureMinutes: this.o.trust.maxFutureMinutes,
      });
      if (!auth.ok) {
        lines.push({ msg: 'command refused', fields: { message: id, code: auth.reason } });
        await appendTimeline(tx, { caseId: null, actor: 'desk', event: 'command-mail-refused', data: { message: id, reason: auth.reason, detail: auth.detail } });
        await store(tx, await composeCoordinatorAlert({ ...base, caseId: null }, 'unauthorised-command', `${auth.reason}: a command mail from ${v.from ?? 'no address'} was refused`), null);
        return true;
      }
      if (keyCommands) {
        const armoredKeys = this.o.coordinators.find((x) => x.email === auth.coordinator.email)?.armoredKeys ?? [];
        await applyKeyCommandMail(tx, { ...base, domain: this.domain }, keyCommands, { ...auth.coordinator, armoredKeys }, id, v.messageId);
        return true;
      }
      const parsed = parseCommandMail(v.desk.text, { casePrefix: this.o.casePrefix });
      const c = parsed.caseId ? await getCase(tx, parsed.caseId) : null;
      let outcomes: CommandOutcome[] | undefined;
      if (parsed.errors.length === 0 && parsed.caseId) {
        outcomes = [];
        const vendors = new Map((await listVendors(tx, { includeRemoved: true })).map((x) => [x.id, x]));
        for (const command of parsed.commands) {
          const snapshot = c ? await loadSnapshot(tx, c.id) : null;
          if (!c || !snapshot) {
            outcomes.push({ command, status: 'failed', error: { code: 'unknown-case' } });
            continue;
          }
          if (command.kind === 'release' || command.kind === 'redact') {
            const held = await applyHoldCommand(tx, { signer: this.o.signer, address: this.o.address, now, actor: `coordinator:${auth.coordinator.name}` }, c.id, command, id);
            outcomes.push(held.ok ? { command, status: 'applied' } : { command, status: 'failed', error: held.error });
            continue;
          }
          const event = toProductEvent(command, snapshot, vendors);
          if (isCommandError(event)) {
            outcomes.push({ command, status: 'failed', error: event });
            continue;
          }
          const leak = relayLeak(command, snapshot, c.report as ReportForm, c.reporterEmail);
          if (leak !== null) {
            outcomes.push({ command, status: 'failed', error: commandErrorOf(leak) });
            continue;
          }
          let refusal: RulesError | null = null;
          let taken: ProductDecision[] = [];
          await applyEvent(tx, c.id, event, now, `coordinator:${auth.coordinator.name}`, this.o.settings, async (tx2, decisions, after) => {
            const error = decisions.find((d) => d.type === 'error');
            if (error) {
              refusal = error;
              return;
            }
            taken = decisions;
            await this.noticesFor(tx2, c, decisions, after, `m${id}c${outcomes!.length}`, id);
          });
          outcomes.push(refusal !== null ? { command, status: 'failed', error: commandErrorOf(refusal) } : { command, status: 'applied', ...confirmationDetails(command, snapshot, taken) });
        }
      }
      for (const e of parsed.errors) lines.push({ msg: 'command refused', fields: { message: id, case: c?.id ?? null, code: e.code } });
      for (const o of outcomes ?? []) {
        const f = { message: id, case: c?.id ?? null, command: o.command.kind };
        lines.push(o.status === 'applied' ? { msg: 'command applied', fields: f } : { msg: 'command refused', fields: { ...f, code: o.status === 'failed' ? o.error.code : 'not-applied' } });
      }
      const rendered = renderConfirmation({ parsed, ...(outcomes ? { outcomes } : {}), actor: auth.coordinator.name, via: 'mail', receivedAt: now }, (c?.lang) ?? 'ja');
      const who = this.o.coordinators.find((x) => x.email === auth.coordinator.email);
      const keys: Recipient[] = [];
      for (const a of who?.armoredKeys ?? []) {
        const k = await checkRecipientKey(a, now);
        if (k.ok) keys.push(k.recipient);
      }
      const nid = `<command-confirmation.m${id}@${this.domain}>`;
      const raw = keys.length > 0
        ? await composeEncrypted({ from: this.o.address, to: [auth.coordinator.email], caseTag: c ? c.id : null, subject: rendered.subject, text: rendered.text, messageId: nid, date: now, autoSubmitted: 'auto-replied', ...(v.messageId ? { inReplyTo: v.messageId } : {}) }, this.o.signer, keys)
        : null;
      await store(tx, [{ id: nid, kind: 'command-confirmation', recipients: [auth.coordinator.email], lang: 'ja', raw, ...(raw ? {} : { withheldReason: 'no usable key' }) }], c ? c.id : null);
      return true;
    });
    if (done) {
      for (const l of lines) this.o.logger.info(l.msg, l.fields);
      await this.enqueueNotices(id);
    }
  }

  /**
   * Free text about an existing case (the subject's case tag, or the first case id in the
   * text) from one of its parties, signed: the reporter's follow-up goes to the coordinators
   * and the reporter gets a receipt; a vendor's goes the vendor-reply way (its key and
   * address are checked there). Nothing is passed to the other side except by a
   * coordinator's X-RELAY (guideline §3.10). Returns false when the message is no such
   * correspondence (it is then screened as a report).
   */
  private async correspondence(id: number, v: OpenedVerdict): Promise<boolean> {
    // The case from signed content only (issue 9 §3): the signed Subject or the first case
    // id of the signed text, never the outer Subject. A mail naming none is screened as a report.
    const bodyCaseId = findCaseId(v.desk.text.slice(0, 4000), this.o.casePrefix);
    const caseId = (v.desk.signedSubject ? findCaseId(v.desk.signedSubject, this.o.casePrefix) : null) ?? bodyCaseId;
    const c = caseId ? await getCase(this.o.db, caseId) : null;
    if (!c) {
      // A vendor's pinned key over free text that names no case the desk has (the case only in
      // the outer Subject, say): not a report to screen ("missing fields" would be nonsense to
      // a vendor) but a signed mail the gate refuses (no-case / unknown-case), the vendor told
      // why and the coordinators alerted.
      if (await this.signedByVendor(v)) {
        await this.vendorReply(id, v);
        return true;
      }
      return false;
    }
    const from = v.from?.toLowerCase() ?? null;
    const isReporter = v.desk.signerFpr !== null && from !== null && c.reporterEmail?.toLowerCase() === from && (c.reporterFpr === null || c.reporterFpr === v.desk.signerFpr);
    if (!isReporter) {
      if (!(await this.signedByVendor(v))) return false;
      await this.vendorReply(id, v);
      return true;
    }
    const now = this.o.clock();
    const done = await this.o.db.tx(async (tx) => {
      const claimed = await tx.query<{ id: number }>(`UPDATE messages SET state = 'triaged', updated_at = now() WHERE id = $1 AND state = 'opened' RETURNING id`, [id]);
      if (claimed.length === 0) return false;
      const gate = await this.gate(tx, id, v, now, {
        role: 'reporter',
        requireEncrypted: true,
        bodyCaseId,
        references: v.desk.references ?? [],
        isPinned: (fpr) => Promise.resolve(fpr === v.desk.signerFpr),
        check: (named) => Promise.resolve(named.toUpperCase() === c.id.toUpperCase() ? null : { code: 'case-conflict' as const, detail: 'the signed content names another case' }),
      });
      if (!gate.ok) {
        await this.refuseSigned(tx, id, v, 'reporter', gate, now);
        return true;
      }
      await appendTimeline(tx, { caseId: c.id, actor: 'reporter', event: 'reporter-message', data: { message: id, chars: v.desk.text.length } });
      await this.forwardToCoordinators(tx, c.id, { party: 'reporter' }, v.desk.text, now, id);
      // RFC 3834: no receipt to automated mail, and not past the per-address limit.
      if (v.desk.automated || !(await this.mayAnswer(tx, c.reporterEmail!, now, id))) return true;
      const receipt = renderNotice('reporter-received', c.lang === 'en' ? 'en' : 'ja', { caseId: c.id });
      const keys: Recipient[] = [];
      for (const k of await findKeysByEmail(tx, c.reporterEmail!)) {
        const r = await checkRecipientKey(k.armored, now);
        if (r.ok) keys.push(r.recipient);
      }
      const nid = `<reporter-received.${c.id}.m${id}@${this.domain}>`;
      const raw = keys.length > 0
        ? await composeEncrypted({ from: this.o.address, to: [c.reporterEmail!], caseTag: c.id, subject: receipt.subject, text: receipt.text, messageId: nid, date: now, autoSubmitted: 'auto-replied', ...(v.messageId ? { inReplyTo: v.messageId } : {}) }, this.o.signer, keys)
        : null;
      await storeComposed(tx, [{ id: nid, kind: 'reporter-received', recipients: [c.reporterEmail!], lang: c.lang === 'en' ? 'en' : 'ja', raw, ...(raw ? {} : { withheldReason: 'no usable key for the reporter' }) }], c.id, id);
      return true;
    });
    if (done) await this.enqueueNotices(id);
    return true;
  }

  /** What a party wrote about a case, to every coordinator, encrypted (guideline §3.10: the desk relays). */
  private async forwardToCoordinators(
    tx: Db,
    caseId: string,
    who: { party: 'reporter' } | { party: 'vendor'; vendorId: string; vendorName: string },
    text: string,
    now: Date,
    messageRef: number,
  ): Promise<void> {
    // Control characters become visible escapes here rather than a template refusal: the
    // coordinators read what was written (issue 9 §6).
    const message = text.trim() === '' ? '(no text)' : neutralise(text.slice(0, 100_000));
    const rendered = renderNotice('correspondence', 'ja', { caseId, ...who, receivedAt: now, message });
    const notices = await composeForCoordinators(
      { coordinators: this.o.coordinators, signer: this.o.signer, address: this.o.address, domain: this.domain, lang: 'ja', now, eventKey: `m${messageRef}`, caseId },
      'correspondence',
      rendered,
    );
    await storeComposed(tx, notices, caseId, messageRef);
  }

  /**
   * A vendor's reply (mail-protocol §4) counts only when signed by a key pinned for a
   * vendor AND sent from that vendor's registered contact, whatever else the message
   * claims; otherwise nothing changes and the coordinators are alerted (issue 4).
   */
  private async vendorReply(id: number, v: OpenedVerdict): Promise<void> {
    const now = this.o.clock();
    const lang: Lang = 'ja';
    const done = await this.o.db.tx(async (tx) => {
      const claimed = await tx.query<{ id: number }>(`UPDATE messages SET state = 'triaged', updated_at = now() WHERE id = $1 AND state = 'opened' RETURNING id`, [id]);
      if (claimed.length === 0) return false;
      // issue 9 §1-3: one pinned vendor key's signature over the whole message, sent from
      // that vendor's contact, new, recent, about the case its signed text names.
      const found: { vendor?: Vendor; c?: NonNullable<Awaited<ReturnType<typeof getCase>>> } = {};
      const signedForm = v.kind === 'vendor-reply' ? parseVendorReplyForm(v.desk.text, { casePrefix: this.o.casePrefix }) : {};
      const gate = await this.gate(tx, id, v, now, {
        role: 'vendor',
        requireEncrypted: false,
        bodyCaseId: signedForm.caseId ?? findCaseId(v.desk.text.slice(0, 4000), this.o.casePrefix),
        references: v.desk.references ?? [],
        isPinned: async (fpr) => {
          const vendor = await vendorBySigningKey(tx, fpr, keyFingerprints);
          if (vendor) found.vendor = vendor;
          return vendor !== null;
        },
        check: async (caseId) => {
          const vendor = found.vendor;
          if (!vendor || !v.from || ![...vendor.contacts.to, ...vendor.contacts.cc].includes(v.from)) {
            return { code: 'sender-not-contact' as const, detail: `signed by ${vendor?.id ?? 'a vendor'}'s key but not sent from its registered contact` };
          }
          const c = await getCase(tx, caseId);
          if (!c) return { code: 'unknown-case' as const, detail: 'the signed content names no existing case' };
          found.c = c;
          return null;
        },
      });
      const { vendor, c } = found;
      const store = async (into: Db, notices: ComposedNotice[]): Promise<void> => void (await storeComposed(into, notices, c ? c.id : null, id));
      const base = { coordinators: this.o.coordinators, signer: this.o.signer, address: this.o.address, domain: this.domain, lang: (c?.lang) ?? lang, now, eventKey: `m${id}` };
      // A genuine vendor's reply (its pinned key over the whole message, from its contact)
      // with a bad value (issue 9 §6): a case the desk does not have, a control character, an
      // over-long field. Refused with its code, the vendor told which field and why
      // (encrypted to its pinned keys), the coordinators alerted.
      const unknownCase = !gate.ok && gate.code === 'unknown-case';
      const problems: FieldProblem[] =
        vendor && (gate.ok || unknownCase)
          ? dedupe([...(unknownCase ? [{ field: 'caseId', code: 'unknown-case' as const }] : []), ...(v.desk.problems ?? []), ...checkVendorReply(foldVendorReply(v.vendorReply ?? {}))])
          : [];
      if (vendor && problems.length > 0) {
        const verdict = await recordBadValue(tx, id, problems);
        await appendTimeline(tx, { caseId: c ? c.id : null, actor: 'desk', event: 'reply-refused', data: { message: id, reason: problems[0]?.code ?? 'bad-value', detail: verdict } });
        await store(tx, await composeCoordinatorAlert({ ...base, caseId: c ? c.id : null }, 'bad-value', `${verdict} (reply from ${vendor.id})`));
        const keys = await usableRecipients(vendor.keys.map((k) => k.armored), now);
        const answer = await composeInvalidAnswer({ from: this.o.address, to: v.from!, lang: languageOf(v.desk.text), problems, keys, caseTag: c ? c.id : null, messageId: `<invalid.m${id}@${this.domain}>`, inReplyTo: v.messageId, now, signer: this.o.signer });
        await store(tx, [answer]);
        return true;
      }
      if (!gate.ok || !vendor || !c) {
        const refused: Extract<GateResult, { ok: false }> = gate.ok ? { ok: false, code: 'unknown-case', detail: 'no case', fingerprint: gate.fingerprint } : gate;
        await this.refuseSigned(tx, id, v, 'vendor', refused, now);
        // The vendor's pinned key signed the whole message: its registered contacts (never
        // the From address) are told, content-free, that nothing was applied and why.
        const reason = NOT_APPLIED_REASONS.find((r) => r === refused.code);
        // Limited like every automatic answer (issue 9 §8): a vendor's public signed statement
        // re-sent a thousand times must not become a thousand mails to the vendor.
        const contact = vendor?.contacts.to[0];
        if (vendor && reason && contact && !v.desk.automated && (await this.mayAnswer(tx, contact, now, id))) {
          await storeComposed(tx, [await composeNotApplied({ signer: this.o.signer, address: this.o.address, domain: this.domain, now, messageRef: id }, vendor, reason)], null, id);
        }
        return true;
      }
      // `into`: the transaction handle in use (PGlite has one session: an outer handle used
      // inside a nested transaction would wait forever).
      const reply = { ...foldVendorReply(v.vendorReply ?? {}), caseId: c.id };
      const otherVendorsAffected = reply.otherVendors;
      const r = await applyEvent(tx, c.id, { type: 'vendor-reply', vendorId: vendor.id, reply, ...(otherVendorsAffected ? { otherVendorsAffected } : {}) }, now, `vendor:${vendor.id}`, this.o.settings, async (tx2, decisions, after) => {
        await this.noticesFor(tx2, c, decisions, after, `m${id}`, id);
        // What the vendor wrote beyond the form's fields reaches the coordinators (only them):
        // a free-text message, or the form's comment.
        if (v.kind !== 'vendor-reply' || reply.comment) {
          await this.forwardToCoordinators(tx2, c.id, { party: 'vendor', vendorId: vendor.id, vendorName: vendor.name }, v.desk.text, now, id);
        }
        // issue 9 §8: the vendor is told what was recorded (not when the reply was out of scope).
        if (!decisions.some((d) => d.type === 'notify-coordinators' && d.template === 'reply-out-of-scope')) {
          const recorded = Object.assign({}, ...decisions.map((d) => (d.type === 'update-vendor' && d.vendorId === vendor.id ? d.patch : {}))) as Partial<Extract<ProductDecision, { type: 'update-vendor' }>['patch']>;
          const notice = await composeReplyRecorded(
            { signer: this.o.signer, address: this.o.address, domain: this.domain, now, lang: c.lang === 'en' ? 'en' : lang, caseId: c.id, messageRef: id, inReplyTo: v.messageId },
            vendor,
            {
              ...(recorded.status ? { status: recorded.status } : {}),
              ...(recorded.fixedVersions ? { fixedVersions: recorded.fixedVersions } : {}),
              ...(recorded.proposedPublication ? { proposedPublication: recorded.proposedPublication } : {}),
              ...(recorded.advisoryUrl ? { advisoryUrl: recorded.advisoryUrl } : {}),
            },
            v.encryption !== 'pgp-mime' && v.encryption !== 'inline',
          );
          await storeComposed(tx2, [notice], c.id, id);
        }
      });
      if (!r) await appendTimeline(tx, { caseId: c.id, actor: 'desk', event: 'reply-refused', data: { message: id, detail: 'the case has no product-track state' } });
      return true;
    });
    if (done) {
      await this.enqueueNotices(id);
      await this.publishUnreachableList(); // an answer takes the vendor off the list
    }
  }

  /** Whether a pinned vendor key made the message's signature (routing only; the gate decides). */
  private async signedByVendor(v: OpenedVerdict): Promise<boolean> {
    const fpr = v.signature.status === 'valid' ? v.signature.fingerprint : null;
    return fpr !== null && (await vendorBySigningKey(this.o.db, fpr, keyFingerprints)) !== null;
  }

  /** issue 9 §1-3: the one gate a signed mail passes before it changes a case (src/desk/signed-gate.ts). */
  private gate(tx: Db, id: number, v: OpenedVerdict, now: Date, g: Pick<GateInput, 'role' | 'requireEncrypted' | 'bodyCaseId' | 'references' | 'isPinned' | 'check' | 'caseless'>): Promise<GateResult> {
    const t = this.o.trust;
    return gateSignedMail(tx, {
      // A verdict stored before the desk knew authority has none (fail closed).
      authority: v.desk.authority ?? { ok: false, code: 'unsigned', fingerprint: null, status: 'none', signatureId: null, signedAt: null },
      encrypted: v.encryption === 'pgp-mime' || v.encryption === 'inline',
      signedSubject: v.desk.signedSubject ?? null,
      casePrefix: this.o.casePrefix,
      deskDomain: this.domain,
      now,
      maxAgeHours: g.role === 'coordinator' ? t.commandMaxAgeHours : t.replyMaxAgeHours,
      maxFutureMinutes: t.maxFutureMinutes,
      messageRef: id,
      ...g,
    });
  }

  /** A signed mail given no authority: kept, on the timeline with its code, and the coordinators alerted (never naming a case). */
  private async refuseSigned(tx: Db, id: number, v: OpenedVerdict, role: SignedRole, r: Extract<GateResult, { ok: false }>, now: Date): Promise<void> {
    const event = role === 'coordinator' ? 'command-mail-refused' : role === 'vendor' ? 'reply-refused' : 'reporter-message-refused';
    await appendTimeline(tx, { caseId: null, actor: 'desk', event, data: { message: id, reason: r.code, detail: r.detail } });
    const base = { coordinators: this.o.coordinators, signer: this.o.signer, address: this.o.address, domain: this.domain, lang: 'ja' as Lang, now, eventKey: `m${id}`, caseId: null };
    const alert = await composeCoordinatorAlert(base, 'signed-mail-refused', `${r.code}: a signed ${role} mail from ${v.from ?? 'no address'} was given no authority (${r.detail})`);
    await storeComposed(tx, alert, null, id);
  }

  private async compose(
    d: Extract<Decision, { type: 'notice' }>,
    messageId: string,
    caseId: string | null,
    report: ReportForm | null,
    v: InspectResult,
    recipientKey: string | null,
    now: Date,
    draftTag?: string,
  ): Promise<Buffer> {
    const lang: Lang = d.lang;
    const base = {
      from: this.o.address,
      to: [d.to],
      caseTag: caseId,
      messageId,
      date: now,
      autoSubmitted: 'auto-replied' as const,
      ...(caseId === null && draftTag ? { draftTag } : {}),
      ...(v.messageId ? { inReplyTo: v.messageId, references: v.messageId } : {}),
    };
    if (d.encrypted) {
      // Fail closed: details only to a key that is usable now.
      const check = recipientKey ? await checkRecipientKey(recipientKey, now) : null;
      if (!check?.ok) throw new PermanentError(`no usable key for ${d.to}: details not sent`);
      const rendered = this.render(d.template, lang, caseId, report, now, d, base.draftTag);
      return composeEncrypted({ ...base, subject: rendered.subject, text: rendered.text }, this.o.signer, [check.recipient]);
    }
    const rendered = this.render(d.template, lang, caseId, report, now, d);
    return composeSignedClear({ ...base, subject: rendered.subject, text: rendered.text, attachDeskKey: d.template === 'unencrypted' || d.template === 'nokey' }, this.o.signer);
  }

  private render(t: NoticeName, lang: Lang, caseId: string | null, report: ReportForm | null, now: Date, d?: Extract<Decision, { type: 'notice' }>, draftTag?: string) {
    switch (t) {
      case 'ack': {
        const kind = report?.kind === 'website' ? 'website' : 'product';
        return renderNotice('ack', lang, {
          caseId: caseId!,
          receivedAt: now,
          kind,
          ...(kind === 'product' && report?.product?.name ? { productName: report.product.name } : {}),
          ...(kind === 'website' && report?.website?.url ? { siteUrl: report.website.url } : {}),
        });
      }
      case 'missing':
        return renderNotice('missing', lang, { missing: (report?.missing ?? []) as NoticeContexts['missing']['missing'], blankForm: blankReportForm(lang), ...(draftTag ? { draftTag } : {}) });
      case 'unencrypted':
        return renderNotice('unencrypted', lang, { deskFingerprint: this.o.signer.fingerprint });
      case 'nokey':
        return renderNotice('nokey', lang, { why: d?.keyWhy === 'expired' || d?.keyWhy === 'revoked' ? d.keyWhy : 'none' });
      case 'rejected':
        return renderNotice('rejected', lang, { reason: d?.reason ?? 'malformed' });
      case 'invalid':
        // Which fields and why only inside encryption; content-free otherwise (issue 9 §6).
        return renderNotice('invalid', lang, d?.encrypted && d.problems && d.problems.length > 0 ? { problems: d.problems } : {});
    }
  }

  private async enqueueNotices(messageId: number): Promise<void> {
    const rows = await this.o.db.query<{ id: string; state: string }>('SELECT id, state FROM notices WHERE message_ref = $1', [messageId]);
    if (rows.length === 0) return this.maybeFinish(messageId);
    for (const r of rows) if (r.state === 'pending') await this.o.queue.add('notify', { noticeId: r.id }, `notify-${jobKey(r.id)}`);
    await this.maybeFinish(messageId);
  }

  private async notify(noticeId: string): Promise<void> {
    const db = this.o.db;
    const n = await getNotice(db, noticeId);
    if (!n) throw new PermanentError(`notice ${noticeId} does not exist`);
    // `failed` is sent again only by an explicit retry (`madoguchi jobs retry`): the
    // reconciler re-enqueues `pending` notices alone.
    if (n.state === 'sent' || n.state === 'withheld') return;
    // The stored bytes are sent as they are: a retry after a crash resends the same
    // message with the same Message-ID, never a second, different notice.
    // `recipient` holds one address, or several separated by commas (a vendor's to + cc).
    const to = n.recipient.split(',').map((a) => a.trim()).filter((a) => a.length > 0);
    const r = await this.o.transport.send(n.raw, { from: this.o.address, to }, n.id);
    if (!r.ok) {
      await db.query('UPDATE notices SET attempts = attempts + 1, error = $2, updated_at = now() WHERE id = $1', [n.id, r.response]);
      if (r.permanent) throw new PermanentError(`notice ${n.id} refused: ${r.response}`);
      throw new Error(`notice ${n.id} not sent yet: ${r.response}`);
    }
    await markNoticeSent(db, n.id);
    await appendTimeline(db, { caseId: n.caseId, actor: 'desk', event: 'notice-sent', data: { notice: n.id, kind: n.kind, to: n.recipient } });
    if (n.messageRef) await this.maybeFinish(n.messageRef);
  }

  /** A triaged message whose notices are all final is done, then filed. */
  private async maybeFinish(messageId: number): Promise<void> {
    // One round trip (each one costs): mark done when nothing is pending, and report the
    // state either way. An IMAP message still has to be moved; other sources are filed here.
    const [row] = await this.o.db.query<{ state: string; source: string; filed: boolean }>(
      `WITH done AS (
         UPDATE messages SET state = 'done', updated_at = now()
          WHERE id = $1 AND state = 'triaged'
            AND NOT EXISTS (SELECT 1 FROM notices WHERE message_ref = $1 AND state = 'pending')
          RETURNING state, source, filed_at)
       SELECT state, source, filed_at IS NOT NULL AS filed FROM done
       UNION ALL
       SELECT state, source, filed_at IS NOT NULL FROM messages WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM done)`,
      [messageId],
    );
    if (!row || row.filed || (row.state !== 'done' && row.state !== 'failed')) return;
    if (row.source.startsWith('imap:') && this.o.filer) await this.o.queue.add('file', { messageId }, `file-${messageId}`);
    else await this.o.db.query('UPDATE messages SET filed_at = now() WHERE id = $1 AND filed_at IS NULL', [messageId]);
  }

  private async fileMessage(id: number): Promise<void> {
    const [m] = await this.o.db.query<{ state: string; source: string; source_ref: string | null; filed_at: Date | null }>(
      'SELECT state, source, source_ref, filed_at FROM messages WHERE id = $1',
      [id],
    );
    if (!m || m.filed_at || (m.state !== 'done' && m.state !== 'failed')) return;
    // Moving an IMAP message twice is harmless (the second UID MOVE finds nothing), so a
    // crash between the move and this mark only repeats the move.
    if (this.o.filer) await this.o.filer.file(m.source, m.source_ref, m.state === 'done' ? 'processed' : 'failed');
    await this.o.db.query('UPDATE messages SET filed_at = now() WHERE id = $1', [id]);
  }

  /** Start-up: re-enqueue what the database says is unfinished (Redis may have lost it). */
  async reconcile(): Promise<number> {
    const db = this.o.db;
    let n = 0;
    for (const m of await listMessagesInState(db, ['stored'], { limit: 100000 })) {
      await this.o.queue.add('open', { messageId: m.id }, `open-${m.id}`);
      n++;
    }
    for (const m of await listMessagesInState(db, ['opened'], { limit: 100000 })) {
      await this.o.queue.add('triage', { messageId: m.id }, `triage-${m.id}`);
      n++;
    }
    for (const x of await listNoticesInState(db, ['pending'], { limit: 100000 })) {
      await this.o.queue.add('notify', { noticeId: x.id }, `notify-${jobKey(x.id)}`);
      n++;
    }
    for (const m of await listMessagesInState(db, ['triaged'], { limit: 100000 })) await this.maybeFinish(m.id);
    for (const m of await db.query<{ id: number }>(`SELECT id FROM messages WHERE filed_at IS NULL AND state IN ('done', 'failed') ORDER BY id LIMIT 100000`)) {
      await this.maybeFinish(Number(m.id));
      n++;
    }
    return n;
  }
}

function need(n: number | undefined): number {
  if (typeof n !== 'number') throw new PermanentError('job without a message id');
  return n;
}
function needS(s: string | undefined): string {
  if (typeof s !== 'string') throw new PermanentError('job without a notice id');
  return s;
}

export { jobKey };

/** Case ids count by the JST year (guideline §8: JST is the desk's time zone). */
export function jstYear(d: Date): number {
  return new Date(d.getTime() + 9 * 3600 * 1000).getUTCFullYear();
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
