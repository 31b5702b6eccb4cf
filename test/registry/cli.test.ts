// `madoguchi vendors ...` through commander, as main.ts will wire it, on a PGlite store.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerVendorCommands } from '../../src/cli/vendors.ts';
import type { Db } from '../../src/store/db.ts';
import { listTimeline } from '../../src/store/repo.ts';
import { getVendor } from '../../src/store/vendors.ts';
import { goodKey, makeBadKeys, openTestDb, unclosable, type GoodKey } from './support.ts';

let db: Db;
let cleanup: () => Promise<void> = () => Promise.resolve();
let dir = '';
let acme: GoodKey;
let kappa: GoodKey;
let expiredFpr = '';

beforeAll(async () => {
  ({ db, cleanup } = await openTestDb('pglite'));
  dir = await mkdtemp(path.join(tmpdir(), 'mdg-reg-cli-'));
  [acme, kappa] = await Promise.all([goodKey('ACME PSIRT', 'psirt@acme.test'), goodKey('Kappa PSIRT', 'psirt@kappa.test')]);
  const bad = makeBadKeys();
  try {
    expiredFpr = bad.expired.fingerprint;
    await writeFile(path.join(dir, 'expired.asc'), bad.expired.armored);
  } finally {
    bad.close();
  }
  await writeFile(path.join(dir, 'acme.asc'), acme.armored);
  await writeFile(path.join(dir, 'kappa.asc'), kappa.armored);
});

afterAll(async () => {
  await cleanup();
  await rm(dir, { recursive: true, force: true });
});

interface Run {
  code: number;
  out: string[];
  err: string[];
}

async function run(...args: string[]): Promise<Run> {
  const r: Run = { code: -1, out: [], err: [] };
  const program = new Command('madoguchi')
    .exitOverride()
    .configureOutput({ writeOut: (s) => void r.out.push(s), writeErr: (s) => void r.err.push(s) });
  let opened = 0;
  registerVendorCommands(program, {
    openDb: () => {
      opened++;
      return Promise.resolve(unclosable(db));
    },
    out: (s) => void r.out.push(s),
    err: (s) => void r.err.push(s),
    setCode: (n) => {
      r.code = n;
    },
  });
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (e) {
    r.code = 2; // CommanderError: main.ts maps usage errors to 2
    r.err.push(String(e));
  }
  expect(opened).toBeLessThanOrEqual(1);
  return r;
}

