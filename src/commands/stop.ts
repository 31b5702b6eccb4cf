// X-STOP: reason [text]: stop handling (guideline §3 item 3, plus `known`); the reporter is
// told the reason, the text is internal (case record).
import type { CommandSpec, Lang } from './spec.ts';
import { cont } from './syntax.ts';

/** guideline §3 item 3, plus `known` (already public: "it is already known"). */
export const STOP_REASONS = ['not-vulnerability', 'duplicate', 'not-reproducible', 'illegal', 'known'] as const;
export type StopReason = (typeof STOP_REASONS)[number];

export type StopCommand =
  | { kind: 'stop'; reason: 'duplicate'; duplicateOf: string; text: string | null }
  | { kind: 'stop'; reason: Exclude<StopReason, 'duplicate'>; text: string | null };

/** The words a coordinator may write for each reason (folded). */
export const STOP_WORDS: Record<StopReason, readonly string[]> = {
  'not-vulnerability': ['not-vulnerability', 'not-a-vulnerability', 'no-vulnerability', '脆弱性ではない', '脆弱性でない', '非脆弱性'],
  duplicate: ['duplicate', 'dup', '重複'],
  'not-reproducible': ['not-reproducible', 'cannot-reproduce', 'unreproducible', '再現不可', '再現不能', '再現できない'],
  illegal: ['illegal', 'obtained-illegally', 'illegally-obtained', '不正入手', '違法'],
  known: ['known', 'already-known', 'publicly-known', '既知'],
};

const LABEL: Record<Lang, (reason: StopReason, dup: string) => string> = {
  en: (r, dup) =>
    ({
      'not-vulnerability': 'not a vulnerability',
      duplicate: `duplicate of ${dup}`,
      'not-reproducible': 'cannot be reproduced',
      illegal: 'the information was obtained illegally',
      known: 'already publicly known',
    })[r],
  ja: (r, dup) =>
    ({
      'not-vulnerability': '脆弱性ではない',
      duplicate: `${dup} と重複`,
      'not-reproducible': '再現できない',
      illegal: '不正に入手された情報',
      known: '既に公知',
    })[r],
};

/** The same stop event for both tracks; the coordinator's text stays on the case record (the reporter is told the reason). */
function stopEvent(c: StopCommand): { type: 'stop'; reason: { kind: 'duplicate'; caseId: string } | { kind: Exclude<StopReason, 'duplicate'> }; text?: string } {
  const text = c.text !== null ? { text: c.text } : {};
  if (c.reason === 'duplicate') return { type: 'stop', reason: { kind: 'duplicate', caseId: c.duplicateOf }, ...text };
  return { type: 'stop', reason: { kind: c.reason }, ...text };
}

export const stop: CommandSpec<StopCommand> = {
  kind: 'stop',
  keywords: ['stop'],
  arg: 'stop',
  format: (c) => `X-STOP: ${c.reason === 'duplicate' ? `duplicate ${c.duplicateOf}` : c.reason}${c.text ? ` ${cont(c.text)}` : ''}`,
  effect: (c, _d, lang) => {
    const label = LABEL[lang](c.reason, c.reason === 'duplicate' ? c.duplicateOf : '');
    return lang === 'en' ? `Handling of the case is stopped: ${label}. The reporter will be told the reason.` : `取扱いを終了しました（${label}）。発見者に理由を通知します。`;
  },
  toEvent: (c) => stopEvent(c),
  toWebsiteEvent: (c) => stopEvent(c),
  samples: [
    { kind: 'stop', reason: 'not-vulnerability', text: null },
    { kind: 'stop', reason: 'duplicate', duplicateOf: 'VR-2026-0007', text: 'same root cause' },
    { kind: 'stop', reason: 'not-reproducible', text: null },
    { kind: 'stop', reason: 'illegal', text: null },
    { kind: 'stop', reason: 'known', text: 'published as CVE-2025-1234' },
  ],
};
