// The website track (guideline §4; 002 資料1 VI, 資料2 IV; 003; issue 11) as a pure
// function, after product.ts: `decideWebsite(case, event, now, settings)` returns the
// decisions (data) the caller carries out in one transaction. Nothing here talks to mail,
// the database, the web or the system clock.
//
// The snapshot carries what was already done (first contact, reminders, alerts), and every
// time rule compares `now` with it, so a tick repeated at the same `now` on the updated
// snapshot decides nothing new. A coordinator command that is not allowed yields exactly
// one `error` decision and nothing else. No decision can publish anything (website-state.ts).
import { addCalendarDays, addDays, jstDate, type IsoDate } from '../domain/clock.ts';
import { mailGoesNow, type MailDeferral } from './business-days.ts';
import { operatorHasDetails, transitionOperatorContact, transitionOperatorId, type OperatorContactEvent, type OperatorIdEvent } from '../domain/operator.ts';
import { TransitionError, transition as transitionRm, type RmEvent } from '../domain/states.ts';
import { namesReporter, RuleRefusal, type StopReason } from './product.ts';
import {
  applyWebsiteDecision,
  DEFAULT_WEBSITE_SETTINGS,
  newCaseOperator,
  type CaseOperator,
  type OperatorCandidate,
  type OperatorNotice,
  type OperatorProposedEvent,
  type OperatorRef,
  type OperatorReplyEvent,
  type WebsiteCase,
  type WebsiteCommand,
  type WebsiteDecision,
  type WebsiteEvent,
  type WebsiteSettings,
} from './website-state.ts';
import type { CoordinatorNoticeKind } from './website-notices.ts';

export * from './website-state.ts';

function refuse(message: string): never {
  throw new RuleRefusal(message);
}

/** The working copy: every decision is applied at once, so later steps see its effect. */
class Out {
  readonly decisions: WebsiteDecision[] = [];
  constructor(
    public c: WebsiteCase,
    readonly now: Date,
    readonly s: WebsiteSettings,
  ) {}

  push(...ds: WebsiteDecision[]): void {
    for (const d of ds) {
      this.decisions.push(d);
      this.c = applyWebsiteDecision(this.c, d);
    }
  }

  record(event: string, detail: string): void {
    this.push({ type: 'record', event, detail });
  }

  get today(): IsoDate {
    return jstDate(this.now);
  }

  operator(): CaseOperator {
    const op = this.c.operator;
    if (op === null) refuse(`case ${this.c.id} has no confirmed operator: confirm one with X-CONFIRM-OPERATOR`);
    return op;
  }

  // One helper per machine: the table decides; an unchanged state emits no decision.
  rm(e: RmEvent): void {
    const to = transitionRm(this.c.rm, e);
    if (to !== this.c.rm) this.push({ type: 'set-state', machine: 'rm', to });
  }
  operatorId(e: OperatorIdEvent): void {
    const to = transitionOperatorId(this.c.operatorId, e);
    if (to !== this.c.operatorId) this.push({ type: 'set-state', machine: 'operator-id', to });
  }
  contact(e: OperatorContactEvent): void {
    const from = this.operator().contact;
    const to = transitionOperatorContact(from, e);
    if (to !== from) this.push({ type: 'set-state', machine: 'operator-contact', to });
  }

  notifyOperator(notice: OperatorNotice): void {
    this.push({ type: 'notify-operator', notice });
  }
  alert(kind: CoordinatorNoticeKind, detail: string, date?: IsoDate): void {
    this.push({ type: 'notify-coordinators', notice: { kind, detail, ...(date !== undefined ? { date } : {}) } });
  }
}

/** The website-track rules. `now` is the instant the event is handled (from the Clock). */
export function decideWebsite(c: WebsiteCase, event: WebsiteEvent, now: Date, settings: WebsiteSettings = DEFAULT_WEBSITE_SETTINGS): WebsiteDecision[] {
  if (!Number.isFinite(now.getTime())) throw new RangeError('decideWebsite: invalid now');
  const o = new Out(c, now, settings);
  try {
    switch (event.type) {
      case 'tick':
        onTick(o, event.deferMail);
        break;
      case 'operator-proposed':
        onOperatorProposed(o, event);
        break;
      case 'operator-reply':
        onOperatorReply(o, event);
        break;
      default:
        onCommand(o, event);
    }
  } catch (e) {
    // A refused command, or a snapshot the tables do not allow: nothing half-done.
    if (e instanceof RuleRefusal || e instanceof TransitionError) return [{ type: 'error', message: e.message }];
    throw e;
  }
  return o.decisions;
}

