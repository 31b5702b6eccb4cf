// One world for the real-mail scenarios (issues 4, 11, 12): Postfix (SMTP) → Dovecot → the desk
// as a process by IMAP IDLE, the desk answering by SMTP into each party's Dovecot mailbox.
// Every party has a gpg key in `world` (to write its mail) and its own gpg home holding only
// its secret key and the desk's public key (to read its mail), so a notice a party can read
// was encrypted to that party. The desk's clock is a file the test moves (DeskClock).
// What each scenario repeated (keys, homes, servers, environment, `settled`, `received`, the
// final "every mail sealed" check) lives here once; each scenario keeps its own story.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import {
  collectMail,
  DeskClock,
  encryptedTo,
  exportSecretKey,
  fingerprintOf,
  idStarts,
  isPgpMimeEncrypted,
  keyIdsOf,
  messageIdOf,
  readNotice,
  recipientHome,
  signedEncryptedMail,
} from './coordination.ts';
import { deskCliAsync, freshDatabase, onMailServers, query, spawnDesk, type DeskProcess } from './desk.ts';
import { Gpg, makeKeyPair, openNotice } from './gpg.ts';
import { readMailbox, sendRaw, startMailServers, type MailServers } from './mailservers.ts';

export const DESK = 'desk@madoguchi.test';

/** Lets vitest's worker answer its RPC between synchronous gpg calls (a 60 s block fails the run). */
export const yieldNow = (): Promise<void> => new Promise((r) => setImmediate(r));

export interface PartySpec {
  /** File stem of the party's public key in the work directory (`<id>.asc`), for the registries. */
  id: string;
  name: string;
  addr: string;
  /** An existing secret key (armored file) instead of a generated one. */
  secretKeyFile?: string;
  /** A mailbox without a key (an operator who has none): no key file, no gpg home. */
  noKey?: boolean;
}

export interface MailWorldOptions {
  /** Names the work directory and the BullMQ queue prefix. */
  prefix: string;
  parties: PartySpec[];
  /** Parties (by address) who are coordinators: key in the desk's key directory, fingerprint pinned. */
  coordinators: string[];
  /** Extra desk environment. */
  env?: Record<string, string>;
  /** Runs before the desk starts (work directory and keys made); returns more desk environment. */
  beforeDesk?: (w: MailWorld) => Record<string, string> | Promise<Record<string, string>>;
  /** How long `received` and `settled` wait (ms). */
  patienceMs?: number;
}

export interface Received {
  raw: Buffer;
  /** Everything readable of the decrypted notice (text, decoded parts, attachments). */
  text: string;
  /** The decrypted MIME as gpg gives it (latin1). */
  mime: string;
}

export class MailWorld {
  /** Every party's keys: to write their mail. */
  readonly world = new Gpg();
  private readonly homes = new Map<string, Gpg>();
  private n = 0;
  servers!: MailServers;
  work!: string;
  db!: Awaited<ReturnType<typeof freshDatabase>>;
  env!: Record<string, string>;
  desk!: DeskProcess;
  clock!: DeskClock;
  deskFpr!: string;
  readonly cli = deskCliAsync(() => this.env);
  readonly addrs: string[];
  private readonly patience: number;

  private constructor(private readonly o: MailWorldOptions) {
    this.addrs = o.parties.map((p) => p.addr);
    this.patience = o.patienceMs ?? 120_000;
  }

