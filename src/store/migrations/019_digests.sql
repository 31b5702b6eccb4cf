-- The coordinators' digest (issue 11; src/store/digest.ts). One row per coordinator and
-- JST business day: the primary key is the exactly-once claim. A desk process inserts the
-- row (ON CONFLICT DO NOTHING) in the transaction that stores the digest's notice, so
-- however many processes share the database and however often they restart, a day's
-- digest is stored once per coordinator; a rolled-back claim leaves the day unclaimed.
CREATE TABLE digests (
  -- The coordinator's configured address (lower-case): config coordinators[].email.
  coordinator text NOT NULL CHECK (coordinator = lower(coordinator) AND coordinator LIKE '%_@_%'),
  day         date NOT NULL,
  claimed_at  timestamptz NOT NULL DEFAULT now(),
  -- High-water marks: this digest's facts are the rows after the previous digest's marks
  -- up to these (row ids, not times: the desk's clock may be moved, the ids only grow).
  timeline_id bigint NOT NULL,
  message_id  bigint NOT NULL,
  draft_id    bigint NOT NULL,
  -- The notice stored with the claim (set in the same transaction, hence deferred).
  notice_id   text REFERENCES notices (id) DEFERRABLE INITIALLY DEFERRED,
  PRIMARY KEY (coordinator, day)
);
