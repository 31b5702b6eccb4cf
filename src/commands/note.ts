// X-NOTE: text: an internal note on the case timeline.
import type { CommandSpec } from './spec.ts';
import { cont } from './syntax.ts';

export type NoteCommand = { kind: 'note'; text: string };

export const note: CommandSpec<NoteCommand> = {
  kind: 'note',
  keywords: ['note'],
  arg: 'note',
  fromText: (text) => ({ kind: 'note', text: text ?? '' }),
  format: (c) => `X-NOTE: ${cont(c.text)}`,
  effect: (_c, _d, lang) => (lang === 'en' ? 'The note is added to the case record.' : '案件の記録にメモを追加しました。'),
  toEvent: (c) => ({ type: 'note', text: c.text }),
  toWebsiteEvent: (c) => ({ type: 'note', text: c.text }),
  samples: [{ kind: 'note', text: 'vendor confirmed by phone;\nfix expected in 3.2.2' }],
};
