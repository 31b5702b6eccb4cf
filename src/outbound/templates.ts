// Notices the desk sends, rendered from templates/<name>.<lang>.hbs.
//
// A template file is `Subject: ...` on its first line, a blank line, then the body. The
// subject is the real one: compose.ts puts it only into the protected (encrypted) inner
// headers, never into outer headers (pitfalls.md: never put template output into
// headers in clear).
//
// Every render context is checked against the template's schema first: required keys,
// their types, no unknown keys. Handlebars' `strict` catches `{{missing}}` but not
// `{{#if missing}}` (pitfalls.md), and an unknown key is how report text would slip into
// a content-free notice. The schema of the content-free notices (`unencrypted`, `nokey`,
// `rejected`) admits only enums and the desk's own fingerprint, so they cannot carry
// anything from the message they answer.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTemplateEngine } from '../adapters/handlebars.ts';
import type { RejectReason } from '../domain/inspect.ts';
import { REPORT_FIELDS, type ReportKey } from '../forms/index.ts';

export type Lang = 'ja' | 'en';
export const LANGS: readonly Lang[] = ['ja', 'en'];

/** The render context of each notice (what the caller passes to renderNotice). */
export interface NoticeContexts {
  /** Report accepted (受理). `productName` for `product`, `siteUrl` for `website`. */
  ack: { caseId: string; receivedAt: Date; kind: 'product' | 'website'; productName?: string; siteUrl?: string };
  /** Report incomplete: canonical keys of the missing fields and `blankReportForm(lang)`. */
  missing: { missing: ReportKey[]; blankForm: string };
  /** Content-free: a clear-text message arrived; `deskFingerprint` of the attached desk key. */
  unencrypted: { deskFingerprint: string };
  /** Content-free: the desk has no usable key for the recipient. */
  nokey: { why: 'none' | 'expired' | 'revoked' };
  /**
   * Content-free: a message was rejected: a mail-protocol §5 reason, or
   * `invalid-signature` (a tampered or forged signature: src/rules/screening.ts).
   */
  rejected: { reason: NoticeRejectReason };
}

export type NoticeRejectReason = RejectReason | 'invalid-signature';
// A record, so that a reason added to RejectReason fails to compile until it is here
// (and the template test then demands a sentence for it in both languages).
const REASONS: Record<NoticeRejectReason, true> = {
  'mixed-encryption': true,
  'not-for-us': true,
  'decompression-limit': true,
  'too-large': true,
  malformed: true,
  'no-content': true,
  'invalid-signature': true,
};
export const NOTICE_REJECT_REASONS = Object.keys(REASONS) as readonly NoticeRejectReason[];

export type NoticeName = keyof NoticeContexts;
export const NOTICE_NAMES: readonly NoticeName[] = ['ack', 'missing', 'unencrypted', 'nokey', 'rejected'];

export interface RenderedNotice {
  /** The real subject (single line): for protected inner headers only. */
  subject: string;
  /** Body text, LF line ends, ending with one newline. */
  text: string;
}

/** A render context that does not fit the template's schema. */
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

// ---- dates and fingerprints ------------------------------------------------------------

const JST_OFFSET_MS = 9 * 60 * 60 * 1000; // Japan has no daylight saving time.
const pad2 = (n: number): string => String(n).padStart(2, '0');

function wallClock(ms: number): { date: string; time: string } {
  const d = new Date(ms);
  return {
    date: `${String(d.getUTCFullYear())}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`,
    time: `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}`,
  };
}

/**
 * A date as the desk shows every date (guideline §8): JST with UTC beside it,
 * `2026-11-22 19:30 JST (10:30 UTC)`; the UTC date is repeated when it differs,
 * `2026-11-23 08:00 JST (2026-11-22 23:00 UTC)`.
 */
export function formatJst(date: Date): string {
  const t = date.getTime();
  if (!Number.isFinite(t)) throw new RangeError('formatJst: invalid date');
  const jst = wallClock(t + JST_OFFSET_MS);
  const utc = wallClock(t);
  return `${jst.date} ${jst.time} JST (${utc.date === jst.date ? '' : `${utc.date} `}${utc.time} UTC)`;
}

/** 40 hex digits in groups of four, the way gpg prints them (`ABCD EF01 ... `). */
export function formatFingerprint(fpr: string): string {
  const groups = fpr.toUpperCase().match(/.{1,4}/g) ?? [];
  return [groups.slice(0, 5).join(' '), groups.slice(5).join(' ')].filter((s) => s.length > 0).join('  ');
}

// ---- schemas ---------------------------------------------------------------------------

