// Real gpg in a throwaway GNUPGHOME, and a byte-level MIME splitter written independently
// of the code under test (the way test/fixtures/gpgcheck.py walks messages).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface GpgRun {
  code: number;
  stdout: Buffer;
  /** `[GNUPG:] ...` status lines (--status-fd). */
  status: string[];
  stderr: string;
}

export class Gpg {
  readonly home: string;

  constructor() {
    // Short path: gpg-agent's socket path must stay under ~108 bytes.
    this.home = mkdtempSync(join(tmpdir(), 'mg-gpg-'));
  }

  run(args: string[], input?: Buffer): GpgRun {
    const statusFile = join(this.home, 'status.txt');
    rmSync(statusFile, { force: true });
    const r = spawnSync('gpg', ['--batch', '--no-tty', '--pinentry-mode', 'loopback', '--status-file', statusFile, ...args], {
      env: { ...process.env, GNUPGHOME: this.home, LC_ALL: 'C' },
      ...(input ? { input } : {}),
      maxBuffer: 64 * 1024 * 1024,
    });
    const status = existsSync(statusFile)
      ? readFileSync(statusFile, 'utf8')
          .split('\n')
          .filter((l) => l.startsWith('[GNUPG:]'))
      : [];
    return { code: r.status ?? -1, stdout: r.stdout, status, stderr: r.stderr.toString('utf8') };
  }

  import(armored: string): void {
    const r = this.run(['--import'], Buffer.from(armored, 'utf8'));
    if (r.code !== 0) throw new Error(`gpg --import failed: ${r.stderr}`);
  }

  file(name: string, data: Buffer | string): string {
    const p = join(this.home, name);
    writeFileSync(p, data);
    return p;
  }

  close(): void {
    spawnSync('gpgconf', ['--kill', 'all'], { env: { ...process.env, GNUPGHOME: this.home } });
    rmSync(this.home, { recursive: true, force: true });
  }
}


// ---- an independent MIME splitter over exact bytes --------------------------------------

export interface Entity {
  /** Header block as text (latin1), unfolded, lower-case names. */
  headers: [string, string][];
  body: Buffer;
}

export function splitEntity(raw: Buffer): Entity {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) throw new Error('no header/body separator');
  const head = raw.subarray(0, end).toString('latin1').replace(/\r\n(?=[ \t])/g, '');
  const headers = head.split('\r\n').map((l): [string, string] => {
    const i = l.indexOf(':');
    return [l.slice(0, i).trim().toLowerCase(), l.slice(i + 1).trim()];
  });
  return { headers, body: raw.subarray(end + 4) };
}

export const headerOf = (e: Entity, name: string): string | undefined => e.headers.find(([k]) => k === name)?.[1];

export function boundaryOf(e: Entity): string {
  const ct = headerOf(e, 'content-type') ?? '';
  const m = /boundary="?([^";]+)"?/i.exec(ct);
  if (!m?.[1]) throw new Error(`no boundary in ${ct}`);
  return m[1];
}

/**
 * The parts of a multipart, as exact bytes: each from after `--b\r\n` up to, not
 * including, the CRLF before the next delimiter (RFC 2046 §5.1.1; RFC 3156 §5).
 */
export function parts(whole: Buffer): Buffer[] {
  const e = splitEntity(whole);
  const b = boundaryOf(e);
  const s = whole.toString('latin1');
  const bodyStart = whole.length - e.body.length;
  const out: Buffer[] = [];
  let pos = s.indexOf(`--${b}\r\n`, bodyStart);
  if (pos < 0 || (pos !== bodyStart && s.slice(pos - 2, pos) !== '\r\n')) throw new Error('no first delimiter at a line start');
  while (pos >= 0) {
    const start = pos + b.length + 4;
    const next = s.indexOf(`\r\n--${b}`, start);
    if (next < 0) throw new Error('unterminated part');
    out.push(whole.subarray(start, next));
    if (s.startsWith(`--${b}--`, next + 2)) break;
    pos = next + 2;
  }
  return out;
}

/** Body of an entity, transfer-decoded (7bit, quoted-printable, base64). */
export function decodedBody(e: Entity): Buffer {
  const cte = (headerOf(e, 'content-transfer-encoding') ?? '7bit').toLowerCase();
  if (cte === 'base64') return Buffer.from(e.body.toString('latin1').replace(/\s+/g, ''), 'base64');
  if (cte === 'quoted-printable') {
    const s = e.body.toString('latin1').replace(/=\r\n/g, '');
    const bytes: number[] = [];
    for (let i = 0; i < s.length; i++) {
      if (s[i] === '=' && /^[0-9A-F]{2}$/i.test(s.slice(i + 1, i + 3))) {
        bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
        i += 2;
      } else bytes.push(s.charCodeAt(i));
    }
    return Buffer.from(bytes);
  }
  return e.body;
}

/** Fields of a status line `[GNUPG:] KEYWORD a b c`, or undefined. */
export function statusLine(run: GpgRun, keyword: string): string[] | undefined {
  const line = run.status.find((l) => l.startsWith(`[GNUPG:] ${keyword} `) || l === `[GNUPG:] ${keyword}`);
  return line?.split(' ').slice(2);
}

/** RFC 4880 §9.4 hash ids → RFC 3156 micalg. */
export const MICALG_OF_HASH: Record<string, string> = { '8': 'pgp-sha256', '9': 'pgp-sha384', '10': 'pgp-sha512', '11': 'pgp-sha224' };
