import { mkdtempSync, mkdirSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { ROOT } from '../support/paths.ts';

function root(local?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mdg-cfg-'));
  mkdirSync(join(dir, 'config'));
  copyFileSync(join(ROOT, 'config', 'default.yaml'), join(dir, 'config', 'default.yaml'));
  if (local !== undefined) writeFileSync(join(dir, 'config', 'local.yaml'), local);
  return dir;
}
const FPR = 'A'.repeat(40);

describe('configuration', () => {
  it('defaults load and validate', () => {
    const c = loadConfig(root(), {});
    expect(c.desk.casePrefix).toBe('VR');
    expect(c.coordinators).toEqual([]);
    expect(c.jobs.reconcileSeconds).toBe(30);
  });

  it('environment overrides are typed, and a bad one is named', () => {
    expect(loadConfig(root(), { MADOGUCHI_CONCURRENCY: '3' }).jobs.concurrency).toBe(3);
    expect(() => loadConfig(root(), { MADOGUCHI_CONCURRENCY: 'many' })).toThrow(/jobs\.concurrency.*number/);
    expect(() => loadConfig(root(), { IMAP_SECURE: 'perhaps' })).toThrow(/intake\.imap\.secure/);
    expect(() => loadConfig(root(), { MADOGUCHI_CASE_PREFIX: 'vr' })).toThrow(/desk\.casePrefix/);
  });

  it('automatic answers per address are limited: 10 an hour and 50 a day by default, configurable, within bounds', () => {
    expect(loadConfig(root(), {}).limits).toMatchObject({ answersPerAddressPerHour: 10, answersPerAddressPerDay: 50 });
    const c = loadConfig(root('limits:\n  answersPerAddressPerDay: 20\n'), { MADOGUCHI_ANSWERS_PER_HOUR: '3' }).limits;
    expect(c).toMatchObject({ answersPerAddressPerHour: 3, answersPerAddressPerDay: 20 });
    expect(() => loadConfig(root(), { MADOGUCHI_ANSWERS_PER_HOUR: '0' })).toThrow(/limits\.answersPerAddressPerHour/);
    expect(() => loadConfig(root(), { MADOGUCHI_ANSWERS_PER_HOUR: 'lots' })).toThrow(/limits\.answersPerAddressPerHour.*number/);
    expect(() => loadConfig(root(), { MADOGUCHI_ANSWERS_PER_DAY: '5' })).toThrow(/limits\.answersPerAddressPerDay.*at least/);
  });

  it("a coordinator's digest language is ja or en, absent by default (Japanese); timed mail waits for business days at 09:00 by default", () => {
    const two = JSON.stringify([{ name: 'Sato', email: 'sato@coord.test', fingerprints: [FPR] }, { name: 'Suzuki', email: 'suzuki@coord.test', fingerprints: ['B'.repeat(40)], lang: 'en' }]);
    const c = loadConfig(root(), { MADOGUCHI_COORDINATORS: two });
    expect(c.coordinators.map((x) => x.lang)).toEqual([undefined, 'en']);
    const fr = JSON.stringify([{ name: 'Sato', email: 'sato@coord.test', fingerprints: [FPR], lang: 'fr' }]);
    expect(() => loadConfig(root(), { MADOGUCHI_COORDINATORS: fr })).toThrow(/coordinators.*must be "ja" or "en"/);
    expect(c.timedMail).toEqual({ businessDaysOnly: true, time: '09:00' });
    expect(loadConfig(root(), { MADOGUCHI_TIMED_MAIL_BUSINESS_DAYS: 'false' }).timedMail.businessDaysOnly).toBe(false);
    expect(() => loadConfig(root(), { MADOGUCHI_TIMED_MAIL_TIME: '9am' })).toThrow(/timedMail\.time/);
  });

  it('local.yaml overrides, and an unknown setting is named', () => {
    expect(loadConfig(root('desk:\n  casePrefix: JVN\n'), {}).desk.casePrefix).toBe('JVN');
    expect(() => loadConfig(root('desk:\n  casePrefx: JVN\n'), {})).toThrow(/unknown setting "desk\.casePrefx"/);
  });

  it('the product track\'s settings default to the guideline\'s §8 values and are configurable, within bounds', async () => {
    const { DEFAULT_SETTINGS } = await import('../../src/rules/product.ts');
    expect(loadConfig(root(), {}).coordination).toEqual({ ...DEFAULT_SETTINGS });
    const c = loadConfig(root('coordination:\n  publicationDays: 60\n'), { MADOGUCHI_AUTO_NOTIFY_SINGLE_MATCH: 'true', MADOGUCHI_UNREACHABLE_AFTER_REMINDERS: '2' }).coordination;
    expect([c.publicationDays, c.autoNotifySingleMatch, c.unreachableAfterReminders]).toEqual([60, true, 2]);
    expect(() => loadConfig(root(), { MADOGUCHI_PUBLICATION_DAYS: '0' })).toThrow(/coordination\.publicationDays.*1 to 3650/);
    expect(() => loadConfig(root('coordination:\n  reminderAfterDays: 2.5\n'), {})).toThrow(/coordination\.reminderAfterDays/);
  });

  it('signed mail age limits (trust.*) default to 72 h for commands, 168 h for replies, 10 min of skew, and are configurable', async () => {
    const { DEFAULT_TRUST } = await import('../../src/desk/signed-gate.ts');
    expect(loadConfig(root(), {}).trust).toEqual(DEFAULT_TRUST);
    const t = loadConfig(root('trust:\n  replyMaxAgeHours: 48\n'), { MADOGUCHI_COMMAND_MAX_AGE_HOURS: '24' }).trust;
    expect([t.commandMaxAgeHours, t.replyMaxAgeHours, t.maxFutureMinutes]).toEqual([24, 48, 10]);
    expect(() => loadConfig(root(), { MADOGUCHI_REPLY_MAX_AGE_HOURS: '0' })).toThrow(/trust\.replyMaxAgeHours/);
  });

  it('the digest (issue 11) defaults to on, 09:00 JST and 7 silent days; the time must be HH:MM and unknown keys are refused', () => {
    expect(loadConfig(root(), {}).digest).toEqual({ enabled: true, time: '09:00', silentDays: 7 });
    const d = loadConfig(root('digest:\n  time: "17:30"\n'), { MADOGUCHI_DIGEST: 'false', MADOGUCHI_DIGEST_SILENT_DAYS: '10' }).digest;
    expect(d).toEqual({ enabled: false, time: '17:30', silentDays: 10 });
    expect(() => loadConfig(root(), { MADOGUCHI_DIGEST_TIME: '9:00' })).toThrow(/digest\.time.*HH:MM/);
    expect(() => loadConfig(root(), { MADOGUCHI_DIGEST_TIME: '24:00' })).toThrow(/digest\.time/);
    expect(() => loadConfig(root(), { MADOGUCHI_DIGEST_SILENT_DAYS: '0' })).toThrow(/digest\.silentDays/);
    expect(() => loadConfig(root('digest:\n  hour: 9\n'), {})).toThrow(/unknown setting "digest\.hour"/);
  });

  it('web.connectTo (a test installation) is empty by default and must be ADDRESS:PORT', () => {
    expect(loadConfig(root(), {}).web.connectTo).toBe('');
    expect(loadConfig(root(), { MADOGUCHI_WEB_CONNECT_TO: '127.0.0.1:8443' }).web.connectTo).toBe('127.0.0.1:8443');
    expect(loadConfig(root(), { MADOGUCHI_WEB_CONNECT_TO: '[::1]:8443' }).web.connectTo).toBe('[::1]:8443');
    for (const bad of ['127.0.0.1', 'localhost:8443', 'https://127.0.0.1:8443', '127.0.0.1:8443 ']) expect(() => loadConfig(root(), { MADOGUCHI_WEB_CONNECT_TO: bad }), bad).toThrow(/web\.connectTo.*ADDRESS:PORT/);
  });

  it('coordinators come from local.yaml or MADOGUCHI_COORDINATORS, with pinned full fingerprints', () => {
    const yaml = `coordinators:\n  - name: Sato\n    email: sato@desk.test\n    fingerprints: ["${FPR}"]\n`;
    expect(loadConfig(root(yaml), {}).coordinators[0]?.name).toBe('Sato');
    const env = { MADOGUCHI_COORDINATORS: JSON.stringify([{ name: 'Ito', email: 'ito@desk.test', fingerprints: [FPR] }]) };
    expect(loadConfig(root(), env).coordinators[0]?.email).toBe('ito@desk.test');
    expect(() => loadConfig(root(), { MADOGUCHI_COORDINATORS: JSON.stringify([{ name: 'X', email: 'x@desk.test', fingerprints: ['ABCD1234'] }]) })).toThrow(ConfigError);
    expect(() => loadConfig(root(), { MADOGUCHI_COORDINATORS: 'not json' })).toThrow(/MADOGUCHI_COORDINATORS/);
  });
});

describe('configuration errors and `config check` (issue 10)', () => {
  it('an error names the key, its environment variable, the value, where it came from and what was expected', () => {
    let msg = '';
    try {
      loadConfig(root(), { MADOGUCHI_CONCURRENCY: 'many' });
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toBe('setting "jobs.concurrency" (MADOGUCHI_CONCURRENCY) = "many" from environment MADOGUCHI_CONCURRENCY: must be a number');
    expect(() => loadConfig(root('jobs:\n  attempts: 0\n'), {})).toThrow(/setting "jobs\.attempts" \(MADOGUCHI_JOB_ATTEMPTS\) = 0 from .*local\.yaml: must be a whole number of 1 to 100/);
  });

  it('every problem is reported at once, unknown keys with the file that holds them', () => {
    let msg = '';
    try {
      loadConfig(root('desk:\n  casePrefix: vr\n  colour: blue\nredis:\n  url: http://x\n'), {});
    } catch (e) {
      msg = (e as Error).message;
    }
    const lines = msg.split('\n');
    expect(lines).toHaveLength(3);
    expect(msg).toMatch(/unknown setting "desk\.colour" in .*local\.yaml/);
    expect(msg).toMatch(/setting "desk\.casePrefix" .*= "vr".*upper-case/);
    expect(msg).toMatch(/setting "redis\.url" .*must be a redis:\/\/ URL/);
  });

  it('a secret never appears in an error or in config check, a URL password neither', async () => {
    const { runConfigCheck } = await import('../../src/cli/config.ts');
    const lines: string[] = [];
    const code = runConfigCheck((s) => lines.push(s), (s) => lines.push(s), root(), { SMTP_PASSWORD: 'hunter2-secret', DATABASE_URL: 'postgres://desk:pg-secret@db.example/madoguchi' });
    expect(code).toBe(0);
    const all = lines.join('\n');
    expect(all).not.toMatch(/hunter2-secret|pg-secret/);
    expect(all).toMatch(/outbound\.smtp\.password = "\*\*\*\*\*\*\*\*" {2}# environment SMTP_PASSWORD/);
    expect(all).toMatch(/store\.databaseUrl = "postgres:\/\/desk:\*\*\*\*\*\*\*\*@db\.example\/madoguchi"/);
    expect(all).toMatch(/desk\.casePrefix = "VR" {2}# config\/default\.yaml/);
    expect(all).toMatch(/coordinators = \[\] \(none: nothing can be decided\)/);
    const bad: string[] = [];
    expect(runConfigCheck(() => undefined, (s) => bad.push(s), root(), { IMAP_HOST: 'imap.example', SMTP_PASSWORD: 'hunter2-secret', MADOGUCHI_TRANSPORT: 'smtp' })).toBe(78);
    expect(bad.join('\n')).toMatch(/outbound\.smtp\.host.*required/);
    expect(bad.join('\n')).toMatch(/intake\.imap\.user.*required/);
    expect(bad.join('\n')).not.toMatch(/hunter2/);
  });

  it('config/local.yaml is never committed', () => {
    expect(readFileSync(join(ROOT, '.gitignore'), 'utf8').split('\n')).toContain('config/local.yaml');
  });
});
