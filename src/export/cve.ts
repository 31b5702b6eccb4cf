// `madoguchi export cve CASE` (issue 12): one CVE JSON 5 record (CVE Record Format 5.1, a
// CNA container) per vulnerability of the case that has a CVE id, from the same model as
// the CSAF export (model.ts), so the two say the same thing.
//
// - Records are in the Published form (the Rejected form is for withdrawn ids): before the
//   case is published they are drafts for the CNA to submit on the publication date, and
//   carry no datePublic / datePublished.
// - The schema requires an English description: a Japanese case gets its summary in
//   Japanese plus an English sentence generated from the CWE name and the products, which
//   names nothing the CSAF document does not (docs/decisions.md, issue 12).
import { cweName } from '../adapters/csaf-validator.ts';
import type { Vulnerability } from '../store/vulnerabilities.ts';
import { scoreOf } from './csaf.ts';
import { advisoryUrlOf, checkExportable, credit, fixedIn, isPublished, nonEmpty, NotExportable, productName, resolveStatus, type ExportCase, type Publisher } from './model.ts';

type Json = Record<string, unknown>;

export interface CveAuthority {
  /** The CNA's UUID (providerMetadata.orgId, cveMetadata.assignerOrgId). */
  orgId: string;
  shortName: string | null;
}

export interface CveResult {
  records: Json[];
  warnings: string[];
}

/** CVE Record Format: description.value maxLength. */
const MAX_TEXT = 4096;

/** The CVE records of a case; throws NotExportable when no vulnerability has a CVE id or a record would be incomplete. */
export function buildCveRecords(c: ExportCase, publisher: Publisher, cna: CveAuthority): CveResult {
  checkExportable(c);
  const withCve = c.vulnerabilities.filter((v) => v.cveId !== null);
  if (withCve.length === 0) throw new NotExportable(`case ${c.id} has no vulnerability with a CVE id`);
  const warnings: string[] = [];
  const records = withCve.map((v) => record(c, v, publisher, cna, warnings));
  return { records, warnings };
}

function record(c: ExportCase, v: Vulnerability, publisher: Publisher, cna: CveAuthority, warnings: string[]): Json {
  const cveId = v.cveId ?? '';
  if (v.summary.length > MAX_TEXT) throw new NotExportable(`${cveId}: the summary is longer than ${MAX_TEXT} characters, the CVE record's limit`);
  const version = nonEmpty(c.product.version);
  const affected: Json[] = [];
  const references = new Map<string, Json>();
  const solutions: Json[] = [];
  const workarounds: Json[] = [];
  for (const vendor of c.snapshot.vendors) {
    const s = resolveStatus(c, v, vendor);
    const product = productName(c, vendor);
    const status = s.status === 'not-affected' ? 'unaffected' : s.status === 'unknown' ? 'unknown' : 'affected';
    const versions: Json[] = version !== null ? [{ version, status }] : [];
    // A fix is named with "fixed" and with "affected, fixed in 1.2.3" alike (fixedIn), as in the CSAF document.
    const fix = fixedIn(s);
    if (fix !== null && fix !== version) versions.push({ version: fix, status: 'unaffected' });
    // No version reported: the status stands for the product as a whole (schema: versions or defaultStatus).
    affected.push({ vendor: vendor.name, product, ...(versions.length > 0 ? { versions, defaultStatus: 'unknown' } : { defaultStatus: status }) });
    if (s.advisoryUrl !== null && s.status !== 'not-affected') references.set(s.advisoryUrl, { url: s.advisoryUrl, name: `${vendor.name}`, tags: ['vendor-advisory'] });
    if (s.status === 'fixed' || fix !== null) {
      solutions.push({ lang: c.lang, value: fix !== null ? (c.lang === 'ja' ? `${vendor.name}: ${fix} で修正されています。` : `${vendor.name}: fixed in ${fix}.`) : c.lang === 'ja' ? `${vendor.name}: 修正済み。製品開発者の公表情報を参照してください。` : `${vendor.name}: fixed; see the vendor's advisory.` });
    }
    if (s.workaround !== null && s.status !== 'not-affected') workarounds.push({ lang: c.lang, value: `${vendor.name}: ${s.workaround}`.slice(0, MAX_TEXT) });
  }
  const desk = advisoryUrlOf(publisher, c.id);
  if (desk !== null) references.set(desk, { url: desk, name: `${publisher.name} ${c.id}` });
  if (references.size === 0) throw new NotExportable(`${cveId}: no reference URL (set exports.advisoryUrl, or record a vendor's advisory URL)`);

  const cwe = v.cwe !== null ? cweName(v.cwe) : null;
  if (v.cwe !== null && cwe === null) warnings.push(`${cveId}: ${v.cwe} is not in the CWE catalogue; problem type left out`);
  const descriptions: Json[] = [{ lang: c.lang, value: v.summary }];
  if (c.lang !== 'en') {
    const products = [...new Set(c.snapshot.vendors.map((x) => `${productName(c, x)} (${x.name})`))].join(', ');
    descriptions.push({ lang: 'en', value: `${cwe !== null && v.cwe !== null ? `${cwe} (${v.cwe})` : 'A vulnerability'} in ${products}.`.slice(0, MAX_TEXT) });
  }
  const score = scoreOf(v, warnings);
  const metrics = score === null ? [] : [{ format: 'CVSS', scenarios: [{ lang: 'en', value: 'GENERAL' }], [score.version === '3.1' ? 'cvssV3_1' : 'cvssV4_0']: score.json }];
  const name = credit(c);
  const published = isPublished(c) ? c.snapshot.publishedAt?.toISOString() : undefined;
  const container: Json = {
    providerMetadata: { orgId: cna.orgId, ...(cna.shortName !== null ? { shortName: cna.shortName } : {}) },
    title: c.lang === 'ja' ? `${c.id} 脆弱性 ${v.number}` : `${c.id} vulnerability ${v.number}`,
    ...(published !== undefined ? { datePublic: published } : {}),
    descriptions,
    affected,
    ...(cwe !== null && v.cwe !== null ? { problemTypes: [{ descriptions: [{ lang: 'en', cweId: v.cwe, description: `${v.cwe} ${cwe}`, type: 'CWE' }] }] } : {}),
    references: [...references.values()],
    ...(metrics.length > 0 ? { metrics } : {}),
    ...(solutions.length > 0 ? { solutions } : {}),
    ...(workarounds.length > 0 ? { workarounds } : {}),
    ...(name !== null ? { credits: [{ lang: c.lang, value: name, type: 'finder' }] } : {}),
    source: { discovery: 'EXTERNAL' },
  };
  return {
    dataType: 'CVE_RECORD',
    dataVersion: '5.1',
    cveMetadata: {
      cveId,
      assignerOrgId: cna.orgId,
      ...(cna.shortName !== null ? { assignerShortName: cna.shortName } : {}),
      state: 'PUBLISHED',
      ...(published !== undefined ? { datePublished: published } : {}),
    },
    containers: { cna: container },
  };
}
