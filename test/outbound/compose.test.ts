// Outgoing notices end to end with real tools: composed by the desk, then opened by real
// gpg (in a throwaway GNUPGHOME) and by the desk's own reader (inspectMessage).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRecipientKey, generateDeskKey, loadKeyring, readSigningKey, type DeskKey, type Keyring, type Recipient, type SigningKey } from '../../src/crypto/openpgp.ts';
import { inspectMessage } from '../../src/inbound/pipeline.ts';
import { encodeQuotedPrintable } from '../../src/adapters/nodemailer.ts';
import { composeEncrypted, composeSignedClear, normalizeMessageId, outerSubject, taggedSubject, type OutboundMessage } from '../../src/outbound/compose.ts';
import { renderNotice, type Lang, type RenderedNotice } from '../../src/outbound/templates.ts';
import { Gpg, MICALG_OF_HASH, decodedBody, headerOf, parts, splitEntity, statusLine } from './gpg.ts';

const DATE = new Date('2026-11-22T10:30:00Z');
const CASE = 'VR-2026-0042';
const PRODUCT = 'まどぐちメールサーバ 2.3.1';

const crlfOnly = (b: Buffer): boolean => !/\r(?!\n)|(?<!\r)\n/.test(b.toString('latin1'));
const toCrlf = (s: string): string => s.replace(/\r?\n/g, '\r\n');

let desk: DeskKey;
let reporter: DeskKey;
let signer: SigningKey;
let recipient: Recipient;
let ring: Keyring;
const notices = {} as Record<Lang, RenderedNotice>;
const raws = {} as Record<Lang, Buffer>;

function ackMessage(lang: Lang, notice: RenderedNotice): OutboundMessage {
  return {
    from: '脆弱性受付窓口 <desk@madoguchi.test>',
    to: ['Taro Yamada <taro@reporter.test>'],
    caseTag: CASE,
    subject: notice.subject,
    text: notice.text,
    messageId: `<ack.${CASE}.${lang}@madoguchi.test>`,
    inReplyTo: '<report-1@reporter.test>',
    references: ['<report-1@reporter.test>'],
    date: DATE,
  };
}

beforeAll(async () => {
  desk = await generateDeskKey('Madoguchi Desk', 'desk@madoguchi.test');
  reporter = await generateDeskKey('Taro Yamada', 'taro@reporter.test');
  signer = await readSigningKey(desk.armoredPrivate);
  const rc = await checkRecipientKey(reporter.armoredPublic);
  if (!rc.ok) throw new Error(`recipient key: ${rc.detail}`);
  recipient = rc.recipient;
  // The reporter's view: their own secret key and the desk's public key.
  ring = await loadKeyring(
    [
      { name: 'reporter.sec.asc', text: reporter.armoredPrivate },
      { name: 'desk.asc', text: desk.armoredPublic },
    ],
    undefined,
    (m) => {
      throw new Error(m);
    },
  );
  for (const lang of ['ja', 'en'] as const) {
    notices[lang] = renderNotice('ack', lang, { caseId: CASE, receivedAt: DATE, kind: 'product', productName: PRODUCT });
    raws[lang] = await composeEncrypted(ackMessage(lang, notices[lang]), signer, [recipient]);
  }
});

