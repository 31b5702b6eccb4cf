// The desk's database handle: one small interface over PostgreSQL (node-postgres Pool) and
// embedded PGlite, so the same SQL and the same domain code run on both.
//
// Values are normalised by the adapters so callers see identical JS types from both:
//   int8 / bigint / count(*)  -> number   (throws if outside Number.MAX_SAFE_INTEGER)
//   int8[]                    -> number[]
//   bytea                     -> Buffer   (PGlite gives Uint8Array, pg gives Buffer)
//   timestamptz               -> Date
//   json / jsonb              -> parsed value
// numeric stays a string on both (exact decimals); the schema does not use it.
//
// Parameters: pass Buffer for bytea, Date for timestamptz, JS arrays for SQL arrays. For
// jsonb pass `JSON.stringify(value)` and cast `$n::jsonb` (node-postgres turns a JS array
// parameter into a SQL array literal, which is not JSON) - see `jsonParam` in repo.ts.

import { migrate } from './migrate.ts';
import { DEFAULT_DATA_DIR, type Db, type OpenDbOptions } from './handle.ts';

export { DEFAULT_DATA_DIR, parseByteaHex, parseInt8, type Db, type DbKind, type OpenDbOptions } from './handle.ts';

/** Opens the database (pg when `databaseUrl` is set, else PGlite) and runs the migrations. */
export async function openDb(opts: OpenDbOptions = {}): Promise<Db> {
  let db: Db;
  if (opts.databaseUrl) {
    const { openPg } = await import('../adapters/pg.ts');
    db = await openPg(opts.databaseUrl);
  } else {
    const { openPglite } = await import('../adapters/pglite.ts');
    db = await openPglite(opts.dataDir ?? DEFAULT_DATA_DIR);
  }
  try {
    await migrate(db);
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
  return db;
}
