import { describe, expect, it } from 'vitest';
import {
  authorizeCommandMail,
  coordinatorFor,
  DEFAULT_AUTH_SETTINGS,
  MemoryReplayStore,
  normalizeCommandText,
  normalizeFingerprint,
  ReplayConflictError,
  replayKey,
  replayRetentionMs,
  validateCoordinators,
  type Coordinator,
  type ReplayStore,
} from '../../src/commands/auth.ts';
import type { InspectResult, SignatureVerdict } from '../../src/domain/inspect.ts';

const FPR_SATO = 'A1B2C3D4E5F60718293A4B5C6D7E8F9001122334';
const FPR_SATO_OLD = '00112233445566778899AABBCCDDEEFF00112233';
const FPR_SUZUKI = 'BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB';
const FPR_MALLORY = 'DEADBEEFDEADBEEFDEADBEEFDEADBEEFDEADBEEF';

const COORDINATORS: Coordinator[] = [
  // Pinned as people paste them: grouped, lower case.
  { name: '佐藤 花子', email: 'sato@desk.example.jp', fingerprints: ['a1b2 c3d4 e5f6 0718 293a  4b5c 6d7e 8f90 0112 2334', FPR_SATO_OLD] },
  { name: 'Suzuki Ichiro', email: 'suzuki@desk.example.jp', fingerprints: [FPR_SUZUKI] },
];

const NOW = new Date('2026-11-22T10:30:00Z');
const TEXT = 'X-CASE: VR-2026-0042\nX-ACCEPT\n';
const minutes = (n: number): Date => new Date(NOW.getTime() + n * 60_000);

function verdict(signature: Partial<SignatureVerdict>, over: Partial<InspectResult> = {}): InspectResult {
  return {
    messageId: '<cmd-1@desk.example.jp>',
    from: 'sato@desk.example.jp',
    subject: 'commands',
    encryption: 'pgp-mime',
    signature: { status: 'valid', fingerprint: FPR_SATO, matchesFrom: true, ...signature },
    kind: 'unknown',
    attachments: [],
    rejected: null,
    notes: [],
    ...over,
  };
}

const auth = (v: InspectResult, store: ReplayStore, signedAt: Date | null = minutes(-5), text = TEXT, settings = {}) =>
  authorizeCommandMail(v, text, COORDINATORS, signedAt, NOW, store, settings);

describe('authority comes from the pinned key', () => {
  it('accepts a valid signature by a coordinator key, encrypted', async () => {
    const store = new MemoryReplayStore();
    const r = await auth(verdict({}), store);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.coordinator.name).toBe('佐藤 花子');
    expect(r.fingerprint).toBe(FPR_SATO);
    expect(r.signedAt).toEqual(minutes(-5));
    expect(r.replayKey).toBe(replayKey(FPR_SATO, minutes(-5), TEXT));
    expect(await store.seen(r.replayKey)).toBe(true);
  });

  it('accepts a coordinator\'s second pinned key', async () => {
    const r = await auth(verdict({ fingerprint: FPR_SATO_OLD }), new MemoryReplayStore());
    expect(r.ok && r.coordinator.email).toBe('sato@desk.example.jp');
  });

  it('accepts inline PGP as encrypted', async () => {
    expect((await auth(verdict({}, { encryption: 'inline' }), new MemoryReplayStore())).ok).toBe(true);
  });

  it('does not care about the From header: a coordinator key with another From is accepted', async () => {
    const r = await auth(verdict({ matchesFrom: false }, { from: 'someone@elsewhere.example' }), new MemoryReplayStore());
    expect(r.ok && r.coordinator.name).toBe('佐藤 花子');
  });

  it('refuses a valid signature by a non-coordinator key with a coordinator\'s From', async () => {
    const store = new MemoryReplayStore();
    const r = await auth(verdict({ fingerprint: FPR_MALLORY, matchesFrom: true }, { from: 'sato@desk.example.jp' }), store);
    expect(r).toMatchObject({ ok: false, reason: 'not-a-coordinator-key', fingerprint: FPR_MALLORY, coordinator: null });
    expect(store.size).toBe(0);
  });

  it('refuses an unsigned mail', async () => {
    const r = await auth(verdict({ status: 'none', fingerprint: null, matchesFrom: false }), new MemoryReplayStore());
    expect(r).toMatchObject({ ok: false, reason: 'not-signed', fingerprint: null, signatureStatus: 'none' });
  });

  it('refuses an invalid signature, even one claiming a coordinator key', async () => {
    const store = new MemoryReplayStore();
    const r = await auth(verdict({ status: 'invalid' }), store);
    expect(r).toMatchObject({ ok: false, reason: 'bad-signature', signatureStatus: 'invalid', coordinator: null });
    expect(store.size).toBe(0);
  });

  for (const status of ['expired-key', 'revoked-key', 'unsupported'] as const) {
    it(`refuses a coordinator signature with ${status}`, async () => {
      const r = await auth(verdict({ status }), new MemoryReplayStore());
      expect(r).toMatchObject({ ok: false, reason: 'bad-signature', signatureStatus: status });
    });
  }

  it('unknown-key: not a coordinator key when not pinned, a bad signature when pinned but missing from the keyring', async () => {
    expect(await auth(verdict({ status: 'unknown-key', fingerprint: FPR_MALLORY }), new MemoryReplayStore())).toMatchObject({ ok: false, reason: 'not-a-coordinator-key' });
    const pinned = await auth(verdict({ status: 'unknown-key', fingerprint: FPR_SUZUKI }), new MemoryReplayStore());
    expect(pinned).toMatchObject({ ok: false, reason: 'bad-signature' });
    expect(!pinned.ok && pinned.detail).toContain('keyring');
  });

  it('refuses a message the verdict rejected', async () => {
    const r = await auth(verdict({}, { rejected: { reason: 'mixed-encryption', detail: 'x' } }), new MemoryReplayStore());
    expect(r).toMatchObject({ ok: false, reason: 'unreadable' });
  });

  it('refuses a signature without a creation time', async () => {
    expect(await auth(verdict({}), new MemoryReplayStore(), null)).toMatchObject({ ok: false, reason: 'bad-signature' });
    expect(await auth(verdict({}), new MemoryReplayStore(), new Date(Number.NaN))).toMatchObject({ ok: false, reason: 'bad-signature' });
  });
});

