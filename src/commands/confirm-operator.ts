// X-CONFIRM-OPERATOR: example-co: a coordinator confirms the site's operator from the
// operators registry (issue 11: what a lookup found on the web is never trusted on its own;
// it is entered in the registry, then confirmed here). On an accepted case the operator is
// contacted at once: the details encrypted to its pinned key, or a content-free first contact.
import type { CommandSpec } from './spec.ts';

export type ConfirmOperatorCommand = { kind: 'confirm-operator'; operator: string };

export const confirmOperator: CommandSpec<ConfirmOperatorCommand> = {
  kind: 'confirm-operator',
  keywords: ['confirm-operator', '運営者確認', '運営者確定'],
  arg: 'operator',
  format: (c) => `X-CONFIRM-OPERATOR: ${c.operator}`,
  effect: (c, _d, lang) =>
    lang === 'en'
      ? `Operator ${c.operator} is confirmed as the site's operator. Once the report is accepted it is sent the details encrypted to its pinned key (without a key: a first contact without any detail, asking for one).`
      : `運営者 ${c.operator} をこのサイトの運営者として確定しました。受理済みであれば、登録済みの鍵で暗号化した詳細を送ります（鍵がない場合は、詳細を含まない最初の連絡で鍵を求めます）。`,
  toEvent: () => ({ code: 'product-case' }),
  toWebsiteEvent: (c, _snapshot, lookups) => {
    const operator = lookups.operator(c.operator);
    return operator === null ? { code: 'unknown-operator', operator: c.operator } : { type: 'confirm-operator', operator };
  },
  samples: [{ kind: 'confirm-operator', operator: 'example-co' }],
};
