// A scenario of issue 12's proof over real mail: a priority notice refused before the fix and
// sent after it (guideline §3 item 12; docs/priority-notice.md; docs/commands.md).
// Postfix (SMTP) → Dovecot → the desk by IMAP IDLE, the desk answering by SMTP into each
// party's Dovecot mailbox; every party reads its own mail with its own gpg home.
//   a reporter's signed, encrypted report → acknowledged → the coordinator accepts it and adds
//   ACME → ACME notified → the coordinator's X-PRIORITY-NOTICE before any fix: refused
//   (`no-fix`, the reason in the answer encrypted to the coordinator), nothing to the
//   contacts nor the reporter → ACME answers "fixed in 2.3.2" → X-PRIORITY-NOTICE again:
//   refused (`no-vendor-consent`, naming ACME) → X-PRIORITY-CONSENT: acme, recorded →
//   X-PRIORITY-NOTICE: the reporter is told first, then each configured contact (a government
//   and a critical-infrastructure one) gets the fix information encrypted to its pinned key
//   alone, signed by the desk, with nothing of the reporter → the date is set, the clock moves,
//   the case is published → X-PRIORITY-NOTICE once more: refused (`already-published`).
// Finally every mail the desk sent is checked: RFC 3156, encrypted to its recipient only,
// signed by the desk, nothing of the case in clear, nothing of the reporter to a contact or vendor.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCalendarDays, jstDate, jstStartOfDay } from '../../src/domain/clock.ts';
import { fingerprintOf } from '../support/coordination.ts';
import { query } from '../support/desk.ts';
import { makeReport } from '../support/gpg.ts';
import { DESK, MailWorld, yieldNow, type Received } from '../support/mail-world.ts';
import { sendRaw } from '../support/mailservers.ts';
import { FIXTURES, ROOT } from '../support/paths.ts';

const REPORTER = 'taro@reporter.test';
const ACME = 'psirt@acme.test';
const NISC = 'incident@nisc.test';
const ISAC = 'soc@ee-isac.test';
const SATO = 'sato@desk.test';
const CONTACTS = [NISC, ISAC] as const;
const PARTIES = [REPORTER, ACME, NISC, ISAC, SATO] as const;
/** The reporter's identity (report-ja.txt): never to a vendor (no consent) nor to a contact. */
const IDENTITY = ['山田', '太郎', REPORTER, 'サンプル研究所', '03-1234-5678'];
/** 公表時の氏名掲載：可（山田太郎）: the consented credit, in the published advisory only. */
const CREDIT = '山田太郎';
/** What is never outside the encryption: the product, the vulnerability, the fix. */
const CASE_SECRETS = ['まどぐち', '山田', 'alert(1)', 'クロスサイト', 'ACME-FIX-232'];

let w: MailWorld;
let caseId: string;

const received = (addr: string, prefix: string, count = 1): Promise<Received> => w.received(addr, prefix, count);
const inbox = (addr: string, prefix: string): Promise<Buffer[]> => w.inbox(addr, prefix);

/** A coordinator's command on the case; returns the text of its (next) confirmation, encrypted to the coordinator. */
async function command(lines: string[]): Promise<string> {
  const before = (await inbox(SATO, 'command-confirmation.')).length;
  await w.command(SATO, [`X-CASE: ${caseId}`, ...lines]);
  return (await received(SATO, 'command-confirmation.', before + 1)).text;
}

/** The priority notices and the reporter's `reporter-priority` the desk stored for the case. */
const priorityRows = (): Promise<{ kind: string; recipient: string; state: string; created_at: Date; sent_at: Date | null }[]> =>
  query(w.db.url, `SELECT kind, recipient, state, created_at, sent_at FROM notices WHERE case_id = $1 AND kind IN ('priority-notice', 'reporter-priority') ORDER BY id`, [caseId]);

/** When the message reached its mailbox: the date of the topmost Received header (the local delivery). */
function arrived(raw: Buffer): number {
  const head = raw.toString('latin1').split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
  const received = /^Received:.*;\s*(.+)$/im.exec(head);
  expect(received, 'a Received header').not.toBeNull();
  const t = Date.parse(received![1]!.replace(/\s*\(.*\)\s*$/, ''));
  expect(Number.isNaN(t)).toBe(false);
  return t;
}