describe('vendors add', () => {
  it('registers a vendor from options (repeatable/comma lists, products paired with keywords)', async () => {
    const r = await run(
      'vendors', 'add', '--id', 'acme', '--name', 'ACME Corporation', '--name-ja', 'アクメ株式会社',
      '--to', 'psirt@acme.test', '--cc', 'a@acme.test,b@acme.test', '--key', path.join(dir, 'acme.asc'),
      '--product', 'ACME Router', '--keywords', 'router,rt-1000', '--product', 'ACME NAS', '--keywords', '',
      '--accepts-direct', '--no-publish-name', '--actor', 'cli:alice',
    );
    expect(r.err).toEqual([]);
    expect(r.out).toEqual(['acme: added']);
    expect(r.code).toBe(0);
    const v = await getVendor(db, 'acme');
    expect(v).toMatchObject({
      nameJa: 'アクメ株式会社',
      registration: 'general',
      acceptsDirect: true,
      publishName: false,
      contacts: { to: ['psirt@acme.test'], cc: ['a@acme.test', 'b@acme.test'] },
      products: [
        { name: 'ACME NAS', keywords: [] },
        { name: 'ACME Router', keywords: ['router', 'rt-1000'] },
      ],
    });
    expect(v?.keys.map((k) => k.fingerprint)).toEqual([acme.fingerprint]);
    const tl = await listTimeline(db, null);
    expect(tl.at(-1)).toMatchObject({ actor: 'cli:alice', event: 'vendor-added', data: { vendor: 'acme' } });
  });

  it('refuses an existing id unless --replace', async () => {
    const base = ['vendors', 'add', '--id', 'acme', '--name', 'ACME', '--to', 'psirt@acme.test', '--key', path.join(dir, 'acme.asc')];
    const refused = await run(...base);
    expect(refused.code).toBe(1);
    expect(refused.err).toEqual(['madoguchi vendors add: vendor acme exists; use --replace to replace its registration']);
    expect((await getVendor(db, 'acme'))?.name).toBe('ACME Corporation');
    const replaced = await run(...base, '--replace');
    expect(replaced.code).toBe(0);
    expect(replaced.out).toEqual(['acme: updated']);
    expect((await getVendor(db, 'acme'))?.name).toBe('ACME');
  });

  it('invalid input exits 2 and writes nothing', async () => {
    const base = ['vendors', 'add', '--id', 'bad', '--name', 'Bad'];
    const noKey = await run(...base, '--to', 'psirt@bad.test');
    expect(noKey.code).toBe(2);
    expect(noKey.err[0]).toMatch(/--to and --key are required/);
    const pairing = await run(...base, '--to', 'psirt@bad.test', '--key', path.join(dir, 'acme.asc'), '--product', 'A', '--product', 'B', '--keywords', 'x');
    expect(pairing.code).toBe(2);
    expect(pairing.err[0]).toMatch(/one --keywords per --product/);
    const invalid = await run(...base, '--to', 'nope', '--key', path.join(dir, 'missing.asc'), '--registration', 'sometimes');
    expect(invalid.code).toBe(2);
    expect(invalid.err).toEqual([
      'error: vendor bad: registration: must be general or individual, not "sometimes"',
      'error: vendor bad: contacts.to[0]: "nope" is not an email address',
      expect.stringMatching(/^error: vendor bad: keys\[0\]: cannot read key file .*missing\.asc \(ENOENT\)$/),
    ]);
    const unknownOption = await run(...base, '--bogus');
    expect(unknownOption.code).toBe(2);
    expect(await getVendor(db, 'bad')).toBeNull();
  });

  it('a vendor whose only key expired is added, flagged NOT notifiable, with a warning', async () => {
    const r = await run('vendors', 'add', '--id', 'old', '--name', 'Old', '--to', 'psirt@old.test', '--key', path.join(dir, 'expired.asc'));
    expect(r.code).toBe(0);
    expect(r.out).toEqual(['old: added (NOT notifiable: no usable key)']);
    expect(r.err).toEqual([
      `warning: vendor old: keys[0]: key ${expiredFpr} not pinned: expired (key has expired)`,
      'warning: vendor old: keys: no usable key: registered but NOT notifiable until a usable key is added',
    ]);
    expect((await getVendor(db, 'old'))?.keys).toEqual([]);
  });
});

