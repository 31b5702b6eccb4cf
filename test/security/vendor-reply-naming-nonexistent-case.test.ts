// A genuine vendor reply (signed by the vendor's pinned key, from its registered address)
// that names a case the desk does not have (issue 9 §6). Today the coordinators' alert for
// it could not be rendered without a case and the job failed five times in silence. Now
// the verdict is `bad-value: caseId:unknown-case`, the vendor is told (encrypted to its
// pinned key) that the case id is not one of the desk's, and the coordinators are alerted.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptedMail } from '../support/gpg.ts';
import { COORD, DESK, startBadValueDesk, VENDOR, type BadValueDesk } from '../support/bad-value-desk.ts';
import { ROOT } from '../support/paths.ts';

let t: BadValueDesk;
beforeAll(async () => {
  t = await startBadValueDesk({ name: 'nocase' });
}, 60_000);
afterAll(async () => t?.stop());

describe('a vendor reply naming a case that does not exist', () => {
  it('is refused with unknown-case, the vendor answered encrypted, the coordinators alerted', async () => {
    const body = readFileSync(join(ROOT, 'test', 'fixtures', 'vendor-reply.txt'), 'utf8').replace('VR-2026-0042', 'VR-2026-9999');
    const raw = encryptedMail(t.vendor, { from: VENDOR, signAs: VENDOR, to: DESK, subject: 'Re: [VR-2026-9999]', messageId: '<nocase-1@vendor.test>', body });
    const id = await t.desk.accept(raw, 'maildir', null);
    await t.settle(id, 'done');
    expect((await t.message(id)).error).toBe('bad-value: caseId:unknown-case');
    const sent = await t.notices(id);
    expect(sent.map((n) => [n.kind, n.recipient, n.state]).sort()).toEqual([
      ['coord-alert', COORD, 'sent'],
      ['invalid', VENDOR, 'sent'],
    ]);
    const answer = await t.read(t.vendor, sent.find((n) => n.kind === 'invalid')!.raw);
    expect(answer).toContain('案件番号：この窓口にない案件番号です');
    const alert = await t.read(t.coordinator, sent.find((n) => n.kind === 'coord-alert')!.raw);
    expect(alert).toContain('bad-value: caseId:unknown-case (reply from acme)');
    expect(await t.timeline('message-failed')).toEqual([]);
  }, 60_000);
});