beforeAll(async () => {
  w = await MailWorld.start({
    prefix: 'pn',
    parties: [
      { id: 'reporter', name: 'Taro', addr: REPORTER, secretKeyFile: join(FIXTURES, 'keys', 'reporter.sec.asc') },
      { id: 'acme', name: 'ACME PSIRT', addr: ACME },
      { id: 'nisc', name: 'NISC', addr: NISC },
      { id: 'isac', name: 'EE-ISAC', addr: ISAC },
      { id: 'sato', name: 'Sato', addr: SATO },
    ],
    coordinators: [SATO],
    // The priority contacts, an administrator's task: each with its fingerprint pinned and its
    // key file (docs/priority-notice.md "Contacts").
    beforeDesk: (world) => ({
      MADOGUCHI_CONFIG: world.file(
        'priority.yaml',
        [
          'priorityNotice:',
          '  contacts:',
          ...[
            { id: 'nisc', name: 'NISC', sector: 'government', addr: NISC },
            { id: 'isac', name: 'EE-ISAC', sector: 'critical-infrastructure', addr: ISAC },
          ].flatMap((c) => [
            `    - id: ${c.id}`,
            `      name: "${c.name}"`,
            `      sector: ${c.sector}`,
            `      email: "${c.addr}"`,
            `      fingerprint: "${fingerprintOf(world.world, c.addr)}"`,
            `      keyFile: "${world.keyFile(c.addr)}"`,
          ]),
          '',
        ].join('\n'),
      ),
    }),
  });
  // The vendor registry: ACME's contact and pinned key.
  const vendors = w.vendorsYaml([{ id: 'acme', name: 'ACME', addr: ACME }]);
  await w.run(['vendors', 'import', vendors]);
}, 300_000);

afterAll(async () => {
  await w?.stop();
});

