// The report as the parties who must fix it read it: the vulnerability details of a product
// report (summary, type, CVSS, impact, the confidential steps) and the reporter's identity,
// shared by the notices that carry them in full, `vendor-notify` (guideline §3.4) and
// `partner-handover` (guideline §5). Each piece is a zod schema fragment (spread into the
// notice's strict schema at the place of its keys) and the view of the same keys.
import { EMAIL, block, bool, line, name, presentIff, type Refuse } from './schema.ts';
import { quoted, safe } from './view.ts';

/** The vulnerability details of the report. */
export interface ReportDetails {
  /** The reporter's text (several lines allowed; shown quoted). */
  summary: string;
  /** Free text or `CWE-n`, one line. */
  vulnerabilityType?: string;
  /** A CVSS vector, one line. */
  cvss?: string;
  impact?: string;
  /** Confidential: never public (§2). */
  reproduction: string;
  /** Confidential: never public (§2). */
  verification?: string;
}

export const reportDetailsSchema = {
  summary: block(20_000),
  vulnerabilityType: line(200).optional(),
  cvss: line(200).optional(),
  impact: block(20_000).optional(),
  reproduction: block(100_000),
  verification: block(100_000).optional(),
};

/** The reporter's text quoted (view.ts quoted), one-line values made safe, `has…` flags for `{{#if}}`. */
export function reportDetailsView(c: ReportDetails): Record<string, string | boolean> {
  return {
    summary: quoted(c.summary),
    hasType: c.vulnerabilityType !== undefined,
    vulnerabilityType: safe(c.vulnerabilityType ?? ''),
    hasCvss: c.cvss !== undefined,
    cvss: safe(c.cvss ?? ''),
    hasImpact: c.impact !== undefined,
    impact: c.impact === undefined ? '' : quoted(c.impact),
    reproduction: quoted(c.reproduction),
    hasVerification: c.verification !== undefined,
    verification: c.verification === undefined ? '' : quoted(c.verification),
  };
}

/** The reporter's name, e-mail and organisation only with consent (§2; 資料1 2.(4)). */
export type ReporterIdentity =
  | { shareIdentity: true; reporterName: string; reporterEmail: string; reporterOrganization?: string }
  | { shareIdentity: false; reporterName?: never; reporterEmail?: never; reporterOrganization?: never };

export const reporterIdentitySchema = {
  shareIdentity: bool,
  reporterName: name.optional(),
  reporterEmail: line(320, EMAIL).optional(),
  reporterOrganization: name.optional(),
};

/** The schema's cross-key rule (in its superRefine): guideline §2; 資料1 2.(4), the reporter's identity only with consent. */
export function refuseIdentityWithoutConsent(c: { shareIdentity: boolean; reporterOrganization?: string }, refuse: Refuse): void {
  presentIff(c, 'reporterName', c.shareIdentity, 'shareIdentity is true', refuse);
  presentIff(c, 'reporterEmail', c.shareIdentity, 'shareIdentity is true', refuse);
  if (!c.shareIdentity && c.reporterOrganization !== undefined) refuse('reporterOrganization', 'must be absent unless shareIdentity is true');
}

export function reporterIdentityView(c: ReporterIdentity): Record<string, string | boolean> {
  return {
    shareIdentity: c.shareIdentity,
    reporterName: safe(c.reporterName ?? ''),
    reporterEmail: safe(c.reporterEmail ?? ''),
    hasOrganization: c.reporterOrganization !== undefined,
    reporterOrganization: safe(c.reporterOrganization ?? ''),
  };
}
