// A body of BEGIN PGP MESSAGE lines with no END line (or with the END far away): the
// inline-armor search used a lazy regular expression retried from every BEGIN line, so
// a few MB of such lines kept the reader busy for minutes (quadratic). Found probing the
// fuzz targets (fuzz/, `npm run fuzz`) with large inputs; now two linear scans.
import { describe, expect, it } from 'vitest';
import { loadKeyring } from '../../src/crypto/openpgp.ts';
import { inspectMessage } from '../../src/inbound/pipeline.ts';
import { fixtureRing } from '../support/fixture-ring.ts';

const MiB = 1024 * 1024;
const mail = (body: string): Buffer => Buffer.from(`From: a@example.test\r\nSubject: x\r\nContent-Type: text/plain\r\n\r\n${body}`, 'latin1');

describe('a body of armor BEGIN lines without an END line', () => {
  it('is judged in linear time: 4 MiB of BEGIN PGP MESSAGE lines, a truncated-armor verdict', async () => {
    const ring = await loadKeyring([], undefined, () => undefined);
    const body = '-----BEGIN PGP MESSAGE-----\r\n'.repeat((4 * MiB) / 29);
    const t = Date.now();
    const { verdict } = await inspectMessage(mail(body), { ring });
    expect(Date.now() - t).toBeLessThan(5000);
    expect(verdict.rejected?.reason).toBe('malformed');
    expect(verdict.rejected?.detail).toMatch(/truncated armor/);
  });

  it('is judged in linear time: 4 MiB of BEGIN PGP SIGNED MESSAGE lines', async () => {
    const ring = await loadKeyring([], undefined, () => undefined);
    const body = '-----BEGIN PGP SIGNED MESSAGE-----\n\n'.repeat((4 * MiB) / 36);
    const t = Date.now();
    const { verdict } = await inspectMessage(mail(body), { ring });
    expect(Date.now() - t).toBeLessThan(5000);
    expect(verdict.rejected?.reason).toBe('malformed');
  });

  it('still finds the block after many BEGIN lines when an END follows (the first BEGIN to the first END)', async () => {
    const ring = await fixtureRing();
    const body = 'hello\r\n' + '-----BEGIN PGP MESSAGE-----\r\n'.repeat(50_000) + 'AAAA\r\n-----END PGP MESSAGE-----\r\n';
    const t = Date.now();
    const { verdict } = await inspectMessage(mail(body), { ring });
    expect(Date.now() - t).toBeLessThan(5000);
    // The clear "hello" beside an (unreadable) armored block: never merged (EFAIL).
    expect(verdict.rejected?.reason).toBe('mixed-encryption');
  });
});