/** Run the rules and apply their decisions: the next snapshot and what was decided. */
export function stepWebsite(c: WebsiteCase, event: WebsiteEvent, now: Date, settings: WebsiteSettings = DEFAULT_WEBSITE_SETTINGS): { case: WebsiteCase; decisions: WebsiteDecision[] } {
  const decisions = decideWebsite(c, event, now, settings);
  return { case: decisions.reduce(applyWebsiteDecision, c), decisions };
}

// ---- derived values ---------------------------------------------------------------------

/** The fix target: 起算日 + websiteFixDays (guideline §4 item 3: about three months; §8: 90). */
export function fixTargetOf(start: IsoDate, s: WebsiteSettings = DEFAULT_WEBSITE_SETTINGS): IsoDate {
  return addCalendarDays(start, s.websiteFixDays);
}

/**
 * When the operator's next reminder (or, after the last one, the silence alert) is due: 7
 * days after the details went (or after the first contact while a key is awaited), then 7
 * days after each reminder (guideline §8). Null when nothing is due from the operator.
 */
export function nextReminderAt(op: CaseOperator, s: WebsiteSettings = DEFAULT_WEBSITE_SETTINGS): Date | null {
  if (op.contact !== 'awaiting-key' && op.contact !== 'notified') return null;
  if (op.reminders >= s.operatorSilentAfterReminders && op.silentAlertedAt !== null) return null;
  const last = op.lastReminderAt ?? op.detailsSentAt ?? op.firstContactAt;
  if (last === null) return null;
  return addDays(last, op.reminders === 0 ? s.reminderAfterDays : s.reminderEveryDays);
}

// ---- shared steps -----------------------------------------------------------------------

/**
 * issue 11: the clock starts at the first contact attempt to the operator (起算日), with a
 * key or without; the fix target is fixed then (the operator is told this date).
 */
function startClock(o: Out): void {
  if (o.c.firstContactDate !== null) return;
  o.push({ type: 'update-case', patch: { firstContactDate: o.today, fixTarget: fixTargetOf(o.today, o.s) } });
}

/**
 * guideline §4 item 2: the operator is notified directly. With a pinned key it gets the
 * details encrypted to that key; without one, a content-free first contact asking for a
 * key, and the coordinators are told (fail closed: nothing of the case in clear).
 */
function contactOperator(o: Out, key: string | null): void {
  const before = o.operator();
  if (key !== null) {
    const first = before.detailsSentAt === null;
    o.contact('notify');
    o.push({
      type: 'update-operator',
      patch: {
        keyFingerprint: key,
        firstContactAt: before.firstContactAt ?? o.now,
        detailsSentAt: before.detailsSentAt ?? o.now,
        lastContactAt: o.now,
        // The details just went: the reminders count from them (guideline §8), not from the key request.
        ...(first ? { reminders: 0, lastReminderAt: null, silentAlertedAt: null } : {}),
      },
    });
    startClock(o);
    const fixTarget = o.c.fixTarget ?? fixTargetOf(o.today, o.s);
    o.notifyOperator({ kind: 'operator-notify', fixTarget, includeReporterIdentity: o.c.reporter.consent.shareIdentity === true, keyFingerprint: key });
    o.record('operator-notified', `${before.id}: details sent${first ? '' : ' again'}, encrypted; 起算日 ${o.c.firstContactDate ?? '?'}; fix target ${fixTarget}`);
    return;
  }
  o.contact('first-contact');
  o.push({ type: 'update-operator', patch: { keyFingerprint: null, firstContactAt: before.firstContactAt ?? o.now, lastContactAt: o.now } });
  startClock(o);
  o.notifyOperator({ kind: 'operator-first-contact' });
  const again = before.firstContactAt !== null;
  o.alert('coord-operator-no-key', `${before.id} has no pinned key: a content-free first contact${again ? ' went again' : ' went'} asking for one; pin its key (madoguchi operators) and send the details with X-NOTIFY-OPERATOR`);
  o.record('operator-first-contact', `${before.id}: no key; content-free first contact${again ? ' again' : ''}; 起算日 ${o.c.firstContactDate ?? '?'}`);
}

