// The running desk: intake → open → triage → notify → file, as queue jobs.
//
// This file is the runner and only the runner (issue 10): it reads as the process, one
// step per job, and hands each step down to a use case (src/usecases/), which goes down to
// the rules (src/rules/) and the store (src/store/), never back up here.
//
// The database is the truth; the queue only says what to look at next (pitfalls.md: a
// stalled job can run twice, and Redis without persistence loses queued jobs). So every
// step first checks the stored state and does nothing twice, and `reconcile()` at start
// re-enqueues whatever the database says is unfinished.
import { operatorReply, signedByOperator } from '../usecases/operator-reply.ts';
import type { Publisher } from '../export/model.ts';
import type { WebLookupOptions } from '../web/options.ts';
import type { Keyring, SigningKey } from '../crypto/openpgp.ts';
import { DEFAULT_LIMITS, MiB, type InboundLimits } from '../inbound/pipeline.ts';
import type { Transport } from '../outbound/transport.ts';
import { DEFAULT_SETTINGS, type Settings } from '../rules/product.ts';
import { looksLikeCommandMail } from '../commands/parse.ts';
import type { Db } from '../store/db.ts';
import { listUnfiled } from '../store/messages.ts';
import { appendTimeline, getMessage, listMessagesInState, listNoticesInState, storeMessage } from '../store/repo.ts';
import { jobKey, type JobData, type JobName } from '../jobs/registry.ts';
import { textLog, type Log } from '../log.ts';
import { refusalOf, refusalReason } from './bad-values.ts';
import { DEFAULT_ANSWER_LIMITS, type AnswerLimits } from './answers.ts';
import { DEFAULT_TRUST, type TrustSettings } from './signed-gate.ts';
import { DeferredError, PermanentError, type DeskContext, type Filer, type OpenedVerdict, type Queue } from '../usecases/context.ts';
import { open } from '../usecases/open.ts';
import { signedByVendor } from '../usecases/common.ts';
import { vendorReply } from '../usecases/vendor-reply.ts';
import { commandMail } from '../usecases/command.ts';
import { partnerMail, signedByPartner } from '../usecases/partner-mail.ts';
import { correspondence } from '../usecases/correspondence.ts';
import { reporterQuestion } from '../usecases/reporter-question.ts';
import { reporterKeywords } from '../forms/reporter-keywords.ts';
import { findCaseId } from '../forms/case-id.ts';
import { looksLikeSelfReport } from '../forms/self-report.ts';
import { selfReport } from '../usecases/self-report.ts';
import { screenReport } from '../usecases/report.ts';
import { enqueueNotices, fileMessage, maybeFinish, notify } from '../usecases/outbox.ts';
import { onFinalFailure } from '../usecases/failure.ts';
import { publishUnreachableList, tickAll } from '../usecases/tick.ts';
import { sendDigests } from '../usecases/digest.ts';
import { isJapaneseHoliday } from '../adapters/holiday-jp.ts';
import { businessCalendar, type BusinessCalendar } from '../rules/business-days.ts';
import type { DigestSettings } from './digest.ts';
import type { PriorityContact } from './priority-contacts.ts';

export { DeferredError, PermanentError, jobKey, type Filer, type Queue };
export { jstYear } from '../usecases/report.ts';

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
  /**
   * The coordinators' digest (configuration `digest`; issue 11): sent from the tick, once per
   * coordinator and business day. Absent: no digest (tests that count mail leave it out).
   */
  digest?: DigestSettings;
  /** The business-day calendar; default: weekends and Japanese public holidays (@holiday-jp). */
  calendar?: BusinessCalendar;
  /** Web lookups of a site operator (configuration `web`; issue 11); absent or null: disabled. */
  web?: WebLookupOptions | null;
  /** Who the desk is in the CSAF documents attached for partners (configuration `desk.name`, `exports.*`). */
  publisher?: Publisher;
  /**
   * Timed mail to people waits for a business day of `calendar`, then goes at `time` JST
   * (configuration `timedMail`; issue 11). Absent or null: sent when due (`madoguchi start`
   * passes the configuration, where it is on by default).
   */
  timedMail?: { time: string } | null;
  /** Priority-notice contacts (configuration `priorityNotice.contacts`; guideline §3 item 12). */
  priorityContacts?: readonly PriorityContact[];
}

export function limitsFromMb(maxMessageMb: number, maxDecompressedMb: number): InboundLimits {
  return { ...DEFAULT_LIMITS, maxMessageBytes: Math.floor(maxMessageMb * MiB), crypto: { maxDecompressedBytes: Math.floor(maxDecompressedMb * MiB) } };
}

export class Desk {
  private readonly ctx: DeskContext;

  constructor(opts: DeskOptions) {
    this.ctx = {
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
      digest: opts.digest ?? null,
      calendar: opts.calendar ?? businessCalendar(isJapaneseHoliday),
      web: opts.web ?? null,
      timedMail: opts.timedMail ?? null,
      priorityContacts: opts.priorityContacts ?? [],
      domain: opts.address.split('@')[1] ?? 'madoguchi.invalid',
      // issue 12: who the desk is in a CSAF document sent to a partner (config `exports`).
      publisher: opts.publisher ?? { name: 'madoguchi', namespace: `https://${opts.address.split('@')[1] ?? 'madoguchi.invalid'}`, advisoryUrl: null },
    };
  }

  /** Intake: stores the raw message (idempotent), then enqueues its reading. Returns the row id. */
  async accept(raw: Buffer, source: string, sourceRef: string | null): Promise<number> {
    const { id, created } = await storeMessage(this.ctx.db, { raw, source, sourceRef });
    if (created) await appendTimeline(this.ctx.db, { caseId: null, actor: 'desk', event: 'message-received', data: { message: id, source, size: raw.length } });
    await this.ctx.queue.add('open', { messageId: id }, `open-${id}`);
    return id;
  }

