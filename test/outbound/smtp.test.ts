// The SMTP transport with real nodemailer over real sockets: classification of replies,
// and (when test/support/mailservers.ts is there) a full trip through Postfix and
// Dovecot: send an encrypted notice over SMTP, read it back over IMAP byte for byte.
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifySmtpError, createSmtpTransport } from '../../src/adapters/nodemailer.ts';
import { checkRecipientKey, generateDeskKey, loadKeyring, readSigningKey } from '../../src/crypto/openpgp.ts';
import { inspectMessage } from '../../src/inbound/pipeline.ts';
import { composeEncrypted } from '../../src/outbound/compose.ts';
import { renderNotice } from '../../src/outbound/templates.ts';
import { startMailServers, type MailServers } from '../support/mailservers.ts';

describe('classifySmtpError', () => {
  it('5xx is permanent (503 aside), 4xx and connection errors are transient', () => {
    expect(classifySmtpError({ code: 'EENVELOPE', responseCode: 550, response: '550 5.1.1 no such user' })).toEqual({ permanent: true, response: 'EENVELOPE: 550 5.1.1 no such user' });
    expect(classifySmtpError({ code: 'EMESSAGE', responseCode: 552, response: '552 too big' }).permanent).toBe(true);
    expect(classifySmtpError({ code: 'EENVELOPE', responseCode: 450, response: '450 try later' }).permanent).toBe(false);
    expect(classifySmtpError({ code: 'EPROTOCOL', responseCode: 421, response: '421 closing' }).permanent).toBe(false);
    expect(classifySmtpError({ code: 'EPROTOCOL', responseCode: 503, response: '503 bad sequence' }).permanent).toBe(false);
    expect(classifySmtpError({ code: 'ECONNECTION', message: 'connect ECONNREFUSED' }).permanent).toBe(false);
    expect(classifySmtpError({ code: 'ETIMEDOUT', message: 'Greeting never received' }).permanent).toBe(false);
    expect(classifySmtpError({ code: 'EAUTH', responseCode: 535, response: '535 bad credentials' }).permanent).toBe(true);
    expect(classifySmtpError({ code: 'EENVELOPE', message: 'No recipients defined' }).permanent).toBe(true);
    expect(classifySmtpError(new Error('boom')).permanent).toBe(false);
    expect(classifySmtpError('weird').permanent).toBe(false);
  });
});

/**
 * A scripted SMTP peer on 127.0.0.1: the only way to get exact 4xx/5xx replies out of a
 * server on demand. `rcpt` decides the reply per recipient; accepted DATA is recorded.
 */
function scriptedSmtp(rcpt: (addr: string) => string): Promise<{ port: number; received: Buffer[]; close: () => Promise<void> }> {
  const received: Buffer[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => undefined);
    let buf = Buffer.alloc(0);
    let inData = false;
    let okRcpt = 0;
    sock.write('220 scripted ESMTP\r\n');
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        if (inData) {
          const end = buf.indexOf('\r\n.\r\n');
          if (end < 0) return;
          const body = buf.subarray(0, end + 2).toString('latin1').replace(/^\.\./gm, '.');
          received.push(Buffer.from(body, 'latin1'));
          buf = buf.subarray(end + 5);
          inData = false;
          sock.write('250 2.0.0 queued as SCRIPTED\r\n');
          continue;
        }
        const nl = buf.indexOf('\r\n');
        if (nl < 0) return;
        const line = buf.subarray(0, nl).toString('latin1');
        buf = buf.subarray(nl + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') sock.write('250-scripted\r\n250 8BITMIME\r\n');
        else if (verb === 'HELO') sock.write('250 scripted\r\n');
        else if (verb === 'MAIL') {
          okRcpt = 0;
          sock.write('250 2.1.0 ok\r\n');
        } else if (verb === 'RCPT') {
          const reply = rcpt(/<([^>]*)>/.exec(line)?.[1] ?? '');
          if (reply.startsWith('2')) okRcpt++;
          sock.write(`${reply}\r\n`);
        } else if (verb === 'DATA') {
          if (okRcpt === 0) sock.write('554 5.5.1 no valid recipients\r\n');
          else {
            inData = true;
            sock.write('354 go ahead\r\n');
          }
        } else if (verb === 'RSET' || verb === 'NOOP') sock.write('250 ok\r\n');
        else if (verb === 'QUIT') {
          sock.end('221 bye\r\n');
          return;
        } else sock.write('502 5.5.2 not implemented\r\n');
      }
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        port: (server.address() as AddressInfo).port,
        received,
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      });
    });
  });
}

