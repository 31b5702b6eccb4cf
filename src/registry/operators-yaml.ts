// The site operators registry file (`madoguchi operators import FILE.yaml`); docs/operators.md
// has the same description for coordinators. The rules shared with the other registries are in
// entries.ts:
//
//   operators:
//     - id: example-shop                # required: slug, lower-case letters, digits, inner '-'
//       name: Example Shop K.K.         # required
//       name_ja: 株式会社エグザンプル      # optional
//       domains: [example.jp, 例え.jp]   # required: DNS names; each covers its subdomains
//       contacts:                       # required
//         to: [security@example.jp]     #   required, one address or a list
//         cc: [web@example.jp]          #   optional
//       keys: [keys/example.asc]        # optional: paths relative to this file, or inline armored
//
// - Unknown fields are errors; the file is all or nothing; errors name line, operator, field.
// - Keys: as for vendors (keys.ts): unreadable or secret keys are errors; revoked, expired or
//   encryption-less keys are not pinned (warning). An operator without a usable key is
//   registered; it can only get a content-free first contact asking for a key (issue 11).
// - A domain is listed by one operator (in the file, and among registered operators: the
//   store refuses the import otherwise). IP addresses, URLs and wildcards are not domains.
import { OPERATOR_ID_RE, type OperatorInput } from '../store/operators.ts';
import { normaliseDomain } from '../rules/website-scope.ts';
import { isMap, pinKeys, readContacts, readKeyEntries, readRegistryFile, readText, registryEntries, Report, stringList, type Entry, type PathPart } from './entries.ts';

export interface OperatorImport {
  /** Valid entries, ready for upsertOperator (only usable keys). Empty when there are errors. */
  operators: OperatorInput[];
  errors: string[];
  warnings: string[];
  /** Ids of operators with no usable key (content-free first contact only). */
  keyless: string[];
}

/** A raw operator entry: the parsed YAML (or the CLI options made into the same shape). */
export type RawOperator = Record<string, unknown>;

const OPERATOR_FIELDS = new Set(['id', 'name', 'name_ja', 'domains', 'contacts', 'keys']);

/** Parses and validates an operators YAML text. Never throws for bad input. */
export async function parseOperatorsYaml(text: string, opts: { baseDir: string; now?: Date }): Promise<OperatorImport> {
  const { report, entries } = registryEntries(text, 'operators', 'operator');
  if (entries === null) return { operators: [], errors: report.errors, warnings: report.warnings, keyless: [] };
  return validateEntries(entries, report, opts);
}

/** Reads an operators file; key paths are relative to the file's directory. */
export async function readOperatorsFile(file: string, opts: { now?: Date } = {}): Promise<OperatorImport> {
  return readRegistryFile(
    file,
    (text, baseDir) => parseOperatorsYaml(text, { baseDir, ...opts }),
    (error) => ({ operators: [], errors: [error], warnings: [], keyless: [] }),
  );
}

/** Validates one entry made by the CLI (`operators add`); key paths relative to baseDir. */
export async function validateOperator(raw: RawOperator, opts: { baseDir: string; now?: Date }): Promise<OperatorImport> {
  return validateEntries([{ raw, base: [], label: 'operator' }], new Report(() => null, 'operator'), opts);
}

async function validateEntries(entries: Entry[], report: Report, opts: { baseDir: string; now?: Date }): Promise<OperatorImport> {
  const now = opts.now ?? new Date();
  const operators: OperatorInput[] = [];
  const keyless: string[] = [];
  const seenIds = new Map<string, string>();
  const seenDomains = new Map<string, string>();
  const owners = new Map<string, string>();
  for (const e of entries) {
    const before = report.errors.length;
    const shape = checkShape(e, report);
    if (!shape) continue;
    const who = shape.input.id;
    if (shape.valid) {
      const prev = seenIds.get(who);
      if (prev !== undefined) report.error(e.base, who, ['id'], `listed twice (also ${prev})`);
      seenIds.set(who, e.label);
    }
    shape.input.domains.forEach((d, i) => {
      const owner = seenDomains.get(d);
      if (owner !== undefined && owner !== who) report.error(e.base, who, ['domains', i], `${d} is also listed for operator ${owner}; a site has one operator`);
      seenDomains.set(d, who);
    });
    const pinned = await pinKeys({
      entries: shape.keyEntries,
      who,
      noun: 'operator',
      contacts: [...shape.input.contacts.to, ...(shape.input.contacts.cc ?? [])],
      checkContacts: shape.valid,
      owners,
      baseDir: opts.baseDir,
      now,
      err: (field, msg) => report.error(e.base, who, field, msg),
      warn: (field, msg) => report.warn(e.base, who, field, msg),
    });
    if (report.errors.length > before) continue;
    if (pinned.length === 0) {
      keyless.push(who);
      report.warn(e.base, who, ['keys'], 'no usable key: registered, but only a content-free first contact asking for a key can be sent');
    }
    operators.push({ ...shape.input, keys: pinned });
  }
  if (report.errors.length > 0) return { operators: [], errors: report.errors, warnings: report.warnings, keyless: [] };
  return { operators, errors: [], warnings: report.warnings, keyless };
}

function checkShape(e: Entry, report: Report): { valid: boolean; input: OperatorInput; keyEntries: string[] } | null {
  const { raw, base } = e;
  if (!isMap(raw)) {
    report.error(base, null, [], `${e.label}: each operator must be a mapping`);
    return null;
  }
  const idOk = typeof raw.id === 'string' && OPERATOR_ID_RE.test(raw.id);
  const who = idOk ? (raw.id as string) : e.label;
  const err = (field: PathPart[], msg: string): void => report.error(base, who, field, msg);
  const before = report.errors.length;

  for (const k of Object.keys(raw)) if (!OPERATOR_FIELDS.has(k)) err([k], 'unknown field');
  if (raw.id === undefined) err(['id'], 'required');
  else if (!idOk) err(['id'], `${JSON.stringify(raw.id)} is not a valid id (lower-case letters, digits and inner hyphens, at most 64)`);

  const name = readText(raw, 'name', true, err);
  const nameJa = readText(raw, 'name_ja', false, err);

  const domains: string[] = [];
  const dl = raw.domains === undefined || raw.domains === null ? null : stringList(raw.domains);
  if (dl === null || dl.length === 0) err(['domains'], 'required: a domain name or a non-empty list of them');
  else {
    dl.forEach((d, i) => {
      const field = typeof raw.domains === 'string' ? ['domains'] : ['domains', i];
      const n = typeof d === 'string' ? normaliseDomain(d) : null;
      if (n === null) err(field, `${JSON.stringify(d)} is not a domain name (no IP address, URL or wildcard: a domain covers its subdomains)`);
      else if (domains.includes(n)) err(field, `${n} is listed twice`);
      else domains.push(n);
    });
  }

  const contacts = readContacts(raw, err);
  // Keys are optional for operators: one without gets a content-free first contact.
  const keyEntries = readKeyEntries(raw, false, err);

  return {
    valid: report.errors.length === before && name !== null && idOk,
    input: { id: who, name: name ?? '', nameJa, domains, contacts, keys: [] },
    keyEntries,
  };
}