describe('encryption', () => {
  it('refuses an unencrypted command from a coordinator', async () => {
    const r = await auth(verdict({}, { encryption: 'none' }), new MemoryReplayStore());
    expect(r).toMatchObject({ ok: false, reason: 'not-encrypted' });
    expect(!r.ok && r.coordinator?.name).toBe('佐藤 花子');
  });

  it('a command seen in clear cannot be re-sent encrypted by whoever saw it', async () => {
    const store = new MemoryReplayStore();
    expect(await auth(verdict({}, { encryption: 'none' }), store)).toMatchObject({ ok: false, reason: 'not-encrypted' });
    expect(await auth(verdict({}, { encryption: 'pgp-mime' }), store)).toMatchObject({ ok: false, reason: 'replay' });
  });

  it('the same clear command twice is still "not encrypted"', async () => {
    const store = new MemoryReplayStore();
    await auth(verdict({}, { encryption: 'none' }), store);
    expect(await auth(verdict({}, { encryption: 'none' }), store)).toMatchObject({ ok: false, reason: 'not-encrypted' });
  });
});

describe('replays', () => {
  it('the same signed command twice: the second is refused', async () => {
    const store = new MemoryReplayStore();
    expect((await auth(verdict({}), store)).ok).toBe(true);
    const again = await auth(verdict({}, { messageId: '<other-id@x>', subject: 'Re: [VR-2026-0043]' }), store);
    expect(again).toMatchObject({ ok: false, reason: 'replay' });
    expect(!again.ok && again.coordinator?.name).toBe('佐藤 花子');
  });

  it('the same command re-encoded in transit (CRLF, trailing spaces) is still the same', async () => {
    const store = new MemoryReplayStore();
    await auth(verdict({}), store);
    expect(await auth(verdict({}), store, minutes(-5), 'X-CASE: VR-2026-0042  \r\nX-ACCEPT\r\n\r\n')).toMatchObject({ ok: false, reason: 'replay' });
  });

  it('a new signature (another creation time) on the same text is a new command', async () => {
    const store = new MemoryReplayStore();
    await auth(verdict({}), store, minutes(-5));
    expect((await auth(verdict({}), store, minutes(-4))).ok).toBe(true);
  });

  it('the same creation time on another text, or by another coordinator, is a new command', async () => {
    const store = new MemoryReplayStore();
    await auth(verdict({}), store);
    expect((await auth(verdict({}), store, minutes(-5), 'X-CASE: VR-2026-0042\nX-PUBLISH\n')).ok).toBe(true);
    expect((await auth(verdict({ fingerprint: FPR_SUZUKI }), store)).ok).toBe(true);
  });

  it('two copies processed at the same time: exactly one passes', async () => {
    const store = new MemoryReplayStore();
    const results = await Promise.all([auth(verdict({}), store), auth(verdict({}), store), auth(verdict({}), store)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.reason === 'replay')).toHaveLength(2);
  });

  it('a store failure other than a conflict is not taken for a replay', async () => {
    const broken: ReplayStore = { seen: () => Promise.resolve(false), remember: () => Promise.reject(new Error('database is down')) };
    await expect(auth(verdict({}), broken)).rejects.toThrow('database is down');
  });

  it('refusals before the replay check remember nothing', async () => {
    const store = new MemoryReplayStore();
    await auth(verdict({ status: 'none', fingerprint: null }), store);
    await auth(verdict({ fingerprint: FPR_MALLORY }), store);
    await auth(verdict({}), store, minutes(-73 * 60));
    await auth(verdict({}), store, minutes(11));
    expect(store.size).toBe(0);
  });
});

