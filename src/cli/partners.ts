// `madoguchi partners add|import|list|show|remove`: the partner registry (issue 12,
// guideline §5; docs/partners.md). The shared registry subcommands (registry-command.ts;
// same exit codes as `vendors`) with the partners' own fields: the case-id pattern and
// whether the partner wants CSAF attached.
import type { Command } from 'commander';
import { registerRegistryCommands, type CommonAddOptions } from './registry-command.ts';
import type { StoreCommandDeps } from './store-command.ts';
import { getPartner, listPartners, removePartner, upsertPartner } from '../store/partners.ts';
import { applyImport } from '../registry/import.ts';
import { readPartnersFile, validatePartner, type PartnerImport, type RawPartner } from '../registry/partners-yaml.ts';
import { exampleRef, parseRefPattern } from '../forms/ref-pattern.ts';

export type PartnerCommandDeps = StoreCommandDeps;

interface AddOptions extends CommonAddOptions {
  caseIdPattern: string;
  csaf?: boolean;
}

// A partner always has a key (the registry refuses one without): nothing is keyless.
const entriesOf = (imp: PartnerImport) => ({ entries: imp.partners, errors: imp.errors, warnings: imp.warnings, keyless: [] });

export function registerPartnerCommands(program: Command, deps: PartnerCommandDeps): void {
  registerRegistryCommands(program, deps, {
    noun: 'partner',
    plural: 'partners',
    description: 'the partner registry (overseas coordinators and CSIRTs)',
    idExample: 'certcc',
    fileHelp: 'partner registry YAML file',
    addOptions: (cmd) =>
      cmd
        .requiredOption('--case-id-pattern <template>', 'how the partner writes its case ids, e.g. "VU#{6}" (see docs/partners.md)')
        .option('--csaf', 'the partner wants a CSAF 2.0 document attached'),
    missing: (o: AddOptions) => (o.to.length === 0 || o.key.length === 0 ? '--to and --key are required (each at least once)' : null),
    async validateAdd(o) {
      const raw: RawPartner = {
        id: o.id,
        name: o.name,
        ...(o.nameJa !== undefined ? { name_ja: o.nameJa } : {}),
        case_id_pattern: o.caseIdPattern,
        wants_csaf: o.csaf === true,
        contacts: { to: o.to, ...(o.cc.length > 0 ? { cc: o.cc } : {}) },
        keys: o.key,
      };
      return entriesOf(await validatePartner(raw, { baseDir: process.cwd() }));
    },
    readFile: async (path) => entriesOf(await readPartnersFile(path)),
    keylessNote: '',
    get: getPartner,
    list: listPartners,
    upsert: upsertPartner,
    remove: removePartner,
    applyImport: (db, imp, actor) => applyImport(db, imp, upsertPartner, actor),
    publicFields: (p) => ({ caseIdPattern: p.caseIdPattern, wantsCsaf: p.wantsCsaf }),
    showRows(p) {
      const pattern = parseRefPattern(p.caseIdPattern);
      return [
        ['case ids', pattern.ok ? `${p.caseIdPattern}  (e.g. ${exampleRef(pattern.pattern)})` : `${p.caseIdPattern}  (INVALID)`],
        ['wants CSAF', p.wantsCsaf ? 'yes' : 'no'],
      ];
    },
    usable: { label: 'usable', no: 'NO (no usable key, no contact, or removed)', needsContact: true },
    listFields: (p) => [`ids ${p.caseIdPattern}`],
    listFlags: (p) => [p.wantsCsaf ? 'csaf' : null, p.keys.length === 0 ? 'NO-KEY' : null],
  });
}
