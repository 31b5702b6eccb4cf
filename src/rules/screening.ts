// Screening (guideline §3 items 1-3; mail-protocol §1, §2): a pure function of what the
// desk read and what it knows, returning decisions. The caller carries them out in one
// transaction. Nothing here talks to mail, crypto or the database.
import type { InspectResult, RejectReason, ReportForm } from '../domain/inspect.ts';
import { REJECTIONS } from '../domain/refusals.ts';
import type { RmState } from '../domain/states.ts';
import { checkReport, dedupe, foldReport, problemSummary, type FieldProblem } from '../forms/field-checks.ts';
import { transition } from '../domain/states.ts';
import { parseSiteUrl } from './website-scope.ts';

export type KeyStatus = 'ok' | 'none' | 'expired' | 'revoked';
export type Lang = 'ja' | 'en';

export interface ScreeningInput {
  verdict: InspectResult;
  /** The sender's own text (for the language of the answer). */
  text: string;
  /** Auto-Submitted, bounces, lists: never answered (RFC 3834 §2). */
  automated: boolean;
  /** Usable encryption key for the sender's address. */
  senderKey: KeyStatus;
  /** The sender's open draft (an earlier incomplete report), if any. */
  draft: ReportForm | null;
  /**
   * Bad values found before the verdict was stored (a NUL byte, which the store cannot
   * hold, is replaced there and said here); screening adds what it finds itself.
   */
  problems?: readonly FieldProblem[];
}

export type NoticeTemplate = 'ack' | 'missing' | 'unencrypted' | 'nokey' | 'rejected' | 'invalid';

export type Decision =
  | { type: 'record'; event: string; detail: string }
  | { type: 'open-case'; report: ReportForm; lang: Lang; states: RmState[] }
  | { type: 'save-draft'; report: ReportForm }
  | { type: 'close-draft' }
  /** `encrypted`: details may be included (only to a usable key); otherwise content-free. */
  | { type: 'notice'; template: NoticeTemplate; to: string; lang: Lang; encrypted: boolean; reason?: RejectReason | 'invalid-signature'; keyWhy?: KeyStatus; problems?: FieldProblem[] }
  /** issue 9 §6: the message's verdict is a bad value (stable codes, no content). */
  | { type: 'invalid'; problems: FieldProblem[] };

export function languageOf(text: string): Lang {
  return /[\u3040-\u30ff\u4e00-\u9fff]/.test(text) ? 'ja' : 'en';
}

const REQUIRED_ALWAYS = ['kind', 'reporter.name', 'reporter.email', 'vulnerability.summary', 'reproduction'];

function get(o: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((x, k) => (x && typeof x === 'object' ? (x as Record<string, unknown>)[k] : undefined), o);
}

/** Required fields of §2 (by kind), recomputed after merging a draft with a resend. */
export function missingOf(r: ReportForm): string[] {
  const req = [...REQUIRED_ALWAYS];
  if (r.kind === 'product') req.splice(2, 0, 'product.name', 'product.version');
  if (r.kind === 'website') req.splice(2, 0, 'website.url');
  return req.filter((k) => {
    const v = get(r, k);
    return v === undefined || (typeof v === 'string' && v.trim() === '');
  });
}

/** A completed resend continues the same draft: new values win, old ones fill gaps. */
export function mergeDraft(draft: ReportForm | null, next: ReportForm): ReportForm {
  if (!draft) return { ...next, missing: missingOf(next) };
  const out: Record<string, unknown> = {};
  for (const src of [draft, next] as unknown as Record<string, unknown>[]) {
    for (const [k, v] of Object.entries(src)) {
      if (k === 'missing') continue;
      if (v && typeof v === 'object' && !Array.isArray(v)) out[k] = { ...((out[k]) ?? {}), ...(v) };
      else if (v !== undefined && v !== '') out[k] = v;
    }
  }
  const merged = out as unknown as ReportForm;
  merged.missing = missingOf(merged);
  return merged;
}

/**
 * issue 11: a website report's URL must read as a website address (guideline §4: the report
 * names the site), else it is a bad value refused here with `bad-url`, answered like any bad
 * value — not carried into a case whose notices could not be composed later. Empty is
 * `missing` (a draft), not bad.
 */
