// Suggestions for the coordinators' new-case notice (pure functions; the coordinator
// decides): which registered vendors a report is probably about, and which past cases it
// probably duplicates. Comparisons are NFKC + case-insensitive (normalize.ts), so Japanese
// and English, full- and half-width forms match.
import type { ReportForm } from '../domain/inspect.ts';
import type { Registration, VendorProduct } from '../store/vendors.ts';
import { companyCore, containsTerm, nfkc, nfkcKey, trigramSimilarity } from './normalize.ts';

// ---------------------------------------------------------------------------------------
// vendor candidates

/** What vendorCandidates reads of a vendor (store Vendor fits). */
export interface CandidateVendor {
  id: string;
  name: string;
  nameJa: string | null;
  registration: Registration;
  products: readonly VendorProduct[];
  removedAt?: Date | null;
}

export interface VendorCandidate<V extends CandidateVendor = CandidateVendor> {
  vendor: V;
  score: number;
  /** Why, in order of weight, e.g. `keyword "rt-1000" in the product name`. */
  why: string[];
}

/**
 * Weights, in tiers so that the order the guideline's practice wants always holds: an
 * exact product match outranks any number of keyword hits, which outrank the vendor's
 * name merely appearing. The tiers' caps keep a lower tier from adding up past a higher one.
 */
export const VENDOR_WEIGHTS = {
  productExact: 1000,
  productInName: 500,
  keywordInProduct: 100,
  productInSummary: 80,
  keywordInSummary: 60,
  /** Cap on the keyword tier (keywordInProduct, productInSummary, keywordInSummary). */
  keywordCap: 400,
  vendorInReportedVendor: 40,
  vendorInText: 15,
} as const;

function str(x: unknown): string {
  return typeof x === 'string' ? x : '';
}

/** The vendor's names as matched: nfkc forms without legal forms, 2+ characters. */
function vendorNames(v: CandidateVendor): string[] {
  const names = [v.name, v.nameJa ?? ''].flatMap((n) => [companyCore(n), nfkc(n)]).filter((n) => Array.from(n).length >= 2);
  return [...new Set(names)];
}

/** A registered product name found in a text: as a term, or (4+ chars) ignoring spaces and punctuation. */
function productIn(text: string, productName: string): boolean {
  const key = nfkcKey(productName);
  return containsTerm(nfkc(text), nfkc(productName)) || (Array.from(key).length >= 4 && nfkcKey(text).includes(key));
}

/**
 * Registered vendors the report is probably about, best first (score > 0 only). Reads
 * `product.name`, `product.vendor` and `vulnerability.summary`. Removed vendors are never
 * candidates; `individual` vendors only when the report's product name is theirs (their
 * product or one of its keywords in `product.name`): they receive only cases about their
 * own products, never a multi-vendor case found through the summary.
 */
