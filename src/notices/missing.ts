// `missing`: the report is incomplete; the missing fields by their labels and a blank form.
import { REPORT_FIELDS, type ReportKey } from '../forms/index.ts';
import { defineNotice } from './notice.ts';
import { block, line, someOf, strict } from './schema.ts';
import { fieldLabel } from './view.ts';

/** Canonical keys of the missing fields and `blankReportForm(lang)`. */
export interface MissingContext {
  missing: ReportKey[];
  blankForm: string;
  draftTag?: string;
}

export const schema = strict({
  missing: someOf(REPORT_FIELDS.map((f) => f.key)),
  blankForm: block(20_000),
  // The draft's tag (src/desk/drafts.ts): a reply quoting it continues this report.
  draftTag: line(40, /^DRAFT-[A-Z0-9]{8,16}$/).optional(),
});

export default defineNotice<MissingContext>()({
  template: 'missing',
  schema,
  view: (lang, c) => ({
    fields: c.missing.map((k) => fieldLabel(k, lang)),
    blankForm: c.blankForm.replace(/\r\n?/g, '\n').replace(/\n+$/, ''),
    hasDraftTag: c.draftTag !== undefined,
    draftTag: c.draftTag ?? '',
    labels: {
      kind: fieldLabel('kind', lang),
      productName: fieldLabel('product.name', lang),
      productVersion: fieldLabel('product.version', lang),
      websiteUrl: fieldLabel('website.url', lang),
      shareIdentity: fieldLabel('consent.shareIdentity', lang),
      directContact: fieldLabel('consent.directContact', lang),
      credit: fieldLabel('consent.credit', lang),
    },
  }),
});
