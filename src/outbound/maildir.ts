// A Maildir outbox: instead of sending, every message is delivered into a Maildir
// (tmp/, new/, cur/; default ./var/outbox) for people or another program to pick up.
//
// Delivery is atomic: the file is written and synced in tmp/, then renamed into new/.
// The file name is derived from the Message-ID alone, so the retry of a job that crashed
// after (or while) writing replaces the same file instead of adding a second copy, and a
// message already moved to cur/ by a reader is not delivered again.
import { createHash } from 'node:crypto';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Envelope, SendResult, Transport } from './transport.ts';

export const DEFAULT_OUTBOX = join('var', 'outbox');

/**
 * The file name for a Message-ID: its safe characters (for people reading the
 * directory) and a hash of the exact id (so ids differing only in unsafe characters do
 * not collide). Never contains `/`, `:` (the Maildir info separator) or a leading dot.
 */
export function maildirName(messageId: string): string {
  const id = messageId.trim().replace(/^<|>$/g, '');
  if (id === '') throw new Error('maildir: empty Message-ID');
  const safe = id.replace(/[^A-Za-z0-9._@+=-]/g, '_').slice(0, 100);
  const hash = createHash('sha256').update(id, 'utf8').digest('hex').slice(0, 16);
  return `m.${safe}.${hash}`;
}

async function fsyncPath(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export class MaildirOutbox implements Transport {
  readonly dir: string;

  constructor(dir: string = DEFAULT_OUTBOX) {
    this.dir = dir;
  }

  private async ensure(): Promise<void> {
    for (const sub of ['tmp', 'new', 'cur']) await mkdir(join(this.dir, sub), { recursive: true, mode: 0o700 });
  }

  /** Where a message with this Message-ID is (new/ or cur/), or null. */
  async find(messageId: string): Promise<string | null> {
    const name = maildirName(messageId);
    for (const sub of ['new', 'cur']) {
      let entries: string[];
      try {
        entries = await readdir(join(this.dir, sub));
      } catch {
        continue;
      }
      const hit = entries.find((e) => e === name || e.startsWith(`${name}:`));
      if (hit !== undefined) return join(this.dir, sub, hit);
    }
    return null;
  }

  async send(raw: Buffer, _envelope: Envelope, messageId: string): Promise<SendResult> {
    let name: string;
    try {
      name = maildirName(messageId);
    } catch (e) {
      return { ok: false, permanent: true, response: e instanceof Error ? e.message : String(e) };
    }
    try {
      await this.ensure();
      const inCur = (await this.find(messageId))?.startsWith(join(this.dir, 'cur'));
      if (inCur) return { ok: true, response: `maildir: ${name} already delivered and read` };
      const tmp = join(this.dir, 'tmp', name);
      const fh = await open(tmp, 'w', 0o600);
      try {
        await fh.writeFile(raw);
        await fh.sync();
      } finally {
        await fh.close();
      }
      const dest = join(this.dir, 'new', name);
      await rename(tmp, dest);
      await fsyncPath(join(this.dir, 'new'));
      return { ok: true, response: `maildir: ${dest}` };
    } catch (e) {
      await rm(join(this.dir, 'tmp', name), { force: true }).catch(() => undefined);
      // A full disk or a permission problem may pass; the message is not lost by retrying.
      return { ok: false, permanent: false, response: `maildir: ${e instanceof Error ? e.message : String(e)}` };
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
