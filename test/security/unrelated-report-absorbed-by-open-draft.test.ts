// Unrelated report absorbed by an open draft (issue 9 §7). A reporter's incomplete report
// waits as a draft; the desk asks for the missing fields. Before, ANY next report of the
// same reporter was merged into that draft: a website report became a product case that
// carried the old product's fields. Now only a reply to the missing-fields notice (or a
// mail quoting the draft's tag), of the same kind, continues the draft; everything else
// is a new report.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptedMail, outerHeader, party, startDesk, type Party, type TestDesk } from '../support/inprocess-desk.ts';
import { query } from '../support/desk.ts';

let t: TestDesk;
let taro: Party;

const INCOMPLETE_PRODUCT = [
  'Report type: product',
  'Reporter name: Taro Yamada',
  'Product name: Madoguchi Mail Server',
  'Product version: 2.3.1',
  'Summary: SQL injection in the search API of the admin console.',
].join('\n');
const MISSING_FIELDS = ['Contact email: taro@reporter.test', 'Steps to reproduce: send q=1 OR 1=1 to /api/search.'].join('\n');
const WEBSITE_REPORT = [
  'Report type: website',
  'Reporter name: Taro Yamada',
  'Contact email: taro@reporter.test',
  'URL: https://shop.example.jp/cart',
  'Summary: Stored XSS in the cart page.',
  'Steps to reproduce: put <script> in the gift message.',
].join('\n');

interface DraftRow { id: string; tag: string; report: { kind?: string; product?: { name?: string } }; message_ids: string[]; notice_ids: string[]; closed_at: Date | null; case_id: string | null }
const drafts = () => query<DraftRow>(t.url, 'SELECT id, tag, report, message_ids, notice_ids, closed_at, case_id FROM drafts ORDER BY id');
interface CaseRow { id: string; kind: string; report: { kind?: string; product?: { name?: string }; website?: { url?: string } }; opened_from: string }
const cases = () => query<CaseRow>(t.url, 'SELECT id, kind, report, opened_from FROM cases ORDER BY id');
const mail = (body: string, headers: string[] = [], messageId?: string) => encryptedMail({ from: taro, deskPublic: t.deskPublic, body, headers, ...(messageId ? { messageId } : {}) });

beforeAll(async () => {
  t = await startDesk();
  taro = await party('Taro Yamada', 'taro@reporter.test');
}, 60_000);
afterAll(async () => t?.close());

describe('an open draft and the reporter’s next mail', () => {
  let first: DraftRow;
  let missingNotice: string;

  it('the missing-fields notice names the draft’s tag in its Subject and its text', async () => {
    await t.deliver(await mail(INCOMPLETE_PRODUCT, [], '<incomplete-1@reporter.test>'));
    const [d] = await drafts();
    expect(d).toBeDefined();
    first = d!;
    expect(first.tag).toMatch(/^DRAFT-[A-Z0-9]{8,16}$/);
    const notice = t.sent.find((s) => s.id.startsWith('<missing.'));
    expect(notice).toBeDefined();
    missingNotice = notice!.id;
    expect(first.notice_ids).toEqual([missingNotice]);
    expect(outerHeader(notice!.raw, 'subject')).toBe(`[madoguchi ${first.tag}]`);
    const read = await t.read(notice!.raw, taro);
    expect(read.verdict.subject?.startsWith(`[madoguchi ${first.tag}] `)).toBe(true);
    expect(read.text).toContain(first.tag);
  }, 60_000);

  it('an unrelated website report is a new case: not merged into the product draft', async () => {
    const id = await t.deliver(await mail(WEBSITE_REPORT));
    const [c, ...more] = await cases();
    expect(more).toEqual([]);
    expect(c!.kind).toBe('website');
    expect(c!.report.website?.url).toBe('https://shop.example.jp/cart');
    // What did NOT happen: the old product's fields in the website case, the draft closed.
    expect(c!.report.product).toBeUndefined();
    expect(Number(c!.opened_from)).toBe(id);
    const [d] = await drafts();
    expect(d!.closed_at).toBeNull();
    expect(d!.message_ids).toEqual(first.message_ids);
    expect(d!.report).toEqual(first.report);
  }, 60_000);

  it('a second incomplete report that is no reply opens its own draft', async () => {
    await t.deliver(await mail(INCOMPLETE_PRODUCT.replace('Madoguchi Mail Server', 'Other Router')));
    const all = await drafts();
    expect(all).toHaveLength(2);
    expect(all[0]!.report).toEqual(first.report);
    expect(all[1]!.report.product?.name).toBe('Other Router');
    expect(all[1]!.tag).not.toBe(first.tag);
  }, 60_000);

  it('a reply of another kind to the notice does not continue the draft', async () => {
    await t.deliver(await mail(WEBSITE_REPORT.replace('shop.example.jp', 'other.example.jp'), [`In-Reply-To: ${missingNotice}`]));
    const c = (await cases()).find((x) => x.report.website?.url === 'https://other.example.jp/cart');
    expect(c?.kind).toBe('website');
    expect(c!.report.product).toBeUndefined();
    expect((await drafts())[0]!.closed_at).toBeNull();
  }, 60_000);

  it('the same fields from another key of the same address do not continue it', async () => {
    const mallory = await party('Taro Yamada', 'taro@reporter.test');
    await t.deliver(await encryptedMail({ from: mallory, deskPublic: t.deskPublic, body: MISSING_FIELDS, headers: [`In-Reply-To: ${missingNotice}`] }));
    const [d] = await drafts();
    expect(d!.closed_at).toBeNull();
    expect(d!.message_ids).toEqual(first.message_ids);
  }, 60_000);

  it('a reply to the notice with the missing fields completes the draft it answers, and only that one', async () => {
    const before = (await cases()).length;
    await t.deliver(await mail(MISSING_FIELDS, [`In-Reply-To: ${missingNotice}`, `References: <incomplete-1@reporter.test> ${missingNotice}`]));
    const all = await drafts();
    const after = await cases();
    expect(after).toHaveLength(before + 1);
    const made = after[after.length - 1]!;
    expect(made.kind).toBe('product');
    expect(made.report.product?.name).toBe('Madoguchi Mail Server');
    expect(all[0]!.closed_at).not.toBeNull();
    expect(all[0]!.case_id).toBe(made.id);
    expect(all[1]!.closed_at).toBeNull();
  }, 60_000);

  it('a fresh mail quoting the tag in its encrypted text continues that draft', async () => {
    const second = (await drafts())[1]!;
    await t.deliver(await mail(`Reference: ${second.tag}\n${MISSING_FIELDS}`));
    const d = (await drafts())[1]!;
    expect(d.closed_at).not.toBeNull();
    const c = (await cases()).find((x) => x.id === d.case_id);
    expect(c?.report.product?.name).toBe('Other Router');
  }, 60_000);
});