export function vendorCandidates<V extends CandidateVendor>(vendors: readonly V[], report: ReportForm, opts: { limit?: number } = {}): VendorCandidate<V>[] {
  const W = VENDOR_WEIGHTS;
  const productName = str(report.product?.name);
  const reportedVendor = str(report.product?.vendor);
  const summary = str(report.vulnerability?.summary);
  const pn = nfkc(productName);
  const sm = nfkc(summary);
  const rv = nfkc(reportedVendor);
  const out: VendorCandidate<V>[] = [];

  for (const v of vendors) {
    if (v.removedAt) continue;
    let product = 0;
    let keyword = 0;
    let name = 0;
    let ownProduct = false;
    const why: string[] = [];

    // Tier 1: the report's product is a registered product.
    for (const p of v.products) {
      if (pn === '') break;
      if (nfkcKey(p.name) !== '' && nfkcKey(p.name) === nfkcKey(productName)) {
        product = Math.max(product, W.productExact);
        ownProduct = true;
        why.push(`product "${productName}" is the registered product "${p.name}"`);
      } else if (productIn(productName, p.name)) {
        product = Math.max(product, W.productInName);
        ownProduct = true;
        why.push(`registered product "${p.name}" in the product name`);
      }
    }

    // Tier 2: keywords (and registered product names) in the product name / summary.
    const seenKw = new Set<string>();
    for (const p of v.products) {
      if (sm !== '' && productIn(summary, p.name)) {
        keyword += W.productInSummary;
        why.push(`registered product "${p.name}" in the summary`);
      }
      for (const kw of p.keywords) {
        const k = nfkc(kw);
        if (Array.from(k).length < 2 || seenKw.has(k)) continue;
        seenKw.add(k);
        if (containsTerm(pn, k)) {
          keyword += W.keywordInProduct;
          ownProduct = true;
          why.push(`keyword "${kw}" in the product name`);
        }
        if (containsTerm(sm, k)) {
          keyword += W.keywordInSummary;
          why.push(`keyword "${kw}" in the summary`);
        }
      }
    }
    keyword = Math.min(keyword, W.keywordCap);

    // Tier 3: the vendor's name in the reported vendor, or in the product name / summary.
    const names = vendorNames(v);
    const inVendor = names.find((n) => rv !== '' && (containsTerm(rv, n) || nfkcKey(n) === nfkcKey(reportedVendor)));
    if (inVendor !== undefined) {
      name += W.vendorInReportedVendor;
      why.push(`vendor name "${inVendor}" in the reported vendor "${reportedVendor}"`);
    }
    const inText = names.find((n) => containsTerm(pn, n) || containsTerm(sm, n));
    if (inText !== undefined) {
      name += W.vendorInText;
      why.push(`vendor name "${inText}" in the product name or summary`);
    }

    if (v.registration === 'individual' && !ownProduct) continue;
    const score = product + keyword + name;
    if (score > 0) out.push({ vendor: v, score, why });
  }
  out.sort((a, b) => b.score - a.score || (a.vendor.id < b.vendor.id ? -1 : a.vendor.id > b.vendor.id ? 1 : 0));
  return opts.limit === undefined ? out : out.slice(0, opts.limit);
}

// ---------------------------------------------------------------------------------------
// duplicate candidates

export interface PastCase {
  id: string;
  /** The stored report (cases.report): read defensively, fields may be absent. */
  report: Partial<ReportForm> | null | undefined;
  /** Registry ids of the case's vendors (store caseVendorIds). */
  vendors: readonly string[];
}

export interface DuplicateCandidate {
  caseId: string;
  /** 0..1 */
  score: number;
  /** Summary trigram similarity, 0..1. */
  similarity: number;
  why: string[];
}

export const DUPLICATE_WEIGHTS = {
  // The summary weighs most: a near-identical summary under another product spelling is a
  // likelier duplicate than a similar bug in another product of the same vendor.
  productSame: 0.3,
  productContained: 0.2,
  vendorSame: 0.1,
  /** Weight of the summary; similarity reaches full weight at `summaryFull`. */
  summary: 0.6,
  summaryFull: 0.8,
  typeSame: 0.05,
  /** Least summary similarity for a case sharing the product or vendor. */
  minSimilarity: 0.15,
  /** Summary similarity that makes a candidate by itself (product spelt differently). */
  aloneSimilarity: 0.5,
  /** Default least score. */
  threshold: 0.35,
} as const;

/** nfkc(text) with every occurrence of the (nfkc) terms of 2+ characters blanked out. */
function without(text: string, terms: string[]): string {
  let t = nfkc(text);
  for (const term of terms.map(nfkc).filter((x) => Array.from(x).length >= 2).sort((a, b) => b.length - a.length)) {
    t = t.split(term).join(' ');
  }
  return t;
}

/**
 * Past cases the report probably duplicates, best first. A candidate shares the product
 * (normalised name) or a vendor (registry id in `opts.vendors`, or the same reported vendor
 * name) AND has a similar summary (character-trigram Jaccard, which needs no tokenizer for
 * Japanese; product and vendor names are left out of it) - or has a near-identical summary
 * alone. Then score >= threshold (default DUPLICATE_WEIGHTS.threshold). When either
 * summary is missing, the same product suffices, whatever the score.
 * The caller leaves the new case itself out of `past`.
 */
