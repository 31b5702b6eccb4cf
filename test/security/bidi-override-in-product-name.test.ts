// A right-to-left override in a product name ("Trojan Source", CVE-2021-42574): the report
// is accepted (a bidi control is not a reason to refuse a report), but every notice that
// shows the name shows the override as a visible escape `<U+202E>`, so the reader sees
// the name as written, not reordered (issue 9 §6; src/outbound/neutralise.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeReport } from '../support/gpg.ts';
import { COORD, DESK, startBadValueDesk, TARO, type BadValueDesk } from '../support/bad-value-desk.ts';
import { ROOT } from '../support/paths.ts';

let t: BadValueDesk;
beforeAll(async () => {
  t = await startBadValueDesk({ name: 'bidi' });
}, 60_000);
afterAll(async () => t?.stop());

describe('a bidi override in the product name', () => {
  it('is neutralised in the acknowledgement and the coordinators notice', async () => {
    const body = readFileSync(join(ROOT, 'test', 'fixtures', 'report-en.txt'), 'utf8').replace('Product name: Madoguchi Mail Server', 'Product name: Madoguchi \u202Eexe.revreS\u202C Mail \u2066Server\u2069');
    const id = await t.desk.accept(makeReport(t.reporter, { from: TARO, fromName: 'Taro', to: DESK, body, messageId: '<bidi-1@reporter.test>' }), 'maildir', null);
    await t.settle(id, 'done');
    expect((await t.message(id)).error).toBeNull();
    const sent = await t.notices(id);
    const ack = sent.find((n) => n.kind === 'ack' && n.recipient === TARO);
    const coord = sent.find((n) => n.kind === 'coord-new-case' && n.recipient === COORD);
    expect(ack?.state).toBe('sent');
    expect(coord?.state).toBe('sent');
    const shown = 'Madoguchi <U+202E>exe.revreS<U+202C> Mail <U+2066>Server<U+2069>';
    for (const [home, n] of [[t.reporter, ack!], [t.coordinator, coord!]] as const) {
      const text = await t.read(home, n.raw);
      expect(text).toContain(shown);
      expect(text).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
    }
  }, 60_000);
});
