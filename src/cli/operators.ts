// `madoguchi operators add|import|list|show|remove|lookup`: the site operators registry
// (guideline §4; docs/operators.md). The same shape and exit codes as `madoguchi vendors`:
// 0 done (warnings on stderr), 1 refused or failed (unknown id, a domain or key taken by
// another operator, database), 2 invalid input (bad options, registry file errors).
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { storeRunner } from './store-command.ts';
import type { Db } from '../store/db.ts';
import { getOperator, listOperators, operatorForUrl, removeOperator, upsertOperator, type Operator } from '../store/operators.ts';
import { applyOperatorImport } from '../registry/import.ts';
import { judgeKey } from '../registry/keys.ts';
import { readOperatorsFile, validateOperator, type OperatorImport, type RawOperator } from '../registry/operators-yaml.ts';
import { websiteScope } from '../rules/website-scope.ts';
import { formatJst } from '../domain/clock.ts';

export interface OperatorCommandDeps {
  openDb: () => Promise<Db>;
  out: (s: string) => void;
  err: (s: string) => void;
  setCode: (n: number) => void;
}

const collect = (v: string, prev: string[]): string[] => [...prev, v];
/** Repeatable and comma-separated: `--domain a.jp --domain b.jp` or `--domain a.jp,b.jp`. */
const collectList = (v: string, prev: string[]): string[] => [...prev, ...v.split(',').map((s) => s.trim()).filter((s) => s !== '')];

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
  domain: string[];
  to: string[];
  cc: string[];
  key: string[];
  replace?: boolean;
  actor?: string;
}

const KEYLESS = ' (no usable key: content-free first contact only)';