describe('SMTP transport (pooled nodemailer) against SMTP peers', () => {
  const raw = Buffer.from('From: desk@madoguchi.test\r\nTo: a@x.test\r\nSubject: [madoguchi]\r\nMessage-ID: <s1@madoguchi.test>\r\n\r\n.leading dot\r\nFrom here\r\nend\r\n');

  it('delivers the raw bytes unchanged with the given envelope', async () => {
    const peer = await scriptedSmtp(() => '250 2.1.5 ok');
    const t = createSmtpTransport({ host: '127.0.0.1', port: peer.port, rejectUnauthorized: false });
    try {
      const r = await t.send(raw, { from: 'bounces@madoguchi.test', to: ['a@x.test'] }, '<s1@madoguchi.test>');
      expect(r).toMatchObject({ ok: true });
      expect(r.ok && r.response).toContain('queued as SCRIPTED');
      expect(peer.received).toHaveLength(1);
      expect(peer.received[0]!.equals(raw)).toBe(true);
    } finally {
      await t.close();
      await peer.close();
    }
  });

  it('5xx for every recipient → permanent; 4xx → transient; partial → ok with the rejected listed', async () => {
    const peer = await scriptedSmtp((a) => (a.startsWith('gone') ? '550 5.1.1 no such user' : a.startsWith('full') ? '452 4.2.2 mailbox full' : '250 ok'));
    const t = createSmtpTransport({ host: '127.0.0.1', port: peer.port, rejectUnauthorized: false });
    try {
      const perm = await t.send(raw, { from: 'd@m.test', to: ['gone@x.test'] }, '<p@m>');
      expect(perm).toMatchObject({ ok: false, permanent: true });
      expect(!perm.ok && perm.response).toMatch(/550 5\.1\.1/);
      const temp = await t.send(raw, { from: 'd@m.test', to: ['full@x.test'] }, '<t@m>');
      expect(temp).toMatchObject({ ok: false, permanent: false });
      const partial = await t.send(raw, { from: 'd@m.test', to: ['ok@x.test', 'gone@x.test'] }, '<q@m>');
      expect(partial).toMatchObject({ ok: true, rejected: ['gone@x.test'] });
    } finally {
      await t.close();
      await peer.close();
    }
  });

  it('a refused connection is transient', async () => {
    const peer = await scriptedSmtp(() => '250 ok');
    const port = peer.port;
    await peer.close(); // nothing listens there now
    const t = createSmtpTransport({ host: '127.0.0.1', port, connectionTimeoutMs: 2000 });
    try {
      const r = await t.send(raw, { from: 'd@m.test', to: ['a@x.test'] }, '<c@m>');
      expect(r).toMatchObject({ ok: false, permanent: false });
    } finally {
      await t.close();
    }
  });
});

// ---- (g) through real Postfix and Dovecot ------------------------------------------------


async function waitForMessage(imap: MailServers['imap'], user: string, messageId: string, timeoutMs: number): Promise<Buffer | null> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const client = new ImapFlow({ host: imap.host, port: imap.port, secure: false, auth: { user, pass: 'secret' }, logger: false, tls: { rejectUnauthorized: false } });
    try {
      await client.connect();
      const lock = await client.getMailboxLock('INBOX');
      try {
        const all = await client.fetchAll('1:*', { source: true, uid: true });
        const hit = all.find((m) => m.source?.includes(Buffer.from(messageId)));
        if (hit?.source) return hit.source;
      } finally {
        lock.release();
      }
    } catch {
      /* empty mailbox or server still starting: poll again */
    } finally {
      await client.logout().catch(() => undefined);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return null;
}

describe('(g) SMTP → Postfix → Dovecot → IMAP, byte for byte', () => {
  let servers: MailServers;
  beforeAll(async () => {
    servers = await startMailServers();
  }, 120_000);
  afterAll(async () => {
    await servers?.stop();
  });

  it('an encrypted notice arrives as sent (only trace headers added) and still reads as valid', async () => {
    // The servers accept any address; IMAP logs in with the full address (password `secret`).
    const to = 'taro.outbound@reporter.test';
    const from = 'desk@madoguchi.test';
    const desk = await generateDeskKey('Madoguchi Desk', from);
    const reporter = await generateDeskKey('Taro Yamada', to);
    const rc = await checkRecipientKey(reporter.armoredPublic);
    if (!rc.ok) throw new Error(rc.detail);
    const n = renderNotice('ack', 'ja', { caseId: 'VR-2026-0042', receivedAt: new Date(), kind: 'website', siteUrl: 'https://shop.example.jp/' });
    const messageId = `<ack.VR-2026-0042.${Date.now()}@madoguchi.test>`;
    const raw = await composeEncrypted(
      { from, to: [to], caseTag: 'VR-2026-0042', subject: n.subject, text: n.text, messageId, date: new Date() },
      await readSigningKey(desk.armoredPrivate),
      [rc.recipient],
    );
    const t = createSmtpTransport({ host: servers.smtp.host, port: servers.smtp.port, rejectUnauthorized: false });
    try {
      const sent = await t.send(raw, { from, to: [to] }, messageId);
      expect(sent, JSON.stringify(sent)).toMatchObject({ ok: true });
    } finally {
      await t.close();
    }
    const got = await waitForMessage(servers.imap, to, messageId, 30_000);
    expect(got, 'message not found over IMAP').not.toBeNull();
    const source = got!;
    // What the servers added is a block of header fields in front; the rest is ours.
    expect(source.length).toBeGreaterThanOrEqual(raw.length);
    const added = source.subarray(0, source.length - raw.length).toString('latin1');
    expect(source.subarray(source.length - raw.length).equals(raw)).toBe(true);
    expect(added === '' || /^(?:[A-Za-z0-9-]+:[^\r\n]*\r\n(?:[ \t][^\r\n]*\r\n)*)+$/.test(added)).toBe(true);
    for (const name of added.split(/\r\n(?![ \t])/).filter((l) => l !== '').map((l) => l.slice(0, l.indexOf(':')).toLowerCase())) {
      expect(['return-path', 'delivered-to', 'received', 'x-original-to']).toContain(name);
    }
    const ring = await loadKeyring([{ name: 'r', text: reporter.armoredPrivate }, { name: 'd', text: desk.armoredPublic }], undefined, () => undefined);
    const r = await inspectMessage(source, { ring });
    expect(r.verdict.encryption).toBe('pgp-mime');
    expect(r.verdict.signature.status).toBe('valid');
    expect(r.verdict.subject).toBe(`[VR-2026-0042] ${n.subject}`);
  }, 60_000);
});
