// One stray invalid byte in a Japanese report labelled UTF-8 (issue 9 §6). Today the whole
// body was re-read as Shift_JIS because of it: mojibake, and the reporter was told every
// field was missing. Now what is valid is decoded as UTF-8, the bad byte becomes U+FFFD,
// the verdict carries the flag `invalid-bytes`, and the report is read: a case opens.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gpg } from '../support/gpg.ts';
import { DESK, startBadValueDesk, TARO, type BadValueDesk } from '../support/bad-value-desk.ts';
import { ROOT } from '../support/paths.ts';
import { query } from '../support/desk.ts';

let t: BadValueDesk;
beforeAll(async () => {
  t = await startBadValueDesk({ name: 'straybyte' });
}, 60_000);
afterAll(async () => t?.stop());

/** PGP/MIME encrypted and signed by gpg, the inner body given as bytes (labelled UTF-8). */
function reportWithBytes(gpg: Gpg, body: Buffer): Buffer {
  const inner = Buffer.concat([Buffer.from('Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'), body]);
  const armored = gpg.run(['--armor', '-es', '-u', TARO, '-r', DESK], inner).toString();
  const keydata = gpg.run(['--export', TARO]).toString('base64');
  return Buffer.from(
    [
      `From: Taro <${TARO}>`,
      `To: ${DESK}`,
      'Subject: report',
      'Message-ID: <stray-1@reporter.test>',
      `Date: ${new Date().toUTCString()}`,
      `Autocrypt: addr=${TARO}; keydata=${keydata.replace(/(.{72})/g, '$1\r\n ')}`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="=-mdg-s"',
      '',
      '--=-mdg-s',
      'Content-Type: application/pgp-encrypted',
      '',
      'Version: 1',
      '',
      '--=-mdg-s',
      'Content-Type: application/octet-stream',
      '',
      armored.trimEnd(),
      '--=-mdg-s--',
      '',
    ].join('\r\n'),
  );
}

describe('a Japanese UTF-8 report with one stray invalid byte', () => {
  it('is read as UTF-8 (fields found, no mojibake), the byte marked, the case opened', async () => {
    const text = readFileSync(join(ROOT, 'test', 'fixtures', 'report-ja.txt'), 'utf8').replace(/\n/g, '\r\n');
    const bytes = Buffer.from(text, 'utf8');
    // A lone continuation byte inside the summary line: invalid anywhere in UTF-8.
    const at = bytes.indexOf(Buffer.from('管理画面の検索欄', 'utf8'));
    const body = Buffer.concat([bytes.subarray(0, at), Buffer.from([0xbf]), bytes.subarray(at)]);
    const id = await t.desk.accept(reportWithBytes(t.reporter, body), 'maildir', null);
    await t.settle(id, 'done');
    const m = await t.message(id);
    expect(m.error).toBeNull();
    expect((m.verdict?.desk as { flags?: string[] }).flags).toEqual(['invalid-bytes']);
    expect(m.verdict?.notes).toContain('invalid-bytes: bytes not valid in the declared charset were replaced by U+FFFD');
    const [c] = await query<{ report: { product: { name: string }; reporter: { name: string }; vulnerability: { summary: string }; missing: string[] } }>(t.dbUrl, 'SELECT report FROM cases');
    expect(c?.report.product.name).toBe('まどぐちメールサーバ');
    expect(c?.report.reporter.name).toBe('山田 太郎');
    expect(c?.report.missing).toEqual([]);
    expect(c?.report.vulnerability.summary).toBe('\uFFFD管理画面の検索欄にクロスサイトスクリプティングの脆弱性があります。');
    const sent = await t.notices(id);
    expect(sent.filter((n) => n.recipient === TARO).map((n) => n.kind)).toEqual(['ack']);
  }, 60_000);
});
