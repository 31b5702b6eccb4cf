// X-REJECT: reason: the report is not accepted; the reporter is told the reason.
import type { CommandSpec } from './spec.ts';
import { cont } from './syntax.ts';

export type RejectCommand = { kind: 'reject'; reason: string };

export const reject: CommandSpec<RejectCommand> = {
  kind: 'reject',
  keywords: ['reject'],
  arg: 'text',
  fromText: (reason) => ({ kind: 'reject', reason: reason ?? '' }),
  format: (c) => `X-REJECT: ${cont(c.reason)}`,
  effect: (_c, _d, lang) => (lang === 'en' ? 'The report is not accepted. The reporter will be told the reason given.' : '届出を受理しませんでした。発見者に記載の理由を通知します。'),
  toEvent: (c) => ({ type: 'reject', reason: c.reason }),
  toWebsiteEvent: (c) => ({ type: 'reject', reason: c.reason }),
  samples: [{ kind: 'reject', reason: 'the product is not sold in Japan' }],
};
