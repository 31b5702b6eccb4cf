// Helpers for the registry tests: a store on either backend (the harness of
// test/store/store.test.ts) and vendor keys, good ones from the crypto adapter and bad ones
// (expired, revoked, sign-only, secret) from real gpg in a throwaway GNUPGHOME.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateDeskKey } from '../../src/crypto/openpgp.ts';
import { openDb, type Db, type DbKind } from '../../src/store/db.ts';
import { createPgDatabase as createPg } from '../support/pgdb.ts';
import { Gpg } from '../support/gpg.ts';

const createPgDatabase = (): ReturnType<typeof createPg> => createPg('mdg_reg');

/** A migrated store on `kind` (fresh database / data directory) and its cleanup. */
export async function openTestDb(kind: DbKind): Promise<{ db: Db; cleanup: () => Promise<void> }> {
  if (kind === 'pg') {
    const created = await createPgDatabase();
    const db = await openDb({ databaseUrl: created.url });
    return {
      db,
      cleanup: async () => {
        await db.close();
        await created.drop();
      },
    };
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'mdg-reg-'));
  const db = await openDb({ dataDir: path.join(dir, 'db') });
  return {
    db,
    cleanup: async () => {
      await db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The same store with close() a no-op, for code that closes what it opens (the CLI). */
export function unclosable(db: Db): Db {
  return {
    kind: db.kind,
    query: (sql, params) => db.query(sql, params),
    exec: (sql) => db.exec(sql),
    tx: (fn) => db.tx(fn),
    close: () => Promise.resolve(),
  };
}

export interface GoodKey {
  fingerprint: string;
  armored: string;
}

/** A usable v4 ECC public key (crypto adapter). */
export async function goodKey(name: string, email: string): Promise<GoodKey> {
  const k = await generateDeskKey(name, email);
  return { fingerprint: k.fingerprint, armored: k.armoredPublic };
}

export interface BadKeys {
  /** Valid 2020-01-01 .. 2020-12-31, encryption subkey included. */
  expired: GoodKey;
  /** Revoked (its own revocation certificate), encryption subkey included. */
  revoked: GoodKey;
  /** Valid, but only a signing key: nothing to encrypt to. */
  signOnly: GoodKey;
  /** A usable key made by gpg, exported as binary packets. */
  binary: { fingerprint: string; bytes: Buffer };
  /** An armored SECRET key (must be refused). */
  secret: string;
  close: () => void;
}

function fprOf(gpg: Gpg, uid: string): string {
  const colons = gpg.run(['--with-colons', '--list-keys', uid]).toString();
  const m = /^fpr:+([0-9A-F]{40}):/m.exec(colons);
  if (!m?.[1]) throw new Error(`no fingerprint for ${uid}`);
  return m[1];
}

function genKey(gpg: Gpg, uid: string, opts: { expire?: string; faked?: string; encrypt?: boolean }): string {
  const faked = opts.faked ? ['--faked-system-time', opts.faked] : [];
  gpg.run([...faked, '--quick-gen-key', uid, 'ed25519', 'cert,sign', opts.expire ?? 'never']);
  const fpr = fprOf(gpg, uid);
  if (opts.encrypt !== false) gpg.run([...faked, '--quick-add-key', fpr, 'cv25519', 'encr', opts.expire ?? 'never']);
  return fpr;
}

/** Keys the registry must not pin, made by gpg (GnuPG 2.2) in a throwaway home. */
export function makeBadKeys(): BadKeys {
  const gpg = new Gpg();
  try {
    const exportKey = (fpr: string): GoodKey => ({ fingerprint: fpr, armored: gpg.run(['--armor', '--export', fpr]).toString() });

    const expiredFpr = genKey(gpg, 'Old Vendor <psirt@old.test>', { faked: '20200101T000000', expire: '1y' });

    const revokedFpr = genKey(gpg, 'Revoked Vendor <psirt@revoked.test>', {});
    // GnuPG writes a revocation certificate for every new key, its armor line escaped with
    // ':' so it is not imported by accident. Unescape and import it: the key is revoked.
    gpg.importText(readRevocation(gpg, revokedFpr));

    const signOnlyFpr = genKey(gpg, 'Sign Only <psirt@signonly.test>', { encrypt: false });
    const binFpr = genKey(gpg, 'Binary Vendor <psirt@binary.test>', {});
    const secret = gpg.run(['--armor', '--export-secret-keys', binFpr]).toString();

    return {
      expired: exportKey(expiredFpr),
      revoked: exportKey(revokedFpr),
      signOnly: exportKey(signOnlyFpr),
      binary: { fingerprint: binFpr, bytes: gpg.run(['--export', binFpr]) },
      secret,
      close: () => gpg.close(),
    };
  } catch (e) {
    gpg.close();
    throw e;
  }
}

function readRevocation(gpg: Gpg, fpr: string): string {
  const text = readFileSync(path.join(gpg.home, 'openpgp-revocs.d', `${fpr}.rev`), 'utf8');
  return text.replace(/^:-----/gm, '-----');
}
