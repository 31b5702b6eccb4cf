// Label tables of the mail contract: the report form (mail-protocol.md §2) and the
// vendor / site operator reply form (§4). The tables hold exactly the labels of the
// spec; leniency (width, case, spacing, required-markers) lives in normLabel so that
// the tables stay a literal copy of the contract and are easy to review against it.

/** Canonical keys of the §2 report form, in the order of the §2 table. */
export type ReportKey =
  | 'kind'
  | 'reporter.name'
  | 'reporter.organization'
  | 'reporter.email'
  | 'reporter.phone'
  | 'product.name'
  | 'product.version'
  | 'product.vendor'
  | 'website.url'
  | 'website.name'
  | 'vulnerability.type'
  | 'vulnerability.summary'
  | 'reproduction'
  | 'verification'
  | 'impact'
  | 'cvss'
  | 'consent.shareIdentity'
  | 'consent.directContact'
  | 'consent.credit'
  | 'reportedElsewhere';

/**
 * Canonical keys of the §4 vendor reply form, plus `caseId` (a `Case` line) and the desk's
 * one addition, `otherVendors` (guideline §3.6: a vendor names other vendors affected; the
 * notification asks for that line; docs/decisions.md).
 */
export type VendorKey =
  | 'caseId'
  | 'status'
  | 'fixedVersions'
  | 'workaround'
  | 'proposedPublication'
  | 'advisoryUrl'
  | 'comment'
  | 'otherVendors'
  | 'vulnerability'
  // issue 12 (mail-protocol §7): the vendor's own tracking id for the case.
  | 'vendorReference';

export interface FieldLabels<K extends string> {
  key: K;
  /** Japanese labels; the first one is the one the desk writes (blankReportForm). */
  ja: readonly string[];
  /** English labels; the first one is the one the desk writes. */
  en: readonly string[];
}

/**
 * §2 table: the same labels as the spec, per field. Only the order within a field may
 * differ, since the first label is the one blankReportForm writes (the most explicit one).
 */
export const REPORT_FIELDS: readonly FieldLabels<ReportKey>[] = [
  { key: 'kind', ja: ['届出種別', '対象'], en: ['Report type', 'Target'] },
  { key: 'reporter.name', ja: ['氏名', '届出者氏名', '発見者氏名'], en: ['Name', 'Reporter name'] },
  { key: 'reporter.organization', ja: ['所属', '組織'], en: ['Organization', 'Affiliation'] },
  { key: 'reporter.email', ja: ['メールアドレス', '連絡先メールアドレス', '連絡先'], en: ['Email', 'Contact email', 'E-mail', 'E-mail address', 'Email address'] /* E-mail variants: lenient extension, docs/decisions.md */ },
  { key: 'reporter.phone', ja: ['電話番号'], en: ['Phone'] },
  { key: 'product.name', ja: ['製品名'], en: ['Product name', 'Product'] },
  { key: 'product.version', ja: ['バージョン', '製品バージョン'], en: ['Version', 'Product version'] },
  { key: 'product.vendor', ja: ['製品開発者', '開発者名', 'ベンダ'], en: ['Vendor', 'Developer'] },
  { key: 'website.url', ja: ['ウェブサイトのURL', 'サイトURL', 'URL'], en: ['URL', 'Site URL'] },
  { key: 'website.name', ja: ['ウェブサイト名', 'サイト名'], en: ['Site name'] },
  { key: 'vulnerability.type', ja: ['脆弱性の種類'], en: ['Vulnerability type', 'Type'] },
  { key: 'vulnerability.summary', ja: ['脆弱性の概要', '概要'], en: ['Summary', 'Description'] },
  { key: 'reproduction', ja: ['再現手順', '再現環境と手順', '再現環境'], en: ['Steps to reproduce', 'Reproduction'] },
  { key: 'verification', ja: ['検証方法', '攻撃方法'], en: ['Proof of concept', 'Verification method'] },
  { key: 'impact', ja: ['想定される影響', '影響'], en: ['Impact'] },
  { key: 'cvss', ja: ['CVSS'], en: ['CVSS'] },
  {
    key: 'consent.shareIdentity',
    ja: ['製品開発者への発見者情報の通知', '発見者情報の開示'],
    en: ['Share my identity with the vendor'],
  },
  { key: 'consent.directContact', ja: ['直接の情報交換', '直接連絡'], en: ['Direct contact with the vendor'] },
  { key: 'consent.credit', ja: ['公表時の氏名掲載', '謝辞への氏名掲載'], en: ['Credit me in the advisory'] },
  { key: 'reportedElsewhere', ja: ['他機関への届出状況', '他への届出'], en: ['Reported elsewhere'] },
];

