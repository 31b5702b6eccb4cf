// X-RELAY: acme|reporter text: the desk relays a message to one vendor of the case or to the
// reporter, speaking for the other side (guideline §3 item 10, no direct exchange).
import type { CommandSpec } from './spec.ts';
import { cont } from './syntax.ts';

/** `to`: a vendor id, or null for the reporter. */
export type RelayCommand = { kind: 'relay'; to: string | null; text: string };

/** X-RELAY's target words for the reporter (anything else is a vendor id). */
export const REPORTER_WORDS: readonly string[] = ['reporter', '発見者'];

export const relay: CommandSpec<RelayCommand> = {
  kind: 'relay',
  keywords: ['relay'],
  arg: 'relay',
  format: (c) => `X-RELAY: ${c.to ?? 'reporter'} ${cont(c.text)}`,
  effect: (c, _d, lang) => {
    // guideline §3.10: the desk speaks for the other side; the text goes as written.
    if (c.to === null) {
      return lang === 'en'
        ? 'The message is relayed to the reporter: a notice from the desk quoting your text as written, without the name or address of the vendor.'
        : '発見者にメッセージを中継します。窓口からの通知として本文をそのまま引用して送り、製品開発者の名称や連絡先は伝えません。';
    }
    return lang === 'en'
      ? `The message is relayed to vendor ${c.to}: a notice from the desk quoting your text as written, without the name or address of the reporter.`
      : `製品開発者 ${c.to} にメッセージを中継します。窓口からの通知として本文をそのまま引用して送り、発見者の氏名や連絡先は伝えません。`;
  },
  // The rules check the vendor is on the case and notified, and the reporter's name (§2);
  // the reporter's address is checked before (desk/commands.ts relayLeak) and where the
  // notice is composed.
  toEvent: (c) => ({ type: 'relay', vendorId: c.to, text: c.text }),
  // On a website case the target is the case's operator (its registry id), or the reporter.
  toWebsiteEvent: (c) => ({ type: 'relay', operatorId: c.to, text: c.text }),
  samples: [
    { kind: 'relay', to: 'acme', text: 'Which versions have you checked?\nThe reporter tested 3.2.0.' },
    { kind: 'relay', to: null, text: '再現手順の3番目の設定値を確認してください。' },
  ],
};
