// Schema migrations: every `NNN_name.sql` in ./migrations, in name order, each applied once
// in its own transaction and recorded in `schema_migrations` with its sha256. On PostgreSQL
// each transaction first takes a transaction-scoped advisory lock, so two processes starting
// together apply a file once (the second waits, then sees it recorded). PGlite has a single
// process (the data-directory lock) and needs no lock.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { Db } from './handle.ts';
import { refreshCaseStates } from './case-view.ts';

export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

// Any constant bigint; only madoguchi's migrations take it.
const MIGRATION_LOCK_KEY = 0x6d61646f67756368n.toString(); // 'madoguch'

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export async function loadMigrations(dir: string = MIGRATIONS_DIR): Promise<Migration[]> {
  const names = (await readdir(dir)).filter((n) => /^\d+_[\w-]+\.sql$/.test(n)).sort();
  const out: Migration[] = [];
  for (const name of names) {
    const sql = await readFile(path.join(dir, name), 'utf8');
    // Line endings do not count (a checkout with CRLF conversion is the same migration).
    const checksum = createHash('sha256').update(sql.replace(/\r\n/g, '\n')).digest('hex');
    out.push({ name, sql, checksum });
  }
  return out;
}

/**
 * Steps a migration needs that SQL cannot do, run in the migration's own transaction right
 * after its SQL (so a crash leaves neither done).
 */
const AFTER_MIGRATION: Readonly<Record<string, (t: Db) => Promise<unknown>>> = {
  // cases.state from each product case's snapshot (issue 10; src/rules/case-view.ts).
  '017_case_state.sql': refreshCaseStates,
};

/** Applies pending migrations; returns the names applied (empty when up to date). */
export async function migrate(db: Db, dir: string = MIGRATIONS_DIR): Promise<string[]> {
  const applied: string[] = [];
  for (const m of await loadMigrations(dir)) {
    const done = await db.tx(async (t) => {
      if (t.kind === 'pg') await t.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
      await t.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
        name       text PRIMARY KEY,
        checksum   text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
      const [row] = await t.query<{ checksum: string }>('SELECT checksum FROM schema_migrations WHERE name = $1', [
        m.name,
      ]);
      if (row) {
        // An applied migration was edited: the database no longer matches the file. Add a
        // new migration instead of changing an applied one.
        if (row.checksum !== m.checksum) {
          throw new Error(`migration ${m.name} was changed after it was applied (checksum mismatch)`);
        }
        return false;
      }
      await t.exec(m.sql);
      await AFTER_MIGRATION[m.name]?.(t);
      await t.query('INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)', [m.name, m.checksum]);
      return true;
    });
    if (done) applied.push(m.name);
  }
  return applied;
}