/**
 * The labels of a vendor's own tracking id (docs/partner-form.md "Vendor reference"; issue 12,
 * mail-protocol §7). Japanese: 製品開発者の管理番号 (the vendor's own management number, the
 * usual term on Japanese PSIRT forms), also 製品開発者の案件番号 and 貴社管理番号. Read on
 * the vendor reply form (src/forms/vendor.ts) and by findReferences (src/forms/references.ts).
 */
export const VENDOR_REFERENCE_LABELS = {
  ja: ['製品開発者の管理番号', '製品開発者の案件番号', '貴社管理番号'],
  en: ['Vendor reference', 'Vendor ref', 'Vendor tracking ID'],
} as const;

/**
 * §4 table (same labels, first one written by the desk), plus `caseId`: §3 matches replies by subject tag first, but a
 * vendor that fills a `Case:` line tells us which case it means even when its mail
 * client mangled the subject.
 */
export const VENDOR_FIELDS: readonly FieldLabels<VendorKey>[] = [
  { key: 'caseId', ja: ['案件番号'], en: ['Case ID', 'Case'] },
  { key: 'status', ja: ['状態', 'ステータス'], en: ['Status'] },
  // issue 12: which of the case's vulnerabilities the status is for (docs/decisions.md); the
  // desk writes this line only for a case with several (blankVendorReplyForm).
  { key: 'vulnerability', ja: ['対象の脆弱性', '脆弱性番号'], en: ['Vulnerability', 'Vulnerabilities', 'Vulnerability number'] },
  { key: 'fixedVersions', ja: ['修正バージョン'], en: ['Fixed versions'] },
  { key: 'workaround', ja: ['回避方法'], en: ['Workaround'] },
  { key: 'proposedPublication', ja: ['公表希望日', '公表予定日'], en: ['Proposed publication date'] },
  { key: 'advisoryUrl', ja: ['公表URL'], en: ['Advisory URL'] },
  { key: 'comment', ja: ['コメント', '備考'], en: ['Comment'] },
  { key: 'otherVendors', ja: ['他の製品開発者', '他の影響を受ける製品開発者'], en: ['Other vendors', 'Other vendors affected', 'Other affected vendors'] },
  { key: 'vendorReference', ja: VENDOR_REFERENCE_LABELS.ja, en: VENDOR_REFERENCE_LABELS.en },
];

// A trailing "required"/"optional" marker is common on Japanese forms (`氏名（必須）：`,
// `※`), and English ones (`Name*:`); it is decoration, not part of the label.
// Applied to at most ~80 characters (see lines.ts), so the `+` cannot blow up.
const MARKER_RE = /(?:\*|※|\((?:必須|任意|required|optional)\))+$/u;
const SPACE_RE = /\s+/gu;

/**
 * The comparison form of a label (§2: "Labels match case-insensitively, ignoring
 * surrounding space and full-/half-width differences"): NFKC folds full-/half-width
 * (`ＵＲＬ`, `ﾒｰﾙｱﾄﾞﾚｽ`), lower case folds case, and *all* white space is removed so
 * that `氏<U+3000>名` (a spaced-out label, common in Japanese forms) and `Report  type` still
 * match. No two labels of the tables differ only by spaces, so this merges nothing.
 * The whole label must match: `連絡先` does not match `連絡先電話番号`.
 */
export function normLabel(label: string): string {
  return label.normalize('NFKC').toLowerCase().replace(SPACE_RE, '').replace(MARKER_RE, '');
}

/** Comparison form → canonical key, for every Japanese and English label. */
export function labelMap<K extends string>(fields: readonly FieldLabels<K>[]): ReadonlyMap<string, K> {
  const map = new Map<string, K>();
  for (const f of fields) {
    for (const l of [...f.ja, ...f.en]) map.set(normLabel(l), f.key);
  }
  return map;
}

export const REPORT_LABELS: ReadonlyMap<string, ReportKey> = labelMap(REPORT_FIELDS);
export const VENDOR_LABELS: ReadonlyMap<string, VendorKey> = labelMap(VENDOR_FIELDS);
