-- The log's per-message line names the case a message opened (src/store/log-facts.ts).
CREATE INDEX IF NOT EXISTS cases_opened_from_idx ON cases (opened_from);
