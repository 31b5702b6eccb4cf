// guideline §3 item 12 at the desk: a coordinator's X-PRIORITY-NOTICE by signed, encrypted
// mail is refused before the vendor reported a fix (no-fix), then without the vendor's
// consent (no-vendor-consent), then while the reporter cannot be told (reporter-not-told);
// once all hold, the reporter is told (encrypted) and the fix information goes to the
// configured contact whose key file holds its pinned key — decrypted here by real gpg as
// that contact — with nothing about the reporter; the contact whose key file does not hold
// its pinned key gets nothing and the coordinators are told. After publication: refused.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDeskKey } from '../../src/crypto/openpgp.ts';
import type { PriorityContact } from '../../src/desk/priority-contacts.ts';
import { addCalendarDays, jstDate, jstStartOfDay } from '../../src/domain/clock.ts';
import { upsertKey } from '../../src/store/repo.ts';
import { ACME, CASE_A, SATO, authorityWorld, encryptEntity, pgpMimeMail, replyForm, textPart, type AuthorityWorld } from '../support/authority-desk.ts';
import { Gpg, makeKeyPair, openNotice } from '../support/gpg.ts';
import { readableText } from '../support/coordination.ts';
import { decryptNotice } from '../support/partner-desk.ts';

const NISC = 'incident@nisc.test';
const ISAC = 'soc@isac.test';
const REPORTER = 'taro@reporter.test';

let w: AuthorityWorld;
let gpg: Gpg;
let dir: string;
let reporterKey: Awaited<ReturnType<typeof generateDeskKey>>;