  /** Mail servers, a fresh database, every party's key, the desk process connected to IMAP. */
  static async start(o: MailWorldOptions): Promise<MailWorld> {
    const w = new MailWorld(o);
    w.servers = await startMailServers();
    w.db = await freshDatabase();
    w.work = mkdtempSync(join(tmpdir(), `${o.prefix}-`));
    w.clock = new DeskClock(join(w.work, 'clock-offset'));
    for (const p of o.parties) {
      if (p.noKey) continue;
      if (p.secretKeyFile) {
        w.world.importFile(p.secretKeyFile);
        writeFileSync(w.keyFile(p.addr), w.world.run(['--armor', '--export', p.addr]));
      } else writeFileSync(w.keyFile(p.addr), makeKeyPair(w.world, p.name, p.addr));
      await yieldNow();
    }
    mkdirSync(join(w.work, 'keys'), { recursive: true });
    for (const c of o.coordinators) writeFileSync(join(w.work, 'keys', `${w.party(c).id}.asc`), readFileSync(w.keyFile(c)));
    w.env = {
      ...onMailServers(w.servers, DESK),
      MADOGUCHI_KEYS_DIR: join(w.work, 'keys'),
      MADOGUCHI_OUTBOX: join(w.work, 'outbox'),
      MADOGUCHI_PUBLIC_DIR: join(w.work, 'public'),
      DATABASE_URL: w.db.url,
      MADOGUCHI_QUEUE_PREFIX: `${o.prefix}-${process.pid}`,
      MADOGUCHI_JOB_BACKOFF_MS: '200',
      MADOGUCHI_CLOCK_FILE: w.clock.file,
      MADOGUCHI_TICK_SECONDS: '1',
      MADOGUCHI_COORDINATORS: JSON.stringify(o.coordinators.map((c) => ({ name: w.party(c).name, email: c, fingerprints: [fingerprintOf(w.world, c)] }))),
      ...o.env,
    };
    if (o.beforeDesk) Object.assign(w.env, await o.beforeDesk(w));
    w.desk = spawnDesk(w.env);
    await w.desk.waitForLog(/imap: connected/, 90_000);
    const deskPub = readFileSync(join(w.work, 'keys', 'desk.pub.asc'));
    w.world.importText(deskPub.toString());
    w.deskFpr = fingerprintOf(w.world, DESK);
    for (const addr of w.addrs) {
      if (w.party(addr).noKey) continue;
      w.homes.set(addr, recipientHome(exportSecretKey(w.world, addr), deskPub));
      await yieldNow();
    }
    return w;
  }

  party(addr: string): PartySpec {
    const p = this.o.parties.find((x) => x.addr === addr);
    if (!p) throw new Error(`no party ${addr}`);
    return p;
  }

  /** The party's public key file (`<id>.asc` in the work directory), for registry imports. */
  keyFile(addr: string): string {
    return join(this.work, `${this.party(addr).id}.asc`);
  }

  /** The party's own gpg home (its secret key and the desk's public key). */
  home(addr: string): Gpg {
    return this.homes.get(addr)!;
  }

  /** Writes `name` in the work directory; returns its path. */
  file(name: string, text: string): string {
    const path = join(this.work, name);
    writeFileSync(path, text);
    return path;
  }

  /**
   * The vendor registry (docs/vendors.md), an administrator's task: each vendor's contact is
   * its party's address and its pinned key the party's key file; written to `vendors.yaml`
   * (returned) for the scenario to import when its story says so.
   */
  vendorsYaml(vendors: { id: string; name: string; addr: string; products?: { name: string; keywords: string[] }[] }[]): string {
    const lines = ['vendors:'];
    for (const v of vendors) {
      lines.push(`  - id: ${v.id}`, `    name: ${v.name}`, `    contacts: { to: [${v.addr}] }`, `    keys: [${this.party(v.addr).id}.asc]`);
      if (v.products) lines.push('    products:', ...v.products.flatMap((p) => [`      - name: ${p.name}`, `        keywords: [${p.keywords.join(', ')}]`]));
    }
    return this.file('vendors.yaml', `${lines.join('\n')}\n`);
  }

  /** Runs the CLI with the desk's environment; fails the test on a non-zero exit. */
  async run(args: string[]): Promise<string> {
    const p = await this.cli(args);
    expect(p.status, `${args.join(' ')}: ${p.stderr}${p.stdout}`).toBe(0);
    return p.stdout;
  }

  /** `madoguchi cases show CASE --json` (issue 10). */
  async shown<T = Record<string, unknown>>(caseId: string): Promise<T> {
    return JSON.parse(await this.run(['cases', 'show', caseId, '--json'])) as T;
  }

  mailboxes(): Promise<{ to: string; raw: Buffer }[]> {
    return collectMail(this.addrs);
  }

  /** The messages in `addr`'s mailbox whose Message-ID starts with `prefix` (the notice kind). */
  async inbox(addr: string, prefix: string): Promise<Buffer[]> {
    return (await readMailbox(addr)).filter(idStarts(prefix));
  }

  /** Waits until every notice the desk stored is sent and delivered; returns the number of messages. */
  async settled(): Promise<number> {
    let count = 0;
    await expect
      .poll(
        async () => {
          const [q] = await query<{ pending: string; sent: string }>(this.db.url, `SELECT count(*) FILTER (WHERE state <> 'sent') AS pending, count(*) FILTER (WHERE state = 'sent') AS sent FROM notices`);
          count = (await this.mailboxes()).length;
          return Number(q!.pending) === 0 && Number(q!.sent) === count;
        },
        { timeout: this.patience, interval: 500 },
      )
      .toBe(true);
    return count;
  }

