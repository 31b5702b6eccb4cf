// X-ACCEPT [: comment]: 受理 (guideline §3 item 2); the vendors already on the case are notified.
import type { CommandSpec } from './spec.ts';
import { cont } from './syntax.ts';

/** `comment` is internal (timeline only). */
export type AcceptCommand = { kind: 'accept'; comment: string | null };

export const accept: CommandSpec<AcceptCommand> = {
  kind: 'accept',
  keywords: ['accept'],
  arg: 'optional-text',
  fromText: (comment) => ({ kind: 'accept', comment }),
  format: (c) => (c.comment ? `X-ACCEPT: ${cont(c.comment)}` : 'X-ACCEPT'),
  effect: (_c, d, lang) => {
    // Screening accepts a complete report by itself: a second accept only confirms.
    if (d.unchanged === true) {
      return lang === 'en'
        ? 'The report was already accepted (受理); nothing changed, and the reporter is not told again.'
        : '届出は既に受理済みです。変更はなく、発見者への再度の通知も行いません。';
    }
    return lang === 'en'
      ? 'The report is accepted (受理). The reporter will be told, with the request to keep the information confidential until publication.'
      : '届出を受理しました。発見者に受理を通知し、公表までの情報非開示をお願いします。';
  },
  toEvent: () => ({ type: 'accept' }),
  toWebsiteEvent: () => ({ type: 'accept' }),
  details: (_c, _before, decisions) => (decisions.some((d) => d.type === 'set-state' && d.machine === 'rm') ? {} : { unchanged: true }),
  samples: [{ kind: 'accept', comment: null }, { kind: 'accept', comment: 'complete report\nchecked by phone' }],
};
