// Proves that the integration-test mail path is real: SMTP (Postfix) -> LMTP -> Dovecot -> IMAP.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImapFlow, type ExistsEvent } from 'imapflow';
import {
  openImap,
  readMailbox,
  readMessages,
  sendRaw,
  startMailServers,
  waitForMessages,
  type MailServers,
} from '../support/mailservers.ts';

let mail: MailServers;

beforeAll(async () => {
  mail = await startMailServers();
}, 15 * 60_000); // the first run on a fresh machine installs Postfix and Dovecot

afterAll(async () => {
  await mail?.stop();
});

/** A message with CRLF line ends; the body carries 8-bit bytes (Shift_JIS) and a unique token. */
function message(from: string, to: string, subject: string): { raw: Buffer; body: Buffer; messageId: string } {
  const token = randomUUID();
  const messageId = `<${token}@reporter.test>`;
  const head = Buffer.from(
    [
      `From: ${from}`,
      `To: ${to}`,
      `Subject: ${subject}`,
      `Message-ID: ${messageId}`,
      'Date: Sun, 22 Nov 2026 10:00:00 +0900',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=Shift_JIS',
      'Content-Transfer-Encoding: 8bit',
      '',
      '',
    ].join('\r\n'),
    'latin1',
  );
  const body = Buffer.concat([
    Buffer.from(`token ${token}\r\n`),
    Buffer.from([0x90, 0xc6, 0x8e, 0xe3, 0x90, 0xab, 0x0d, 0x0a]), // 脆弱性 in Shift_JIS
    Buffer.from('.leading dot survives dot-stuffing\r\nFrom the start of a line\r\n'),
  ]);
  return { raw: Buffer.concat([head, body]), body, messageId };
}

function splitMessage(source: Buffer): { headers: string; body: Buffer } {
  const end = source.indexOf('\r\n\r\n');
  expect(end, 'stored message has a header/body separator').toBeGreaterThan(0);
  return { headers: source.subarray(0, end).toString('latin1'), body: source.subarray(end + 4) };
}

function fresh(domain: string): string {
  return `u-${randomUUID().slice(0, 8)}@${domain}`;
}

