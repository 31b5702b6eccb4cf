// A reporter's questions about its case (issue 11; guideline §3 item 9): X-STATUS answered
// encrypted with what the reporter may know, X-WITHDRAW-NDA before and after one year from
// 起算日, and the content-free answer to everyone else. Desk driven directly, real PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reporterKeywords } from '../../src/forms/reporter-keywords.ts';
import { ACME, CASE_A, CASE_B, clearMail, encryptEntity, pgpMimeMail, replyForm, signedPart, textPart } from '../support/authority-desk.ts';
import { reporterWorld, TARO, type ReporterWorld } from '../support/reporter-question.ts';

let w: ReporterWorld;
const SECRET = 'ACME-INTERNAL-NOTE-7F3Q: the root cause is in libfoo 2.1';
const DAY = 86_400_000;

beforeAll(async () => {
  w = await reporterWorld();
  // ACME answers on CASE_A, with a comment meant for the desk alone.
  await w.deliver(pgpMimeMail({ from: ACME, subject: 'reply', messageId: '<rq-acme-1@acme.test>' }, await encryptEntity(w, textPart(replyForm(CASE_A, 'affected', [`Comment: ${SECRET}`, 'Fixed versions: 9.9.9-secret'])), w.acme)));
}, 120_000);
afterAll(async () => {
  await w.close();
});

const answersTo = async (to: string, kind: string): Promise<{ raw: Buffer; message_ref: number | null }[]> => (await w.notices(kind)).filter((x) => x.recipient === to);

describe('reporter keywords', () => {
  it('reads X-STATUS, X-状況, X-WITHDRAW-NDA, X-非開示撤回 (full-width too), not quoted lines, not beside other keywords', () => {
    expect(reporterKeywords(`X-STATUS: ${CASE_A}`)).toEqual({ status: true, withdraw: false });
    expect(reporterKeywords('Ｘ－状況\nX-非開示撤回')).toEqual({ status: true, withdraw: true });
    expect(reporterKeywords('x-withdraw-nda')).toEqual({ status: false, withdraw: true });
    expect(reporterKeywords('> X-STATUS')).toBeNull();
    expect(reporterKeywords('X-CASE: VR-2026-0001\nX-ACCEPT\nX-STATUS')).toBeNull();
    expect(reporterKeywords('status: affected')).toBeNull();
  });
});

describe('X-STATUS from the reporter', () => {
  it('is answered encrypted to the key on file: state, vendor contacted and answered, no vendor comment', async () => {
    const id = await w.deliver(await w.ask(`X-STATUS: ${CASE_A}\n`));
    const answers = (await answersTo(TARO, 'reporter-status')).filter((n) => n.message_ref === id);
    expect(answers).toHaveLength(1);
    const read = await w.readAsTaro(answers[0]!.raw);
    expect(read.encrypted).toBe(true);
    expect(read.text).toContain(CASE_A);
    expect(read.text).toContain('製品開発者への連絡：済み（回答あり）');
    for (const leak of ['ACME-INTERNAL-NOTE-7F3Q', 'libfoo', '9.9.9', 'ACME', ACME, 'Acme Router', 'secret steps']) expect(read.text).not.toContain(leak);
    // Nothing about the other case.
    expect(read.text).not.toContain(CASE_B);
    expect((await w.timeline('reporter-status-asked')).map((t) => t.case_id)).toEqual([CASE_A]);
  }, 60_000);

  it('replayed (the same signed mail again) answers nothing and changes nothing', async () => {
    const raw = await w.ask(`X-状況 ${CASE_B}\n`);
    const first = await w.deliver(raw);
    expect((await answersTo(TARO, 'reporter-status')).filter((n) => n.message_ref === first)).toHaveLength(1);
    // Re-sent in a new envelope: the signature is the same.
    const again = await w.deliver(Buffer.from(raw.toString('latin1').replace(/Message-ID: [^\r\n]+/, 'Message-ID: <replayed-1@reporter.test>'), 'latin1'));
    expect((await answersTo(TARO, 'reporter-status')).filter((n) => n.message_ref === again)).toHaveLength(0);
    expect((await w.timeline('reporter-message-refused')).some((t) => t.data.reason === 'replayed-signature')).toBe(true);
  }, 60_000);
});

