// Case references in signed text (issue 12; mail-protocol.md §7): every party knows a case
// by its own id — the desk's `VR-2026-0042`, a partner's `VU#123456`, a vendor's ticket
// id given on a `Vendor reference:` line — and a reply must be matched by any of them.
// This finds them ALL and decides nothing: two references naming two different cases is
// the caller's concern (it must refuse, not pick one).
//
// Pure and bounded (§1: mail is hostile): the text is read once per pattern with linear
// expressions (case-id.ts, ref-pattern.ts), at most MAX_TEXT characters are read, and at
// most MAX_REFS references of each kind are returned (`truncated` says so).

import { normLabel, VENDOR_REFERENCE_LABELS } from './labels.ts';
import { scanFields } from './lines.ts';
import { formatRef, refPatternRegExp, type RefPattern } from './ref-pattern.ts';

export type CaseReference =
  | { kind: 'desk'; id: string }
  | { kind: 'partner'; partnerId: string; ref: string }
  | { kind: 'vendor'; ref: string };

export interface ReferenceScan {
  /** Distinct references in order of first appearance (desk ids, then partners', then vendor's). */
  references: CaseReference[];
  /** A `Vendor reference:` line whose value is no usable id (kept out of `references`). */
  problems: 'vendor-reference-invalid'[];
  /** More than MAX_REFS of one kind, or text beyond MAX_TEXT was not read. */
  truncated: boolean;
}

export interface ReferenceOptions {
  /** The desk's case-id prefix (config desk.casePrefix), default `VR`. */
  casePrefix?: string;
  /** Registered partners and their case-id patterns (store/partners.ts + parseRefPattern). */
  partners?: readonly { partnerId: string; pattern: RefPattern }[];
}

export const MAX_REFS = 50;
/** A signed body larger than this is not a reply to match (the desk's own limits are lower). */
export const MAX_TEXT = 1_000_000;

export { VENDOR_REFERENCE_LABELS };

const VENDOR_REF_MAP: ReadonlyMap<string, 'vendorRef'> = new Map(
  [...VENDOR_REFERENCE_LABELS.ja, ...VENDOR_REFERENCE_LABELS.en].map((l): [string, 'vendorRef'] => [normLabel(l), 'vendorRef']),
);

// A vendor's ticket id: letters, digits and # _ . : / - with single inner spaces
// ("SR 12345"), 1-64 characters, starting with a letter or digit.
const VENDOR_REF_RE = /^[\p{L}\p{N}](?:[\p{L}\p{N}#_.:/-]| (?! )){0,63}$/u;

/**
 * A vendor's tracking id as written on a `Vendor reference:` line (its first line, NFKC,
 * trimmed), or undefined when it is no usable id (`vendor-reference-invalid`).
 */
export function readVendorReference(value: string): string | undefined {
  const ref = (value.split('\n')[0] ?? '').slice(0, 200).normalize('NFKC').trim();
  return VENDOR_REF_RE.test(ref) ? ref : undefined;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
}

/** Finds every case reference in `text`. Never throws. */
export function findReferences(text: string, options: ReferenceOptions = {}): ReferenceScan {
  const out: ReferenceScan = { references: [], problems: [], truncated: false };
  try {
    let t = typeof text === 'string' ? text : '';
    if (t.length > MAX_TEXT) {
      t = t.slice(0, MAX_TEXT);
      out.truncated = true;
    }
    const folded = t.normalize('NFKC');
    const seen = new Set<string>();
    const add = (key: string, r: CaseReference): void => {
      if (seen.has(key)) return;
      seen.add(key);
      out.references.push(r);
    };

    // The desk's ids, bracketed or bare (case-id.ts findCaseId, all occurrences).
    const prefix = (options.casePrefix ?? 'VR').normalize('NFKC');
    if (prefix !== '') {
      const re = new RegExp(`(?<![0-9A-Za-z-])${escapeRegExp(prefix)}-(\\d{4})-(\\d{4,12})(?![0-9A-Za-z])`, 'giu');
      let n = 0;
      for (const m of folded.matchAll(re)) {
        if (++n > MAX_REFS) {
          out.truncated = true;
          break;
        }
        const id = `${prefix}-${m[1] ?? ''}-${m[2] ?? ''}`;
        add(`desk:${id}`, { kind: 'desk', id });
      }
    }

    for (const p of options.partners ?? []) {
      let n = 0;
      for (const m of folded.matchAll(refPatternRegExp(p.pattern))) {
        if (++n > MAX_REFS) {
          out.truncated = true;
          break;
        }
        const ref = formatRef(p.pattern, m.slice(1));
        add(`partner:${p.partnerId}:${ref}`, { kind: 'partner', partnerId: p.partnerId, ref });
      }
    }

    // Vendor references only on label lines (never quoted, never in a signature): a bare
    // ticket id has no shape to find in prose.
    let n = 0;
    for (const f of scanFields(t, VENDOR_REF_MAP)) {
      if (f.key === null || f.value === '') continue;
      const ref = readVendorReference(f.value);
      if (ref === undefined) {
        if (!out.problems.includes('vendor-reference-invalid')) out.problems.push('vendor-reference-invalid');
        continue;
      }
      if (++n > MAX_REFS) {
        out.truncated = true;
        break;
      }
      add(`vendor:${ref}`, { kind: 'vendor', ref });
    }
    return out;
  } catch {
    // Resource exhaustion only: report what was found so far, marked incomplete.
    return { ...out, truncated: true };
  }
}