export function registerOperatorCommands(program: Command, deps: OperatorCommandDeps): void {
  const { out, err, setCode } = deps;
  const withDb = storeRunner(deps, 'madoguchi operators');
  const report = (imp: OperatorImport): void => {
    for (const w of imp.warnings) err(`warning: ${w}`);
    for (const e of imp.errors) err(`error: ${e}`);
  };

  const operators = program.command('operators').description('the site operators registry (website track)');

  operators
    .command('add')
    .description('register a site operator (refuses an existing id unless --replace; a removed id is restored)')
    .requiredOption('--id <id>', 'short id (slug), e.g. example-shop')
    .requiredOption('--name <name>', 'operator name')
    .option('--name-ja <name>', 'operator name in Japanese')
    .option('--domain <name>', 'domain the operator answers for, subdomains included (repeatable, or comma-separated)', collectList, [])
    .option('--to <address>', 'contact address (repeatable, or comma-separated)', collectList, [])
    .option('--cc <address>', 'copy address (repeatable, or comma-separated)', collectList, [])
    .option('--key <file>', 'OpenPGP public key file (repeatable)', collect, [])
    .option('--replace', "replace an existing operator's registration")
    .option('--actor <name>', 'who makes the change, for the timeline (default cli:<user>)')
    .action(async (o: AddOptions) => {
      if (o.domain.length === 0 || o.to.length === 0) {
        err('madoguchi operators add: --domain and --to are required (each at least once)');
        setCode(2);
        return;
      }
      const raw: RawOperator = {
        id: o.id,
        name: o.name,
        ...(o.nameJa !== undefined ? { name_ja: o.nameJa } : {}),
        domains: o.domain,
        contacts: { to: o.to, ...(o.cc.length > 0 ? { cc: o.cc } : {}) },
        ...(o.key.length > 0 ? { keys: o.key } : {}),
      };
      const imp = await validateOperator(raw, { baseDir: process.cwd() });
      report(imp);
      const v = imp.operators[0];
      if (imp.errors.length > 0 || !v) {
        setCode(2);
        return;
      }
      await withDb(async (db) => {
        const existing = await getOperator(db, v.id);
        if (existing && existing.removedAt === null && o.replace !== true) {
          err(`madoguchi operators add: operator ${v.id} exists; use --replace to replace its registration`);
          return 1;
        }
        const { change } = await upsertOperator(db, v, o.actor ?? defaultActor());
        out(`${v.id}: ${change}${imp.keyless.includes(v.id) ? KEYLESS : ''}`);
        return 0;
      });
    });

  operators
    .command('import')
    .description('add or update the operators of a YAML file (all or nothing; see docs/operators.md)')
    .argument('<file>', 'operators YAML file')
    .option('--dry-run', 'validate and show what would be imported, change nothing')
    .option('--actor <name>', 'who makes the change, for the timeline (default cli:<user>)')
    .action(async (file: string, o: { dryRun?: boolean; actor?: string }) => {
      const imp = await readOperatorsFile(file);
      report(imp);
      if (imp.errors.length > 0) {
        err(`madoguchi operators import: ${imp.errors.length} error(s) in ${file}; nothing imported`);
        setCode(2);
        return;
      }
      const flag = (id: string): string => (imp.keyless.includes(id) ? KEYLESS : '');
      if (o.dryRun === true) {
        for (const v of imp.operators) out(`${v.id}: valid${flag(v.id)}`);
        out(`${imp.operators.length} operator(s) valid; nothing imported (--dry-run)`);
        setCode(0);
        return;
      }
      await withDb(async (db) => {
        const done = await applyOperatorImport(db, imp, o.actor ?? defaultActor());
        for (const d of done) out(`${d.id}: ${d.change}${flag(d.id)}`);
        out(`${done.length} operator(s) in ${file}, ${done.filter((d) => d.change !== 'unchanged').length} changed`);
        return 0;
      });
    });

  operators
    .command('list')
    .description('list registered site operators')
    .option('--all', 'include removed operators')
    .option('--json', 'print JSON (without the armored keys)')
    .action(async (o: { all?: boolean; json?: boolean }) => {
      await withDb(async (db) => {
        const list = await listOperators(db, { includeRemoved: o.all === true });
        if (o.json === true) {
          out(JSON.stringify(list.map(publicView), null, 2));
          return 0;
        }
        if (list.length === 0) out('no operators registered');
        for (const v of list) out(listLine(v));
        return 0;
      });
    });

  operators
    .command('show')
    .description("one operator's registration, with each key's state now")
    .argument('<id>', 'operator id')
    .option('--json', 'print JSON (without the armored keys)')
    .action(async (id: string, o: { json?: boolean }) => {
      await withDb(async (db) => {
        const v = await getOperator(db, id);
        if (!v) {
          err(`madoguchi operators show: no operator ${id}`);
          return 1;
        }
        const states = await Promise.all(v.keys.map(async (k) => ({ fingerprint: k.fingerprint, ...(await judgeKey(k.armored)) })));
        const encryptable = !v.removedAt && states.some((s) => s.state === 'ok');
        if (o.json === true) {
          out(JSON.stringify({ ...publicView(v), keys: states, encryptable }, null, 2));
          return 0;
        }
        const rows: [string, string][] = [
          ['id', v.id],
          ['name', v.name],
          ['name (ja)', v.nameJa ?? '-'],
          ...v.domains.map((d): [string, string] => ['domain', d]),
          ...v.contacts.to.map((a): [string, string] => ['to', a]),
          ...v.contacts.cc.map((a): [string, string] => ['cc', a]),
          ...states.map((s): [string, string] => ['key', `${s.fingerprint} ${s.state}${s.state === 'ok' ? '' : ` (${s.detail})`}`]),
          ['encryptable', encryptable ? 'yes' : 'NO (no usable key, or removed): content-free first contact only'],
          ['created', formatJst(v.createdAt)],
          ['updated', formatJst(v.updatedAt)],
          ['removed', v.removedAt ? formatJst(v.removedAt) : '-'],
        ];
        for (const [k, val] of rows) out(`${k.padEnd(15)}${val}`);
        return 0;
      });
    });

  operators
    .command('remove')
    .description('remove an operator from the registry (kept for the cases that name it)')
    .argument('<id>', 'operator id')
    .option('--actor <name>', 'who makes the change, for the timeline (default cli:<user>)')
    .action(async (id: string, o: { actor?: string }) => {
      await withDb(async (db) => {
        if (!(await getOperator(db, id))) {
          err(`madoguchi operators remove: no operator ${id}`);
          return 1;
        }
        const { changed } = await removeOperator(db, id, o.actor ?? defaultActor());
        out(changed ? `${id}: removed` : `${id}: already removed`);
        return 0;
      });
    });

  operators
    .command('lookup')
    .description("a site URL's scope verdict and its registered operator (fetches nothing)")
    .argument('<url>', 'site URL as a report gives it')
    .option('--json', 'print JSON')
    .action(async (url: string, o: { json?: boolean }) => {
      const scope = websiteScope(url);
      if (scope.verdict === 'bad-url') {
        if (o.json === true) out(JSON.stringify({ scope, operator: null }, null, 2));
        else out(`scope          bad-url (${scope.reason})`);
        setCode(0);
        return;
      }
      await withDb(async (db) => {
        const m = await operatorForUrl(db, url);
        if (o.json === true) {
          out(JSON.stringify({ scope, operator: m ? { id: m.operator.id, domain: m.domain } : null }, null, 2));
          return 0;
        }
        out(`host           ${scope.host}`);
        out(`scope          ${scope.verdict === 'in-scope' ? 'in-scope' : `needs-coordinator (${scope.reason})`}`);
        out(`operator       ${m ? `${m.operator.id} (registered for ${m.domain})` : '- (not registered)'}`);
        return 0;
      });
    });
}

/** An operator without the armored keys (fingerprints only). */
function publicView(v: Operator): Record<string, unknown> {
  return {
    id: v.id,
    name: v.name,
    nameJa: v.nameJa,
    domains: v.domains,
    contacts: v.contacts,
    keys: v.keys.map((k) => k.fingerprint),
    createdAt: v.createdAt.toISOString(),
    updatedAt: v.updatedAt.toISOString(),
    removedAt: v.removedAt ? v.removedAt.toISOString() : null,
  };
}

function listLine(v: Operator): string {
  const flags = [v.keys.length === 0 ? 'no-key' : null, v.removedAt ? `removed ${formatJst(v.removedAt)}` : null].filter((x) => x !== null);
  return [
    v.id,
    v.nameJa ? `${v.name} / ${v.nameJa}` : v.name,
    `domains ${v.domains.join(',')}`,
    `to ${v.contacts.to.join(',')}`,
    `keys ${v.keys.length}`,
    ...(flags.length > 0 ? [`[${flags.join(' ')}]`] : []),
  ].join('  ');
}
