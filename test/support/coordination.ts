// The parties of a coordination run over real mail (issue 4): reporter, vendors and
// coordinators each have their own gpg home (their secret key and the desk's public key,
// nothing else), read their own IMAP mailbox, and write to the desk over SMTP. Used by the
// scenario tests (test/integration/product-track.test.ts, unreachable.test.ts).
import { writeFileSync } from 'node:fs';
import { simpleParser } from 'mailparser';
import { Gpg, openNotice } from './gpg.ts';
import { readMailbox, type MailServers } from './mailservers.ts';

/** Primary fingerprint of the (first) key for `who` in `gpg`'s keyring. */
export function fingerprintOf(gpg: Gpg, who: string): string {
  const fpr = /fpr:+([0-9A-F]{40})/.exec(gpg.run(['--with-colons', '--list-keys', who]).toString())?.[1];
  if (!fpr) throw new Error(`no key for ${who}`);
  return fpr;
}

/** Long key ids of every key and subkey for `who` (what ENC_TO names). */
export function keyIdsOf(gpg: Gpg, who: string): string[] {
  return gpg
    .run(['--with-colons', '--list-keys', who])
    .toString()
    .split('\n')
    .filter((l) => l.startsWith('pub:') || l.startsWith('sub:'))
    .map((l) => l.split(':')[4]!);
}

/**
 * A recipient's own gpg home: `secretKey` (armored secret key) and the desk's public key
 * only, so a message it decrypts was encrypted to that recipient's key.
 */
export function recipientHome(secretKey: string | Buffer, deskPublicKey: string | Buffer): Gpg {
  const home = new Gpg();
  home.importText(secretKey.toString());
  home.importText(deskPublicKey.toString());
  return home;
}

/** The secret key of `who` in `gpg`, armored (the test keys have no passphrase). */
export function exportSecretKey(gpg: Gpg, who: string): string {
  return gpg.run(['--armor', '--export-secret-keys', who]).toString();
}

/** gpg's signing time for a mail written at `at` (a desk whose clock is moved). */
const fakedTime = (at: Date | undefined): string[] => (at ? ['--faked-system-time', String(Math.floor(at.getTime() / 1000))] : []);

/**
 * PGP/MIME mail (RFC 3156): a text/plain `body` signed as `signAs` (at `signedAt`, default
 * now) and encrypted to `to`, sent with From `from`. `armored` re-wraps an earlier
 * ciphertext unchanged in a new envelope (a replay). Returns the mail and its ciphertext.
 */
export function signedEncryptedMail(
  gpg: Gpg,
  o: { from: string; signAs: string; to: string; subject: string; messageId: string; body: string; signedAt?: Date; armored?: string },
): { raw: Buffer; armored: string } {
  const inner = `Content-Type: text/plain; charset=UTF-8\r\n\r\n${o.body.replace(/\r?\n/g, '\r\n')}`;
  const armored = o.armored ?? gpg.run([...fakedTime(o.signedAt), '--armor', '-es', '-u', o.signAs, '-r', o.to], inner).toString();
  const raw = Buffer.from(
    [
      `From: <${o.from}>`,
      `To: ${o.to}`,
      `Subject: ${o.subject}`,
      `Message-ID: ${o.messageId}`,
      `Date: ${(o.signedAt ?? new Date()).toUTCString()}`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="=-mdg-c"',
      '',
      '--=-mdg-c',
      'Content-Type: application/pgp-encrypted',
      '',
      'Version: 1',
      '',
      '--=-mdg-c',
      'Content-Type: application/octet-stream',
      '',
      armored.trimEnd(),
      '--=-mdg-c--',
      '',
    ].join('\r\n'),
  );
  return { raw, armored };
}

/** The desk's clock (MADOGUCHI_CLOCK_FILE): an offset from real time, in milliseconds. */
export class DeskClock {
  private offset = 0;
  constructor(readonly file: string) {
    writeFileSync(file, '0');
  }
  /** Moves the desk to real time + `ms`. */
  setOffset(ms: number): void {
    this.offset = ms;
    writeFileSync(this.file, String(ms));
  }
  /** Moves the desk to the instant `at` (from now on, time runs on from there). */
  setTo(at: Date): void {
    this.setOffset(at.getTime() - Date.now());
  }
  /** The desk's "now". */
  now(): Date {
    return new Date(Date.now() + this.offset);
  }
}

