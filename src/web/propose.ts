// Who should hear about a website report (guideline §4 item 2): a PROPOSAL for the
// coordinators, never a decision. A registered operator (the registry is the coordinators'
// own word) comes first. Otherwise the desk looks on the web: the site's security.txt (RFC
// 9116), the contacts' keys by WKD, the file's Encryption keys. Everything found there is
// marked `confirmed: false`: nothing fetched from the web is trusted on its own (issue 11),
// and the coordinators confirm it by a command (a later round).
//
// Bounds on what a hostile file can make the desk do: at most MAX_MAIL_CONTACTS WKD lookups
// and MAX_ENCRYPTION_KEYS key fetches per proposal, each under the fetcher's limits.
import { httpsGet } from '../adapters/https.ts';
import { certifiedKey, checkRecipientKey, loadKeyring } from '../crypto/openpgp.ts';
import { mailtoAddress } from '../rules/security-txt.ts';
import { websiteScope, type ScopeVerdict } from '../rules/website-scope.ts';
import type { Db } from '../store/db.ts';
import { operatorForUrl } from '../store/operators.ts';
import { fetchOptions, type WebLookupOptions } from './options.ts';
import { fetchSecurityTxt, verifySecurityTxt, type SecurityTxtResult } from './security-txt.ts';
import { wkdLookup, type WkdResult } from './wkd.ts';

const MAX_MAIL_CONTACTS = 5;
const MAX_ENCRYPTION_KEYS = 3;

export interface ProposedKey {
  fingerprint: string;
  armored: string;
  state: 'ok' | 'expired' | 'revoked' | 'no-encryption-key' | 'unreadable';
  /** Where it came from: a WKD URL or the security.txt Encryption URL. */
  source: 'wkd-advanced' | 'wkd-direct' | 'encryption';
  url: string;
  /** Certified user-id addresses (WKD keys: the contact's address by construction). */
  emails: string[];
}

export interface ProposedContact {
  email: string;
  /** The security.txt URL that names it. */
  from: string;
  /** The key found for it (WKD first, then an Encryption key certifying the address); null when none. */
  key: ProposedKey | null;
}

export interface EncryptionKeyLookup {
  uri: string;
  /** Keys the URI gave (https), or the fingerprint it names (openpgp4fpr) with no key text. */
  keys: ProposedKey[];
  fingerprint?: string;
  refused?: string;
}

export type OperatorProposal =
  | {
      kind: 'registered';
      /** The registry is the coordinators' own entry. */
      confirmed: true;
      scope: ScopeVerdict;
      operator: { id: string; name: string; domain: string; contacts: string[]; keys: string[] };
    }
  | {
      kind: 'web';
      confirmed: false;
      scope: ScopeVerdict;
      host: string;
      securityTxt: SecurityTxtSummary;
      /** Usable mailto contacts with their keys; empty when the file is missing or not usable. */
      contacts: ProposedContact[];
      /** Contact URIs other than mailto (web forms, tel:), for the coordinators to read. */
      otherContacts: string[];
      encryption: EncryptionKeyLookup[];
      wkd: WkdResult[];
    }
  | { kind: 'none'; confirmed: false; scope: ScopeVerdict; reason: 'bad-url' | 'ip-literal' | 'web-disabled' };

export type SecurityTxtSummary =
  | Extract<SecurityTxtResult, { found: false }>
  | (Omit<Extract<SecurityTxtResult, { found: true }>, 'raw'> & { expires: Date | null });

/**
 * The proposal for a report's site URL. `web: null` (config web.enabled false) never fetches.
 * Never throws for bad input or web failures; a database error propagates.
 */
export async function proposeOperatorContact(db: Db, url: string, web: WebLookupOptions | null): Promise<OperatorProposal> {
  const scope = websiteScope(url);
  if (scope.verdict === 'bad-url') return { kind: 'none', confirmed: false, scope, reason: 'bad-url' };
  const match = await operatorForUrl(db, url);
  if (match) {
    const o = match.operator;
    return {
      kind: 'registered',
      confirmed: true,
      scope,
      operator: { id: o.id, name: o.name, domain: match.domain, contacts: [...o.contacts.to, ...o.contacts.cc], keys: o.keys.map((k) => k.fingerprint) },
    };
  }
  // An IP address has no security.txt of a site's own (no certificate names it, RFC 9116 §3 is per domain).
  if (scope.verdict === 'needs-coordinator' && scope.reason === 'ip-literal') return { kind: 'none', confirmed: false, scope, reason: 'ip-literal' };
  if (web === null) return { kind: 'none', confirmed: false, scope, reason: 'web-disabled' };
  return webProposal(scope, scope.host, web);
}

