// The Handlebars adapter: the only file that imports handlebars.
//
// pitfalls.md: default escaping writes HTML entities (`&#x27;`) into plain text, so
// templates are compiled with `noEscape`; `strict` makes a missing `{{value}}` throw
// instead of rendering as nothing (it does not catch `{{#if missing}}`: callers validate
// the context first). A private environment keeps helpers out of the global instance.
import Handlebars from 'handlebars';

export type Helper = (...args: unknown[]) => unknown;

export interface TemplateEngine {
  /** Compiles `source` once per `key` (same key, same compiled template). */
  compile(key: string, source: string): (context: object) => string;
  /** Drops every cached template (tests, reload after editing templates). */
  clear(): void;
}

/**
 * A template engine with its own helpers and cache. Helpers are plain functions of
 * their positional arguments (Handlebars' trailing `options` argument is removed).
 */
export function createTemplateEngine(helpers: Record<string, Helper> = {}): TemplateEngine {
  const env = Handlebars.create();
  for (const [name, fn] of Object.entries(helpers)) {
    env.registerHelper(name, (...args: unknown[]) => fn(...args.slice(0, -1)));
  }
  const cache = new Map<string, { source: string; render: HandlebarsTemplateDelegate }>();
  return {
    compile(key, source) {
      let entry = cache.get(key);
      if (!entry || entry.source !== source) {
        entry = { source, render: env.compile(source, { noEscape: true, strict: true }) };
        cache.set(key, entry);
      }
      const render = entry.render;
      return (context) => render(context);
    },
    clear() {
      cache.clear();
    },
  };
}
