-- 016: a draft is continued only by a reply to its notice (issue 9 §7), and automatic
-- answers are rate-limited per address (issue 9 §8).

-- One reporter may have several incomplete reports open at once: an unrelated report is a
-- new draft (or case), never merged into the open one. So the one-open-draft-per-identity
-- index goes; each draft is found by its tag or by the notices that asked for it.
DROP INDEX drafts_open_identity_idx;
CREATE INDEX drafts_open_identity_idx ON drafts (lower(reporter_email), coalesce(reporter_fpr, '')) WHERE closed_at IS NULL;
-- `DRAFT-…`, in the Subject of the notices about the draft (src/desk/drafts.ts makes it).
ALTER TABLE drafts ADD COLUMN tag text;
UPDATE drafts SET tag = 'DRAFT-' || upper(substr(md5(id::text || ':' || random()::text), 1, 12)) WHERE tag IS NULL;
ALTER TABLE drafts ALTER COLUMN tag SET NOT NULL;
CREATE UNIQUE INDEX drafts_tag_idx ON drafts (tag);
-- Message-IDs of the notices sent about the draft: a reply names one in In-Reply-To/References.
ALTER TABLE drafts ADD COLUMN notice_ids text[] NOT NULL DEFAULT '{}';

-- Automatic answers per address (lower-case), for the hourly and daily limits. One row per
-- answer, pruned past a day by the claim itself.
CREATE TABLE answer_log (
  id      bigserial PRIMARY KEY,
  address text NOT NULL,
  at      timestamptz NOT NULL
);
CREATE INDEX answer_log_address_at_idx ON answer_log (address, at);
-- One row per address that was ever answered: claims lock it (SELECT … FOR UPDATE through
-- the upsert), so two answers claimed at once cannot both see room under the limit.
-- `alerted_at`: when coordinators were last told this address is over its limit.
CREATE TABLE answer_gate (
  address    text PRIMARY KEY,
  alerted_at timestamptz
);
