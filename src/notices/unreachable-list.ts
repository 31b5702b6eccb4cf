// The public list of unreachable vendors (guideline §3.7; 003 *8), as Markdown
// (templates/unreachable-list.<lang>.hbs, its `Subject` the title). Only what may be public:
// the vendor's name, since when it is listed (JST with UTC), and the product name once that
// is published. No case id, reporter or vulnerability detail has a place in an entry; a
// name that carries a case id of the desk is refused. One row per vendor name (the
// earliest date; its published product names), so the number of its cases does not show.
import { z } from 'zod';
import { formatJst } from '../domain/clock.ts';
import type { Lang } from './notice.ts';
import { checkContext, describe, instant, name, NoticeContextError, strict } from './schema.ts';
import { safe } from './view.ts';

export const template = 'unreachable-list';

/** One line of the public unreachable list (§3.7; 003 *8). */
export interface UnreachableListEntry {
  vendorName: string;
  /** When the vendor name was listed. */
  since: Date;
  /** Only once the product name is published (about three months later). */
  productName?: string;
}

export const entrySchema = strict({ vendorName: name, since: instant, productName: name.optional() });

/** A case id of the desk (mail-protocol §3, prefix configurable) anywhere in a text, any width or case. */
function caseIdIn(text: string, prefix: string): boolean {
  const p = prefix.normalize('NFKC').replace(/[^A-Za-z0-9]/g, '');
  return new RegExp(`(?<![A-Za-z0-9])${p}\\s*[-‐‑–—−ー－]\\s*\\d{4}\\s*[-‐‑–—−ー－]\\s*\\d{4,6}(?!\\d)`, 'iu').test(text.normalize('NFKC'));
}

/** Markdown inline text: the characters that would make a link, emphasis, HTML or a table cell. */
function mdText(s: string): string {
  return safe(s).replace(/[\\`*_[\]<>|~&]/g, '\\$&');
}

/** Checks the entries (NoticeContextError naming `entries[i].key`) and makes the list's view. */
export function view(entries: readonly UnreachableListEntry[], lang: Lang, casePrefix = 'VR'): object {
  if (!Array.isArray(entries)) throw new NoticeContextError(template, 'entries', `must be an array, got ${describe(entries)}`);
  const rows = new Map<string, { vendor: string; since: Date; products: string[] }>();
  entries.forEach((e: unknown, i) => {
    checkContext(template, entrySchema, e, `entries[${i}]`);
    const entry = e as z.output<typeof entrySchema>;
    for (const key of ['vendorName', 'productName'] as const) {
      const v = entry[key];
      if (v !== undefined && caseIdIn(v, casePrefix)) throw new NoticeContextError(template, `entries[${i}].${key}`, 'must not contain a case id');
    }
    const vendor = entry.vendorName.trim();
    const row = rows.get(vendor) ?? { vendor, since: entry.since, products: [] };
    if (entry.since.getTime() < row.since.getTime()) row.since = entry.since;
    const product = entry.productName?.trim();
    if (product !== undefined && !row.products.includes(product)) row.products.push(product);
    rows.set(vendor, row);
  });
  const sorted = [...rows.values()].sort((a, b) => a.since.getTime() - b.since.getTime() || (a.vendor < b.vendor ? -1 : a.vendor > b.vendor ? 1 : 0));
  return {
    hasRows: sorted.length > 0,
    rows: sorted.map((r) => ({
      vendor: mdText(r.vendor),
      since: formatJst(r.since),
      product: r.products.length === 0 ? '—' : r.products.map(mdText).join(lang === 'ja' ? '、' : ', '),
    })),
  };
}
