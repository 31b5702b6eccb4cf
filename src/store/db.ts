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

export type DbKind = 'pg' | 'pglite';

export interface Db {
  readonly kind: DbKind;
  /** One statement, with `$1..$n` parameters. Returns the rows. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** One or more statements, no parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Runs `fn` in a transaction: COMMIT when it resolves, ROLLBACK when it rejects. Use the
   * `db` passed to `fn` for every statement of the transaction. Calling `tx` on that inner
   * handle makes a SAVEPOINT. On PGlite the outer handle is blocked while a transaction
   * runs (one session): a statement on the outer handle inside `fn` would wait forever.
   */
  tx<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  /** Closes the pool / PGlite and releases the PGlite data-directory lock. */
  close(): Promise<void>;
}

export interface OpenDbOptions {
  /** postgres://... - when set (non-empty), PostgreSQL through a pg Pool is used. */
  databaseUrl?: string;
  /** PGlite data directory when no databaseUrl; default `./var/db`. */
  dataDir?: string;
}

export const DEFAULT_DATA_DIR = './var/db';

/** int8 text -> number; refuses values a JS number cannot hold exactly. */
export function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${text} is outside the safe JS integer range`);
  return n;
}

/** bytea text output (`\x00ff..`, the hex format of PostgreSQL >= 9.0) -> Buffer. */
export function parseByteaHex(text: string): Buffer {
  if (!text.startsWith('\\x')) throw new Error('bytea: expected hex output format (bytea_output = hex)');
  return Buffer.from(text.slice(2), 'hex');
}

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
