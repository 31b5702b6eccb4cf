// keyFacts (src/desk/digest-keys.ts): the keys the digest watches, read for their expiry.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keyFacts } from '../../src/desk/digest-keys.ts';
import { buildDigest } from '../../src/rules/digest.ts';
import { ROOT } from '../support/paths.ts';

const key = (name: string): string => readFileSync(join(ROOT, 'test', 'fixtures', 'gen', 'keys', `${name}.pub.asc`), 'utf8');

describe('keyFacts', () => {
  it('reads each key\'s expiry; unreadable and revoked keys are unusable; the digest lists what is due within 30 days', async () => {
    const now = new Date('2020-12-21T00:00:00Z');
    const facts = await keyFacts(
      [
        { owner: { kind: 'desk' }, armored: key('desk') },
        { owner: { kind: 'vendor', id: 'acme' }, armored: key('expired') },
        { owner: { kind: 'vendor', id: 'beta' }, armored: key('revoked') },
        { owner: { kind: 'coordinator', name: 'Sato' }, armored: 'garbage', fingerprint: 'ABCD'.repeat(10) },
      ],
      now,
    );
    expect(facts.map((f) => [f.owner.kind, f.expiresAt?.toISOString() ?? null, f.unusable ?? false])).toEqual([
      ['desk', null, false],
      ['vendor', '2020-12-31T00:00:00.000Z', false],
      ['vendor', null, true],
      ['coordinator', null, true],
    ]);
    expect(facts[3]?.fingerprint).toBe('ABCD'.repeat(10));
    const d = buildDigest({ day: '2020-12-21', now, since: null, views: [], facts: { newCases: [], newDrafts: [], refusedMail: [], failedJobs: [], keys: facts }, options: { silentDays: 7 } });
    const keys = d.sections.find((s) => s.kind === 'keys');
    expect(keys?.lines.map((l) => [l.owner, l.expired, l.daysLeft])).toEqual([
      // Unusable keys first (no date), by owner; then by date.
      [{ kind: 'coordinator', name: 'Sato' }, true, null],
      [{ kind: 'vendor', id: 'beta' }, true, null],
      [{ kind: 'vendor', id: 'acme' }, false, 10],
    ]);
  });
});
