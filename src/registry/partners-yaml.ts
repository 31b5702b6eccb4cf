// The partner registry file (`madoguchi partners import FILE.yaml`); docs/partners.md has
// the same description for coordinators. Same rules as the vendor file (yaml.ts): unknown
// fields are errors, the file is all or nothing, errors name line, partner and field, keys
// are judged by keys.ts (unreadable or secret: error; revoked/expired/no encryption: not
// pinned, warning).
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
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { parseRefPattern } from '../forms/ref-pattern.ts';
import { PARTNER_ID_RE, type PartnerInput } from '../store/partners.ts';
import { keyEntryLabel, readKeyEntry } from './keys.ts';

export interface PartnerImport {
  /** Valid entries, ready for upsertPartner (only usable keys). Empty when there are errors. */
  partners: PartnerInput[];
  errors: string[];
  warnings: string[];
}

export type RawPartner = Record<string, unknown>;

type PathPart = string | number;

const FIELDS = new Set(['id', 'name', 'name_ja', 'case_id_pattern', 'wants_csaf', 'contacts', 'keys']);
const EMAIL_RE = /^[^\s@<>(),;:"[\]]+@[^\s@<>(),;:"[\]]+$/;

function isMap(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function stringList(x: unknown): unknown[] | null {
  if (typeof x === 'string') return [x];
  return Array.isArray(x) ? (x as unknown[]) : null;
}

function fieldName(p: PathPart[]): string {
  return p.map((x, i) => (typeof x === 'number' ? `[${x}]` : i === 0 ? x : `.${x}`)).join('');
}

interface Entry {
  raw: unknown;
  base: PathPart[];
  label: string;
}

type LineOf = (p: PathPart[]) => number | null;

function where(lineOf: LineOf, base: PathPart[], who: string | null, field: PathPart[]): string {
  const line = lineOf([...base, ...field]);
  return [line === null ? null : `line ${line}`, who === null ? null : `partner ${who}`, field.length > 0 ? fieldName(field) : null]
    .filter((x) => x !== null)
    .join(': ');
}

/** Parses and validates a partner registry YAML text; key paths relative to `baseDir`. Never throws. */
export async function parsePartnersYaml(text: string, opts: { baseDir: string; now?: Date }): Promise<PartnerImport> {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const errors: string[] = [];
  if (doc.errors.length > 0) {
    for (const e of doc.errors) errors.push(`line ${lc.linePos(e.pos[0]).line}: YAML: ${e.message.split('\n')[0] ?? e.message}`);
    return { partners: [], errors, warnings: [] };
  }
  let root: unknown;
  try {
    root = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    return { partners: [], errors: [`YAML: ${e instanceof Error ? e.message : String(e)}`], warnings: [] };
  }
  if (!isMap(root) || !Array.isArray(root.partners)) return { partners: [], errors: ['the file must be a mapping with a `partners:` list'], warnings: [] };
  const lineOf: LineOf = (p) => nodeLine(doc, lc, p);
  for (const k of Object.keys(root)) if (k !== 'partners') errors.push(`${where(lineOf, [], null, [k])}: unknown top-level field (expected only \`partners\`)`);
  const entries = (root.partners as unknown[]).map((raw, i): Entry => ({ raw, base: ['partners', i], label: `partners[${i}]` }));
  const out = await validateEntries(entries, lineOf, opts);
  return { ...out, errors: [...errors, ...out.errors], partners: errors.length > 0 ? [] : out.partners };
}

/** Reads a partner registry file; key paths are relative to the file's directory. */
export async function readPartnersFile(file: string, opts: { now?: Date } = {}): Promise<PartnerImport> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { partners: [], errors: [`cannot read ${file}${code ? ` (${code})` : ''}`], warnings: [] };
  }
  return parsePartnersYaml(text, { baseDir: path.dirname(path.resolve(file)), ...opts });
}

/** Validates one entry made by the CLI (`partners add`). */
export async function validatePartner(raw: RawPartner, opts: { baseDir: string; now?: Date }): Promise<PartnerImport> {
  return validateEntries([{ raw, base: [], label: 'partner' }], () => null, opts);
}

