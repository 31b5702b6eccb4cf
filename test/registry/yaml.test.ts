// The registry YAML file: a good file, every validation error (naming line, vendor and
// field), key files and inline keys, and the fail-closed key policy with real gpg keys.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseVendorsYaml, readVendorsFile, validateVendor } from '../../src/registry/yaml.ts';
import { goodKey, makeBadKeys, type BadKeys, type GoodKey } from './support.ts';

let dir = '';
let acme: GoodKey;
let acme2: GoodKey;
let yamato: GoodKey;
let bad: BadKeys;

const indent = (text: string, n: number): string =>
  text
    .trimEnd()
    .split('\n')
    .map((l) => ' '.repeat(n) + l)
    .join('\n');

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'mdg-reg-yaml-'));
  [acme, acme2, yamato] = await Promise.all([
    goodKey('ACME PSIRT', 'psirt@acme.test'),
    goodKey('ACME Security', 'security@acme.test'),
    goodKey('ヤマト電機', 'psirt@yamato.test'),
  ]);
  bad = makeBadKeys();
  await mkdir(path.join(dir, 'keys'));
  await writeFile(path.join(dir, 'keys', 'acme.asc'), acme.armored);
  await writeFile(path.join(dir, 'keys', 'both.asc'), acme.armored + '\n' + acme2.armored);
  await writeFile(path.join(dir, 'keys', 'expired.asc'), bad.expired.armored);
  await writeFile(path.join(dir, 'keys', 'revoked.asc'), bad.revoked.armored);
  await writeFile(path.join(dir, 'keys', 'signonly.asc'), bad.signOnly.armored);
  await writeFile(path.join(dir, 'keys', 'secret.asc'), bad.secret);
  await writeFile(path.join(dir, 'keys', 'binary.gpg'), bad.binary.bytes);
  await writeFile(path.join(dir, 'keys', 'garbage.asc'), 'this is not a key\n');
});

afterAll(async () => {
  bad.close();
  await rm(dir, { recursive: true, force: true });
});

const GOOD = (): string => `# the registry
vendors:
  - id: acme
    name: ACME Corporation
    name_ja: アクメ株式会社
    registration: general
    accepts_direct: false
    publish_name: true
    contacts: { to: [PSIRT@acme.test], cc: [security@acme.test] }
    keys: [keys/acme.asc]
    products:
      - name: ACME Router
        keywords: [router, rt-1000, firmware]
  - id: yamato
    name: Yamato Denki
    name_ja: ヤマト電機株式会社
    registration: individual
    accepts_direct: true
    publish_name: false
    contacts:
      to: psirt@yamato.test
    keys:
      - |
${indent(yamato.armored, 8)}
    products:
      - name: ヤマトカメラ YC-200
        keywords: [ネットワークカメラ, 200]
      - ヤマトレコーダー
`;

