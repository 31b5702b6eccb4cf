import { mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_OUTBOX, MaildirOutbox, maildirName } from '../../src/outbound/maildir.ts';

const env = { from: 'desk@madoguchi.test', to: ['taro@reporter.test'] };
const msg = (body: string): Buffer => Buffer.from(`Message-ID: <a@b>\r\nSubject: [VR-2026-0042]\r\n\r\n${body}\r\n`);

describe('(f) Maildir outbox', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mg-outbox-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writing the same Message-ID twice leaves one file (the retry rewrites it)', async () => {
    const box = new MaildirOutbox(dir);
    const first = await box.send(msg('first'), env, '<ack.VR-2026-0042@madoguchi.test>');
    const second = await box.send(msg('second'), env, '<ack.VR-2026-0042@madoguchi.test>');
    expect(first.ok && second.ok).toBe(true);
    const files = readdirSync(join(dir, 'new'));
    expect(files).toHaveLength(1);
    expect(readFileSync(join(dir, 'new', files[0]!)).equals(msg('second'))).toBe(true);
    expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
    expect(readdirSync(join(dir, 'cur'))).toEqual([]);
    // With or without angle brackets it is the same message.
    await box.send(msg('third'), env, 'ack.VR-2026-0042@madoguchi.test');
    expect(readdirSync(join(dir, 'new'))).toHaveLength(1);
    await box.close();
  });

  it('a message already picked up into cur/ is not delivered again', async () => {
    const box = new MaildirOutbox(dir);
    await box.send(msg('x'), env, '<m1@madoguchi.test>');
    const [name] = readdirSync(join(dir, 'new'));
    renameSync(join(dir, 'new', name!), join(dir, 'cur', `${name!}:2,S`));
    const again = await box.send(msg('x'), env, '<m1@madoguchi.test>');
    expect(again.ok).toBe(true);
    expect(readdirSync(join(dir, 'new'))).toEqual([]);
    expect(readdirSync(join(dir, 'cur'))).toEqual([`${name!}:2,S`]);
    expect(await box.find('<m1@madoguchi.test>')).toBe(join(dir, 'cur', `${name!}:2,S`));
  });

  it('file names are safe, deterministic, and distinct for distinct ids', () => {
    const a = maildirName('<x/../y:z@madoguchi.test>');
    expect(a).toMatch(/^m\.[A-Za-z0-9._@+=-]+\.[0-9a-f]{16}$/);
    expect(a).not.toMatch(/[/:]/);
    expect(maildirName('<x/../y:z@madoguchi.test>')).toBe(a);
    expect(maildirName('x/../y:z@madoguchi.test')).toBe(a);
    // Same safe characters, different ids: the hash keeps them apart.
    expect(maildirName('<a/b@c>')).not.toBe(maildirName('<a_b@c>'));
    expect(maildirName(`<${'x'.repeat(5000)}@c>`).length).toBeLessThan(130);
    expect(() => maildirName('<>')).toThrow();
    expect(DEFAULT_OUTBOX).toBe(join('var', 'outbox'));
  });

  it('distinct messages are distinct files', async () => {
    const box = new MaildirOutbox(join(dir, 'nested', 'outbox'));
    await box.send(msg('1'), env, '<1@m>');
    await box.send(msg('2'), env, '<2@m>');
    expect(readdirSync(join(dir, 'nested', 'outbox', 'new')).sort()).toEqual([maildirName('<1@m>'), maildirName('<2@m>')].sort());
  });

  it('an unusable Message-ID is a permanent failure, an unwritable directory a transient one', async () => {
    const box = new MaildirOutbox(dir);
    expect(await box.send(msg('x'), env, '<>')).toMatchObject({ ok: false, permanent: true });
    writeFileSync(join(dir, 'a-file'), 'not a directory');
    const blocked = new MaildirOutbox(join(dir, 'a-file', 'outbox'));
    expect(await blocked.send(msg('x'), env, '<1@m>')).toMatchObject({ ok: false, permanent: false });
  });
});
