// The vendor registry file (`madoguchi vendors import FILE.yaml`); docs/vendors.md has the
// same description for coordinators.
//
//   vendors:
//     - id: acme                        # required: slug, lower-case letters, digits, inner '-'
//       name: ACME Corporation          # required
//       name_ja: アクメ株式会社          # optional
//       registration: general           # general (default) | individual
//       accepts_direct: false           # default false: accepts reports directly from finders
//       publish_name: true              # default true: the vendor's name may be published
//       contacts:                       # required
//         to: [psirt@acme.test]         #   required, one address or a list
//         cc: [security@acme.test]      #   optional; an address is either to or cc
//       keys: [keys/acme.asc]           # required: paths relative to this file (armored or
//                                       #   binary), or inline armored text (a block scalar)
//       products:                       # optional
//         - name: ACME Router           #   required, unique per vendor (NFKC, any case)
//           keywords: [router, rt-1000] #   optional technology keywords
//
// Rules:
// - Unknown fields are errors (a misspelt `accept_direct` must not silently mean false);
//   booleans must be YAML booleans (true/false), not strings.
// - The file is all or nothing: any error and nothing is imported. Errors name the line, the
//   vendor and the field: `line 7: vendor acme: contacts.to[1]: "x" is not an email address`.
// - Keys: see keys.ts. Unreadable or secret keys are errors; revoked, expired or
//   encryption-less keys are not pinned (warning); a vendor with no usable key is imported
//   but listed as not notifiable (warning).
// - The file says what each listed vendor's registration IS: contacts, keys and products
//   are replaced. Vendors absent from the file are left alone (`vendors remove` removes).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { VENDOR_ID_RE, type Registration, type VendorInput, type VendorProduct } from '../store/vendors.ts';
import { keyEntryLabel, readKeyEntry } from './keys.ts';
import { nfkcKey } from './normalize.ts';

export interface VendorImport {
  /** Valid entries, ready for upsertVendor (only usable keys). Empty when there are errors. */
  vendors: VendorInput[];
  errors: string[];
  warnings: string[];
  /** Ids of vendors with no usable key. */
  notNotifiable: string[];
}

export type PathPart = string | number;

const VENDOR_FIELDS = new Set(['id', 'name', 'name_ja', 'registration', 'accepts_direct', 'publish_name', 'contacts', 'keys', 'products']);
const CONTACT_FIELDS = new Set(['to', 'cc']);
const PRODUCT_FIELDS = new Set(['name', 'keywords']);
// Deliberately loose (RFC 5322 is not the point): one @, no spaces or brackets, a dot or
// a name on the right. The desk's mailer rejects the rest at send time.
export const EMAIL_RE = /^[^\s@<>(),;:"[\]]+@[^\s@<>(),;:"[\]]+$/;

/** A raw vendor entry: the parsed YAML (or the CLI options made into the same shape). */
export type RawVendor = Record<string, unknown>;

/** Errors and warnings naming line, entry and field (shared with operators-yaml.ts). */
export class Report {
  readonly errors: string[] = [];
  readonly warnings: string[] = [];
  constructor(
    private readonly lineOf: (p: PathPart[]) => number | null,
    private readonly noun = 'vendor',
  ) {}

  private where(p: PathPart[], vendor: string | null, field: PathPart[]): string {
    const line = this.lineOf(p);
    const parts = [line === null ? null : `line ${line}`, vendor === null ? null : `${this.noun} ${vendor}`, field.length > 0 ? fieldName(field) : null];
    return parts.filter((x) => x !== null).join(': ');
  }

  error(base: PathPart[], vendor: string | null, field: PathPart[], message: string): void {
    this.errors.push(`${this.where([...base, ...field], vendor, field)}: ${message}`);
  }

  warn(base: PathPart[], vendor: string | null, field: PathPart[], message: string): void {
    this.warnings.push(`${this.where([...base, ...field], vendor, field)}: ${message}`);
  }
}

/** ['contacts', 'to', 1] -> 'contacts.to[1]' */
export function fieldName(p: PathPart[]): string {
  return p.map((x, i) => (typeof x === 'number' ? `[${x}]` : i === 0 ? x : `.${x}`)).join('');
}

