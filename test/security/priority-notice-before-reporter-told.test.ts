// The attack/failure: the priority notice reaching government and critical-infrastructure
// contacts before the reporter was told (guideline §3 item 12: "after the reporter was
// told"). The reporter's notice and the contacts' notices are decided by one command; the
// reporter's mail server is down. Before migration 024 the contacts' notices went at once,
// the reporter told nobody knows when (or never). Now they wait for the reporter's notice:
// while it is not sent, none goes; once sent, they go; if it fails for good, none goes and
// the coordinators are told; the command given again tells the reporter again first.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDeskKey } from '../../src/crypto/openpgp.ts';
import type { PriorityContact } from '../../src/desk/priority-contacts.ts';
import type { Transport } from '../../src/outbound/transport.ts';
import { upsertKey } from '../../src/store/repo.ts';
import { ACME, CASE_A, CASE_B, SATO, authorityWorld, encryptEntity, pgpMimeMail, replyForm, textPart, type AuthorityWorld } from '../support/authority-desk.ts';
import { decryptNotice } from '../support/partner-desk.ts';

const NISC = 'incident@nisc.test';
const REPORTER = 'taro@reporter.test';

/** The reporter's mail server: down (421) while `down` is set. Every mail that went, in order. */
const down = new Set<string>();
const went: string[] = [];
const transport: Transport = {
  send: (_raw, env) => {
    if (env.to.some((a) => down.has(a))) return Promise.resolve({ ok: false, permanent: false, response: '421 4.3.2 service not available' });
    went.push(...env.to);
    return Promise.resolve({ ok: true, response: '250 ok' });
  },
  close: () => Promise.resolve(),
};

let w: AuthorityWorld;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mdg-prio-told-'));
  const nisc = await generateDeskKey('NISC', NISC, new Date(Date.now() - 86_400_000));
  writeFileSync(join(dir, 'nisc.asc'), nisc.armoredPublic);
  const contacts: PriorityContact[] = [{ id: 'nisc', name: 'NISC', sector: 'government', email: NISC, fingerprint: nisc.fingerprint, keyFile: join(dir, 'nisc.asc') }];
  w = await authorityWorld({ priorityContacts: contacts, transport });
  const reporter = await generateDeskKey('山田 太郎', REPORTER, new Date(Date.now() - 86_400_000));
  await upsertKey(w.db, { fingerprint: reporter.fingerprint, emails: [REPORTER], armored: reporter.armoredPublic, source: 'signature' });
  // On both cases: ACME reports its fix; a coordinator records its consent.
  for (const caseId of [CASE_A, CASE_B]) {
    await w.deliver(pgpMimeMail({ from: ACME, subject: `Re: [${caseId}]`, messageId: `<fix-${caseId}@acme.test>` }, await encryptEntity(w, textPart(replyForm(caseId, 'fixed', ['Fixed versions: 1.0.1'])), w.acme)));
    await command(caseId, 'X-PRIORITY-CONSENT: acme');
  }
}, 120_000);
afterAll(async () => {
  await w?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

let seq = 0;
/** A coordinator's command mail; its jobs run, a send that fails is left to its retry (not run here). */
async function command(caseId: string, lines: string): Promise<number> {
  const raw = pgpMimeMail({ from: SATO, subject: `[${caseId}] priority`, messageId: `<told${String(++seq)}@coord.test>` }, await encryptEntity(w, textPart(`X-CASE: ${caseId}\n${lines}\n`), w.sato, new Date(Date.now() - seq * 2000)));
  const id = await w.desk.accept(raw, 'maildir', `told${String(seq)}`);
  await w.drain(() => Promise.resolve());
  return id;
}

const of = async (caseId: string, kind: string): Promise<{ id: string; state: string; recipient: string }[]> =>
  w.db.query(`SELECT id, state, recipient FROM notices WHERE case_id = $1 AND kind = $2 ORDER BY created_at, id`, [caseId, kind]);

describe('the reporter\'s mail server is down when X-PRIORITY-NOTICE is given', () => {
  it('no contact gets the fix information while the reporter\'s notice is not sent', async () => {
    down.add(REPORTER);
    await command(CASE_A, 'X-PRIORITY-NOTICE');
    const [told] = await of(CASE_A, 'reporter-priority');
    expect(told?.state).toBe('pending');
    const prio = await of(CASE_A, 'priority-notice');
    expect(prio.map((n) => [n.recipient, n.state])).toEqual([[NISC, 'pending']]);
    expect(went).not.toContain(NISC);
    // Its job looks again and again (deferred, no attempt used up): still nothing.
    await w.drain(() => Promise.resolve());
    expect(went).not.toContain(NISC);
  }, 120_000);

  it('once the reporter\'s notice is sent (the server is back, its job retried), the contact\'s goes, after it', async () => {
    down.delete(REPORTER);
    const [told] = await of(CASE_A, 'reporter-priority');
    w.queue.jobs.unshift({ name: 'notify', data: { noticeId: told!.id } });
    await w.drain();
    expect((await of(CASE_A, 'reporter-priority'))[0]?.state).toBe('sent');
    expect((await of(CASE_A, 'priority-notice'))[0]?.state).toBe('sent');
    expect(went.indexOf(REPORTER)).toBeGreaterThanOrEqual(0);
    expect(went.indexOf(NISC)).toBeGreaterThan(went.indexOf(REPORTER));
  }, 120_000);
});

describe('the reporter\'s notice fails for good', () => {
  it('no contact gets anything; the notice is withheld and the coordinators are told', async () => {
    down.add(REPORTER);
    await command(CASE_B, 'X-PRIORITY-NOTICE');
    const [told] = await of(CASE_B, 'reporter-priority');
    expect(told?.state).toBe('pending');
    // The queue gives up on the reporter's notice (its last attempt failed).
    await w.desk.onFinalFailure('notify', { noticeId: told!.id }, '421 4.3.2 service not available');
    await w.drain(() => Promise.resolve());
    expect((await of(CASE_B, 'reporter-priority'))[0]?.state).toBe('failed');
    const [prio] = await of(CASE_B, 'priority-notice');
    expect(prio?.state).toBe('withheld');
    expect(went.filter((a) => a === NISC)).toHaveLength(1); // CASE_A's only
    const alerts = await w.db.query<{ raw: Buffer }>(`SELECT raw FROM notices WHERE case_id = $1 AND kind = 'coord-alert' AND state = 'sent'`, [CASE_B]);
    const texts = await Promise.all(alerts.map((a) => decryptNotice(a.raw, w.sato)));
    expect(texts.some((t) => t.includes('先に送るべき通知が送られなかったため通知を送っていません') && t.includes(`priority-notice to ${NISC}`) && t.includes(told!.id))).toBe(true);
  }, 120_000);

  it('the command given again does not count the failed notice as told: the reporter is told again first, then the contact', async () => {
    down.delete(REPORTER);
    await command(CASE_B, 'X-PRIORITY-NOTICE');
    const told = await of(CASE_B, 'reporter-priority');
    expect(told.map((n) => n.state)).toEqual(['failed', 'sent']);
    const prio = await of(CASE_B, 'priority-notice');
    expect(prio.map((n) => n.state).sort()).toEqual(['sent', 'withheld']);
    expect(went.lastIndexOf(NISC)).toBeGreaterThan(went.lastIndexOf(REPORTER));
  }, 120_000);
});
