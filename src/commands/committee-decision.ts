// X-COMMITTEE-DECISION: publish|withhold [reason]: the publication judgment committee's
// decision (guideline §3 item 8); the reason is internal (never public, §2).
import type { CommandSpec } from './spec.ts';
import { cont } from './syntax.ts';

export const COMMITTEE_DECISIONS = ['publish', 'withhold'] as const;
export type CommitteeDecision = (typeof COMMITTEE_DECISIONS)[number];

/** The words a coordinator may write for each decision (folded). */
export const DECISION_WORDS: Record<CommitteeDecision, readonly string[]> = {
  publish: ['publish', '公表', '公表する'],
  withhold: ['withhold', 'do-not-publish', 'not-publish', '非公表', '公表しない'],
};

export type CommitteeDecisionCommand = { kind: 'committee-decision'; decision: CommitteeDecision; reason: string | null };

export const committeeDecision: CommandSpec<CommitteeDecisionCommand> = {
  kind: 'committee-decision',
  keywords: ['committee-decision'],
  arg: 'decision',
  format: (c) => `X-COMMITTEE-DECISION: ${c.decision}${c.reason ? ` ${cont(c.reason)}` : ''}`,
  effect: (c, _d, lang) =>
    lang === 'en'
      ? `The committee's decision is recorded: ${c.decision === 'publish' ? 'publish' : 'do not publish'}.`
      : `公表判定委員会の判断を記録しました：${c.decision === 'publish' ? '公表する' : '公表しない'}。`,
  toEvent: (c) => ({ type: 'committee-decision', decision: c.decision }),
  samples: [
    { kind: 'committee-decision', decision: 'publish', reason: null },
    { kind: 'committee-decision', decision: 'withhold', reason: 'users notified individually' },
  ],
};
