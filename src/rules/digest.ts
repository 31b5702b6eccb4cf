// The coordinators' digest (issue 11): what one business day's digest says, as data. A
// pure function of the case views (src/rules/case-view.ts, the truthful per-case view) and
// the facts the store gathers since the last digest (src/store/digest.ts); the notice
// module renders the sections in ja and en, and `madoguchi digest --print` prints them.
//
// What a line may carry: case ids, case states, product names, vendor ids, a website case's
// operator id (the registry's id, never the site's URL or name: guideline §2, §4), draft
// tags, dates, counts, stable codes and the command to act. Never the vulnerability, the
// reporter, an address or free text from a message (the digest is encrypted to the
// coordinators, but it is a daily summary read on any device: it points to the case, it
// does not repeat it). The view's Waiting texts are prose: only the command keywords, the
// vendor ids and the dates in them are kept.
//
// Sections come in a fixed order and only when they have lines; a digest with no section is
// `empty` and is still sent, as one line (issue 11: silence means the desk is broken).
import { addCalendarDays, daysBetween, jstDate, type IsoDate } from '../domain/clock.ts';
import { isFinalCaseState, type CaseView, type VendorView } from './case-view.ts';

// ---- facts from the store -----------------------------------------------------------

/** A case opened since the last digest. */
export interface NewCaseFact {
  caseId: string;
  kind: string;
  createdAt: Date;
}

/** A draft (an incomplete report, waiting for its reporter) opened since the last digest. */
export interface NewDraftFact {
  /** `DRAFT-…`, the tag in the Subject of the notices about it. */
  tag: string;
  createdAt: Date;
  /** The form fields still missing (field names, not content). */
  missing: string[];
  /** The case it became, when it was completed in the meantime. */
  caseId: string | null;
}

/**
 * Where a refused or unauthenticated mail was recorded: `rejected` is a structural
 * rejection (mail-protocol §5, messages.verdict.rejected); the others are the timeline
 * events of signed mail given no authority (issue 9) and replies the desk refused.
 */
export const REFUSED_MAIL_SOURCES = ['rejected', 'command-mail-refused', 'reply-refused', 'reporter-message-refused'] as const;
export type RefusedMailSource = (typeof REFUSED_MAIL_SOURCES)[number];

/** Refused mail since the last digest, counted by where it was refused and its code. */
export interface RefusedMailFact {
  source: RefusedMailSource;
  /** The stable code (`not-for-us`, `unknown-signer`, `bad-value`…), `unknown` when none was stored. */
  code: string;
  count: number;
  /** The stored messages' numbers (messages.id), lowest first, at most a few. */
  messageIds: number[];
}

/** The timeline events of a job that failed for good (src/desk/service.ts onFailed). */
export const FAILED_JOB_EVENTS = ['job-failed', 'message-failed', 'notice-failed', 'file-failed'] as const;
export type FailedJobEvent = (typeof FAILED_JOB_EVENTS)[number];

/** Jobs that failed for good since the last digest, counted by event, job and code. */
export interface FailedJobFact {
  event: FailedJobEvent;
  /** The job's name (`open`, `triage`, `notify`, `tick`…) when recorded. */
  job: string | null;
  /** src/desk/bad-values.ts FailureCode. */
  code: string;
  count: number;
  /** Cases named by the failures (a notice's case), sorted. */
  caseIds: string[];
  messageIds: number[];
  last: Date;
}

/** Whose key: the desk's own, a coordinator's (by name), or a vendor's pinned key. */
export type KeyOwner = { kind: 'desk' } | { kind: 'coordinator'; name: string } | { kind: 'vendor'; id: string };

/** A key the desk relies on, with its expiry as the key itself states it. */
export interface KeyFact {
  owner: KeyOwner;
  fingerprint: string;
  /** null: the key does not expire. */
  expiresAt: Date | null;
  /** The key cannot be read, is revoked, or has no usable encryption key now: as bad as expired. */
  unusable?: boolean;
}

export interface DigestFacts {
  newCases: NewCaseFact[];
  newDrafts: NewDraftFact[];
  refusedMail: RefusedMailFact[];
  failedJobs: FailedJobFact[];
  keys: KeyFact[];
}

