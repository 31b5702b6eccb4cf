-- Key holds (issue 9 §4: no planted keys). A key that arrived by mail and proves an address
-- that already has a different key on file is not stored in `keys`: it waits here for a
-- coordinator to confirm it (it then becomes the address's key) or reject it
-- (`madoguchi keys`, or X-CONFIRM-KEY / X-REJECT-KEY by signed command mail).
-- One row per (address, key): the same key arriving again neither holds nor alerts twice,
-- and a rejected key stays rejected.
CREATE TABLE key_holds (
  id           bigserial PRIMARY KEY,
  email        text NOT NULL CHECK (email = lower(email) AND email LIKE '%_@_%'),
  fingerprint  text NOT NULL CHECK (fingerprint ~ '^[0-9A-F]{40}([0-9A-F]{24})?$'),
  armored      text NOT NULL,
  source       text NOT NULL CHECK (source IN ('signature', 'attachment', 'autocrypt')),
  -- Fingerprints on file for the address when the key was held (what it would replace).
  on_file      text[] NOT NULL DEFAULT '{}',
  message_ref  bigint REFERENCES messages (id),
  state        text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'confirmed', 'rejected')),
  created_at   timestamptz NOT NULL DEFAULT now(),
  decided_at   timestamptz,
  decided_by   text,
  UNIQUE (email, fingerprint)
);
CREATE INDEX key_holds_state_idx ON key_holds (state, created_at);
