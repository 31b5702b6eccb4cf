// The site operators registry file (`madoguchi operators import FILE.yaml`); docs/operators.md
// has the same description for coordinators. The same rules as the vendor file (yaml.ts):
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
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { OPERATOR_ID_RE, type OperatorInput } from '../store/operators.ts';
import { normaliseDomain } from '../rules/website-scope.ts';
import { keyEntryLabel, readKeyEntry } from './keys.ts';
import { EMAIL_RE, isMap, nodeLine, Report, stringList, type PathPart } from './yaml.ts';

export interface OperatorImport {
  /** Valid entries, ready for upsertOperator (only usable keys). Empty when there are errors. */
  operators: OperatorInput[];
  errors: string[];
  warnings: string[];
  /** Ids of operators with no usable key (content-free first contact only). */
  keyless: string[];
}

export type RawOperator = Record<string, unknown>;

const OPERATOR_FIELDS = new Set(['id', 'name', 'name_ja', 'domains', 'contacts', 'keys']);
const CONTACT_FIELDS = new Set(['to', 'cc']);

interface Entry {
  raw: unknown;
  base: PathPart[];
  label: string;
}

/** Parses and validates an operators YAML text. Never throws for bad input. */
export async function parseOperatorsYaml(text: string, opts: { baseDir: string; now?: Date }): Promise<OperatorImport> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const report = new Report((p) => nodeLine(doc, lineCounter, p), 'operator');
  const empty = (): OperatorImport => ({ operators: [], errors: report.errors, warnings: report.warnings, keyless: [] });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) report.errors.push(`line ${lineCounter.linePos(e.pos[0]).line}: YAML: ${e.message.split('\n')[0] ?? e.message}`);
    return empty();
  }
  let root: unknown;
  try {
    root = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    report.errors.push(`YAML: ${e instanceof Error ? e.message : String(e)}`);
    return empty();
  }
  if (!isMap(root) || !Array.isArray(root.operators)) {
    report.errors.push('the file must be a mapping with an `operators:` list');
    return empty();
  }
  for (const k of Object.keys(root)) if (k !== 'operators') report.error([], null, [k], 'unknown top-level field (expected only `operators`)');
  const entries = (root.operators as unknown[]).map((raw, i) => ({ raw, base: ['operators', i] as PathPart[], label: `operators[${i}]` }));
  return validateEntries(entries, report, opts);
}

/** Reads an operators file; key paths are relative to the file's directory. */
export async function readOperatorsFile(file: string, opts: { now?: Date } = {}): Promise<OperatorImport> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { operators: [], errors: [`cannot read ${file}${code ? ` (${code})` : ''}`], warnings: [], keyless: [] };
  }
  return parseOperatorsYaml(text, { baseDir: path.dirname(path.resolve(file)), ...opts });
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
  const seenFprs = new Map<string, string>();
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
    const pinned: OperatorInput['keys'] = [];
    for (const [i, entry] of shape.keyEntries.entries()) {
      const r = await readKeyEntry(entry, opts.baseDir, now);
      if (!r.ok) {
        report.error(e.base, who, ['keys', i], r.error.replace("the vendor's public key", "the operator's public key"));
        continue;
      }
      for (const k of r.keys) {
        if (k.state !== 'ok') {
          report.warn(e.base, who, ['keys', i], `key ${k.fingerprint} not pinned: ${k.state} (${k.detail})`);
          continue;
        }
        const owner = seenFprs.get(k.fingerprint);
        if (owner !== undefined && owner !== who) {
          report.error(e.base, who, ['keys', i], `key ${k.fingerprint} is also listed for operator ${owner}; a key identifies one operator`);
          continue;
        }
        seenFprs.set(k.fingerprint, who);
        const contacts = [...shape.input.contacts.to, ...(shape.input.contacts.cc ?? [])];
        if (shape.valid && !k.emails.some((m) => contacts.includes(m))) {
          report.warn(e.base, who, ['keys', i], `key ${k.fingerprint} (${k.emails.join(', ') || 'no address'}) names none of the operator's contact addresses`);
        }
        if (!pinned.some((p) => p.fingerprint === k.fingerprint)) pinned.push({ fingerprint: k.fingerprint, armored: k.armored });
      }
    }
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

  const text = (field: string, required: boolean): string | null => {
    const v = raw[field];
    if (v === undefined || v === null) {
      if (required) err([field], 'required');
      return null;
    }
    if (typeof v !== 'string' || v.trim() === '') {
      err([field], 'must be a non-empty string');
      return null;
    }
    return v.trim();
  };
  const name = text('name', true);
  const nameJa = text('name_ja', false);

  // domains
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

  // contacts
  const to: string[] = [];
  const cc: string[] = [];
  if (raw.contacts === undefined) err(['contacts'], 'required (at least contacts.to)');
  else if (!isMap(raw.contacts)) err(['contacts'], 'must be a mapping with to (and cc)');
  else {
    const c = raw.contacts;
    for (const k of Object.keys(c)) if (!CONTACT_FIELDS.has(k)) err(['contacts', k], 'unknown field (expected to, cc)');
    for (const kind of ['to', 'cc'] as const) {
      const v = c[kind];
      if (v === undefined || v === null) {
        if (kind === 'to') err(['contacts', 'to'], 'required: at least one address');
        continue;
      }
      const list = stringList(v);
      if (list === null) {
        err(['contacts', kind], 'must be an address or a list of addresses');
        continue;
      }
      if (kind === 'to' && list.length === 0) err(['contacts', 'to'], 'required: at least one address');
      list.forEach((a, i) => {
        const field = typeof v === 'string' ? ['contacts', kind] : ['contacts', kind, i];
        if (typeof a !== 'string' || !EMAIL_RE.test(a.trim())) {
          err(field, `${JSON.stringify(a)} is not an email address`);
          return;
        }
        const addr = a.trim().toLowerCase();
        if (to.includes(addr) || cc.includes(addr)) err(field, `${addr} is listed twice`);
        else (kind === 'to' ? to : cc).push(addr);
      });
    }
  }

  // keys (optional for operators)
  const keyEntries: string[] = [];
  if (raw.keys !== undefined && raw.keys !== null) {
    const list = stringList(raw.keys);
    if (list === null) err(['keys'], 'must be a key (file path or armored text) or a list of them');
    else {
      list.forEach((k, i) => {
        if (typeof k !== 'string' || k.trim() === '') err(['keys', i], 'must be a file path or armored key text');
        else if (keyEntries.includes(k.trim())) err(['keys', i], `${keyEntryLabel(k.trim())} is listed twice`);
        else keyEntries.push(k.trim());
      });
    }
  }

  return {
    valid: report.errors.length === before && name !== null && idOk,
    input: { id: who, name: name ?? '', nameJa, domains, contacts: { to, cc }, keys: [] },
    keyEntries,
  };
}
