// Our own gpg-made corpus (test/fixtures/make-fixtures.sh): every shape × charset ×
// hostile case, with the verdict the desk owes for each in expected.json.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadKeyring, type Keyring } from '../../src/crypto/openpgp.ts';
import { inspectMessage } from '../../src/inbound/pipeline.ts';
import { FIXTURES } from '../support/paths.ts';

interface Expected {
  file: string;
  /** null: the desk's word is not fixed by the case (don't care). */
  encryption: string | null;
  signature: string | null;
  fingerprint: string | null;
  matchesFrom: boolean | null;
  rejected: string | null;
  kind: string | null;
  subject: string | null;
  missing: string[] | null;
  fields: Record<string, string | boolean> | null;
  attachments: { name: string; sha256: string }[] | null;
  alsoAcceptable?: { rejected?: string[] };
  note: string;
}

const expected = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as Expected[];

function get(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);
}

let ring: Keyring;
beforeAll(async () => {
  const dir = join(FIXTURES, 'keys');
  const sources = readdirSync(dir)
    .filter((n) => n.endsWith('.asc') && !n.startsWith('desk-protected'))
    .map((n) => ({ name: n, text: readFileSync(join(dir, n), 'utf8') }));
  ring = await loadKeyring(sources, undefined, () => undefined);
});

describe('generated fixture corpus', () => {
  it('covers at least 60 cases', () => expect(expected.length).toBeGreaterThanOrEqual(60));

  for (const e of expected) {
    it(`${e.file}: ${e.note.slice(0, 90)}`, async () => {
      const { verdict } = await inspectMessage(readFileSync(join(FIXTURES, e.file)), { ring });
      if (e.encryption !== null) expect(verdict.encryption, 'encryption').toBe(e.encryption);
      const rejected = verdict.rejected?.reason ?? null;
      if (e.alsoAcceptable?.rejected) expect([e.rejected, ...e.alsoAcceptable.rejected]).toContain(rejected);
      else expect(rejected, `rejected (${verdict.rejected?.detail ?? ''})`).toBe(e.rejected);
      if (e.signature !== null) expect(verdict.signature.status, 'signature').toBe(e.signature);
      // Whatever else, a rejected message is never read as a form.
      if (verdict.rejected) expect(verdict.kind).toBe('unknown');
      if (e.fingerprint !== null) expect(verdict.signature.fingerprint).toBe(e.fingerprint);
      if (e.matchesFrom !== null) expect(verdict.signature.matchesFrom, 'matchesFrom').toBe(e.matchesFrom);
      if (e.kind !== null) expect(verdict.kind, 'kind').toBe(e.kind);
      if (e.subject !== null) expect(verdict.subject).toBe(e.subject);
      if (e.missing !== null) expect(verdict.report?.missing ?? null).toEqual(e.missing);
      if (e.fields !== null) {
        const form = verdict.kind === 'vendor-reply' ? verdict.vendorReply : verdict.report;
        for (const [k, v] of Object.entries(e.fields)) expect(get(form, k), k).toEqual(v);
      }
      if (e.attachments !== null) {
        for (const a of e.attachments) expect(verdict.attachments).toContainEqual(expect.objectContaining({ name: a.name, sha256: a.sha256 }));
      }
    });
  }
});