type FieldType =
  /** One line of text: no control characters (a newline would let data forge desk text). */
  | { type: 'line'; max: number; pattern?: RegExp }
  /** Several lines of desk-made text (the blank form). */
  | { type: 'text'; max: number }
  | { type: 'date' }
  | { type: 'enum'; values: readonly string[] }
  /** A non-empty list of distinct values from `values`. */
  | { type: 'enum[]'; values: readonly string[] };

type Schema = Record<string, FieldType & { optional?: boolean }>;

// eslint-disable-next-line no-control-regex -- control characters are what it finds
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;
const CASE_ID = /^[A-Z][A-Z0-9]{0,15}-\d{4}-\d{4,6}$/;
const FINGERPRINT = /^[0-9A-F]{40}$/;
const REPORT_KEYS: readonly string[] = REPORT_FIELDS.map((f) => f.key);

const SCHEMAS: { [N in NoticeName]: Schema } = {
  ack: {
    caseId: { type: 'line', max: 40, pattern: CASE_ID },
    receivedAt: { type: 'date' },
    kind: { type: 'enum', values: ['product', 'website'] },
    productName: { type: 'line', max: 300, optional: true },
    siteUrl: { type: 'line', max: 2000, optional: true },
  },
  missing: {
    missing: { type: 'enum[]', values: REPORT_KEYS },
    blankForm: { type: 'text', max: 20_000 },
  },
  unencrypted: { deskFingerprint: { type: 'line', max: 40, pattern: FINGERPRINT } },
  nokey: { why: { type: 'enum', values: ['none', 'expired', 'revoked'] } },
  rejected: { reason: { type: 'enum', values: NOTICE_REJECT_REASONS } },
};

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Date) return 'a Date';
  return typeof v === 'string' ? 'a string' : typeof v;
}

function checkField(name: string, key: string, spec: FieldType, v: unknown): void {
  const bad = (problem: string): never => {
    throw new NoticeContextError(name, key, problem);
  };
  switch (spec.type) {
    case 'line':
      if (typeof v !== 'string') return bad(`must be a string, got ${describe(v)}`);
      if (v.trim() === '') return bad('must not be empty');
      if (v.length > spec.max) return bad(`is longer than ${spec.max} characters`);
      if (CONTROL.test(v)) return bad('must be one line without control characters');
      if (spec.pattern && !spec.pattern.test(v)) return bad(`does not match ${String(spec.pattern)}`);
      return;
    case 'text':
      if (typeof v !== 'string') return bad(`must be a string, got ${describe(v)}`);
      if (v.trim() === '') return bad('must not be empty');
      if (v.length > spec.max) return bad(`is longer than ${spec.max} characters`);
      // eslint-disable-next-line no-control-regex -- controls other than TAB and LF
      if (/[\u0000-\u0008\u000b-\u001f\u007f]/u.test(v)) return bad('must not contain control characters');
      return;
    case 'date':
      if (!(v instanceof Date)) return bad(`must be a Date, got ${describe(v)}`);
      if (!Number.isFinite(v.getTime())) return bad('is an invalid Date');
      return;
    case 'enum':
      if (typeof v !== 'string' || !spec.values.includes(v)) return bad(`must be one of ${spec.values.join(', ')}`);
      return;
    case 'enum[]': {
      if (!Array.isArray(v)) return bad(`must be an array, got ${describe(v)}`);
      if (v.length === 0) return bad('must not be empty');
      const seen = new Set<unknown>();
      for (const item of v as unknown[]) {
        if (typeof item !== 'string' || !spec.values.includes(item)) return bad(`has an unknown entry ${JSON.stringify(item) ?? String(item)}`);
        if (seen.has(item)) return bad(`lists ${item} twice`);
        seen.add(item);
      }
      return;
    }
  }
}

/** Checks `context` against the schema of `name`; throws NoticeContextError naming the key. */
export function validateNoticeContext<N extends NoticeName>(name: N, context: unknown): asserts context is NoticeContexts[N] {
  const schema = SCHEMAS[name] as Schema | undefined;
  if (!schema) throw new Error(`unknown notice template "${String(name)}"`);
  if (typeof context !== 'object' || context === null || Array.isArray(context) || context instanceof Date) {
    throw new NoticeContextError(name, '(context)', `must be a plain object, got ${describe(context)}`);
  }
  const ctx = context as Record<string, unknown>;
  for (const key of Object.keys(ctx)) {
    if (!Object.hasOwn(schema, key)) throw new NoticeContextError(name, key, 'is not part of this template (unknown keys are rejected)');
  }
  for (const [key, spec] of Object.entries(schema)) {
    const v = ctx[key];
    if (v === undefined) {
      if (spec.optional) continue;
      throw new NoticeContextError(name, key, 'is missing');
    }
    checkField(name, key, spec, v);
  }
  // Rules across keys.
  if (name === 'ack') {
    const c = ctx as NoticeContexts['ack'];
    if (c.kind === 'product' && c.productName === undefined) throw new NoticeContextError(name, 'productName', 'is missing (required when kind is product)');
    if (c.kind === 'product' && c.siteUrl !== undefined) throw new NoticeContextError(name, 'siteUrl', 'must be absent when kind is product');
    if (c.kind === 'website' && c.siteUrl === undefined) throw new NoticeContextError(name, 'siteUrl', 'is missing (required when kind is website)');
    if (c.kind === 'website' && c.productName !== undefined) throw new NoticeContextError(name, 'productName', 'must be absent when kind is website');
  }
}

