// `madoguchi operators add|import|list|show|remove|lookup`: the site operators registry
// (guideline §4; docs/operators.md). The five registry subcommands are the shared ones
// (registry-command.ts, same exit codes as `madoguchi vendors`); `lookup` is the operators'
// own: a site URL's scope verdict and its registered operator.
import type { Command } from 'commander';
import { collectList, registerRegistryCommands, type CommonAddOptions } from './registry-command.ts';
import { storeRunner, type StoreCommandDeps } from './store-command.ts';
import { getOperator, listOperators, operatorForUrl, removeOperator, upsertOperator } from '../store/operators.ts';
import { applyImport } from '../registry/import.ts';
import { readOperatorsFile, validateOperator, type OperatorImport, type RawOperator } from '../registry/operators-yaml.ts';
import { websiteScope } from '../rules/website-scope.ts';

export type OperatorCommandDeps = StoreCommandDeps;

interface AddOptions extends CommonAddOptions {
  domain: string[];
}

const entriesOf = (imp: OperatorImport) => ({ entries: imp.operators, errors: imp.errors, warnings: imp.warnings, keyless: imp.keyless });

export function registerOperatorCommands(program: Command, deps: OperatorCommandDeps): void {
  const { out, setCode } = deps;
  const operators = registerRegistryCommands(program, deps, {
    noun: 'operator',
    plural: 'operators',
    description: 'the site operators registry (website track)',
    idExample: 'example-shop',
    fileHelp: 'operators YAML file',
    addOptions: (cmd) => cmd.option('--domain <name>', 'domain the operator answers for, subdomains included (repeatable, or comma-separated)', collectList, []),
    missing: (o: AddOptions) => (o.domain.length === 0 || o.to.length === 0 ? '--domain and --to are required (each at least once)' : null),
    async validateAdd(o) {
      const raw: RawOperator = {
        id: o.id,
        name: o.name,
        ...(o.nameJa !== undefined ? { name_ja: o.nameJa } : {}),
        domains: o.domain,
        contacts: { to: o.to, ...(o.cc.length > 0 ? { cc: o.cc } : {}) },
        ...(o.key.length > 0 ? { keys: o.key } : {}),
      };
      return entriesOf(await validateOperator(raw, { baseDir: process.cwd() }));
    },
    readFile: async (path) => entriesOf(await readOperatorsFile(path)),
    keylessNote: ' (no usable key: content-free first contact only)',
    get: getOperator,
    list: listOperators,
    upsert: upsertOperator,
    remove: removeOperator,
    applyImport: (db, imp, actor) => applyImport(db, imp, upsertOperator, actor),
    publicFields: (v) => ({ domains: v.domains }),
    showRows: (v) => v.domains.map((d): [string, string] => ['domain', d]),
    usable: { label: 'encryptable', no: 'NO (no usable key, or removed): content-free first contact only', needsContact: false },
    listFields: (v) => [`domains ${v.domains.join(',')}`],
    listFlags: (v) => [v.keys.length === 0 ? 'no-key' : null],
  });

  const withDb = storeRunner(deps, 'madoguchi operators');
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
