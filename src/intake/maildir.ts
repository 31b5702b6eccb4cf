// Maildir intake (for zero-setup runs and MTAs that deliver to Maildir) and the writer
// behind `madoguchi deliver` (an MTA pipe transport). Maildir's own protocol gives the
// safety: writers put a file in tmp/ and rename it into new/ (atomic); the desk reads
// new/, stores the message, and only then renames it into cur/. A crash between the two
// leaves the file in new/, to be read again; the store's dedupe key absorbs the repeat.
import { randomBytes } from 'node:crypto';
import { mkdirSync, watch, type FSWatcher } from 'node:fs';
import { open, readdir, readFile, rename } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

export function ensureMaildir(dir: string): void {
  for (const sub of ['tmp', 'new', 'cur']) mkdirSync(join(dir, sub), { recursive: true });
}

/** Writes one message into DIR/new atomically (tmp + fsync + rename). Returns the file name. */
export async function deliverToMaildir(dir: string, raw: Uint8Array): Promise<string> {
  ensureMaildir(dir);
  const name = `${Date.now()}.M${randomBytes(6).toString('hex')}P${process.pid}.${hostname().replace(/[/:]/g, '_')}`;
  const tmp = join(dir, 'tmp', name);
  const fh = await open(tmp, 'wx');
  try {
    await fh.writeFile(raw);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, join(dir, 'new', name));
  return name;
}

export interface MaildirIntake {
  stop(): Promise<void>;
}

export function startMaildirIntake(
  dir: string,
  onMessage: (raw: Buffer, fileName: string) => Promise<void>,
  log: (msg: string) => void,
  pollMs = 1000,
): MaildirIntake {
  ensureMaildir(dir);
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let again = false;

  const scan = async (): Promise<void> => {
    const names = (await readdir(join(dir, 'new'))).filter((n) => !n.startsWith('.')).sort();
    for (const n of names) {
      if (stopped) return;
      const path = join(dir, 'new', n);
      let raw: Buffer;
      try {
        raw = await readFile(path);
      } catch {
        continue; // taken meanwhile
      }
      await onMessage(raw, n);
      await rename(path, join(dir, 'cur', `${n}:2,S`)).catch(() => undefined);
    }
  };

  const kick = (): void => {
    if (stopped) return;
    again = true;
    running = running.then(async () => {
      while (again && !stopped) {
        again = false;
        try {
          await scan();
        } catch (e) {
          log(`maildir: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
    });
  };

  let watcher: FSWatcher | null = null;
  try {
    watcher = watch(join(dir, 'new'), () => kick());
  } catch {
    watcher = null; // polling alone still works
  }
  const timer = setInterval(kick, pollMs);
  timer.unref();
  kick();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      watcher?.close();
      await running;
    },
  };
}
