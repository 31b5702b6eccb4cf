// X-NOTIFY-OPERATOR: the case's operator is sent the details now (a key was pinned since the
// content-free first contact), or again when it stays silent (issue 11; guideline §4, §8).
import type { CommandSpec } from './spec.ts';

export type NotifyOperatorCommand = { kind: 'notify-operator' };

export const notifyOperator: CommandSpec<NotifyOperatorCommand> = {
  kind: 'notify-operator',
  keywords: ['notify-operator', '運営者通知'],
  arg: 'none',
  format: () => 'X-NOTIFY-OPERATOR',
  effect: (_c, _d, lang) =>
    lang === 'en'
      ? "The site's operator is written to: the details encrypted to the key pinned for it now, or, with no key, a first contact without any detail asking for one. The start date and the fix target stay as they are."
      : 'サイト運営者に連絡します。現在登録されている鍵で暗号化した詳細を送ります（鍵がない場合は詳細を含まない連絡で鍵を求めます）。起算日と修正目標日は変わりません。',
  toEvent: () => ({ code: 'product-case' }),
  // The key pinned now in the registry, read by the caller (null: none usable).
  toWebsiteEvent: (_c, _snapshot, lookups) => ({ type: 'notify-operator', keyFingerprint: lookups.pinnedKey }),
  samples: [{ kind: 'notify-operator' }],
};
