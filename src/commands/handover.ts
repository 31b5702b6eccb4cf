// X-HANDOVER: certcc (X-引き継ぎ): the desk hands the case over to a partner CSIRT of the
// partner registry (issue 12 "Outbound"; guideline §5: a vendor with no domestic office is
// coordinated through the coordination centre of its country). The partner is sent the
// report, signed and encrypted to its pinned key (fail closed: no usable key, nothing is
// sent and the command is refused), without the reporter's identity unless the reporter
// consented (guideline §2; the identity guard holds the notice otherwise). Applied by
// src/desk/handover.ts, not by the rules: the case's own state does not change.
import type { CommandSpec } from './spec.ts';

export type HandoverCommand = { kind: 'handover'; partner: string };

export const handover: CommandSpec<HandoverCommand> = {
  kind: 'handover',
  // 引き継ぎ: "handing over".
  keywords: ['handover', '引き継ぎ', '引継ぎ'],
  arg: 'partner',
  format: (c) => `X-HANDOVER: ${c.partner}`,
  effect: (c, _d, lang) =>
    lang === 'en'
      ? `The case is handed over to partner ${c.partner}: the report is sent to it, signed and encrypted to its pinned key, without the reporter's identity unless the reporter consented. Its answers are recorded on the case.`
      : `案件を連携機関 ${c.partner} に引き継ぎます。届出の内容を、署名し登録済みの鍵で暗号化して送ります。発見者の同意がない限り、発見者の身元は伝えません。連携機関からの回答は案件に記録します。`,
  // Not a product-track event: src/desk/handover.ts applies it (both the mail and the CLI path).
  toEvent: () => null,
  samples: [{ kind: 'handover', partner: 'certcc' }],
};
