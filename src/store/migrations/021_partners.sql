-- madoguchi schema v21: the partner registry (issue 12, guideline §5): overseas
-- coordination centres and other CSIRTs that exchange cases with the desk by signed,
-- encrypted mail. Managed through src/store/partners.ts (every change on the timeline).
-- PostgreSQL 15 SQL; PGlite runs it too.

-- One row per registered partner. Removal is soft, as for vendors (002_vendors.sql).
CREATE TABLE partners (
  -- Same slug rule as vendors.id (partners.ts PARTNER_ID_RE).
  id               text PRIMARY KEY CHECK (id ~ '^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$'),
  name             text NOT NULL CHECK (btrim(name) <> ''),
  name_ja          text,
  -- The partner's case-id template (src/forms/ref-pattern.ts), e.g. 'VU#{6}'. A template,
  -- never a regular expression: it is matched against hostile mail.
  case_id_pattern  text NOT NULL CHECK (length(case_id_pattern) BETWEEN 1 AND 40),
  -- Whether the partner wants a CSAF 2.0 document attached to status mail and publication.
  wants_csaf       boolean NOT NULL DEFAULT false,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  removed_at       timestamptz
);

CREATE TABLE partner_contacts (
  partner_id text NOT NULL REFERENCES partners (id),
  email      text NOT NULL CHECK (email = lower(email) AND email LIKE '%_@_%'),
  kind       text NOT NULL CHECK (kind IN ('to', 'cc')),
  PRIMARY KEY (partner_id, email)
);

-- Pinned keys. A fingerprint identifies one partner (removed ones included), and
-- partners.ts refuses a key already pinned for a vendor (and vendors.ts one pinned for a
-- partner): one key speaking for two parties could open a case as either.
CREATE TABLE partner_keys (
  partner_id  text NOT NULL REFERENCES partners (id),
  fingerprint text NOT NULL CHECK (fingerprint ~ '^[0-9A-F]{40}([0-9A-F]{24})?$'),
  armored     text NOT NULL,
  PRIMARY KEY (partner_id, fingerprint)
);
CREATE UNIQUE INDEX partner_keys_fingerprint_idx ON partner_keys (fingerprint);

-- A case's partner and the partner's own id for it (for matching replies by that id and
-- for writing it into subjects). One partner id names one case of the desk.
CREATE TABLE case_partners (
  case_id     text NOT NULL REFERENCES cases (id),
  partner_id  text NOT NULL REFERENCES partners (id),
  partner_ref text NOT NULL CHECK (length(partner_ref) BETWEEN 1 AND 80),
  added_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (case_id, partner_id),
  UNIQUE (partner_id, partner_ref)
);
