// `coord-alert`: to the coordinators: something needs a decision; about the case only its
// id, and one short line made by the desk (the rules' `detail`).
import type { CoordinatorTemplate } from '../rules/product-state.ts';
import { defineNotice, type Lang } from './notice.ts';
import { caseId, line, oneOf, refuser, strict } from './schema.ts';
import { flags, safe } from './view.ts';

export const COORD_ALERT_KINDS = [
  'unauthorised-command',
  // A different key proving a known address arrived by mail and is held (issue 9 §4); no case.
  'key-held',
  'reply-wrong-key',
  // A signed mail without authority (issue 9 §1-3: src/inbound/authority.ts codes); names no case.
  'signed-mail-refused',
  'vendor-unreachable',
  'impossible-deadline',
  'other-vendors-affected',
  'advisory-url-early',
  'late-vendor-date',
  'all-not-affected',
  'notice-withheld-no-key',
  // issue 9 §5: a notice to a vendor or the public carried the reporter's identity.
  'notice-withheld-identity',
  // migration 024: a notice that comes after another (the priority notice after the
  // reporter's, guideline §3 item 12) was not sent because that one was not.
  'notice-withheld-prerequisite',
  // Automatic answers to one address reached their limit (issue 9 §8; src/desk/answers.ts).
  'answers-rate-limited',
  // issue 9 §6: a job failed for good (nothing is left failed in silence), and a party's
  // message refused for a bad value (its verdict code in the detail).
  'job-failed',
  'bad-value',
  // issue 11: a coordinator's digest was not sent (no usable key for the coordinator).
  'digest-withheld',
  // The other coordinator notices of the rules (product-state.ts CoordinatorTemplate).
  'vendor-reachable',
  'product-name-published',
  'confirm-vendor',
  'date-proposed',
  'date-rejected',
  'reply-conflict',
  'reply-out-of-scope',
  'embargo-broken',
  'attacks-observed',
  'impossible-view',
  'published',
  // guideline §3 item 9: the reporter withdrew the non-disclosure request (issue 11).
  'nda-withdrawn',
  // issue 12 (guideline §5): a vendor of a partner case asked for another date (forwarded to
  // the partner, not applied); a partner's CSAF document could not be attached.
  'partner-date-request',
  'csaf-not-attached',
] as const;
export type CoordAlertKind = (typeof COORD_ALERT_KINDS)[number];
/**
 * Alerts about the desk rather than one case: no case id required. A failed job, a refused
 * value or a reply not signed by a vendor may name no case, or one that does not exist
 * (issue 9 §6).
 */
const DESK_LEVEL_ALERTS: ReadonlySet<CoordAlertKind> = new Set<CoordAlertKind>(['unauthorised-command', 'answers-rate-limited', 'key-held', 'job-failed', 'bad-value', 'reply-wrong-key', 'digest-withheld']);

/**
 * The coord-alert kind of each coordinator notice the rules decide (`notify-coordinators`);
 * `impossible-decided` is the `impossible-outcome` notice (audience `coordinators`). A
 * Record, so that a template added to the rules fails to compile until it is mapped here.
 */
export const COORD_ALERT_FOR: Record<Exclude<CoordinatorTemplate, 'impossible-decided'>, CoordAlertKind> = {
  'vendor-unreachable': 'vendor-unreachable',
  'vendor-reachable': 'vendor-reachable',
  'product-name-published': 'product-name-published',
  'late-vendor': 'late-vendor-date',
  'confirm-vendor': 'confirm-vendor',
  'date-proposed': 'date-proposed',
  'date-rejected': 'date-rejected',
  'other-vendors': 'other-vendors-affected',
  'reply-conflict': 'reply-conflict',
  'reply-out-of-scope': 'reply-out-of-scope',
  'all-not-affected': 'all-not-affected',
  'advisory-url': 'advisory-url-early',
  'embargo-broken': 'embargo-broken',
  'attacks-observed': 'attacks-observed',
  'impossible-view': 'impossible-view',
  'impossible-deadline': 'impossible-deadline',
  published: 'published',
};

export interface CoordAlertContext {
  kind: CoordAlertKind;
  /** Absent for `unauthorised-command` and `signed-mail-refused` (the mail is not trusted to name a case). */
  caseId?: string;
  /** One short line made by the desk (the rules' `detail`). */
  detail: string;
}

export const schema = strict({
  kind: oneOf(COORD_ALERT_KINDS),
  caseId: caseId.optional(),
  detail: line(500),
}).superRefine((c, ctx) => {
  const refuse = refuser(ctx);
  // Whoever wrote a refused command or signed mail does not get to name a case in the alert.
  const untrusted = c.kind === 'unauthorised-command' || c.kind === 'signed-mail-refused' || c.kind === 'key-held';
  if (untrusted && c.caseId !== undefined) refuse('caseId', `must be absent for ${c.kind}`);
  // Desk-level alerts (not about one case) carry no case id.
  if (!untrusted && !DESK_LEVEL_ALERTS.has(c.kind) && c.caseId === undefined) refuse('caseId', `is missing (required for ${c.kind})`);
});

