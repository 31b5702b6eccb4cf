// The coordination snapshots as stored in `cases.coordination`: JSON with Dates kept as
// Dates. A product case (src/rules/product-state.ts ProductCase) or a website case
// (src/rules/website-state.ts WebsiteCase, told apart by `track: 'website'`). Pure, so the
// store can read the snapshot without the desk.
import type { ProductCase } from './product-state.ts';
import type { WebsiteCase } from './website-state.ts';

export type CaseSnapshot = ProductCase | WebsiteCase;

/** True for a website-track snapshot (a product snapshot has no `track`). */
export function isWebsiteCase(c: CaseSnapshot): c is WebsiteCase {
  return 'track' in c && c.track === 'website';
}

/** JSON with Dates kept as Dates: `{"$date": ISO}` on the way out, revived on the way in. */
export function serializeSnapshot(c: CaseSnapshot): string {
  return JSON.stringify(c, function (this: Record<string, unknown>, key: string, value: unknown) {
    const raw = this[key];
    return raw instanceof Date ? { $date: raw.toISOString() } : value;
  });
}

function revive(json: unknown): unknown {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o);
      if (keys.length === 1 && keys[0] === '$date' && typeof o.$date === 'string') return new Date(o.$date);
      return Object.fromEntries(keys.map((k) => [k, walk(o[k])]));
    }
    return v;
  };
  return walk(typeof json === 'string' ? (JSON.parse(json) as unknown) : json);
}

/** A product-track snapshot (the store's product cases). */
export function reviveSnapshot(json: unknown): ProductCase {
  return revive(json) as ProductCase;
}

/** Either track's snapshot; `isWebsiteCase` tells which. */
export function reviveAnySnapshot(json: unknown): CaseSnapshot {
  return revive(json) as CaseSnapshot;
}

/** A website-track snapshot; anything else is refused (a product snapshot read as a website one would mislead). */
export function reviveWebsiteSnapshot(json: unknown): WebsiteCase {
  const c = reviveAnySnapshot(json);
  if (!isWebsiteCase(c)) throw new TypeError('not a website-track snapshot');
  return c;
}
