// `madoguchi vendors add|import|list|show|remove`: the vendor registry (製品開発者リスト).
// Exit codes: 0 done (warnings on stderr), 1 refused or failed (unknown id, a key pinned by
// another vendor, database), 2 invalid input (bad options, registry file errors).
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { storeRunner } from './store-command.ts';
import type { Db } from '../store/db.ts';
import { getVendor, listVendors, removeVendor, upsertVendor, type Vendor } from '../store/vendors.ts';
import { applyVendorImport } from '../registry/import.ts';
import { judgeKey } from '../registry/keys.ts';
import { readVendorsFile, validateVendor, type RawVendor, type VendorImport } from '../registry/yaml.ts';
import { formatJst } from '../outbound/templates.ts';

export interface VendorCommandDeps {
  openDb: () => Promise<Db>;
  out: (s: string) => void;
  err: (s: string) => void;
  setCode: (n: number) => void;
}

const collect = (v: string, prev: string[]): string[] => [...prev, v];
/** Repeatable and comma-separated: `--to a@x --to b@x` or `--to a@x,b@x`. */
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
  to: string[];
  cc: string[];
  key: string[];
  product: string[];
  keywords: string[];
  registration: string;
  acceptsDirect?: boolean;
  publishName: boolean;
  replace?: boolean;
  actor?: string;
}

interface ImportOptions {
  dryRun?: boolean;
  actor?: string;
}

