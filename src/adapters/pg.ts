// PostgreSQL through a node-postgres Pool. Type parsers are set on this pool only (the
// `types` option), never through the global `pg.types.setTypeParser`, so other pg users in
// the process are unaffected. See src/store/db.ts for the normalised value types.
import pg from 'pg';
import { parseInt8, type Db } from '../store/handle.ts';

const OID_INT8 = 20;
const OID_TEXT_ARRAY = 1009;
const OID_INT8_ARRAY = 1016;

// pg-types' getTypeParser is overloaded (text and binary formats); we only ever receive text.
type TextParser = (value: string) => unknown;
type GetTypeParser = (oid: number, format?: 'text' | 'binary') => unknown;

function poolTypes(): pg.CustomTypesConfig {
  const base = pg.types.getTypeParser as GetTypeParser;
  const textArray = base(OID_TEXT_ARRAY, 'text') as (value: string) => (string | null)[];
  const int8Array: TextParser = (value) => textArray(value).map((v) => (v === null ? null : parseInt8(v)));
  const getTypeParser: GetTypeParser = (oid, format) => {
    if (format !== 'binary') {
      if (oid === OID_INT8) return parseInt8;
      if (oid === OID_INT8_ARRAY) return int8Array;
    }
    return base(oid, format);
  };
  return { getTypeParser };
}

type Queryable = pg.Pool | pg.PoolClient;

async function runQuery<T>(q: Queryable, sql: string, params?: unknown[]): Promise<T[]> {
  const res = await q.query(sql, params);
  return res.rows as T[];
}

/** A Db bound to one checked-out client inside BEGIN; nested `tx` uses savepoints. */
function clientDb(client: pg.PoolClient): Db {
  let depth = 0;
  const self: Db = {
    kind: 'pg',
    query: <T>(sql: string, params?: unknown[]) => runQuery<T>(client, sql, params),
    exec: async (sql: string) => {
      await client.query(sql);
    },
    tx: async <T>(fn: (db: Db) => Promise<T>): Promise<T> => {
      const sp = `sp_${++depth}`;
      await client.query(`SAVEPOINT ${sp}`);
      try {
        const result = await fn(self);
        await client.query(`RELEASE SAVEPOINT ${sp}`);
        return result;
      } catch (err) {
        await client.query(`ROLLBACK TO SAVEPOINT ${sp}`);
        throw err;
      } finally {
        depth--;
      }
    },
    close: () => Promise.reject(new Error('close() called on a transaction handle')),
  };
  return self;
}

export async function openPg(databaseUrl: string): Promise<Db> {
  const pool = new pg.Pool({ connectionString: databaseUrl, types: poolTypes(), max: 10 });
  // An idle client that loses its connection emits 'error' on the pool; unhandled, that
  // would crash the process. The next query gets a fresh connection.
  pool.on('error', (err) => {
    process.emitWarning(`postgres idle client error: ${err.message}`);
  });
  try {
    await pool.query('SELECT 1');
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
  let closed = false;
  return {
    kind: 'pg',
    query: <T>(sql: string, params?: unknown[]) => runQuery<T>(pool, sql, params),
    exec: async (sql: string) => {
      await pool.query(sql);
    },
    tx: async <T>(fn: (db: Db) => Promise<T>): Promise<T> => {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        try {
          await client.query('BEGIN');
        } catch (err) {
          broken = err instanceof Error ? err : new Error(String(err));
          throw err;
        }
        try {
          const result = await fn(clientDb(client));
          await client.query('COMMIT');
          return result;
        } catch (err) {
          try {
            await client.query('ROLLBACK');
          } catch (rollbackErr) {
            // The connection is unusable: destroy it instead of returning it to the pool.
            broken = rollbackErr instanceof Error ? rollbackErr : new Error(String(rollbackErr));
          }
          throw err;
        }
      } finally {
        client.release(broken);
      }
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
