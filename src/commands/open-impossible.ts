// X-OPEN-IMPOSSIBLE [: reason]: the coordination-impossible procedure (調整不能, guideline §3 item 8); the reason is internal.
import type { CommandSpec } from './spec.ts';
import { cont } from './syntax.ts';

export type OpenImpossibleCommand = { kind: 'open-impossible'; reason: string | null };

export const openImpossible: CommandSpec<OpenImpossibleCommand> = {
  kind: 'open-impossible',
  keywords: ['open-impossible'],
  arg: 'optional-text',
  fromText: (reason) => ({ kind: 'open-impossible', reason }),
  format: (c) => (c.reason ? `X-OPEN-IMPOSSIBLE: ${cont(c.reason)}` : 'X-OPEN-IMPOSSIBLE'),
  effect: (_c, _d, lang) =>
    lang === 'en'
      ? 'The coordination-impossible procedure (調整不能) is opened. The vendors will be given the chance to state their view before the committee decides.'
      : '調整不能の手続きを開始しました。公表判定委員会の判断の前に、製品開発者に見解を述べる機会を設けます。',
  toEvent: (_c, snapshot) => ({ type: 'open-impossible', vendorIds: snapshot.vendors.map((v) => v.id) }),
  samples: [{ kind: 'open-impossible', reason: null }, { kind: 'open-impossible', reason: 'no answer for 6 months' }],
};
