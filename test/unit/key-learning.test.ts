// issue 9 §4: which key a message may teach the desk, case by case (src/trust/key-learning.ts).
import { describe, expect, it } from 'vitest';
import { decideKeys, signerDistrusted, type KeyLearningInput } from '../../src/trust/key-learning.ts';

const A = 'AAAA000000000000000000000000000000000001';
const B = 'BBBB000000000000000000000000000000000002';
const C = 'CCCC000000000000000000000000000000000003';

const base = (o: Partial<KeyLearningInput> = {}): KeyLearningInput => ({
  from: 'taro@reporter.test',
  rejected: false,
  signature: { status: 'valid', fingerprint: A },
  signer: { fingerprint: A, certifiedEmails: ['taro@reporter.test'], carried: 'autocrypt' },
  onFile: [],
  carried: [{ fingerprint: A, source: 'autocrypt' }],
  earlierHold: null,
  ...o,
});

describe('decideKeys', () => {
  it('stores a first key that signs the message and certifies the From address, for that address only', () => {
    const d = decideKeys(base({ signer: { fingerprint: A, certifiedEmails: ['taro@reporter.test', 'hanako@victim.test'], carried: 'autocrypt' } }));
    expect(d).toEqual([{ action: 'store', fingerprint: A, email: 'taro@reporter.test', source: 'autocrypt' }]);
  });

  it('compares the From address case-insensitively', () => {
    expect(decideKeys(base({ from: 'Taro@Reporter.TEST' }))[0]).toMatchObject({ action: 'store', email: 'taro@reporter.test' });
  });

  it('learns nothing from an unsigned message, whatever keys it carries', () => {
    const d = decideKeys(base({ signature: { status: 'none', fingerprint: null }, signer: null, carried: [{ fingerprint: A, source: 'attachment' }, { fingerprint: B, source: 'autocrypt' }] }));
    expect(d).toEqual([
      { action: 'ignore', fingerprint: A, why: 'unsigned-message' },
      { action: 'ignore', fingerprint: B, why: 'unsigned-message' },
    ]);
  });

  it.each(['invalid', 'unknown-key', 'expired-key', 'revoked-key', 'unsupported'])('learns nothing when the signature is %s', (status) => {
    const d = decideKeys(base({ signature: { status, fingerprint: A } }));
    expect(d).toEqual([{ action: 'ignore', fingerprint: A, why: 'signature-not-valid' }]);
  });

  it('learns nothing of a rejected message or one without From', () => {
    expect(decideKeys(base({ rejected: true }))).toEqual([{ action: 'ignore', fingerprint: A, why: 'rejected-message' }]);
    expect(decideKeys(base({ from: null }))).toEqual([{ action: 'ignore', fingerprint: A, why: 'no-from' }]);
  });

  it('does not learn a signing key without a certified user id for the From address (a key for another address)', () => {
    const d = decideKeys(base({ signer: { fingerprint: A, certifiedEmails: ['hanako@victim.test'], carried: 'attachment' } }));
    expect(d).toEqual([{ action: 'ignore', fingerprint: A, why: 'no-user-id-for-from' }]);
  });

  it('does not learn a carried key that did not sign the message, even one naming the From address', () => {
    const d = decideKeys(base({ signer: { fingerprint: A, certifiedEmails: ['taro@reporter.test'], carried: null }, carried: [{ fingerprint: B, source: 'attachment' }], onFile: [{ fingerprint: A, source: 'learned' }] }));
    expect(d).toEqual([
      { action: 'ignore', fingerprint: B, why: 'not-the-signer' },
      { action: 'refresh', fingerprint: A, email: 'taro@reporter.test' },
    ]);
  });

  it('refreshes the key on file (same primary fingerprint): the address stays', () => {
    const d = decideKeys(base({ onFile: [{ fingerprint: A.toLowerCase(), source: 'learned' }] }));
    expect(d).toEqual([{ action: 'refresh', fingerprint: A, email: 'taro@reporter.test' }]);
    expect(signerDistrusted(d)).toBe(false);
  });

  it('holds a different key for a known address (learned, configured or vendor key) and distrusts its signature', () => {
    for (const source of ['learned', 'config', 'vendor'] as const) {
      const d = decideKeys(base({ signer: { fingerprint: B, certifiedEmails: ['taro@reporter.test'], carried: 'attachment' }, signature: { status: 'valid', fingerprint: B }, carried: [{ fingerprint: B, source: 'attachment' }], onFile: [{ fingerprint: A, source }, { fingerprint: C, source }] }));
      expect(d).toEqual([{ action: 'hold', fingerprint: B, email: 'taro@reporter.test', source: 'attachment', onFile: [A, C] }]);
      expect(signerDistrusted(d)).toBe(true);
    }
  });

  it('does not hold (nor alert) a key again that is already held or was rejected, and still distrusts it', () => {
    const held = base({ signer: { fingerprint: B, certifiedEmails: ['taro@reporter.test'], carried: null }, signature: { status: 'valid', fingerprint: B }, carried: [], onFile: [{ fingerprint: A, source: 'learned' }] });
    const pending = decideKeys({ ...held, earlierHold: 'pending' });
    const rejected = decideKeys({ ...held, earlierHold: 'rejected' });
    expect(pending).toEqual([{ action: 'ignore', fingerprint: B, why: 'held-before' }]);
    expect(rejected).toEqual([{ action: 'ignore', fingerprint: B, why: 'rejected-before' }]);
    expect(signerDistrusted(pending) && signerDistrusted(rejected)).toBe(true);
  });

  it('refuses facts about another key than the one the verdict names', () => {
    expect(decideKeys(base({ signature: { status: 'valid', fingerprint: B } }))).toEqual([{ action: 'ignore', fingerprint: A, why: 'signature-not-valid' }]);
  });

  it('names the source of a key the desk already held (a signature, nothing carried)', () => {
    expect(decideKeys(base({ signer: { fingerprint: A, certifiedEmails: ['taro@reporter.test'], carried: null }, carried: [] }))).toEqual([
      { action: 'store', fingerprint: A, email: 'taro@reporter.test', source: 'signature' },
    ]);
  });
});