async function webProposal(scope: ScopeVerdict, host: string, web: WebLookupOptions): Promise<OperatorProposal> {
  const now = web.now ?? new Date();
  let st = await fetchSecurityTxt(host, web);
  const base = { kind: 'web' as const, confirmed: false as const, scope, host };
  if (!st.found) return { ...base, securityTxt: st, contacts: [], otherContacts: [], encryption: [], wkd: [] };

  // Unreadable signed envelope or bad signature: nothing in the file is looked up further.
  const fields = st.fields;
  const mails = [...new Set(fields.contacts.map(mailtoAddress).filter((m): m is string => m !== null))].slice(0, MAX_MAIL_CONTACTS);
  const otherContacts = fields.contacts.filter((c) => mailtoAddress(c) === null);
  const wkd: WkdResult[] = [];
  for (const m of mails) wkd.push(await wkdLookup(m, web));
  const encryption: EncryptionKeyLookup[] = [];
  for (const uri of fields.encryption.slice(0, MAX_ENCRYPTION_KEYS)) encryption.push(await encryptionKeys(uri, web, now));

  // A signed file is verified with every key found; the result is judged again.
  const candidateKeys = [...wkd.flatMap((w) => (w.found ? [w.key.armored] : [])), ...encryption.flatMap((e) => e.keys.map((k) => k.armored))];
  st = await verifySecurityTxt(st, candidateKeys, now);
  if (!st.found) return { ...base, securityTxt: st, contacts: [], otherContacts: [], encryption: [], wkd: [] };
  const { raw: _raw, ...rest } = st;
  const summary: SecurityTxtSummary = { ...rest, expires: st.fields.expires };
  if (!st.usable) return { ...base, securityTxt: summary, contacts: [], otherContacts: [], encryption, wkd };

  const contacts: ProposedContact[] = mails.map((email) => {
    const w = wkd.find((x) => x.email.toLowerCase() === email.toLowerCase() && x.found);
    const wk = w?.found === true ? w.key : null;
    const fromWkd: ProposedKey | null = wk
      ? { fingerprint: wk.fingerprint, armored: wk.armored, state: wk.state, source: wk.method === 'advanced' ? 'wkd-advanced' : 'wkd-direct', url: wk.url, emails: [email.toLowerCase()] }
      : null;
    const fromEncryption = encryption.flatMap((e) => e.keys).find((k) => k.emails.includes(email.toLowerCase())) ?? null;
    return { email, from: st.url, key: fromWkd ?? fromEncryption };
  });
  return { ...base, securityTxt: summary, contacts, otherContacts, encryption, wkd };
}

/** The keys an Encryption URI gives: an https URL is fetched; openpgp4fpr names a fingerprint only. */
async function encryptionKeys(uri: string, web: WebLookupOptions, now: Date): Promise<EncryptionKeyLookup> {
  const fpr = /^openpgp4fpr:([0-9a-f]{40})$/i.exec(uri)?.[1];
  if (fpr) return { uri, keys: [], fingerprint: fpr.toUpperCase() };
  if (!/^https:\/\//i.test(uri)) return { uri, keys: [], refused: 'not-https' };
  const r = await httpsGet(uri, fetchOptions(web, web.maxKeyBytes));
  if (!r.ok) return { uri, keys: [], refused: r.reason };
  const text = r.body.toString('latin1');
  if (/-----BEGIN PGP PRIVATE KEY BLOCK-----/.test(text)) return { uri, keys: [], refused: 'secret-key' };
  const armored = /-----BEGIN PGP PUBLIC KEY BLOCK-----/.test(text);
  const ring = await loadKeyring([armored ? { name: 'encryption', text } : { name: 'encryption', text: '', binary: new Uint8Array(r.body) }], undefined, () => undefined);
  if (ring.keys.some((k) => k.hasSecret)) return { uri, keys: [], refused: 'secret-key' };
  const keys: ProposedKey[] = [];
  for (const k of ring.keys) {
    const c = await certifiedKey(ring, k.fingerprint, [], now);
    if (!c) continue;
    const check = await checkRecipientKey(c.armored, now);
    keys.push({ fingerprint: c.fingerprint, armored: c.armored, state: check.ok ? 'ok' : check.why, source: 'encryption', url: r.url, emails: c.certifiedEmails });
  }
  return keys.length > 0 ? { uri, keys } : { uri, keys: [], refused: 'unreadable' };
}
