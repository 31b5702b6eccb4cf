// Which case a signed mail acts on (issue 9 §3): only what the signature covers can say.
// Sources, all signed content: the protected Subject (when it lies under the signature),
// and the body's own case line (a vendor reply's `Case ID`, a command's `X-CASE`, or the
// first case id of a free-text follow-up). The outer Subject is never read here: anyone
// on the path can rewrite it, so a genuine reply could be moved to another case of the
// same vendor. In-Reply-To/References name the desk notice answered; they never choose
// the case, and when they name another case than the signed content it is a conflict.
// Pure: no I/O.
import { findCaseId } from '../forms/case-id.ts';

export interface SignedCaseInput {
  /** The protected Subject, only when the signature covers it; else null. */
  signedSubject: string | null;
  /** The case the signed body names (Case ID field, X-CASE, first id in the text). */
  bodyCaseId: string | null;
  /** Message ids from In-Reply-To and References (unsigned). */
  references: readonly string[];
  casePrefix: string;
  /** The desk's mail domain: only its own notices' ids name a case. */
  deskDomain: string;
}

export type SignedCase = { ok: true; caseId: string } | { ok: false; code: 'no-case' | 'case-conflict'; detail: string };

/** Case ids named by desk notices among `references` (`<kind.VR-2026-0001...@desk-domain>`). */
export function referencedCases(references: readonly string[], prefix: string, deskDomain: string): string[] {
  const domain = deskDomain.toLowerCase();
  const out = new Set<string>();
  for (const r of references) {
    const at = r.lastIndexOf('@');
    if (at < 0 || r.slice(at + 1).replace(/>$/, '').toLowerCase() !== domain) continue;
    const id = findCaseId(r.slice(0, at), prefix);
    if (id) out.add(id.toUpperCase());
  }
  return [...out];
}

export function caseFromSignedContent(input: SignedCaseInput): SignedCase {
  const fromSubject = input.signedSubject ? findCaseId(input.signedSubject, input.casePrefix) : null;
  const fromBody = input.bodyCaseId ? findCaseId(input.bodyCaseId, input.casePrefix) : null;
  if (fromSubject && fromBody && fromSubject.toUpperCase() !== fromBody.toUpperCase()) {
    return { ok: false, code: 'case-conflict', detail: 'the signed subject and the signed body name different cases' };
  }
  const caseId = fromBody ?? fromSubject;
  if (!caseId) return { ok: false, code: 'no-case', detail: 'no case id in the signed content' };
  const others = referencedCases(input.references, input.casePrefix, input.deskDomain).filter((c) => c !== caseId.toUpperCase());
  if (others.length > 0) return { ok: false, code: 'case-conflict', detail: 'In-Reply-To/References name a notice of another case than the signed content' };
  return { ok: true, caseId };
}