/** Header value of the outer header block (first occurrence), unfolded. */
export function headerOf(raw: Buffer, name: string): string | null {
  const text = raw.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const head = (end < 0 ? text : text.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  const m = new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(head);
  return m ? m[1]!.trim() : null;
}

export const messageIdOf = (raw: Buffer): string | null => headerOf(raw, 'Message-ID');

/** Polls `user`'s INBOX until a message satisfies `pred`; returns it. */
export async function waitForMail(user: string, pred: (raw: Buffer) => boolean, timeoutMs = 60_000, servers?: MailServers): Promise<Buffer> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hit = (await readMailbox(user, 'INBOX', servers)).find(pred);
    if (hit) return hit;
    if (Date.now() >= deadline) throw new Error(`waitForMail: no matching message for ${user} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A predicate: the message's Message-ID starts with `<prefix` (e.g. `vendor-notify.`). */
export const idStarts =
  (prefix: string) =>
  (raw: Buffer): boolean =>
    (messageIdOf(raw) ?? '').startsWith(`<${prefix}`);

/** Whether the message is RFC 3156 multipart/encrypted: the two parts, in order. */
export function isPgpMimeEncrypted(raw: Buffer): boolean {
  const ct = headerOf(raw, 'Content-Type') ?? '';
  if (!/^multipart\/encrypted\s*;/i.test(ct) || !/protocol="?application\/pgp-encrypted"?/i.test(ct)) return false;
  const boundary = /boundary="?([^";]+)"?/i.exec(ct)?.[1];
  if (!boundary) return false;
  const body = raw.toString('latin1');
  const parts = body.split(`--${boundary}`).slice(1, -1);
  if (parts.length !== 2) return false;
  return (
    /^\r?\nContent-Type:\s*application\/pgp-encrypted/i.test(parts[0]!) &&
    /\r?\n\r?\nVersion: 1\r?\n/.test(parts[0]!) &&
    /^\r?\nContent-Type:\s*application\/octet-stream/i.test(parts[1]!) &&
    /-----BEGIN PGP MESSAGE-----[\s\S]+-----END PGP MESSAGE-----/.test(parts[1]!)
  );
}

/** Long key ids the message is encrypted to (gpg ENC_TO, without decrypting). */
export function encryptedTo(gpg: Gpg, raw: Buffer): string[] {
  const m = /-----BEGIN PGP MESSAGE-----[\s\S]*?-----END PGP MESSAGE-----/.exec(raw.toString('latin1'));
  if (!m) return [];
  return gpg
    .status(['--list-only', '--decrypt'], m[0])
    .status.filter((l) => l.startsWith('ENC_TO '))
    .map((l) => l.split(' ')[1]!);
}

/**
 * Everything readable in decrypted MIME: the MIME text itself, and every part decoded
 * (quoted-printable, base64, charset), so a search finds text whatever its encoding.
 */
export async function readableText(decryptedMime: string | Buffer): Promise<string> {
  const bytes = typeof decryptedMime === 'string' ? Buffer.from(decryptedMime, 'latin1') : decryptedMime;
  const parsed = await simpleParser(bytes, { skipImageLinks: true, skipTextToHtml: true });
  return [bytes.toString('utf8'), parsed.text ?? '', typeof parsed.html === 'string' ? parsed.html : '', ...parsed.attachments.map((a) => a.content.toString('utf8'))].join('\n');
}

/** A notice as its recipient reads it: decrypted with the recipient's own home, signature checked. */
export async function readNotice(home: Gpg, raw: Buffer): Promise<{ decryptedOk: boolean; signer: string | null; text: string }> {
  const o = openNotice(home, raw);
  return { decryptedOk: o.decryptedOk, signer: o.signer, text: o.decryptedOk ? await readableText(o.decrypted) : '' };
}

/** Every message in the INBOX of each of `addrs`, with the mailbox it was found in. */
export async function collectMail(addrs: readonly string[], servers?: MailServers): Promise<{ to: string; raw: Buffer }[]> {
  return (await Promise.all(addrs.map(async (a) => (await readMailbox(a, 'INBOX', servers)).map((raw) => ({ to: a, raw }))))).flat();
}