export interface DigestOptions {
  /** A vendor with no answer for this many days is listed (config digest.silentDays). */
  silentDays: number;
  /** Publications this many days ahead are listed (issue 11: 14). */
  publicationWindowDays?: number;
  /** Keys expiring within this many days are listed (issue 11: 30). */
  keyWindowDays?: number;
}

export const DEFAULT_PUBLICATION_WINDOW_DAYS = 14;
export const DEFAULT_KEY_WINDOW_DAYS = 30;

// ---- the digest ----------------------------------------------------------------------

/**
 * How to act on a line: a coordinator command by mail (docs/commands.md: `X-CASE: <case>`
 * then the keyword, with `arg` when the digest knows it), or a `madoguchi` command line.
 */
export type Action = { via: 'mail'; keyword: string; arg?: string } | { via: 'cli'; argv: string[] };

/**
 * One vulnerability of a case line (issue 12): codes and numbers only, never its summary
 * (the digest carries no text of the vulnerability, see src/notices/digest.ts).
 */
export interface DigestVulnerability {
  number: number;
  cwe: string | null;
  cve: string | null;
  score: number | null;
  severity: string | null;
  /** Each vendor's status for it (`affected`, `not-affected`, `fixed`, `unknown`). */
  vendors: { id: string; status: string }[];
}

/** A line about one case: its vulnerabilities when they are stored (digestVulnerabilities). */
export interface WithVulnerabilities {
  vulnerabilities?: DigestVulnerability[];
}

export interface NewCaseLine extends WithVulnerabilities {
  type: 'case';
  caseId: string;
  caseKind: string;
  state: string;
  products: string[];
  openedAt: Date;
  actions: Action[];
}
export interface NewDraftLine {
  type: 'draft';
  tag: string;
  openedAt: Date;
  missing: string[];
  /** The case it became, if completed already. */
  caseId: string | null;
  /** A draft waits for its reporter: nothing for a coordinator to do. */
  actions: Action[];
}
export interface AwaitingLine extends WithVulnerabilities {
  caseId: string;
  state: string;
  /** `coordinator` or `committee`. */
  who: string[];
  vendorIds: string[];
  dates: IsoDate[];
  lastActivity: Date | null;
  actions: Action[];
}
export interface SilentLine {
  caseId: string;
  /** A vendor of a product case, or the confirmed operator of a website case (its registry id). */
  party: 'vendor' | 'operator';
  partyId: string;
  product: string | null;
  /** vendorStatusLabel: `notified`, `reminded(2)`, `answered investigating`… */
  status: string;
  reminders: number;
  silentSince: Date;
  days: number;
  actions: Action[];
}
/** `fix-target-passed`: a website case's fix target (guideline §4 item 3) passed with no fix reported. */
export type OverdueReason = 'agreed-date-passed' | 'target-passed' | 'committee-late' | 'fix-target-passed';
export const OVERDUE_REASONS = ['agreed-date-passed', 'target-passed', 'committee-late', 'fix-target-passed'] as const satisfies readonly OverdueReason[];
export interface OverdueLine extends WithVulnerabilities {
  caseId: string;
  state: string;
  reasons: OverdueReason[];
  targetJst: IsoDate | null;
  agreedJst: IsoDate | null;
  /** Days past the agreed date, or the target when none is agreed (0 for committee-late only). */
  daysLate: number;
  actions: Action[];
}
export interface PublicationLine extends WithVulnerabilities {
  caseId: string;
  date: IsoDate;
  /** 0 = today. */
  daysLeft: number;
  products: string[];
  actions: Action[];
}
export interface UnreachableLine {
  caseId: string;
  vendorId: string;
  product: string | null;
  since: Date | null;
  /** On the public unreachable list since (guideline §3.7). */
  listedSince: Date | null;
  productListedSince: Date | null;
  actions: Action[];
}
export interface RefusedMailLine extends RefusedMailFact {
  actions: Action[];
}
export interface FailedJobLine extends FailedJobFact {
  actions: Action[];
}
export interface KeyLine {
  owner: KeyOwner;
  fingerprint: string;
  expiresAt: Date | null;
  /** Expired already (or unusable): nothing can be encrypted to it now. */
  expired: boolean;
  /** Whole days left (negative: expired that many days ago; null when unusable with no date). */
  daysLeft: number | null;
  actions: Action[];
}

