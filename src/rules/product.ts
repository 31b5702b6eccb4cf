// The product track (guideline §3; 002 資料1 V, 資料2 III; 003) as a pure function:
// `decideProduct(case, event, now, settings)` returns the decisions (data) the caller
// carries out in one transaction — notices, state changes, timeline entries. Nothing here
// talks to mail, the database or the system clock; `now` comes from an injectable Clock.
//
// The snapshot carries what was already done (first contact, reminders, list entries,
// notices), and every time rule compares `now` with it, so a tick repeated at the same
// `now` on the updated snapshot decides nothing new. A coordinator command that is not
// allowed yields exactly one `error` decision and nothing else.
import { addCalendarDays, addCalendarYears, addDays, isIsoDate, jstDate, jstStartOfDay, publicationTarget, type IsoDate } from '../domain/clock.ts';
import { mailGoesNow, type MailDeferral } from './business-days.ts';
import { TransitionError, transition as transitionRm, type RmEvent } from '../domain/states.ts';
import type { CommandError } from '../domain/refusals.ts';
import {
  coordinationLabel,
  pxaFlags,
  transitionCoordination,
  transitionEm,
  transitionFix,
  transitionImpossible,
  transitionPxa,
  type CoordinationEvent,
  type EmEvent,
  type FixEvent,
  type ImpossibleEvent,
  type PxaEvent,
} from '../domain/vultron.ts';
import {
  applyDecision,
  DEFAULT_SETTINGS,
  type Advisory,
  type AdvisoryVendorStatus,
  type CaseVendor,
  type CoordinatorCommand,
  type ProductCase,
  type ProductDecision,
  type ProductEvent,
  type Settings,
  type StopReason,
  type VendorPatch,
  type VendorReplyEvent,
  type VendorsMatchedEvent,
  newVendor,
  priorityOf,
} from './product-state.ts';
import { mayPriorityNotice } from './priority-notice.ts';

export * from './product-state.ts';

/**
 * A command the guideline does not allow now; becomes the single `error` decision. `refusal`
 * is its code in the catalogue (src/domain/refusals.ts) when the confirmation says more than
 * "not allowed now" (the coordinator can act on it); without one it is `not-allowed` with
 * the message.
 */
export class RuleRefusal extends Error {
  override name = 'RuleRefusal';
  constructor(
    message: string,
    readonly refusal?: CommandError,
  ) {
    super(message);
  }
}

function refuse(message: string, refusal?: CommandError): never {
  throw new RuleRefusal(message, refusal);
}

/** The working copy: every decision is applied at once, so later steps see its effect. */
class Out {
  readonly decisions: ProductDecision[] = [];
  constructor(
    public c: ProductCase,
    readonly now: Date,
    readonly s: Settings,
  ) {}

  push(...ds: ProductDecision[]): void {
    for (const d of ds) {
      this.decisions.push(d);
      this.c = applyDecision(this.c, d);
    }
  }

  record(event: string, detail: string): void {
    this.push({ type: 'record', event, detail });
  }

  vendor(id: string): CaseVendor {
    const v = this.c.vendors.find((x) => x.id === id);
    if (!v) refuse(`case ${this.c.id} has no vendor "${id}"`, { code: 'vendor-not-in-case', vendor: id });
    return v;
  }

  get today(): IsoDate {
    return jstDate(this.now);
  }

  // One helper per machine: the table decides; an unchanged state emits no decision.
  rm(e: RmEvent): void {
    const to = transitionRm(this.c.rm, e);
    if (to !== this.c.rm) this.push({ type: 'set-state', machine: 'rm', to });
  }
  em(e: EmEvent): void {
    const to = transitionEm(this.c.em, e);
    if (to !== this.c.em) this.push({ type: 'set-state', machine: 'em', to });
  }
  pxa(e: PxaEvent): void {
    const to = transitionPxa(this.c.pxa, e);
    if (to !== this.c.pxa) this.push({ type: 'set-state', machine: 'pxa', to });
  }
  impossible(e: ImpossibleEvent): void {
    const to = transitionImpossible(this.c.impossible, e);
    if (to !== this.c.impossible) this.push({ type: 'set-state', machine: 'impossible', to });
  }
  fix(vendorId: string, e: FixEvent): void {
    const from = this.vendor(vendorId).fix;
    const to = transitionFix(from, e);
    if (to !== from) this.push({ type: 'set-state', machine: 'fix', vendorId, to });
  }
  coordination(vendorId: string, e: CoordinationEvent): void {
    const from = this.vendor(vendorId).coordination;
    const to = transitionCoordination(from, e);
    if (to !== from) this.push({ type: 'set-state', machine: 'coordination', vendorId, to });
  }

  /** Every notice to a vendor: identity only with consent (guideline §2; 資料1 2.(4)). */
  notifyVendor(vendorId: string, n: Omit<Extract<ProductDecision, { type: 'notify-vendor' }>, 'type' | 'vendorId' | 'includeReporterIdentity' | 'offerDirectContact'>): void {
    const consent = this.c.reporter.consent;
    this.push({ type: 'notify-vendor', vendorId, includeReporterIdentity: consent.shareIdentity === true, offerDirectContact: consent.directContact === true, ...n });
  }
}

/**
 * The product-track rules. `now` is the instant the event is handled (from the Clock);
 * `settings` default to guideline §8.
 */
export function decideProduct(c: ProductCase, event: ProductEvent, now: Date, settings: Settings = DEFAULT_SETTINGS): ProductDecision[] {
  if (!Number.isFinite(now.getTime())) throw new RangeError('decideProduct: invalid now');
  const o = new Out(c, now, settings);
  try {
    switch (event.type) {
      case 'tick':
        onTick(o, event.deferMail);
        break;
      case 'vendor-reply':
        onVendorReply(o, event);
        break;
      case 'vendors-matched':
        onVendorsMatched(o, event);
        break;
      default:
        onCommand(o, event);
    }
  } catch (e) {
    // A refused command, or a snapshot the tables do not allow: nothing half-done.
    if (e instanceof RuleRefusal && e.refusal) return [{ type: 'error', message: e.message, refusal: e.refusal }];
    if (e instanceof RuleRefusal || e instanceof TransitionError) return [{ type: 'error', message: e.message }];
    throw e;
  }
  return o.decisions;
}

