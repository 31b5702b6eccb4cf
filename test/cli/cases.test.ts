// `madoguchi cases list|show` and `vendors` through the bin script, on PostgreSQL.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDeskKey } from '../../src/crypto/openpgp.ts';
import { openDb } from '../../src/store/db.ts';
import { appendTimeline, createCase } from '../../src/store/repo.ts';
import { freshDatabase, query } from '../support/desk.ts';
import { ROOT } from '../support/paths.ts';

let db: Awaited<ReturnType<typeof freshDatabase>>;
let work: string;
const run = (args: string[]) =>
  spawnSync(process.execPath, [join(ROOT, 'bin', 'madoguchi.js'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, DATABASE_URL: db.url } });

beforeAll(async () => {
  db = await freshDatabase();
  work = mkdtempSync(join(tmpdir(), 'mdg-cli-'));
  const store = await openDb({ databaseUrl: db.url });
  await createCase(store, { id: 'VR-2026-0007', kind: 'product', state: 'accepted', lang: 'ja', report: { kind: 'product' }, reporterEmail: 'taro@reporter.test' });
  await appendTimeline(store, { caseId: 'VR-2026-0007', actor: 'desk', event: 'state:accepted' });
  await store.close();
}, 60_000);

afterAll(async () => {
  await db?.drop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('madoguchi cases', () => {
  it('lists cases with JST dates', () => {
    const p = run(['cases', 'list']);
    expect(p.status, p.stderr).toBe(0);
    expect(p.stdout).toMatch(/^VR-2026-0007\tproduct\taccepted\t\d{4}-\d\d-\d\d \d\d:\d\d JST \(\d\d:\d\d UTC\)$/m);
  });

  it('shows a case with its timeline, and the read itself is logged', async () => {
    const p = run(['cases', 'show', 'VR-2026-0007', '--actor', 'coordinator:sato']);
    expect(p.status, p.stderr).toBe(0);
    expect(p.stdout).toContain('state: accepted');
    expect(p.stdout).toContain('state:accepted');
    const reads = await query<{ actor: string }>(db.url, `SELECT actor FROM timeline WHERE case_id = 'VR-2026-0007' AND event = 'case-read'`);
    expect(reads).toEqual([{ actor: 'coordinator:sato' }]);
  });

  it('says so for an unknown case', () => {
    const p = run(['cases', 'show', 'VR-2026-9999']);
    expect(p.status).toBe(1);
    expect(p.stderr).toContain('no case VR-2026-9999');
  });
});

describe('madoguchi vendors', () => {
  it('imports a YAML registry and lists it', async () => {
    const key = await generateDeskKey('ACME PSIRT', 'psirt@acme.test');
    writeFileSync(join(work, 'acme.asc'), key.armoredPublic);
    writeFileSync(
      join(work, 'vendors.yaml'),
      ['vendors:', '  - id: acme', '    name: ACME Corporation', '    contacts: { to: [psirt@acme.test] }', '    keys: [acme.asc]', '    products:', '      - name: ACME Router', '        keywords: [router]', ''].join('\n'),
    );
    const imp = run(['vendors', 'import', join(work, 'vendors.yaml')]);
    expect(imp.status, imp.stderr + imp.stdout).toBe(0);
    const list = run(['vendors', 'list']);
    expect(list.status).toBe(0);
    expect(list.stdout).toContain('acme');
    const show = run(['vendors', 'show', 'acme']);
    expect(show.stdout).toContain(key.fingerprint);
  });
});
