// The IMAP adapter's filing on a real Dovecot: many messages filed at once are moved in
// batched UID MOVE commands (one per turn on the connection, not one per message), each
// caller's promise settles once its own message is moved, to Processed or Failed as asked,
// and filing a message again (a retried job) is harmless.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startImapIntake, type Checkpoint, type ImapIntake, type ImapRef } from '../../src/adapters/imap.ts';
import { openImap, readMailbox, startMailServers, type MailServers } from '../support/mailservers.ts';

const DESK = 'desk@madoguchi.test';
let servers: MailServers;
let intake: ImapIntake | null = null;
const logs: string[] = [];

beforeAll(async () => {
  servers = await startMailServers();
}, 120_000);

afterAll(async () => {
  await intake?.stop();
  await servers?.stop();
});

describe('IMAP filing', () => {
  it('files 120 messages at once: all moved where asked, the inbox empty, a second filing harmless', async () => {
    const c = await openImap(DESK, { servers });
    for (let i = 0; i < 120; i++) await c.append('INBOX', Buffer.from(`From: a@b.test\r\nTo: ${DESK}\r\nSubject: m${i}\r\nMessage-ID: <f${i}@b.test>\r\n\r\nbody ${i}\r\n`));
    await c.logout();

    const refs: ImapRef[] = [];
    const cps = new Map<string, Checkpoint>();
    intake = startImapIntake(
      { host: servers.imap.host, port: servers.imap.port, secure: false, user: DESK, password: 'secret', mailbox: 'INBOX', processedMailbox: 'Processed', failedMailbox: 'Failed', watchdogSeconds: 30 },
      { get: (mb) => Promise.resolve(cps.get(mb) ?? null), set: (mb, cp) => Promise.resolve(void cps.set(mb, cp)) },
      (_raw, ref) => Promise.resolve(void refs.push(ref)),
      (m) => void logs.push(m),
    );
    await expect.poll(() => refs.length, { timeout: 30_000 }).toBe(120);

    // Every filing at once, as the workers would: each settles, none is lost.
    const outcome = (ref: ImapRef): 'processed' | 'failed' => (ref.uid % 7 === 0 ? 'failed' : 'processed');
    await Promise.all(refs.map((r) => intake!.file(r, outcome(r))));
    const failed = refs.filter((r) => outcome(r) === 'failed').length;
    expect(await readMailbox(DESK, 'INBOX', servers)).toHaveLength(0);
    expect(await readMailbox(DESK, 'Failed', servers)).toHaveLength(failed);
    expect(await readMailbox(DESK, 'Processed', servers)).toHaveLength(120 - failed);
    // Batched: far fewer commands than messages (one per turn on the connection and mailbox).
    const st = intake.stats();
    expect(st.movedMessages).toBe(120);
    expect(st.moveCommands).toBeLessThanOrEqual(10);

    // A retried job files an already moved message again: a plain success, nothing moves.
    await Promise.all(refs.slice(0, 10).map((r) => intake!.file(r, outcome(r))));
    expect(await readMailbox(DESK, 'Processed', servers)).toHaveLength(120 - failed);
    expect(logs.filter((l) => /failed/.test(l) && !/Failed/.test(l))).toEqual([]);
  }, 120_000);
});