function requireOpen(o: Out): void {
  if (o.c.fixedAt !== null) refuse(`case ${o.c.id} is closed: the operator reported the fix`);
  if (o.c.rm !== 'accepted') refuse(`case ${o.c.id} is not accepted (report state "${o.c.rm}")`);
}

// ---- tick: time passes ------------------------------------------------------------------

function onTick(o: Out, deferMail: MailDeferral | undefined): void {
  if (o.c.rm !== 'accepted' || o.c.fixedAt !== null) return;
  const op = o.c.operator;
  if (op !== null) {
    // guideline §8: a silent operator is reminded 7 days after notification, then every 7;
    // after the last reminder the coordinators are told once (no public list for sites).
    const due = nextReminderAt(op, o.s);
    if (due !== null && o.now.getTime() >= due.getTime() && op.firstContactAt !== null) {
      const since = jstDate(op.firstContactAt);
      if (op.reminders >= o.s.operatorSilentAfterReminders) {
        o.push({ type: 'update-operator', patch: { silentAlertedAt: o.now } });
        o.alert('coord-operator-silent', `${op.id} has not answered ${op.reminders} reminder(s) since ${since}${op.contact === 'awaiting-key' ? ' (no key given)' : ''}; no more reminders: write to it another way, X-NOTIFY-OPERATOR, or X-STOP`);
        o.record('operator-silent', `${op.id}: ${op.reminders} reminder(s) unanswered`);
      } else if (mailGoesNow(o.now, due, deferMail)) {
        // issue 11: a reminder due on a Saturday, Sunday or holiday waits for the next
        // business day; the silence alert above is for the coordinators and does not wait.
        const n = op.reminders + 1;
        o.push({ type: 'update-operator', patch: { reminders: n, lastReminderAt: o.now, lastContactAt: o.now } });
        if (op.contact === 'notified' && op.keyFingerprint !== null) {
          o.notifyOperator({ kind: 'operator-remind', n, since, fixTarget: o.c.fixTarget ?? fixTargetOf(since, o.s), keyFingerprint: op.keyFingerprint });
        } else {
          o.notifyOperator({ kind: 'operator-key-reminder', n, since });
        }
        o.record('operator-reminded', `${op.id}: reminder ${n}${op.contact === 'awaiting-key' ? ' (key request, content-free)' : ''}`);
      }
    }
  }
  // guideline §4 item 3: the fix is expected by the target; the coordinators are alerted once on the day.
  const target = o.c.fixTarget;
  if (target !== null && o.c.fixTargetAlertedAt === null && o.today >= target) {
    o.push({ type: 'update-case', patch: { fixTargetAlertedAt: o.now } });
    const status = o.c.operator === null ? 'no operator' : `${o.c.operator.id} ${o.c.operator.contact}${o.c.operator.status ? ` (${o.c.operator.status})` : ''}`;
    o.alert('coord-fix-target', `the fix target ${target} has come with no fix reported; operator: ${status}`, target);
    o.record('fix-target', target);
  }
}

// ---- lookups (issue 11: the registry, security.txt, WKD propose) ------------------------

// The key's fingerprint is named: a coordinator who registers what the web proposed (issue
// 11: nothing fetched is trusted on its own) must know which key the desk found, to compare
// it with the key it pins (docs/operators.md).
const describeCandidate = (x: OperatorCandidate): string =>
  `${x.name ?? x.operatorId ?? '(unnamed)'} <${x.contact}> from ${x.source}${x.operatorId ? ` (registry ${x.operatorId})` : ''}${x.keyFingerprint ? ` with key ${x.keyFingerprint}` : ', no key'}`;

