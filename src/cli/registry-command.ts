// What `madoguchi vendors`, `operators` and `partners` share: the five subcommands
// add|import|list|show|remove over one registry, with the same output and exit codes —
// 0 done (warnings on stderr), 1 refused or failed (unknown id, a key or domain taken by
// another entry, database), 2 invalid input (bad options, registry file errors). Each
// registry supplies only what differs (its fields, its checks, how a line reads) as a
// `RegistrySpec`; the commands themselves are written once, here.
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { storeRunner, type StoreCommandDeps } from './store-command.ts';
import type { Db } from '../store/db.ts';
import { judgeKey } from '../registry/keys.ts';
import { formatJst } from '../domain/clock.ts';

/** What every registry entry has, as stored. */
export interface RegistryEntry {
  id: string;
  name: string;
  nameJa: string | null;
  contacts: { to: string[]; cc: string[] };
  keys: { fingerprint: string; armored: string }[];
  createdAt: Date;
  updatedAt: Date;
  removedAt: Date | null;
}

/** A validated registry file (or one `add`): entries, errors, warnings. */
export interface RegistryImport<V> {
  entries: V[];
  errors: string[];
  warnings: string[];
  /** Ids of entries registered without a usable key. */
  keyless: string[];
}

/** The options every `add` takes; a registry adds its own with `addOptions`. */
export interface CommonAddOptions {
  id: string;
  name: string;
  nameJa?: string;
  to: string[];
  cc: string[];
  key: string[];
  replace?: boolean;
  actor?: string;
}

export type KeyState = { fingerprint: string } & Awaited<ReturnType<typeof judgeKey>>;

export interface RegistrySpec<S extends RegistryEntry, V extends { id: string }, O extends CommonAddOptions> {
  /** Singular and plural nouns, as in the command name and messages: `vendor`, `vendors`. */
  noun: string;
  plural: string;
  description: string;
  /** The id example in `--id`'s help: `acme`. */
  idExample: string;
  /** The import file argument's help. */
  fileHelp: string;
  /** Adds the registry's own `add` options (after name/name-ja, before to/cc/key). */
  addOptions(cmd: Command): Command;
  /** Options missing or inconsistent (exit 2), or null. */
  missing(o: O): string | null;
  /** Validates the `add` options as a one-entry registry file would be. */
  validateAdd(o: O): Promise<RegistryImport<V>>;
  readFile(path: string): Promise<RegistryImport<V>>;
  /** The note after a keyless entry's id in add/import output, e.g. " (NOT notifiable: no usable key)". */
  keylessNote: string;
  get(db: Db, id: string): Promise<S | null>;
  list(db: Db, o: { includeRemoved: boolean }): Promise<S[]>;
  upsert(db: Db, v: V, actor: string): Promise<{ change: string }>;
  remove(db: Db, id: string, actor: string): Promise<{ changed: boolean }>;
  /** All entries of a file in one transaction (a clash rolls the whole file back). */
  applyImport(db: Db, imp: RegistryImport<V>, actor: string): Promise<{ id: string; change: string }[]>;
  /** The registry's own fields, without the armored keys. */
  publicFields(s: S): Record<string, unknown>;
  /** Rows of `show` between the names and the contacts. */
  showRows(s: S): [string, string][];
  /** Rows of `show` after the keys (e.g. products). */
  showRowsAfterKeys?(s: S): [string, string][];
  /** Whether the entry can be written to now, named as `show` names it. */
  usable: { label: string; no: string; needsContact: boolean };
  /** The fields of a `list` line between the name and the contacts, after the keys, and its flags. */
  listFields(s: S): string[];
  listFieldsAfterKeys?(s: S): string[];
  listFlags(s: S): (string | null)[];
}

export const collect = (v: string, prev: string[]): string[] => [...prev, v];
/** Repeatable and comma-separated: `--to a@x --to b@x` or `--to a@x,b@x`. */
export const collectList = (v: string, prev: string[]): string[] => [...prev, ...v.split(',').map((s) => s.trim()).filter((s) => s !== '')];

function defaultActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

const ACTOR_HELP = 'who makes the change, for the timeline (default cli:<user>)';

export function registerRegistryCommands<S extends RegistryEntry, V extends { id: string }, O extends CommonAddOptions>(
  program: Command,
  deps: StoreCommandDeps,
  spec: RegistrySpec<S, V, O>,
): Command {
  const { out, err, setCode } = deps;
  const label = `madoguchi ${spec.plural}`;
  const flag = (imp: RegistryImport<V>, id: string): string => (imp.keyless.includes(id) ? spec.keylessNote : '');
  const withDb = storeRunner(deps, label);
  const report = (imp: RegistryImport<V>): void => {
    for (const w of imp.warnings) err(`warning: ${w}`);
    for (const e of imp.errors) err(`error: ${e}`);
  };
  const publicView = (s: S): Record<string, unknown> => ({
    id: s.id,
    name: s.name,
    nameJa: s.nameJa,
    ...spec.publicFields(s),
    contacts: s.contacts,
    keys: s.keys.map((k) => k.fingerprint),
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
    removedAt: s.removedAt ? s.removedAt.toISOString() : null,
  });

  const registry = program.command(spec.plural).description(spec.description);

  spec
    .addOptions(
      registry
        .command('add')
        .description(`register a ${spec.noun} (refuses an existing id unless --replace; a removed id is restored)`)
        .requiredOption('--id <id>', `short id (slug), e.g. ${spec.idExample}`)
        .requiredOption('--name <name>', `${spec.noun} name`)
        .option('--name-ja <name>', `${spec.noun} name in Japanese`),
    )
    .option('--to <address>', 'contact address (repeatable, or comma-separated)', collectList, [])
    .option('--cc <address>', 'copy address (repeatable, or comma-separated)', collectList, [])
    .option('--key <file>', 'OpenPGP public key file (repeatable)', collect, [])
    .option('--replace', `replace an existing ${spec.noun}'s registration`)
    .option('--actor <name>', ACTOR_HELP)
    .action(async (o: O) => {
      const missing = spec.missing(o);
      if (missing !== null) {
        err(`${label} add: ${missing}`);
        setCode(2);
        return;
      }
      const imp = await spec.validateAdd(o);
      report(imp);
      const v = imp.entries[0];
      if (imp.errors.length > 0 || !v) {
        setCode(2);
        return;
      }
      await withDb(async (db) => {
        const existing = await spec.get(db, v.id);
        if (existing && existing.removedAt === null && o.replace !== true) {
          err(`${label} add: ${spec.noun} ${v.id} exists; use --replace to replace its registration`);
          return 1;
        }
        const { change } = await spec.upsert(db, v, o.actor ?? defaultActor());
        out(`${v.id}: ${change}${flag(imp, v.id)}`);
        return 0;
      });
    });

  registry
    .command('import')
    .description(`add or update the ${spec.plural} of a YAML file (all or nothing; see docs/${spec.plural}.md)`)
    .argument('<file>', spec.fileHelp)
    .option('--dry-run', 'validate and show what would be imported, change nothing')
    .option('--actor <name>', ACTOR_HELP)
    .action(async (file: string, o: { dryRun?: boolean; actor?: string }) => {
      const imp = await spec.readFile(file);
      report(imp);
      if (imp.errors.length > 0) {
        err(`${label} import: ${imp.errors.length} error(s) in ${file}; nothing imported`);
        setCode(2);
        return;
      }
      if (o.dryRun === true) {
        for (const v of imp.entries) out(`${v.id}: valid${flag(imp, v.id)}`);
        out(`${imp.entries.length} ${spec.noun}(s) valid; nothing imported (--dry-run)`);
        setCode(0);
        return;
      }
      await withDb(async (db) => {
        const done = await spec.applyImport(db, imp, o.actor ?? defaultActor());
        for (const d of done) out(`${d.id}: ${d.change}${flag(imp, d.id)}`);
        out(`${done.length} ${spec.noun}(s) in ${file}, ${done.filter((d) => d.change !== 'unchanged').length} changed`);
        return 0;
      });
    });

  registry
    .command('list')
    .description(`list registered ${spec.plural}`)
    .option('--all', `include removed ${spec.plural}`)
    .option('--json', 'print JSON (without the armored keys)')
    .action(async (o: { all?: boolean; json?: boolean }) => {
      await withDb(async (db) => {
        const list = await spec.list(db, { includeRemoved: o.all === true });
        if (o.json === true) {
          out(JSON.stringify(list.map(publicView), null, 2));
          return 0;
        }
        if (list.length === 0) out(`no ${spec.plural} registered`);
        for (const s of list) {
          const flags = [...spec.listFlags(s), s.removedAt ? `removed ${formatJst(s.removedAt)}` : null].filter((x) => x !== null);
          out(
            [
              s.id,
              s.nameJa ? `${s.name} / ${s.nameJa}` : s.name,
              ...spec.listFields(s),
              `to ${s.contacts.to.join(',')}`,
              `keys ${s.keys.length}`,
              ...(spec.listFieldsAfterKeys?.(s) ?? []),
              ...(flags.length > 0 ? [`[${flags.join(' ')}]`] : []),
            ].join('  '),
          );
        }
        return 0;
      });
    });

  registry
    .command('show')
    .description(`one ${spec.noun}'s registration, with each key's state now`)
    .argument('<id>', `${spec.noun} id`)
    .option('--json', 'print JSON (without the armored keys)')
    .action(async (id: string, o: { json?: boolean }) => {
      await withDb(async (db) => {
        const s = await spec.get(db, id);
        if (!s) {
          err(`${label} show: no ${spec.noun} ${id}`);
          return 1;
        }
        const states: KeyState[] = await Promise.all(s.keys.map(async (k) => ({ fingerprint: k.fingerprint, ...(await judgeKey(k.armored)) })));
        const usable = !s.removedAt && (!spec.usable.needsContact || s.contacts.to.length > 0) && states.some((k) => k.state === 'ok');
        if (o.json === true) {
          out(JSON.stringify({ ...publicView(s), keys: states, [spec.usable.label]: usable }, null, 2));
          return 0;
        }
        const rows: [string, string][] = [
          ['id', s.id],
          ['name', s.name],
          ['name (ja)', s.nameJa ?? '-'],
          ...spec.showRows(s),
          ...s.contacts.to.map((a): [string, string] => ['to', a]),
          ...s.contacts.cc.map((a): [string, string] => ['cc', a]),
          ...states.map((k): [string, string] => ['key', `${k.fingerprint} ${k.state}${k.state === 'ok' ? '' : ` (${k.detail})`}`]),
          ...(spec.showRowsAfterKeys?.(s) ?? []),
          [spec.usable.label, usable ? 'yes' : spec.usable.no],
          ['created', formatJst(s.createdAt)],
          ['updated', formatJst(s.updatedAt)],
          ['removed', s.removedAt ? formatJst(s.removedAt) : '-'],
        ];
        for (const [k, val] of rows) out(`${k.padEnd(15)}${val}`);
        return 0;
      });
    });

  registry
    .command('remove')
    .description(`remove a ${spec.noun} from the registry (kept for the cases that name it)`)
    .argument('<id>', `${spec.noun} id`)
    .option('--actor <name>', ACTOR_HELP)
    .action(async (id: string, o: { actor?: string }) => {
      await withDb(async (db) => {
        if (!(await spec.get(db, id))) {
          err(`${label} remove: no ${spec.noun} ${id}`);
          return 1;
        }
        const { changed } = await spec.remove(db, id, o.actor ?? defaultActor());
        out(changed ? `${id}: removed` : `${id}: already removed`);
        return 0;
      });
    });
  return registry;
}
