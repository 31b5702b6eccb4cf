// Auto-reply loop with automated mail (issue 9 §8; RFC 3834). An auto-responder, a list, a
// bounce or the desk's own answer coming back must never be answered: two robots answering
// each other loop forever, and a forged bounce or list post makes the desk mail a third
// party (backscatter). And every message the desk sends says it is automatic, so the
// robots on the other side do not answer it either.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearMail, encryptedMail, outerHeader, party, startDesk, type Party, type TestDesk } from '../support/inprocess-desk.ts';
import { query } from '../support/desk.ts';

let t: TestDesk;
let taro: Party;
const INCOMPLETE = ['Report type: product', 'Reporter name: Taro Yamada', 'Product name: Router X'].join('\n');

beforeAll(async () => {
  t = await startDesk();
  taro = await party('Taro Yamada', 'taro@reporter.test');
}, 60_000);
afterAll(async () => t?.close());

const MARKERS: [string, string[], { name: string; email: string }?][] = [
  ['Auto-Submitted: auto-replied (a vacation reply)', ['Auto-Submitted: auto-replied']],
  ['Auto-Submitted: auto-generated', ['Auto-Submitted: auto-generated']],
  ['Precedence: bulk', ['Precedence: bulk']],
  ['Precedence: list', ['Precedence: list']],
  ['Precedence: junk', ['Precedence: junk']],
  ['a List-Id header', ['List-Id: <security.lists.example.org>']],
  ['a List-Unsubscribe header', ['List-Unsubscribe: <mailto:leave@lists.example.org>']],
  ['the null sender <>', ['Return-Path: <>']],
  ['MAILER-DAEMON', [], { name: 'Mail Delivery System', email: 'MAILER-DAEMON@mx.reporter.test' }],
];

describe.each(MARKERS)('mail marked by %s', (_what, headers, sender) => {
  it('unencrypted: kept, recorded, never answered', async () => {
    const before = t.sent.length;
    const id = await t.deliver(clearMail({ from: sender ?? taro, subject: 'Out of office', body: 'I am away until Monday.\n', headers }));
    expect(t.sent.slice(before)).toEqual([]);
    expect(await query(t.url, 'SELECT 1 FROM notices WHERE message_ref = $1', [id])).toHaveLength(0);
    const [m] = await query<{ state: string }>(t.url, 'SELECT state FROM messages WHERE id = $1', [id]);
    expect(m!.state).toBe('done');
    expect(await query(t.url, `SELECT 1 FROM timeline WHERE event = 'ignored' AND data->>'message' = $1`, [String(id)])).toHaveLength(1);
  }, 60_000);

});

// MAILER-DAEMON signs nothing: the header markers on a reporter's own encrypted mail.
describe.each(MARKERS.filter(([, headers]) => headers.length > 0))('an encrypted incomplete report marked by %s', (_what, headers) => {
  it('gets no missing-fields notice', async () => {
    const before = t.sent.length;
    const id = await t.deliver(await encryptedMail({ from: taro, deskPublic: t.deskPublic, body: INCOMPLETE, headers }));
    expect(t.sent.slice(before)).toEqual([]);
    expect(await query(t.url, 'SELECT 1 FROM notices WHERE message_ref = $1', [id])).toHaveLength(0);
  }, 60_000);
});

describe('the desk’s own answers', () => {
  it('carry Auto-Submitted: auto-replied, and coming back (a loop) are not answered again', async () => {
    const before = t.sent.length;
    await t.deliver(clearMail({ from: taro, subject: 'hello', body: 'Hello desk.\n' }));
    const answers = t.sent.slice(before);
    expect(answers).toHaveLength(1);
    expect(outerHeader(answers[0]!.raw, 'auto-submitted')).toBe('auto-replied');
    // A forwarding rule or a spoofed sender sends the answer back to the desk.
    const looped = t.sent.length;
    const id = await t.deliver(answers[0]!.raw);
    expect(t.sent.length).toBe(looped);
    expect(await query(t.url, 'SELECT 1 FROM notices WHERE message_ref = $1', [id])).toHaveLength(0);
  }, 60_000);

  it('a missing-fields notice to a person carries Auto-Submitted too', async () => {
    const before = t.sent.length;
    await t.deliver(await encryptedMail({ from: taro, deskPublic: t.deskPublic, body: INCOMPLETE }));
    const sent = t.sent.slice(before);
    expect(sent.map((s) => s.id.split('.')[0])).toEqual(['<missing']);
    expect(outerHeader(sent[0]!.raw, 'auto-submitted')).toBe('auto-replied');
  }, 60_000);
});
