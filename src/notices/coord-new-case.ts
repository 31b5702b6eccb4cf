// `coord-new-case`: to the coordinators: a new case, with vendor and duplicate candidates
// and the commands to act (as mail lines and as CLI lines).
import { formatCommand, STOP_REASONS, VENDOR_ID, type Command } from '../commands/parse.ts';
import { formatJst } from '../domain/clock.ts';
import { defineNotice } from './notice.ts';
import { block, caseId, day, instant, line, lineList, list, name, number, oneOf, presentIff, refuser, strict } from './schema.ts';
import { flags, quoted, safe } from './view.ts';

export interface CoordNewCaseContext {
  caseId: string;
  receivedAt: Date;
  kind: 'product' | 'website';
  /** As reported: `product` only (productName required). */
  productName?: string;
  productVersion?: string;
  reportedVendor?: string;
  /** As reported: `website` only (required). */
  siteUrl?: string;
  vulnerabilityType?: string;
  summary: string;
  /** registry/candidates.ts vendorCandidates, best first (empty for `website`). */
  vendorCandidates: { id: string; name: string; score: number; why: string[] }[];
  /** registry/candidates.ts duplicateCandidates, best first. */
  duplicateCandidates: { caseId: string; score: number; why: string[] }[];
  /**
   * A partner CSIRT's case (issue 12, guideline §5): opened from its signed case form, with
   * the partner's own id and its embargo (the publication date the desk holds).
   */
  partner?: { id: string; name: string; ref: string; embargo: Date; publicationDate: string };
}

const why = lineList(500, 30, { minItems: 0 });

export const schema = strict({
  caseId,
  receivedAt: instant,
  kind: oneOf(['product', 'website']),
  productName: name.optional(),
  productVersion: line(300).optional(),
  reportedVendor: name.optional(),
  siteUrl: line(2000).optional(),
  vulnerabilityType: line(200).optional(),
  summary: block(20_000),
  vendorCandidates: list(strict({ id: line(64, VENDOR_ID), name, score: number(0, 1_000_000), why }), 50, 0),
  duplicateCandidates: list(strict({ caseId, score: number(0, 1), why }), 50, 0),
  partner: strict({ id: line(64, VENDOR_ID), name, ref: line(80), embargo: instant, publicationDate: day }).optional(),
}).superRefine((c, ctx) => {
  const refuse = refuser(ctx);
  const product = c.kind === 'product';
  presentIff(c, 'productName', product, 'kind is product', refuse);
  presentIff(c, 'siteUrl', !product, 'kind is website', refuse);
  if (!product) {
    for (const k of ['productVersion', 'reportedVendor'] as const) if (c[k] !== undefined) refuse(k, 'must be absent when kind is website');
    if (c.vendorCandidates.length > 0) refuse('vendorCandidates', 'must be empty when kind is website');
  }
  const ids = new Set<string>();
  c.vendorCandidates.forEach((v, i) => {
    if (ids.has(v.id)) ctx.addIssue({ code: 'custom', path: ['vendorCandidates', i, 'id'], message: `lists ${v.id} twice` });
    ids.add(v.id);
  });
  c.duplicateCandidates.forEach((d, i) => {
    if (d.caseId === c.caseId) ctx.addIssue({ code: 'custom', path: ['duplicateCandidates', i, 'caseId'], message: 'is the case itself' });
  });
});

/** `X-ADD-VENDOR: acme` → `add-vendor acme` (docs/commands.md: the CLI takes the keyword without `X-`). */
function cliForm(mailLine: string): string {
  const m = /^X-([A-Z-]+)(?::\s?(.*))?$/u.exec(mailLine);
  if (!m) throw new Error(`not a one-line command: ${mailLine}`);
  return [(m[1] ?? '').toLowerCase(), m[2] ?? ''].filter((x) => x !== '').join(' ');
}

function commandLines(caseId: string, cmds: Command[]): { mail: string[]; cli: string[] } {
  const formatted = cmds.map(formatCommand);
  return { mail: [`X-CASE: ${caseId}`, ...formatted], cli: formatted.map((l) => `madoguchi case ${caseId} ${cliForm(l)}`) };
}

export default defineNotice<CoordNewCaseContext>()({
  template: 'coord-new-case',
  schema,
  view: (_lang, c) => {
    const top = c.vendorCandidates[0];
    const dup = c.duplicateCandidates[0];
    const add = commandLines(c.caseId, [{ kind: 'add-vendor', vendor: top?.id ?? '<vendor-id>' }]);
    const stopDup = dup ? commandLines(c.caseId, [{ kind: 'stop', reason: 'duplicate', duplicateOf: dup.caseId, text: null }]) : { mail: [], cli: [] };
    const stop = commandLines(c.caseId, [{ kind: 'stop', reason: 'not-vulnerability', text: null }]);
    return {
      caseId: c.caseId,
      receivedAt: formatJst(c.receivedAt),
      ...flags(['product', 'website'], c.kind),
      productName: safe(c.productName ?? ''),
      hasVersion: c.productVersion !== undefined,
      productVersion: safe(c.productVersion ?? ''),
      hasReportedVendor: c.reportedVendor !== undefined,
      reportedVendor: safe(c.reportedVendor ?? ''),
      siteUrl: safe(c.siteUrl ?? ''),
      hasType: c.vulnerabilityType !== undefined,
      vulnerabilityType: safe(c.vulnerabilityType ?? ''),
      summary: quoted(c.summary),
      hasVendors: c.vendorCandidates.length > 0,
      vendors: c.vendorCandidates.map((v, i) => ({ no: i + 1, id: v.id, name: safe(v.name), score: String(Math.round(v.score * 100) / 100), why: v.why.map(safe) })),
      hasDuplicates: c.duplicateCandidates.length > 0,
      duplicates: c.duplicateCandidates.map((d, i) => ({ no: i + 1, caseId: d.caseId, score: d.score.toFixed(2), why: d.why.map(safe) })),
      hasTop: top !== undefined,
      addMail: add.mail,
      addCli: add.cli,
      hasDup: dup !== undefined,
      dupMail: stopDup.mail,
      dupCli: stopDup.cli,
      stopMail: stop.mail,
      stopCli: stop.cli,
      isPartner: c.partner !== undefined,
      partnerName: safe(c.partner?.name ?? ''),
      partnerId: c.partner?.id ?? '',
      partnerRef: safe(c.partner?.ref ?? ''),
      partnerEmbargo: c.partner ? `${c.partner.embargo.toISOString().slice(0, 16).replace('T', ' ')} UTC (${formatJst(c.partner.embargo)})` : '',
      partnerDate: c.partner?.publicationDate ?? '',
      otherReasons: STOP_REASONS.filter((r) => r !== 'duplicate' && r !== 'not-vulnerability').join(', '),
    };
  },
});