/** Run the rules and apply their decisions: the next snapshot and what was decided. */
export function stepProduct(c: ProductCase, event: ProductEvent, now: Date, settings: Settings = DEFAULT_SETTINGS): { case: ProductCase; decisions: ProductDecision[] } {
  const decisions = decideProduct(c, event, now, settings);
  return { case: decisions.reduce(applyDecision, c), decisions };
}

// ---- derived values ---------------------------------------------------------------------

/**
 * The date from which the reporter may withdraw the non-disclosure request: 起算日 +
 * `withdrawAfterDays`, and never before the calendar anniversary for each whole 365 days
 * (guideline §3.9; 003 *9 says one year *or more*: 365 days from a date before 29 February
 * would fall a day short).
 */
export function withdrawalDate(start: IsoDate, s: Settings = DEFAULT_SETTINGS): IsoDate {
  const byDays = addCalendarDays(start, s.withdrawAfterDays);
  const years = Math.floor(s.withdrawAfterDays / 365);
  const byYears = years > 0 ? addCalendarYears(start, years) : byDays;
  return byDays > byYears ? byDays : byYears;
}

/** The name in the advisory's credit, or null: only when the reporter asked (資料2 III.4.7). */
export function creditOf(c: ProductCase): string | null {
  const k = c.reporter.consent;
  if (k.credit !== true) return null;
  const name = (k.creditName ?? '').trim() || c.reporter.name.trim();
  return name === '' ? null : name;
}

/** What the advisory (and the CSAF/CVE exports, src/export/) say of a vendor, from its fix track. */
export function advisoryStatus(v: CaseVendor): AdvisoryVendorStatus {
  if (v.fix === 'not-affected') return 'not-affected';
  if (v.fix === 'fix-ready' || v.fix === 'fix-deployed') return 'fixed';
  if (v.fix === 'vendor-aware' && v.status === 'affected') return 'affected';
  return 'unknown';
}

/** Vendors the desk has written to: the parties told of schedule and publication. */
const contacted = (c: ProductCase): CaseVendor[] => c.vendors.filter((v) => v.coordination !== 'unnotified');
const isListed = (v: CaseVendor): boolean => v.vendorNamePublishedAt !== null;

/** Publication on the agreed date (guideline §3.5, §3.13; 001: one common date). */
function publicationDue(c: ProductCase, today: IsoDate): boolean {
  const agreed = c.publication.agreed;
  if (agreed === null || today < agreed) return false;
  if (c.em !== 'active' && c.em !== 'revise') return false;
  // §3.8: while the committee has not decided, or when it decided not to, nothing is published.
  if (c.impossible === 'open' || c.impossible === 'vendor-invited') return false;
  if (c.procedure?.outcome === 'do-not-publish') return false;
  // Nothing to publish when every vendor said it is not affected (coordinators were told).
  return c.vendors.some((v) => v.fix !== 'not-affected');
}

// ---- shared steps -----------------------------------------------------------------------

/**
 * The case's 起算日 is the JST date of the first contact attempt to any of its vendors
 * (guideline §3.4; 003 *5); the desk then proposes the publication target, 起算日 + 45
 * days (§3.5; 003 *9), as the embargo.
 */
function startClock(o: Out): void {
  if (o.c.firstContactDate === null) o.push({ type: 'update-case', patch: { firstContactDate: o.today } });
  if (o.c.em === 'none') {
    o.em('propose');
    const target = publicationTarget(o.c.firstContactDate ?? o.today, o.s.publicationDays);
    o.push({ type: 'update-case', patch: { publication: { proposed: target, proposedBy: 'desk', agreed: null } } });
  }
}

/** guideline §3.4: the vendor is notified promptly; the first attempt is its 起算日. */
function notifyVendor(o: Out, vendorId: string): void {
  const before = o.vendor(vendorId);
  o.coordination(vendorId, 'notify');
  o.fix(vendorId, 'notify');
  o.push({ type: 'update-vendor', vendorId, patch: { firstContactAt: before.firstContactAt ?? o.now, lastContactAt: o.now } });
  startClock(o);
  const date = o.c.publication.agreed ?? o.c.publication.proposed;
  o.notifyVendor(vendorId, { template: 'notify', date });
  o.record('vendor-notified', `${vendorId}: first contact attempt${before.firstContactAt ? ' (again)' : ''}; case 起算日 ${o.c.firstContactDate ?? '?'}; publication ${date ?? 'not scheduled'}`);
  // A vendor added later has less time than its own 45 days (001: one date for all).
  const own = publicationTarget(o.now, o.s.publicationDays);
  if (before.firstContactAt === null && date !== null && own > date && o.c.firstContactDate !== o.today) {
    o.push({ type: 'notify-coordinators', template: 'late-vendor', vendorId, date, detail: `${vendorId} was first contacted on ${o.today}; its own target would be ${own}, the case date is ${date}` });
  }
}

/** guideline §3.7; 003 *8: 連絡不能. Coordinators alerted; the vendor's name goes on the public list. */
function markUnreachable(o: Out, vendorId: string, why: string): void {
  const v = o.vendor(vendorId);
  o.coordination(vendorId, 'mark-unreachable');
  if (v.fix === 'vendor-unaware') o.fix(vendorId, 'unreachable');
  o.push({
    type: 'update-vendor',
    vendorId,
    patch: { unreachableSince: o.now, vendorNamePublishedAt: o.now, productNamePublishedAt: null, firstContactAt: v.firstContactAt ?? o.now },
  });
  startClock(o);
  o.push({ type: 'publish-unreachable-list', change: 'add-vendor', vendorId });
  o.push({ type: 'notify-coordinators', template: 'vendor-unreachable', vendorId, detail: `${v.name} (${vendorId}) is unreachable: ${why}; its name is published on the unreachable list` });
  o.record('vendor-unreachable', `${vendorId}: ${why}`);
}

