// `published`: to the reporter: the case is published, with the credit line as it appears.
import type { IsoDate } from '../domain/clock.ts';
import { defineNotice } from './notice.ts';
import { URL_RE, bool, caseId, day, line, name, presentIff, refuser, strict } from './schema.ts';
import { creditLine, dayShort, safe, type CreditContext } from './view.ts';

export type PublishedContext = {
  caseId: string;
  publishedOn: IsoDate;
  /** The desk's published advisory. */
  advisoryUrl?: string;
} & CreditContext;

export const schema = strict({
  caseId,
  publishedOn: day,
  advisoryUrl: line(2000, URL_RE).optional(),
  credit: bool,
  creditName: name.optional(),
}).superRefine((c, ctx) => {
  presentIff(c, 'creditName', c.credit, 'credit is true', refuser(ctx));
});

export default defineNotice<PublishedContext>()({
  template: 'published',
  schema,
  view: (lang, c) => ({
    caseId: c.caseId,
    publishedOn: dayShort(c.publishedOn, lang),
    hasUrl: c.advisoryUrl !== undefined,
    advisoryUrl: safe(c.advisoryUrl ?? ''),
    credit: c.credit,
    creditLine: c.credit ? creditLine(lang, c.creditName) : '',
  }),
});