function onOperatorProposed(o: Out, e: OperatorProposedEvent): void {
  if (o.c.rm === 'invalid' || o.c.rm === 'closed') {
    o.record('operator-proposed', `${e.candidates.length} candidate(s) ignored: case ${o.c.rm}`);
    return;
  }
  if (o.c.operatorId === 'confirmed') {
    o.record('operator-proposed', `${e.candidates.length} candidate(s) ignored: ${o.c.operator?.id ?? '?'} is confirmed`);
    return;
  }
  const key = (x: OperatorCandidate): string => `${x.source}|${x.operatorId ?? ''}|${x.contact.toLowerCase()}`;
  const known = new Set(o.c.candidates.map(key));
  const fresh = e.candidates.filter((x) => !known.has(key(x)));
  if (o.c.candidates.length + fresh.length === 0) {
    o.alert('coord-confirm-operator', 'no operator found (registry, security.txt, WKD): identify the operator and confirm it with X-CONFIRM-OPERATOR');
    o.record('operator-proposed', 'none found');
    return;
  }
  if (fresh.length === 0) return o.record('operator-proposed', 'nothing new');
  o.operatorId('propose');
  o.push({ type: 'update-case', patch: { candidates: [...o.c.candidates, ...fresh] } });
  o.alert('coord-confirm-operator', `confirm the operator with X-CONFIRM-OPERATOR (nothing found on the web is trusted on its own): ${fresh.map(describeCandidate).join('; ')}`);
  o.record('operator-proposed', fresh.map(describeCandidate).join('; '));
}

// ---- operator replies (mail-protocol §4) ------------------------------------------------

function onOperatorReply(o: Out, e: OperatorReplyEvent): void {
  const r = e.reply;
  const said = [r.status ?? 'no status', r.comment ? 'comment' : null, r.proposedPublication ? 'a date (ignored: no publication for websites)' : null, r.advisoryUrl ? 'a URL' : null]
    .filter((x) => x !== null)
    .join(', ');
  const op = o.c.operator;
  const why =
    op === null || op.id !== e.operatorId
      ? 'is not the operator of this case'
      : o.c.fixedAt !== null
        ? 'wrote after the case closed (fix reported)'
        : o.c.rm !== 'accepted'
          ? `wrote about a case in state ${o.c.rm}`
          : !operatorHasDetails(op.contact)
            ? 'has not been sent the details yet (X-NOTIFY-OPERATOR once its key is pinned)'
            : null;
  if (op === null || why !== null) {
    o.record('operator-reply', `${e.operatorId}: ${said} (not processed)`);
    o.alert('coord-reply-out-of-scope', `${e.operatorId} ${why ?? ''}`);
    return;
  }
  o.record('operator-reply', `${op.id}: ${said}`);
  o.push({ type: 'update-operator', patch: { lastAnswerAt: o.now, ...(r.status !== undefined ? { status: r.status } : {}) } });
  if (r.status !== 'fixed') {
    o.contact('answer');
    if (r.status === 'not-affected') {
      o.alert('coord-operator-not-vulnerable', `${op.id} says the site is not vulnerable: ask the reporter (X-RELAY), or stop the case (X-STOP not-vulnerability)`);
    }
    return;
  }
  // guideline §4 item 4: the fix reported, the reporter is told (encrypted); §1: the
  // operator is thanked; the case closes. No advisory (§4 item 5).
  o.contact('report-fixed');
  o.push({ type: 'update-case', patch: { fixedAt: o.now } });
  o.rm('close');
  o.push({ type: 'notify-reporter', notice: { kind: 'reporter-site-fixed', fixedOn: o.today } });
  if (op.keyFingerprint !== null) o.notifyOperator({ kind: 'operator-thanks', keyFingerprint: op.keyFingerprint });
  o.alert('coord-operator-fixed', `${op.id} reported the fix on ${o.today}; the reporter is told and the case is closed (no advisory)`, o.today);
  o.record('site-fixed', `${op.id}; 起算日 ${o.c.firstContactDate ?? '?'}, fix target ${o.c.fixTarget ?? '?'}`);
}

// ---- coordinator commands ---------------------------------------------------------------

function onCommand(o: Out, cmd: WebsiteCommand): void {
  switch (cmd.type) {
    case 'accept':
      return accept(o);
    case 'reject':
      return reject(o, cmd.reason);
    case 'stop':
      return stop(o, cmd.reason, cmd.text ?? null);
    case 'note':
      if (cmd.text.trim() === '') refuse('an empty note');
      return o.record('note', cmd.text);
    case 'relay':
      return relay(o, cmd.operatorId, cmd.text);
    case 'confirm-operator':
      return confirmOperator(o, cmd.operator);
    case 'notify-operator':
      return notifyOperator(o, cmd.keyFingerprint);
  }
}

