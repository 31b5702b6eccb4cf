// What every use case is given instead of `this` (issue 10): the desk's handles and
// settings, built once by the runner (src/desk/service.ts). A use case reads what it needs
// from here and goes down (rules, store, outbound), never back up to the runner.
import type { WebLookupOptions } from '../web/options.ts';
import type { Publisher } from '../export/model.ts';
import type { PriorityContact } from '../desk/priority-contacts.ts';
import type { Keyring, SigningKey } from '../crypto/openpgp.ts';
import type { InspectResult } from '../domain/inspect.ts';
import type { Authority } from '../inbound/authority.ts';
import type { InboundLimits } from '../inbound/pipeline.ts';
import type { FieldProblem } from '../forms/field-checks.ts';
import type { Transport } from '../outbound/transport.ts';
import type { Settings } from '../rules/product.ts';
import type { Db } from '../store/db.ts';
import type { JobData, JobName } from '../jobs/registry.ts';
import type { Log } from '../log.ts';
import type { AnswerLimits } from '../desk/answers.ts';
import type { TrustSettings } from '../desk/signed-gate.ts';
import type { DigestSettings } from '../desk/digest.ts';
import type { BusinessCalendar } from '../rules/business-days.ts';

export interface Queue {
  add(name: JobName, data: JobData, jobId: string): Promise<void>;
}

export interface Filer {
  /** Files the source message (IMAP: move to Processed / Failed). */
  file(source: string, sourceRef: string | null, outcome: 'processed' | 'failed'): Promise<void>;
}

export interface Coordinator {
  name: string;
  email: string;
  fingerprints?: string[];
  armoredKeys: string[];
  /** The digest's language (config coordinators[].lang; issue 11); absent: ja. */
  lang?: 'ja' | 'en';
}

export interface DeskContext {
  db: Db;
  queue: Queue;
  transport: Transport;
  signer: SigningKey;
  ring: Keyring;
  /** The desk's own address, and its domain (Message-IDs). */
  address: string;
  domain: string;
  casePrefix: string;
  limits: InboundLimits;
  clock: () => Date;
  filer: Filer | null;
  log: (m: string) => void;
  /** Structured lines: ids and codes only, never the text or who. */
  logger: Log;
  publicDir: string | null;
  coordinators: Coordinator[];
  settings: Settings;
  trust: TrustSettings;
  answerLimits: AnswerLimits;
  /** The coordinators' digest (config `digest`); null: none is sent. */
  digest: DigestSettings | null;
  /** Business days (Saturdays, Sundays and Japanese public holidays closed; issue 11). */
  calendar: BusinessCalendar;
  /**
   * Timed mail to people waits for a business day, then goes at `time` JST (config
   * `timedMail`; issue 11); null: sent when due, any day.
   */
  timedMail: { time: string } | null;
  /** Web lookups of a site operator's contact (config `web`; issue 11); null: disabled (the registry is still read). */
  web: WebLookupOptions | null;
  /** Who the desk is in the CSAF documents attached for partners (issue 12; config `exports`). */
  publisher: Publisher;
  /** Priority-notice contacts (config `priorityNotice.contacts`; guideline §3 item 12); none: nothing is sent. */
  priorityContacts: readonly PriorityContact[];
}

/** A failure that fails the same way on every attempt: final at once (no retry). */
export class PermanentError extends Error {}

/**
 * Not a failure: the job cannot do its work yet and runs again after `delayMs`, without
 * using up an attempt (a notice waiting for the notice it comes after, migration 024).
 */
export class DeferredError extends Error {
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
    this.name = 'DeferredError';
  }
}

/** What `open` keeps of the reading, beside the §5 verdict. */
export interface OpenedVerdict extends InspectResult {
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