describe('encrypted ack, opened by real gpg', () => {
  let gpg: Gpg;
  beforeAll(() => {
    gpg = new Gpg();
    gpg.import(reporter.armoredPrivate);
    gpg.import(desk.armoredPublic);
  });
  afterAll(() => gpg.close());

  for (const lang of ['ja', 'en'] as const) {
    it(`${lang}: decrypts (DECRYPTION_OKAY), and the inner multipart/signed verifies with the desk key (GOODSIG, VALIDSIG), micalg matching`, () => {
      const raw = raws[lang];
      const outer = splitEntity(raw);
      expect(headerOf(outer, 'content-type')).toMatch(/^multipart\/encrypted;.*protocol="application\/pgp-encrypted"/);
      const [control, payload] = parts(raw);
      expect(splitEntity(Buffer.concat([control!])).body.toString('latin1')).toBe('Version: 1\r\n');
      const armored = decodedBody(splitEntity(payload!));
      expect(armored.toString('latin1')).toMatch(/^-----BEGIN PGP MESSAGE-----\r\n/);

      const dec = gpg.run(['--output', '-', '--decrypt', gpg.file(`enc-${lang}.asc`, armored)]);
      expect(dec.code, dec.stderr).toBe(0);
      expect(statusLine(dec, 'DECRYPTION_OKAY')).toBeDefined();
      expect(dec.status.some((l) => l.includes('DECRYPTION_FAILED'))).toBe(false);

      // The plaintext is the multipart/signed entity, CRLF throughout.
      const plain = dec.stdout;
      expect(crlfOnly(plain)).toBe(true);
      const signedEntity = splitEntity(plain);
      const ct = headerOf(signedEntity, 'content-type') ?? '';
      expect(ct).toMatch(/^multipart\/signed;/);
      expect(ct).toContain('protocol="application/pgp-signature"');
      const micalg = /micalg="?([a-z0-9-]+)"?/i.exec(ct)?.[1];

      const [data, sigPart] = parts(plain);
      const sigEntity = splitEntity(sigPart!);
      expect(headerOf(sigEntity, 'content-type')).toMatch(/^application\/pgp-signature;\s*name="?signature\.asc"?/);
      expect(headerOf(sigEntity, 'content-transfer-encoding')).toBe('7bit');

      const ver = gpg.run(['--verify', gpg.file(`sig-${lang}.asc`, decodedBody(sigEntity)), gpg.file(`data-${lang}`, data!)]);
      expect(ver.code, ver.stderr).toBe(0);
      expect(statusLine(ver, 'GOODSIG')?.[0]).toBe(desk.fingerprint.slice(-16));
      const valid = statusLine(ver, 'VALIDSIG');
      expect(valid?.[0]).toBe(desk.fingerprint);
      expect(valid?.[9]).toBe(desk.fingerprint);
      expect(statusLine(ver, 'BADSIG')).toBeUndefined();
      // (c) micalg names the hash the signature actually used.
      expect(micalg).toBe(MICALG_OF_HASH[valid?.[7] ?? '']);

      // A changed byte breaks it: the signature covers exactly these bytes.
      const tampered = Buffer.from(data!);
      const at = tampered.length - 3;
      tampered.writeUInt8(tampered.readUInt8(at) ^ 1, at);
      const bad = gpg.run(['--verify', gpg.file(`sig2-${lang}.asc`, decodedBody(sigEntity)), gpg.file(`data2-${lang}`, tampered)]);
      expect(statusLine(bad, 'BADSIG')).toBeDefined();

      // Inside: protected headers and the notice text.
      const inner = splitEntity(data!);
      expect(headerOf(inner, 'content-type')).toMatch(/^multipart\/mixed;\s*protected-headers="?v1"?/);
      expect(headerOf(inner, 'message-id')).toBe(`<ack.${CASE}.${lang}@madoguchi.test>`);
      const [textPart] = parts(data!);
      const text = splitEntity(textPart!);
      expect(headerOf(text, 'content-type')).toBe('text/plain; charset=utf-8');
      expect(decodedBody(text).toString('utf8')).toBe(toCrlf(notices[lang].text));
    });
  }
});

