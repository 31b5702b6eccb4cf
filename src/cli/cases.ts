// `madoguchi cases list|show ID`: each case as it is now (issue 10, truthful state): its
// state, its vendors with each one's status, 起算日, target and agreed publication dates,
// last activity and what the desk waits for, all derived from the product-track snapshot
// (src/rules/case-view.ts). Only coordinators read case data, and every read is logged
// (guideline §2; 000 §4; 002 §5.2(1)): `show` appends a `case-read` entry to the timeline.
// Dates are JST with UTC beside (guideline §8).
import { userInfo } from 'node:os';
import { Option, type Command } from 'commander';
import { formatJst, jstStartOfDay, type IsoDate } from '../domain/clock.ts';
import { ALL_CASE_STATES, type CaseView } from '../rules/case-view.ts';
import { DEFAULT_SETTINGS, type Settings } from '../rules/product-state.ts';
import { loadCaseView, loadCaseViews } from '../store/case-view.ts';
import { handoversOfCase } from '../store/handovers.ts';
import { partnersOfCase } from '../store/partners.ts';
import { appendTimeline, getCase, listParties, listTimeline } from '../store/repo.ts';
import { getVendor } from '../store/vendors.ts';
import { loadVulnerabilityViews } from '../export/load.ts';
import { neutralise } from '../outbound/neutralise.ts';
import type { VulnerabilityView } from '../export/model.ts';
import { storeRunner, type StoreCommandDeps } from './store-command.ts';

export type CaseCommandDeps = StoreCommandDeps;

/** A JST calendar date with the UTC instant it begins: `2026-02-19 00:00 JST (2026-02-18 15:00 UTC)`. */
export function jstDateUtc(d: IsoDate): string {
  return formatJst(jstStartOfDay(d));
}

const orNone = <T>(v: T | null, f: (x: T) => string): string => (v === null ? '—' : f(v));

/** "Now" and the settings as the running desk has them: its clock (MADOGUCHI_CLOCK_FILE) and its configuration. */
async function deskNow(): Promise<{ now: Date; settings: Settings }> {
  const file = process.env.MADOGUCHI_CLOCK_FILE;
  const now = file ? (await import('../desk/run.ts')).deskClock(file)() : new Date();
  const { loadConfig } = await import('../config.ts');
  return { now, settings: { ...DEFAULT_SETTINGS, ...loadConfig().coordination } };
}

/** JSON with instants as ISO 8601 UTC and the JST calendar dates as they are (fields named *Jst). */
function toJson(v: CaseView): unknown {
  return { ...v, overdue: v.overdue.length > 0, overdueReasons: v.overdue };
}

function listLine(v: CaseView): string {
  const vendors = v.vendors.length === 0 ? '—' : v.vendors.map((x) => `${x.id}: ${x.status}`).join(', ');
  // A website case has an operator, not vendors (guideline §4).
  const parties = v.website ? `operator ${v.website.operator ? `${v.website.operator.id}: ${v.website.operator.status}` : '—'}` : `vendors ${vendors}`;
  const date = v.agreedJst !== null ? `agreed ${jstDateUtc(v.agreedJst)}` : v.targetJst !== null ? `${v.website ? 'fix target' : 'target'} ${jstDateUtc(v.targetJst)}` : 'no date';
  const waiting = v.waitingFor.length === 0 ? '—' : v.waitingFor.map((w) => w.who).filter((w, i, a) => a.indexOf(w) === i).join(', ');
  return [
    v.id,
    v.kind,
    v.state + (v.overdue.length > 0 ? ' OVERDUE' : ''),
    parties,
    `起算日 ${orNone(v.startDateJst, jstDateUtc)}`,
    date,
    `last ${orNone(v.lastActivity, formatJst)}`,
    `waiting for ${waiting}`,
  ].join('\t');
}

/** `  #2  CWE-79  6.1 MEDIUM (CVSS:3.1/...)  CVE-2026-40002`, its summary, each vendor's status. */
export function vulnerabilityLines(x: VulnerabilityView): string[] {
  const head = [
    `  #${String(x.number)}`,
    x.cwe ?? 'no CWE',
    x.cvss ? `${x.cvss.baseScore.toFixed(1)} ${x.cvss.severity} (${x.cvss.vector})` : 'no CVSS score',
    x.cve ?? 'no CVE',
    ...(x.fromReport ? ['(from the report)'] : []),
  ].join('  ');
  // One line, its controls and direction overrides made visible (outbound/neutralise.ts).
  const flat = x.summary.replace(/\s+/g, ' ').trim();
  const summary = neutralise(flat.length > 200 ? `${flat.slice(0, 199)}…` : flat);
  return [
    head,
    `      ${summary}`,
    ...x.vendors.map((v) => `      ${v.id}: ${v.status}${v.fixedVersions !== null ? ` (fixed in ${v.fixedVersions})` : ''}`),
  ];
}

