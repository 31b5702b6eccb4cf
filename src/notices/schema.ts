// The building blocks of the notices' render-context schemas (issue 10: zod instead of a
// hand-written validator). Every schema is a strict object: an unknown key is refused,
// because an unknown key is how report text would slip into a content-free notice.
// Handlebars' `strict` catches `{{missing}}` but not `{{#if missing}}` (pitfalls.md), so
// the context is checked before anything is rendered, and a refusal names the notice, the
// key and what was expected (NoticeContextError; src/desk/bad-values.ts turns it into a
// final job failure and a coordinator alert).
import { z } from 'zod';
import { isIsoDate } from '../domain/clock.ts';

/** A render context that does not fit the notice's schema. */
export class NoticeContextError extends Error {
  constructor(
    readonly template: string,
    readonly key: string,
    problem: string,
  ) {
    super(`notice "${template}": context key "${key}" ${problem}`);
    this.name = 'NoticeContextError';
  }
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Date) return 'a Date';
  return typeof v === 'string' ? 'a string' : typeof v;
}

/** zod's error option for a wrong type: `must be <expected>, got <what it was>`. */
const typeError =
  (expected: string) =>
  (iss: { input?: unknown }): string =>
    `must be ${expected}, got ${describe(iss.input)}`;

// eslint-disable-next-line no-control-regex -- control characters are what it finds
export const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;
// eslint-disable-next-line no-control-regex -- controls other than TAB and LF
const TEXT_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/u;
export const CASE_ID = /^[A-Z][A-Z0-9]{0,15}-\d{4}-\d{4,6}$/;
export const FINGERPRINT = /^[0-9A-F]{40}$/;
export const EMAIL = /^[^\s@<>()[\],;:"]+@[^\s@<>()[\],;:"]+\.[^\s@<>()[\],;:"]+$/u;
export const URL_RE = /^https?:\/\/[^\s<>"]+$/iu;

/** One line of text: no control characters (a newline would let data forge desk text). */
export function line(max: number, pattern?: RegExp): z.ZodType<string> {
  const s = z
    .string({ error: typeError('a string') })
    .refine((v) => v.trim() !== '', 'must not be empty')
    .refine((v) => v.length <= max, `is longer than ${max} characters`)
    .refine((v) => !CONTROL.test(v), 'must be one line without control characters');
  return pattern ? s.refine((v) => pattern.test(v), `does not match ${String(pattern)}`) : s;
}

/** Outside text that may span lines (the reporter's report, a vendor's answer): rendered quoted. */
export function block(max: number): z.ZodType<string> {
  return z
    .string({ error: typeError('a string') })
    .refine((v) => v.trim() !== '', 'must not be empty')
    .refine((v) => v.length <= max, `is longer than ${max} characters`)
    .refine((v) => !TEXT_CONTROL.test(v), 'must not contain control characters');
}

/** An instant. */
export const instant = z.date({ error: (iss) => (iss.input instanceof Date ? 'is an invalid Date' : `must be a Date, got ${describe(iss.input)}`) });

/** A JST calendar date `YYYY-MM-DD` that exists (clock.ts IsoDate). */
export const day = z.string({ error: typeError('a calendar date YYYY-MM-DD') }).refine((v) => isIsoDate(v), 'must be a calendar date YYYY-MM-DD');

export const bool = z.boolean({ error: typeError('true or false') });

/** One of `values`. */
export function oneOf<T extends string>(values: readonly T[]): z.ZodType<T> {
  return z.enum(values as unknown as readonly [T, ...T[]], { error: `must be one of ${values.join(', ')}` });
}

/** A non-empty list of distinct values from `values`. */
export function someOf<T extends string>(values: readonly T[]): z.ZodType<T[]> {
  return z.array(z.unknown(), { error: typeError('an array') }).superRefine((list, ctx) => {
    if (list.length === 0) return void ctx.addIssue({ code: 'custom', message: 'must not be empty' });
    const seen = new Set<unknown>();
    for (const item of list) {
      if (typeof item !== 'string' || !(values as readonly string[]).includes(item)) return void ctx.addIssue({ code: 'custom', message: `has an unknown entry ${JSON.stringify(item) ?? String(item)}` });
      if (seen.has(item)) return void ctx.addIssue({ code: 'custom', message: `lists ${item} twice` });
      seen.add(item);
    }
  }) as unknown as z.ZodType<T[]>;
}

/** A finite number in [min, max]; whole when `integer`. */
export function number(min: number, max: number, integer = false): z.ZodType<number> {
  const n = z.number({ error: typeError('a finite number') });
  return (integer ? n.int('must be a whole number') : n).min(min, `must be between ${min} and ${max}`).max(max, `must be between ${min} and ${max}`);
}

/** A count the desk's settings give (days, reminders). */
export const count = (max: number): z.ZodType<number> => number(1, max, true);

/** A list of `of`, `minItems` (default 1) to `maxItems` entries. */
export function list<T>(of: z.ZodType<T>, maxItems: number, minItems = 1): z.ZodType<T[]> {
  return z
    .array(of, { error: typeError('an array') })
    .min(minItems, minItems === 1 ? 'must not be empty' : `must have at least ${minItems} entries`)
    .max(maxItems, `has more than ${maxItems} entries`);
}

/**
 * A list of one-line values (`line` rules each), `minItems` (default 1) to `maxItems`; a
 * bad entry is named by its position: `"why" entry 2 must be one line ...`.
 */
export function lineList(max: number, maxItems: number, opts: { minItems?: number; pattern?: RegExp } = {}): z.ZodType<string[]> {
  const item = line(max, opts.pattern);
  return list(z.unknown(), maxItems, opts.minItems ?? 1).superRefine((items, ctx) => {
    items.forEach((v, i) => {
      const r = item.safeParse(v);
      if (!r.success) ctx.addIssue({ code: 'custom', message: `entry ${i} ${r.error.issues[0]?.message ?? 'is not valid'}` });
    });
  }) as unknown as z.ZodType<string[]>;
}

/** A plain object of exactly these keys: an unknown key is refused. */
export function strict<S extends z.ZodRawShape>(shape: S): z.ZodObject<S, z.core.$strict> {
  return z.strictObject(shape, { error: (iss) => (iss.code === 'unrecognized_keys' ? undefined : `must be a plain object, got ${describe(iss.input)}`) });
}

export const caseId = line(40, CASE_ID);
export const name = line(300);

/** Adds a refusal of `key` from a cross-key rule (a superRefine). */
export type Refuse = (key: string, problem: string) => void;

export function refuser(ctx: z.core.$RefinementCtx): Refuse {
  return (key, problem) => {
    ctx.addIssue({ code: 'custom', path: key.split('.'), message: problem });
  };
}

/** `key` present exactly when `cond` holds (`when` says when, for the message). */
export function presentIff(c: object, key: string, cond: boolean, when: string, refuse: Refuse): void {
  const v = (c as Record<string, unknown>)[key];
  if (cond && v === undefined) refuse(key, `is missing (required when ${when})`);
  if (!cond && v !== undefined) refuse(key, `must be absent unless ${when}`);
}

/** `a.b[0].c` for a zod issue path. */
function keyOf(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `${out === '' ? '' : '.'}${String(p)}`;
  return out;
}

function at(value: unknown, path: readonly PropertyKey[]): unknown {
  let v = value;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

/**
 * Checks `value` against `schema`; throws NoticeContextError for the first problem (an
 * unknown key first), naming the notice `template`, the key and what was expected.
 */
export function checkContext(template: string, schema: z.ZodType, value: unknown, prefix = ''): void {
  const r = schema.safeParse(value);
  if (r.success) return;
  const issues = r.error.issues;
  const issue = issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0];
  if (!issue) return;
  const join = (k: string): string => (prefix === '' ? k : k === '' ? prefix : k.startsWith('[') ? `${prefix}${k}` : `${prefix}.${k}`);
  const key = keyOf(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const unknown = issue.keys[0] ?? '';
    throw new NoticeContextError(template, join(key === '' ? unknown : `${key}.${unknown}`), 'is not part of this template (unknown keys are rejected)');
  }
  // A required key left out (a wrong type or enum value of `undefined`): say so plainly.
  if (issue.code !== 'custom' && issue.path.length > 0 && at(value, issue.path) === undefined) throw new NoticeContextError(template, join(key), 'is missing');
  throw new NoticeContextError(template, join(key) || '(context)', issue.message);
}

// ---- several vulnerabilities per case (issue 12) ------------------------------------------

export const VULNERABILITY_STATUSES = ['fixed', 'affected', 'not-affected', 'unknown'] as const;

/** One vulnerability as a notice shows it: its number, summary, CWE, score, CVE and vendors' statuses. */
export interface NoticeVulnerability {
  number: number;
  /** Absent where the notice gives it already (the advisory's overview of its one vulnerability). */
  summary?: string;
  /** `CWE-n`. */
  cwe?: string;
  cve?: string;
  /** `9.8 CRITICAL (CVSS:3.1/...)` (src/export/model.ts scoreLine). */
  cvss?: string;
  /** Per vendor (the vendor notification: the addressee only; before publication no vendor sees another's). */
  statuses: { name: string; product?: string; status: (typeof VULNERABILITY_STATUSES)[number]; fixedVersions?: string }[];
}

export const vulnerabilityList = list(
  strict({
    number: count(999),
    summary: block(20_000).optional(),
    cwe: line(20, /^CWE-[1-9][0-9]*$/).optional(),
    cve: line(30, /^CVE-[0-9]{4}-[0-9]{4,19}$/).optional(),
    cvss: line(300).optional(),
    statuses: list(strict({ name, product: name.optional(), status: oneOf(VULNERABILITY_STATUSES), fixedVersions: line(500).optional() }), 100, 0),
  }),
  50,
);
