// Shared pieces of the website track's notices (guideline §4; data shapes in
// src/rules/website-notices.ts): the site URL as a key, the reply statuses and the
// personal-data items as words, and the one view the coordinator alerts share. Each notice
// is still its own module (src/notices/<name>.ts) with its own template.
import type { VendorStatus } from '../domain/inspect.ts';
import { PERSONAL_DATA_ITEMS, type CoordinatorAlertData, type PersonalDataItem } from '../rules/website-notices.ts';
import { defineNotice, type Lang, type NoticeModule } from './notice.ts';
import { URL_RE, caseId, day, line, name, someOf, strict } from './schema.ts';
import { dayLong, safe } from './view.ts';
import type { z } from 'zod';

/** The site's URL, one line (never public: guideline §4 items 5-6). */
export const siteUrl = line(2000, URL_RE);

export const VENDOR_STATUSES: readonly VendorStatus[] = ['affected', 'not-affected', 'investigating', 'fixed'];

/** The reply form's statuses (mail-protocol §4), read-only as the data shapes hold them. */
export const replyStatuses = someOf(VENDOR_STATUSES) as unknown as z.ZodType<readonly VendorStatus[]>;
export const personalDataItems = someOf(PERSONAL_DATA_ITEMS) as unknown as z.ZodType<readonly PersonalDataItem[]>;

/** The words parseVendorReplyForm reads for each status (as vendor-notify's templates say). */
const STATUS_WORDS: Record<Lang, Record<VendorStatus, string>> = {
  ja: { affected: '影響あり', 'not-affected': '影響なし', investigating: '調査中', fixed: '修正済' },
  en: { affected: 'affected', 'not-affected': 'not-affected', investigating: 'investigating', fixed: 'fixed' },
};

export function statusWords(lang: Lang, statuses: readonly VendorStatus[]): string {
  return statuses.map((s) => (lang === 'ja' ? `「${STATUS_WORDS.ja[s]}」` : STATUS_WORDS.en[s])).join(lang === 'ja' ? '、' : ', ');
}

/** guideline §4 item 5: what to publish if personal data may have leaked. */
const PERSONAL_DATA_WORDS: Record<Lang, Record<PersonalDataItem, string>> = {
  ja: {
    summary: '事案の概要',
    'likely-period': '漏えいした可能性のある期間',
    'likely-number': '漏えいした可能性のある件数（人数）',
    'kinds-of-data': '漏えいした可能性のある情報の種類',
    cause: '原因',
    contact: 'お問い合わせ先',
  },
  en: {
    summary: 'a summary of what happened',
    'likely-period': 'the period in which data may have leaked',
    'likely-number': 'how many records (people) may be affected',
    'kinds-of-data': 'which kinds of data may have leaked',
    cause: 'the cause',
    contact: 'where to ask questions',
  },
};

export function personalDataList(lang: Lang, items: readonly PersonalDataItem[]): string {
  return items.map((i) => `  ${lang === 'ja' ? '・' : '- '}${PERSONAL_DATA_WORDS[lang][i]}`).join('\n');
}

/** The schema every coordinator alert of the website track shares (CoordinatorAlertData). */
export const coordAlertSchema = strict({
  caseId,
  detail: line(2000),
  siteUrl,
  operatorId: line(200).nullable(),
  operatorName: name.nullable(),
  fixTarget: day.nullable(),
});

/** A coordinator alert of the website track: one module per kind, the same data shape. */
export function websiteCoordAlert(template: string): NoticeModule<CoordinatorAlertData> {
  return defineNotice<CoordinatorAlertData>()({
    template,
    schema: coordAlertSchema,
    view: (lang, c) => ({
      caseId: c.caseId,
      detail: safe(c.detail),
      siteUrl: safe(c.siteUrl),
      hasOperator: c.operatorId !== null || c.operatorName !== null,
      operator: safe([c.operatorName, c.operatorId === null ? null : `(${c.operatorId})`].filter((s) => s !== null).join(' ')),
      hasFixTarget: c.fixTarget !== null,
      fixTarget: c.fixTarget === null ? '' : dayLong(c.fixTarget, lang),
    }),
  });
}
