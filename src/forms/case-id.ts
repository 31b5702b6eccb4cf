// Case references of mail-protocol.md §3: ids are `PREFIX-YYYY-NNNN` (prefix
// configurable, default `VR`), and outgoing notices carry `[VR-2026-0042]` in their
// subject, which replies keep.

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
}

/**
 * The first case id in `text`, or null. A bracketed tag (`[VR-2026-0042]`, the form the
 * desk writes into subjects) is preferred over a bare id anywhere in the text, because a
 * bare id may be a reference to another case in the body. The text is NFKC-folded first
 * (Japanese mail clients may turn the tag full-width: `［ＶＲ－２０２６－００４２］`) and
 * the prefix matches case-insensitively; the result is always written with `prefix` as
 * given and the digits as found (4-digit year, 4 or more digits of number). A bare id
 * must stand alone: `XVR-2026-0042` or `VR-2026-00421a` are not ids.
 */
export function findCaseId(text: string, prefix = 'VR'): string | null {
  try {
    if (typeof text !== 'string' || typeof prefix !== 'string' || prefix === '') return null;
    const p = prefix.normalize('NFKC');
    const folded = text.normalize('NFKC');
    const id = escapeRegExp(p);
    // Linear: every match attempt starts at a literal `[` or at the prefix, and the only
    // unbounded runs (\s*, \d{4,}) are single character classes.
    const tagged = new RegExp(`\\[\\s*${id}-(\\d{4})-(\\d{4,})\\s*\\]`, 'iu').exec(folded);
    const m =
      tagged ?? new RegExp(`(?<![0-9A-Za-z-])${id}-(\\d{4})-(\\d{4,})(?![0-9A-Za-z])`, 'iu').exec(folded);
    return m ? `${p}-${m[1] ?? ''}-${m[2] ?? ''}` : null;
  } catch {
    // Resource exhaustion only (§1: hostile input gets a verdict, not a crash).
    return null;
  }
}
