-- madoguchi schema v2: the vendor registry (製品開発者リスト, guideline §3 item 4) and the
-- vendors of each case. PostgreSQL 15 SQL; PGlite runs it too. Managed through
-- src/store/vendors.ts, which writes every change to the timeline.

-- One row per registered vendor. Removal is soft (removed_at): old cases keep their
-- references and the timeline keeps its meaning; a removed vendor is no candidate, is not
-- matched by its keys, and cannot be added to a new case.
CREATE TABLE vendors (
  -- A short slug chosen by the coordinator ('acme'); the same rule as vendors.ts VENDOR_ID_RE.
  id             text PRIMARY KEY CHECK (id ~ '^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$'),
  name           text NOT NULL CHECK (btrim(name) <> ''),
  name_ja        text,
  -- general: may receive multi-vendor cases; individual: only cases about its own products.
  registration   text NOT NULL DEFAULT 'general' CHECK (registration IN ('general', 'individual')),
  -- Accepts reports directly from finders (the desk may point a reporter there).
  accepts_direct boolean NOT NULL DEFAULT false,
  -- Whether the vendor's name may be published (registered-vendor list, advisories).
  publish_name   boolean NOT NULL DEFAULT true,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  removed_at     timestamptz
);

-- Registered contact points. email is lower-case (vendors.ts normalises); one address is
-- either 'to' or 'cc' for a vendor, never both.
CREATE TABLE vendor_contacts (
  vendor_id text NOT NULL REFERENCES vendors (id),
  email     text NOT NULL CHECK (email = lower(email) AND email LIKE '%_@_%'),
  kind      text NOT NULL CHECK (kind IN ('to', 'cc')),
  PRIMARY KEY (vendor_id, email)
);

-- Pinned OpenPGP public keys. A reply is the vendor's only if signed by one of these,
-- whatever its From header says (mail-protocol §4). fingerprint is upper-case hex without
-- spaces. A fingerprint identifies ONE vendor (removed ones included): if two vendors could
-- pin the same key, a reply signed with it could speak for either.
CREATE TABLE vendor_keys (
  vendor_id   text NOT NULL REFERENCES vendors (id),
  fingerprint text NOT NULL CHECK (fingerprint ~ '^[0-9A-F]{40}([0-9A-F]{24})?$'),
  armored     text NOT NULL,
  PRIMARY KEY (vendor_id, fingerprint)
);
CREATE UNIQUE INDEX vendor_keys_fingerprint_idx ON vendor_keys (fingerprint);

-- The vendor's products and the technology keywords that point to it (candidates.ts).
CREATE TABLE vendor_products (
  vendor_id text NOT NULL REFERENCES vendors (id),
  name      text NOT NULL CHECK (btrim(name) <> ''),
  keywords  text[] NOT NULL DEFAULT '{}',
  PRIMARY KEY (vendor_id, name)
);

-- The vendors of a case. first_contact_at is the date of the first contact attempt: the
-- case's start date (起算日) for that vendor (guideline §3 item 4); it is set once and never
-- moves. state and data belong to the coordination code (no CHECK here, as cases.state).
CREATE TABLE case_vendors (
  case_id          text NOT NULL REFERENCES cases (id),
  vendor_id        text NOT NULL REFERENCES vendors (id),
  added_at         timestamptz NOT NULL DEFAULT now(),
  first_contact_at timestamptz,
  state            text NOT NULL DEFAULT 'identified',
  data             jsonb NOT NULL DEFAULT '{}',
  PRIMARY KEY (case_id, vendor_id)
);
-- "Which cases involve this vendor?" (duplicate candidates, reminders).
CREATE INDEX case_vendors_vendor_idx ON case_vendors (vendor_id);
