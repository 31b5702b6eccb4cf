// `reporter-progress`: to the reporter: progress in general terms, no vendor secrets
// (guideline §2): no fixed versions, no vendor's words; vendor names only when public.
import type { IsoDate } from '../domain/clock.ts';
import { defineNotice } from './notice.ts';
import { bool, caseId, day, lineList, presentIff, refuser, someOf, strict } from './schema.ts';
import { dayLong, flags, safe } from './view.ts';

export const PROGRESS_ITEMS = [
  'vendor-notified',
  'vendor-investigating',
  'vendor-confirmed',
  'fix-in-preparation',
  'fix-ready',
  'vendor-not-affected',
  'vendor-unreachable',
  'date-set',
  'date-changed',
] as const;
export type ProgressItem = (typeof PROGRESS_ITEMS)[number];

export type ReporterProgressContext = {
  caseId: string;
  /** What happened, in general terms (no fixed versions, no vendor's words). */
  progress: ProgressItem[];
  /** Required with `date-set` / `date-changed`, absent otherwise. */
  publicationDate?: IsoDate;
} & ({ vendorNamesPublic: true; vendorNames: string[] } | { vendorNamesPublic: false; vendorNames?: never });

export const schema = strict({
  caseId,
  progress: someOf(PROGRESS_ITEMS),
  publicationDate: day.optional(),
  vendorNamesPublic: bool,
  vendorNames: lineList(300, 50).optional(),
}).superRefine((c, ctx) => {
  const refuse = refuser(ctx);
  const dated = c.progress.includes('date-set') || c.progress.includes('date-changed');
  presentIff(c, 'publicationDate', dated, 'progress has date-set or date-changed', refuse);
  if (c.progress.includes('date-set') && c.progress.includes('date-changed')) refuse('progress', 'must not have both date-set and date-changed');
  // guideline §2: vendor names only when they are public.
  presentIff(c, 'vendorNames', c.vendorNamesPublic, 'vendorNamesPublic is true', refuse);
});

export default defineNotice<ReporterProgressContext>()({
  template: 'reporter-progress',
  schema,
  view: (lang, c) => ({
    caseId: c.caseId,
    vendorNamesPublic: c.vendorNamesPublic,
    vendorNames: (c.vendorNames ?? []).map(safe).join(lang === 'ja' ? '、' : ', '),
    items: c.progress.map((p) => flags(PROGRESS_ITEMS, p)),
    publicationDate: c.publicationDate === undefined ? '' : dayLong(c.publicationDate, lang),
  }),
});