export function registerVendorCommands(program: Command, deps: VendorCommandDeps): void {
  const { out, err, setCode } = deps;

  const withDb = storeRunner(deps, 'madoguchi vendors');

  const report = (imp: VendorImport): void => {
    for (const w of imp.warnings) err(`warning: ${w}`);
    for (const e of imp.errors) err(`error: ${e}`);
  };

  const vendors = program.command('vendors').description('the vendor registry (製品開発者リスト)');

  vendors
    .command('add')
    .description('register a vendor (refuses an existing id unless --replace; a removed id is restored)')
    .requiredOption('--id <id>', 'short id (slug), e.g. acme')
    .requiredOption('--name <name>', 'vendor name')
    .option('--name-ja <name>', 'vendor name in Japanese')
    .option('--to <address>', 'contact address (repeatable, or comma-separated)', collectList, [])
    .option('--cc <address>', 'copy address (repeatable, or comma-separated)', collectList, [])
    .option('--key <file>', 'OpenPGP public key file (repeatable)', collect, [])
    .option('--product <name>', 'product name (repeatable)', collect, [])
    .option('--keywords <list>', 'comma-separated keywords of the --product in the same position (repeatable)', collect, [])
    .option('--registration <type>', 'general (may receive multi-vendor cases) or individual (only its own products)', 'general')
    .option('--accepts-direct', 'the vendor accepts reports directly from finders')
    .option('--no-publish-name', "the vendor's name may not be published")
    .option('--replace', "replace an existing vendor's registration")
    .option('--actor <name>', 'who makes the change, for the timeline (default cli:<user>)')
    .action(async (o: AddOptions) => {
      if (o.to.length === 0 || o.key.length === 0) {
        err('madoguchi vendors add: --to and --key are required (each at least once)');
        setCode(2);
        return;
      }
      if (o.keywords.length > 0 && o.keywords.length !== o.product.length) {
        err('madoguchi vendors add: give one --keywords per --product, in the same order (--keywords "" for none)');
        setCode(2);
        return;
      }
      const raw: RawVendor = {
        id: o.id,
        name: o.name,
        ...(o.nameJa !== undefined ? { name_ja: o.nameJa } : {}),
        registration: o.registration,
        accepts_direct: o.acceptsDirect === true,
        publish_name: o.publishName,
        contacts: { to: o.to, ...(o.cc.length > 0 ? { cc: o.cc } : {}) },
        keys: o.key,
        products: o.product.map((name, i) => ({ name, keywords: (o.keywords[i] ?? '').split(',').map((k) => k.trim()).filter((k) => k !== '') })),
      };
      const imp = await validateVendor(raw, { baseDir: process.cwd() });
      report(imp);
      const v = imp.vendors[0];
      if (imp.errors.length > 0 || !v) {
        setCode(2);
        return;
      }
      await withDb(async (db) => {
        const existing = await getVendor(db, v.id);
        if (existing && existing.removedAt === null && o.replace !== true) {
          err(`madoguchi vendors add: vendor ${v.id} exists; use --replace to replace its registration`);
          return 1;
        }
        const { change } = await upsertVendor(db, v, o.actor ?? defaultActor());
        out(`${v.id}: ${change}${imp.notNotifiable.includes(v.id) ? ' (NOT notifiable: no usable key)' : ''}`);
        return 0;
      });
    });

  vendors
    .command('import')
    .description('add or update the vendors of a YAML file (all or nothing; see docs/vendors.md)')
    .argument('<file>', 'registry YAML file')
    .option('--dry-run', 'validate and show what would be imported, change nothing')
    .option('--actor <name>', 'who makes the change, for the timeline (default cli:<user>)')
    .action(async (file: string, o: ImportOptions) => {
      const imp = await readVendorsFile(file);
      report(imp);
      if (imp.errors.length > 0) {
        err(`madoguchi vendors import: ${imp.errors.length} error(s) in ${file}; nothing imported`);
        setCode(2);
        return;
      }
      const flag = (id: string): string => (imp.notNotifiable.includes(id) ? ' (NOT notifiable: no usable key)' : '');
      if (o.dryRun === true) {
        for (const v of imp.vendors) out(`${v.id}: valid${flag(v.id)}`);
        out(`${imp.vendors.length} vendor(s) valid; nothing imported (--dry-run)`);
        setCode(0);
        return;
      }
      await withDb(async (db) => {
        const done = await applyVendorImport(db, imp, o.actor ?? defaultActor());
        for (const d of done) out(`${d.id}: ${d.change}${flag(d.id)}`);
        const changed = done.filter((d) => d.change !== 'unchanged').length;
        out(`${done.length} vendor(s) in ${file}, ${changed} changed`);
        return 0;
      });
    });

  vendors
    .command('list')
    .description('list registered vendors')
    .option('--all', 'include removed vendors')
    .option('--json', 'print JSON (without the armored keys)')
    .action(async (o: { all?: boolean; json?: boolean }) => {
      await withDb(async (db) => {
        const list = await listVendors(db, { includeRemoved: o.all === true });
        if (o.json === true) {
          out(JSON.stringify(list.map(publicView), null, 2));
          return 0;
        }
        if (list.length === 0) out('no vendors registered');
        for (const v of list) out(listLine(v));
        return 0;
      });
    });

  vendors
    .command('show')
    .description("one vendor's registration, with each key's state now")
    .argument('<id>', 'vendor id')
    .option('--json', 'print JSON (without the armored keys)')
    .action(async (id: string, o: { json?: boolean }) => {
      await withDb(async (db) => {
        const v = await getVendor(db, id);
        if (!v) {
          err(`madoguchi vendors show: no vendor ${id}`);
          return 1;
        }
        const states = await Promise.all(v.keys.map(async (k) => ({ fingerprint: k.fingerprint, ...(await judgeKey(k.armored)) })));
        const notifiable = !v.removedAt && v.contacts.to.length > 0 && states.some((s) => s.state === 'ok');
        if (o.json === true) {
          out(JSON.stringify({ ...publicView(v), keys: states, notifiable }, null, 2));
          return 0;
        }
        const rows: [string, string][] = [
          ['id', v.id],
          ['name', v.name],
          ['name (ja)', v.nameJa ?? '-'],
          ['registration', v.registration],
          ['accepts direct', v.acceptsDirect ? 'yes' : 'no'],
          ['publish name', v.publishName ? 'yes' : 'no'],
          ...v.contacts.to.map((a): [string, string] => ['to', a]),
          ...v.contacts.cc.map((a): [string, string] => ['cc', a]),
          ...states.map((s): [string, string] => ['key', `${s.fingerprint} ${s.state}${s.state === 'ok' ? '' : ` (${s.detail})`}`]),
          ...v.products.map((p): [string, string] => ['product', `${p.name}${p.keywords.length > 0 ? `  [${p.keywords.join(', ')}]` : ''}`]),
          ['notifiable', notifiable ? 'yes' : 'NO (no usable key, no contact, or removed)'],
          ['created', formatJst(v.createdAt)],
          ['updated', formatJst(v.updatedAt)],
          ['removed', v.removedAt ? formatJst(v.removedAt) : '-'],
        ];
        for (const [k, val] of rows) out(`${k.padEnd(15)}${val}`);
        return 0;
      });
    });

  vendors
    .command('remove')
    .description('remove a vendor from the registry (kept for the cases that name it)')
    .argument('<id>', 'vendor id')
    .option('--actor <name>', 'who makes the change, for the timeline (default cli:<user>)')
    .action(async (id: string, o: { actor?: string }) => {
      await withDb(async (db) => {
        if (!(await getVendor(db, id))) {
          err(`madoguchi vendors remove: no vendor ${id}`);
          return 1;
        }
        const { changed } = await removeVendor(db, id, o.actor ?? defaultActor());
        out(changed ? `${id}: removed` : `${id}: already removed`);
        return 0;
      });
    });
}

/** A vendor without the armored keys (fingerprints only). */
function publicView(v: Vendor): Record<string, unknown> {
  return {
    id: v.id,
    name: v.name,
    nameJa: v.nameJa,
    registration: v.registration,
    acceptsDirect: v.acceptsDirect,
    publishName: v.publishName,
    contacts: v.contacts,
    keys: v.keys.map((k) => k.fingerprint),
    products: v.products,
    createdAt: v.createdAt.toISOString(),
    updatedAt: v.updatedAt.toISOString(),
    removedAt: v.removedAt ? v.removedAt.toISOString() : null,
  };
}

function listLine(v: Vendor): string {
  const flags = [
    v.acceptsDirect ? 'direct' : null,
    v.publishName ? null : 'name-private',
    v.keys.length === 0 ? 'NOT-notifiable' : null,
    v.removedAt ? `removed ${formatJst(v.removedAt)}` : null,
  ].filter((x) => x !== null);
  const name = v.nameJa ? `${v.name} / ${v.nameJa}` : v.name;
  return [
    v.id,
    name,
    v.registration,
    `to ${v.contacts.to.join(',')}`,
    `keys ${v.keys.length}`,
    `products ${v.products.map((p) => p.name).join(', ') || '-'}`,
    ...(flags.length > 0 ? [`[${flags.join(' ')}]`] : []),
  ].join('  ');
}
