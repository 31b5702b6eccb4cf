// The draft-continuation rule (src/desk/drafts.ts, issue 9 §7), without a database: only a
// reply to a draft's notice, or a mail quoting its tag, of the same kind, continues it.
import { describe, expect, it } from 'vitest';
import { continuedDraft, newDraftTag, repliedTo } from '../../src/desk/drafts.ts';
import { DRAFT_TAG } from '../../src/outbound/compose.ts';
import type { Draft } from '../../src/store/drafts.ts';

const draft = (id: number, tag: string, kind: string | undefined, noticeIds: string[]): Draft => ({
  id,
  tag,
  reporterEmail: 'taro@reporter.test',
  reporterFpr: null,
  report: kind === undefined ? { missing: [] } : { kind, missing: [] },
  missing: [],
  messageIds: [id],
  noticeIds,
  caseId: null,
  createdAt: new Date(0),
  updatedAt: new Date(0),
  closedAt: null,
});

const P = draft(1, 'DRAFT-AAAAAAAAAAAA', 'product', ['<missing.m1@desk>']);
const W = draft(2, 'DRAFT-BBBBBBBBBBBB', 'website', ['<missing.m2@desk>', '<nokey.m3@desk>']);

describe('continuedDraft', () => {
  it('a mail that neither replies nor quotes a tag continues nothing', () => {
    expect(continuedDraft([P, W], { repliedTo: [], text: 'Report type: product\nProduct name: X', kind: 'product' })).toBeNull();
    expect(continuedDraft([P], { repliedTo: ['<other@reporter.test>'], text: 'DRAFT-AAAAAAAAAAAB', kind: undefined })).toBeNull();
  });

  it('a reply to one of the draft’s notices continues it', () => {
    expect(continuedDraft([P, W], { repliedTo: ['<r@x>', '<missing.m1@desk>'], text: '', kind: undefined })?.id).toBe(1);
    expect(continuedDraft([P, W], { repliedTo: ['<nokey.m3@desk>'], text: '', kind: 'website' })?.id).toBe(2);
  });

  it('the tag quoted in the text continues it (any case, not as part of a longer word)', () => {
    expect(continuedDraft([P, W], { repliedTo: [], text: 'Re: [madoguchi draft-bbbbbbbbbbbb]', kind: undefined })?.id).toBe(2);
    expect(continuedDraft([P, W], { repliedTo: [], text: 'XDRAFT-BBBBBBBBBBBB', kind: undefined })).toBeNull();
    expect(continuedDraft([P, W], { repliedTo: [], text: 'DRAFT-BBBBBBBBBBBBC', kind: undefined })).toBeNull();
  });

  it('another kind never continues a draft, whatever it replies to or quotes', () => {
    expect(continuedDraft([P], { repliedTo: ['<missing.m1@desk>'], text: P.tag, kind: 'website' })).toBeNull();
    expect(continuedDraft([W], { repliedTo: ['<missing.m2@desk>'], text: W.tag, kind: 'product' })).toBeNull();
  });

  it('a reply wins over a quoted tag of another draft', () => {
    expect(continuedDraft([P, W], { repliedTo: ['<missing.m2@desk>'], text: P.tag, kind: undefined })?.id).toBe(2);
  });
});

describe('repliedTo and the tag', () => {
  it('reads In-Reply-To and References of the outer header block only', () => {
    const raw = Buffer.from('From: a@b\r\nIn-Reply-To: <x@desk>\r\nReferences: <y@r>\r\n <z@desk>\r\n\r\nIn-Reply-To: <body@not>\r\n');
    expect(repliedTo(raw)).toEqual(['<x@desk>', '<y@r>', '<z@desk>']);
  });

  it('new tags are well-formed and differ', () => {
    const a = newDraftTag();
    expect(a).toMatch(DRAFT_TAG);
    expect(newDraftTag()).not.toBe(a);
  });
});