export function isMap(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** A string or a list of strings -> list; null when neither. */
export function stringList(x: unknown): unknown[] | null {
  if (typeof x === 'string') return [x];
  return Array.isArray(x) ? (x as unknown[]) : null;
}

/**
 * Parses and validates a registry YAML text; keys given as paths are read relative to
 * `baseDir`. Never throws for bad input: everything wrong is in `errors`.
 */
export async function parseVendorsYaml(text: string, opts: { baseDir: string; now?: Date }): Promise<VendorImport> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineOf = (p: PathPart[]): number | null => nodeLine(doc, lineCounter, p);
  const report = new Report(lineOf);
  const empty = (): VendorImport => ({ vendors: [], errors: report.errors, warnings: report.warnings, notNotifiable: [] });

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
  if (!isMap(root) || !Array.isArray(root.vendors)) {
    report.errors.push('the file must be a mapping with a `vendors:` list');
    return empty();
  }
  for (const k of Object.keys(root)) if (k !== 'vendors') report.error([], null, [k], 'unknown top-level field (expected only `vendors`)');
  const entries = root.vendors as unknown[];
  const out = await validateEntries(
    entries.map((raw, i) => ({ raw, base: ['vendors', i] as PathPart[], label: `vendors[${i}]` })),
    report,
    opts,
  );
  return out;
}

/** Reads a registry file; key paths are relative to the file's directory. */
export async function readVendorsFile(file: string, opts: { now?: Date } = {}): Promise<VendorImport> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { vendors: [], errors: [`cannot read ${file}${code ? ` (${code})` : ''}`], warnings: [], notNotifiable: [] };
  }
  return parseVendorsYaml(text, { baseDir: path.dirname(path.resolve(file)), ...opts });
}

/** Validates one entry made by the CLI (`vendors add`); key paths relative to baseDir. */
export async function validateVendor(raw: RawVendor, opts: { baseDir: string; now?: Date }): Promise<VendorImport> {
  const report = new Report(() => null);
  return validateEntries([{ raw, base: [], label: 'vendor' }], report, opts);
}

interface Entry {
  raw: unknown;
  base: PathPart[];
  label: string;
}

async function validateEntries(entries: Entry[], report: Report, opts: { baseDir: string; now?: Date }): Promise<VendorImport> {
  const now = opts.now ?? new Date();
  const vendors: VendorInput[] = [];
  const notNotifiable: string[] = [];
  const seenIds = new Map<string, string>();
  const seenFprs = new Map<string, string>();
  for (const e of entries) {
    const before = report.errors.length;
    const shape = checkShape(e, report);
    if (!shape) continue;
    const vendorName = shape.input.id;
    if (shape.valid) {
      const prev = seenIds.get(vendorName);
      if (prev !== undefined) report.error(e.base, vendorName, ['id'], `listed twice (also ${prev})`);
      seenIds.set(vendorName, e.label);
    }

    // Keys: read and judge each entry.
    const pinned: VendorInput['keys'] = [];
    for (const [i, entry] of shape.keyEntries.entries()) {
      const r = await readKeyEntry(entry, opts.baseDir, now);
      if (!r.ok) {
        report.error(e.base, vendorName, ['keys', i], r.error);
        continue;
      }
      for (const k of r.keys) {
        if (k.state !== 'ok') {
          report.warn(e.base, vendorName, ['keys', i], `key ${k.fingerprint} not pinned: ${k.state} (${k.detail})`);
          continue;
        }
        const owner = seenFprs.get(k.fingerprint);
        if (owner !== undefined && owner !== vendorName) {
          report.error(e.base, vendorName, ['keys', i], `key ${k.fingerprint} is also listed for vendor ${owner}; a key identifies one vendor`);
          continue;
        }
        seenFprs.set(k.fingerprint, vendorName);
        const contacts = [...shape.input.contacts.to, ...(shape.input.contacts.cc ?? [])];
        if (shape.valid && !k.emails.some((m) => contacts.includes(m))) {
          report.warn(
            e.base,
            vendorName,
            ['keys', i],
            `key ${k.fingerprint} (${k.emails.join(', ') || 'no address'}) names none of the vendor's contact addresses`,
          );
        }
        if (!pinned.some((p) => p.fingerprint === k.fingerprint)) pinned.push({ fingerprint: k.fingerprint, armored: k.armored });
      }
    }
    if (report.errors.length > before) continue;
    if (pinned.length === 0) {
      notNotifiable.push(vendorName);
      report.warn(e.base, vendorName, ['keys'], 'no usable key: registered but NOT notifiable until a usable key is added');
    }
    vendors.push({ ...shape.input, keys: pinned });
  }
  if (report.errors.length > 0) return { vendors: [], errors: report.errors, warnings: report.warnings, notNotifiable: [] };
  return { vendors, errors: [], warnings: report.warnings, notNotifiable };
}

/**
 * Structural checks, errors recorded; returns the entry (keys still as written, `valid`
 * false when it had errors), or null when it is not even a mapping.
 */
