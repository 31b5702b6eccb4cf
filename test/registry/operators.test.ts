// The site operators registry (src/store/operators.ts, src/registry/operators-yaml.ts) on a
// fresh PostgreSQL database, and the `madoguchi operators` command on the same store.
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/store/db.ts';
import { listTimeline } from '../../src/store/repo.ts';
import { getOperator, listOperators, operatorByKeyFingerprint, operatorForUrl, removeOperator, upsertOperator, type OperatorInput } from '../../src/store/operators.ts';
import { applyOperatorImport } from '../../src/registry/import.ts';
import { parseOperatorsYaml } from '../../src/registry/operators-yaml.ts';
import { registerOperatorCommands } from '../../src/cli/operators.ts';
import { goodKey, openTestDb, unclosable, type GoodKey } from './support.ts';

let db: Db;
let cleanup: () => Promise<void>;
let shopKey: GoodKey;
let mallKey: GoodKey;

beforeAll(async () => {
  ({ db, cleanup } = await openTestDb('pg'));
  [shopKey, mallKey] = await Promise.all([goodKey('Shop Security', 'security@example.jp'), goodKey('Mall Security', 'security@mall.example.jp')]);
}, 60_000);

afterAll(async () => {
  await cleanup();
});

function shop(over: Partial<OperatorInput> = {}): OperatorInput {
  return { id: 'example-shop', name: 'Example Shop', domains: ['Example.JP.', '例え.jp'], contacts: { to: ['Security@Example.jp'] }, keys: [shopKey], ...over };
}

describe('operators store', () => {
  it('adds, normalises, and logs to the timeline without armored keys', async () => {
    const { operator, change } = await upsertOperator(db, shop(), 'test');
    expect(change).toBe('added');
    expect(operator.domains).toEqual(['example.jp', 'xn--r8jz45g.jp']);
    expect(operator.contacts.to).toEqual(['security@example.jp']);
    expect((await upsertOperator(db, shop(), 'test')).change).toBe('unchanged');
    const t = (await listTimeline(db, null)).filter((e) => e.event.startsWith('operator-'));
    expect(t.map((e) => e.event)).toEqual(['operator-added']);
    expect(JSON.stringify(t[0]?.data)).not.toContain('BEGIN PGP');
  });

  it('finds the operator of a URL; the most specific domain wins', async () => {
    await upsertOperator(db, { id: 'mall', name: 'Mall', domains: ['mall.example.jp'], contacts: { to: ['security@mall.example.jp'] }, keys: [mallKey] }, 'test');
    expect((await operatorForUrl(db, 'https://www.example.jp/x'))?.operator.id).toBe('example-shop');
    expect(await operatorForUrl(db, 'https://shop1.mall.example.jp/cart')).toMatchObject({ operator: { id: 'mall' }, domain: 'mall.example.jp', host: 'shop1.mall.example.jp' });
    expect((await operatorForUrl(db, 'https://例え.jp/'))?.operator.id).toBe('example-shop');
    expect(await operatorForUrl(db, 'https://notexample.jp/')).toBeNull();
    expect(await operatorForUrl(db, 'https://example.jp.evil.com/')).toBeNull();
    expect(await operatorForUrl(db, 'javascript:alert(1)')).toBeNull();
    expect(await operatorForUrl(db, 'https://192.0.2.1/')).toBeNull();
  });

  it('refuses a domain of another operator and a key pinned for another operator', async () => {
    await expect(upsertOperator(db, { id: 'squatter', name: 'S', domains: ['mall.example.jp'], contacts: { to: ['a@b.jp'] }, keys: [] }, 'test')).rejects.toThrow(/already registered for operator mall/);
    await expect(upsertOperator(db, { id: 'squatter', name: 'S', domains: ['s.example.net'], contacts: { to: ['a@b.jp'] }, keys: [mallKey] }, 'test')).rejects.toThrow(/already pinned for operator mall/);
    expect(await getOperator(db, 'squatter')).toBeNull();
  });

  it('removes softly: a removed operator answers for no site and its key for nobody', async () => {
    expect((await removeOperator(db, 'mall', 'test')).changed).toBe(true);
    expect((await operatorForUrl(db, 'https://shop1.mall.example.jp/'))?.operator.id).toBe('example-shop');
    expect(await operatorByKeyFingerprint(db, mallKey.fingerprint)).toBeNull();
    expect((await listOperators(db)).map((o) => o.id)).toEqual(['example-shop']);
    expect((await listOperators(db, { includeRemoved: true })).map((o) => o.id)).toEqual(['example-shop', 'mall']);
  });
});

