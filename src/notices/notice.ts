// What a notice module is (issue 10): its render-context schema (zod, strict), the view a
// template sees, and the template it renders (templates/<template>.<lang>.hbs). Adding a
// notice is one module and one line in src/notices/index.ts (docs/architecture.md).
import type { z } from 'zod';

export type Lang = 'ja' | 'en';
export const LANGS: readonly Lang[] = ['ja', 'en'];

export interface RenderedNotice {
  /** The real subject (single line): for protected inner headers only. */
  subject: string;
  /** Body text, LF line ends, ending with one newline. */
  text: string;
}

export interface NoticeModule<Ctx> {
  /** The base name of its template files: templates/<template>.ja.hbs and .en.hbs. */
  readonly template: string;
  /** The render context, checked before anything is rendered (unknown keys refused). */
  readonly schema: z.ZodType;
  /** What the template sees: flags for `{{#if}}`, dates formatted, outside text made safe. */
  view(lang: Lang, context: Ctx): object;
}

/** Every key of every member of a union. */
type KeysOf<T> = T extends unknown ? keyof T : never;

/** `unknown` when every context of type `Ctx` passes the schema's types and has no key it lacks. */
type Fits<Ctx, S extends z.ZodType> = [Ctx] extends [z.output<S>] ? ([Exclude<KeysOf<Ctx>, KeysOf<z.output<S>>>] extends [never] ? unknown : never) : never;

/**
 * A notice module whose context type is `Ctx`. The second call checks at compile time that
 * the type and the schema agree: every key the type allows is one the schema reads (not
 * refused as unknown), with a type the schema accepts.
 */
export function defineNotice<Ctx>() {
  return <S extends z.ZodType>(m: { template: string; schema: S & Fits<Ctx, S>; view(lang: Lang, context: Ctx): object }): NoticeModule<Ctx> => m;
}
