-- madoguchi schema v24: a notice that waits for another (issue 12; guideline §3 item 12: the
-- priority notice goes to the contacts "after the reporter was told"). A notice with
-- `after_notice` is not sent until that notice is `sent`; while it is `pending` the notify
-- job re-checks later (src/usecases/outbox.ts); once it is `failed` or `withheld` the
-- dependent is withheld too and the coordinators are told (fail closed). General: any
-- notice may wait for any other, though only the priority notices do today. Written and
-- read through src/store/repo.ts and src/store/notices.ts. PostgreSQL 15 SQL; PGlite too.

ALTER TABLE notices ADD COLUMN after_notice text REFERENCES notices (id) DEFERRABLE INITIALLY DEFERRED;
-- A notice never waits for itself (it would never go).
ALTER TABLE notices ADD CONSTRAINT notices_after_not_self CHECK (after_notice IS NULL OR after_notice <> id);
CREATE INDEX notices_after_idx ON notices (after_notice) WHERE after_notice IS NOT NULL;
