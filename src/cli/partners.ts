// `madoguchi partners add|import|list|show|remove`: the partner registry (issue 12,
// guideline §5; docs/partners.md). Same shape and exit codes as `vendors`: 0 done
// (warnings on stderr), 1 refused or failed, 2 invalid input.
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { storeRunner, type StoreCommandDeps } from './store-command.ts';
import { getPartner, listPartners, removePartner, upsertPartner, type Partner } from '../store/partners.ts';
import { applyPartnerImport } from '../registry/import.ts';
import { judgeKey } from '../registry/keys.ts';
import { readPartnersFile, validatePartner, type PartnerImport, type RawPartner } from '../registry/partners-yaml.ts';
import { exampleRef, parseRefPattern } from '../forms/ref-pattern.ts';
import { formatJst } from '../domain/clock.ts';

export type PartnerCommandDeps = StoreCommandDeps;

const collectList = (v: string, prev: string[]): string[] => [...prev, ...v.split(',').map((s) => s.trim()).filter((s) => s !== '')];
const collect = (v: string, prev: string[]): string[] => [...prev, v];

function defaultActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

interface AddOptions {
  id: string;
  name: string;
  nameJa?: string;
  caseIdPattern: string;
  to: string[];
  cc: string[];
  key: string[];
  csaf?: boolean;
  replace?: boolean;
  actor?: string;
}

