// `madoguchi deliver`: one message from standard input into the desk's Maildir inbox (an
// MTA pipe transport, once per message). It loads only the configuration and the Maildir
// writer, so it starts in about the time node itself does.
import { resolve } from 'node:path';
import { loadConfig } from '../config.ts';
import { deliverToMaildir } from '../intake/maildir.ts';

/** sysexits.h EX_TEMPFAIL: the MTA keeps the message and tries again. */
const EX_TEMPFAIL = 75;
const EX_CONFIG = 78;

export async function runDeliver(err: (s: string) => void): Promise<number> {
  try {
    const cfg = loadConfig();
    if (!cfg.intake.maildir) {
      err('madoguchi deliver: intake.maildir (MADOGUCHI_INBOX) is not set');
      return EX_CONFIG;
    }
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    if (raw.length === 0) {
      err('madoguchi deliver: empty input');
      return 65; // EX_DATAERR
    }
    await deliverToMaildir(resolve(cfg.intake.maildir), raw);
    return 0;
  } catch (e) {
    err(`madoguchi deliver: ${e instanceof Error ? e.message : String(e)}`);
    return EX_TEMPFAIL;
  }
}
