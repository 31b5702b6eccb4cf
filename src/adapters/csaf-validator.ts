// The one file that imports @secvisogram/csaf-validator-lib (issue 12: a CSAF 2.0 export
// "valid by the validator: schema and mandatory tests"). shared/notes/pitfalls.md: validate
// with the strict schema and every test of the library's basic.js set, not the schema alone.
//
// The validator itself (schemas, the mandatory tests) takes seconds to load; it is imported
// when a document is validated, not when this file is: the CWE catalogue below is all that
// building an export needs, and `madoguchi export` on a case that does not exist, or a CVE
// export, must not pay for it (issue 10: a fast CLI).
import { weaknesses } from '@secvisogram/csaf-validator-lib/cwe.js';

export interface CsafValidation {
  valid: boolean;
  /** `test: /path: message` for every failed check. */
  errors: string[];
}

/** Runs the strict CSAF 2.0 schema and all mandatory tests (the library's basic set). */
export async function validateCsaf(doc: unknown): Promise<CsafValidation> {
  const [basic, { default: validateStrict }] = await Promise.all([import('@secvisogram/csaf-validator-lib/basic.js'), import('@secvisogram/csaf-validator-lib/validateStrict.js')]);
  // The namespace of basic.js: its named exports are the tests (it has no default export).
  const tests = Object.values(basic as Record<string, unknown>).filter((t): t is (doc: unknown) => unknown => typeof t === 'function');
  const r = await validateStrict(tests, doc);
  const errors = r.tests.flatMap((t) => (t.isValid ? [] : t.errors.map((e) => `${t.name}: ${e.instancePath || '/'}: ${e.message}`)));
  return { valid: r.isValid, errors };
}

let byId: Map<string, string> | null = null;

/**
 * The CWE catalogue name of `CWE-n`, or null when the catalogue the validator checks
 * against (mandatory test 6.1.11: id and name must match it) does not have it.
 */
export function cweName(id: string): string | null {
  byId ??= new Map(weaknesses.map((w) => [w.id, w.name]));
  return byId.get(id) ?? null;
}