describe('mail servers for integration tests', () => {
  it('delivers SMTP mail to the right IMAP mailboxes with the body byte for byte', async () => {
    const desk = message('taro@reporter.test', 'desk@madoguchi.test', 'report for the desk');
    const taro = message('desk@madoguchi.test', 'taro@reporter.test', 'reply to the reporter');

    const sent1 = await sendRaw('taro@reporter.test', ['desk@madoguchi.test'], desk.raw);
    const sent2 = await sendRaw('desk@madoguchi.test', ['taro@reporter.test'], taro.raw);
    expect(sent1.accepted).toEqual(['desk@madoguchi.test']);
    expect(sent2.accepted).toEqual(['taro@reporter.test']);
    expect(sent1.response).toMatch(/^250 /);

    const [deskMsg] = await waitForMessages('desk@madoguchi.test', 1);
    const [taroMsg] = await waitForMessages('taro@reporter.test', 1);
    const d = splitMessage(deskMsg!);
    const t = splitMessage(taroMsg!);

    expect(d.body.equals(desk.body)).toBe(true);
    expect(t.body.equals(taro.body)).toBe(true);
    expect(d.headers).toContain(`Message-ID: ${desk.messageId}`);
    expect(t.headers).toContain(`Message-ID: ${taro.messageId}`);
    // It went through Postfix and Dovecot LMTP, not straight into the maildir.
    expect(d.headers).toMatch(/^Received: from .*\r\n\s+by mx\.madoguchi\.test \(Postfix\)/m);
    expect(d.headers).toContain('Delivered-To: desk@madoguchi.test');
    expect(d.headers).toMatch(/^Return-Path: <taro@reporter\.test>/m);
    expect(t.headers).toContain('Delivered-To: taro@reporter.test');

    // Each mailbox holds exactly its own message.
    expect(await readMailbox('desk@madoguchi.test')).toHaveLength(1);
    expect(await readMailbox('taro@reporter.test')).toHaveLength(1);
    // User names are case-insensitive, for delivery and login alike.
    expect(await readMailbox('Desk@Madoguchi.TEST')).toHaveLength(1);
  });

  it('delivers one copy per recipient of a multi-recipient envelope, to any domain', async () => {
    const a = fresh('vendor.test');
    const b = fresh('example.com');
    const m = message('desk@madoguchi.test', `${a}, ${b}`, 'to two');
    const sent = await sendRaw('desk@madoguchi.test', [a, b], m.raw);
    expect(sent.accepted.sort()).toEqual([a, b].sort());
    for (const user of [a, b]) {
      const [got] = await waitForMessages(user, 1);
      expect(splitMessage(got!).body.equals(m.body)).toBe(true);
      // Postfix hands both recipients to Dovecot in one LMTP transaction, and Dovecot then adds no
      // Delivered-To: (it does for a single recipient, see the first test): do not rely on it.
      expect(splitMessage(got!).headers).not.toContain('Delivered-To:');
    }
  });

  it('refuses an IMAP login with the wrong password', async () => {
    const client = new ImapFlow({
      host: mail.imap.host,
      port: mail.imap.port,
      secure: false,
      auth: { user: 'desk@madoguchi.test', pass: 'not-the-password' },
      logger: false,
    });
    client.on('error', () => undefined);
    await expect(client.connect()).rejects.toMatchObject({ authenticationFailed: true });
    client.close();
  });

  it('lands in INBOX, has Processed and Failed, and moves to Processed with messageMove', async () => {
    const user = fresh('madoguchi.test');
    const m = message('taro@reporter.test', user, 'to be processed');
    await sendRaw('taro@reporter.test', [user], m.raw);
    const [inInbox] = await waitForMessages(user, 1);

    const client = await openImap(user);
    try {
      const boxes = (await client.list()).map((b) => b.path).sort();
      expect(boxes).toEqual(['Failed', 'INBOX', 'Processed']);

      const lock = await client.getMailboxLock('INBOX');
      try {
        const [found] = await client.fetchAll('1:*', { uid: true, envelope: true });
        expect(found?.envelope?.messageId).toBe(m.messageId);
        const moved = await client.messageMove(String(found!.uid), 'Processed', { uid: true });
        expect(moved).not.toBe(false);
        expect(moved && moved.uidMap?.size).toBe(1);
      } finally {
        lock.release();
      }
    } finally {
      await client.logout();
    }

    expect(await readMailbox(user, 'INBOX')).toHaveLength(0);
    const processed = await readMessages(user, 'Processed');
    expect(processed).toHaveLength(1);
    expect(processed[0]!.source.equals(inInbox!)).toBe(true);
    expect(await readMailbox(user, 'Failed')).toHaveLength(0);
  });

  it('IMAP IDLE sees a message that arrives over SMTP while idling', async () => {
    const user = fresh('madoguchi.test');
    const first = message('taro@reporter.test', user, 'before idle');
    await sendRaw('taro@reporter.test', [user], first.raw);
    await waitForMessages(user, 1);

    const client = await openImap(user, { disableAutoIdle: true });
    try {
      const lock = await client.getMailboxLock('INBOX');
      try {
        expect(client.mailbox && client.mailbox.exists).toBe(1);
        const exists = new Promise<ExistsEvent>((resolve) => client.once('exists', resolve));
        const idling = client.idle();
        // Only send once the server has acknowledged IDLE, so the event must come from IDLE itself.
        const t0 = Date.now();
        while (!client.idling) {
          if (Date.now() - t0 > 5_000) throw new Error('IDLE did not start');
          await new Promise((r) => setTimeout(r, 10));
        }
        const second = message('taro@reporter.test', user, 'during idle');
        const sentAt = Date.now();
        await sendRaw('taro@reporter.test', [user], second.raw);
        const event = await Promise.race([
          exists,
          new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no EXISTS during IDLE within 10 s')), 10_000)),
        ]);
        expect(event).toMatchObject({ path: 'INBOX', prevCount: 1, count: 2 });
        expect(Date.now() - sentAt).toBeLessThan(10_000);
        expect(client.idling).toBe(true); // still in IDLE: the event was pushed, not polled

        await client.noop(); // ends IDLE
        await idling;
        const [, got] = await client.fetchAll('1:*', { uid: true, source: true });
        expect(splitMessage(got!.source!).body.equals(second.body)).toBe(true);
      } finally {
        lock.release();
      }
    } finally {
      await client.logout();
    }
  });

  it('restarts on the same directory (start twice) and keeps the stored mail', async () => {
    const again = await startMailServers({ dir: mail.dir });
    try {
      expect(again.dir).toBe(mail.dir);
      const stored = await readMailbox('desk@madoguchi.test', 'INBOX', again);
      expect(stored).toHaveLength(1);
      // Mail still flows after the restart.
      const m = message('taro@reporter.test', 'desk@madoguchi.test', 'after restart');
      await sendRaw('taro@reporter.test', ['desk@madoguchi.test'], m.raw, again);
      const all = await waitForMessages('desk@madoguchi.test', 2, 10_000, 'INBOX', again);
      expect(splitMessage(all[1]!).body.equals(m.body)).toBe(true);
    } finally {
      // `mail.stop()` in afterAll stops these servers too (same directory) and removes it.
      await again.stop();
    }
  });
});
