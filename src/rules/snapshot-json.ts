// The product-track snapshot (src/rules/product-state.ts ProductCase) as stored in
// `cases.coordination`: JSON with Dates kept as Dates. Pure, so the store can read the
// snapshot without the desk.
import type { ProductCase } from './product-state.ts';

/** JSON with Dates kept as Dates: `{"$date": ISO}` on the way out, revived on the way in. */
export function serializeSnapshot(c: ProductCase): string {
  return JSON.stringify(c, function (this: Record<string, unknown>, key: string, value: unknown) {
    const raw = this[key];
    return raw instanceof Date ? { $date: raw.toISOString() } : value;
  });
}

export function reviveSnapshot(json: unknown): ProductCase {
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
  return walk(typeof json === 'string' ? (JSON.parse(json) as unknown) : json) as ProductCase;
}
