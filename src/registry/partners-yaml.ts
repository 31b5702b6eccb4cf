// The partner registry file (`madoguchi partners import FILE.yaml`); docs/partners.md has
// the same description for coordinators. The rules shared with the other registries are in
// entries.ts: unknown fields are errors, the file is all or nothing, errors name line,
// partner and field, keys are judged by keys.ts (unreadable or secret: error;
// revoked/expired/no encryption: not pinned, warning).
//
//   partners:
//     - id: certcc                      # required: slug
//       name: CERT/CC                   # required
//       name_ja: CERT/CC                # optional
//       case_id_pattern: "VU#{6}"       # required: template (src/forms/ref-pattern.ts)
//       wants_csaf: true                # default false
//       contacts: {to: [cert@certcc.test], cc: [...]}
//       keys: [keys/certcc.asc]
//
// A partner with no usable key is an ERROR, unlike a vendor: a partner's only use is
// signed and encrypted exchange (§5), and a partner without a key could neither open a
// case nor receive one (docs/decisions.md).
import { parseRefPattern } from '../forms/ref-pattern.ts';
import { PARTNER_ID_RE, type PartnerInput } from '../store/partners.ts';
import { isMap, pinKeys, readBool, readContacts, readKeyEntries, readRegistryFile, readText, registryEntries, Report, type Entry, type PathPart } from './entries.ts';

export interface PartnerImport {
  /** Valid entries, ready for upsertPartner (only usable keys). Empty when there are errors. */
  partners: PartnerInput[];
  errors: string[];
  warnings: string[];
}

export type RawPartner = Record<string, unknown>;

const FIELDS = new Set(['id', 'name', 'name_ja', 'case_id_pattern', 'wants_csaf', 'contacts', 'keys']);

/** Parses and validates a partner registry YAML text; key paths relative to `baseDir`. Never throws. */
export async function parsePartnersYaml(text: string, opts: { baseDir: string; now?: Date }): Promise<PartnerImport> {
  const { report, entries } = registryEntries(text, 'partners', 'partner');
  if (entries === null) return { partners: [], errors: report.errors, warnings: report.warnings };
  return validateEntries(entries, report, opts);
}

/** Reads a partner registry file; key paths are relative to the file's directory. */
export async function readPartnersFile(file: string, opts: { now?: Date } = {}): Promise<PartnerImport> {
  return readRegistryFile(
    file,
    (text, baseDir) => parsePartnersYaml(text, { baseDir, ...opts }),
    (error) => ({ partners: [], errors: [error], warnings: [] }),
  );
}

/** Validates one entry made by the CLI (`partners add`). */
export async function validatePartner(raw: RawPartner, opts: { baseDir: string; now?: Date }): Promise<PartnerImport> {
  return validateEntries([{ raw, base: [], label: 'partner' }], new Report(() => null, 'partner'), opts);
}

async function validateEntries(entries: Entry[], report: Report, opts: { baseDir: string; now?: Date }): Promise<PartnerImport> {
  const now = opts.now ?? new Date();
  const partners: PartnerInput[] = [];
  const seenIds = new Set<string>();
  const owners = new Map<string, string>();
  for (const e of entries) {
    const before = report.errors.length;
    const { raw, base } = e;
    if (!isMap(raw)) {
      report.error(base, null, [], `${e.label}: each partner must be a mapping`);
      continue;
    }
    const idOk = typeof raw.id === 'string' && PARTNER_ID_RE.test(raw.id);
    const who = idOk ? (raw.id as string) : e.label;
    const err = (field: PathPart[], msg: string): void => report.error(base, who, field, msg);
    const warn = (field: PathPart[], msg: string): void => report.warn(base, who, field, msg);

    for (const k of Object.keys(raw)) if (!FIELDS.has(k)) err([k], 'unknown field');
    if (raw.id === undefined) err(['id'], 'required');
    else if (!idOk) err(['id'], `${JSON.stringify(raw.id)} is not a valid id (lower-case letters, digits and inner hyphens, at most 64)`);
    else if (seenIds.has(who)) err(['id'], 'listed twice');
    seenIds.add(who);

    const name = readText(raw, 'name', true, err);
    const nameJa = readText(raw, 'name_ja', false, err);
    const patternText = readText(raw, 'case_id_pattern', true, err);
    let caseIdPattern = '';
    if (patternText !== null) {
      const p = parseRefPattern(patternText);
      if (p.ok) caseIdPattern = p.pattern.template;
      else err(['case_id_pattern'], p.error);
    }
    const wantsCsaf = readBool(raw, 'wants_csaf', false, err);
    const contacts = readContacts(raw, err);
    const keyEntries = readKeyEntries(raw, true, err);
    const pinned = await pinKeys({
      entries: keyEntries,
      who,
      noun: 'partner',
      contacts: [...contacts.to, ...contacts.cc],
      checkContacts: true,
      owners,
      baseDir: opts.baseDir,
      now,
      err,
      warn,
    });
    if (report.errors.length > before) continue;
    if (pinned.length === 0) {
      err(['keys'], 'no usable key: a partner exchanges only signed, encrypted mail, so it needs one');
      continue;
    }
    partners.push({ id: who, name: name ?? '', nameJa, caseIdPattern, wantsCsaf, contacts, keys: pinned });
  }
  if (report.errors.length > 0) return { partners: [], errors: report.errors, warnings: report.warnings };
  return { partners, errors: [], warnings: report.warnings };
}
