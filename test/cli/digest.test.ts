// `madoguchi digest --print` through the bin script, on PostgreSQL: what the next digest
// would say, for one coordinator or all, without claiming the day (issue 11).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDeskKeys } from '../../src/desk/keys.ts';
import { openDb } from '../../src/store/db.ts';
import { createCase } from '../../src/store/repo.ts';
import { freshDatabase, query } from '../support/desk.ts';
import { ROOT } from '../support/paths.ts';

let db: Awaited<ReturnType<typeof freshDatabase>>;
let work: string;
const COORDS = [
  { name: 'Sato', email: 'sato@coord.madoguchi.test', fingerprints: ['0123456789ABCDEF0123456789ABCDEF01234567'] },
  { name: 'Suzuki', email: 'suzuki@coord.madoguchi.test', fingerprints: ['89ABCDEF0123456789ABCDEF0123456789ABCDEF'] },
];
const run = (args: string[]) =>
  spawnSync(process.execPath, [join(ROOT, 'bin', 'madoguchi.js'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: db.url, MADOGUCHI_KEYS_DIR: join(work, 'keys'), MADOGUCHI_COORDINATORS: JSON.stringify(COORDS) },
  });

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'mdg-digest-cli-'));
  await ensureDeskKeys(join(work, 'keys'), 'Desk', 'desk@madoguchi.test', () => undefined);
  db = await freshDatabase();
  const store = await openDb({ databaseUrl: db.url });
  await createCase(store, { id: 'VR-2027-0001', kind: 'product', state: 'accepted', lang: 'ja', report: {} });
  await store.close();
}, 120_000);

afterAll(async () => {
  await db?.drop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('madoguchi digest --print', () => {
  it('prints the next digest for one coordinator, with the new case, and claims nothing', async () => {
    const r = run(['digest', '--print', '--coordinator', 'SATO@coord.madoguchi.test', '--lang', 'en']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Subject: Coordinators' digest \d{4}-\d{2}-\d{2}/);
    expect(r.stdout).toContain('- VR-2027-0001: new case (software product)');
    expect(r.stdout).not.toContain('# suzuki');
    expect(await query(db.url, 'SELECT * FROM digests')).toEqual([]);
    expect(await query(db.url, 'SELECT * FROM notices')).toEqual([]);
  }, 120_000);

  it('every coordinator by default; an unknown coordinator or no --print is refused', () => {
    const all = run(['digest', '--print']);
    expect(all.status).toBe(0);
    expect(all.stdout).toContain('# sato@coord.madoguchi.test');
    expect(all.stdout).toContain('# suzuki@coord.madoguchi.test');
    expect(all.stdout).toContain('VR-2027-0001');
    const unknown = run(['digest', '--print', '--coordinator', 'nobody@coord.madoguchi.test']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('no coordinator nobody@coord.madoguchi.test');
    expect(run(['digest']).status).toBe(2);
  }, 180_000);
});