/** Off the public unreachable list (003 *8: removed when contact resumes, or the case ends). */
function unlist(o: Out, vendorId: string): void {
  if (!isListed(o.vendor(vendorId))) return;
  o.push({ type: 'publish-unreachable-list', change: 'remove', vendorId });
  o.push({ type: 'update-vendor', vendorId, patch: { vendorNamePublishedAt: null, productNamePublishedAt: null } });
}

/**
 * The vendor answered, or a coordinator says contact resumed (guideline §3.7; 003 *8):
 * contact is established, the vendor is aware, and an unreachable vendor comes off the
 * public list and the coordinators are told (`reachableDetail`).
 */
function contactEstablished(o: Out, vendorId: string, reachableDetail: string): void {
  const v = o.vendor(vendorId);
  const wasUnreachable = v.coordination === 'unreachable';
  o.coordination(vendorId, 'answer');
  if (v.fix === 'vendor-unaware' || v.fix === 'unreachable') o.fix(vendorId, 'acknowledge');
  o.push({ type: 'update-vendor', vendorId, patch: { lastAnswerAt: o.now, unreachableSince: null } });
  unlist(o, vendorId);
  if (wasUnreachable) o.push({ type: 'notify-coordinators', template: 'vendor-reachable', vendorId, detail: reachableDetail });
}

/** Ends the embargo however it stands: a proposal is rejected, an agreement terminated. */
function endEmbargo(o: Out): void {
  if (o.c.em === 'proposed') o.em('reject');
  else if (o.c.em === 'active' || o.c.em === 'revise') o.em('terminate');
}

/**
 * guideline §3.13: the desk publishes together with the vendors and tells the reporter;
 * every contacted vendor and the coordinators are told. The advisory holds summary-class
 * information only (§2) and the reporter's name only with consent.
 */
function publish(o: Out, how: string): void {
  const date = o.today;
  const credit = creditOf(o.c);
  const advisory: Advisory = {
    caseId: o.c.id,
    date,
    vendors: o.c.vendors.map((v) => ({
      vendorId: v.id,
      name: v.name,
      product: v.product,
      status: advisoryStatus(v),
      fixedVersions: v.fixedVersions,
      workaround: v.workaround,
      advisoryUrl: v.advisoryUrl,
    })),
    credit,
    byCommittee: o.c.procedure?.outcome === 'publish',
  };
  o.push({ type: 'send-advisory', advisory });
  if (o.c.em === 'active' || o.c.em === 'revise') o.em('terminate');
  if (!pxaFlags(o.c.pxa).publicAware) o.pxa('public-aware');
  for (const v of o.c.vendors) if (v.fix === 'fix-ready') o.fix(v.id, 'fix-deployed');
  o.push({ type: 'update-case', patch: { publishedAt: o.now } });
  for (const v of contacted(o.c)) o.notifyVendor(v.id, { template: 'published', date });
  o.push({ type: 'notify-reporter', template: 'published', date, credit });
  o.push({ type: 'notify-coordinators', template: 'published', date, detail: `${o.c.id} published on ${date} (${how})` });
  o.record('published', `${how}; credit ${credit === null ? 'none (no consent)' : 'per consent'}`);
}

// ---- tick: time passes ------------------------------------------------------------------

function onTick(o: Out, deferMail: MailDeferral | undefined): void {
  const s = o.s;
  if (o.c.rm !== 'accepted' || o.c.publishedAt !== null) return;

  // Publication day (guideline §3.5, §3.13): before it, no advisory leaves the case.
  if (publicationDue(o.c, o.today)) {
    publish(o, `agreed date ${o.c.publication.agreed ?? ''}`);
    return;
  }

  for (const v of o.c.vendors) {
    // guideline §8: a silent vendor is reminded 7 days after the first contact attempt,
    // then every 7 days; after 3 unanswered reminders it is unreachable (003 *8).
    if ((v.coordination === 'notified' || v.coordination === 'reminded') && v.firstContactAt !== null) {
      const last = v.lastReminderAt ?? v.firstContactAt;
      const wait = v.reminders === 0 ? s.reminderAfterDays : s.reminderEveryDays;
      const due = addDays(last, wait);
      if (o.now.getTime() >= due.getTime()) {
        if (v.reminders >= s.unreachableAfterReminders) {
          // Not mail to the vendor: the count of the guideline's calendar days (§8) stands.
          markUnreachable(o, v.id, `no answer to ${v.reminders} reminder(s) since ${jstDate(v.firstContactAt)}`);
        } else if (mailGoesNow(o.now, due, deferMail)) {
          // issue 11: a reminder due on a Saturday, Sunday or holiday waits for the next business day.
          const n = v.reminders + 1;
          o.coordination(v.id, 'remind');
          o.push({ type: 'update-vendor', vendorId: v.id, patch: { reminders: n, lastReminderAt: o.now, lastContactAt: o.now } });
          o.push({ type: 'remind-vendor', vendorId: v.id, n, since: v.firstContactAt });
          o.record('vendor-reminded', `${v.id}: reminder ${n}`);
        }
      }
    }
    // guideline §3.7; 003: the product name and version follow about three months later.
    if (v.coordination === 'unreachable' && v.vendorNamePublishedAt !== null && v.productNamePublishedAt === null) {
      if (o.now.getTime() >= addDays(v.vendorNamePublishedAt, s.productNameAfterDays).getTime()) {
        o.push({ type: 'update-vendor', vendorId: v.id, patch: { productNamePublishedAt: o.now } });
        o.push({ type: 'publish-unreachable-list', change: 'add-product', vendorId: v.id });
        o.push({ type: 'notify-coordinators', template: 'product-name-published', vendorId: v.id, detail: `${v.name}: still silent; product ${v.product ?? '(unnamed)'} added to the unreachable list` });
        o.record('product-name-published', v.id);
      }
    }
  }

  // guideline §3.8: the vendor's time to state its view is over; the committee may decide.
  const p = o.c.procedure;
  if (o.c.impossible === 'vendor-invited' && p && p.vendorViewAt === null && p.deadlineAlertedAt === null && o.today > p.deadline) {
    o.push({ type: 'update-case', patch: { procedure: { ...p, deadlineAlertedAt: o.now } } });
    o.push({ type: 'notify-coordinators', template: 'impossible-deadline', date: p.deadline, detail: `no view from ${p.vendorIds.join(', ')} by ${p.deadline}: the committee may decide` });
    o.record('impossible-deadline', p.deadline);
  }

  // guideline §3.9; 003 *9: one year or more after 起算日 the reporter may withdraw the
  // non-disclosure request; the desk tells them once.
  const start = o.c.firstContactDate;
  // The right begins on its date (calendar days); the mail telling the reporter waits for a business day (issue 11).
  if (start !== null && o.c.withdrawalNoticeAt === null && o.today >= withdrawalDate(start, s) && mailGoesNow(o.now, jstStartOfDay(withdrawalDate(start, s)), deferMail)) {
    o.push({ type: 'update-case', patch: { withdrawalNoticeAt: o.now } });
    o.push({ type: 'notify-reporter', template: 'may-withdraw', since: start });
    o.record('withdrawal-notice', `起算日 ${start}`);
  }
}

