// RFC 3834 automated-mail detection, one header at a time: each marker alone makes the
// mail automated (never answered); a person's ordinary mail and `Auto-Submitted: no` do not.
import { describe, expect, it } from 'vitest';
import { automatedReason } from '../../src/inbound/automated.ts';
import { parseHeaderFields } from '../../src/mime/parse.ts';

const PERSON = ['From: Taro Yamada <taro@reporter.test>', 'To: desk@madoguchi.test', 'Subject: report', 'Message-ID: <a@reporter.test>', 'Return-Path: <taro@reporter.test>'];
const fields = (extra: string[], base: string[] = PERSON) => parseHeaderFields(Buffer.from([...base, ...extra].join('\r\n') + '\r\n'));

describe('automatedReason', () => {
  it('a person’s mail is not automated', () => {
    expect(automatedReason(fields([]), 'text/plain')).toBeNull();
    expect(automatedReason(fields(['Auto-Submitted: no']), 'text/plain')).toBeNull();
    expect(automatedReason(fields(['Auto-Submitted: No (a comment)']), 'text/plain')).toBeNull();
    expect(automatedReason(fields(['Precedence: first-class']), 'text/plain')).toBeNull();
    expect(automatedReason(fields([], ['From: Post Master <pm@example.org>']), 'text/plain')).toBeNull();
  });

  it.each([
    ['Auto-Submitted: auto-replied', 'auto-submitted'],
    ['Auto-Submitted: auto-generated', 'auto-submitted'],
    ['Auto-Submitted: auto-notified; owner-email="x@y"', 'auto-submitted'],
    ['AUTO-SUBMITTED:   Auto-Replied', 'auto-submitted'],
    ['Precedence: bulk', 'precedence'],
    ['Precedence: list', 'precedence'],
    ['Precedence: JUNK', 'precedence'],
    ['List-Id: Announcements <announce.example.org>', 'list-header'],
    ['List-Unsubscribe: <mailto:leave@example.org>', 'list-header'],
    ['List-Post: <mailto:list@example.org>', 'list-header'],
    ['X-Autoreply: yes', 'autoreply-header'],
    ['X-Autorespond: vacation', 'autoreply-header'],
  ])('%s → %s', (line, reason) => {
    expect(automatedReason(fields([line]), 'text/plain')).toBe(reason);
  });

  it('a second Auto-Submitted that is not "no" counts', () => {
    expect(automatedReason(fields(['Auto-Submitted: no', 'Auto-Submitted: auto-replied']), 'text/plain')).toBe('auto-submitted');
  });

  it('the null sender <> (a bounce) is automated', () => {
    expect(automatedReason(fields([], ['From: a@b.example', 'Return-Path: <>']), 'text/plain')).toBe('null-sender');
    expect(automatedReason(fields([], ['From: a@b.example', 'Return-Path: < >']), 'text/plain')).toBe('null-sender');
  });

  it('MAILER-DAEMON and postmaster senders are automated', () => {
    expect(automatedReason(fields([], ['From: MAILER-DAEMON@mx.example.org']), 'text/plain')).toBe('mailer-daemon');
    expect(automatedReason(fields([], ['From: Mail Delivery System <Mailer-Daemon@mx.example.org>']), 'text/plain')).toBe('mailer-daemon');
    expect(automatedReason(fields([], ['From: postmaster@example.org']), 'text/plain')).toBe('mailer-daemon');
    expect(automatedReason(fields([], ['From: MAILER-DAEMON']), 'text/plain')).toBe('mailer-daemon');
  });

  it('delivery and disposition reports are automated', () => {
    expect(automatedReason(fields([]), 'multipart/report')).toBe('delivery-report');
  });
});