/** The sections, in the order the digest shows them. */
export type DigestSection =
  | { kind: 'new'; lines: (NewCaseLine | NewDraftLine)[] }
  | { kind: 'awaiting-decision'; lines: AwaitingLine[] }
  | { kind: 'overdue'; lines: OverdueLine[] }
  | { kind: 'silent'; days: number; lines: SilentLine[] }
  | { kind: 'unreachable'; lines: UnreachableLine[] }
  | { kind: 'publications'; days: number; lines: PublicationLine[] }
  | { kind: 'refused-mail'; total: number; lines: RefusedMailLine[] }
  | { kind: 'failed-jobs'; total: number; lines: FailedJobLine[] }
  | { kind: 'keys'; days: number; lines: KeyLine[] };
export type DigestSectionKind = DigestSection['kind'];

export const DIGEST_SECTION_ORDER: readonly DigestSectionKind[] = ['new', 'awaiting-decision', 'overdue', 'silent', 'unreachable', 'publications', 'refused-mail', 'failed-jobs', 'keys'];

export interface Digest {
  /** The business day this digest is for (the claim's date). */
  day: IsoDate;
  now: Date;
  /** The facts run from here (the last digest; null: the first digest). */
  since: Date | null;
  /** Only the sections with lines, in DIGEST_SECTION_ORDER. */
  sections: DigestSection[];
  /** Nothing to report: the digest is one line. */
  empty: boolean;
}

export interface DigestInput {
  day: IsoDate;
  now: Date;
  since: Date | null;
  views: readonly CaseView[];
  facts: DigestFacts;
  options: DigestOptions;
  /** By case id: the case's stored vulnerabilities (issue 12); absent for a case with none stored. */
  vulnerabilities?: ReadonlyMap<string, DigestVulnerability[]>;
}

// ---- commands ---------------------------------------------------------------------------

const mail = (keyword: string, arg?: string): Action => (arg === undefined ? { via: 'mail', keyword } : { via: 'mail', keyword, arg });
const cli = (...argv: string[]): Action => ({ via: 'cli', argv });
const showCase = (id: string): Action => cli('cases', 'show', id);

const KEYWORD_RE = /\bX-[A-Z]+(?:-[A-Z]+)*\b/g;
const DATE_RE = /\b\d{4}-\d{2}-\d{2}\b/g;
/** Keywords whose argument is a vendor id, and those whose argument is a date. */
const VENDOR_ARG = new Set(['X-MARK-REACHABLE', 'X-MARK-UNREACHABLE', 'X-REMOVE-VENDOR', 'X-RELAY', 'X-DIRECT-CONTACT']);
const DATE_ARG = new Set(['X-SET-DATE']);

function uniq<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}

function products(v: CaseView): string[] {
  return uniq(v.vendors.map((x) => x.product).filter((p): p is string => p !== null && p !== ''));
}

/** The vendor ids a Waiting text names: the words that are the ids of the case's vendors. */
function vendorsNamed(text: string, vendors: readonly VendorView[]): string[] {
  const words = new Set(text.split(/[\s:(),]+/));
  return vendors.map((v) => v.id).filter((id) => words.has(id));
}

/** The coordinator's to-do items of a case, from the view's Waiting entries (prose kept out). */
function awaiting(v: CaseView): AwaitingLine | null {
  const entries = v.waitingFor.filter((w) => (w.who === 'coordinator' || w.who === 'committee') && !/ is unreachable: /.test(w.what));
  if (entries.length === 0) return null;
  const vendorIds = uniq(entries.flatMap((w) => vendorsNamed(w.what, v.vendors)));
  const dates = uniq(entries.flatMap((w) => w.what.match(DATE_RE) ?? []));
  const actions: Action[] = [];
  for (const w of entries) {
    const named = vendorsNamed(w.what, v.vendors);
    const date = w.what.match(DATE_RE)?.[0];
    for (const kw of w.what.match(KEYWORD_RE) ?? []) {
      const arg = VENDOR_ARG.has(kw) ? named[0] : DATE_ARG.has(kw) ? date : undefined;
      if (!actions.some((a) => a.via === 'mail' && a.keyword === kw && a.arg === arg)) actions.push(mail(kw, arg));
    }
  }
  if (actions.length === 0) actions.push(showCase(v.id));
  return { caseId: v.id, state: v.state, who: uniq(entries.map((w) => w.who)), vendorIds, dates, lastActivity: v.lastActivity, actions };
}