// ---- vendor replies (mail-protocol §4) --------------------------------------------------

function onVendorReply(o: Out, e: VendorReplyEvent): void {
  const r = e.reply;
  const said = [r.status ?? 'no status', r.proposedPublication ? `date ${r.proposedPublication}` : null, r.fixedVersions ? 'fixed versions' : null, r.advisoryUrl ? 'advisory URL' : null]
    .filter((x) => x !== null)
    .join(', ');
  const v0 = o.c.vendors.find((x) => x.id === e.vendorId);
  if (!v0 || o.c.rm !== 'accepted' || v0.coordination === 'unnotified') {
    o.record('vendor-reply', `${e.vendorId}: ${said} (not processed)`);
    const why = !v0 ? 'is not a vendor of this case' : o.c.rm !== 'accepted' ? `wrote about a case in state ${o.c.rm}` : 'was not notified yet';
    o.push({ type: 'notify-coordinators', template: 'reply-out-of-scope', vendorId: e.vendorId, detail: `${e.vendorId} ${why}` });
    return;
  }
  const id = v0.id;
  o.record('vendor-reply', `${id}: ${said}`);

  // Any answer: contact established (003 *8: the unreachable entry is removed).
  contactEstablished(o, id, `${v0.name} answered; removed from the unreachable list`);

  // The fix path (Vultron V → F; not-affected is final).
  const fix = o.vendor(id).fix;
  let conflict: string | null = null;
  switch (r.status) {
    case 'not-affected':
      if (fix === 'vendor-aware') o.fix(id, 'not-affected');
      else if (fix !== 'not-affected') conflict = `said not affected after reporting a fix (${fix})`;
      break;
    case 'fixed':
      if (fix === 'vendor-aware') o.fix(id, 'fix-ready');
      else if (fix === 'not-affected') conflict = 'said fixed after saying not affected';
      break;
    case 'affected':
    case 'investigating':
      if (fix === 'not-affected') conflict = `said ${r.status} after saying not affected`;
      break;
    case undefined:
      break;
  }
  if (conflict !== null) {
    o.push({ type: 'notify-coordinators', template: 'reply-conflict', vendorId: id, detail: `${id} ${conflict}; state kept` });
  }
  const patch: VendorPatch = {};
  if (r.status !== undefined && conflict === null) patch.status = r.status;
  if (r.fixedVersions !== undefined) patch.fixedVersions = r.fixedVersions;
  if (r.workaround !== undefined) patch.workaround = r.workaround;
  if (r.advisoryUrl !== undefined) patch.advisoryUrl = r.advisoryUrl;
  if (r.proposedPublication !== undefined) patch.proposedPublication = r.proposedPublication;
  if (Object.keys(patch).length > 0) o.push({ type: 'update-vendor', vendorId: id, patch });

  // guideline §3.14; 001: a vendor advisory before the common date may be an early publication.
  if (r.advisoryUrl !== undefined && o.c.publishedAt === null) {
    o.push({ type: 'notify-coordinators', template: 'advisory-url', vendorId: id, detail: `${id} gave an advisory URL before publication: check that nothing is public yet` });
  }

  if (r.proposedPublication !== undefined) vendorProposesDate(o, id, r.proposedPublication);

  // guideline §3.6: vendors do not talk to each other; the desk decides whom to add.
  if (e.otherVendorsAffected !== undefined && e.otherVendorsAffected.trim() !== '') {
    o.push({ type: 'notify-coordinators', template: 'other-vendors', vendorId: id, detail: e.otherVendorsAffected.trim() });
  }

  // guideline §3.8: an invited vendor's reply is its view for the committee.
  const p = o.c.procedure;
  if (o.c.impossible === 'vendor-invited' && p && p.vendorIds.includes(id) && p.vendorViewAt === null) {
    o.push({ type: 'update-case', patch: { procedure: { ...p, vendorViewAt: o.now } } });
    o.push({ type: 'notify-coordinators', template: 'impossible-view', vendorId: id, detail: `${id} stated its view for the publication judgment committee` });
  }

  if (r.status === 'not-affected' && o.c.vendors.every((v) => v.fix === 'not-affected') && o.c.publishedAt === null) {
    o.push({ type: 'notify-coordinators', template: 'all-not-affected', detail: `every vendor of ${o.c.id} says it is not affected: stop the case or add vendors` });
  }
}

/**
 * guideline §3.5: the vendor proposes a publication date; the coordinator agrees it
 * (set-date). The same date as the one on the table is the vendor's agreement; another is
 * a (counter-)proposal (EM propose, or revise while the agreed date stands).
 */
function vendorProposesDate(o: Out, vendorId: string, date: IsoDate): void {
  const cur = o.c.publication;
  if (!isIsoDate(date) || o.c.publishedAt !== null || o.c.em === 'exited' || date < o.today) {
    const why = !isIsoDate(date) ? 'not a date' : date < o.today ? 'in the past' : 'the embargo is over';
    o.push({ type: 'notify-coordinators', template: 'date-rejected', vendorId, date, detail: `${vendorId} proposed ${date}: ${why}; not taken` });
    return;
  }
  const onTable = o.c.em === 'proposed' || o.c.em === 'revise' ? cur.proposed : cur.agreed;
  if (date === onTable || (o.c.em === 'revise' && date === cur.agreed)) {
    o.record('date-agreed-by-vendor', `${vendorId}: ${date}`);
    return;
  }
  o.em(o.c.em === 'active' || o.c.em === 'revise' ? 'revise-propose' : 'propose');
  o.push({ type: 'update-case', patch: { publication: { ...o.c.publication, proposed: date, proposedBy: vendorId } } });
  o.push({ type: 'notify-coordinators', template: 'date-proposed', vendorId, date, detail: `${vendorId} proposes ${date}${cur.agreed ? ` (agreed: ${cur.agreed})` : ''}` });
}

