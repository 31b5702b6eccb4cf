// Reading a security.txt (RFC 9116). Pure: the text in, the fields and a verdict out; the
// fetch is src/web/security-txt.ts and the signature check the crypto adapter.
//
// What the desk takes from it (RFC 9116 §2.5): Contact (one or more, required), Expires
// (exactly one, required: a file without it, or past it, is not trusted: §2.5.5 "SHOULD NOT
// be used"), Encryption, Preferred-Languages (at most one), Canonical, Policy. Other fields
// are ignored (§2.4: unknown fields are ignored). A signed file (§2.3, an OpenPGP cleartext
// signature) is read only from the text the signature covers: the caller verifies it and
// passes the signed text, so nothing outside the signature can add a Contact.

export interface SecurityTxtFields {
  contacts: string[];
  encryption: string[];
  expires: Date | null;
  preferredLanguages: string[];
  canonical: string[];
  policy: string[];
}

export type SecurityTxtProblem =
  | 'no-contact'
  | 'no-expires'
  | 'several-expires'
  | 'bad-expires'
  | 'several-preferred-languages'
  | 'bad-line';

export interface SecurityTxtParse {
  fields: SecurityTxtFields;
  /** Problems found, with the 1-based line where one applies; never the line's text. */
  problems: { problem: SecurityTxtProblem; line?: number }[];
}

const SIGNED_HEADER = '-----BEGIN PGP SIGNED MESSAGE-----';

/**
 * Whether the text holds an OpenPGP cleartext-signed message (RFC 9116 §2.3) anywhere: a
 * file with lines before or after the signed block is still a signed file, read only from
 * the block (clearsignedBlock), so unsigned lines around it add nothing.
 */
export function isClearsigned(text: string): boolean {
  return clearsignedBlock(text) !== null || new RegExp(`^${SIGNED_HEADER}`, 'm').test(text);
}

/** The signed block alone, from its header line to the end of its signature; null when there is none. */
export function clearsignedBlock(text: string): string | null {
  const m = /^-----BEGIN PGP SIGNED MESSAGE-----\r?\n[\s\S]*?^-----END PGP SIGNATURE-----[ \t]*$/m.exec(text);
  return m ? m[0] : null;
}

/**
 * Parses the (signed part of the) file. Field names are case-insensitive (§2.4); lines are
 * `Name: value`; `#` starts a comment; blank lines are allowed. A URI value must be https
 * (§2.5.3, §2.5.4 for web URIs), mailto: or tel:.
 */
export function parseSecurityTxt(text: string): SecurityTxtParse {
  const fields: SecurityTxtFields = { contacts: [], encryption: [], expires: null, preferredLanguages: [], canonical: [], policy: [] };
  const problems: SecurityTxtParse['problems'] = [];
  let expiresSeen = 0;
  let languagesSeen = 0;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = /^([A-Za-z0-9-]+):[ \t]*(.*)$/.exec(line);
    if (!m) {
      problems.push({ problem: 'bad-line', line: i + 1 });
      return;
    }
    const name = (m[1] ?? '').toLowerCase();
    const value = (m[2] ?? '').trim();
    switch (name) {
      case 'contact':
        if (isUri(value)) fields.contacts.push(value);
        else problems.push({ problem: 'bad-line', line: i + 1 });
        break;
      case 'encryption':
        if (isUri(value) || /^openpgp4fpr:[0-9a-f]{40}$/i.test(value)) fields.encryption.push(value);
        else problems.push({ problem: 'bad-line', line: i + 1 });
        break;
      case 'canonical':
        if (/^https:\/\//i.test(value)) fields.canonical.push(value);
        else problems.push({ problem: 'bad-line', line: i + 1 });
        break;
      case 'policy':
        if (/^https:\/\//i.test(value)) fields.policy.push(value);
        else problems.push({ problem: 'bad-line', line: i + 1 });
        break;
      case 'expires': {
        expiresSeen++;
        // §2.5.5: an RFC 3339 date-time (Internet profile of ISO 8601).
        const ok = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(value);
        const d = ok ? new Date(value.replace(' ', 'T')) : null;
        if (!d || Number.isNaN(d.getTime())) problems.push({ problem: 'bad-expires', line: i + 1 });
        else if (expiresSeen === 1) fields.expires = d;
        break;
      }
      case 'preferred-languages':
        languagesSeen++;
        if (languagesSeen === 1) fields.preferredLanguages = value.split(',').map((s) => s.trim()).filter((s) => /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/.test(s));
        break;
      default:
        break;
    }
  });
  if (fields.contacts.length === 0) problems.push({ problem: 'no-contact' });
  if (expiresSeen === 0) problems.push({ problem: 'no-expires' });
  if (expiresSeen > 1) {
    // §2.5.5 "MUST NOT appear more than once": which one the site meant is unknown.
    problems.push({ problem: 'several-expires' });
    fields.expires = null;
  }
  if (languagesSeen > 1) problems.push({ problem: 'several-preferred-languages' });
  return { fields, problems };
}

function isUri(v: string): boolean {
  return /^https:\/\/\S+$/i.test(v) || /^mailto:[^\s@]+@[^\s@]+$/i.test(v) || /^tel:\+?[0-9().\- ]+$/i.test(v);
}

/** The email address of a `mailto:` Contact (query and percent-encoding undone); null for other URIs. */
export function mailtoAddress(contact: string): string | null {
  const m = /^mailto:([^?]+)/i.exec(contact);
  if (!m?.[1]) return null;
  let addr: string;
  try {
    addr = decodeURIComponent(m[1]);
  } catch {
    return null;
  }
  return /^[^\s@<>(),;:"[\]]+@[^\s@<>(),;:"[\]]+$/.test(addr) ? addr : null;
}

/**
 * Whether a Canonical value names the URL the file was fetched from (RFC 9116 §2.5.2: a
 * file whose Canonical URIs do not include its own location SHOULD NOT be trusted, e.g. a
 * file copied from another site). Compared as parsed URLs (host case, default port).
 */
export function canonicalMatches(canonical: readonly string[], fetchedUrl: string): boolean {
  const norm = (s: string): string | null => {
    try {
      const u = new URL(s);
      u.hash = '';
      return u.toString();
    } catch {
      return null;
    }
  };
  const want = norm(fetchedUrl);
  return want !== null && canonical.some((c) => norm(c) === want);
}