/** guideline §4 item 1 (acceptance as for products, §3.2); a confirmed operator is notified at once. */
function accept(o: Out): void {
  if (o.c.rm === 'accepted') return o.record('accept-confirmed', 'already accepted; nothing changed');
  if (o.c.rm === 'received') o.rm('validate');
  o.rm('accept');
  o.push({ type: 'notify-reporter', notice: { kind: 'reporter-accepted' } });
  o.record('accepted', `by a coordinator; ${o.c.operator === null ? 'no operator confirmed yet' : `operator ${o.c.operator.id}`}`);
  const op = o.c.operator;
  if (op !== null && op.contact === 'uncontacted') contactOperator(o, op.keyFingerprint);
}

/** guideline §3.2 via §4 item 1: not accepted; the reporter is told why. */
function reject(o: Out, reason: string): void {
  if (reason.trim() === '') refuse('a rejection needs a reason for the reporter');
  if (o.c.rm === 'accepted') refuse(`case ${o.c.id} is already accepted: stop it instead`);
  if (o.c.fixedAt !== null) refuse(`case ${o.c.id} is closed: the operator reported the fix`);
  o.rm('invalidate');
  o.push({ type: 'notify-reporter', notice: { kind: 'reporter-not-accepted', reason } });
  o.record('not-accepted', reason);
}

/**
 * guideline §3.3 via §4 item 1: handling stops; the reporter is told the reason; an operator
 * holding the details is told the case is over (and that they stay confidential).
 */
function stop(o: Out, reason: StopReason, text: string | null): void {
  if (o.c.fixedAt !== null) refuse(`case ${o.c.id} is closed: the operator reported the fix`);
  if (reason.kind === 'duplicate' && reason.caseId.trim() === '') refuse('a duplicate needs the case id it duplicates');
  if (o.c.rm === 'received' || o.c.rm === 'valid') o.rm('invalidate');
  else if (o.c.rm === 'accepted' || o.c.rm === 'deferred') o.rm('close');
  else refuse(`case ${o.c.id} is already ${o.c.rm}`);
  const op = o.c.operator;
  if (op !== null && operatorHasDetails(op.contact) && op.keyFingerprint !== null) {
    o.notifyOperator({ kind: 'operator-stopped', reason: reason.kind, keyFingerprint: op.keyFingerprint });
  }
  // The duplicate's case id stays with the coordinators.
  o.push({ type: 'notify-reporter', notice: { kind: 'reporter-stopped', reason: reason.kind } });
  const why = reason.kind === 'duplicate' ? `duplicate of ${reason.caseId}` : reason.kind;
  o.record('stopped', text !== null && text.trim() !== '' ? `${why}: ${text.trim()}` : why);
}

/**
 * issue 11: a coordinator confirms the operator (from the registry, where a web finding is
 * entered first). On an accepted case it is contacted at once. Another operator may be
 * confirmed only while the first was not contacted: one that holds the case is not
 * silently replaced.
 */
function confirmOperator(o: Out, ref: OperatorRef): void {
  if (ref.id.trim() === '') refuse('name the operator (its registry id)');
  if (o.c.fixedAt !== null) refuse(`case ${o.c.id} is closed: the operator reported the fix`);
  if (o.c.rm === 'invalid' || o.c.rm === 'closed') refuse(`case ${o.c.id} is ${o.c.rm}`);
  const cur = o.c.operator;
  if (cur !== null && cur.contact !== 'uncontacted') {
    refuse(`${cur.id} is the operator and was already written to${cur.id === ref.id ? ': X-NOTIFY-OPERATOR writes again' : '; it is not replaced (stop the case, or write through X-RELAY)'}`);
  }
  o.operatorId('confirm');
  o.push({ type: 'set-operator', operator: newCaseOperator(ref) });
  if (o.c.candidates.length > 0) o.push({ type: 'update-case', patch: { candidates: [] } });
  o.record('operator-confirmed', `${ref.id} (${ref.source}${ref.keyFingerprint ? ', key pinned' : ', no key'})${cur !== null && cur.id !== ref.id ? `; replaces ${cur.id}` : ''}`);
  if (o.c.rm === 'accepted') contactOperator(o, ref.keyFingerprint);
}

