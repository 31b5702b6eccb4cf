-- issue 10 (truthful state): `cases.state` of a product case is now the state derived from
-- its product-track snapshot (src/rules/case-view.ts caseState), written by saveSnapshot in
-- the same statement as the snapshot. The cases stored before are brought up to date in
-- this migration's transaction by src/store/migrate.ts (AFTER_MIGRATION: the derivation is
-- TypeScript, not SQL, so there is one copy of it).
--
-- case_vendors was never written by the desk (a case's vendors live in the snapshot, read
-- by the duplicate candidates and the unreachable list): it goes, so nothing reads a
-- second, stale list of a case's vendors.
DROP TABLE IF EXISTS case_vendors;
