// X-PUBLISH: publish the case now (guideline §3 item 13).
import type { CommandSpec } from './spec.ts';

export type PublishCommand = { kind: 'publish' };

export const publish: CommandSpec<PublishCommand> = {
  kind: 'publish',
  keywords: ['publish'],
  arg: 'none',
  format: () => 'X-PUBLISH',
  effect: (_c, _d, lang) => (lang === 'en' ? 'The case is published. The reporter will be told.' : '案件を公表しました。発見者に通知します。'),
  toEvent: () => ({ type: 'publish' }),
  samples: [{ kind: 'publish' }],
};
