// Small data-access functions over a Db (PostgreSQL or PGlite; same SQL). Rows come back in
// camelCase with normalised types (see db.ts). jsonb values are whatever JSON.stringify made
// of the input: a Date inside `report` comes back as an ISO string.
import { createHash } from 'node:crypto';
import type { Db } from './db.ts';

// ---------------------------------------------------------------------------------------
// helpers

/** jsonb parameter: always bind as text and cast `$n::text::jsonb` (see db.ts). */
function jsonParam(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

function normEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** OpenPGP fingerprint as stored: upper-case hex, no spaces. */
export function normFingerprint(fpr: string): string {
  return fpr.replace(/\s+/g, '').toUpperCase();
}

function normFprOrNull(fpr: string | null | undefined): string | null {
  return fpr === null || fpr === undefined || fpr.trim() === '' ? null : normFingerprint(fpr);
}

function one<T>(rows: T[], what: string): T {
  const row = rows[0];
  if (row === undefined) throw new Error(`${what}: not found`);
  return row;
}

// ---------------------------------------------------------------------------------------
// messages

export type MessageState = 'stored' | 'opened' | 'triaged' | 'done' | 'failed';

// Headers that identify a message independently of how it was delivered.
const DEDUPE_HEADERS = ['message-id', 'from', 'subject', 'date'] as const;
type DedupeHeader = (typeof DEDUPE_HEADERS)[number];

// btree index entries are limited to ~2.7 kB; a hostile Message-ID must not make the
// INSERT fail (the raw mail would then be lost). RFC 5322 lines are at most 998 octets.
const MAX_MESSAGE_ID = 998;

/** Splits raw mail at the first empty line; skips a leading mbox `From ` separator line. */
function splitHeaderBody(raw: Buffer): { head: string; body: Buffer } {
  let start = 0;
  if (raw.subarray(0, 5).toString('latin1') === 'From ') {
    const nl = raw.indexOf(0x0a);
    start = nl < 0 ? raw.length : nl + 1;
  }
  let i = start;
  while (i < raw.length) {
    const nl = raw.indexOf(0x0a, i);
    if (nl < 0) break;
    const len = nl - i;
    if (len === 0 || (len === 1 && raw[i] === 0x0d)) {
      return { head: raw.subarray(start, i).toString('latin1'), body: raw.subarray(nl + 1) };
    }
    i = nl + 1;
  }
  return { head: raw.subarray(start).toString('latin1'), body: Buffer.alloc(0) };
}

/** First occurrence of each dedupe header, unfolded, whitespace runs collapsed, trimmed. */
function dedupeHeaders(head: string): Map<DedupeHeader, string> {
  const found = new Map<DedupeHeader, string>();
  const fields: string[] = [];
  for (const line of head.split(/\r?\n/)) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && fields.length > 0) {
      fields[fields.length - 1] += ' ' + line;
    } else {
      fields.push(line);
    }
  }
  for (const field of fields) {
    const colon = field.indexOf(':');
    if (colon <= 0) continue;
    const name = field.slice(0, colon).trim().toLowerCase() as DedupeHeader;
    if (!DEDUPE_HEADERS.includes(name) || found.has(name)) continue;
    found.set(name, field.slice(colon + 1).replace(/[ \t\r\n]+/g, ' ').trim());
  }
  return found;
}

/**
 * The message's dedupe key (sha256, hex).
 *
 * With a Message-ID: over Message-ID, From, Subject, Date (first of each, unfolded,
 * whitespace collapsed; absent headers are marked as absent) and the body after the header
 * block (CRLF taken as LF, trailing line ends dropped).
 * - Delivery adds trace headers (Received, Delivered-To, Return-Path, X-Spam-*, an mbox
 *   `From ` line) and may convert line endings (maildir LF vs IMAP CRLF), so hashing the raw
 *   bytes would store one mail several times when it arrives by two paths or is re-fetched.
 *   Those are all ignored here.
 * - Message-ID alone is not enough: it is chosen by the sender, and anyone can send a
 *   different mail reusing the Message-ID of a real report. Keyed on Message-ID only, such a
 *   mail would be silently dropped as a "duplicate" (or would make the desk drop the real
 *   report if it arrived first). Including the body and the identifying headers means only
 *   a true copy of the same mail is deduplicated.
 *
 * Without a Message-ID (issue 9 §8): over the whole raw message (line ends and an mbox
 * `From ` line aside). Nothing then names the message, and two mails written alike (the
 * same form sent twice, without Date) are two messages: only the very same bytes fetched
 * again are one.
 */
