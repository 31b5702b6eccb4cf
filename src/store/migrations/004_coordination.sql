-- The product-track state of a case (src/rules/product-state.ts ProductCase), as one JSON
-- snapshot next to the case row: the rules are pure functions of (snapshot, event, now),
-- so the snapshot is all they need, and it changes only through them (one transaction per
-- event, with the row locked).
ALTER TABLE cases ADD COLUMN coordination jsonb;

-- Signed coordinator commands already applied (src/commands/auth.ts): the same signed
-- command twice changes nothing. Kept a little longer than the accepted command age.
CREATE TABLE command_replays (
  key text PRIMARY KEY,
  at timestamptz NOT NULL
);
CREATE INDEX command_replays_at ON command_replays (at);