describe('vendors import', () => {
  const yaml = `vendors:
  - id: kappa
    name: Kappa Ltd.
    name_ja: カッパ合同会社
    registration: individual
    contacts: { to: [psirt@kappa.test] }
    keys: [kappa.asc]
    products: [{ name: Kappa CMS, keywords: [cms] }]
`;

  it('--dry-run validates and writes nothing', async () => {
    const file = path.join(dir, 'vendors.yaml');
    await writeFile(file, yaml);
    const r = await run('vendors', 'import', file, '--dry-run');
    expect(r.code).toBe(0);
    expect(r.out).toEqual(['kappa: valid', '1 vendor(s) valid; nothing imported (--dry-run)']);
    expect(await getVendor(db, 'kappa')).toBeNull();
  });

  it('imports, then reports unchanged on a second run', async () => {
    const file = path.join(dir, 'vendors.yaml');
    await writeFile(file, yaml);
    const first = await run('vendors', 'import', file, '--actor', 'cli:bob');
    expect(first.code).toBe(0);
    expect(first.out).toEqual(['kappa: added', `1 vendor(s) in ${file}, 1 changed`]);
    expect((await getVendor(db, 'kappa'))?.registration).toBe('individual');
    const second = await run('vendors', 'import', file);
    expect(second.out).toEqual(['kappa: unchanged', `1 vendor(s) in ${file}, 0 changed`]);
  });

  it('a file with errors exits 2, lists them and imports nothing', async () => {
    const file = path.join(dir, 'bad.yaml');
    await writeFile(file, yaml.replace('kappa', 'lambda').replace('registration: individual', 'registration: all'));
    const r = await run('vendors', 'import', file);
    expect(r.code).toBe(2);
    expect(r.err).toEqual([
      'error: line 5: vendor lambda: registration: must be general or individual, not "all"',
      `madoguchi vendors import: 1 error(s) in ${file}; nothing imported`,
    ]);
    expect(await getVendor(db, 'lambda')).toBeNull();
  });

  it('a key clash with a stored vendor exits 1', async () => {
    const file = path.join(dir, 'clash.yaml');
    await writeFile(file, yaml.replace('id: kappa', 'id: kappa2'));
    const r = await run('vendors', 'import', file);
    expect(r.code).toBe(1);
    expect(r.err[0]).toMatch(/already pinned for vendor kappa/);
    expect(await getVendor(db, 'kappa2')).toBeNull();
  });
});

describe('vendors list / show / remove', () => {
  it('list shows active vendors, one line each; --json has fingerprints, never armored keys', async () => {
    const r = await run('vendors', 'list');
    expect(r.code).toBe(0);
    expect(r.out.map((l) => l.split('  ')[0])).toEqual(['acme', 'kappa', 'old']);
    expect(r.out[1]).toBe('kappa  Kappa Ltd. / カッパ合同会社  individual  to psirt@kappa.test  keys 1  products Kappa CMS');
    expect(r.out[2]).toContain('[NOT-notifiable]');
    const j = await run('vendors', 'list', '--json');
    const parsed = JSON.parse(j.out.join('\n')) as { id: string; keys: string[] }[];
    expect(parsed.find((v) => v.id === 'kappa')?.keys).toEqual([kappa.fingerprint]);
    expect(j.out.join('\n')).not.toContain('BEGIN PGP');
  });

  it("show prints the registration with each key's state now", async () => {
    const r = await run('vendors', 'show', 'kappa');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`key            ${kappa.fingerprint} ok`);
    expect(r.out).toContain('product        Kappa CMS  [cms]');
    expect(r.out).toContain('notifiable     yes');
    expect(r.out.find((l) => l.startsWith('created'))).toMatch(/JST \(.*UTC\)$/);
    const old = await run('vendors', 'show', 'old', '--json');
    expect((JSON.parse(old.out.join('\n')) as { notifiable: boolean }).notifiable).toBe(false);
    const missing = await run('vendors', 'show', 'nobody');
    expect(missing.code).toBe(1);
    expect(missing.err).toEqual(['madoguchi vendors show: no vendor nobody']);
  });

  it('remove hides the vendor from list (not from list --all), logged with the actor', async () => {
    const r = await run('vendors', 'remove', 'old', '--actor', 'cli:carol');
    expect(r.code).toBe(0);
    expect(r.out).toEqual(['old: removed']);
    expect((await listTimeline(db, null)).at(-1)).toMatchObject({ actor: 'cli:carol', event: 'vendor-removed', data: { vendor: 'old' } });
    expect((await run('vendors', 'list')).out.map((l) => l.split('  ')[0])).toEqual(['acme', 'kappa']);
    const all = await run('vendors', 'list', '--all');
    expect(all.out.find((l) => l.startsWith('old'))).toMatch(/removed \d{4}-\d\d-\d\d/);
    expect((await run('vendors', 'remove', 'old')).out).toEqual(['old: already removed']);
    const unknown = await run('vendors', 'remove', 'nobody');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toEqual(['madoguchi vendors remove: no vendor nobody']);
  });
});
