// Attack (issue 9 §5): the reporter's telephone number typed in full-width digits with a
// Japanese minus sign into the steps to reproduce ("０３−１２３４−５６７８"), which a plain
// substring check of "+81-3-1234-5678" misses. The vendor notice is held; the coordinator
// rewrites the field from the command line (`madoguchi case ID redact HOLD reproduction
// TEXT`, the CLI's code path) and the notice goes once, with the new text only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCliCommand } from '../../src/commands/parse.ts';
import { applyCommands } from '../../src/desk/commands.ts';
import { ACME, DESK, identityDesk, productReport, type IdentityDesk } from '../support/identity-desk.ts';

let t: IdentityDesk;
beforeAll(async () => {
  t = await identityDesk();
}, 120_000);
afterAll(async () => t?.close());

describe('full-width reporter phone in the steps to reproduce', () => {
  it('holds the vendor notice; the CLI redact replaces the field and the notice goes once', async () => {
    const caseId = await t.report(
      productReport({ summary: 'SQL injection in the search API.', reproduction: "1. Send q=' OR '1'='1 to /api/search.\n2. 不明な点は ０３−１２３４−５６７８ までお電話ください。" }),
      '<phone-1@reporter.test>',
    );
    const mark = t.sent.length;
    await t.command(`X-CASE: ${caseId}\nX-ADD-VENDOR: acme\n`, '<phone-cmd-1@coord.test>');
    expect(t.sent.slice(mark).filter((m) => m.to.includes(ACME))).toEqual([]);
    const [hold] = await t.db.query<{ ref: string; notice_id: string; hits: unknown }>('SELECT ref, notice_id, hits FROM identity_holds WHERE case_id = $1', [caseId]);
    expect(hold?.hits).toEqual([{ field: 'reproduction', kind: 'phone' }]);

    // The CLI: parsed as the command line parses it, applied by the code the CLI runs.
    const deps = { db: t.db, signer: t.signer, address: DESK, coordinators: [], now: new Date(), actor: 'cli:sato' };
    const parsed = parseCliCommand([caseId, 'redact', hold!.ref, 'reproduction', "Send q=' OR '1'='1 to /api/search."]);
    expect(parsed.errors).toEqual([]);
    const [outcome] = await applyCommands(deps, caseId, parsed.commands);
    expect(outcome).toMatchObject({ ok: true, notices: [hold!.notice_id] });

    // The CLI enqueues what it stored; the running desk sends it.
    const before = t.sent.length;
    await t.desk.handle('notify', { noticeId: hold!.notice_id });
    const toVendor = await t.readAll(ACME, before);
    expect(toVendor).toHaveLength(1);
    expect(toVendor[0]!.text).toContain("Send q=' OR '1'='1 to /api/search.");
    expect(toVendor[0]!.text.normalize('NFKC')).not.toMatch(/1234.?5678/);
    const [tl] = await t.db.query<{ actor: string; data: { field: string; replaced: boolean } }>(`SELECT actor, data FROM timeline WHERE case_id = $1 AND event = 'identity-hold-redacted'`, [caseId]);
    expect(tl).toMatchObject({ actor: 'cli:sato', data: { field: 'reproduction', replaced: true } });

    // Again: refused, nothing more sent (the notify job finds it sent).
    const [again] = await applyCommands(deps, caseId, parseCliCommand([caseId, 'release', hold!.ref]).commands);
    expect(again).toMatchObject({ ok: false, notices: [] });
    expect(again!.message).toMatch(/already released/);
    await t.desk.handle('notify', { noticeId: hold!.notice_id });
    expect(t.sent.length).toBe(before + 1);
  }, 120_000);

  it('a redaction that leaves the number elsewhere keeps the notice held', async () => {
    const caseId = await t.report(
      productReport({ summary: 'Call ０９０‐８７６５‐４３２１ or +81 3 1234 5678.', reproduction: 'TEL 03(1234)5678 for details.' }),
      '<phone-2@reporter.test>',
    );
    await t.command(`X-CASE: ${caseId}\nX-ADD-VENDOR: acme\n`, '<phone-cmd-2@coord.test>');
    const [hold] = await t.db.query<{ ref: string; notice_id: string }>('SELECT ref, notice_id FROM identity_holds WHERE case_id = $1', [caseId]);
    const mark = t.sent.length;
    await t.command(`X-CASE: ${caseId}\nX-REDACT: ${hold!.ref} summary\n  SQL injection in the search API.\n`, '<phone-cmd-3@coord.test>');
    expect(t.sent.slice(mark).filter((m) => m.to.includes(ACME))).toEqual([]);
    const [row] = await t.db.query<{ hits: unknown; resolved_at: Date | null }>('SELECT hits, resolved_at FROM identity_holds WHERE notice_id = $1', [hold!.notice_id]);
    expect(row).toEqual({ hits: [{ field: 'reproduction', kind: 'phone' }], resolved_at: null });
    await t.command(`X-CASE: ${caseId}\nX-REDACT: ${hold!.ref} reproduction\n`, '<phone-cmd-4@coord.test>');
    const sent = await t.readAll(ACME, mark);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.text).toContain('SQL injection in the search API.');
    expect(sent[0]!.text.normalize('NFKC')).not.toMatch(/1234.?5678|8765/);
  }, 120_000);
});
