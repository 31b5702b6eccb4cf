// What the store-backed CLI commands (vendors, cases) share: open the store, run, close,
// and turn a thrown error into one line on stderr and exit code 1.
import type { Db } from '../store/db.ts';

export interface StoreCommandDeps {
  openDb: () => Promise<Db>;
  out: (s: string) => void;
  err: (s: string) => void;
  setCode: (n: number) => void;
}

export function storeRunner(deps: StoreCommandDeps, label: string): (fn: (db: Db) => Promise<number>) => Promise<void> {
  return async (fn) => {
    let db: Db | null = null;
    try {
      db = await deps.openDb();
      deps.setCode(await fn(db));
    } catch (e) {
      deps.err(`${label}: ${e instanceof Error ? e.message : String(e)}`);
      deps.setCode(1);
    } finally {
      if (db) await db.close().catch(() => undefined);
    }
  };
}