// ---- vendor-list lookup (guideline §3.4) ------------------------------------------------

function onVendorsMatched(o: Out, e: VendorsMatchedEvent): void {
  if (o.c.rm === 'invalid' || o.c.rm === 'closed') {
    o.record('vendors-matched', `${e.candidates.length} candidate(s) ignored: case ${o.c.rm}`);
    return;
  }
  const fresh = e.candidates.filter((x) => !o.c.vendors.some((v) => v.id === x.id));
  const only = e.candidates.length === 1 ? fresh[0] : undefined;
  if (o.s.autoNotifySingleMatch && only) {
    o.push({ type: 'add-vendor', vendor: newVendor(only) });
    o.record('vendor-added', `${only.id} (single vendor-list match)`);
    if (o.c.rm === 'accepted') notifyVendor(o, only.id);
    return;
  }
  const names = fresh.map((x) => `${x.name} (${x.id})`).join(', ');
  o.push({ type: 'notify-coordinators', template: 'confirm-vendor', detail: fresh.length === 0 ? 'no new vendor-list match: identify the vendor' : `confirm the vendor(s): ${names}` });
  o.record('vendors-matched', names || 'none');
}

// ---- coordinator commands ---------------------------------------------------------------

function requireOpen(o: Out): void {
  if (o.c.rm !== 'accepted') refuse(`case ${o.c.id} is not accepted (report state "${o.c.rm}")`);
  if (o.c.publishedAt !== null) refuse(`case ${o.c.id} is already published`);
}

function onCommand(o: Out, cmd: CoordinatorCommand): void {
  switch (cmd.type) {
    case 'accept':
      return accept(o);
    case 'reject':
      return reject(o, cmd.reason);
    case 'stop':
      return stop(o, cmd.reason, cmd.text ?? null);
    case 'add-vendor': {
      if (o.c.rm === 'invalid' || o.c.rm === 'closed') refuse(`case ${o.c.id} is ${o.c.rm}`);
      if (o.c.publishedAt !== null) refuse(`case ${o.c.id} is already published`);
      if (o.c.vendors.some((v) => v.id === cmd.vendor.id)) refuse(`${cmd.vendor.id} is already a vendor of ${o.c.id}`, { code: 'vendor-already-in-case', vendor: cmd.vendor.id });
      o.push({ type: 'add-vendor', vendor: newVendor(cmd.vendor) });
      o.record('vendor-added', cmd.vendor.id);
      if (o.c.rm === 'accepted') notifyVendor(o, cmd.vendor.id);
      return;
    }
    case 'remove-vendor': {
      const v = o.vendor(cmd.vendorId);
      if (o.c.publishedAt !== null) refuse(`case ${o.c.id} is already published`);
      unlist(o, v.id);
      // It holds confidential information: it is told it is out, and to keep it so.
      if (v.coordination !== 'unnotified') o.notifyVendor(v.id, { template: 'withdrawn' });
      o.push({ type: 'remove-vendor', vendorId: v.id });
      o.record('vendor-removed', v.id);
      return;
    }
    case 'set-date':
      return setDate(o, cmd.date);
    case 'mark-unreachable':
      requireOpen(o);
      o.vendor(cmd.vendorId);
      return markUnreachable(o, cmd.vendorId, 'marked by a coordinator');
    case 'mark-reachable':
      return markReachable(o, cmd.vendorId);
    case 'notify-vendors':
      return notifyVendors(o);
    case 'direct-contact':
      return directContact(o, cmd.vendorId, cmd.vendorConsents);
    case 'open-impossible':
      return openImpossible(o, cmd.vendorIds);
    case 'committee-decision':
      return committeeDecision(o, cmd.decision);
    case 'publish':
      return publishNow(o);
    case 'flag':
      return flag(o, cmd.flag);
    case 'note':
      if (cmd.text.trim() === '') refuse('an empty note');
      return o.record('note', cmd.text);
    case 'relay':
      return relay(o, cmd.vendorId, cmd.text);
    case 'priority-consent':
      return priorityConsent(o, cmd.vendorId);
    case 'priority-notice':
      return priorityNotice(o, cmd.contacts, cmd.reporter, cmd.reporterNoticeSent);
  }
}

/**
 * guideline §3 item 12 ("after consulting the vendor"): the coordinator records the
 * vendor's consent to a priority notice. Only before publication; recorded again, the
 * newer consent replaces the older.
 */
function priorityConsent(o: Out, vendorId: string): void {
  requireOpen(o);
  const v = o.vendor(vendorId);
  const p = priorityOf(o.c);
  o.push({ type: 'update-case', patch: { priority: { ...p, consents: [...p.consents.filter((x) => x.vendorId !== v.id), { vendorId: v.id, at: o.now }] } } });
  o.record('priority-consent', `${v.id}: consent to a priority notice recorded`);
}

/** A fix exists for this vendor: it reported fixed versions and its fix path says so (guideline §3 item 12). */
const hasFix = (v: CaseVendor): boolean => (v.fix === 'fix-ready' || v.fix === 'fix-deployed') && v.fixedVersions !== null && v.fixedVersions.trim() !== '';

/**
 * guideline §3 item 12: once a fix exists and before publication, with the vendor's
 * consent, the fix information goes to the configured contacts; the reporter is told
 * first. The conditions are src/rules/priority-notice.ts; the refusal is its first code.
 * The reporter's notice is decided before the send, so it is stored (and queued) first.
 */
