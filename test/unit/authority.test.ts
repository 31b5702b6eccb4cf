// src/inbound/authority.ts, src/inbound/signed-case.ts and the gate's age check, without a
// database: one test per refusal code decided there (issue 9 §1-3). The desk-level
// attacks are in test/security/.
import { describe, expect, it } from 'vitest';
import type { SignatureCheck } from '../../src/crypto/openpgp.ts';
import { ageRefusal } from '../../src/desk/signed-gate.ts';
import { AUTHORITY_REFUSALS, decideAuthority, type AuthorityInput } from '../../src/inbound/authority.ts';
import { caseFromSignedContent, referencedCases } from '../../src/inbound/signed-case.ts';
import type { SignedHow } from '../../src/inbound/unwrap.ts';

const AT = new Date('2026-12-01T00:00:00Z');
const sig = (id: string, over: Partial<SignatureCheck> = {}): SignatureCheck => ({ status: 'valid', fingerprint: `${id.toUpperCase().padEnd(40, '0')}`, emails: [], detail: '', created: AT, id, ...over });
const item = (covered: SignatureCheck[] | null, plumbing = false) => ({ plumbing, covered });
function input(items: AuthorityInput['items'], how: [SignatureCheck, SignedHow][] = [], over: Partial<AuthorityInput> = {}): AuthorityInput {
  return { rejected: false, items, signedHow: new Map(how), attachedKeys: 0, ...over };
}

describe('decideAuthority', () => {
  const a = sig('aa');
  const b = sig('bb');

  it('one valid signature over a whole layer covering every part: authority, with the signature id and time', () => {
    expect(decideAuthority(input([item([a]), item([a]), item(null, true)], [[a, 'layer']]))).toEqual({ ok: true, fingerprint: a.fingerprint, signatureId: 'aa', signedAt: AT.toISOString(), status: 'valid' });
  });
  it('unreadable: the verdict rejected the message', () => {
    expect(decideAuthority(input([item([a])], [[a, 'layer']], { rejected: true }))).toMatchObject({ ok: false, code: 'unreadable' });
  });
  it('unsigned: no part is signed', () => {
    expect(decideAuthority(input([item(null), item(null)]))).toMatchObject({ ok: false, code: 'unsigned' });
  });
  it('partly-signed: a signed part beside an unsigned one (plumbing does not count)', () => {
    expect(decideAuthority(input([item([a]), item(null)], [[a, 'layer']]))).toMatchObject({ ok: false, code: 'partly-signed', fingerprint: a.fingerprint });
  });
  it('several-signers: parts signed by different keys, or two signatures over one layer', () => {
    expect(decideAuthority(input([item([a]), item([b])], [[a, 'in-container'], [b, 'in-container']]))).toMatchObject({ ok: false, code: 'several-signers' });
    expect(decideAuthority(input([item([a, b])], [[a, 'layer'], [b, 'layer']]))).toMatchObject({ ok: false, code: 'several-signers' });
  });
  it('signed-part-in-container: the one signature signs a part inside an unsigned multipart', () => {
    expect(decideAuthority(input([item([a])], [[a, 'in-container']]))).toMatchObject({ ok: false, code: 'signed-part-in-container' });
  });
  it('detached-signature-attachment: an X + X.sig pair', () => {
    expect(decideAuthority(input([item([a])], [[a, 'detached-attachment']]))).toMatchObject({ ok: false, code: 'detached-signature-attachment' });
  });
  it('key-attached: the message carries a key', () => {
    expect(decideAuthority(input([item([a])], [[a, 'layer']], { attachedKeys: 1 }))).toMatchObject({ ok: false, code: 'key-attached' });
  });
  it('signer-not-pinned: a key the desk does not know', () => {
    const u = sig('cc', { status: 'unknown-key' });
    expect(decideAuthority(input([item([u])], [[u, 'layer']]))).toMatchObject({ ok: false, code: 'signer-not-pinned' });
  });
  it('bad-signature: invalid, expired, revoked, unsupported, or without id or time', () => {
    for (const status of ['invalid', 'expired-key', 'revoked-key', 'unsupported'] as const) {
      const s = sig('dd', { status });
      expect(decideAuthority(input([item([s])], [[s, 'layer']]))).toMatchObject({ ok: false, code: 'bad-signature', status });
    }
    const noTime = sig('ee', { created: null });
    expect(decideAuthority(input([item([noTime])], [[noTime, 'layer']]))).toMatchObject({ ok: false, code: 'bad-signature' });
    const noId = sig('ff', { id: null });
    expect(decideAuthority(input([item([noId])], [[noId, 'layer']]))).toMatchObject({ ok: false, code: 'bad-signature' });
  });
  it('the codes are stable strings, each listed once', () => {
    expect(new Set(AUTHORITY_REFUSALS).size).toBe(AUTHORITY_REFUSALS.length);
    for (const c of AUTHORITY_REFUSALS) expect(c).toMatch(/^[a-z]+(-[a-z]+)*$/);
  });
});

describe('caseFromSignedContent', () => {
  const base = { signedSubject: null, bodyCaseId: null, references: [], casePrefix: 'VR', deskDomain: 'madoguchi.test' };
  it('the signed body, or the signed subject, names the case', () => {
    expect(caseFromSignedContent({ ...base, bodyCaseId: 'VR-2026-0001' })).toEqual({ ok: true, caseId: 'VR-2026-0001' });
    expect(caseFromSignedContent({ ...base, signedSubject: 'Re: [VR-2026-0002] notice' })).toEqual({ ok: true, caseId: 'VR-2026-0002' });
  });
  it('no-case: nothing signed names one', () => {
    expect(caseFromSignedContent(base)).toMatchObject({ ok: false, code: 'no-case' });
  });
  it('case-conflict: the signed subject and body disagree, or a desk notice answered belongs to another case', () => {
    expect(caseFromSignedContent({ ...base, signedSubject: '[VR-2026-0002]', bodyCaseId: 'VR-2026-0001' })).toMatchObject({ ok: false, code: 'case-conflict' });
    expect(caseFromSignedContent({ ...base, bodyCaseId: 'VR-2026-0001', references: ['<vendor-notify.VR-2026-0002.acme@madoguchi.test>'] })).toMatchObject({ ok: false, code: 'case-conflict' });
  });
  it('references that agree, or are not the desk\'s, change nothing', () => {
    expect(caseFromSignedContent({ ...base, bodyCaseId: 'VR-2026-0001', references: ['<vendor-notify.VR-2026-0001.acme@madoguchi.test>', '<VR-2026-0009@elsewhere.test>'] })).toEqual({ ok: true, caseId: 'VR-2026-0001' });
    expect(referencedCases(['<x.VR-2026-0003@MADOGUCHI.test>', '<y@madoguchi.test>'], 'VR', 'madoguchi.test')).toEqual(['VR-2026-0003']);
  });
});

describe('ageRefusal (trust.* limits)', () => {
  const now = new Date('2026-12-10T00:00:00Z');
  it('signature-too-old past the limit, signature-in-future past the skew, else nothing', () => {
    expect(ageRefusal(new Date(now.getTime() - 169 * 3_600_000), now, 168, 10)).toMatchObject({ code: 'signature-too-old' });
    expect(ageRefusal(new Date(now.getTime() - 167 * 3_600_000), now, 168, 10)).toBeNull();
    expect(ageRefusal(new Date(now.getTime() + 11 * 60_000), now, 168, 10)).toMatchObject({ code: 'signature-in-future' });
    expect(ageRefusal(new Date(now.getTime() + 9 * 60_000), now, 168, 10)).toBeNull();
  });
});