export function dedupeKey(raw: Buffer): string {
  const { head, body } = splitHeaderBody(raw);
  const headers = dedupeHeaders(head);
  const h = createHash('sha256');
  if (!headers.get('message-id')) {
    h.update('madoguchi-dedupe-raw-v2\n');
    h.update(head.replace(/\r\n/g, '\n'), 'latin1');
    h.update('\n\n');
    h.update(body.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
    return h.digest('hex');
  }
  h.update('madoguchi-dedupe-v1\n');
  for (const name of DEDUPE_HEADERS) {
    const value = headers.get(name);
    // Length-prefixed so no header value can imitate the next field.
    h.update(value === undefined ? `${name}!\n` : `${name}:${value.length}:${value}\n`, 'latin1');
  }
  const bodyText = body.toString('latin1').replace(/\r\n/g, '\n').replace(/[\r\n]+$/, '');
  h.update(bodyText, 'latin1');
  return h.digest('hex');
}

/** The Message-ID header value as written (first occurrence), or null. */
export function messageIdOf(raw: Buffer): string | null {
  const value = dedupeHeaders(splitHeaderBody(raw).head).get('message-id');
  return value ? value.slice(0, MAX_MESSAGE_ID) : null;
}

export interface MessageSummary {
  id: number;
  dedupeKey: string;
  messageId: string | null;
  source: string;
  sourceRef: string | null;
  size: number;
  receivedAt: Date;
  state: MessageState;
  verdict: unknown;
  error: string | null;
  attempts: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface StoredMessage extends MessageSummary {
  raw: Buffer;
}

interface MessageRow {
  id: number;
  dedupe_key: string;
  message_id: string | null;
  source: string;
  source_ref: string | null;
  raw?: Buffer;
  size: number;
  received_at: Date;
  state: MessageState;
  verdict: unknown;
  error: string | null;
  attempts: number;
  created_at: Date;
  updated_at: Date;
}

const MESSAGE_SUMMARY_COLS =
  'id, dedupe_key, message_id, source, source_ref, size, received_at, state, verdict, error, attempts, created_at, updated_at';

function toSummary(r: MessageRow): MessageSummary {
  return {
    id: r.id,
    dedupeKey: r.dedupe_key,
    messageId: r.message_id,
    source: r.source,
    sourceRef: r.source_ref,
    size: r.size,
    receivedAt: r.received_at,
    state: r.state,
    verdict: r.verdict,
    error: r.error,
    attempts: r.attempts,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export interface StoreMessageInput {
  raw: Buffer;
  /** 'imap:INBOX', 'maildir', 'deliver', ... */
  source: string;
  /** 'uidvalidity:uid', maildir filename, ...; null when there is none. */
  sourceRef?: string | null;
  /** When the mailbox received it; default now(). */
  receivedAt?: Date;
}

/**
 * Stores an inbound mail once. The same mail again (see dedupeKey) returns the first row's
 * id with created=false and changes nothing (the first raw bytes and source are kept).
 */
export async function storeMessage(db: Db, input: StoreMessageInput): Promise<{ id: number; created: boolean }> {
  const key = dedupeKey(input.raw);
  const inserted = await db.query<{ id: number }>(
    `INSERT INTO messages (dedupe_key, message_id, source, source_ref, raw, received_at)
     VALUES ($1, $2, $3, $4, $5, coalesce($6::timestamptz, now()))
     ON CONFLICT (dedupe_key) DO NOTHING
     RETURNING id`,
    [key, messageIdOf(input.raw), input.source, input.sourceRef ?? null, input.raw, input.receivedAt ?? null],
  );
  if (inserted[0]) return { id: inserted[0].id, created: true };
  const existing = await db.query<{ id: number }>('SELECT id FROM messages WHERE dedupe_key = $1', [key]);
  return { id: one(existing, `message with dedupe key ${key}`).id, created: false };
}

export async function getMessage(db: Db, id: number): Promise<StoredMessage | null> {
  const [r] = await db.query<MessageRow & { raw: Buffer }>(`SELECT ${MESSAGE_SUMMARY_COLS}, raw FROM messages WHERE id = $1`, [
    id,
  ]);
  return r ? { ...toSummary(r), raw: r.raw } : null;
}

/**
 * Moves a message to `state`. `verdict` / `error` are written when given (pass null to
 * clear) and left unchanged when omitted. Throws when the message does not exist.
 */
export async function setMessageState(
  db: Db,
  id: number,
  state: MessageState,
  opts: { verdict?: unknown; error?: string | null } = {},
): Promise<MessageSummary> {
  const rows = await db.query<MessageRow>(
    `UPDATE messages SET
       state = $2,
       verdict = CASE WHEN $3::boolean THEN $4::text::jsonb ELSE verdict END,
       error = CASE WHEN $5::boolean THEN $6::text ELSE error END,
       updated_at = now()
     WHERE id = $1
     RETURNING ${MESSAGE_SUMMARY_COLS}`,
    [id, state, opts.verdict !== undefined, jsonParam(opts.verdict), opts.error !== undefined, opts.error ?? null],
  );
  return toSummary(one(rows, `message ${id}`));
}

/** attempts += 1; returns the new count. */
export async function bumpAttempts(db: Db, id: number): Promise<number> {
  const rows = await db.query<{ attempts: number }>(
    'UPDATE messages SET attempts = attempts + 1, updated_at = now() WHERE id = $1 RETURNING attempts',
    [id],
  );
  return one(rows, `message ${id}`).attempts;
}

/** Messages in any of `states`, oldest first, without the raw bytes (use getMessage). */
export async function listMessagesInState(
  db: Db,
  states: MessageState[],
  opts: { limit?: number } = {},
): Promise<MessageSummary[]> {
  const rows = await db.query<MessageRow>(
    `SELECT ${MESSAGE_SUMMARY_COLS} FROM messages WHERE state = ANY($1::text[]) ORDER BY id LIMIT $2`,
    [states, opts.limit ?? 1000],
  );
  return rows.map(toSummary);
}

// ---------------------------------------------------------------------------------------
// IMAP checkpoints

export interface Checkpoint {
  mailbox: string;
  uidValidity: number;
  lastUid: number;
  updatedAt: Date;
}

interface CheckpointRow {
  mailbox: string;
  uid_validity: number;
  last_uid: number;
  updated_at: Date;
}

function toCheckpoint(r: CheckpointRow): Checkpoint {
  return { mailbox: r.mailbox, uidValidity: r.uid_validity, lastUid: r.last_uid, updatedAt: r.updated_at };
}

export async function getCheckpoint(db: Db, mailbox: string): Promise<Checkpoint | null> {
  const [r] = await db.query<CheckpointRow>('SELECT * FROM mailbox_checkpoints WHERE mailbox = $1', [mailbox]);
  return r ? toCheckpoint(r) : null;
}

/**
 * Records the IMAP position. With the same uidValidity the stored lastUid never goes
 * backwards (two pollers racing cannot rewind it; delete the row to force a re-scan); a new
 * uidValidity replaces both values.
 */
export async function setCheckpoint(
  db: Db,
  mailbox: string,
  pos: { uidValidity: number; lastUid: number },
): Promise<Checkpoint> {
  const rows = await db.query<CheckpointRow>(
    `INSERT INTO mailbox_checkpoints (mailbox, uid_validity, last_uid) VALUES ($1, $2, $3)
     ON CONFLICT (mailbox) DO UPDATE SET
       last_uid = CASE WHEN mailbox_checkpoints.uid_validity = EXCLUDED.uid_validity
                       THEN greatest(mailbox_checkpoints.last_uid, EXCLUDED.last_uid)
                       ELSE EXCLUDED.last_uid END,
       uid_validity = EXCLUDED.uid_validity,
       updated_at = now()
     RETURNING *`,
    [mailbox, pos.uidValidity, pos.lastUid],
  );
  return toCheckpoint(one(rows, `checkpoint ${mailbox}`));
}

// ---------------------------------------------------------------------------------------
// cases

/** Allocates the next case id atomically: 'VR-2026-0001', ... (4 digits, more past 9999). */
export async function nextCaseId(db: Db, prefix: string, year: number): Promise<string> {
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(prefix)) throw new Error(`invalid case id prefix ${JSON.stringify(prefix)}`);
  if (!Number.isInteger(year) || year < 1000 || year > 9999) throw new Error(`invalid case year ${year}`);
  const rows = await db.query<{ last: number }>(
    `INSERT INTO case_seq (prefix, year, last) VALUES ($1, $2, 1)
     ON CONFLICT (prefix, year) DO UPDATE SET last = case_seq.last + 1
     RETURNING last`,
    [prefix, year],
  );
  const n = one(rows, 'case_seq').last;
  return `${prefix}-${year}-${String(n).padStart(4, '0')}`;
}

export type CaseLang = 'ja' | 'en';

export interface Case {
  id: string;
  kind: string;
  state: string;
  lang: CaseLang;
  report: unknown;
  reporterEmail: string | null;
  reporterFpr: string | null;
  openedFrom: number | null;
  createdAt: Date;
  updatedAt: Date;
}

interface CaseRow {
  id: string;
  kind: string;
  state: string;
  lang: CaseLang;
  report: unknown;
  reporter_email: string | null;
  reporter_fpr: string | null;
  opened_from: number | null;
  created_at: Date;
  updated_at: Date;
}

function toCase(r: CaseRow): Case {
  return {
    id: r.id,
    kind: r.kind,
    state: r.state,
    lang: r.lang,
    report: r.report,
    reporterEmail: r.reporter_email,
    reporterFpr: r.reporter_fpr,
    openedFrom: r.opened_from,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export interface NewCase {
  id: string;
  kind: string;
  /** Default 'open'. */
  state?: string;
  lang: CaseLang;
  report: unknown;
  reporterEmail?: string | null;
  reporterFpr?: string | null;
  /** messages.id of the mail that opened the case. */
  openedFrom?: number | null;
}

export async function createCase(db: Db, c: NewCase): Promise<Case> {
  const rows = await db.query<CaseRow>(
    `INSERT INTO cases (id, kind, state, lang, report, reporter_email, reporter_fpr, opened_from)
     VALUES ($1, $2, $3, $4, $5::text::jsonb, $6, $7, $8)
     RETURNING *`,
    [
      c.id,
      c.kind,
      c.state ?? 'open',
      c.lang,
      jsonParam(c.report ?? {}),
      c.reporterEmail ?? null,
      normFprOrNull(c.reporterFpr),
      c.openedFrom ?? null,
    ],
  );
  return toCase(one(rows, `case ${c.id}`));
}

export async function getCase(db: Db, id: string): Promise<Case | null> {
  const [r] = await db.query<CaseRow>('SELECT * FROM cases WHERE id = $1', [id]);
  return r ? toCase(r) : null;
}

// drafts: src/store/drafts.ts

// ---------------------------------------------------------------------------------------
// parties

export type PartyRole = 'reporter' | 'vendor' | 'operator' | 'coordinator' | 'csirt';

export interface Party {
  id: number;
  caseId: string;
  role: PartyRole;
  email: string | null;
  name: string | null;
  keyFpr: string | null;
  data: unknown;
  createdAt: Date;
}

interface PartyRow {
  id: number;
  case_id: string;
  role: PartyRole;
  email: string | null;
  name: string | null;
  key_fpr: string | null;
  data: unknown;
  created_at: Date;
}

function toParty(r: PartyRow): Party {
  return {
    id: r.id,
    caseId: r.case_id,
    role: r.role,
    email: r.email,
    name: r.name,
    keyFpr: r.key_fpr,
    data: r.data,
    createdAt: r.created_at,
  };
}

export interface NewParty {
  caseId: string;
  role: PartyRole;
  email?: string | null;
  name?: string | null;
  keyFpr?: string | null;
  data?: unknown;
}

/**
 * Adds a party to a case. The same (case, role, email) again updates name/keyFpr/data where
 * given and returns the existing row (so a retried job does not duplicate it).
 */
export async function addParty(db: Db, p: NewParty): Promise<Party> {
  const rows = await db.query<PartyRow>(
    `INSERT INTO parties (case_id, role, email, name, key_fpr, data)
     VALUES ($1, $2, $3, $4, $5, coalesce($6::text::jsonb, '{}'::jsonb))
     ON CONFLICT (case_id, role, lower(email)) DO UPDATE SET
       name = coalesce(EXCLUDED.name, parties.name),
       key_fpr = coalesce(EXCLUDED.key_fpr, parties.key_fpr),
       data = CASE WHEN $6::text IS NULL THEN parties.data ELSE EXCLUDED.data END
     RETURNING *`,
    [p.caseId, p.role, p.email ?? null, p.name ?? null, normFprOrNull(p.keyFpr), jsonParam(p.data)],
  );
  return toParty(one(rows, 'party'));
}

export async function listParties(db: Db, caseId: string, role?: PartyRole): Promise<Party[]> {
  const rows = await db.query<PartyRow>(
    'SELECT * FROM parties WHERE case_id = $1 AND ($2::text IS NULL OR role = $2::text) ORDER BY id',
    [caseId, role ?? null],
  );
  return rows.map(toParty);
}

// ---------------------------------------------------------------------------------------
// timeline (append-only audit log)

export interface TimelineEntry {
  id: number;
  caseId: string | null;
  at: Date;
  actor: string;
  event: string;
  data: unknown;
}

interface TimelineRow {
  id: number;
  case_id: string | null;
  at: Date;
  actor: string;
  event: string;
  data: unknown;
}

function toTimeline(r: TimelineRow): TimelineEntry {
  return { id: r.id, caseId: r.case_id, at: r.at, actor: r.actor, event: r.event, data: r.data };
}

export interface NewTimelineEntry {
  /** null for desk-level events. */
  caseId: string | null;
  actor: string;
  event: string;
  data?: unknown;
  /** Default now(). */
  at?: Date;
}

export async function appendTimeline(db: Db, e: NewTimelineEntry): Promise<TimelineEntry> {
  const rows = await db.query<TimelineRow>(
    `INSERT INTO timeline (case_id, actor, event, data, at)
     VALUES ($1, $2, $3, coalesce($4::text::jsonb, '{}'::jsonb), coalesce($5::timestamptz, now()))
     RETURNING *`,
    [e.caseId, e.actor, e.event, jsonParam(e.data), e.at ?? null],
  );
  return toTimeline(one(rows, 'timeline'));
}

/** A case's timeline in insertion order; `null` lists the desk-level events. */
/**
 * Several entries in one statement, in order (rows of one INSERT take their ids in VALUES
 * order): one round trip instead of one per entry.
 */
export async function appendTimelineMany(db: Db, entries: NewTimelineEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const params: unknown[] = [];
  const rows = entries.map((e, i) => {
    params.push(e.caseId, e.actor, e.event, jsonParam(e.data), e.at ?? null);
    const b = i * 5;
    return `($${b + 1}, $${b + 2}, $${b + 3}, coalesce($${b + 4}::text::jsonb, '{}'::jsonb), coalesce($${b + 5}::timestamptz, now()))`;
  });
  await db.query(`INSERT INTO timeline (case_id, actor, event, data, at) VALUES ${rows.join(', ')}`, params);
}

export async function listTimeline(db: Db, caseId: string | null, opts: { limit?: number } = {}): Promise<TimelineEntry[]> {
  const rows = await db.query<TimelineRow>(
    `SELECT * FROM timeline WHERE case_id IS NOT DISTINCT FROM $1::text ORDER BY id LIMIT $2`,
    [caseId, opts.limit ?? 10_000],
  );
  return rows.map(toTimeline);
}

// ---------------------------------------------------------------------------------------
// notices (outgoing mail)

export type NoticeState = 'pending' | 'sent' | 'failed' | 'withheld';

export interface Notice {
  /** The deterministic Message-ID, e.g. '<ack.VR-2026-0042@desk.example>'. */
  id: string;
  caseId: string | null;
  messageRef: number | null;
  kind: string;
  lang: string | null;
  recipient: string;
  state: NoticeState;
  raw: Buffer;
  attempts: number;
  error: string | null;
  createdAt: Date;
  updatedAt: Date;
  sentAt: Date | null;
  /** The notice this one waits for (migration 024): not sent before that one is `sent`. */
  afterNotice: string | null;
}

interface NoticeRow {
  id: string;
  case_id: string | null;
  message_ref: number | null;
  kind: string;
  lang: string | null;
  recipient: string;
  state: NoticeState;
  raw: Buffer;
  attempts: number;
  error: string | null;
  created_at: Date;
  updated_at: Date;
  sent_at: Date | null;
  after_notice: string | null;
}

function toNotice(r: NoticeRow): Notice {
  return {
    id: r.id,
    caseId: r.case_id,
    messageRef: r.message_ref,
    kind: r.kind,
    lang: r.lang,
    recipient: r.recipient,
    state: r.state,
    raw: r.raw,
    attempts: r.attempts,
    error: r.error,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    sentAt: r.sent_at,
    afterNotice: r.after_notice ?? null,
  };
}

export interface NewNotice {
  id: string;
  caseId?: string | null;
  messageRef?: number | null;
  kind: string;
  lang?: string | null;
  recipient: string;
  /** The exact bytes to send. */
  raw: Buffer;
  /** Default 'pending'; 'withheld' records a notice deliberately not sent. */
  state?: 'pending' | 'withheld';
  /** Another notice's id: this one is sent only once that one is `sent` (migration 024). */
  afterNotice?: string | null;
}

/**
 * Stores an outgoing notice before it is sent. If the id (Message-ID) exists already, the
 * stored row is returned unchanged (created=false): its bytes are what a retry must send.
 */
export async function insertNotice(db: Db, n: NewNotice): Promise<{ notice: Notice; created: boolean }> {
  const inserted = await db.query<NoticeRow>(
    `INSERT INTO notices (id, case_id, message_ref, kind, lang, recipient, state, raw, after_notice)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (id) DO NOTHING
     RETURNING *`,
    [n.id, n.caseId ?? null, n.messageRef ?? null, n.kind, n.lang ?? null, n.recipient, n.state ?? 'pending', n.raw, n.afterNotice ?? null],
  );
  if (inserted[0]) return { notice: toNotice(inserted[0]), created: true };
  const existing = await getNotice(db, n.id);
  if (!existing) throw new Error(`notice ${n.id}: not found after insert conflict`);
  return { notice: existing, created: false };
}

export async function getNotice(db: Db, id: string): Promise<Notice | null> {
  const [r] = await db.query<NoticeRow>('SELECT * FROM notices WHERE id = $1', [id]);
  return r ? toNotice(r) : null;
}

/** Marks a notice sent (attempts + 1, sent_at = now()). A notice already sent is left as is. */
export async function markNoticeSent(db: Db, id: string): Promise<Notice> {
  const rows = await db.query<NoticeRow>(
    `UPDATE notices SET
       state = 'sent', error = NULL, sent_at = coalesce(sent_at, now()), updated_at = now(),
       attempts = CASE WHEN state = 'sent' THEN attempts ELSE attempts + 1 END
     WHERE id = $1 RETURNING *`,
    [id],
  );
  return toNotice(one(rows, `notice ${id}`));
}

/** Records a failed attempt (attempts + 1). Never downgrades a notice already sent. */
export async function markNoticeFailed(db: Db, id: string, error: string): Promise<Notice> {
  const rows = await db.query<NoticeRow>(
    `UPDATE notices SET
       state = CASE WHEN state = 'sent' THEN state ELSE 'failed' END,
       error = CASE WHEN state = 'sent' THEN error ELSE $2 END,
       attempts = CASE WHEN state = 'sent' THEN attempts ELSE attempts + 1 END,
       updated_at = now()
     WHERE id = $1 RETURNING *`,
    [id, error],
  );
  return toNotice(one(rows, `notice ${id}`));
}

/** Notices in any of `states`, oldest first (with raw: these are to be sent). */
export async function listNoticesInState(
  db: Db,
  states: NoticeState[],
  opts: { limit?: number } = {},
): Promise<Notice[]> {
  const rows = await db.query<NoticeRow>(
    'SELECT * FROM notices WHERE state = ANY($1::text[]) ORDER BY created_at, id LIMIT $2',
    [states, opts.limit ?? 1000],
  );
  return rows.map(toNotice);
}

// ---------------------------------------------------------------------------------------
// OpenPGP keys

export type KeySource = 'signature' | 'attachment' | 'autocrypt' | 'config' | 'desk';
export type KeyStatus = 'ok' | 'expired' | 'revoked';

export interface KeyRecord {
  fingerprint: string;
  emails: string[];
  armored: string;
  source: KeySource;
  firstSeen: Date;
  lastSeen: Date;
  status: KeyStatus;
}

interface KeyRow {
  fingerprint: string;
  emails: string[];
  armored: string;
  source: KeySource;
  first_seen: Date;
  last_seen: Date;
  status: KeyStatus;
}

function toKey(r: KeyRow): KeyRecord {
  return {
    fingerprint: r.fingerprint,
    emails: r.emails,
    armored: r.armored,
    source: r.source,
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
    status: r.status,
  };
}

export interface KeyInput {
  fingerprint: string;
  emails: string[];
  armored: string;
  source: KeySource;
  status?: KeyStatus;
}

/**
 * Inserts or refreshes a key: emails are merged (lower-cased), armored is replaced by the
 * newer copy, last_seen = now(). The first source is kept (provenance). 'revoked' is sticky:
 * seeing an older copy of a revoked key again never makes it 'ok'.
 */
export async function upsertKey(db: Db, k: KeyInput): Promise<KeyRecord> {
  const emails = [...new Set(k.emails.map(normEmail))].sort();
  const rows = await db.query<KeyRow>(
    `INSERT INTO keys (fingerprint, emails, armored, source, status)
     VALUES ($1, $2::text[], $3, $4, $5)
     ON CONFLICT (fingerprint) DO UPDATE SET
       emails = ARRAY(SELECT DISTINCT e FROM unnest(keys.emails || EXCLUDED.emails) AS e ORDER BY e),
       armored = EXCLUDED.armored,
       last_seen = now(),
       status = CASE WHEN keys.status = 'revoked' THEN keys.status ELSE EXCLUDED.status END
     RETURNING *`,
    [normFingerprint(k.fingerprint), emails, k.armored, k.source, k.status ?? 'ok'],
  );
  return toKey(one(rows, `key ${k.fingerprint}`));
}

/** Keys listing this address (any status; callers filter), most recently seen first. */
export async function findKeysByEmail(db: Db, email: string): Promise<KeyRecord[]> {
  const rows = await db.query<KeyRow>(
    'SELECT * FROM keys WHERE emails @> ARRAY[$1::text] ORDER BY last_seen DESC, fingerprint',
    [normEmail(email)],
  );
  return rows.map(toKey);
}

export async function getKey(db: Db, fingerprint: string): Promise<KeyRecord | null> {
  const [r] = await db.query<KeyRow>('SELECT * FROM keys WHERE fingerprint = $1', [normFingerprint(fingerprint)]);
  return r ? toKey(r) : null;
}
