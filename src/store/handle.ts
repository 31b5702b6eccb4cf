// The database handle every module writes SQL against (see db.ts for the value types both
// adapters give). Its own module so that the adapters and the migrations depend on the
// interface, and db.ts (which opens an adapter and migrates) on them: no import cycle.
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