export function siteUrlProblems(r: ReportForm): FieldProblem[] {
  const url = r.kind === 'website' ? (r.website?.url ?? '') : '';
  if (url.trim() === '') return [];
  const a = parseSiteUrl(url);
  return a.ok ? [] : [{ field: 'website.url', code: 'bad-url' }];
}

export function screen(input: ScreeningInput): Decision[] {
  const v = input.verdict;
  const lang = languageOf(input.text);
  const to = v.from;

  // 1. Unreadable or hostile: recorded; answered content-free unless answering is unsafe.
  if (v.rejected) {
    const d: Decision[] = [{ type: 'record', event: 'rejected', detail: `${v.rejected.reason}: ${v.rejected.detail}` }];
    if (to && !input.automated && REJECTIONS[v.rejected.reason].answerSender) {
      d.push({ type: 'notice', template: 'rejected', to, lang, encrypted: false, reason: v.rejected.reason });
    }
    return d;
  }
  // 2. Nobody to answer, or a machine: kept and recorded only (no mail loops).
  if (!to || input.automated) return [{ type: 'record', event: 'ignored', detail: to ? 'automated message: not answered' : 'no From address' }];

  // 3. A tampered or dead signature: the sender is not who the message says.
  const sig = v.signature.status;
  if (sig === 'invalid') {
    return [
      { type: 'record', event: 'rejected', detail: 'invalid signature' },
      { type: 'notice', template: 'rejected', to, lang, encrypted: false, reason: 'invalid-signature' },
    ];
  }

  // 4. Unencrypted: nothing is read back or echoed; the answer carries the desk key. The
  // record names nothing read from the message, not even what kind of mail it looked like
  // (issue 9 §8: the answer says its contents were not processed).
  if (v.encryption === 'none') {
    return [
      { type: 'record', event: 'unencrypted', detail: 'unencrypted message: contents not processed' },
      { type: 'notice', template: 'unencrypted', to, lang, encrypted: false },
    ];
  }

  // 5. Vendor replies are coordination (issue 4); recorded for the coordinator here.
  if (v.kind === 'vendor-reply') {
    return [{ type: 'record', event: 'vendor-reply', detail: `vendor reply for ${v.vendorReply?.caseId ?? 'an unknown case'}` }];
  }

  // 6. An encrypted report (or free text, read as a report with every field missing).
  const report = mergeDraft(input.draft, foldReport(v.report ?? { missing: [] }));
  // A bad value (control character, over-long field: forms/field-checks.ts) ends the work
  // here: nothing is stored as a draft or a case, and the sender is told which fields and
  // why, encrypted; without a usable key the answer names nothing (issue 9 §6).
  const problems = dedupe([...(input.problems ?? []), ...checkReport(report), ...siteUrlProblems(report)]);
  if (problems.length > 0) {
    return [
      { type: 'invalid', problems },
      { type: 'record', event: 'invalid', detail: `bad values: ${problemSummary(problems)}` },
      { type: 'notice', template: 'invalid', to, lang, encrypted: input.senderKey === 'ok', ...(input.senderKey === 'ok' ? { problems } : {}) },
    ];
  }
  if (input.senderKey !== 'ok') {
    // Fail closed: no usable key, no details. The report waits as a draft.
    return [
      { type: 'save-draft', report },
      { type: 'record', event: 'no-key', detail: `no usable key for the sender (${input.senderKey})` },
      { type: 'notice', template: 'nokey', to, lang, encrypted: false, keyWhy: input.senderKey },
    ];
  }
  if (report.missing.length > 0) {
    return [
      { type: 'save-draft', report },
      { type: 'record', event: 'incomplete', detail: `missing: ${report.missing.join(', ')}` },
      { type: 'notice', template: 'missing', to, lang, encrypted: true },
    ];
  }
  // guideline §3 item 2: accepted (受理) unless impossible; received → valid → accepted.
  const states: RmState[] = ['received'];
  states.push(transition('received', 'validate'));
  states.push(transition('valid', 'accept'));
  return [
    { type: 'open-case', report, lang, states },
    ...(input.draft ? [{ type: 'close-draft' } as const] : []),
    { type: 'notice', template: 'ack', to, lang, encrypted: true },
  ];
}