describe('encrypted ack, read by the desk itself (inspectMessage)', () => {
  for (const lang of ['ja', 'en'] as const) {
    it(`${lang}: pgp-mime, valid desk signature, protected subject inside, only the tag outside`, async () => {
      const raw = raws[lang];
      const r = await inspectMessage(raw, { ring });
      expect(r.verdict.rejected).toBeNull();
      expect(r.verdict.encryption).toBe('pgp-mime');
      expect(r.verdict.signature).toEqual({ status: 'valid', fingerprint: desk.fingerprint, matchesFrom: true });
      expect(r.verdict.subject).toBe(`[${CASE}] ${notices[lang].subject}`);
      expect(r.verdict.messageId).toBe(`<ack.${CASE}.${lang}@madoguchi.test>`);
      expect(r.text).toBe(notices[lang].text);

      const outer = splitEntity(raw);
      expect(headerOf(outer, 'subject')).toBe(`[${CASE}]`);
      expect(outerSubject(CASE)).toBe(`[${CASE}]`);
      // Nothing of the notice outside the encryption: the raw Subject line is the bare
      // tag (no encoded words), and no text of the notice appears anywhere in clear.
      const head = raw.subarray(0, raw.indexOf('\r\n\r\n')).toString('latin1');
      expect(head.split('\r\n').filter((l) => /^subject:/i.test(l))).toEqual([`Subject: [${CASE}]`]);
      for (const needle of [notices[lang].subject, PRODUCT, 'Product', '受付番号']) {
        expect(raw.includes(Buffer.from(needle, 'utf8'))).toBe(false);
      }
      expect(headerOf(outer, 'in-reply-to')).toBe('<report-1@reporter.test>');
      expect(headerOf(outer, 'references')).toBe('<report-1@reporter.test>');
      expect(headerOf(outer, 'date')).toBe('Sun, 22 Nov 2026 10:30:00 +0000');
      expect(headerOf(outer, 'mime-version')).toBe('1.0');
      expect(crlfOnly(raw)).toBe(true);
      expect(raw.subarray(-2).toString('latin1')).toBe('\r\n');
    });
  }

  it('attachments travel inside the encryption and come out intact', async () => {
    const pdf = Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0x0a, 0x0d, 0x0a]);
    const raw = await composeEncrypted(
      { ...ackMessage('en', notices.en), messageId: '<att@madoguchi.test>', attachments: [{ filename: 'advisory draft.pdf', contentType: 'application/pdf', content: pdf }] },
      signer,
      [recipient],
    );
    expect(raw.includes(Buffer.from('advisory'))).toBe(false);
    const r = await inspectMessage(raw, { ring });
    expect(r.verdict.signature.status).toBe('valid');
    expect(r.attachments).toHaveLength(1);
    expect(r.attachments[0]!.info.name).toBe('advisory draft.pdf');
    expect(r.attachments[0]!.info.contentType).toBe('application/pdf');
    expect(Buffer.from(r.attachments[0]!.bytes).equals(pdf)).toBe(true);
  });

  it('before a case exists the outer subject is [madoguchi] and the protected one has no tag', async () => {
    const n = renderNotice('missing', 'ja', { missing: ['reporter.email'], blankForm: '1. 届出種別：\n' });
    const raw = await composeEncrypted({ ...ackMessage('ja', n), caseTag: null, messageId: '<m1@madoguchi.test>' }, signer, [recipient]);
    expect(headerOf(splitEntity(raw), 'subject')).toBe('[madoguchi]');
    const r = await inspectMessage(raw, { ring });
    expect(r.verdict.subject).toBe(n.subject);
    expect(r.verdict.signature.status).toBe('valid');
  });

  it('never composes without a recipient key, and refuses header injection', async () => {
    await expect(composeEncrypted(ackMessage('en', notices.en), signer, [])).rejects.toThrow(/recipient key/);
    await expect(composeEncrypted({ ...ackMessage('en', notices.en), subject: 'a\r\nBcc: x@y.test' }, signer, [recipient])).rejects.toThrow(/subject/);
    await expect(composeEncrypted({ ...ackMessage('en', notices.en), messageId: 'x@y\r\nBcc: z' }, signer, [recipient])).rejects.toThrow(/Message-ID/);
    await expect(composeEncrypted({ ...ackMessage('en', notices.en), caseTag: 'VR-2026-0042] evil' }, signer, [recipient])).rejects.toThrow(/case id/);
    expect(normalizeMessageId('a.b@c')).toBe('<a.b@c>');
    // Someone else's broken Message-ID does not stop the notice; it is left out.
    const raw = await composeEncrypted({ ...ackMessage('en', notices.en), inReplyTo: 'no at sign\r\nBcc: x', references: ['<ok@x>', 'bad id'] }, signer, [recipient]);
    const outer = splitEntity(raw);
    expect(headerOf(outer, 'in-reply-to')).toBeUndefined();
    expect(headerOf(outer, 'references')).toBe('<ok@x>');
    expect(headerOf(outer, 'bcc')).toBeUndefined();
  });
});

describe('signed clear notice (content-free, for people without a usable key)', () => {
  let raw: Buffer;
  let notice: RenderedNotice;
  beforeAll(async () => {
    notice = renderNotice('unencrypted', 'ja', { deskFingerprint: desk.fingerprint });
    raw = await composeSignedClear(
      { from: 'desk@madoguchi.test', to: ['someone@example.test'], caseTag: null, subject: notice.subject, text: notice.text, messageId: '<u1@madoguchi.test>', date: DATE, attachDeskKey: true },
      signer,
    );
  });

  it('the desk reads it as signed by the desk, unencrypted, with desk-key.asc attached', async () => {
    expect(crlfOnly(raw)).toBe(true);
    const r = await inspectMessage(raw, { ring });
    expect(r.verdict.encryption).toBe('none');
    expect(r.verdict.signature).toEqual({ status: 'valid', fingerprint: desk.fingerprint, matchesFrom: true });
    expect(r.verdict.subject).toBe(notice.subject);
    expect(r.text).toBe(notice.text);
    expect(r.attachments.map((a) => [a.info.name, a.info.contentType])).toEqual([['desk-key.asc', 'application/pgp-keys']]);
    expect(Buffer.from(r.attachments[0]!.bytes).toString('utf8').replace(/\r\n/g, '\n')).toBe(desk.armoredPublic.replace(/\r\n/g, '\n'));
  });

  it('gpg verifies the first part with the desk key', () => {
    const gpg = new Gpg();
    try {
      gpg.import(desk.armoredPublic);
      const outer = splitEntity(raw);
      expect(headerOf(outer, 'content-type')).toMatch(/^multipart\/signed;/);
      const micalg = /micalg="?([a-z0-9-]+)"?/i.exec(headerOf(outer, 'content-type') ?? '')?.[1];
      const [data, sig] = parts(raw);
      const ver = gpg.run(['--verify', gpg.file('s.asc', decodedBody(splitEntity(sig!))), gpg.file('d', data!)]);
      expect(ver.code, ver.stderr).toBe(0);
      expect(statusLine(ver, 'VALIDSIG')?.[0]).toBe(desk.fingerprint);
      expect(micalg).toBe(MICALG_OF_HASH[statusLine(ver, 'VALIDSIG')?.[7] ?? '']);
    } finally {
      gpg.close();
    }
  });

  it('without attachDeskKey there is only the text', async () => {
    const n = renderNotice('nokey', 'en', { why: 'expired' });
    const r2 = await composeSignedClear(
      { from: 'desk@madoguchi.test', to: ['v@vendor.test'], caseTag: CASE, subject: n.subject, text: n.text, messageId: '<k1@madoguchi.test>', date: DATE, attachDeskKey: false },
      signer,
    );
    const r = await inspectMessage(r2, { ring });
    expect(r.verdict.signature.status).toBe('valid');
    expect(r.attachments).toHaveLength(0);
    expect(r.verdict.subject).toBe(`[${CASE}] ${n.subject}`);
  });
});

