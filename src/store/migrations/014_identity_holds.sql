-- Notices held because they carry the reporter's identity (issue 9 §5; guideline §2):
-- the notice row stays `withheld` with empty bytes; this row keeps what is needed to render
-- it again (the template, its context, the party) and what the guard found, until a
-- coordinator releases it as is or redacts it (X-RELEASE / X-REDACT). `ref` is the short
-- name the alert gives the coordinators. The context holds report text already stored in
-- `cases.report`; the hits hold field names and kinds only, never the identity.
CREATE TABLE identity_holds (
  notice_id text PRIMARY KEY REFERENCES notices (id),
  case_id text NOT NULL REFERENCES cases (id),
  ref text NOT NULL,
  notice_name text NOT NULL,
  lang text NOT NULL,
  audience text NOT NULL,
  party jsonb NOT NULL,
  context jsonb NOT NULL,
  hits jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  resolved_at timestamptz,
  resolution text,
  resolved_by text,
  UNIQUE (case_id, ref)
);