describe('operators YAML', () => {
  it('imports a valid file; an operator without a key is registered and listed as keyless', async () => {
    const yaml = `operators:\n  - id: portal\n    name: Portal\n    name_ja: ポータル\n    domains: [portal.example.jp]\n    contacts:\n      to: security@portal.example.jp\n`;
    const imp = await parseOperatorsYaml(yaml, { baseDir: '/nonexistent' });
    expect(imp.errors).toEqual([]);
    expect(imp.keyless).toEqual(['portal']);
    const done = await applyOperatorImport(db, imp, 'test');
    expect(done).toEqual([{ id: 'portal', change: 'added' }]);
    expect((await operatorForUrl(db, 'https://www.portal.example.jp/'))?.operator.nameJa).toBe('ポータル');
  });

  it('names line, operator and field for each error; nothing is imported', async () => {
    const yaml = [
      'operators:',
      '  - id: bad',
      '    name: Bad',
      '    domains: ["*.example.jp", 192.0.2.1]',
      '    contacts: { to: [not-an-address] }',
      '    colour: red',
      '  - id: dup',
      '    name: Dup',
      '    domains: [portal2.example.jp]',
      '    contacts: { to: [a@b.jp] }',
      '  - id: dup2',
      '    name: Dup2',
      '    domains: [portal2.example.jp]',
      '    contacts: { to: [a@b.jp] }',
    ].join('\n');
    const imp = await parseOperatorsYaml(yaml, { baseDir: '/nonexistent' });
    expect(imp.operators).toEqual([]);
    expect(imp.errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^line \d+: operator bad: colour: unknown field/),
        expect.stringMatching(/operator bad: domains\[0\]: "\*\.example\.jp" is not a domain name/),
        expect.stringMatching(/operator bad: domains\[1\]: .* is not a domain name/),
        expect.stringMatching(/operator bad: contacts\.to\[0\]: "not-an-address" is not an email address/),
        expect.stringMatching(/operator dup2: domains\[0\]: portal2\.example\.jp is also listed for operator dup/),
      ]),
    );
  });
});

describe('madoguchi operators', () => {
  async function run(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
    const out: string[] = [];
    const err: string[] = [];
    let code = 0;
    const program = new Command('madoguchi').exitOverride();
    registerOperatorCommands(program, { openDb: () => Promise.resolve(unclosable(db)), out: (s) => out.push(s), err: (s) => err.push(s), setCode: (n) => (code = n) });
    await program.parseAsync(['node', 'madoguchi', 'operators', ...args]);
    return { code, out, err };
  }

  it('lists, shows, looks up and removes', async () => {
    const list = await run(['list']);
    expect(list.out.join('\n')).toMatch(/example-shop .*domains example\.jp,xn--r8jz45g\.jp/);
    const show = await run(['show', 'example-shop', '--json']);
    const shown = JSON.parse(show.out.join('\n')) as { keys: { fingerprint: string; state: string }[]; encryptable: boolean };
    expect(shown.keys).toEqual([expect.objectContaining({ fingerprint: shopKey.fingerprint, state: 'ok' })]);
    expect(shown.encryptable).toBe(true);
    expect(show.out.join('\n')).not.toContain('BEGIN PGP');
    const lookup = await run(['lookup', 'https://www.example.jp/cart']);
    expect(lookup.out.join('\n')).toMatch(/scope\s+in-scope[\s\S]*operator\s+example-shop \(registered for example\.jp\)/);
    const flagged = await run(['lookup', 'https://shop.example.com/']);
    expect(flagged.out.join('\n')).toMatch(/needs-coordinator \(not-jp\)[\s\S]*not registered/);
    expect((await run(['show', 'nobody'])).code).toBe(1);
    expect((await run(['add', '--id', 'x', '--name', 'X'])).code).toBe(2);
    expect((await run(['add', '--id', 'example-shop', '--name', 'X', '--domain', 'x.example.jp', '--to', 'a@x.jp'])).code).toBe(1);
    expect((await run(['remove', 'portal'])).out).toEqual(['portal: removed']);
  });
});
