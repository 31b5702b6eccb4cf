// X-RELEASE: H7K3QX0 (X-送信承認): send a notice held because it carries the reporter's
// identity, as it is (issue 9 §5); applied to the held notice (desk/identity-release.ts).
import type { CommandSpec } from './spec.ts';

export type ReleaseCommand = { kind: 'release'; hold: string };

export const release: CommandSpec<ReleaseCommand> = {
  kind: 'release',
  // 送信承認: "approve sending".
  keywords: ['release', '送信承認'],
  arg: 'hold',
  format: (c) => `X-RELEASE: ${c.hold}`,
  effect: (c, _d, lang) =>
    lang === 'en'
      ? `The notice held as ${c.hold} is sent as it is, with what it says of the reporter; this is recorded on the case.`
      : `保留 ${c.hold} の通知を、発見者に関する記載を含めそのまま送ります。この操作は案件の記録に残ります。`,
  toEvent: () => null,
  samples: [{ kind: 'release', hold: 'H7K3QX0' }],
};