export function duplicateCandidates(
  past: readonly PastCase[],
  report: ReportForm,
  opts: { vendors?: readonly string[]; threshold?: number; limit?: number } = {},
): DuplicateCandidate[] {
  const W = DUPLICATE_WEIGHTS;
  const threshold = opts.threshold ?? W.threshold;
  const productName = str(report.product?.name);
  const productKey = nfkcKey(productName);
  const vendorKey = nfkcKey(companyCore(str(report.product?.vendor)));
  const summary = str(report.vulnerability?.summary);
  const typeKey = nfkcKey(str(report.vulnerability?.type));
  const myVendors = new Set(opts.vendors ?? []);
  const out: DuplicateCandidate[] = [];

  for (const c of past) {
    const r = c.report ?? {};
    const why: string[] = [];
    let score = 0;

    const theirProduct = str(r.product?.name);
    const theirKey = nfkcKey(theirProduct);
    let sameProduct = false;
    if (productKey !== '' && theirKey === productKey) {
      sameProduct = true;
      score += W.productSame;
      why.push(`same product "${theirProduct}"`);
    } else if (
      productKey !== '' &&
      theirKey !== '' &&
      Math.min(Array.from(productKey).length, Array.from(theirKey).length) >= 4 &&
      (productKey.includes(theirKey) || theirKey.includes(productKey))
    ) {
      sameProduct = true;
      score += W.productContained;
      why.push(`related product "${theirProduct}"`);
    }

    const shared = c.vendors.filter((v) => myVendors.has(v));
    const theirVendorKey = nfkcKey(companyCore(str(r.product?.vendor)));
    let sameVendor = false;
    if (shared.length > 0) {
      sameVendor = true;
      why.push(`same vendor ${shared.join(', ')}`);
    } else if (vendorKey !== '' && theirVendorKey === vendorKey) {
      sameVendor = true;
      why.push(`same reported vendor "${str(r.product?.vendor)}"`);
    }
    if (sameVendor) score += W.vendorSame;

    const theirSummary = str(r.vulnerability?.summary);
    const comparable = nfkc(summary) !== '' && nfkc(theirSummary) !== '';
    // The product and vendor names are left out of the comparison: two different bugs in
    // "ACME Router" would otherwise look alike by the name alone (the name is scored above).
    const names = [productName, theirProduct, companyCore(str(report.product?.vendor)), companyCore(str(r.product?.vendor))];
    const similarity = comparable ? trigramSimilarity(without(summary, names), without(theirSummary, names)) : 0;
    if (comparable) {
      score += W.summary * Math.min(1, similarity / W.summaryFull);
      why.push(`summary similarity ${similarity.toFixed(2)}`);
    } else {
      why.push('no summary to compare');
    }

    if (typeKey !== '' && nfkcKey(str(r.vulnerability?.type)) === typeKey) {
      score += W.typeSame;
      why.push(`same vulnerability type "${str(r.vulnerability?.type)}"`);
    }

    const related = sameProduct || sameVendor;
    const qualifies = comparable
      ? (related && similarity >= W.minSimilarity) || similarity >= W.aloneSimilarity
      : sameProduct;
    score = Math.round(Math.min(1, score) * 1000) / 1000;
    // Without summaries the score cannot reach the threshold; the same product is listed anyway.
    if (qualifies && (score >= threshold || !comparable)) out.push({ caseId: c.id, score, similarity: Math.round(similarity * 1000) / 1000, why });
  }
  out.sort((a, b) => b.score - a.score || b.similarity - a.similarity || (a.caseId < b.caseId ? -1 : a.caseId > b.caseId ? 1 : 0));
  return opts.limit === undefined ? out : out.slice(0, opts.limit);
}