/**
 * Send the details now (a key was pinned since the content-free first contact), or again to
 * a silent operator; the 起算日, the fix target and the reminders stay as they are. An
 * operator that answered is written to by X-RELAY. Written to at this very instant (the
 * confirmation in the same mail): once is enough.
 */
function notifyOperator(o: Out, key: string | null): void {
  requireOpen(o);
  const op = o.operator();
  if (op.contact === 'answered') refuse(`${op.id} has answered: write to it with X-RELAY`);
  if (op.contact === 'notified' && key === null) refuse(`${op.id} has no pinned key now: nothing can be sent to it encrypted`);
  if (op.lastContactAt !== null && op.lastContactAt.getTime() === o.now.getTime()) {
    return o.record('operator-not-notified', `${op.id} was written to just now`);
  }
  contactOperator(o, key);
}

/**
 * A coordinator's words to the operator or the reporter; the desk speaks for the other side.
 * To the operator only once it holds the details, encrypted to its key (a relay in clear
 * would leak what the first contact withheld); a text naming a reporter who did not consent
 * is refused (guideline §2).
 */
function relay(o: Out, operatorId: string | null, text: string): void {
  if (o.c.rm !== 'accepted' && o.c.fixedAt === null) refuse(`case ${o.c.id} is not accepted (report state "${o.c.rm}")`);
  if (text.trim() === '') refuse('an empty message to relay');
  if (operatorId === null) {
    o.push({ type: 'notify-reporter', notice: { kind: 'reporter-relay', text } });
    return o.record('relayed', `relayed ${String([...text].length)} characters to the reporter`);
  }
  const op = o.operator();
  if (op.id !== operatorId) refuse(`${operatorId} is not the operator of ${o.c.id} (${op.id} is)`);
  if (!operatorHasDetails(op.contact) || op.keyFingerprint === null) refuse(`${op.id} has not been sent the details (no key): messages are relayed encrypted only`);
  const r = o.c.reporter;
  if (r.consent.shareIdentity !== true && namesReporter(text, r.name)) {
    refuse('the text names the reporter, who has not consented to share their identity with the operator (guideline §2)');
  }
  o.notifyOperator({ kind: 'operator-relay', text, keyFingerprint: op.keyFingerprint });
  o.record('relayed', `relayed ${String([...text].length)} characters to ${op.id}`);
}

// ---- the case state ---------------------------------------------------------------------

export const WEBSITE_CASE_STATES = [
  /** Screened, not accepted yet (RM received or valid). */
  'received',
  'deferred',
  /** Accepted, the operator not contacted yet (not identified, proposed, or confirmed). */
  'accepted',
  /** A content-free first contact went: the desk waits for the operator's key. */
  'awaiting-key',
  /** The details went (encrypted); no answer yet. */
  'operator-notified',
  /** The operator answered, no fix reported yet. */
  'operator-answered',
  /** The operator reported the fix; the reporter was told. Final. */
  'fixed',
  /** Handling stopped after acceptance (RM closed). Final. */
  'stopped',
  /** Not accepted, or stopped before acceptance (RM invalid). Final. */
  'not-accepted',
] as const;
export type WebsiteCaseState = (typeof WEBSITE_CASE_STATES)[number];

export const WEBSITE_FINAL_CASE_STATES = ['fixed', 'stopped', 'not-accepted'] as const satisfies readonly WebsiteCaseState[];

/** The state of a website case, from its snapshot alone (what `cases.state` holds). */
export function websiteCaseState(c: WebsiteCase): WebsiteCaseState {
  if (c.fixedAt !== null) return 'fixed';
  switch (c.rm) {
    case 'closed':
      return 'stopped';
    case 'invalid':
      return 'not-accepted';
    case 'received':
    case 'valid':
      return 'received';
    case 'deferred':
      return 'deferred';
    case 'accepted':
      break;
  }
  switch (c.operator?.contact ?? 'uncontacted') {
    case 'uncontacted':
      return 'accepted';
    case 'awaiting-key':
      return 'awaiting-key';
    case 'notified':
      return 'operator-notified';
    case 'answered':
      return 'operator-answered';
    case 'fixed':
      return 'fixed';
  }
}