describe('quoted-printable', () => {
  const decode = (qp: string): string => {
    const s = qp.replace(/=\r\n/g, '');
    return Buffer.from(s.replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
  };
  it('never starts a line with "From " or ".", keeps lines ≤ 76, encodes trailing blanks, round-trips', () => {
    const long = `${'x'.repeat(75)}From here on`;
    const text = `From the desk\n.\n.hidden\ntrailing  \ttab\t\n${long}\n${'あ'.repeat(40)}\nend\n`;
    const qp = encodeQuotedPrintable(text);
    const lines = qp.split('\r\n');
    for (const l of lines) {
      expect(l.length).toBeLessThanOrEqual(76);
      expect(l.startsWith('From ')).toBe(false);
      expect(l.startsWith('.')).toBe(false);
      expect(/[ \t]$/.test(l)).toBe(false);
    }
    expect(lines[0]).toBe('=46rom the desk');
    expect(decode(qp)).toBe(text.replace(/\n/g, '\r\n'));
    expect(lines).toContain('=46rom here on');
    // A soft break never splits a UTF-8 character.
    expect(lines.filter((l) => l.includes('=E3')).every((l) => /^(=E3=81=82)+=?$/.test(l))).toBe(true);
  });
});

describe('RFC 3834 Auto-Submitted and the draft tag', () => {
  it('every notice says it is automatic: auto-generated by default, auto-replied for answers', async () => {
    const generated = splitEntity(raws.en);
    expect(headerOf(generated, 'auto-submitted')).toBe('auto-generated');
    const answer = await composeEncrypted({ ...ackMessage('en', notices.en), autoSubmitted: 'auto-replied' }, signer, [recipient]);
    expect(headerOf(splitEntity(answer), 'auto-submitted')).toBe('auto-replied');
    const clear = await composeSignedClear({ ...ackMessage('en', notices.en), caseTag: null, attachDeskKey: false, autoSubmitted: 'auto-replied' }, signer);
    expect(headerOf(splitEntity(clear), 'auto-submitted')).toBe('auto-replied');
  });

  it('a notice about a draft carries its tag in the outer and the protected Subject', async () => {
    const tag = 'DRAFT-ABCDEFGH23';
    expect(outerSubject(null, tag)).toBe(`[madoguchi ${tag}]`);
    const raw = await composeEncrypted({ ...ackMessage('en', notices.en), caseTag: null, draftTag: tag }, signer, [recipient]);
    expect(headerOf(splitEntity(raw), 'subject')).toBe(`[madoguchi ${tag}]`);
    const r = await inspectMessage(raw, { ring });
    expect(r.verdict.subject).toBe(`[madoguchi ${tag}] ${notices.en.subject}`);
    await expect(composeEncrypted({ ...ackMessage('en', notices.en), caseTag: null, draftTag: 'DRAFT-x\r\nBcc: a@b' }, signer, [recipient])).rejects.toThrow(/draft tag/);
  });
});

describe('references in the protected subject (issue 12; mail-protocol §7)', () => {
  it('follow the desk tag, each once, and only the case tag is outside', () => {
    expect(taggedSubject('VR-2026-0042', 'Vendor status', undefined, ['VU#123456', 'PSIRT-1'])).toBe('[VR-2026-0042] [VU#123456] [PSIRT-1] Vendor status');
    expect(taggedSubject('VR-2026-0042', '[VR-2026-0042] [VU#123456] Vendor status', undefined, ['VU#123456', 'PSIRT-1'])).toBe('[VR-2026-0042] [PSIRT-1] [VU#123456] Vendor status');
    expect(outerSubject('VR-2026-0042')).toBe('[VR-2026-0042]');
  });
});
