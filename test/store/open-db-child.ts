// Child process for the PGlite lock test: opens the store on argv[2], reports, closes.
// Prints `OK <migrations>` and exits 0, or prints the error message and exits 1.
import { openDb } from '../../src/store/db.ts';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: open-db-child.ts DATADIR');
try {
  const db = await openDb({ dataDir });
  const rows = await db.query<{ n: number }>('SELECT count(*) AS n FROM schema_migrations');
  await db.close();
  process.stdout.write(`OK ${rows[0]?.n ?? -1}\n`);
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
