-- madoguchi schema v18: the site operators registry (guideline §4: the website track; issue 11).
-- Modelled on the vendor registry (002_vendors.sql) and managed through src/store/operators.ts,
-- which writes every change to the timeline (caseId null). PostgreSQL 15 SQL; PGlite runs it too.

-- One row per registered site operator. Removal is soft (removed_at), as for vendors: a
-- removed operator answers for no site and its keys authenticate nothing.
CREATE TABLE operators (
  -- A short slug chosen by the coordinator; the same rule as operators.ts OPERATOR_ID_RE.
  id         text PRIMARY KEY CHECK (id ~ '^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$'),
  name       text NOT NULL CHECK (btrim(name) <> ''),
  name_ja    text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  removed_at timestamptz
);

-- The DNS names an operator answers for: ASCII (punycode), lower case, no trailing dot
-- (src/rules/website-scope.ts normaliseDomain). A domain covers its subdomains; the most
-- specific registered domain wins. Among operators not removed a domain has one operator
-- (operators.ts checks it: a removed operator's domain may be given to another).
CREATE TABLE operator_domains (
  operator_id text NOT NULL REFERENCES operators (id),
  domain      text NOT NULL CHECK (domain = lower(domain) AND domain LIKE '%_._%' AND domain NOT LIKE '%.'),
  PRIMARY KEY (operator_id, domain)
);
CREATE INDEX operator_domains_domain_idx ON operator_domains (domain);

-- Contact points, as vendor_contacts.
CREATE TABLE operator_contacts (
  operator_id text NOT NULL REFERENCES operators (id),
  email       text NOT NULL CHECK (email = lower(email) AND email LIKE '%_@_%'),
  kind        text NOT NULL CHECK (kind IN ('to', 'cc')),
  PRIMARY KEY (operator_id, email)
);

-- Pinned OpenPGP public keys, as vendor_keys: a fingerprint identifies one operator
-- (removed ones included), or a reply signed with it could speak for two.
CREATE TABLE operator_keys (
  operator_id text NOT NULL REFERENCES operators (id),
  fingerprint text NOT NULL CHECK (fingerprint ~ '^[0-9A-F]{40}([0-9A-F]{24})?$'),
  armored     text NOT NULL,
  PRIMARY KEY (operator_id, fingerprint)
);
CREATE UNIQUE INDEX operator_keys_fingerprint_idx ON operator_keys (fingerprint);