  /** One job: open → triage → notify → file, or the clock's tick. */
  async handle(name: JobName, data: JobData): Promise<void> {
    try {
      switch (name) {
        case 'open':
          return await open(this.ctx, need(data.messageId)); // read and verify (src/usecases/open.ts)
        case 'triage':
          return await this.triage(need(data.messageId)); // which kind of message, then its use case
        case 'notify':
          return await notify(this.ctx, needS(data.noticeId)); // send the stored bytes (src/usecases/outbox.ts)
        case 'file':
          return await fileMessage(this.ctx, need(data.messageId)); // IMAP: Processed / Failed
        case 'tick':
          // Time passes (src/usecases/tick.ts), then the digest if one is due (src/usecases/digest.ts).
          await tickAll(this.ctx);
          return void (await sendDigests(this.ctx));
      }
    } catch (e) {
      // A value the database or a template refuses fails the same way on every attempt: it
      // is final at once, with its code (issue 9 §6; onFinalFailure carries it out).
      const refusal = e instanceof PermanentError || e instanceof DeferredError ? null : refusalOf(e);
      if (refusal) throw new PermanentError(refusalReason(refusal, e));
      throw e;
    }
  }

  /**
   * Triage routes by kind of message, in this order (docs/architecture.md §4). A new kind
   * (website operator replies, reporter questions, partner mail) is one more use case in
   * src/usecases/ and one more line here, before the report screening that catches the rest.
   */
  private async triage(id: number): Promise<void> {
    const m = await getMessage(this.ctx.db, id);
    if (!m) throw new PermanentError(`message ${id} is not stored`);
    if (m.state !== 'opened') {
      if (m.state === 'triaged') await enqueueNotices(this.ctx, id);
      return;
    }
    const v = m.verdict as OpenedVerdict;
    // A vendor reply signed but not encrypted is still read for its status (issue 9 §8);
    // only signed content can give it authority (the gate in vendorReply).
    // A registered partner CSIRT's pinned key (issue 12): its case form or its word on a case.
    if (!v.rejected && v.signature.status === 'valid' && (await signedByPartner(this.ctx, v))) return partnerMail(this.ctx, id, v);
    const anySignature = v.desk.authority !== undefined && (v.desk.authority.ok || v.desk.authority.code !== 'unsigned');
    // A vendor's self-report form (issue 12, guideline §6), signed by anyone: its gate decides
    // (a key not pinned for a registered vendor opens nothing). A mail naming a case is a reply.
    if (!v.rejected && anySignature && looksLikeSelfReport(v.desk.text) && findCaseId(v.desk.text, this.ctx.casePrefix) === null) return selfReport(this.ctx, id, v);
    // A reply form signed by a key pinned for a site operator is the website track's (issue 11).
    if (v.kind === 'vendor-reply' && !v.rejected && v.signature.status === 'valid' && (await signedByOperator(this.ctx, v))) return operatorReply(this.ctx, id, v);
    if (v.kind === 'vendor-reply' && !v.rejected && (v.encryption !== 'none' || v.signature.status !== 'none' || anySignature)) return vendorReply(this.ctx, id, v);
    // A reporter's X-STATUS / X-WITHDRAW-NDA (issue 11), before the command mail it would look like.
    const asked = v.rejected ? null : reporterKeywords(v.desk.text);
    if (asked) return reporterQuestion(this.ctx, id, v, asked);
    if (!v.rejected && looksLikeCommandMail(v.desk.text)) return commandMail(this.ctx, id, v);
    if (!v.rejected && v.kind === 'unknown' && v.signature.status === 'valid' && (v.encryption !== 'none' || (await signedByVendor(this.ctx, v))) && (await correspondence(this.ctx, id, v))) return;
    return screenReport(this.ctx, id, m.raw, v);
  }

  /** After the queue gave up on a job: nothing is left failed in silence (src/usecases/failure.ts). */
  onFinalFailure(name: JobName, data: JobData, reason: string): Promise<void> {
    return onFinalFailure(this.ctx, name, data, reason);
  }

  /** Every case not in a final state gets a `tick` event; the unreachable list is rewritten. Returns the notices queued. */
  tickAll(): Promise<number> {
    return tickAll(this.ctx);
  }

  /** The coordinators' digest, when one is due and not sent yet (claimed once per coordinator and business day). Returns the notices queued. */
  sendDigests(): Promise<number> {
    return sendDigests(this.ctx);
  }

  /** The public list of vendors the desk cannot reach (guideline §3.7). */
  publishUnreachableList(): Promise<void> {
    return publishUnreachableList(this.ctx);
  }

  /** Start-up: re-enqueue what the database says is unfinished (Redis may have lost it). */
  async reconcile(): Promise<number> {
    const { db, queue } = this.ctx;
    let n = 0;
    for (const m of await listMessagesInState(db, ['stored'], { limit: 100000 })) {
      await queue.add('open', { messageId: m.id }, `open-${m.id}`);
      n++;
    }
    for (const m of await listMessagesInState(db, ['opened'], { limit: 100000 })) {
      await queue.add('triage', { messageId: m.id }, `triage-${m.id}`);
      n++;
    }
    for (const x of await listNoticesInState(db, ['pending'], { limit: 100000 })) {
      await queue.add('notify', { noticeId: x.id }, `notify-${jobKey(x.id)}`);
      n++;
    }
    for (const m of await listMessagesInState(db, ['triaged'], { limit: 100000 })) await maybeFinish(this.ctx, m.id);
    for (const id of await listUnfiled(db, 100000)) {
      await maybeFinish(this.ctx, id);
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
