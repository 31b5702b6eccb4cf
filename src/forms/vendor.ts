// The vendor (and site operator) reply form of mail-protocol.md §4. Same line grammar as
// the report form (lines.ts); only the label table and the value readers differ.

import type { VendorReplyForm } from '../domain/inspect.ts';
import { findCaseId } from './case-id.ts';
import { VENDOR_LABELS, type VendorKey } from './labels.ts';
import { addExtra, scanFields } from './lines.ts';
import { readVendorReference } from './references.ts';
import { readDate, readStatus } from './values.ts';

export interface VendorReplyOptions {
  /** §3 case id prefix (configurable, default `VR`), for the `Case:` line. */
  casePrefix?: string;
}

// Any §3-shaped id, whatever the prefix, so a `Case:` line still reads when the desk's
// prefix is not passed in.
const ANY_CASE_ID_RE = /(?<![0-9A-Za-z-])[A-Za-z][A-Za-z0-9]{0,15}-\d{4}-\d{4,}(?![0-9A-Za-z])/u;

/**
 * Parses a §4 reply. Never throws; absent fields are omitted. A value that cannot be
 * read — a status that is none (or several) of the §4 words, a date that does not exist
 * such as 2026-02-30, a `Case:` line with no case id — is not guessed: the field stays
 * absent and the raw text is kept in `extra` under the label as written. A label given
 * twice: the first non-empty value wins, later ones go to `extra`.
 */
export function parseVendorReplyForm(text: string, options: VendorReplyOptions = {}): VendorReplyForm {
  try {
    return parse(typeof text === 'string' ? text : '', options.casePrefix ?? 'VR');
  } catch {
    // Resource exhaustion only; §1: a verdict, never a crash.
    return {};
  }
}

function parse(text: string, prefix: string): VendorReplyForm {
  const form: VendorReplyForm = {};
  const extra: Record<string, string> = {};
  const taken = new Set<VendorKey>();
  for (const f of scanFields(text, VENDOR_LABELS)) {
    if (f.key === null || (f.value !== '' && taken.has(f.key))) {
      addExtra(extra, f.label, f.value);
      continue;
    }
    if (f.value === '') continue;
    taken.add(f.key);
    if (!assign(form, f.key, f.value, prefix)) addExtra(extra, f.label, f.value);
  }
  if (Object.keys(extra).length > 0) form.extra = extra;
  return form;
}

function assign(form: VendorReplyForm, key: VendorKey, value: string, prefix: string): boolean {
  switch (key) {
    case 'caseId': {
      const id = findCaseId(value, prefix) ?? ANY_CASE_ID_RE.exec(value.slice(0, 500).normalize('NFKC'))?.[0];
      if (id === undefined) return false;
      form.caseId = id;
      return true;
    }
    case 'status': {
      const status = readStatus(value);
      if (status === undefined) return false;
      form.status = status;
      return true;
    }
    case 'proposedPublication': {
      const date = readDate(value);
      if (date === undefined) return false;
      form.proposedPublication = date;
      return true;
    }
    case 'fixedVersions':
      form.fixedVersions = value;
      return true;
    case 'workaround':
      form.workaround = value;
      return true;
    case 'advisoryUrl':
      form.advisoryUrl = value;
      return true;
    case 'comment':
      form.comment = value;
      return true;
    case 'otherVendors':
      form.otherVendors = value;
      return true;
    case 'vulnerability':
      // Kept as written, even when no number reads from it: a reply that names a
      // vulnerability the desk cannot read is refused (unknown-vulnerability), never
      // taken for all of them.
      form.vulnerability = value;
      return true;
    case 'vendorReference': {
      // issue 12 (mail-protocol §7): the vendor's own tracking id; an unusable one is kept
      // in `extra` and never used to match or to write a subject.
      const ref = readVendorReference(value);
      if (ref === undefined) return false;
      form.vendorReference = ref;
      return true;
    }
  }
}