/**
 * A website case past its fix target (guideline §4 item 3; no publication, no committee):
 * the coordinator writes to the operator through the desk (X-RELAY once it answered), sends
 * the details again to a silent one (X-NOTIFY-OPERATOR), or stops the case (X-STOP).
 */
function websiteOverdueLine(v: CaseView, today: IsoDate): OverdueLine | null {
  const w = v.website;
  if (!w || v.overdue.length === 0 || w.fixTargetJst === null) return null;
  const op = w.operator;
  const actions: Action[] =
    op === null ? [mail('X-CONFIRM-OPERATOR')] : op.contact === 'answered' ? [mail('X-RELAY', op.id)] : [mail('X-NOTIFY-OPERATOR')];
  actions.push(mail('X-STOP'));
  return { caseId: v.id, state: v.state, reasons: ['fix-target-passed'], targetJst: w.fixTargetJst, agreedJst: null, daysLate: daysBetween(w.fixTargetJst, today), actions };
}

function overdueLine(v: CaseView, today: IsoDate): OverdueLine | null {
  if (v.website) return websiteOverdueLine(v, today);
  if (v.overdue.length === 0) return null;
  const reasons: OverdueReason[] = [];
  if (v.agreedJst !== null && today > v.agreedJst) reasons.push('agreed-date-passed');
  if (v.agreedJst === null && v.targetJst !== null && today > v.targetJst) reasons.push('target-passed');
  // The view names the committee's lateness only in prose; whatever it counts beyond the
  // two dates is that (case-view.ts overdue()).
  if (v.overdue.length > reasons.length) reasons.push('committee-late');
  const from = reasons.includes('agreed-date-passed') ? v.agreedJst : reasons.includes('target-passed') ? v.targetJst : null;
  const actions: Action[] = [];
  if (reasons.includes('agreed-date-passed')) actions.push(mail('X-PUBLISH'), mail('X-SET-DATE'));
  if (reasons.includes('target-passed')) actions.push(mail('X-SET-DATE'), mail('X-OPEN-IMPOSSIBLE'));
  if (reasons.includes('committee-late')) actions.push(mail('X-COMMITTEE-DECISION'));
  return { caseId: v.id, state: v.state, reasons, targetJst: v.targetJst, agreedJst: v.agreedJst, daysLate: from === null ? 0 : daysBetween(from, today), actions };
}

/** Vendors waited for: not unreachable, their fix not final (deployed, not affected). */
function silentLines(v: CaseView, now: Date, days: number): SilentLine[] {
  const out: SilentLine[] = [];
  for (const x of v.vendors) {
    if (x.coordination === 'unnotified' || x.coordination === 'unreachable') continue;
    if (x.fix === 'fix-deployed' || x.fix === 'not-affected') continue;
    const since = x.lastAnswerAt ?? x.firstContactAt;
    if (since === null) continue;
    const d = Math.floor((now.getTime() - since.getTime()) / 86_400_000);
    if (d < days) continue;
    // Not answered yet: the desk reminds by itself (guideline §8); the coordinator may write
    // again or start the unreachable procedure. Answered and then silent: ask it, through the desk.
    const actions = x.coordination === 'answered' ? [mail('X-RELAY', x.id)] : [mail('X-NOTIFY-VENDORS'), mail('X-MARK-UNREACHABLE', x.id)];
    out.push({ caseId: v.id, party: 'vendor', partyId: x.id, product: x.product, status: x.status, reminders: x.reminders, silentSince: since, days: d, actions });
  }
  return out;
}

