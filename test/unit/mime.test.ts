import { describe, expect, it } from 'vitest';
import { decodeText, detectJapanese } from '../../src/mime/charset.ts';
import { decodeUnstructured } from '../../src/mime/headers.ts';
import { decodeTransfer, parseMime, splitMultipart } from '../../src/mime/parse.ts';
import { toCrlf } from '../../src/inbound/unwrap.ts';
import { fixture, fixtureRing } from '../support/fixture-ring.ts';
import { inspectMessage } from '../../src/inbound/pipeline.ts';

const SUBJECT = '脆弱性関連情報の届出（まどぐちメールサーバ）';

describe('charsets', () => {
  it('a raw 8-bit Shift_JIS Subject decodes (pitfalls.md: mailparser does not)', async () => {
    const { verdict } = await inspectMessage(fixture('plain-sjis-raw-subject.eml'), { ring: await fixtureRing() });
    expect(verdict.subject).toBe(SUBJECT);
  });

  it('an unlabelled ISO-2022-JP body decodes by its escape sequences', async () => {
    const { verdict } = await inspectMessage(fixture('charset-iso2022jp-nolabel.eml'), { ring: await fixtureRing() });
    expect(verdict.report?.reporter?.name).toBe('山田 太郎');
  });

  it('NEC and IBM extension characters survive ISO-2022-JP and CP932', () => {
    // ① (NEC row 13, JIS 0x2D21) and 髙 (IBM extension, CP932 0xFBFC)
    expect(decodeText(Buffer.from([0x1b, 0x24, 0x42, 0x2d, 0x21, 0x1b, 0x28, 0x42]), 'iso-2022-jp')).toBe('①');
    expect(decodeText(Buffer.from([0xfb, 0xfc]), 'cp932')).toBe('髙');
    expect(decodeText(Buffer.from([0xfb, 0xfc]), 'Shift_JIS')).toBe('髙');
  });

  it('detects EUC-JP and Shift_JIS when unlabelled, and never throws on junk', () => {
    expect(detectJapanese(Buffer.from([0xa4, 0xa2, 0xa4, 0xa4, 0xa4, 0xa6, 0xa4, 0xa8]))).toBe('euc-jp');
    expect(detectJapanese(Buffer.from([0x82, 0xa0, 0x82, 0xa2, 0x82, 0xa4]))).toBe('shift_jis');
    expect(typeof decodeText(Buffer.from([0xff, 0xfe, 0x00, 0x80]), 'x-unknown-charset')).toBe('string');
  });

  it('RFC 2047 words in ISO-2022-JP decode', () => {
    expect(decodeUnstructured('=?ISO-2022-JP?B?GyRCJEYkOSRIGyhC?=')).toBe('てすと');
  });
});

describe('MIME splitting on exact bytes (RFC 2046 §5.1.1, RFC 3156 §5)', () => {
  it('a part excludes the CRLF before the next delimiter', () => {
    const body = Buffer.from('pre\r\n--b\r\nContent-Type: text/plain\r\n\r\nline1\r\nline2\r\n--b--\r\n');
    const { bodies, closed } = splitMultipart(body, 'b');
    expect(closed).toBe(true);
    expect(Buffer.from(bodies[0]!).toString()).toBe('Content-Type: text/plain\r\n\r\nline1\r\nline2');
  });

  it('a longer boundary sharing the prefix is not a delimiter', () => {
    const body = Buffer.from('--b\r\n\r\nx\r\n--bb\r\ny\r\n--b--');
    const { bodies } = splitMultipart(body, 'b');
    expect(bodies).toHaveLength(1);
    expect(Buffer.from(bodies[0]!).toString()).toBe('\r\nx\r\n--bb\r\ny');
  });

  it('toCrlf changes bare LF only', () => {
    expect(Buffer.from(toCrlf(Buffer.from('a\nb\r\nc\n'))).toString()).toBe('a\r\nb\r\nc\r\n');
  });

  it('quoted-printable soft breaks and base64 decode', () => {
    expect(Buffer.from(decodeTransfer({ body: Buffer.from('a=3D=\r\nb =E3=81=82'), transferEncoding: 'quoted-printable' })).toString()).toBe('a=b あ');
    expect(Buffer.from(decodeTransfer({ body: Buffer.from('44GC\r\n'), transferEncoding: 'base64' })).toString()).toBe('あ');
  });

  it('an mbox From line before the headers is skipped', () => {
    const root = parseMime(Buffer.from('From a@b Mon Jan 1 00:00:00 2024\nSubject: x\nContent-Type: text/plain\n\nhi'));
    expect(root.headers.map((h) => h.name)).toEqual(['subject', 'content-type']);
  });
});

describe('signature time', () => {
  it('the verdict carries the creation time of the signature it names', async () => {
    const r = await inspectMessage(fixture('pgpmime-enc-signed-ja.eml'), { ring: await fixtureRing() });
    expect(r.verdict.signature.status).toBe('valid');
    expect(r.signedAt).toBeInstanceOf(Date);
    expect(r.signedAt!.getTime()).toBeLessThan(Date.now());
    expect((await inspectMessage(fixture('plain-ja.eml'), { ring: await fixtureRing() })).signedAt).toBeNull();
  });
});
