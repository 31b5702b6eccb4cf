// The one compose path of the desk's notices: renderNotice checks the context against the
// notice's schema (src/notices/<name>.ts, registry src/notices/index.ts), makes its view,
// and renders templates/<template>.<lang>.hbs.
//
// A template file is `Subject: ...` on its first line, a blank line, then the body. The
// subject is the real one: compose.ts puts it only into the protected (encrypted) inner
// headers, never into outer headers (pitfalls.md: never put template output into
// headers in clear).
//
// The product track's notices follow the guideline's information classes (guideline §2):
// each schema holds exactly what its reader may see. The reporter's identity reaches a
// vendor only with `shareIdentity: true`; the advisory and the reporter's notices have no
// key for the verification or attack method; the public unreachable list takes no case id,
// reporter or vulnerability detail at all. Text that comes from outside the desk and may
// span lines is rendered as a quoted block (`  | `), so it cannot pass for the desk's own
// words nor for a label line of a form.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTemplateEngine } from '../adapters/handlebars.ts';
import { LANGS, noticeModule, validateNoticeContext, type AnyNoticeName, type Lang, type NoticeContexts, type RenderedNotice, type UnreachableListEntry } from '../notices/index.ts';
import { CONTROL } from '../notices/schema.ts';
import { template as UNREACHABLE_LIST, view as unreachableListView } from '../notices/unreachable-list.ts';
import { neutraliseDeep } from './neutralise.ts';

// Callers import the notices' names, types and constants from here (one import for the
// compose path); they live in src/notices/.
export * from '../notices/index.ts';
/** Every date the desk shows, JST with UTC beside it: the one formatter is src/domain/clock.ts. */
export { formatJst } from '../domain/clock.ts';

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
 * Renders notice `name` in `lang`. Throws NoticeContextError (naming the notice and the
 * key) when the context does not fit the notice's schema, before anything is rendered.
 */
export function renderNotice<N extends AnyNoticeName>(name: N, lang: Lang, context: NoticeContexts[N], opts: RenderOptions = {}): RenderedNotice {
  if (!LANGS.includes(lang)) throw new Error(`unknown notice language "${String(lang)}"`);
  const notice = noticeModule(name);
  validateNoticeContext(name, context);
  return renderFile(notice.template, lang, notice.view(lang, context), opts);
}

function renderFile(template: string, lang: Lang, view: object, opts: RenderOptions): RenderedNotice {
  // Every notice passes here: whatever a view forgot to clean is neutralised (issue 9 §6).
  const v = neutraliseDeep(view);
  const path = join(opts.dir ?? TEMPLATE_DIR, `${template}.${lang}.hbs`);
  const file = loadFile(path);
  const subject = engine.compile(`${path}#subject`, file.subject)(v).trim();
  if (subject === '' || CONTROL.test(subject)) throw new Error(`${path}: the rendered subject must be one non-empty line`);
  const text = `${engine
    .compile(`${path}#body`, file.body)(v)
    .replace(/\r\n?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/\n+$/, '')}\n`;
  return { subject, text };
}

/**
 * The public list of unreachable vendors, as Markdown (src/notices/unreachable-list.ts);
 * a name that carries a case id of the desk (`opts.casePrefix`, default `VR`) is refused.
 */
export function renderUnreachableList(entries: readonly UnreachableListEntry[], lang: Lang, opts: RenderOptions & { casePrefix?: string } = {}): string {
  if (!LANGS.includes(lang)) throw new Error(`unknown notice language "${String(lang)}"`);
  const doc = renderFile(UNREACHABLE_LIST, lang, unreachableListView(entries, lang, opts.casePrefix), opts);
  return `# ${doc.subject}\n\n${doc.text}`;
}
