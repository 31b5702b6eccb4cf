// `madoguchi inspect` as a user runs it: the bin script, real files, exit codes (§5).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, INTEROP, ROOT } from '../support/paths.ts';

const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [join(ROOT, 'bin', 'madoguchi.js'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });

describe('madoguchi inspect', () => {
  it('prints the §5 JSON with absent fields omitted', () => {
    const p = run(['inspect', join(FIXTURES, 'pgpmime-enc-signed-en.eml'), '--keys', join(FIXTURES, 'keys'), '--json']);
    expect(p.status, p.stderr).toBe(0);
    const j = JSON.parse(p.stdout) as Record<string, unknown> & { report: Record<string, unknown>; signature: Record<string, unknown> };
    expect(Object.keys(j)).toEqual(expect.arrayContaining(['messageId', 'from', 'subject', 'encryption', 'signature', 'kind', 'report', 'rejected']));
    expect(j.kind).toBe('report');
    expect(j.encryption).toBe('pgp-mime');
    expect(j.signature.status).toBe('valid');
    expect(j.signature.fingerprint).toMatch(/^[0-9A-F]{40}$/);
    expect(j.rejected).toBeNull();
    expect(j).not.toHaveProperty('vendorReply');
    expect(j.report.missing).toEqual([]);
    for (const v of Object.values(j.report)) expect(v).not.toBe('');
  });

  it('exits 0 with a verdict on hostile input', () => {
    const p = run(['inspect', join(FIXTURES, 'efail-direct.eml'), '--keys', join(FIXTURES, 'keys'), '--json']);
    expect(p.status).toBe(0);
    expect((JSON.parse(p.stdout) as { rejected: { reason: string } }).rejected.reason).toBe('mixed-encryption');
  });

  it('prints a readable summary by default', () => {
    const p = run(['inspect', join(FIXTURES, 'pgpmime-enc-signed-ja.eml'), '--keys', join(FIXTURES, 'keys')]);
    expect(p.status).toBe(0);
    expect(p.stdout).toMatch(/Encryption\s+pgp-mime/);
    expect(p.stdout).toMatch(/Signature\s+valid by [0-9A-F]{40} \(matches From\)/);
    expect(p.stdout).toContain('reporter.name: 山田 太郎');
  });

  it('exits 2 for a missing file or key directory', () => {
    expect(run(['inspect', '/nonexistent.eml', '--keys', join(FIXTURES, 'keys')]).status).toBe(2);
    expect(run(['inspect', join(FIXTURES, 'plain-ja.eml'), '--keys', '/nonexistent-dir']).status).toBe(2);
    expect(run(['inspect']).status).toBe(2);
  });

  it('unlocks a protected secret key with MADOGUCHI_KEY_PASSPHRASE, and warns when it cannot', () => {
    const dir = join(FIXTURES, 'keys-protected');
    const file = join(FIXTURES, 'pgpmime-enc-signed-ja.eml');
    const ok = run(['inspect', file, '--keys', dir, '--json'], { MADOGUCHI_KEY_PASSPHRASE: 'fixture-pass' });
    expect(ok.status).toBe(0);
    expect((JSON.parse(ok.stdout) as { encryption: string }).encryption).toBe('pgp-mime');
    const bad = run(['inspect', file, '--keys', dir, '--json'], { MADOGUCHI_KEY_PASSPHRASE: 'wrong' });
    expect(bad.status).toBe(0);
    expect(bad.stderr).toMatch(/warning: .*could not be unlocked/);
    expect((JSON.parse(bad.stdout) as { rejected: { reason: string } }).rejected.reason).toBe('not-for-us');
  });

  it('reads the interop corpus with its keys (RT passphrase)', () => {
    const p = run(['inspect', join(INTEROP, 'rt', '13-signed-encrypted-MIME-plain.eml'), '--keys', join(INTEROP, 'rt', 'keys'), '--json'], { MADOGUCHI_KEY_PASSPHRASE: 'rt-test' });
    expect(p.status).toBe(0);
    const j = JSON.parse(p.stdout) as { encryption: string; signature: { status: string } };
    expect(j.encryption).toBe('pgp-mime');
    expect(j.signature.status).toBe('unsupported');
  });
});