describe('age', () => {
  it('refuses a command signed more than 72 hours ago', async () => {
    const r = await auth(verdict({}), new MemoryReplayStore(), minutes(-72 * 60 - 1));
    expect(r).toMatchObject({ ok: false, reason: 'too-old' });
  });
  it('accepts one signed 71 hours ago, and exactly 72 hours ago', async () => {
    expect((await auth(verdict({}), new MemoryReplayStore(), minutes(-71 * 60))).ok).toBe(true);
    expect((await auth(verdict({}), new MemoryReplayStore(), minutes(-72 * 60))).ok).toBe(true);
  });
  it('honours maxAgeHours', async () => {
    expect(await auth(verdict({}), new MemoryReplayStore(), minutes(-3 * 60), TEXT, { maxAgeHours: 2 })).toMatchObject({ ok: false, reason: 'too-old' });
  });
  it('refuses a command signed more than 10 minutes in the future', async () => {
    expect(await auth(verdict({}), new MemoryReplayStore(), minutes(11))).toMatchObject({ ok: false, reason: 'future-dated' });
  });
  it('tolerates 10 minutes of clock skew', async () => {
    expect((await auth(verdict({}), new MemoryReplayStore(), minutes(9))).ok).toBe(true);
    expect((await auth(verdict({}), new MemoryReplayStore(), minutes(10))).ok).toBe(true);
  });
});

describe('helpers', () => {
  it('normalises fingerprints and refuses key ids', () => {
    expect(normalizeFingerprint('a1b2 c3d4 e5f6 0718 293a  4b5c 6d7e 8f90 0112 2334')).toBe(FPR_SATO);
    expect(normalizeFingerprint('DEADBEEFDEADBEEF')).toBeNull();
    expect(normalizeFingerprint('Z'.repeat(40))).toBeNull();
    expect(normalizeFingerprint('A'.repeat(64))).toBe('A'.repeat(64));
  });
  it('finds the coordinator of a fingerprint', () => {
    expect(coordinatorFor(COORDINATORS, FPR_SUZUKI)?.name).toBe('Suzuki Ichiro');
    expect(coordinatorFor(COORDINATORS, FPR_SATO.toLowerCase())?.name).toBe('佐藤 花子');
    expect(coordinatorFor(COORDINATORS, FPR_MALLORY)).toBeNull();
    expect(coordinatorFor(COORDINATORS, null)).toBeNull();
  });
  it('validates the configured coordinators', () => {
    expect(validateCoordinators(COORDINATORS)).toEqual([]);
    const problems = validateCoordinators([
      { name: 'A', email: 'a@x.jp', fingerprints: ['DEADBEEFDEADBEEF'] },
      { name: 'B', email: 'not an address', fingerprints: [FPR_SUZUKI] },
      { name: 'C', email: 'c@x.jp', fingerprints: [FPR_SUZUKI.toLowerCase()] },
      { name: '', email: 'd@x.jp', fingerprints: [] },
    ]);
    expect(problems.some((p) => p.startsWith('A:') && p.includes('not a full fingerprint'))).toBe(true);
    expect(problems.some((p) => p.startsWith('B:') && p.includes('email'))).toBe(true);
    expect(problems.some((p) => p.startsWith('C:') && p.includes('also pinned for B'))).toBe(true);
    expect(problems.some((p) => p.includes('no pinned key'))).toBe(true);
    expect(problems.some((p) => p.includes('name is empty'))).toBe(true);
  });
  it('the replay key depends on signer, second of signing and normalised text only', () => {
    const k = replayKey(FPR_SATO, new Date('2026-11-22T10:00:00.000Z'), TEXT);
    expect(k).toMatch(/^[0-9a-f]{64}$/);
    expect(replayKey(FPR_SATO.toLowerCase(), new Date('2026-11-22T10:00:00.900Z'), 'X-CASE: VR-2026-0042\r\nX-ACCEPT')).toBe(k);
    expect(replayKey(FPR_SATO, new Date('2026-11-22T10:00:01.000Z'), TEXT)).not.toBe(k);
    expect(replayKey(FPR_SUZUKI, new Date('2026-11-22T10:00:00.000Z'), TEXT)).not.toBe(k);
    expect(replayKey(FPR_SATO, new Date('2026-11-22T10:00:00.000Z'), 'X-CASE: VR-2026-0043\nX-ACCEPT')).not.toBe(k);
  });
  it('normalises command text', () => {
    expect(normalizeCommandText('\uFEFF\r\nＸ－ＡＣＣＥＰＴ \t\r\n\r\n')).toBe('X-ACCEPT');
  });
  it('the memory store refuses a second remember and prunes by age', async () => {
    const store = new MemoryReplayStore();
    await store.remember('a', minutes(-100));
    await store.remember('b', minutes(0));
    await expect(store.remember('a', NOW)).rejects.toBeInstanceOf(ReplayConflictError);
    expect(store.prune(minutes(-50))).toBe(1);
    expect(await store.seen('a')).toBe(false);
    expect(await store.seen('b')).toBe(true);
  });
  it('replay keys are kept as long as a command can be accepted', () => {
    expect(replayRetentionMs()).toBe((DEFAULT_AUTH_SETTINGS.maxAgeHours * 60 + 10) * 60_000);
    expect(replayRetentionMs({ maxAgeHours: 1, maxFutureMinutes: 5 })).toBe(65 * 60_000);
  });
});
