// Real gpg on the other side of the desk: reporters make mail with it, and every
// message the desk sends is checked with it.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export class Gpg {
  readonly home: string;
  constructor() {
    this.home = mkdtempSync(join(tmpdir(), 'mdg-gpg-'));
  }
  run(args: string[], input?: string | Buffer): Buffer {
    return execFileSync('gpg', ['--homedir', this.home, '--batch', '--quiet', '--yes', '--pinentry-mode', 'loopback', '--passphrase', '', '--trust-model', 'always', ...args], {
      input,
      maxBuffer: 256 * 1024 * 1024,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  }
  /** Status lines of a command that may fail (decrypt/verify). */
  status(args: string[], input?: string | Buffer): { code: number; status: string[]; out: Buffer } {
    const p = spawnSync('gpg', ['--homedir', this.home, '--batch', '--trust-model', 'always', '--status-fd', '2', ...args], { input, maxBuffer: 256 * 1024 * 1024 });
    const status = p.stderr.toString().split('\n').filter((l) => l.startsWith('[GNUPG:]')).map((l) => l.slice(9));
    return { code: p.status ?? -1, status, out: p.stdout };
  }
  importFile(file: string): void {
    this.run(['--import', file]);
  }
  importText(text: string): void {
    this.run(['--import'], text);
  }
  close(): void {
    spawnSync('gpgconf', ['--homedir', this.home, '--kill', 'all']);
    rmSync(this.home, { recursive: true, force: true });
  }
}

const CRLF = (s: string): string => s.replace(/\r?\n/g, '\r\n');

/** A PGP/MIME encrypted+signed report, as a client makes it, with the key in Autocrypt. */
export function makeReport(gpg: Gpg, o: { from: string; fromName: string; to: string; body: string; messageId: string; subject?: string; autocrypt?: boolean; inReplyTo?: string }): Buffer {
  const inner = CRLF(`Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n\n${o.body}`);
  const armored = gpg.run(['--armor', '-es', '-u', o.from, '-r', o.to], inner).toString();
  const keydata = gpg.run(['--export', o.from]).toString('base64');
  const headers = [
    `From: ${o.fromName} <${o.from}>`,
    `To: ${o.to}`,
    `Subject: ${o.subject ?? '...'}`,
    `Message-ID: ${o.messageId}`,
    `Date: ${new Date().toUTCString()}`,
    ...(o.inReplyTo ? [`In-Reply-To: ${o.inReplyTo}`, `References: ${o.inReplyTo}`] : []),
    ...(o.autocrypt === false ? [] : [`Autocrypt: addr=${o.from}; keydata=${keydata.replace(/(.{72})/g, '$1\n ')}`]),
    'MIME-Version: 1.0',
    'Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="=-mdg-b"',
  ];
  return Buffer.from(
    CRLF(`${headers.join('\n')}\n\n--=-mdg-b\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n\n--=-mdg-b\nContent-Type: application/octet-stream; name="encrypted.asc"\n\n${armored.trimEnd()}\n--=-mdg-b--\n`),
  );
}

/**
 * Checks an encrypted notice with gpg as its recipient would: decrypt (DECRYPTION_OKAY),
 * then verify the inner RFC 3156 multipart/signed over the first part's exact bytes.
 * Returns the decrypted MIME text and the signer's fingerprint.
 */
export function openNotice(gpg: Gpg, raw: Buffer): { decrypted: string; signer: string | null; decryptedOk: boolean } {
  const text = raw.toString('latin1');
  const m = /-----BEGIN PGP MESSAGE-----[\s\S]*?-----END PGP MESSAGE-----/.exec(text);
  if (!m) return { decrypted: '', signer: null, decryptedOk: false };
  const d = gpg.status(['--decrypt'], m[0]);
  const decryptedOk = d.status.some((l) => l.startsWith('DECRYPTION_OKAY'));
  const decrypted = d.out.toString('latin1');
  const b = /boundary="?([^";\r\n]+)"?/i.exec(decrypted.split(/\r?\n\r?\n/)[0] ?? '');
  let signer: string | null = null;
  if (b) {
    const delim = `--${b[1]!}`;
    const parts = decrypted.split(delim);
    // parts[1] = CRLF + first part + CRLF; parts[2] = CRLF + signature part + CRLF
    const first = parts[1]!.replace(/^\r\n/, '').replace(/\r\n$/, '');
    const sigPart = parts[2] ?? '';
    const sig = /-----BEGIN PGP SIGNATURE-----[\s\S]*?-----END PGP SIGNATURE-----/.exec(sigPart)?.[0];
    if (sig) {
      const dir = mkdtempSync(join(tmpdir(), 'mdg-sig-'));
      writeFileSync(join(dir, 'data'), Buffer.from(first, 'latin1'));
      writeFileSync(join(dir, 'sig.asc'), sig);
      const v = gpg.status(['--verify', join(dir, 'sig.asc'), join(dir, 'data')]);
      const valid = v.status.find((l) => l.startsWith('VALIDSIG '));
      signer = valid ? (valid.split(' ').pop() ?? null) : null;
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return { decrypted, signer, decryptedOk };
}

export const readText = (f: string): string => readFileSync(f, 'utf8');

/** A fresh ed25519/cv25519 key pair for `uid` ("Name <addr>") in this gpg home; returns the armored public key. */
export function makeKeyPair(gpg: Gpg, name: string, addr: string): string {
  gpg.run(['--quick-gen-key', `${name} <${addr}>`, 'ed25519', 'sign', 'never']);
  const fpr = /fpr:+([0-9A-F]{40})/.exec(gpg.run(['--with-colons', '--list-keys', addr]).toString())![1]!;
  gpg.run(['--quick-add-key', fpr, 'cv25519', 'encr', 'never']);
  return gpg.run(['--armor', '--export', addr]).toString();
}

/** PGP/MIME mail (RFC 3156) with a text/plain body encrypted to `to` and signed as `signAs`, sent `from`. */
export function encryptedMail(gpg: Gpg, o: { from: string; signAs: string; to: string; subject: string; messageId: string; body: string }): Buffer {
  const inner = `Content-Type: text/plain; charset=UTF-8\r\n\r\n${o.body.replace(/\r?\n/g, '\r\n')}`;
  const armored = gpg.run(['--armor', '-es', '-u', o.signAs, '-r', o.to], inner).toString();
  return Buffer.from(
    [
      `From: <${o.from}>`,
      `To: ${o.to}`,
      `Subject: ${o.subject}`,
      `Message-ID: ${o.messageId}`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="=-mdg-e"',
      '',
      '--=-mdg-e',
      'Content-Type: application/pgp-encrypted',
      '',
      'Version: 1',
      '',
      '--=-mdg-e',
      'Content-Type: application/octet-stream',
      '',
      armored.trimEnd(),
      '--=-mdg-e--',
      '',
    ].join('\r\n'),
  );
}
