// Who may read the reporter's identity (guideline §2; 資料1 2.(4); issue 9 §5): the one
// decision, per recipient, that every notice leaving the desk for a vendor or the public
// goes through (src/desk/execute.ts). The matching itself is src/outbound/identity-guard.ts.
//
// - To a vendor: only when the reporter consented to share their identity with vendors
//   (`consent.shareIdentity`, the form's 同意 field); an introduction (§3.10, both sides
//   consented to direct exchange) carries the reporter's contact in its own fields.
// - To the public (the advisory, the public unreachable list): never, whatever the consent.
//   Only the credit line the reporter asked for (`consent.credit`, its own consent) passes.
// - The reporter and the coordinators are not guarded: it is their own identity, or they
//   hold it already.
import { createHash } from 'node:crypto';
import type { ReportForm } from '../domain/inspect.ts';
import { compileIdentity, findIdentity, stringLeaves, type CompiledIdentity, type IdentityHit, type IdentityKind } from '../outbound/identity-guard.ts';
import type { AnyNoticeName } from '../outbound/templates.ts';
import type { ProductCase } from '../rules/product.ts';

export type Audience = 'vendor' | 'public';

export interface IdentityPolicy {
  /** The reporter consented to share their identity with vendors. */
  shareWithVendors: boolean;
  identity: CompiledIdentity;
}

/** Everything the desk knows of the reporter: the form's fields, the sending address, the case's name. */
export function identityPolicy(report: ReportForm, snapshot: Pick<ProductCase, 'reporter'> | null, reporterEmail: string | null): IdentityPolicy {
  const r = report.reporter ?? {};
  const list = (...xs: (string | null | undefined)[]): string[] => [...new Set(xs.filter((x): x is string => typeof x === 'string' && x.trim() !== ''))];
  return {
    shareWithVendors: snapshot?.reporter.consent.shareIdentity === true || (snapshot === null && report.consent?.shareIdentity === true),
    identity: compileIdentity({
      names: list(r.name, snapshot?.reporter.name),
      emails: list(r.email, reporterEmail),
      organizations: list(r.organization),
      phones: list(r.phone),
    }),
  };
}

/** Fields of a notice that carry the reporter's identity on purpose, by consent the rules checked. */
function exempt(audience: Audience, name: AnyNoticeName, context: object): (field: string) => boolean {
  if (audience === 'vendor' && name === 'introduce') return (f) => f === 'reporterName' || f === 'reporterEmail' || f === 'reporterOrganization';
  if (name === 'advisory' && (context as { credit?: unknown }).credit === true) return (f) => f === 'creditName';
  return () => false;
}

/** What of the reporter's identity a notice's context carries that `audience` may not read. */
export function checkNotice(policy: IdentityPolicy, audience: Audience, name: AnyNoticeName, context: object): IdentityHit[] {
  if (audience === 'vendor' && policy.shareWithVendors) return [];
  return findIdentity(stringLeaves(context), policy.identity, exempt(audience, name, context));
}

/** The short name of a hold for the coordinators' commands: stable for one notice (a retried job gives the same). */
export function holdRef(noticeId: string): string {
  const h = createHash('sha256').update(noticeId).digest();
  // Crockford base32 without I, L, O, U: easy to type back from an alert.
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  let out = 'H';
  for (let i = 0; i < 6; i++) out += alphabet[(h[i] ?? 0) % 32];
  return out;
}

const KIND_WORDS: Record<IdentityKind, string> = { name: 'name', email: 'address', organization: 'organisation', phone: 'telephone number' };

/** "name in summary, address in reproduction": what an alert says (never the identity itself). */
export function describeHits(hits: readonly IdentityHit[]): string {
  return hits.map((h) => `${KIND_WORDS[h.kind]} in ${h.field}`).join(', ');
}

/** The first kind found, in the words relay refusals use ("address", "telephone number"). */
export function kindWord(kind: IdentityKind): string {
  return KIND_WORDS[kind];
}

// The context is stored as JSON: Dates (a reminder's `since`) are kept as {$date: ISO}.
export function encodeContext(v: unknown): unknown {
  if (v instanceof Date) return { $date: v.toISOString() };
  if (Array.isArray(v)) return v.map(encodeContext);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, encodeContext(x)]));
  return v;
}

export function decodeContext(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(decodeContext);
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1 && keys[0] === '$date' && typeof o.$date === 'string') return new Date(o.$date);
    return Object.fromEntries(keys.map((k) => [k, decodeContext(o[k])]));
  }
  return v;
}


/**
 * The public unreachable list (guideline §3.7): the product name of an entry is public
 * text; when it carries the reporter's identity it is left out (the vendor stays listed).
 */
export function publicProductName(policy: IdentityPolicy, productName: string | undefined): { productName?: string; hits: IdentityHit[] } {
  if (productName === undefined) return { hits: [] };
  const hits = findIdentity([['productName', productName]], policy.identity);
  return hits.length > 0 ? { hits } : { productName, hits };
}