async function validateEntries(entries: Entry[], lineOf: LineOf, opts: { baseDir: string; now?: Date }): Promise<PartnerImport> {
  const now = opts.now ?? new Date();
  const errors: string[] = [];
  const warnings: string[] = [];
  const partners: PartnerInput[] = [];
  const seenIds = new Set<string>();
  const seenFprs = new Map<string, string>();
  for (const e of entries) {
    const before = errors.length;
    const { raw, base } = e;
    if (!isMap(raw)) {
      errors.push(`${where(lineOf, base, null, [])}: ${e.label}: each partner must be a mapping`);
      continue;
    }
    const idOk = typeof raw.id === 'string' && PARTNER_ID_RE.test(raw.id);
    const who = idOk ? (raw.id as string) : e.label;
    const err = (field: PathPart[], msg: string): void => void errors.push(`${where(lineOf, base, who, field)}: ${msg}`);
    const warn = (field: PathPart[], msg: string): void => void warnings.push(`${where(lineOf, base, who, field)}: ${msg}`);

    for (const k of Object.keys(raw)) if (!FIELDS.has(k)) err([k], 'unknown field');
    if (raw.id === undefined) err(['id'], 'required');
    else if (!idOk) err(['id'], `${JSON.stringify(raw.id)} is not a valid id (lower-case letters, digits and inner hyphens, at most 64)`);
    else if (seenIds.has(who)) err(['id'], 'listed twice');
    seenIds.add(who);

    const str = (field: string, required: boolean): string | null => {
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
    const name = str('name', true);
    const nameJa = str('name_ja', false);
    const patternText = str('case_id_pattern', true);
    let caseIdPattern = '';
    if (patternText !== null) {
      const p = parseRefPattern(patternText);
      if (p.ok) caseIdPattern = p.pattern.template;
      else err(['case_id_pattern'], p.error);
    }
    let wantsCsaf = false;
    if (raw.wants_csaf !== undefined) {
      if (typeof raw.wants_csaf === 'boolean') wantsCsaf = raw.wants_csaf;
      else err(['wants_csaf'], `must be true or false, not ${JSON.stringify(raw.wants_csaf)}`);
    }

    const to: string[] = [];
    const cc: string[] = [];
    if (raw.contacts === undefined) err(['contacts'], 'required (at least contacts.to)');
    else if (!isMap(raw.contacts)) err(['contacts'], 'must be a mapping with to (and cc)');
    else {
      const c = raw.contacts;
      for (const k of Object.keys(c)) if (k !== 'to' && k !== 'cc') err(['contacts', k], 'unknown field (expected to, cc)');
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
          if (typeof a !== 'string' || !EMAIL_RE.test(a.trim())) return err(field, `${JSON.stringify(a)} is not an email address`);
          const addr = a.trim().toLowerCase();
          if (to.includes(addr) || cc.includes(addr)) err(field, `${addr} is listed twice`);
          else (kind === 'to' ? to : cc).push(addr);
        });
      }
    }

    const keyEntries: string[] = [];
    const kl = raw.keys === undefined || raw.keys === null ? null : stringList(raw.keys);
    if (kl === null || kl.length === 0) err(['keys'], 'required: at least one key (file path or armored text)');
    else {
      kl.forEach((k, i) => {
        if (typeof k !== 'string' || k.trim() === '') err(['keys', i], 'must be a file path or armored key text');
        else if (keyEntries.includes(k.trim())) err(['keys', i], `${keyEntryLabel(k.trim())} is listed twice`);
        else keyEntries.push(k.trim());
      });
    }

    const pinned: PartnerInput['keys'] = [];
    for (const [i, entry] of keyEntries.entries()) {
      const r = await readKeyEntry(entry, opts.baseDir, now);
      if (!r.ok) {
        err(['keys', i], r.error);
        continue;
      }
      for (const k of r.keys) {
        if (k.state !== 'ok') {
          warn(['keys', i], `key ${k.fingerprint} not pinned: ${k.state} (${k.detail})`);
          continue;
        }
        const owner = seenFprs.get(k.fingerprint);
        if (owner !== undefined && owner !== who) {
          err(['keys', i], `key ${k.fingerprint} is also listed for partner ${owner}; a key identifies one partner`);
          continue;
        }
        seenFprs.set(k.fingerprint, who);
        if (!k.emails.some((m) => to.includes(m) || cc.includes(m))) {
          warn(['keys', i], `key ${k.fingerprint} (${k.emails.join(', ') || 'no address'}) names none of the partner's contact addresses`);
        }
        if (!pinned.some((p) => p.fingerprint === k.fingerprint)) pinned.push({ fingerprint: k.fingerprint, armored: k.armored });
      }
    }
    if (errors.length > before) continue;
    if (pinned.length === 0) {
      err(['keys'], 'no usable key: a partner exchanges only signed, encrypted mail, so it needs one');
      continue;
    }
    partners.push({ id: who, name: name ?? '', nameJa, caseIdPattern, wantsCsaf, contacts: { to, cc }, keys: pinned });
  }
  if (errors.length > 0) return { partners: [], errors, warnings };
  return { partners, errors: [], warnings };
}

function nodeLine(doc: Document, lc: LineCounter, p: PathPart[]): number | null {
  for (let n = p.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(p.slice(0, n), true);
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (range) return lc.linePos(range[0]).line;
  }
  return null;
}
