// X-SET-DATE: 2026-12-20: the publication date (a JST calendar date), set or changed (guideline §3 item 5).
import type { CommandSpec } from './spec.ts';

export type SetDateCommand = { kind: 'set-date'; date: string };

export const setDate: CommandSpec<SetDateCommand> = {
  kind: 'set-date',
  keywords: ['set-date'],
  arg: 'date',
  format: (c) => `X-SET-DATE: ${c.date}`,
  effect: (c, d, lang) => {
    const prev = d.previousDate;
    if (lang === 'en') return `The publication date is set to ${c.date} (JST).${prev ? ` It was ${prev}.` : prev === null ? ' There was none before.' : ''}`;
    return `公表日を ${c.date}（日本時間）に設定しました。${prev ? `（変更前：${prev}）` : prev === null ? '（これまで未設定）' : ''}`;
  },
  toEvent: (c) => ({ type: 'set-date', date: c.date }),
  details: (_c, before) => ({ previousDate: before.publication.agreed }),
  samples: [{ kind: 'set-date', date: '2026-12-20' }],
};