describe('anyone else asking learns nothing', () => {
  const contentFree = async (id: number, to: string): Promise<string> => {
    const out = (await w.notices('question-not-answered')).filter((n) => n.message_ref === id && n.recipient === to);
    expect(out).toHaveLength(1);
    const text = out[0]!.raw.toString('utf8');
    expect(text).not.toContain('BEGIN PGP MESSAGE');
    return text;
  };

  it('a stranger (its own key) asking about an existing case and about a case that does not exist gets the same content-free answer', async () => {
    const a = await w.deliver(await w.ask(`X-STATUS: ${CASE_A}\n`, { key: w.mallory, from: 'mallory@evil.test' }));
    const b = await w.deliver(await w.ask('X-STATUS: VR-2026-9999\n', { key: w.mallory, from: 'mallory@evil.test' }));
    const ta = await contentFree(a, 'mallory@evil.test');
    const tb = await contentFree(b, 'mallory@evil.test');
    // The subject and the text part (the MIME boundaries, ids and signature differ by nature).
    const body = (t: string): string => `${/^Subject: .*$/m.exec(t)?.[0] ?? ''}\n${/quoted-printable\r\n\r\n([\s\S]*?)\r\n--/.exec(t)?.[1] ?? 'no text part'}`;
    expect(body(ta)).toBe(body(tb));
    for (const t of [ta, tb]) for (const leak of [CASE_A, 'VR-2026-9999', 'ACME', 'coordinat']) expect(t).not.toContain(leak);
    expect((await w.notices('reporter-status')).filter((n) => n.message_ref === a || n.message_ref === b)).toEqual([]);
  }, 60_000);

  it('unsigned (encrypted, from the reporter address) and signed in clear get the content-free answer only', async () => {
    const unsigned = await w.deliver(pgpMimeMail({ from: TARO, subject: 'q', messageId: '<rq-unsigned@reporter.test>' }, await encryptEntity(w, textPart(`X-STATUS: ${CASE_A}\n`))));
    await contentFree(unsigned, TARO);
    const clear = await w.deliver(clearMail({ from: TARO, subject: 'q', messageId: '<rq-clear@reporter.test>' }, await signedPart(textPart(`X-STATUS: ${CASE_A}\n`), w.taro)));
    await contentFree(clear, TARO);
    expect((await w.notices('reporter-status')).filter((n) => n.message_ref === unsigned || n.message_ref === clear)).toEqual([]);
  }, 60_000);
});

describe('X-WITHDRAW-NDA', () => {
  it('before one year from 起算日: explains from when (JST), records nothing', async () => {
    const id = await w.deliver(await w.ask(`X-WITHDRAW-NDA: ${CASE_A}\n`));
    const [n] = (await answersTo(TARO, 'reporter-status')).filter((x) => x.message_ref === id);
    const text = (await w.readAsTaro(n!.raw)).text;
    const start = (await w.snapshot(CASE_A)).firstContactDate!;
    expect(start).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const from = `${String(Number(start.slice(0, 4)) + 1)}${start.slice(4)}`;
    expect(text).toContain(`取り下げは起算日から 1 年以上経過した後に可能です。${from}（日本時間） 以降に`);
    expect(await w.timeline('nda-withdrawn')).toEqual([]);
  }, 60_000);

  it('after one year: recorded once, the coordinators told, the reporter told what it means; a second request is "already recorded"', async () => {
    w.now = new Date(Date.now() + 367 * DAY);
    try {
      const id = await w.deliver(await w.ask(`X-非開示撤回 ${CASE_A}\n`));
      const [n] = (await answersTo(TARO, 'reporter-status')).filter((x) => x.message_ref === id);
      const text = (await w.readAsTaro(n!.raw)).text;
      expect(text).toContain('取り下げのお申し出を記録しました');
      expect(text).toContain('発見者ご自身の判断で、本件の脆弱性情報を公表することができます');
      expect((await w.timeline('nda-withdrawn')).map((t) => t.case_id)).toEqual([CASE_A]);
      const alerts = (await w.notices('coord-alert')).filter((x) => x.message_ref === id);
      expect(alerts.map((a) => a.recipient)).toEqual(['sato@coord.test']);

      // A second, differently signed request: answered "already recorded", nothing recorded again.
      const again = await w.deliver(await w.ask(`X-WITHDRAW-NDA: ${CASE_A}\nX-STATUS\n`));
      const [m] = (await answersTo(TARO, 'reporter-status')).filter((x) => x.message_ref === again);
      const t2 = (await w.readAsTaro(m!.raw)).text;
      expect(t2).toMatch(/取り下げは \d{4}-\d{2}-\d{2}（日本時間） に記録済みです/);
      expect(t2).toContain('■ 現在の状況');
      expect(await w.timeline('nda-withdrawn')).toHaveLength(1);
      expect((await w.notices('coord-alert')).filter((x) => x.message_ref === again)).toEqual([]);
    } finally {
      w.now = null;
    }
  }, 60_000);
});