export function registerPartnerCommands(program: Command, deps: PartnerCommandDeps): void {
  const { out, err, setCode } = deps;
  const withDb = storeRunner(deps, 'madoguchi partners');
  const report = (imp: PartnerImport): void => {
    for (const w of imp.warnings) err(`warning: ${w}`);
    for (const e of imp.errors) err(`error: ${e}`);
  };

  const partners = program.command('partners').description('the partner registry (overseas coordinators and CSIRTs)');

  partners
    .command('add')
    .description('register a partner (refuses an existing id unless --replace; a removed id is restored)')
    .requiredOption('--id <id>', 'short id (slug), e.g. certcc')
    .requiredOption('--name <name>', 'partner name')
    .option('--name-ja <name>', 'partner name in Japanese')
    .requiredOption('--case-id-pattern <template>', 'how the partner writes its case ids, e.g. "VU#{6}" (see docs/partners.md)')
    .option('--to <address>', 'contact address (repeatable, or comma-separated)', collectList, [])
    .option('--cc <address>', 'copy address (repeatable, or comma-separated)', collectList, [])
    .option('--key <file>', 'OpenPGP public key file (repeatable)', collect, [])
    .option('--csaf', 'the partner wants a CSAF 2.0 document attached')
    .option('--replace', "replace an existing partner's registration")
    .option('--actor <name>', 'who makes the change, for the timeline (default cli:<user>)')
    .action(async (o: AddOptions) => {
      if (o.to.length === 0 || o.key.length === 0) {
        err('madoguchi partners add: --to and --key are required (each at least once)');
        setCode(2);
        return;
      }
      const raw: RawPartner = {
        id: o.id,
        name: o.name,
        ...(o.nameJa !== undefined ? { name_ja: o.nameJa } : {}),
        case_id_pattern: o.caseIdPattern,
        wants_csaf: o.csaf === true,
        contacts: { to: o.to, ...(o.cc.length > 0 ? { cc: o.cc } : {}) },
        keys: o.key,
      };
      const imp = await validatePartner(raw, { baseDir: process.cwd() });
      report(imp);
      const p = imp.partners[0];
      if (imp.errors.length > 0 || !p) {
        setCode(2);
        return;
      }
      await withDb(async (db) => {
        const existing = await getPartner(db, p.id);
        if (existing && existing.removedAt === null && o.replace !== true) {
          err(`madoguchi partners add: partner ${p.id} exists; use --replace to replace its registration`);
          return 1;
        }
        const { change } = await upsertPartner(db, p, o.actor ?? defaultActor());
        out(`${p.id}: ${change}`);
        return 0;
      });
    });

  partners
    .command('import')
    .description('add or update the partners of a YAML file (all or nothing; see docs/partners.md)')
    .argument('<file>', 'partner registry YAML file')
    .option('--dry-run', 'validate and show what would be imported, change nothing')
    .option('--actor <name>', 'who makes the change, for the timeline (default cli:<user>)')
    .action(async (file: string, o: { dryRun?: boolean; actor?: string }) => {
      const imp = await readPartnersFile(file);
      report(imp);
      if (imp.errors.length > 0) {
        err(`madoguchi partners import: ${imp.errors.length} error(s) in ${file}; nothing imported`);
        setCode(2);
        return;
      }
      if (o.dryRun === true) {
        for (const p of imp.partners) out(`${p.id}: valid`);
        out(`${imp.partners.length} partner(s) valid; nothing imported (--dry-run)`);
        setCode(0);
        return;
      }
      await withDb(async (db) => {
        const done = await applyPartnerImport(db, imp, o.actor ?? defaultActor());
        for (const d of done) out(`${d.id}: ${d.change}`);
        out(`${done.length} partner(s) in ${file}, ${done.filter((d) => d.change !== 'unchanged').length} changed`);
        return 0;
      });
    });

  partners
    .command('list')
    .description('list registered partners')
    .option('--all', 'include removed partners')
    .option('--json', 'print JSON (without the armored keys)')
    .action(async (o: { all?: boolean; json?: boolean }) => {
      await withDb(async (db) => {
        const list = await listPartners(db, { includeRemoved: o.all === true });
        if (o.json === true) {
          out(JSON.stringify(list.map(publicView), null, 2));
          return 0;
        }
        if (list.length === 0) out('no partners registered');
        for (const p of list) out(listLine(p));
        return 0;
      });
    });

  partners
    .command('show')
    .description("one partner's registration, with each key's state now")
    .argument('<id>', 'partner id')
    .option('--json', 'print JSON (without the armored keys)')
    .action(async (id: string, o: { json?: boolean }) => {
      await withDb(async (db) => {
        const p = await getPartner(db, id);
        if (!p) {
          err(`madoguchi partners show: no partner ${id}`);
          return 1;
        }
        const states = await Promise.all(p.keys.map(async (k) => ({ fingerprint: k.fingerprint, ...(await judgeKey(k.armored)) })));
        const usable = !p.removedAt && p.contacts.to.length > 0 && states.some((s) => s.state === 'ok');
        if (o.json === true) {
          out(JSON.stringify({ ...publicView(p), keys: states, usable }, null, 2));
          return 0;
        }
        const pattern = parseRefPattern(p.caseIdPattern);
        const rows: [string, string][] = [
          ['id', p.id],
          ['name', p.name],
          ['name (ja)', p.nameJa ?? '-'],
          ['case ids', pattern.ok ? `${p.caseIdPattern}  (e.g. ${exampleRef(pattern.pattern)})` : `${p.caseIdPattern}  (INVALID)`],
          ['wants CSAF', p.wantsCsaf ? 'yes' : 'no'],
          ...p.contacts.to.map((a): [string, string] => ['to', a]),
          ...p.contacts.cc.map((a): [string, string] => ['cc', a]),
          ...states.map((s): [string, string] => ['key', `${s.fingerprint} ${s.state}${s.state === 'ok' ? '' : ` (${s.detail})`}`]),
          ['usable', usable ? 'yes' : 'NO (no usable key, no contact, or removed)'],
          ['created', formatJst(p.createdAt)],
          ['updated', formatJst(p.updatedAt)],
          ['removed', p.removedAt ? formatJst(p.removedAt) : '-'],
        ];
        for (const [k, v] of rows) out(`${k.padEnd(15)}${v}`);
        return 0;
      });
    });

  partners
    .command('remove')
    .description('remove a partner from the registry (kept for the cases that name it)')
    .argument('<id>', 'partner id')
    .option('--actor <name>', 'who makes the change, for the timeline (default cli:<user>)')
    .action(async (id: string, o: { actor?: string }) => {
      await withDb(async (db) => {
        if (!(await getPartner(db, id))) {
          err(`madoguchi partners remove: no partner ${id}`);
          return 1;
        }
        const { changed } = await removePartner(db, id, o.actor ?? defaultActor());
        out(changed ? `${id}: removed` : `${id}: already removed`);
        return 0;
      });
    });
}

function publicView(p: Partner): Record<string, unknown> {
  return {
    id: p.id,
    name: p.name,
    nameJa: p.nameJa,
    caseIdPattern: p.caseIdPattern,
    wantsCsaf: p.wantsCsaf,
    contacts: p.contacts,
    keys: p.keys.map((k) => k.fingerprint),
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
    removedAt: p.removedAt ? p.removedAt.toISOString() : null,
  };
}

function listLine(p: Partner): string {
  const flags = [p.wantsCsaf ? 'csaf' : null, p.keys.length === 0 ? 'NO-KEY' : null, p.removedAt ? `removed ${formatJst(p.removedAt)}` : null].filter(
    (x) => x !== null,
  );
  return [
    p.id,
    p.nameJa ? `${p.name} / ${p.nameJa}` : p.name,
    `ids ${p.caseIdPattern}`,
    `to ${p.contacts.to.join(',')}`,
    `keys ${p.keys.length}`,
    ...(flags.length > 0 ? [`[${flags.join(' ')}]`] : []),
  ].join('  ');
}
