// `madoguchi vendors add|import|list|show|remove`: the vendor registry (製品開発者リスト).
// The shared registry subcommands (registry-command.ts): exit codes 0 done (warnings on
// stderr), 1 refused or failed (unknown id, a key pinned by another vendor, database),
// 2 invalid input (bad options, registry file errors); the vendors' own fields are the
// registration type, direct reports, name publication and products.
import type { Command } from 'commander';
import { collect, registerRegistryCommands, type CommonAddOptions } from './registry-command.ts';
import type { StoreCommandDeps } from './store-command.ts';
import { getVendor, listVendors, removeVendor, upsertVendor } from '../store/vendors.ts';
import { applyImport } from '../registry/import.ts';
import { readVendorsFile, validateVendor, type RawVendor, type VendorImport } from '../registry/yaml.ts';

export type VendorCommandDeps = StoreCommandDeps;

interface AddOptions extends CommonAddOptions {
  product: string[];
  keywords: string[];
  registration: string;
  acceptsDirect?: boolean;
  publishName: boolean;
}

const entriesOf = (imp: VendorImport) => ({ entries: imp.vendors, errors: imp.errors, warnings: imp.warnings, keyless: imp.notNotifiable });

export function registerVendorCommands(program: Command, deps: VendorCommandDeps): void {
  registerRegistryCommands(program, deps, {
    noun: 'vendor',
    plural: 'vendors',
    description: 'the vendor registry (製品開発者リスト)',
    idExample: 'acme',
    fileHelp: 'registry YAML file',
    addOptions: (cmd) =>
      cmd
        .option('--product <name>', 'product name (repeatable)', collect, [])
        .option('--keywords <list>', 'comma-separated keywords of the --product in the same position (repeatable)', collect, [])
        .option('--registration <type>', 'general (may receive multi-vendor cases) or individual (only its own products)', 'general')
        .option('--accepts-direct', 'the vendor accepts reports directly from finders')
        .option('--no-publish-name', "the vendor's name may not be published"),
    missing(o: AddOptions) {
      if (o.to.length === 0 || o.key.length === 0) return '--to and --key are required (each at least once)';
      if (o.keywords.length > 0 && o.keywords.length !== o.product.length) return 'give one --keywords per --product, in the same order (--keywords "" for none)';
      return null;
    },
    async validateAdd(o) {
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
      return entriesOf(await validateVendor(raw, { baseDir: process.cwd() }));
    },
    readFile: async (path) => entriesOf(await readVendorsFile(path)),
    keylessNote: ' (NOT notifiable: no usable key)',
    get: getVendor,
    list: listVendors,
    upsert: upsertVendor,
    remove: removeVendor,
    applyImport: (db, imp, actor) => applyImport(db, imp, upsertVendor, actor),
    publicFields: (v) => ({ registration: v.registration, acceptsDirect: v.acceptsDirect, publishName: v.publishName, products: v.products }),
    showRows: (v) => [
      ['registration', v.registration],
      ['accepts direct', v.acceptsDirect ? 'yes' : 'no'],
      ['publish name', v.publishName ? 'yes' : 'no'],
    ],
    showRowsAfterKeys: (v) => v.products.map((p): [string, string] => ['product', `${p.name}${p.keywords.length > 0 ? `  [${p.keywords.join(', ')}]` : ''}`]),
    usable: { label: 'notifiable', no: 'NO (no usable key, no contact, or removed)', needsContact: true },
    listFields: (v) => [v.registration],
    listFieldsAfterKeys: (v) => [`products ${v.products.map((p) => p.name).join(', ') || '-'}`],
    listFlags: (v) => [v.acceptsDirect ? 'direct' : null, v.publishName ? null : 'name-private', v.keys.length === 0 ? 'NOT-notifiable' : null],
  });
}
