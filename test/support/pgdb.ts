// A fresh PostgreSQL database per test file (the machine's server at 127.0.0.1:5432, trust
// auth). Tries the user postgres, then root; `drop()` removes the database.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const ADMIN_URLS = process.env.MADOGUCHI_TEST_PG
  ? [process.env.MADOGUCHI_TEST_PG]
  : ['postgres://postgres@127.0.0.1:5432/postgres', 'postgres://root@127.0.0.1:5432/postgres'];

export async function createPgDatabase(prefix = 'mdg_test'): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  let lastErr: unknown;
  for (const adminUrl of ADMIN_URLS) {
    const admin = new pg.Client({ connectionString: adminUrl });
    try {
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return {
        url: url.toString(),
        drop: async () => {
          const c = new pg.Client({ connectionString: adminUrl });
          await c.connect();
          try {
            await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          } finally {
            await c.end();
          }
        },
      };
    } catch (err) {
      lastErr = err;
      await admin.end().catch(() => undefined);
    }
  }
  throw new Error(`PostgreSQL at 127.0.0.1:5432 not usable as postgres or root: ${String(lastErr)}`);
}
