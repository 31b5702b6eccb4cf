// Priority notices (guideline §3 item 12): the rule and the configured contacts.
import { mkdtempSync, mkdirSync, copyFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { mayPriorityNotice, type PriorityCaseFacts } from '../../src/rules/priority-notice.ts';
import { ROOT } from '../support/paths.ts';

const NOW = new Date('2027-02-01T00:00:00Z');
const BEFORE = new Date('2027-01-31T00:00:00Z');
const AFTER = new Date('2027-02-02T00:00:00Z');

function facts(over: Partial<PriorityCaseFacts> = {}): PriorityCaseFacts {
  return {
    now: NOW,
    publishedAt: new Date('2027-03-01T00:00:00Z'),
    closed: false,
    vendors: [
      { vendorId: 'acme', fixed: true, consentAt: BEFORE },
      { vendorId: 'kappa', fixed: false, consentAt: null },
    ],
    reporterToldAt: BEFORE,
    contacts: 2,
    ...over,
  };
}

describe('mayPriorityNotice', () => {
  it('ok with a fix, before publication, with consent, after the reporter was told; only fixed vendors', () => {
    expect(mayPriorityNotice(facts())).toEqual({ ok: true, vendors: ['acme'] });
    expect(mayPriorityNotice(facts({ publishedAt: null })).ok).toBe(true);
  });

  it.each<[string, Partial<PriorityCaseFacts>, string]>([
    ['no contacts configured', { contacts: 0 }, 'no-contacts'],
    ['published already', { publishedAt: BEFORE }, 'already-published'],
    ['published right now', { publishedAt: NOW }, 'already-published'],
    ['case closed', { closed: true }, 'already-published'],
    ['no fix', { vendors: [{ vendorId: 'acme', fixed: false, consentAt: BEFORE }] }, 'no-fix'],
    ['no vendors at all', { vendors: [] }, 'no-fix'],
    ['no consent', { vendors: [{ vendorId: 'acme', fixed: true, consentAt: null }] }, 'no-vendor-consent'],
    ['consent dated in the future', { vendors: [{ vendorId: 'acme', fixed: true, consentAt: AFTER }] }, 'no-vendor-consent'],
    [
      'one of two fixed vendors did not consent',
      { vendors: [{ vendorId: 'acme', fixed: true, consentAt: BEFORE }, { vendorId: 'kappa', fixed: true, consentAt: null }] },
      'no-vendor-consent',
    ],
    ['reporter not told', { reporterToldAt: null }, 'reporter-not-told'],
    ['reporter told later than now', { reporterToldAt: AFTER }, 'reporter-not-told'],
    ['broken clock', { now: new Date(Number.NaN) }, 'already-published'],
  ])('refused: %s', (_name, over, code) => {
    const d = mayPriorityNotice(facts(over));
    expect(d.ok).toBe(false);
    if (!d.ok) {
      expect(d.code).toBe(code);
      expect(d.reason).not.toBe('');
    }
  });

  it('names the vendor without consent and lists every refusal at once', () => {
    const d = mayPriorityNotice(facts({ vendors: [{ vendorId: 'kappa', fixed: true, consentAt: null }], reporterToldAt: null, contacts: 0 }));
    expect(d).toMatchObject({ ok: false, code: 'no-contacts', all: ['no-contacts', 'no-vendor-consent', 'reporter-not-told'] });
    const c = mayPriorityNotice(facts({ vendors: [{ vendorId: 'kappa', fixed: true, consentAt: null }] }));
    expect(!c.ok && c.reason).toMatch(/kappa/);
  });
});

function root(local?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mdg-cfg-'));
  mkdirSync(join(dir, 'config'));
  copyFileSync(join(ROOT, 'config', 'default.yaml'), join(dir, 'config', 'default.yaml'));
  if (local !== undefined) writeFileSync(join(dir, 'config', 'local.yaml'), local);
  return dir;
}

const CONTACT = `  - id: nisc\n    name: NISC\n    sector: government\n    email: incident@nisc.test\n    fingerprint: "${'A'.repeat(40)}"\n    keyFile: keys/nisc.asc\n`;

describe('priorityNotice.contacts configuration', () => {
  it('defaults to none; a local list is read', () => {
    expect(loadConfig(root(), {}).priorityNotice.contacts).toEqual([]);
    expect(loadConfig(root(`priorityNotice:\n  contacts:\n${CONTACT}`), {}).priorityNotice.contacts[0]).toMatchObject({ id: 'nisc', sector: 'government' });
  });

  it.each([
    [CONTACT.replace('government', 'police'), /sector.*government/],
    [CONTACT.replace('incident@nisc.test', 'nisc'), /email.*email address/],
    [CONTACT.replace('A'.repeat(40), 'ABCD'), /fingerprint.*full fingerprint/],
    [CONTACT + '    phone: "03"\n', /unknown setting/],
    [CONTACT + CONTACT, /listed twice/],
    [CONTACT.replace('    keyFile: keys/nisc.asc\n', ''), /keyFile/],
  ])('refuses a bad entry (%#)', (entry, why) => {
    expect(() => loadConfig(root(`priorityNotice:\n  contacts:\n${entry}`), {})).toThrow(why);
  });
});
