// Embedded PostgreSQL (PGlite, WASM) in a data directory, for single-process deployments.
//
// PGlite is one backend in this process: queries serialise, and it takes no lock on its data
// directory, so a second process opening the same directory corrupts it. We therefore hold
// `DATADIR.lock` (created with O_EXCL, holding our pid) for as long as the Db is open. A lock
// whose pid is dead is stale (crash, kill -9) and is taken over. See src/store/db.ts for the
// normalised value types.
import { closeSync, fsyncSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { parseByteaHex, parseInt8, type Db } from '../store/handle.ts';

const OID_BYTEA = 17;
const OID_INT8 = 20;

/** Raised when another live process holds the data directory. */
export class DataDirLockedError extends Error {
  constructor(
    readonly pid: number,
    readonly dataDir: string,
    readonly lockPath: string,
  ) {
    super(
      `another madoguchi process (pid ${pid}) is using ${dataDir}; PGlite allows one process; ` +
        `stop it or set DATABASE_URL to use PostgreSQL ` +
        `(lock file ${lockPath}; delete it only if no such process is running)`,
    );
    this.name = 'DataDirLockedError';
  }
}

// Lock files held by this process, so a second open in the same process is refused with
// its own message and a lock carrying our pid from an earlier incarnation (a container
// restarted with the same pid) is recognised as stale.
const heldLocks = new Set<string>();

// A lock file that exists but has no pid yet is being written by its creator; only after
// this long do we call it garbage (a crash between create and write).
const UNWRITTEN_GRACE_MS = 5_000;

function errno(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errno(err) === 'EPERM'; // exists, owned by another user
  }
}

/** O_EXCL create with `content`; false when the file already exists. */
function createExclusive(file: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o644);
  } catch (err) {
    if (errno(err) === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return true;
}

interface LockFile {
  content: string;
  pid: number | null;
  mtimeMs: number;
}

/** The lock file's content and pid (first line), or null when it does not exist. */
function readLockFile(file: string): LockFile | null {
  try {
    const content = readFileSync(file, 'utf8');
    const mtimeMs = statSync(file).mtimeMs;
    const first = content.split('\n', 1)[0] ?? '';
    const pid = /^\d+$/.test(first) ? Number(first) : null;
    return { content, pid: pid !== null && pid > 0 ? pid : null, mtimeMs };
  } catch (err) {
    if (errno(err) === 'ENOENT') return null;
    throw err;
  }
}

function unlinkQuiet(file: string): void {
  try {
    unlinkSync(file);
  } catch (err) {
    if (errno(err) !== 'ENOENT') throw err;
  }
}

/**
 * Removes a stale lock whose content is still `staleContent`. A second guard file makes
 * the check-and-unlink exclusive, so two processes taking over the same stale lock at once
 * cannot delete the fresh lock the faster one has just created.
 */
async function removeStale(lockPath: string, staleContent: string): Promise<void> {
  const guard = `${lockPath}.takeover`;
  if (!createExclusive(guard, `${process.pid}\n`)) {
    const g = readLockFile(guard);
    if (g && g.pid !== null && g.pid !== process.pid && isAlive(g.pid)) {
      await sleep(50); // someone else is taking over right now
    } else if (g && (g.pid !== null || Date.now() - g.mtimeMs > UNWRITTEN_GRACE_MS)) {
      unlinkQuiet(guard); // guard left by a process that died mid-takeover
    } else {
      await sleep(50);
    }
    return;
  }
  try {
    if (readLockFile(lockPath)?.content === staleContent) unlinkQuiet(lockPath);
  } finally {
    unlinkQuiet(guard);
  }
}

interface DataDirLock {
  release(): void;
}

async function acquireLock(dataDir: string): Promise<DataDirLock> {
  const lockPath = `${dataDir}.lock`;
  if (heldLocks.has(lockPath)) {
    throw new Error(
      `${dataDir} is already open in this process (pid ${process.pid}); PGlite allows one connection: reuse the open Db`,
    );
  }
  const content = `${process.pid}\n${hostname()} ${new Date().toISOString()} ${randomBytes(8).toString('hex')}\n`;
  for (let attempt = 0; attempt < 200; attempt++) {
    if (createExclusive(lockPath, content)) {
      heldLocks.add(lockPath);
      const release = (): void => {
        if (!heldLocks.delete(lockPath)) return;
        process.removeListener('exit', release);
        try {
          if (readLockFile(lockPath)?.content === content) unlinkSync(lockPath);
        } catch {
          // Best effort: a lock left behind names a dead pid and is taken over next time.
        }
      };
      process.on('exit', release);
      return { release };
    }
    const existing = readLockFile(lockPath);
    if (existing === null) continue; // released between our create and read
    if (existing.pid === null) {
      if (Date.now() - existing.mtimeMs < UNWRITTEN_GRACE_MS) {
        await sleep(50);
        continue;
      }
    } else if (existing.pid !== process.pid && isAlive(existing.pid)) {
      throw new DataDirLockedError(existing.pid, dataDir, lockPath);
    }
    // Stale: dead pid, our own pid from an earlier incarnation, or never written.
    await removeStale(lockPath, existing.content);
  }
  throw new Error(`could not take the lock ${lockPath}`);
}

// PGlite's own bytea serializer formats byte by byte through an array of strings; for a
// multi-megabyte mail this is far slower than Buffer's hex encoder.
function serializeBytea(value: unknown): string {
  if (!(value instanceof Uint8Array)) throw new TypeError('bytea parameter must be a Buffer or Uint8Array');
  return '\\x' + Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex');
}

function txDb(tx: Transaction): Db {
  let depth = 0;
  const self: Db = {
    kind: 'pglite',
    query: async <T>(sql: string, params?: unknown[]) => (await tx.query<T>(sql, params)).rows,
    exec: async (sql: string) => {
      await tx.exec(sql);
    },
    tx: async <T>(fn: (db: Db) => Promise<T>): Promise<T> => {
      const sp = `sp_${++depth}`;
      await tx.query(`SAVEPOINT ${sp}`);
      try {
        const result = await fn(self);
        await tx.query(`RELEASE SAVEPOINT ${sp}`);
        return result;
      } catch (err) {
        await tx.query(`ROLLBACK TO SAVEPOINT ${sp}`);
        throw err;
      } finally {
        depth--;
      }
    },
    close: () => Promise.reject(new Error('close() called on a transaction handle')),
  };
  return self;
}

/** Opens PGlite in `dataDir` (created if missing), holding `DATADIR.lock` until close. */
export async function openPglite(dataDir: string): Promise<Db> {
  const dir = path.resolve(dataDir);
  await mkdir(path.dirname(dir), { recursive: true });
  const lock = await acquireLock(dir);
  let pg: PGlite;
  try {
    pg = await PGlite.create({
      dataDir: dir,
      parsers: { [OID_INT8]: parseInt8, [OID_BYTEA]: parseByteaHex },
      serializers: { [OID_BYTEA]: serializeBytea },
    });
  } catch (err) {
    lock.release();
    throw err;
  }
  let closed = false;
  return {
    kind: 'pglite',
    query: async <T>(sql: string, params?: unknown[]) => (await pg.query<T>(sql, params)).rows,
    exec: async (sql: string) => {
      await pg.exec(sql);
    },
    tx: <T>(fn: (db: Db) => Promise<T>) => pg.transaction((tx) => fn(txDb(tx))),
    close: async () => {
      if (closed) return;
      closed = true;
      try {
        await pg.close();
      } finally {
        lock.release();
      }
    },
  };
}
