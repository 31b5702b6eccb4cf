// `madoguchi keys list|confirm|reject` through the bin script, on PostgreSQL (issue 9 §4).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDeskKey, type DeskKey } from '../../src/crypto/openpgp.ts';
import { openDb } from '../../src/store/db.ts';
import { holdKey } from '../../src/store/key-holds.ts';
import { findKeysByEmail, upsertKey } from '../../src/store/repo.ts';
import { freshDatabase, query } from '../support/desk.ts';
import { ROOT } from '../support/paths.ts';

const TARO = 'taro@reporter.test';
const HANAKO = 'hanako@reporter.test';
let db: Awaited<ReturnType<typeof freshDatabase>>;
let onFile: DeskKey;
let newTaro: DeskKey;
let newHanako: DeskKey;
let taroHold: number;
let hanakoHold: number;
const run = (args: string[]) =>
  spawnSync(process.execPath, [join(ROOT, 'bin', 'madoguchi.js'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, DATABASE_URL: db.url } });
const spaced = (f: string): string => f.replace(/(.{4})(?=.)/g, '$1 ');

beforeAll(async () => {
  db = await freshDatabase();
  [onFile, newTaro, newHanako] = await Promise.all([generateDeskKey('Taro', TARO), generateDeskKey('Taro', TARO), generateDeskKey('Hanako', HANAKO)]);
  const store = await openDb({ databaseUrl: db.url });
  await upsertKey(store, { fingerprint: onFile.fingerprint, emails: [TARO, HANAKO], armored: onFile.armoredPublic, source: 'signature' });
  taroHold = (await holdKey(store, { email: TARO, fingerprint: newTaro.fingerprint, armored: newTaro.armoredPublic, source: 'autocrypt', onFile: [onFile.fingerprint], messageRef: null })).hold.id;
  hanakoHold = (await holdKey(store, { email: HANAKO, fingerprint: newHanako.fingerprint, armored: newHanako.armoredPublic, source: 'signature', onFile: [onFile.fingerprint], messageRef: null })).hold.id;
  await store.close();
}, 60_000);

afterAll(async () => {
  await db?.drop();
});

const keysFor = async (email: string): Promise<string[]> => {
  const store = await openDb({ databaseUrl: db.url });
  try {
    return (await findKeysByEmail(store, email)).map((k) => k.fingerprint);
  } finally {
    await store.close();
  }
};

describe('madoguchi keys', () => {
  it('lists the pending holds with address, fingerprint and the key on file', () => {
    const p = run(['keys', 'list']);
    expect(p.status, p.stderr).toBe(0);
    expect(p.stdout).toContain(`${taroHold}\tpending\t${TARO}\t${spaced(newTaro.fingerprint)}\t`);
    expect(p.stdout).toContain(`${hanakoHold}\tpending\t${HANAKO}\t${spaced(newHanako.fingerprint)}\t`);
    expect(p.stdout).toContain(`on file: ${spaced(onFile.fingerprint)}`);
    const j = run(['keys', 'list', '--json']);
    const rows = JSON.parse(j.stdout) as { id: number; armored?: string }[];
    expect(rows.map((r) => r.id)).toEqual([taroHold, hanakoHold]);
    expect(rows.every((r) => r.armored === undefined)).toBe(true);
  });

  it('confirm makes the held key the address\'s only learned key; the old key keeps its other address', async () => {
    expect(await keysFor(TARO)).toEqual([onFile.fingerprint]);
    const p = run(['keys', 'confirm', String(taroHold), '--actor', 'coordinator:sato']);
    expect(p.status, p.stderr).toBe(0);
    expect(p.stdout).toContain(`is now the key for ${TARO}`);
    expect(await keysFor(TARO)).toEqual([newTaro.fingerprint]);
    expect(await keysFor(HANAKO)).toEqual([onFile.fingerprint]);
    const [h] = await query<{ state: string; decided_by: string }>(db.url, 'SELECT state, decided_by FROM key_holds WHERE id = $1', [taroHold]);
    expect(h).toEqual({ state: 'confirmed', decided_by: 'coordinator:sato' });
    const again = run(['keys', 'reject', String(taroHold)]);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain(`key hold ${taroHold} is already confirmed`);
  });

  it('reject leaves the key on file alone and records who decided', async () => {
    const p = run(['keys', 'reject', String(hanakoHold), '--actor', 'coordinator:sato']);
    expect(p.status, p.stderr).toBe(0);
    expect(await keysFor(HANAKO)).toEqual([onFile.fingerprint]);
    expect(run(['keys', 'list']).stdout).toContain('no pending key holds');
    const all = run(['keys', 'list', '--all']).stdout;
    expect(all).toContain(`${hanakoHold}\trejected\t`);
    expect(all).toContain('rejected by coordinator:sato');
    const events = await query<{ event: string }>(db.url, `SELECT event FROM timeline WHERE event LIKE 'key-%' ORDER BY id`);
    expect(events.map((e) => e.event)).toEqual(['key-held', 'key-held', 'key-confirmed', 'key-rejected']);
  });

  it('says so for an unknown hold, and refuses a malformed id as bad usage', () => {
    const p = run(['keys', 'confirm', '999']);
    expect(p.status).toBe(1);
    expect(p.stderr).toContain('no key hold 999');
    const bad = run(['keys', 'confirm', 'abc']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('not a hold id');
    expect(run(['keys', 'list', '--state', 'bogus']).status).toBe(2);
  });
});