  /** A signed, encrypted mail to the desk (RFC 3156), signed by `signAs` (default `from`) at the desk's time. */
  async send(from: string, subject: string, body: string, o: { signAs?: string; messageId?: string } = {}): Promise<string> {
    const messageId = o.messageId ?? `<${this.o.prefix}-${++this.n}@${from.split('@')[1]!}>`;
    const { raw } = signedEncryptedMail(this.world, { from, signAs: o.signAs ?? from, to: DESK, subject, messageId, body, signedAt: this.clock.now() });
    await yieldNow();
    expect((await sendRaw(from, [DESK], raw)).accepted).toEqual([DESK]);
    return messageId;
  }

  /** A coordinator's command mail: keyword lines (mail-protocol §6). */
  command(from: string, lines: string[]): Promise<string> {
    return this.send(from, 'commands', `${lines.join('\n')}\n`);
  }

  /** The `count`-th message of kind `prefix` to `addr`: RFC 3156, encrypted to `addr` alone, signed by the desk. */
  async received(addr: string, prefix: string, count = 1): Promise<Received> {
    await expect.poll(async () => (await this.inbox(addr, prefix)).length, { timeout: this.patience, interval: 500 }).toBeGreaterThanOrEqual(count);
    const raw = (await this.inbox(addr, prefix))[count - 1]!;
    expect(isPgpMimeEncrypted(raw), `${addr} ${prefix}`).toBe(true);
    expect(encryptedTo(this.world, raw).every((k) => keyIdsOf(this.world, addr).includes(k))).toBe(true);
    const o = await readNotice(this.home(addr), raw);
    await yieldNow();
    expect(o.decryptedOk, `${addr} ${prefix}`).toBe(true);
    expect(o.signer).toBe(this.deskFpr);
    const opened = openNotice(this.home(addr), raw);
    await yieldNow();
    return { raw, text: o.text, mime: opened.decrypted };
  }

  /**
   * Every mail the desk sent, checked as its recipient reads it: one per sent notice, RFC 3156,
   * encrypted to its recipient only, signed by the desk, none of `secrets` outside the
   * encryption. `each` sees every decrypted text for the scenario's own checks (who may be named).
   */
  async everyMailSealed(secrets: string[], each?: (addr: string, text: string, what: string) => void): Promise<number> {
    await this.settled();
    const all = await this.mailboxes();
    const notices = await query<{ id: string; recipient: string }>(this.db.url, `SELECT id, recipient FROM notices WHERE state = 'sent' ORDER BY id`);
    expect(all.map((m) => `${m.to} ${messageIdOf(m.raw)}`).sort()).toEqual(notices.map((x) => `${x.recipient} ${x.id}`).sort());
    for (const { to: addr, raw } of all) {
      const what = `${addr} ${messageIdOf(raw)}`;
      expect(isPgpMimeEncrypted(raw), what).toBe(true);
      expect(encryptedTo(this.world, raw).every((k) => keyIdsOf(this.world, addr).includes(k)), what).toBe(true);
      for (const s of secrets) expect(raw.toString('utf8'), what).not.toContain(s);
      const o = await readNotice(this.home(addr), raw);
      await yieldNow();
      expect(o.decryptedOk, what).toBe(true);
      expect(o.signer, what).toBe(this.deskFpr);
      each?.(addr, o.text, what);
    }
    return all.length;
  }

  /** Addresses named in `text` other than the desk's own and Message-ID left parts of the test's own mail. */
  addressesIn(text: string): Set<string> {
    const ours = new RegExp(`^${this.o.prefix}-\\d+@`);
    return new Set([...text.matchAll(/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g)].map((m) => m[0]).filter((a) => !a.endsWith('@madoguchi.test') && !ours.test(a)));
  }

  async stop(): Promise<void> {
    if (process.env.MADOGUCHI_TEST_LOG) writeFileSync(process.env.MADOGUCHI_TEST_LOG, (this.desk?.logs ?? []).join('\n'));
    await this.desk?.stop();
    await this.servers?.stop();
    await this.db?.drop();
    this.world.close();
    for (const h of this.homes.values()) h.close();
    if (this.work) rmSync(this.work, { recursive: true, force: true });
  }
}