function checkShape(e: Entry, report: Report): { valid: boolean; input: VendorInput; keyEntries: string[] } | null {
  const { raw, base } = e;
  if (!isMap(raw)) {
    report.error(base, null, [], `${e.label}: each vendor must be a mapping`);
    return null;
  }
  const idOk = typeof raw.id === 'string' && VENDOR_ID_RE.test(raw.id);
  const who = idOk ? (raw.id as string) : e.label;
  const err = (field: PathPart[], msg: string): void => report.error(base, who, field, msg);
  const before = report.errors.length;

  for (const k of Object.keys(raw)) if (!VENDOR_FIELDS.has(k)) err([k], 'unknown field');
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

  let registration: Registration = 'general';
  if (raw.registration !== undefined) {
    if (raw.registration === 'general' || raw.registration === 'individual') registration = raw.registration;
    else err(['registration'], `must be general or individual, not ${JSON.stringify(raw.registration)}`);
  }
  const bool = (field: string, dflt: boolean): boolean => {
    const v = raw[field];
    if (v === undefined) return dflt;
    if (typeof v !== 'boolean') {
      err([field], `must be true or false, not ${JSON.stringify(v)}`);
      return dflt;
    }
    return v;
  };
  const acceptsDirect = bool('accepts_direct', false);
  const publishName = bool('publish_name', true);

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

  // keys
  const keyEntries: string[] = [];
  if (raw.keys === undefined || raw.keys === null) err(['keys'], 'required: at least one key (file path or armored text)');
  else {
    const list = stringList(raw.keys);
    if (list === null || list.length === 0) err(['keys'], 'must be a key (file path or armored text) or a non-empty list of them');
    else {
      list.forEach((k, i) => {
        if (typeof k !== 'string' || k.trim() === '') err(['keys', i], 'must be a file path or armored key text');
        else if (keyEntries.includes(k.trim())) err(['keys', i], `${keyEntryLabel(k.trim())} is listed twice`);
        else keyEntries.push(k.trim());
      });
    }
  }

  // products
  const products: VendorProduct[] = [];
  if (raw.products !== undefined && raw.products !== null) {
    if (!Array.isArray(raw.products)) err(['products'], 'must be a list of {name, keywords}');
    else {
      const seen = new Map<string, number>();
      (raw.products as unknown[]).forEach((p, i) => {
        if (typeof p === 'string') p = { name: p };
        if (!isMap(p)) {
          err(['products', i], 'must be a mapping with name (and keywords)');
          return;
        }
        for (const k of Object.keys(p)) if (!PRODUCT_FIELDS.has(k)) err(['products', i, k], 'unknown field (expected name, keywords)');
        const pname = typeof p.name === 'string' ? p.name.trim() : '';
        if (pname === '') {
          err(['products', i, 'name'], p.name === undefined ? 'required' : 'must be a non-empty string');
          return;
        }
        const key = nfkcKey(pname);
        const dup = seen.get(key);
        if (dup !== undefined) err(['products', i, 'name'], `${JSON.stringify(pname)} is listed twice (also products[${dup}])`);
        seen.set(key, i);
        const keywords: string[] = [];
        if (p.keywords !== undefined && p.keywords !== null) {
          const kl = typeof p.keywords === 'number' ? [p.keywords] : stringList(p.keywords);
          if (kl === null) err(['products', i, 'keywords'], 'must be a keyword or a list of keywords');
          else {
            kl.forEach((k, j) => {
              // A bare number in YAML (`keywords: [1000]`) is meant as text.
              const s = typeof k === 'number' ? String(k) : k;
              if (typeof s !== 'string' || s.trim() === '') err(['products', i, 'keywords', j], 'must be a non-empty string');
              else if (!keywords.includes(s.trim())) keywords.push(s.trim());
            });
          }
        }
        products.push({ name: pname, keywords });
      });
    }
  }

  // Keys are still read when other fields are wrong, so one run reports every error.
  return {
    valid: report.errors.length === before && name !== null && idOk,
    input: {
      id: who,
      name: name ?? '',
      nameJa,
      registration,
      acceptsDirect,
      publishName,
      contacts: { to, cc },
      keys: [],
      products,
    },
    keyEntries,
  };
}

/** 1-based line of the deepest node of `p` present in the document; null when none. */
export function nodeLine(doc: Document, lc: LineCounter, p: PathPart[]): number | null {
  for (let n = p.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(p.slice(0, n), true);
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (range) return lc.linePos(range[0]).line;
  }
  return null;
}