export function registerCaseCommands(program: Command, deps: CaseCommandDeps): void {
  const { out, err } = deps;
  const withDb = storeRunner(deps, 'madoguchi cases');
  const cases = program.command('cases').description('cases, their states, dates and timeline');
  cases
    .command('list')
    .description('list cases as they are now (state, vendors, 起算日, publication date, last activity, what the desk waits for)')
    .addOption(new Option('--state <state...>', 'only cases in these states').choices([...ALL_CASE_STATES]))
    .option('--vendor <id>', 'only cases with this vendor (registry id)')
    .option('--overdue', 'only overdue cases (publication date or target passed, committee decision late)')
    .option('--json', 'JSON output')
    .action(async (o: { state?: string[]; vendor?: string; overdue?: boolean; json?: boolean }) =>
      withDb(async (db) => {
        const { now, settings } = await deskNow();
        let views = await loadCaseViews(db, { now, settings });
        if (o.vendor !== undefined) {
          const id = o.vendor;
          // An unknown vendor is an error, not an empty list (issue 10): a typo must not read as "no cases".
          if (!(await getVendor(db, id)) && !views.some((v) => v.vendors.some((x) => x.id === id))) {
            err(`madoguchi cases: no vendor "${id}" (see madoguchi vendors list)`);
            return 2;
          }
          views = views.filter((v) => v.vendors.some((x) => x.id === id));
        }
        if (o.state) {
          const want = new Set(o.state);
          views = views.filter((v) => want.has(v.state));
        }
        if (o.overdue) views = views.filter((v) => v.overdue.length > 0);
        if (o.json) out(JSON.stringify(views.map(toJson), null, 2));
        else if (views.length === 0) out('no cases');
        else for (const v of views) out(listLine(v));
        return 0;
      }),
    );
  cases
    .command('show')
    .argument('<id>', 'case id, e.g. VR-2026-0042')
    .option('--json', 'JSON output')
    .option('--actor <name>', 'who is reading (logged)', `cli:${userInfo().username}`)
    .description('show one case as it is now, with its parties and timeline (the read is logged)')
    .action(async (id: string, o: { json?: boolean; actor: string }) =>
      withDb(async (db) => {
        const c = await getCase(db, id);
        if (!c) {
          err(`madoguchi: no case ${id}`);
          return 1;
        }
        const { now, settings } = await deskNow();
        // The view first: the read itself is not activity.
        const v = await loadCaseView(db, id, { now, settings });
        if (!v) throw new Error(`no case ${id}`);
        await appendTimeline(db, { caseId: id, actor: o.actor, event: 'case-read', data: { via: 'cli' } });
        const parties = await listParties(db, id);
        const timeline = await listTimeline(db, id, { limit: 10000 });
        // issue 12: each vulnerability with each vendor's status (src/export/model.ts, the source of the advisory and CSAF).
        const vulnerabilities = await loadVulnerabilityViews(db, id);
        // issue 12: the partner CSIRTs of the case, by their own ids, and the handovers (X-HANDOVER).
        const partnerLinks = await partnersOfCase(db, id);
        const handovers = await handoversOfCase(db, id);
        if (o.json) {
          out(JSON.stringify({ ...(toJson(v) as object), lang: c.lang, openedAt: c.createdAt, vulnerabilities, parties, partners: partnerLinks, handovers, timeline }, null, 2));
          return 0;
        }
        out(`${v.id}  ${v.kind}  state: ${v.state}  language: ${c.lang}`);
        out(`opened         ${formatJst(c.createdAt)}`);
        out(`last activity  ${orNone(v.lastActivity, formatJst)}`);
        out(`起算日         ${orNone(v.startDateJst, jstDateUtc)}`);
        const w = v.website;
        if (w) {
          // A website case has its own clock and no publication (guideline §4).
          out(`fix target     ${orNone(w.fixTargetJst, jstDateUtc)}`);
          const op = w.operator;
          out(`operator       ${op ? `${op.id}  ${op.name}  ${op.status}${op.keyPinned ? '' : '  (no key pinned)'}${op.nextReminderJst ? `  next reminder ${jstDateUtc(op.nextReminderJst)}` : ''}` : `not confirmed (${w.identification}; ${w.candidates} candidate(s) proposed)`}`);
          if (op) {
            // Its own clock (issue 11): when it was written to, the reminders, its last answer.
            if (op.firstContactAt !== null) out(`first contact  ${formatJst(op.firstContactAt)}${op.detailsSentAt === null ? '  (content-free: no key; the details wait for one)' : ''}`);
            if (op.detailsSentAt !== null) out(`notified       ${formatJst(op.detailsSentAt)}  (details sent, encrypted)`);
            out(`reminders      ${op.reminders} sent${op.reminders > 0 && op.lastContactAt !== null ? `, last written to ${formatJst(op.lastContactAt)}` : ''}${op.silentSince !== null ? `; coordinators told it is silent ${formatJst(op.silentSince)}` : ''}`);
            out(`last answer    ${op.lastAnswerAt === null ? '—' : `${formatJst(op.lastAnswerAt)}${op.answer ? ` (${op.answer})` : ''}`}`);
          }
          if (w.fixedAt !== null) out(`fixed          ${formatJst(w.fixedAt)}`);
        } else {
          out(`target         ${orNone(v.targetJst, jstDateUtc)}${v.targetJst !== null ? ` (起算日 + ${settings.publicationDays} days)` : ''}`);
          if (v.proposedJst !== null) out(`proposed       ${jstDateUtc(v.proposedJst)} by ${v.proposedBy ?? 'desk'}`);
          out(`agreed         ${orNone(v.agreedJst, jstDateUtc)}`);
          if (v.publishedAt !== null) out(`published      ${formatJst(v.publishedAt)}`);
        }
        out(`overdue        ${v.overdue.length === 0 ? 'no' : `yes: ${v.overdue.join('; ')}`}`);
        out('waiting for:');
        if (v.waitingFor.length === 0) out('  nothing (the case is over)');
        for (const w of v.waitingFor) out(`  ${w.who}: ${w.what}`);
        out('vendors:');
        if (v.vendors.length === 0) out('  none');
        for (const x of v.vendors) {
          const parts = [`  ${x.id}  ${x.name}  ${x.status}`];
          if (x.startDateJst !== null) parts.push(`起算日 ${x.startDateJst}`);
          if (x.lastContactAt !== null) parts.push(`last written to ${formatJst(x.lastContactAt)}`);
          if (x.lastAnswerAt !== null) parts.push(`last answer ${formatJst(x.lastAnswerAt)}`);
          if (x.listedSince !== null) parts.push(`on the unreachable list since ${formatJst(x.listedSince)}${x.productListedSince !== null ? ' (product too)' : ''}`);
          out(parts.join('  '));
        }
        out('vulnerabilities:');
        if (vulnerabilities.length === 0) out('  none');
        for (const x of vulnerabilities) for (const l of vulnerabilityLines(x)) out(l);
        const partnerIds = [...new Set([...partnerLinks.map((l) => l.partnerId), ...handovers.map((h) => h.partnerId)])].sort();
        if (partnerIds.length > 0) out('partners:');
        for (const pid of partnerIds) {
          const h = handovers.find((x) => x.partnerId === pid);
          // The partner's latest answer on a handed-over case (timeline `partner-handover-answer`).
          const answers = timeline.filter((t) => t.event === 'partner-handover-answer' && (t.data as { partner?: unknown } | null)?.partner === pid).map((t) => t.data as { status?: string; requestedDate?: string });
          const status = answers.filter((a) => a.status !== undefined).pop()?.status;
          const requested = answers.filter((a) => a.requestedDate !== undefined).pop()?.requestedDate;
          const parts = [`  ${pid}  ${partnerLinks.find((l) => l.partnerId === pid)?.partnerRef ?? '(no partner id yet)'}`];
          if (h) parts.push(`handed over ${formatJst(h.handedAt)} by ${h.handedBy}`);
          if (status !== undefined) parts.push(`status ${status}`);
          if (requested !== undefined) parts.push(`requested ${requested} (not applied)`);
          out(parts.join('  '));
        }
        for (const p of parties) out(`party  ${p.role}  ${p.name ?? ''} <${p.email ?? ''}>${p.keyFpr ? `  key ${p.keyFpr}` : ''}`);
        out('timeline:');
        for (const t of timeline) out(`  ${formatJst(t.at)}  ${t.actor}  ${t.event}${t.data ? `  ${JSON.stringify(t.data)}` : ''}`);
        return 0;
      }),
    );
}