function priorityNotice(o: Out, contacts: number, reporter: 'none' | 'reachable' | 'no-key', reporterNoticeSent: boolean | undefined): void {
  const p = priorityOf(o.c);
  // Told before only if the notice to the reporter was sent: one queued that then failed or
  // was withheld told nobody (its priority notices were withheld), so the reporter is told
  // again now, and the contacts' notices wait for that one (src/desk/execute.ts).
  const toldBefore = p.reporterToldAt !== null && (reporter === 'none' || reporterNoticeSent !== false) ? p.reporterToldAt : null;
  // Told before, or told now as part of this command (no reporter at the desk: nobody to tell).
  const toldAt = toldBefore ?? (reporter === 'no-key' ? null : o.now);
  const decision = mayPriorityNotice({
    now: o.now,
    publishedAt: o.c.publishedAt,
    closed: o.c.rm !== 'accepted',
    vendors: o.c.vendors.map((v) => ({ vendorId: v.id, fixed: hasFix(v), consentAt: p.consents.find((x) => x.vendorId === v.id)?.at ?? null })),
    reporterToldAt: toldAt,
    contacts,
  });
  if (!decision.ok) {
    const why = `${decision.reason} (all: ${decision.all.join(', ')})`;
    if (decision.code === 'no-vendor-consent') {
      const missing = o.c.vendors.filter((v) => hasFix(v) && !p.consents.some((x) => x.vendorId === v.id)).map((v) => v.id);
      refuse(why, { code: 'no-vendor-consent', vendor: missing.join(', ') });
    }
    refuse(why, { code: decision.code });
  }
  let told = toldBefore;
  if (told === null) {
    if (reporter === 'reachable') o.push({ type: 'notify-reporter', template: 'priority-notice' });
    told = o.now;
    o.record('priority-reporter-told', reporter === 'reachable' ? 'the reporter is told before the priority notice' : 'no reporter at the desk to tell');
  }
  o.push({ type: 'update-case', patch: { priority: { ...p, reporterToldAt: told, sent: [...p.sent, { at: o.now, vendors: decision.vendors }] } } });
  o.push({ type: 'send-priority-notice', vendors: decision.vendors });
  o.record('priority-notice', `fix information of ${decision.vendors.join(', ')} to ${String(contacts)} contact(s)`);
}

/**
 * guideline §3.2: accepted (受理); the reporter is asked to keep it confidential (情報非開示依頼).
 * An accepted case stays as it is (no second notice to the reporter).
 */
function accept(o: Out): void {
  // Screening accepts complete reports by itself: a coordinator's accept then confirms it.
  if (o.c.rm === 'accepted') return o.record('accept-confirmed', 'already accepted; nothing changed');
  if (o.c.rm === 'received') o.rm('validate');
  o.rm('accept');
  o.push({ type: 'notify-reporter', template: 'accepted' });
  o.record('accepted', 'by a coordinator; non-disclosure requested from the reporter');
  for (const v of o.c.vendors) if (v.coordination === 'unnotified') notifyVendor(o, v.id);
}

/** guideline §3.2: not accepted; the reporter is told why. */
function reject(o: Out, reason: string): void {
  if (reason.trim() === '') refuse('a rejection needs a reason for the reporter');
  if (o.c.rm === 'accepted') refuse(`case ${o.c.id} is already accepted: stop it instead`);
  o.rm('invalidate');
  o.push({ type: 'notify-reporter', template: 'not-accepted', reason });
  o.record('not-accepted', reason);
}

/**
 * guideline §3.3: handling stops (not a vulnerability, already known, not reproducible,
 * obtained illegally); the reporter is told the reason; vendors already contacted are told
 * the case is over (and still hold confidential information); list entries come off.
 */
function stop(o: Out, reason: StopReason, text: string | null): void {
  if (o.c.publishedAt !== null) refuse(`case ${o.c.id} is already published`);
  if (reason.kind === 'duplicate' && reason.caseId.trim() === '') refuse('a duplicate needs the case id it duplicates');
  if (o.c.rm === 'received' || o.c.rm === 'valid') o.rm('invalidate');
  else if (o.c.rm === 'accepted' || o.c.rm === 'deferred') o.rm('close');
  else refuse(`case ${o.c.id} is already ${o.c.rm}`);
  endEmbargo(o);
  for (const v of o.c.vendors) {
    unlist(o, v.id);
    if (v.coordination !== 'unnotified') o.notifyVendor(v.id, { template: 'stopped', reason: reason.kind });
  }
  // The duplicate's case id stays with the coordinators.
  o.push({ type: 'notify-reporter', template: 'stopped', reason: reason.kind });
  const why = reason.kind === 'duplicate' ? `duplicate of ${reason.caseId}` : reason.kind;
  o.record('stopped', text !== null && text.trim() !== '' ? `${why}: ${text.trim()}` : why);
}

/**
 * guideline §3.4: the notification to every vendor of the case that has not answered yet.
 * A vendor not notified gets its first notification (its 起算日; the case's clock starts
 * if it has not). A vendor notified or reminded that is still silent gets the same
 * notification again (e.g. after its key was fixed in the registry): its 起算日, its
 * reminders and the case's clock stay as they are. Vendors that answered, unreachable ones
 * (mark-reachable first), and those written to at this same instant (added by the same
 * command mail) are not written to; the record says which.
 */
function notifyVendors(o: Out): void {
  requireOpen(o);
  if (o.c.vendors.length === 0) refuse(`case ${o.c.id} has no vendors: add one with add-vendor`, { code: 'no-vendors' });
  const waiting = o.c.vendors.filter((v) => v.coordination === 'unnotified' || v.coordination === 'notified' || v.coordination === 'reminded');
  const skipped = o.c.vendors.filter((v) => !waiting.includes(v)).map((v) => `${v.id} ${v.coordination === 'unreachable' ? 'is unreachable (mark-reachable first)' : 'answered'}`);
  if (waiting.length === 0) refuse(`no vendor of ${o.c.id} awaits the notification: ${skipped.join(', ')}`, { code: 'nothing-to-notify' });
  const justNow: string[] = [];
  for (const v of waiting) {
    if (v.coordination === 'unnotified') {
      notifyVendor(o, v.id);
      continue;
    }
    // Written to at this very instant (X-ADD-VENDOR then X-NOTIFY-VENDORS in one mail): once is enough.
    if (v.lastContactAt !== null && v.lastContactAt.getTime() === o.now.getTime()) {
      justNow.push(v.id);
      continue;
    }
    const date = o.c.publication.agreed ?? o.c.publication.proposed;
    o.notifyVendor(v.id, { template: 'notify', date });
    o.push({ type: 'update-vendor', vendorId: v.id, patch: { lastContactAt: o.now } });
    const since = v.firstContactAt ? jstDate(v.firstContactAt) : '?';
    o.record('vendor-notified', `${v.id}: notification sent again (no answer yet); its 起算日 ${since} and ${v.reminders} reminder(s) unchanged; publication ${date ?? 'not scheduled'}`);
  }
  if (justNow.length > 0) skipped.unshift(...justNow.map((id) => `${id} was notified just now`));
  if (skipped.length > 0) o.record('vendors-not-notified', `not written to: ${skipped.join(', ')}`);
}

