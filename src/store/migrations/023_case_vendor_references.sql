-- madoguchi schema v23: a vendor's own tracking id for a case (issue 12; mail-protocol §7,
-- docs/partner-form.md "Vendor reference"). A vendor's signed reply may carry
-- `Vendor reference: <its id>`; the desk then writes that id into the subject of every later
-- notice to that vendor, and matches the vendor's signed replies by it. Written and read
-- only through src/store/vendor-references.ts. PostgreSQL 15 SQL; PGlite runs it too.

CREATE TABLE case_vendor_references (
  case_id    text NOT NULL REFERENCES cases (id),
  vendor_id  text NOT NULL REFERENCES vendors (id),
  -- As read by src/forms/references.ts readVendorReference (NFKC, trimmed, 1-64 characters).
  ref        text NOT NULL CHECK (length(ref) BETWEEN 1 AND 64),
  added_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (case_id, vendor_id, ref)
);
-- One vendor's id names one case of the desk (case-insensitively: `psirt-1` is `PSIRT-1`).
-- Another vendor may use the same text for its own case: a reference counts only for the
-- vendor that gave it.
CREATE UNIQUE INDEX case_vendor_references_vendor_ref_idx ON case_vendor_references (vendor_id, lower(ref));