// ---- views: what a template sees -------------------------------------------------------

const fieldLabel = (key: ReportKey, lang: Lang): string => {
  const f = REPORT_FIELDS.find((x) => x.key === key);
  return (lang === 'ja' ? f?.ja[0] : f?.en[0]) ?? key;
};

const camel = (s: string): string => s.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());

/** Flags `{ product: true, website: false }` for `{{#if}}` (every flag defined). */
function flags(values: readonly string[], chosen: string): Record<string, boolean> {
  return Object.fromEntries(values.map((v) => [camel(v), v === chosen]));
}

function view<N extends NoticeName>(name: N, lang: Lang, context: NoticeContexts[N]): object {
  switch (name) {
    case 'ack': {
      const c = context as NoticeContexts['ack'];
      return {
        caseId: c.caseId,
        receivedAt: formatJst(c.receivedAt),
        ...flags(['product', 'website'], c.kind),
        productName: c.productName ?? '',
        siteUrl: c.siteUrl ?? '',
      };
    }
    case 'missing': {
      const c = context as NoticeContexts['missing'];
      return {
        fields: c.missing.map((k) => fieldLabel(k, lang)),
        blankForm: c.blankForm.replace(/\r\n?/g, '\n').replace(/\n+$/, ''),
        labels: {
          kind: fieldLabel('kind', lang),
          productName: fieldLabel('product.name', lang),
          productVersion: fieldLabel('product.version', lang),
          websiteUrl: fieldLabel('website.url', lang),
          shareIdentity: fieldLabel('consent.shareIdentity', lang),
          directContact: fieldLabel('consent.directContact', lang),
          credit: fieldLabel('consent.credit', lang),
        },
      };
    }
    case 'unencrypted': {
      const c = context as NoticeContexts['unencrypted'];
      return { fingerprint: formatFingerprint(c.deskFingerprint) };
    }
    case 'nokey': {
      const c = context as NoticeContexts['nokey'];
      return flags(['none', 'expired', 'revoked'], c.why);
    }
    case 'rejected': {
      const c = context as NoticeContexts['rejected'];
      return flags(NOTICE_REJECT_REASONS, c.reason);
    }
  }
  throw new Error(`unknown notice template "${String(name)}"`);
}

// ---- files and rendering ---------------------------------------------------------------

export const TEMPLATE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'templates');

const engine = createTemplateEngine();
const files = new Map<string, { subject: string; body: string }>();

function loadFile(path: string): { subject: string; body: string } {
  let entry = files.get(path);
  if (!entry) {
    const src = readFileSync(path, 'utf8').replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
    const m = /^Subject: ([^\n]*)\n\n/.exec(src);
    if (!m) throw new Error(`${path}: the first line must be "Subject: ..." followed by a blank line`);
    entry = { subject: m[1] ?? '', body: src.slice(m[0].length) };
    files.set(path, entry);
  }
  return entry;
}

/** Forgets loaded and compiled templates (after editing templates/ at run time). */
export function clearTemplateCache(): void {
  files.clear();
  engine.clear();
}

export interface RenderOptions {
  /** Directory of the `.hbs` files (default: the project's templates/). */
  dir?: string;
}

/**
 * Renders notice `name` in `lang`. Throws NoticeContextError (naming the key) when the
 * context does not fit the template, before anything is rendered.
 */
export function renderNotice<N extends NoticeName>(name: N, lang: Lang, context: NoticeContexts[N], opts: RenderOptions = {}): RenderedNotice {
  if (!LANGS.includes(lang)) throw new Error(`unknown notice language "${String(lang)}"`);
  validateNoticeContext(name, context);
  const path = join(opts.dir ?? TEMPLATE_DIR, `${name}.${lang}.hbs`);
  const file = loadFile(path);
  const v = view(name, lang, context);
  const subject = engine.compile(`${path}#subject`, file.subject)(v).trim();
  if (subject === '' || CONTROL.test(subject)) throw new Error(`${path}: the rendered subject must be one non-empty line`);
  const text = `${engine
    .compile(`${path}#body`, file.body)(v)
    .replace(/\r\n?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/\n+$/, '')}\n`;
  return { subject, text };
}
