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
import { VENDOR_ID_RE, type Registration, type VendorInput, type VendorProduct } from '../store/vendors.ts';
import { nfkcKey } from './normalize.ts';
import { isMap, pinKeys, readBool, readContacts, readKeyEntries, readRegistryFile, readText, registryEntries, Report, stringList, type Entry, type PathPart } from './entries.ts';

export interface VendorImport {
  /** Valid entries, ready for upsertVendor (only usable keys). Empty when there are errors. */
  vendors: VendorInput[];
  errors: string[];
  warnings: string[];
  /** Ids of vendors with no usable key. */
  notNotifiable: string[];
}

const VENDOR_FIELDS = new Set(['id', 'name', 'name_ja', 'registration', 'accepts_direct', 'publish_name', 'contacts', 'keys', 'products']);
const PRODUCT_FIELDS = new Set(['name', 'keywords']);

/** A raw vendor entry: the parsed YAML (or the CLI options made into the same shape). */
export type RawVendor = Record<string, unknown>;

/**
 * Parses and validates a registry YAML text; keys given as paths are read relative to
 * `baseDir`. Never throws for bad input: everything wrong is in `errors`.
 */
export async function parseVendorsYaml(text: string, opts: { baseDir: string; now?: Date }): Promise<VendorImport> {
  const { report, entries } = registryEntries(text, 'vendors', 'vendor');
  if (entries === null) return { vendors: [], errors: report.errors, warnings: report.warnings, notNotifiable: [] };
  return validateEntries(entries, report, opts);
}

/** Reads a registry file; key paths are relative to the file's directory. */
export async function readVendorsFile(file: string, opts: { now?: Date } = {}): Promise<VendorImport> {
  return readRegistryFile(
    file,
    (text, baseDir) => parseVendorsYaml(text, { baseDir, ...opts }),
    (error) => ({ vendors: [], errors: [error], warnings: [], notNotifiable: [] }),
  );
}

/** Validates one entry made by the CLI (`vendors add`); key paths relative to baseDir. */
export async function validateVendor(raw: RawVendor, opts: { baseDir: string; now?: Date }): Promise<VendorImport> {
  return validateEntries([{ raw, base: [], label: 'vendor' }], new Report(() => null), opts);
}

async function validateEntries(entries: Entry[], report: Report, opts: { baseDir: string; now?: Date }): Promise<VendorImport> {
  const now = opts.now ?? new Date();
  const vendors: VendorInput[] = [];
  const notNotifiable: string[] = [];
  const seenIds = new Map<string, string>();
  const owners = new Map<string, string>();
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
    const pinned = await pinKeys({
      entries: shape.keyEntries,
      who: vendorName,
      noun: 'vendor',
      contacts: [...shape.input.contacts.to, ...(shape.input.contacts.cc ?? [])],
      checkContacts: shape.valid,
      owners,
      baseDir: opts.baseDir,
      now,
      err: (field, msg) => report.error(e.base, vendorName, field, msg),
      warn: (field, msg) => report.warn(e.base, vendorName, field, msg),
    });
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

  const name = readText(raw, 'name', true, err);
  const nameJa = readText(raw, 'name_ja', false, err);

  let registration: Registration = 'general';
  if (raw.registration !== undefined) {
    if (raw.registration === 'general' || raw.registration === 'individual') registration = raw.registration;
    else err(['registration'], `must be general or individual, not ${JSON.stringify(raw.registration)}`);
  }
  const acceptsDirect = readBool(raw, 'accepts_direct', false, err);
  const publishName = readBool(raw, 'publish_name', true, err);
  const contacts = readContacts(raw, err);
  const keyEntries = readKeyEntries(raw, true, err);

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
    input: { id: who, name: name ?? '', nameJa, registration, acceptsDirect, publishName, contacts, keys: [], products },
    keyEntries,
  };
}