/**
 * guideline §3.7; 003 *8: contact with an unreachable vendor resumed (the coordinator heard
 * from it another way): as for an answer, it is off the unreachable list and the
 * coordinators are told. A vendor marked unreachable before any notification went out gets
 * the notification now.
 */
function markReachable(o: Out, vendorId: string): void {
  requireOpen(o);
  const v = o.vendor(vendorId);
  if (v.coordination !== 'unreachable') refuse(`${vendorId} is not unreachable (contact state "${coordinationLabel(v.coordination, v.reminders)}")`);
  contactEstablished(o, vendorId, `${v.name}: contact resumed (a coordinator); removed from the unreachable list`);
  let sent = '';
  if (v.lastContactAt === null) {
    const date = o.c.publication.agreed ?? o.c.publication.proposed;
    o.notifyVendor(vendorId, { template: 'notify', date });
    o.push({ type: 'update-vendor', vendorId, patch: { lastContactAt: o.now } });
    sent = `; it had no notification yet: sent now (publication ${date ?? 'not scheduled'})`;
  }
  o.record('vendor-reachable', `${vendorId}: contact resumed, marked by a coordinator${sent}`);
}

/**
 * guideline §3.10: the reporter and a vendor exchange information directly only when both
 * agreed to it; the desk introduces them once (the `introduce` decision), and stays the
 * channel for everything else (the schedule, publication).
 */
function directContact(o: Out, vendorId: string, vendorConsents: boolean): void {
  requireOpen(o);
  const v = o.vendor(vendorId);
  if ((v.introducedAt ?? null) !== null) refuse(`${vendorId} and the reporter were already introduced`);
  if (v.coordination === 'unnotified') refuse(`${vendorId} has not been notified yet: it is introduced after its notification`, { code: 'vendor-not-notified', vendor: vendorId });
  const reporter = o.c.reporter.consent.directContact === true;
  if (!reporter && !vendorConsents) refuse(`neither the reporter nor ${vendorId} consented to direct contact`, { code: 'no-consent', party: 'reporter' });
  if (!reporter) refuse('the reporter has not consented to direct contact with the vendor', { code: 'no-consent', party: 'reporter' });
  if (!vendorConsents) refuse(`${vendorId} has not consented to direct contact with the reporter (vendor registry: accepts_direct is off)`, { code: 'no-consent', party: 'vendor', vendor: vendorId });
  o.push({ type: 'update-vendor', vendorId, patch: { introducedAt: o.now } });
  o.push({ type: 'introduce', vendorId });
  o.record('direct-contact', `${vendorId}: the reporter and the vendor are introduced to each other (both consented)`);
}

/** A name or a text as compared for the identity guard: NFKC, no white space, lower case. */
const nameKey = (s: string): string => s.normalize('NFKC').replace(/\s+/gu, '').toLowerCase();

/**
 * True when `text` contains the reporter's name (guideline §2), compared after NFKC,
 * ignoring white space and case; a name of several parts also in the reverse order
 * (`Yamada Taro` written `Taro Yamada`). An empty name never matches. A substring match:
 * a very short name refuses more than it needs to, which is the safe side.
 */
export function namesReporter(text: string, name: string): boolean {
  const parts = name.normalize('NFKC').trim().split(/\s+/u).filter((p) => p !== '');
  if (parts.length === 0) return false;
  const t = nameKey(text);
  const forms = [parts.join(''), [...parts].reverse().join('')].map(nameKey);
  return forms.some((f) => f !== '' && t.includes(f));
}

/**
 * guideline §3.10: without direct exchange the desk relays the messages between the
 * reporter and a vendor; a coordinator passes `text` to one vendor of the case or to the
 * reporter (`vendorId` null), and the desk speaks for the other side (the `relay`
 * decision: no name or address of the other party goes with it). Allowed on an accepted
 * case, also after publication; a vendor must be on the case and have had its
 * notification. Fails closed on identity (§2): a text to a vendor that names the reporter
 * is refused unless the reporter consented to share their identity (the caller also
 * checks the reporter's address, which the snapshot does not hold).
 */
function relay(o: Out, vendorId: string | null, text: string): void {
  if (o.c.rm !== 'accepted') refuse(`case ${o.c.id} is not accepted (report state "${o.c.rm}")`);
  if (text.trim() === '') refuse('an empty message to relay');
  let to = 'the reporter';
  if (vendorId !== null) {
    const v = o.vendor(vendorId);
    if (v.coordination === 'unnotified') refuse(`${vendorId} has not been notified yet: messages are relayed after its notification`, { code: 'vendor-not-notified', vendor: vendorId });
    if (v.coordination === 'unreachable' && v.lastContactAt === null) {
      refuse(`${vendorId} has not been notified yet (marked unreachable before its notification): mark it reachable first`, { code: 'vendor-not-notified', vendor: vendorId });
    }
    const r = o.c.reporter;
    if (r.consent.shareIdentity !== true && namesReporter(text, r.name)) {
      refuse('the text names the reporter, who has not consented to share their identity with vendors (guideline §2)', { code: 'names-reporter' });
    }
    to = vendorId;
  }
  o.push({ type: 'relay', vendorId, text });
  o.record('relayed', `relayed ${String([...text].length)} characters to ${to}`);
}

