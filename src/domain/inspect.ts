// The verdict the desk reaches on one inbound message: the `inspect` JSON of
// mail-protocol.md §5. Everything downstream (cases, rules, notices) reads this and
// never the raw message, so what is not in here was not trusted.

/** §5 `rejected.reason`: stable codes, each with a reply template (see REJECTIONS). */
export type RejectReason =
  | 'mixed-encryption'
  | 'not-for-us'
  | 'decompression-limit'
  | 'too-large'
  | 'malformed'
  | 'no-content';

export interface Rejection {
  reason: RejectReason;
  detail: string;
}

export type EncryptionStatus = 'pgp-mime' | 'inline' | 'none' | 'failed';

export type SignatureStatus =
  | 'valid'
  | 'invalid'
  | 'unknown-key'
  | 'expired-key'
  | 'revoked-key'
  | 'unsupported'
  | 'none';

export interface SignatureVerdict {
  status: SignatureStatus;
  /** 40 hex digits (upper case) of the signing primary key, or of the issuer when unknown. */
  fingerprint: string | null;
  /** False when no user id of the signing key carries the From address (§5). */
  matchesFrom: boolean;
}

export interface AttachmentInfo {
  name: string | null;
  contentType: string;
  size: number;
  sha256: string;
}

/** §2 report form, canonical keys; absent fields are omitted, never empty strings. */
export interface ReportForm {
  /** `product` or `website`; any other value is kept as written. */
  kind?: string;
  reporter?: { name?: string; organization?: string; email?: string; phone?: string };
  product?: { name?: string; version?: string; vendor?: string };
  website?: { url?: string; name?: string };
  vulnerability?: { type?: string; summary?: string };
  reproduction?: string;
  verification?: string;
  impact?: string;
  cvss?: string;
  consent?: { shareIdentity?: boolean; directContact?: boolean; credit?: boolean; creditName?: string };
  reportedElsewhere?: string;
  /**
   * The desk's extension of §2 (docs/report-form.md): present only when the form has a
   * numbered vulnerability block (`Summary 2:`...); then every vulnerability, 1 first, with
   * vulnerability 1 the unnumbered fields (which stay in `vulnerability` / `cvss` too).
   */
  vulnerabilities?: ReportVulnerability[];
  /** Labels the desk did not recognise, kept verbatim (§2: "Unknown labels are kept"). */
  extra?: Record<string, string>;
  /** Canonical keys of required fields that are absent, e.g. `reporter.email`. */
  missing: string[];
}

/** One numbered vulnerability block of a report (docs/report-form.md). */
export interface ReportVulnerability {
  number: number;
  type?: string;
  summary?: string;
  cvss?: string;
}

export type VendorStatus = 'affected' | 'not-affected' | 'investigating' | 'fixed';

/** §4 vendor reply form. */
export interface VendorReplyForm {
  caseId?: string;
  status?: VendorStatus;
  fixedVersions?: string;
  workaround?: string;
  /** ISO date YYYY-MM-DD. */
  proposedPublication?: string;
  advisoryUrl?: string;
  comment?: string;
  /** The desk's addition to §4: other vendors whose products the vendor says are affected too. */
  otherVendors?: string;
  /**
   * issue 12: the case's vulnerabilities the status is for, as written (`2`, `1, 3`); read
   * by forms/values.ts readVulnerabilityNumbers. Absent: the status is for every one.
   */
  vulnerability?: string;
  /** issue 12 (mail-protocol §7): the vendor's own tracking id for the case (`Vendor reference:`). */
  vendorReference?: string;
  extra?: Record<string, string>;
}

export type MessageKind = 'report' | 'vendor-reply' | 'unknown';

export interface InspectResult {
  messageId: string | null;
  from: string | null;
  subject: string | null;
  encryption: EncryptionStatus;
  signature: SignatureVerdict;
  kind: MessageKind;
  report?: ReportForm;
  vendorReply?: VendorReplyForm;
  attachments: AttachmentInfo[];
  rejected: Rejection | null;
  /** Human-readable notes on what the desk saw (not part of the §5 contract). */
  notes: string[];
}
