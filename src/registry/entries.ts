// What the three registry files (vendors: yaml.ts, operators: operators-yaml.ts, partners:
// partners-yaml.ts) read the same way: the YAML document and its top-level list, errors and
// warnings that name line, entry and field, the name fields, contacts, and keys (read,
// judged and pinned, one owner per key). Each registry file reads only its own fields.
//
// Rules shared by all three (docs/vendors.md, docs/operators.md, docs/partners.md):
// - Unknown fields are errors; the file is all or nothing; errors name the line, the entry
//   and the field: `line 7: vendor acme: contacts.to[1]: "x" is not an email address`.
// - Keys (keys.ts): unreadable or secret keys are errors; revoked, expired or
//   encryption-less keys are not pinned (warning); a key belongs to one entry.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { keyEntryLabel, readKeyEntry } from './keys.ts';

export type PathPart = string | number;
export type FieldReport = (field: PathPart[], message: string) => void;

// Deliberately loose (RFC 5322 is not the point): one @, no spaces or brackets, a dot or
// a name on the right. The desk's mailer rejects the rest at send time.
export const EMAIL_RE = /^[^\s@<>(),;:"[\]]+@[^\s@<>(),;:"[\]]+$/;
const CONTACT_FIELDS = new Set(['to', 'cc']);

/** One entry of a registry file (or the CLI's `add`, made into the same shape). */
export interface Entry {
  raw: unknown;
  base: PathPart[];
  label: string;
}

/** Errors and warnings naming line, entry and field. */
export class Report {
  readonly errors: string[] = [];
  readonly warnings: string[] = [];
  constructor(
    private readonly lineOf: (p: PathPart[]) => number | null,
    private readonly noun = 'vendor',
  ) {}

  private where(p: PathPart[], who: string | null, field: PathPart[]): string {
    const line = this.lineOf(p);
    const parts = [line === null ? null : `line ${line}`, who === null ? null : `${this.noun} ${who}`, field.length > 0 ? fieldName(field) : null];
    return parts.filter((x) => x !== null).join(': ');
  }

  error(base: PathPart[], who: string | null, field: PathPart[], message: string): void {
    this.errors.push(`${this.where([...base, ...field], who, field)}: ${message}`);
  }

  warn(base: PathPart[], who: string | null, field: PathPart[], message: string): void {
    this.warnings.push(`${this.where([...base, ...field], who, field)}: ${message}`);
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

/** 1-based line of the deepest node of `p` present in the document; null when none. */
export function nodeLine(doc: Document, lc: LineCounter, p: PathPart[]): number | null {
  for (let n = p.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(p.slice(0, n), true);
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (range) return lc.linePos(range[0]).line;
  }
  return null;
}

/**
 * Parses a registry YAML text whose root is `{ <list>: [...] }` and returns its entries, or
 * null when the document itself is wrong (the errors are in `report`). Never throws.
 */
export function registryEntries(text: string, list: string, noun: string): { report: Report; entries: Entry[] | null } {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const report = new Report((p) => nodeLine(doc, lc, p), noun);
  if (doc.errors.length > 0) {
    for (const e of doc.errors) report.errors.push(`line ${lc.linePos(e.pos[0]).line}: YAML: ${e.message.split('\n')[0] ?? e.message}`);
    return { report, entries: null };
  }
  let root: unknown;
  try {
    root = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    report.errors.push(`YAML: ${e instanceof Error ? e.message : String(e)}`);
    return { report, entries: null };
  }
  if (!isMap(root) || !Array.isArray(root[list])) {
    report.errors.push(`the file must be a mapping with ${/^[aeiou]/.test(list) ? 'an' : 'a'} \`${list}:\` list`);
    return { report, entries: null };
  }
  for (const k of Object.keys(root)) if (k !== list) report.error([], null, [k], `unknown top-level field (expected only \`${list}\`)`);
  return { report, entries: (root[list] as unknown[]).map((raw, i) => ({ raw, base: [list, i], label: `${list}[${i}]` })) };
}

/** Reads a registry file and hands its text to `parse` with key paths relative to the file. */
export async function readRegistryFile<T>(file: string, parse: (text: string, baseDir: string) => Promise<T>, unreadable: (error: string) => T): Promise<T> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return unreadable(`cannot read ${file}${code ? ` (${code})` : ''}`);
  }
  return parse(text, path.dirname(path.resolve(file)));
}