/**
 * A website case's operator waited for (guideline §4, §8): details or a key request sent
 * and no answer since, or an answer that was not the fix and silence since. An operator
 * that said "not affected" is not waited for (the coordinator decides: awaiting-decision).
 */
function silentOperatorLines(v: CaseView, now: Date, days: number): SilentLine[] {
  const op = v.website?.operator;
  if (!op) return [];
  if (op.contact !== 'notified' && op.contact !== 'awaiting-key' && op.contact !== 'answered') return [];
  if (op.answer === 'not-affected' || op.answer === 'fixed') return [];
  const since = op.lastAnswerAt ?? op.detailsSentAt ?? op.firstContactAt;
  if (since === null) return [];
  const d = Math.floor((now.getTime() - since.getTime()) / 86_400_000);
  if (d < days) return [];
  const actions = op.contact === 'answered' ? [mail('X-RELAY', op.id)] : [mail('X-NOTIFY-OPERATOR'), mail('X-STOP')];
  return [{ caseId: v.id, party: 'operator', partyId: op.id, product: null, status: op.status, reminders: op.reminders, silentSince: since, days: d, actions }];
}

function unreachableLines(v: CaseView): UnreachableLine[] {
  return v.vendors
    .filter((x) => x.coordination === 'unreachable')
    .map((x) => ({
      caseId: v.id,
      vendorId: x.id,
      product: x.product,
      since: x.unreachableSince,
      listedSince: x.listedSince,
      productListedSince: x.productListedSince,
      // The 調整不能 procedure is the other way out (§3.8), unless it is open already.
      actions: v.state === 'committee' ? [mail('X-MARK-REACHABLE', x.id)] : [mail('X-MARK-REACHABLE', x.id), mail('X-OPEN-IMPOSSIBLE')],
    }));
}

function keyActions(owner: KeyOwner): Action[] {
  switch (owner.kind) {
    case 'vendor':
      // The vendor's new key goes in the registry (docs/vendors.md).
      return [cli('vendors', 'show', owner.id), cli('vendors', 'import', '<registry.yaml>')];
    case 'coordinator':
      // A coordinator's key is pinned in the configuration (coordinators[].fingerprints).
      return [cli('config', 'check')];
    case 'desk':
      return [];
  }
}

const ownerKey = (o: KeyOwner): string => (o.kind === 'desk' ? 'desk' : o.kind === 'vendor' ? `vendor:${o.id}` : `coordinator:${o.name}`);

