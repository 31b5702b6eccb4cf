-- madoguchi schema v22: cases handed over to a partner CSIRT (issue 12 "Outbound";
-- guideline §5: a vendor with no domestic office is reached through the coordination
-- centre of its country). Written by X-HANDOVER (src/desk/handover.ts) through
-- src/store/handovers.ts; the partner's own id for the case, once it gives one, goes to
-- case_partners (021_partners.sql) like any partner case. PostgreSQL 15 SQL.

-- One row per case and partner: the primary key is the lock that makes a second
-- X-HANDOVER to the same partner a refusal (`already-handed-over`), never a second mail.
CREATE TABLE case_handovers (
  case_id     text NOT NULL REFERENCES cases (id),
  partner_id  text NOT NULL REFERENCES partners (id),
  -- The notice that carried the report (its Message-ID); held or sent, it is one notice.
  notice_id   text NOT NULL,
  handed_by   text NOT NULL,
  handed_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (case_id, partner_id)
);
CREATE INDEX case_handovers_partner_idx ON case_handovers (partner_id);
