// `madoguchi cases list|show ID`: cases, their states, dates and timeline. Only
// coordinators read case data, and every read is logged (guideline §2; 000 §4; 002 §5.2(1)):
// `show` appends a `case-read` entry to the case's timeline.
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { appendTimeline, getCase, listCases, listParties, listTimeline } from '../store/repo.ts';
import { listCaseVendors } from '../store/vendors.ts';
import { storeRunner, type StoreCommandDeps } from './store-command.ts';

export type CaseCommandDeps = StoreCommandDeps;

/** Dates in JST with UTC beside (guideline §8). */
export function jstUtc(d: Date): string {
  const j = new Date(d.getTime() + 9 * 3600_000).toISOString().replace('T', ' ').slice(0, 16);
  return `${j} JST (${d.toISOString().slice(11, 16)} UTC)`;
}

export function registerCaseCommands(program: Command, deps: CaseCommandDeps): void {
  const { out, err } = deps;
  const withDb = storeRunner(deps, 'madoguchi cases');
  const cases = program.command('cases').description('cases, their states, dates and timeline');
  cases
    .command('list')
    .option('--state <state...>', 'only cases in these states')
    .option('--json', 'JSON output')
    .description('list cases')
    .action(async (o: { state?: string[]; json?: boolean }) =>
      withDb(async (db) => {
        const rows = await listCases(db, { ...(o.state ? { states: o.state } : {}), limit: 10000 });
        if (o.json) out(JSON.stringify(rows.map((c) => ({ id: c.id, kind: c.kind, state: c.state, lang: c.lang, createdAt: c.createdAt })), null, 2));
        else if (rows.length === 0) out('no cases');
        else for (const c of rows) out(`${c.id}\t${c.kind}\t${c.state}\t${jstUtc(c.createdAt)}`);
        return 0;
      }),
    );
  cases
    .command('show')
    .argument('<id>', 'case id, e.g. VR-2026-0042')
    .option('--json', 'JSON output')
    .option('--actor <name>', 'who is reading (logged)', `cli:${userInfo().username}`)
    .description('show one case: state, parties, vendors, timeline (the read is logged)')
    .action(async (id: string, o: { json?: boolean; actor: string }) =>
      withDb(async (db) => {
        const c = await getCase(db, id);
        if (!c) {
          err(`madoguchi: no case ${id}`);
          return 1;
        }
        await appendTimeline(db, { caseId: id, actor: o.actor, event: 'case-read', data: { via: 'cli' } });
        const parties = await listParties(db, id);
        const vendors = await listCaseVendors(db, id);
        const timeline = await listTimeline(db, id, { limit: 10000 });
        if (o.json) {
          out(JSON.stringify({ case: c, parties, vendors, timeline }, null, 2));
          return 0;
        }
        out(`${c.id}  ${c.kind}  state: ${c.state}  language: ${c.lang}`);
        out(`opened ${jstUtc(c.createdAt)}, updated ${jstUtc(c.updatedAt)}`);
        for (const p of parties) out(`party  ${p.role}  ${p.name ?? ''} <${p.email ?? ''}>${p.keyFpr ? `  key ${p.keyFpr}` : ''}`);
        for (const v of vendors) out(`vendor ${v.vendorId}  ${v.state}${v.firstContactAt ? `  起算日 ${jstUtc(v.firstContactAt)}` : ''}`);
        out('timeline:');
        for (const t of timeline) out(`  ${jstUtc(t.at)}  ${t.actor}  ${t.event}${t.data ? `  ${JSON.stringify(t.data)}` : ''}`);
        return 0;
      }),
    );
}
