// `madoguchi start` says where it reads, where it answers and whom it trusts (issue 10).
import { mkdtempSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { describeDesk } from '../../src/desk/run.ts';
import { ROOT } from '../support/paths.ts';

function root(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mdg-banner-'));
  mkdirSync(join(dir, 'config'));
  copyFileSync(join(ROOT, 'config', 'default.yaml'), join(dir, 'config', 'default.yaml'));
  return dir;
}

describe('start banner', () => {
  it('warns loudly when no coordinator is configured', () => {
    const lines = describeDesk(loadConfig(root(), {}), []);
    expect(lines.some((l) => /^WARNING: no coordinator is configured/.test(l))).toBe(true);
    expect(lines.some((l) => /^listening: Maildir /.test(l))).toBe(true);
    expect(lines.some((l) => /^answers: Maildir /.test(l))).toBe(true);
  });

  it('names the IMAP mailbox, the SMTP relay and each coordinator with the key it trusts', () => {
    const cfg = loadConfig(root(), { IMAP_HOST: 'imap.example.jp', IMAP_PORT: '993', IMAP_USER: 'desk', MADOGUCHI_INBOX: '', MADOGUCHI_TRANSPORT: 'smtp', SMTP_HOST: 'smtp.example.jp', SMTP_PORT: '587' });
    const fpr = 'A'.repeat(40);
    const lines = describeDesk(cfg, [{ name: 'Sato', email: 'sato@desk.test', fingerprints: [fpr], armoredKeys: [] }]);
    expect(lines).toContain(`coordinator: Sato <sato@desk.test> key ${fpr} (public key missing: alerts to them are withheld)`);
    expect(lines.some((l) => l.startsWith('listening: IMAP desk@imap.example.jp:993 mailbox INBOX'))).toBe(true);
    expect(lines.some((l) => l.startsWith('answers: SMTP smtp.example.jp:587'))).toBe(true);
    expect(lines.some((l) => l.startsWith('WARNING'))).toBe(false);
  });
});
