-- madoguchi schema v1. Written for PostgreSQL 15 (Debian's); PGlite (PostgreSQL 18) runs it too.
-- Every timestamp is timestamptz. Columns beyond the brief carry a comment saying why.

-- Every inbound mail, exactly as received. The original bytes are always kept: parsing,
-- decryption and triage read from here and can be re-run after a bug fix.
CREATE TABLE messages (
  id          bigserial PRIMARY KEY,
  -- sha256 over Message-ID, From, Subject, Date and the body (repo.ts dedupeKey): the same
  -- mail fetched twice (IMAP re-sync, maildir + IMAP, redelivery) is stored once.
  dedupe_key  text NOT NULL UNIQUE,
  message_id  text,
  source      text NOT NULL,                 -- 'imap:INBOX', 'maildir', 'deliver', ...
  source_ref  text,                          -- 'uidvalidity:uid', maildir filename, ...
  raw         bytea NOT NULL,
  -- Generated so it can never disagree with raw.
  size        int GENERATED ALWAYS AS (octet_length(raw)) STORED,
  received_at timestamptz NOT NULL DEFAULT now(),
  state       text NOT NULL DEFAULT 'stored'
              CHECK (state IN ('stored', 'opened', 'triaged', 'done', 'failed')),
  verdict     jsonb,
  error       text,
  attempts    int NOT NULL DEFAULT 0,
  -- When the row was written (received_at is the mailbox's date, which may be earlier).
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
-- The worker's queue: unfinished messages in arrival order.
CREATE INDEX messages_pending_idx ON messages (state, id) WHERE state <> 'done';
-- Threading and "did we already get this Message-ID?" questions.
CREATE INDEX messages_message_id_idx ON messages (message_id);

-- IMAP position per mailbox. A changed uid_validity means the UIDs were renumbered: the
-- mailbox must be re-scanned (dedupe_key keeps that from storing mail twice).
CREATE TABLE mailbox_checkpoints (
  mailbox      text PRIMARY KEY,
  uid_validity bigint NOT NULL,
  last_uid     bigint NOT NULL DEFAULT 0,
  updated_at   timestamptz NOT NULL DEFAULT now()
);

-- Case number allocation: one row per (prefix, year), bumped atomically.
CREATE TABLE case_seq (
  prefix text NOT NULL,
  year   int NOT NULL,
  last   int NOT NULL,
  PRIMARY KEY (prefix, year)
);

CREATE TABLE cases (
  id             text PRIMARY KEY,                 -- 'VR-2026-0042'
  kind           text NOT NULL,                    -- 'product' | 'website' | ... (domain decides)
  state          text NOT NULL DEFAULT 'open',     -- workflow state; the domain owns the values
  lang           text NOT NULL CHECK (lang IN ('ja', 'en')),
  report         jsonb NOT NULL DEFAULT '{}',
  reporter_email text,
  reporter_fpr   text,
  opened_from    bigint REFERENCES messages (id),
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cases_state_idx ON cases (state);
CREATE INDEX cases_reporter_idx ON cases (lower(reporter_email));

-- Incomplete reports waiting for the reporter to send the missing fields. A resend from the
-- same reporter (same address AND same signing key, or both unsigned) continues the same draft.
CREATE TABLE drafts (
  id             bigserial PRIMARY KEY,
  reporter_email text NOT NULL,
  reporter_fpr   text,
  report         jsonb NOT NULL DEFAULT '{}',
  missing        jsonb NOT NULL DEFAULT '[]',
  message_ids    bigint[] NOT NULL DEFAULT '{}',   -- messages.id of every mail that fed it
  -- The case a completed draft became (set by closeDraft), for the audit trail.
  case_id        text REFERENCES cases (id),
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  closed_at      timestamptz
);
-- At most one open draft per reporter identity; saveDraft upserts on this index.
CREATE UNIQUE INDEX drafts_open_identity_idx
  ON drafts (lower(reporter_email), coalesce(reporter_fpr, ''))
  WHERE closed_at IS NULL;

CREATE TABLE parties (
  id         bigserial PRIMARY KEY,
  case_id    text NOT NULL REFERENCES cases (id),
  role       text NOT NULL CHECK (role IN ('reporter', 'vendor', 'operator', 'coordinator', 'csirt')),
  email      text,
  name       text,
  key_fpr    text,
  data       jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX parties_case_idx ON parties (case_id);
-- A retried job adding the same party again updates it instead of duplicating it.
CREATE UNIQUE INDEX parties_case_role_email_idx ON parties (case_id, role, lower(email));

-- The audit log. Append-only: UPDATE, DELETE and TRUNCATE raise (triggers below).
CREATE TABLE timeline (
  id      bigserial PRIMARY KEY,
  case_id text REFERENCES cases (id),              -- NULL for desk-level events
  at      timestamptz NOT NULL DEFAULT now(),
  actor   text NOT NULL,
  event   text NOT NULL,
  data    jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX timeline_case_idx ON timeline (case_id, id);

CREATE FUNCTION timeline_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'timeline is append-only: % refused', TG_OP
    USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER timeline_no_update_delete
  BEFORE UPDATE OR DELETE ON timeline
  FOR EACH ROW EXECUTE FUNCTION timeline_append_only();
-- Row triggers do not fire on TRUNCATE.
CREATE TRIGGER timeline_no_truncate
  BEFORE TRUNCATE ON timeline
  FOR EACH STATEMENT EXECUTE FUNCTION timeline_append_only();

-- Outgoing mail. The exact bytes are stored before the first send attempt, so a retry (or a
-- crash between send and mark) resends identical bytes with the same Message-ID.
CREATE TABLE notices (
  id          text PRIMARY KEY,                    -- deterministic Message-ID '<ack.VR-2026-0042@desk>'
  case_id     text REFERENCES cases (id),
  message_ref bigint REFERENCES messages (id),     -- the inbound mail that caused it
  kind        text NOT NULL,
  lang        text,
  recipient   text NOT NULL,
  state       text NOT NULL DEFAULT 'pending'
              CHECK (state IN ('pending', 'sent', 'failed', 'withheld')),
  raw         bytea NOT NULL,
  attempts    int NOT NULL DEFAULT 0,
  error       text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  -- Last state change (last failed attempt), for retry back-off.
  updated_at  timestamptz NOT NULL DEFAULT now(),
  sent_at     timestamptz
);
CREATE INDEX notices_unsent_idx ON notices (state, created_at) WHERE state <> 'sent';
CREATE INDEX notices_case_idx ON notices (case_id);

-- OpenPGP public keys seen or configured. fingerprint is upper-case hex without spaces,
-- emails are lower-case (repo.ts normalises both).
CREATE TABLE keys (
  fingerprint text PRIMARY KEY,
  emails      text[] NOT NULL DEFAULT '{}',
  armored     text NOT NULL,
  source      text NOT NULL CHECK (source IN ('signature', 'attachment', 'autocrypt', 'config', 'desk')),
  first_seen  timestamptz NOT NULL DEFAULT now(),
  last_seen   timestamptz NOT NULL DEFAULT now(),
  status      text NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'expired', 'revoked'))
);
CREATE INDEX keys_emails_idx ON keys USING gin (emails);