describe('a priority notice over SMTP and IMAP (gpg on every side)', () => {
  it('the reporter\'s signed, encrypted report is acknowledged; the coordinator accepts it and ACME is notified, without the reporter', async () => {
    // The reporter refused to have the vendor told who they are.
    const body = readFileSync(join(ROOT, 'test', 'fixtures', 'report-ja.txt'), 'utf8').replace('製品開発者への発見者情報の通知：可', '製品開発者への発見者情報の通知：不可');
    const report = makeReport(w.world, { from: REPORTER, fromName: 'Taro', to: DESK, body, messageId: '<pn-report@reporter.test>' });
    await yieldNow();
    expect((await sendRaw(REPORTER, [DESK], report)).accepted).toEqual([DESK]);
    const ack = await received(REPORTER, 'ack.');
    caseId = /VR-\d{4}-\d{4}/.exec(ack.text)?.[0] ?? '';
    expect(caseId).not.toBe('');
    const confirmation = await command(['X-ACCEPT', 'X-ADD-VENDOR: acme']);
    expect(confirmation).toMatch(/X-ADD-VENDOR: acme\r?\n\s+実行しました/);
    const notified = await received(ACME, 'vendor-notify.');
    expect(notified.text).toContain(caseId);
    for (const s of IDENTITY) expect(notified.text).not.toContain(s);
  }, 240_000);

  it('before any fix: X-PRIORITY-NOTICE is refused with the reason; nothing goes to the contacts or the reporter', async () => {
    const answer = await command(['X-PRIORITY-NOTICE']);
    expect(answer).toContain('修正（修正バージョン）の報告がまだありません');
    await w.settled();
    for (const c of CONTACTS) expect(await inbox(c, ''), c).toEqual([]);
    expect(await inbox(REPORTER, 'reporter-priority.')).toEqual([]);
    expect(await priorityRows()).toEqual([]);
  }, 180_000);

  it('ACME answers "fixed in 2.3.2", signed; without its consent recorded the notice is refused, naming ACME', async () => {
    await w.send(ACME, `Re: [${caseId}]`, [`Case ID: ${caseId}`, 'Status: fixed', 'Fixed versions: 2.3.2', 'Advisory URL: https://acme.test/security/ACME-FIX-232'].join('\n') + '\n');
    await received(ACME, 'vendor-reply-recorded.');
    expect((await w.shown<{ vendors: { id: string; status: string }[] }>(caseId)).vendors.find((v) => v.id === 'acme')?.status).toMatch(/fixed/);
    const answer = await command(['X-PRIORITY-NOTICE']);
    expect(answer).toContain('acme の優先通知への同意が記録されていません');
    await w.settled();
    for (const c of CONTACTS) expect(await inbox(c, ''), c).toEqual([]);
    expect(await priorityRows()).toEqual([]);
  }, 240_000);

  it('consent recorded, X-PRIORITY-NOTICE: the reporter is told first; each contact gets the fix encrypted to its pinned key, signed by the desk, nothing of the reporter', async () => {
    expect(await command(['X-PRIORITY-CONSENT: acme'])).toContain('同意を案件に記録しました');
    const answer = await command(['X-PRIORITY-NOTICE']);
    expect(answer).not.toContain('何も送っていません');

    const told = await received(REPORTER, 'reporter-priority.');
    expect(told.text).toContain(caseId);
    // The reporter hears that a notice goes out, never to whom.
    for (const c of ['NISC', 'ISAC', ...CONTACTS]) expect(told.text).not.toContain(c);

    const notices: Received[] = [];
    for (const c of CONTACTS) {
      // `received` checks: RFC 3156, encrypted to this contact's key alone, signed by the desk.
      const n = await received(c, 'priority-notice.');
      expect(n.text).toContain(caseId);
      expect(n.text).toContain('まどぐちメールサーバ');
      expect(n.text).toContain('2.3.2');
      expect(n.text).toContain('https://acme.test/security/ACME-FIX-232');
      for (const s of IDENTITY) expect(n.text, c).not.toContain(s);
      notices.push(n);
    }
    // Only the pinned key opens it: the other contact's own key does not.
    expect(w.home(ISAC).status(['--decrypt'], /-----BEGIN PGP MESSAGE-----[\s\S]*?-----END PGP MESSAGE-----/.exec(notices[0]!.raw.toString('latin1'))![0]).status.some((l) => l.startsWith('DECRYPTION_OKAY'))).toBe(false);
    await yieldNow();

    // The reporter first (guideline §3 item 12): the reporter's notice is stored by the same
    // command, and each contact's notice waits until it is sent (notices.after_notice,
    // src/usecases/outbox.ts): sent strictly no earlier, and in the contact's mailbox no earlier
    // than the reporter's at the one-second resolution of a mail's Received date.
    const RECEIVED_RESOLUTION = 1_000;
    await w.settled();
    const rows = await priorityRows();
    expect(rows.map((r) => `${r.kind} ${r.recipient} ${r.state}`).sort()).toEqual([`priority-notice ${NISC} sent`, `priority-notice ${ISAC} sent`, `reporter-priority ${REPORTER} sent`].sort());
    const reporter = rows.find((r) => r.kind === 'reporter-priority')!;
    for (const r of rows.filter((x) => x.kind === 'priority-notice')) {
      expect(reporter.created_at.getTime(), r.recipient).toBeLessThanOrEqual(r.created_at.getTime());
      expect(reporter.sent_at!.getTime(), r.recipient).toBeLessThanOrEqual(r.sent_at!.getTime());
    }
    const reporterArrived = arrived(told.raw);
    for (const n of notices) expect(reporterArrived).toBeLessThanOrEqual(arrived(n.raw) + RECEIVED_RESOLUTION);
  }, 300_000);

  it('after publication X-PRIORITY-NOTICE is refused; nothing more goes to the contacts', async () => {
    const day = addCalendarDays(jstDate(w.clock.now()), 3);
    expect(await command([`X-SET-DATE: ${day}`])).toContain(day);
    await w.settled();
    w.clock.setTo(new Date(jstStartOfDay(day).getTime() + 3_600_000));
    const advisory = await received(REPORTER, 'advisory.');
    expect(advisory.text).toContain(caseId);
    await expect.poll(async () => (await w.shown<{ state: string }>(caseId)).state, { timeout: 60_000, interval: 500 }).toBe('published');
    await w.settled();
    const before = (await priorityRows()).length;
    const answer = await command(['X-PRIORITY-NOTICE']);
    expect(answer).toContain('公表済みまたは終了しています');
    await w.settled();
    expect((await priorityRows()).length).toBe(before);
    for (const c of CONTACTS) expect(await inbox(c, 'priority-notice.'), c).toHaveLength(1);
    expect(await inbox(REPORTER, 'reporter-priority.')).toHaveLength(1);
  }, 300_000);

  it('every mail the desk sent: RFC 3156, encrypted to its recipient, signed by the desk, nothing in clear, nothing of the reporter to a contact or the vendor', async () => {
    const seenBy = new Set<string>();
    await w.everyMailSealed(CASE_SECRETS, (addr, text, what) => {
      seenBy.add(addr);
      if (addr === ACME || (CONTACTS as readonly string[]).includes(addr)) {
        // The reporter's credit (consented) only in the advisory; nothing else of them anywhere.
        const own = what.includes(' <advisory.') ? text.replaceAll(CREDIT, '') : text;
        for (const s of IDENTITY) expect(own, what).not.toContain(s);
        const seen = w.addressesIn(text);
        expect([...seen], what).toEqual(seen.size === 0 ? [] : [addr]);
      }
      // A contact gets its priority notice and nothing else.
      if ((CONTACTS as readonly string[]).includes(addr)) expect(what).toContain('priority-notice.');
    });
    expect(seenBy).toEqual(new Set(PARTIES));
  }, 300_000);
});
