-- issue 12: several vulnerabilities per case, each with its own status per vendor.
--
-- A case stored before this migration (and any case intake opens until intake writes
-- vulnerabilities itself) has exactly one vulnerability: the one its report describes. It
-- is not copied here: the view case_vulnerabilities gives it as vulnerability 1 read from
-- cases.report for as long as the case has no stored vulnerability, so the report stays the
-- one source and a later correction of the report is seen (docs/decisions.md, issue 12).
-- Its CVSS vector is the reporter's text, unscored (`implicit` = true): the exporters score
-- it, and leave out a vector that does not parse.

CREATE TABLE vulnerabilities (
  case_id       text NOT NULL REFERENCES cases (id),
  -- 1, 2, ... within the case: what notices, commands and the exports call it.
  number        int NOT NULL CHECK (number >= 1),
  summary       text NOT NULL CHECK (summary <> ''),
  cwe_id        text CHECK (cwe_id ~ '^CWE-[1-9][0-9]*$'),
  -- A vector is stored only as scored by src/adapters/cvss.ts: all four or none.
  cvss_vector   text,
  cvss_version  text CHECK (cvss_version IN ('3.1', '4.0')),
  cvss_score    numeric(3, 1) CHECK (cvss_score >= 0 AND cvss_score <= 10),
  cvss_severity text CHECK (cvss_severity IN ('NONE', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL')),
  -- CVE JSON 5 cveId pattern (CVE_Record_Format: ^CVE-[0-9]{4}-[0-9]{4,19}$).
  cve_id        text UNIQUE CHECK (cve_id ~ '^CVE-[0-9]{4}-[0-9]{4,19}$'),
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (case_id, number),
  CHECK ((cvss_vector IS NULL) = (cvss_version IS NULL)
     AND (cvss_vector IS NULL) = (cvss_score IS NULL)
     AND (cvss_vector IS NULL) = (cvss_severity IS NULL))
);

-- What a vendor said about one vulnerability. No row: the vendor's last §4 answer for the
-- case stands for every vulnerability (src/export/case-export.ts; docs/decisions.md).
CREATE TABLE vulnerability_vendor_status (
  case_id        text NOT NULL,
  number         int NOT NULL,
  vendor_id      text NOT NULL,
  status         text NOT NULL CHECK (status IN ('unknown', 'affected', 'not-affected', 'fixed')),
  fixed_versions text,
  advisory_url   text CHECK (advisory_url ~ '^https?://'),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (case_id, number, vendor_id),
  FOREIGN KEY (case_id, number) REFERENCES vulnerabilities (case_id, number) ON DELETE CASCADE
);

-- Every case's vulnerabilities: the stored ones, or else vulnerability 1 from the report.
CREATE VIEW case_vulnerabilities AS
  SELECT v.case_id, v.number, v.summary, v.cwe_id, v.cvss_vector, v.cvss_version, v.cvss_score,
         v.cvss_severity, v.cve_id, false AS implicit
    FROM vulnerabilities v
  UNION ALL
  SELECT c.id, 1, c.report #>> '{vulnerability,summary}',
         'CWE-' || substring(c.report #>> '{vulnerability,type}' FROM '(?i)\mCWE-([1-9][0-9]*)\M'),
         nullif(btrim(c.report ->> 'cvss'), ''), NULL, NULL, NULL, NULL, true
    FROM cases c
   WHERE NOT EXISTS (SELECT 1 FROM vulnerabilities v WHERE v.case_id = c.id)
     AND coalesce(c.report #>> '{vulnerability,summary}', '') <> '';