/**
 * guideline §3.5: the coordinator agrees the one publication date (001: all vendors
 * together) and every contacted vendor still concerned, and the reporter, are told it.
 */
function setDate(o: Out, date: IsoDate): void {
  if (!isIsoDate(date)) refuse(`not a date: ${String(date)}`);
  requireOpen(o);
  if (date < o.today) refuse(`${date} is in the past (today is ${o.today} JST)`, { code: 'date-in-past', date });
  if (o.c.procedure?.outcome === 'do-not-publish') refuse('the publication judgment committee decided not to publish');
  const cur = o.c.publication;
  switch (o.c.em) {
    case 'none':
      o.em('propose');
      o.em('accept');
      break;
    case 'proposed':
      o.em('accept');
      break;
    case 'active':
      if (date === cur.agreed) refuse(`${date} is already the agreed date`);
      o.em('revise-propose');
      o.em('revise-accept');
      break;
    case 'revise':
      // The agreed date again: the revision is rejected and the old terms stand.
      o.em(date === cur.agreed ? 'revise-reject' : 'revise-accept');
      break;
    case 'exited':
      refuse('the embargo is over (the case became public): publish instead');
  }
  o.push({ type: 'update-case', patch: { publication: { proposed: null, proposedBy: null, agreed: date } } });
  const previousDate = cur.agreed !== null && cur.agreed !== date ? cur.agreed : null;
  for (const v of contacted(o.c)) if (v.fix !== 'not-affected') o.notifyVendor(v.id, { template: 'schedule', date, previousDate });
  o.push({ type: 'notify-reporter', template: 'schedule', date, ...(previousDate ? { previousDate } : {}) });
  const was = cur.agreed && cur.agreed !== date ? ` (was ${cur.agreed})` : '';
  const revision = o.c.em === 'active' && cur.proposed !== null && cur.proposed !== date ? `; revision to ${cur.proposed} rejected` : '';
  o.record('date-agreed', `${date}${was}${revision}`);
}

/** guideline §3.8; 003 *10: the committee procedure opens and the vendor is invited first. */
function openImpossible(o: Out, vendorIds: string[]): void {
  requireOpen(o);
  const ids = [...new Set(vendorIds)];
  if (ids.length === 0) refuse('name the vendor(s) coordination is impossible with');
  for (const id of ids) o.vendor(id);
  o.impossible('open');
  o.impossible('invite-vendor');
  const deadline = addCalendarDays(o.today, o.s.opinionDays);
  o.push({
    type: 'update-case',
    patch: { procedure: { vendorIds: ids, openedAt: o.now, deadline, vendorViewAt: null, deadlineAlertedAt: null, outcome: null, decidedAt: null } },
  });
  for (const id of ids) o.notifyVendor(id, { template: 'impossible-invite', deadline });
  o.record('impossible-opened', `${ids.join(', ')}; view invited until ${deadline}`);
}

/** guideline §3.8: the committee decides once the vendor stated its view or its time ran out. */
function committeeDecision(o: Out, decision: 'publish' | 'withhold'): void {
  requireOpen(o);
  const p = o.c.procedure;
  if (o.c.impossible !== 'vendor-invited' || !p) refuse(`no committee procedure awaits a decision (state "${o.c.impossible}")`, { code: 'not-impossible' });
  if (p.vendorViewAt === null && o.today <= p.deadline) refuse(`the vendor may state its view until ${p.deadline}`);
  const outcome = decision === 'publish' ? 'publish' : 'do-not-publish';
  o.impossible('decide');
  o.push({ type: 'update-case', patch: { procedure: { ...p, outcome, decidedAt: o.now } } });
  for (const id of p.vendorIds) if (o.c.vendors.some((v) => v.id === id)) o.notifyVendor(id, { template: 'impossible-decided', outcome });
  o.push({ type: 'notify-reporter', template: 'impossible-decided', outcome });
  const next = outcome === 'publish' ? (o.c.publication.agreed ? `publication on ${o.c.publication.agreed}` : 'set the publication date') : 'nothing is published';
  o.push({ type: 'notify-coordinators', template: 'impossible-decided', detail: `committee: ${outcome}; ${next}` });
  o.record('impossible-decided', outcome);
}

/**
 * Publication by hand: on or after the agreed date, or once the case is public anyway
 * (P). Before the agreed date the coordinator moves the date first (set-date), so every
 * vendor hears of it and the date stays common (001).
 */
function publishNow(o: Out): void {
  requireOpen(o);
  const isPublic = pxaFlags(o.c.pxa).publicAware;
  if (!isPublic) {
    if (o.c.impossible === 'open' || o.c.impossible === 'vendor-invited') refuse('the publication judgment committee has not decided');
    if (o.c.procedure?.outcome === 'do-not-publish') refuse('the publication judgment committee decided not to publish');
    const agreed = o.c.publication.agreed;
    if ((o.c.em !== 'active' && o.c.em !== 'revise') || agreed === null) refuse('no publication date is agreed');
    if (o.today < agreed) refuse(`the agreed date is ${agreed}: move it with set-date first`);
  }
  publish(o, isPublic ? 'by a coordinator; the case was already public' : 'by a coordinator');
}

/**
 * Vultron P/X/A. A public exploit makes the vulnerability public; once public the embargo
 * cannot hold and ends (Vultron early termination): coordinators decide to publish now.
 */
function flag(o: Out, f: PxaEvent): void {
  if (o.c.rm === 'invalid' || o.c.rm === 'closed') refuse(`case ${o.c.id} is ${o.c.rm}`);
  const wasPublic = pxaFlags(o.c.pxa).publicAware;
  o.pxa(f);
  if (f === 'exploit-public' && !wasPublic) o.pxa('public-aware');
  if (!wasPublic && pxaFlags(o.c.pxa).publicAware && o.c.publishedAt === null) {
    endEmbargo(o);
    o.push({ type: 'notify-coordinators', template: 'embargo-broken', detail: `${o.c.id} is public (${f}): the embargo ended; publish now` });
  }
  if (f === 'attacks-observed') o.push({ type: 'notify-coordinators', template: 'attacks-observed', detail: `attacks observed on ${o.c.id}: consider an earlier date` });
  o.record('flag', f);
}