beforeAll(async () => {
  gpg = new Gpg();
  dir = mkdtempSync(join(tmpdir(), 'mdg-priority-'));
  // The contact's own key pair, made by gpg as the contact would.
  const armored = makeKeyPair(gpg, 'NISC', NISC);
  const fpr = /fpr:+([0-9A-F]{40})/.exec(gpg.run(['--with-colons', '--list-keys', NISC]).toString())![1]!;
  writeFileSync(join(dir, 'nisc.asc'), armored);
  const contacts: PriorityContact[] = [
    { id: 'nisc', name: 'NISC', sector: 'government', email: NISC, fingerprint: fpr, keyFile: join(dir, 'nisc.asc') },
    // Its key file holds another key than the one pinned (swapped or stale): fail closed.
    { id: 'isac', name: '電力 ISAC', sector: 'critical-infrastructure', email: ISAC, fingerprint: '0123456789ABCDEF0123456789ABCDEF01234567', keyFile: join(dir, 'nisc.asc') },
  ];
  w = await authorityWorld({ priorityContacts: contacts });
  // The contact knows the desk's public key (published), to check the signature.
  gpg.importText(w.deskKey.armor());
  reporterKey = await generateDeskKey('山田 太郎', REPORTER, new Date(Date.now() - 30 * 86_400_000));
}, 60_000);
afterAll(async () => {
  await w?.close();
  gpg?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

let seq = 0;
/** A coordinator's command mail on CASE_A; returns the confirmation's text. */
async function command(lines: string): Promise<string> {
  const m = await w.deliver(pgpMimeMail({ from: SATO, subject: `[${CASE_A}] priority`, messageId: `<pn${String(++seq)}@coord.test>` }, await encryptEntity(w, textPart(`X-CASE: ${CASE_A}\n${lines}\n`), w.sato, new Date(Date.now() - seq * 2000))));
  const [c] = (await w.notices('command-confirmation')).filter((n) => n.message_ref === m);
  expect(c, 'a confirmation').toBeDefined();
  return decryptNotice(c!.raw, w.sato);
}

const sentPriority = async (): Promise<{ id: string; recipient: string; state: string; raw: Buffer }[]> => w.notices('priority-notice');

describe('X-PRIORITY-NOTICE refused, then sent', () => {
  it('before any fix: refused no-fix, nothing sent to anyone', async () => {
    const text = await command('X-PRIORITY-NOTICE');
    expect(text).toContain('修正（修正バージョン）の報告がまだありません');
    expect(await sentPriority()).toEqual([]);
    expect(await w.notices('reporter-priority')).toEqual([]);
  }, 60_000);

  it('the vendor reports a fix; without its consent: refused no-vendor-consent naming it', async () => {
    await w.deliver(pgpMimeMail({ from: ACME, subject: `Re: [${CASE_A}]`, messageId: '<pn-fix@acme.test>' }, await encryptEntity(w, textPart(replyForm(CASE_A, 'fixed', ['Fixed versions: 1.0.1'])), w.acme)));
    expect((await w.snapshot(CASE_A)).vendors[0]).toMatchObject({ id: 'acme', fix: 'fix-ready', fixedVersions: '1.0.1' });
    const text = await command('X-優先通知');
    expect(text).toContain('acme の優先通知への同意が記録されていません');
    expect(await sentPriority()).toEqual([]);
  }, 60_000);

  it('consent recorded; the reporter has no usable key: refused reporter-not-told', async () => {
    expect(await command('X-PRIORITY-CONSENT: acme')).toContain('同意を案件に記録しました');
    expect((await w.snapshot(CASE_A)).priority?.consents.map((c) => c.vendorId)).toEqual(['acme']);
    expect(await command('X-PRIORITY-NOTICE')).toContain('発見者の暗号化に使える鍵がありません');
    expect(await sentPriority()).toEqual([]);
  }, 60_000);

  it('all conditions met: the reporter is told, the contact gets the fix information by its pinned key, without the reporter', async () => {
    await upsertKey(w.db, { fingerprint: reporterKey.fingerprint, emails: [REPORTER], armored: reporterKey.armoredPublic, source: 'signature' });
    const text = await command('X-PRIORITY-NOTICE');
    expect(text).not.toContain('何も送っていません');
    const [told] = await w.notices('reporter-priority');
    expect(told?.recipient).toBe(REPORTER);
    expect(told?.state).toBe('sent');
    const notices = await sentPriority();
    const nisc = notices.find((n) => n.recipient === NISC)!;
    expect(nisc.state).toBe('sent');
    // The contact opens it with gpg: decrypted with its own key, signed by the desk.
    const opened = openNotice(gpg, nisc.raw);
    expect(opened.decryptedOk).toBe(true);
    expect(opened.signer).toMatch(/^[0-9A-F]{40}$/);
    const body = await readableText(opened.decrypted);
    expect(body).toContain('1.0.1');
    expect(body).toContain('Acme Router');
    expect(body).toContain('XSS');
    for (const who of ['山田', '太郎', REPORTER]) expect(body).not.toContain(who);
    // Encrypted to the contact alone: the desk's other parties cannot read it.
    await expect(decryptNotice(nisc.raw, w.acme)).rejects.toThrow();
    expect((await w.snapshot(CASE_A)).priority?.sent).toHaveLength(1);
  }, 60_000);

  it('the contact whose key file does not hold its pinned key gets nothing; the coordinators are told', async () => {
    const isac = (await sentPriority()).find((n) => n.recipient === ISAC)!;
    expect(isac.state).toBe('withheld');
    expect(isac.raw.length).toBe(0);
    const alerts = (await w.notices('coord-alert')).filter((n) => n.id.includes(CASE_A));
    const texts = await Promise.all(alerts.map((a) => decryptNotice(a.raw, w.sato)));
    expect(texts.some((t) => t.includes('priority notice to isac withheld'))).toBe(true);
  }, 60_000);

  it('after publication: refused already-published', async () => {
    const day = addCalendarDays(jstDate(new Date()), 2);
    expect(await command(`X-SET-DATE: ${day}`)).toContain(day);
    w.now = new Date(jstStartOfDay(day).getTime() + 3_600_000);
    await w.desk.tickAll();
    expect((await w.snapshot(CASE_A)).publishedAt).not.toBeNull();
    const before = (await sentPriority()).length;
    expect(await command('X-PRIORITY-NOTICE')).toContain('公表済みまたは終了しています');
    expect((await sentPriority()).length).toBe(before);
  }, 60_000);
});