/** The digest for `day` (pure: the same input gives the same digest). */
export function buildDigest(i: DigestInput): Digest {
  const today = jstDate(i.now);
  const pubDays = i.options.publicationWindowDays ?? DEFAULT_PUBLICATION_WINDOW_DAYS;
  const keyDays = i.options.keyWindowDays ?? DEFAULT_KEY_WINDOW_DAYS;
  const open = i.views.filter((v) => !isFinalCaseState(v.state));
  const byId = new Map(i.views.map((v) => [v.id, v]));

  const newLines: (NewCaseLine | NewDraftLine)[] = [
    ...[...i.facts.newCases]
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.caseId.localeCompare(b.caseId))
      .map((c): NewCaseLine => {
        const v = byId.get(c.caseId);
        const todo = v ? awaiting(v) : null;
        return { type: 'case', caseId: c.caseId, caseKind: c.kind, state: v?.state ?? 'unknown', products: v ? products(v) : [], openedAt: c.createdAt, actions: todo ? todo.actions : [showCase(c.caseId)] };
      }),
    ...[...i.facts.newDrafts]
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.tag.localeCompare(b.tag))
      .map((d): NewDraftLine => ({ type: 'draft', tag: d.tag, openedAt: d.createdAt, missing: [...d.missing], caseId: d.caseId, actions: d.caseId ? [showCase(d.caseId)] : [] })),
  ];

  // issue 12: each case line shows the case's vulnerabilities (when stored).
  const withVulns = <L extends WithVulnerabilities & { caseId: string | null }>(l: L): L => {
    const vs = l.caseId !== null ? i.vulnerabilities?.get(l.caseId) : undefined;
    return vs !== undefined && vs.length > 0 ? { ...l, vulnerabilities: vs } : l;
  };
  for (const [n, l] of newLines.entries()) if (l.type === 'case') newLines[n] = withVulns(l);
  const awaitingLines = open.map(awaiting).filter((x): x is AwaitingLine => x !== null).map(withVulns);
  const overdueLines = open.map((v) => overdueLine(v, today)).filter((x): x is OverdueLine => x !== null).map(withVulns);
  const silent = open.flatMap((v) => [...silentLines(v, i.now, i.options.silentDays), ...silentOperatorLines(v, i.now, i.options.silentDays)]).sort((a, b) => b.days - a.days || a.caseId.localeCompare(b.caseId) || a.partyId.localeCompare(b.partyId));
  const unreachable = open.flatMap(unreachableLines);
  const last = addCalendarDays(today, pubDays);
  const publications = open
    .filter((v) => v.agreedJst !== null && v.publishedAt === null && v.agreedJst >= today && v.agreedJst <= last)
    .map((v): PublicationLine => withVulns({ caseId: v.id, date: v.agreedJst!, daysLeft: daysBetween(today, v.agreedJst!), products: products(v), actions: [mail('X-SET-DATE')] }))
    .sort((a, b) => a.date.localeCompare(b.date) || a.caseId.localeCompare(b.caseId));

  const refused = i.facts.refusedMail
    .filter((r) => r.count > 0)
    .map((r): RefusedMailLine => ({ ...r, messageIds: [...r.messageIds], actions: [] }))
    .sort((a, b) => REFUSED_MAIL_SOURCES.indexOf(a.source) - REFUSED_MAIL_SOURCES.indexOf(b.source) || b.count - a.count || a.code.localeCompare(b.code));
  const failed = i.facts.failedJobs
    .filter((f) => f.count > 0)
    .map((f): FailedJobLine => ({ ...f, caseIds: [...f.caseIds], messageIds: [...f.messageIds], actions: [cli('jobs', 'failed')] }))
    .sort((a, b) => FAILED_JOB_EVENTS.indexOf(a.event) - FAILED_JOB_EVENTS.indexOf(b.event) || b.count - a.count || a.code.localeCompare(b.code));

  const horizon = i.now.getTime() + keyDays * 86_400_000;
  const seen = new Set<string>();
  const keys = i.facts.keys
    .filter((k) => k.unusable === true || (k.expiresAt !== null && k.expiresAt.getTime() <= horizon))
    .filter((k) => {
      const id = `${ownerKey(k.owner)}/${k.fingerprint}`;
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    })
    .map((k): KeyLine => {
      const expired = k.unusable === true || (k.expiresAt !== null && k.expiresAt.getTime() <= i.now.getTime());
      const daysLeft = k.expiresAt === null ? null : Math.floor((k.expiresAt.getTime() - i.now.getTime()) / 86_400_000);
      return { owner: k.owner, fingerprint: k.fingerprint, expiresAt: k.expiresAt, expired, daysLeft, actions: keyActions(k.owner) };
    })
    .sort((a, b) => (a.expiresAt?.getTime() ?? -Infinity) - (b.expiresAt?.getTime() ?? -Infinity) || ownerKey(a.owner).localeCompare(ownerKey(b.owner)));

  const all: DigestSection[] = [
    { kind: 'new', lines: newLines },
    { kind: 'awaiting-decision', lines: awaitingLines },
    { kind: 'overdue', lines: overdueLines },
    { kind: 'silent', days: i.options.silentDays, lines: silent },
    { kind: 'unreachable', lines: unreachable },
    { kind: 'publications', days: pubDays, lines: publications },
    { kind: 'refused-mail', total: refused.reduce((n, r) => n + r.count, 0), lines: refused },
    { kind: 'failed-jobs', total: failed.reduce((n, f) => n + f.count, 0), lines: failed },
    { kind: 'keys', days: keyDays, lines: keys },
  ];
  const sections = all.filter((s) => s.lines.length > 0);
  return { day: i.day, now: i.now, since: i.since, sections, empty: sections.length === 0 };
}
