// Commands seen (src/commands/auth.ts ReplayStore): a replayed command changes nothing.
import type { Db } from './db.ts';

export async function replaySeen(db: Db, key: string): Promise<boolean> {
  return (await db.query('SELECT 1 FROM command_replays WHERE key = $1', [key])).length > 0;
}

/** Remembers a command's key; false when it was there already (a concurrent replay). */
export async function rememberReplay(db: Db, key: string, at: Date): Promise<boolean> {
  const rows = await db.query('INSERT INTO command_replays (key, at) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING RETURNING key', [key, at]);
  return rows.length > 0;
}

export async function pruneReplays(db: Db, olderThan: Date): Promise<number> {
  return (await db.query('DELETE FROM command_replays WHERE at < $1 RETURNING key', [olderThan])).length;
}