/** A trimmed non-empty string field, or null (absent, or wrong: reported). */
export function readText(raw: Record<string, unknown>, field: string, required: boolean, err: FieldReport): string | null {
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
}

/** A YAML boolean (true/false, never a string: a misspelt value must not silently mean false). */
export function readBool(raw: Record<string, unknown>, field: string, dflt: boolean, err: FieldReport): boolean {
  const v = raw[field];
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') {
    err([field], `must be true or false, not ${JSON.stringify(v)}`);
    return dflt;
  }
  return v;
}

/** `contacts: { to, cc }`: to required; addresses lower-cased; an address is to or cc, once. */
export function readContacts(raw: Record<string, unknown>, err: FieldReport): { to: string[]; cc: string[] } {
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
  return { to, cc };
}

/** `keys:` as written (paths or armored text), each once; required or optional. */
export function readKeyEntries(raw: Record<string, unknown>, required: boolean, err: FieldReport): string[] {
  const entries: string[] = [];
  if (raw.keys === undefined || raw.keys === null) {
    if (required) err(['keys'], 'required: at least one key (file path or armored text)');
    return entries;
  }
  const list = stringList(raw.keys);
  if (list === null || (required && list.length === 0)) {
    err(['keys'], required ? 'must be a key (file path or armored text) or a non-empty list of them' : 'must be a key (file path or armored text) or a list of them');
    return entries;
  }
  list.forEach((k, i) => {
    if (typeof k !== 'string' || k.trim() === '') err(['keys', i], 'must be a file path or armored key text');
    else if (entries.includes(k.trim())) err(['keys', i], `${keyEntryLabel(k.trim())} is listed twice`);
    else entries.push(k.trim());
  });
  return entries;
}

/**
 * Reads and judges each key entry and returns the keys to pin: usable ones only (others
 * warned), each once, none already listed for another entry of the file (`owners`, shared
 * across the file). A key naming none of the contact addresses is pinned with a warning.
 */
export async function pinKeys(o: {
  entries: string[];
  who: string;
  noun: string;
  contacts: string[];
  /** False when the entry had errors: the contact check would only repeat them. */
  checkContacts: boolean;
  owners: Map<string, string>;
  baseDir: string;
  now: Date;
  err: FieldReport;
  warn: FieldReport;
}): Promise<{ fingerprint: string; armored: string }[]> {
  const pinned: { fingerprint: string; armored: string }[] = [];
  for (const [i, entry] of o.entries.entries()) {
    const r = await readKeyEntry(entry, o.baseDir, o.now);
    if (!r.ok) {
      o.err(['keys', i], r.error.replace("the vendor's public key", `the ${o.noun}'s public key`));
      continue;
    }
    for (const k of r.keys) {
      if (k.state !== 'ok') {
        o.warn(['keys', i], `key ${k.fingerprint} not pinned: ${k.state} (${k.detail})`);
        continue;
      }
      const owner = o.owners.get(k.fingerprint);
      if (owner !== undefined && owner !== o.who) {
        o.err(['keys', i], `key ${k.fingerprint} is also listed for ${o.noun} ${owner}; a key identifies one ${o.noun}`);
        continue;
      }
      o.owners.set(k.fingerprint, o.who);
      if (o.checkContacts && !k.emails.some((m) => o.contacts.includes(m))) {
        o.warn(['keys', i], `key ${k.fingerprint} (${k.emails.join(', ') || 'no address'}) names none of the ${o.noun}'s contact addresses`);
      }
      if (!pinned.some((p) => p.fingerprint === k.fingerprint)) pinned.push({ fingerprint: k.fingerprint, armored: k.armored });
    }
  }
  return pinned;
}