describe('a good file', () => {
  it('gives the vendors with defaults, lower-cased addresses and the keys read from paths and inline text', async () => {
    const file = path.join(dir, 'vendors.yaml');
    await writeFile(file, GOOD());
    const imp = await readVendorsFile(file);
    expect(imp.errors).toEqual([]);
    expect(imp.warnings).toEqual([]);
    expect(imp.notNotifiable).toEqual([]);
    expect(imp.vendors).toEqual([
      {
        id: 'acme',
        name: 'ACME Corporation',
        nameJa: 'アクメ株式会社',
        registration: 'general',
        acceptsDirect: false,
        publishName: true,
        contacts: { to: ['psirt@acme.test'], cc: ['security@acme.test'] },
        keys: [{ fingerprint: acme.fingerprint, armored: expect.stringContaining('-----BEGIN PGP PUBLIC KEY BLOCK-----') as unknown }],
        products: [{ name: 'ACME Router', keywords: ['router', 'rt-1000', 'firmware'] }],
      },
      {
        id: 'yamato',
        name: 'Yamato Denki',
        nameJa: 'ヤマト電機株式会社',
        registration: 'individual',
        acceptsDirect: true,
        publishName: false,
        contacts: { to: ['psirt@yamato.test'], cc: [] },
        keys: [{ fingerprint: yamato.fingerprint, armored: expect.any(String) as unknown }],
        products: [
          { name: 'ヤマトカメラ YC-200', keywords: ['ネットワークカメラ', '200'] },
          { name: 'ヤマトレコーダー', keywords: [] },
        ],
      },
    ]);
  });

  it('defaults: general, accepts_direct false, publish_name true', async () => {
    const imp = await parseVendorsYaml('vendors:\n  - id: min\n    name: Min\n    contacts: {to: a@min.test}\n    keys: [keys/acme.asc]\n', {
      baseDir: dir,
    });
    expect(imp.errors).toEqual([]);
    expect(imp.vendors[0]).toMatchObject({ registration: 'general', acceptsDirect: false, publishName: true, products: [] });
    // The key names psirt@acme.test, not a@min.test: a warning, not an error.
    expect(imp.warnings).toEqual([expect.stringMatching(/vendor min: keys\[0\]: key [0-9A-F]{40} \(psirt@acme\.test\) names none of the vendor's contact addresses/)]);
  });

  it('reads every key of a multi-key file and binary (gpg --export) key files', async () => {
    const imp = await parseVendorsYaml(
      `vendors:
  - id: acme
    name: ACME
    contacts: {to: [psirt@acme.test, security@acme.test, psirt@binary.test]}
    keys: [keys/both.asc, keys/binary.gpg]
`,
      { baseDir: dir },
    );
    expect(imp.errors).toEqual([]);
    expect(imp.vendors[0]?.keys.map((k) => k.fingerprint).sort()).toEqual([acme.fingerprint, acme2.fingerprint, bad.binary.fingerprint].sort());
    for (const k of imp.vendors[0]?.keys ?? []) expect(k.armored).toMatch(/^-----BEGIN PGP PUBLIC KEY BLOCK-----/);
  });

  it('an empty list is valid and imports nothing', async () => {
    const imp = await parseVendorsYaml('vendors: []\n', { baseDir: dir });
    expect(imp).toEqual({ vendors: [], errors: [], warnings: [], notNotifiable: [] });
  });
});

describe('validation errors name the line, the vendor and the field', () => {
  // Each case edits the good file; the expected error must appear, and nothing is imported.
  const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
  const cases: [string, (y: string) => string, RegExp | ((text: string) => RegExp)][] = [
    ['missing id', (y) => y.replace('  - id: acme\n    name:', '  - name:'), /^line 3: vendor vendors\[0\]: id: required$/],
    ['bad id', (y) => y.replace('id: acme', 'id: ACME Corp'), /^line 3: vendor vendors\[0\]: id: "ACME Corp" is not a valid id/],
    ['missing name', (y) => y.replace('    name: ACME Corporation\n', ''), /^line 3: vendor acme: name: required$/],
    ['name_ja not a string', (y) => y.replace('name_ja: アクメ株式会社', 'name_ja: 5'), /^line 5: vendor acme: name_ja: must be a non-empty string$/],
    ['registration', (y) => y.replace('registration: general', 'registration: both'), /^line 6: vendor acme: registration: must be general or individual, not "both"$/],
    ['boolean as string', (y) => y.replace('accepts_direct: false', 'accepts_direct: "no"'), /^line 7: vendor acme: accepts_direct: must be true or false, not "no"$/],
    ['boolean as number', (y) => y.replace('publish_name: true', 'publish_name: 1'), /^line 8: vendor acme: publish_name: must be true or false, not 1$/],
    ['unknown field', (y) => y.replace('accepts_direct: false', 'accept_direct: false'), /^line 7: vendor acme: accept_direct: unknown field$/],
    ['missing contacts', (y) => y.replace(/ {4}contacts: \{ to.*\n/, ''), /^line 3: vendor acme: contacts: required/],
    ['missing to', (y) => y.replace('{ to: [PSIRT@acme.test], cc: [security@acme.test] }', '{ cc: [security@acme.test] }'), /^line 9: vendor acme: contacts\.to: required/],
    ['bad address', (y) => y.replace('to: [PSIRT@acme.test]', 'to: [PSIRT@acme.test, not-an-address]'), /^line 9: vendor acme: contacts\.to\[1\]: "not-an-address" is not an email address$/],
    ['to and cc the same', (y) => y.replace('cc: [security@acme.test]', 'cc: [psirt@ACME.test]'), /^line 9: vendor acme: contacts\.cc\[0\]: psirt@acme\.test is listed twice$/],
    ['unknown contact kind', (y) => y.replace('cc: [security@acme.test]', 'bcc: [security@acme.test]'), /vendor acme: contacts\.bcc: unknown field \(expected to, cc\)$/],
    ['missing keys', (y) => y.replace('    keys: [keys/acme.asc]\n', ''), /^line 3: vendor acme: keys: required/],
    ['empty keys', (y) => y.replace('keys: [keys/acme.asc]', 'keys: []'), /^line 10: vendor acme: keys: must be a key/],
    ['missing key file', (y) => y.replace('keys/acme.asc', 'keys/nope.asc'), /^line 10: vendor acme: keys\[0\]: cannot read key file .*nope\.asc \(ENOENT\)$/],
    ['not a key', (y) => y.replace('keys/acme.asc', 'keys/garbage.asc'), /^line 10: vendor acme: keys\[0\]: "keys\/garbage\.asc" is not a readable OpenPGP public key$/],
    ['secret key', (y) => y.replace('keys/acme.asc', 'keys/secret.asc'), /^line 10: vendor acme: keys\[0\]: "keys\/secret\.asc" holds a secret key/],
    ['key listed twice', (y) => y.replace('keys: [keys/acme.asc]', 'keys: [keys/acme.asc, keys/acme.asc]'), /vendor acme: keys\[1\]: "keys\/acme\.asc" is listed twice$/],
    ['empty product name', (y) => y.replace('- name: ACME Router', '- name: ""'), /^line 12: vendor acme: products\[0\]\.name: must be a non-empty string$/],
    [
      'product listed twice (NFKC, any case)',
      (y) => y.replace('      - ヤマトレコーダー\n', '      - ヤマトレコーダー\n      - ﾔﾏﾄﾚｺｰﾀﾞｰ\n'),
      (text) => new RegExp(`^line ${lineOf(text, 'ﾔﾏﾄﾚｺｰﾀﾞｰ')}: vendor yamato: products\\[2\\]\\.name: "ﾔﾏﾄﾚｺｰﾀﾞｰ" is listed twice \\(also products\\[1\\]\\)$`),
    ],
    ['unknown product field', (y) => y.replace('        keywords: [router, rt-1000, firmware]', '        version: 1.0'), /vendor acme: products\[0\]\.version: unknown field/],
    ['empty keyword', (y) => y.replace('[router, rt-1000, firmware]', '[router, "", firmware]'), /^line 13: vendor acme: products\[0\]\.keywords\[1\]: must be a non-empty string$/],
    ['vendor id twice', (y) => y.replace('id: yamato', 'id: acme'), /^line 14: vendor acme: id: listed twice \(also vendors\[0\]\)$/],
    ['unknown top-level field', (y) => y + 'vendor:\n  - id: x\n', /vendor: unknown top-level field/],
    ['a vendor that is not a mapping', (y) => y.replace('vendors:\n', 'vendors:\n  - just a string\n'), /^line 3: vendors\[0\]: each vendor must be a mapping$/],
  ];

  it.each(cases)('%s', async (_name, edit, expected) => {
    const text = edit(GOOD());
    expect(text).not.toBe(GOOD());
    const imp = await parseVendorsYaml(text, { baseDir: dir });
    expect(imp.errors).toContainEqual(expect.stringMatching(typeof expected === 'function' ? expected(text) : expected));
    expect(imp.vendors).toEqual([]);
  });

  it('the same key for two vendors in one file', async () => {
    const text = GOOD().replace(/ {4}keys:\n {6}- \|\n[\s\S]*?-----END PGP PUBLIC KEY BLOCK-----\n/, '    keys: [keys/acme.asc]\n');
    const imp = await parseVendorsYaml(text, { baseDir: dir });
    expect(imp.errors).toEqual([expect.stringMatching(new RegExp(`vendor yamato: keys\\[0\\]: key ${acme.fingerprint} is also listed for vendor acme`))]);
    expect(imp.vendors).toEqual([]);
  });

  it('YAML syntax errors and duplicate keys are reported with their line', async () => {
    const broken = await parseVendorsYaml('vendors:\n  - id: acme\n    name: [unclosed\n', { baseDir: dir });
    expect(broken.errors[0]).toMatch(/^line \d+: YAML: /);
    const dup = await parseVendorsYaml('vendors:\n  - id: acme\n    id: other\n', { baseDir: dir });
    expect(dup.errors).toEqual([expect.stringMatching(/^line 3: YAML: .*[Mm]ap keys must be unique/)]);
  });

  it('a file that is not a mapping with a vendors list', async () => {
    for (const text of ['', '- id: acme\n', 'vendors: acme\n']) {
      const imp = await parseVendorsYaml(text, { baseDir: dir });
      expect(imp.errors).toEqual(['the file must be a mapping with a `vendors:` list']);
    }
  });

  it('all or nothing: one bad vendor and the good one is not imported either', async () => {
    const imp = await parseVendorsYaml(GOOD().replace('to: psirt@yamato.test', 'to: nobody'), { baseDir: dir });
    expect(imp.errors).toEqual([expect.stringMatching(/vendor yamato: contacts\.to: "nobody" is not an email address/)]);
    expect(imp.vendors).toEqual([]);
  });

  it('an unreadable registry file', async () => {
    const imp = await readVendorsFile(path.join(dir, 'absent.yaml'));
    expect(imp.errors).toEqual([expect.stringMatching(/cannot read .*absent\.yaml \(ENOENT\)/)]);
  });
});

describe('keys that cannot be used are not pinned (fail closed)', () => {
  const withKeys = (keys: string): string => `vendors:
  - id: old
    name: Old Vendor
    contacts: { to: [psirt@old.test, psirt@revoked.test, psirt@signonly.test, psirt@acme.test] }
    keys: ${keys}
`;

  it('a vendor whose only key expired (gpg, faked time) is imported as not notifiable, with the key unpinned', async () => {
    const imp = await parseVendorsYaml(withKeys('[keys/expired.asc]'), { baseDir: dir });
    expect(imp.errors).toEqual([]);
    expect(imp.vendors.map((v) => [v.id, v.keys])).toEqual([['old', []]]);
    expect(imp.notNotifiable).toEqual(['old']);
    expect(imp.warnings).toEqual([
      `line 5: vendor old: keys[0]: key ${bad.expired.fingerprint} not pinned: expired (key has expired)`,
      'line 5: vendor old: keys: no usable key: registered but NOT notifiable until a usable key is added',
    ]);
  });

  it('revoked and encryption-less keys are not pinned either; a usable key beside them is', async () => {
    const imp = await parseVendorsYaml(withKeys('[keys/revoked.asc, keys/signonly.asc, keys/acme.asc]'), { baseDir: dir });
    expect(imp.errors).toEqual([]);
    expect(imp.vendors[0]?.keys.map((k) => k.fingerprint)).toEqual([acme.fingerprint]);
    expect(imp.notNotifiable).toEqual([]);
    expect(imp.warnings).toEqual([
      expect.stringContaining(`keys[0]: key ${bad.revoked.fingerprint} not pinned: revoked`),
      expect.stringContaining(`keys[1]: key ${bad.signOnly.fingerprint} not pinned: no-encryption-key`),
    ]);
  });

  it('the check uses the given time: the expired key was fine in mid-2020', async () => {
    const imp = await parseVendorsYaml(withKeys('[keys/expired.asc]'), { baseDir: dir, now: new Date('2020-06-01T00:00:00Z') });
    expect(imp.vendors[0]?.keys.map((k) => k.fingerprint)).toEqual([bad.expired.fingerprint]);
    expect(imp.notNotifiable).toEqual([]);
  });
});

describe('validateVendor (the CLI `vendors add` path)', () => {
  it('validates one entry with key paths relative to baseDir and no line numbers', async () => {
    const ok = await validateVendor(
      { id: 'acme', name: 'ACME', contacts: { to: ['psirt@acme.test'] }, keys: ['acme.asc'], products: [{ name: 'ACME Router', keywords: ['router'] }] },
      { baseDir: path.join(dir, 'keys') },
    );
    expect(ok.errors).toEqual([]);
    expect(ok.vendors[0]?.keys[0]?.fingerprint).toBe(acme.fingerprint);
    const bad2 = await validateVendor({ id: 'acme', name: 'ACME', contacts: { to: ['x'] }, keys: ['acme.asc'], registration: 'maybe' }, { baseDir: path.join(dir, 'keys') });
    expect(bad2.errors).toEqual([
      'vendor acme: registration: must be general or individual, not "maybe"',
      'vendor acme: contacts.to[0]: "x" is not an email address',
    ]);
  });
});