const ALERT_TITLES: Record<Lang, Record<CoordAlertKind, string>> = {
  en: {
    'unauthorised-command': 'A command mail was refused',
    'key-held': 'A different key arrived for a known address and is held',
    'reply-wrong-key': 'A reply was signed with a key not registered for the vendor',
    'signed-mail-refused': 'A signed mail was given no authority',
    'vendor-unreachable': 'A vendor is unreachable',
    'impossible-deadline': "The vendor's time to state its view is over",
    'other-vendors-affected': 'A vendor reports that other vendors are affected',
    'advisory-url-early': 'A vendor gave an advisory URL before publication',
    'late-vendor-date': 'A vendor was first contacted late for the case date',
    'all-not-affected': 'Every vendor says it is not affected',
    'notice-withheld-no-key': 'A notice was not sent: no usable key',
    'notice-withheld-identity': "A notice was held: it carries the reporter's identity",
    'notice-withheld-prerequisite': 'A notice was not sent: the notice it comes after was not sent',
    'answers-rate-limited': 'Automatic answers to one address reached their limit',
    'job-failed': 'A job of the desk failed for good',
    'bad-value': 'A message was refused for a value the desk cannot accept',
    'digest-withheld': "A coordinator's digest was not sent: no usable key",
    'vendor-reachable': 'A vendor is reachable again',
    'product-name-published': 'A product name was added to the unreachable list',
    'confirm-vendor': 'Confirm the vendors of the case',
    'date-proposed': 'A vendor proposes a publication date',
    'date-rejected': 'A proposed publication date was not taken',
    'reply-conflict': "A vendor's reply contradicts its earlier answer",
    'reply-out-of-scope': 'A vendor reply was not processed',
    'embargo-broken': 'The case became public before publication',
    'attacks-observed': 'Attacks are observed',
    'impossible-view': 'A vendor stated its view for the committee',
    published: 'The case is published',
    'nda-withdrawn': 'The reporter withdrew the non-disclosure request',
    'partner-date-request': 'A vendor of a partner case asks for another date (forwarded to the partner, not applied)',
    'csaf-not-attached': "The CSAF document could not be attached to a partner's mail",
  },
  ja: {
    'unauthorised-command': '権限のないコマンドメールを拒否しました',
    'key-held': '登録済みのアドレスに別の鍵が届いたため保留しました',
    'reply-wrong-key': '製品開発者の登録鍵ではない鍵で署名された返信がありました',
    'signed-mail-refused': '署名付きメールを権限なしとして扱いました',
    'vendor-unreachable': '製品開発者と連絡が取れません',
    'impossible-deadline': '製品開発者の意見表明の期限が過ぎました',
    'other-vendors-affected': '他の製品開発者も影響を受けるとの連絡がありました',
    'advisory-url-early': '公表前に製品開発者から公表URLが届きました',
    'late-vendor-date': '公表日に対して連絡の遅れた製品開発者がいます',
    'all-not-affected': 'すべての製品開発者が影響なしと回答しました',
    'notice-withheld-no-key': '使える鍵がないため通知を送っていません',
    'notice-withheld-identity': '発見者の身元が含まれるため通知を保留しています',
    'notice-withheld-prerequisite': '先に送るべき通知が送られなかったため通知を送っていません',
    'answers-rate-limited': '同じアドレスへの自動応答が上限に達しました',
    'job-failed': '窓口の処理が最終的に失敗しました',
    'bad-value': '受け付けられない値を含むメールを受け付けませんでした',
    'digest-withheld': '使える鍵がないため調整担当者へのダイジェストを送っていません',
    'vendor-reachable': '製品開発者と連絡が取れるようになりました',
    'product-name-published': '連絡不能一覧に製品名を掲載しました',
    'confirm-vendor': '製品開発者の確認をお願いします',
    'date-proposed': '製品開発者から公表日の提案がありました',
    'date-rejected': '提案された公表日を採用しませんでした',
    'reply-conflict': '製品開発者の回答が以前の回答と矛盾しています',
    'reply-out-of-scope': '処理しなかった製品開発者の返信があります',
    'embargo-broken': '公表前に本件が公知になりました',
    'attacks-observed': '攻撃が観測されています',
    'impossible-view': '製品開発者が委員会への意見を表明しました',
    published: '本件を公表しました',
    'nda-withdrawn': '発見者が情報非開示依頼を取り下げました',
    'partner-date-request': '連携機関の案件で製品開発者が別の公表日を希望しています（連携機関へ転送、未適用）',
    'csaf-not-attached': '連携機関へのメールに CSAF 文書を添付できませんでした',
  },
};

export default defineNotice<CoordAlertContext>()({
  template: 'coord-alert',
  schema,
  view: (lang, c) => ({
    hasCase: c.caseId !== undefined,
    caseId: c.caseId ?? '',
    title: ALERT_TITLES[lang][c.kind],
    detail: safe(c.detail),
    ...flags(COORD_ALERT_KINDS, c.kind),
  }),
});
