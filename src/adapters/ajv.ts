// The one file that imports ajv and ajv-formats: JSON Schema validation of what the desk
// exports (issue 12: CVE JSON 5 records valid against the official CVE record schema).
// The CVE schema is draft-07: the default Ajv class, not Ajv2020, plus ajv-formats for
// `uri` and `date` (shared/standards/cve/README.md).
import { readFile } from 'node:fs/promises';
import AjvModule from 'ajv';
import formatsModule from 'ajv-formats';

// Both packages are CommonJS with `exports.default`: under NodeNext the class is `.default`.
const Ajv = AjvModule.default;
const addFormats = formatsModule.default;

export type JsonValidator = (value: unknown) => { valid: true } | { valid: false; errors: string[] };

/** Compiles a draft-07 JSON schema; every error is `instancePath: message`. */
export function compileSchema(schema: object): JsonValidator {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  return (value) => {
    if (validate(value)) return { valid: true };
    return { valid: false, errors: (validate.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message ?? e.keyword}`) };
  };
}

/** Reads and compiles a schema file (a missing or malformed file throws: the caller says which). */
export async function compileSchemaFile(path: string): Promise<JsonValidator> {
  const schema: unknown = JSON.parse(await readFile(path, 'utf8'));
  if (schema === null || typeof schema !== 'object') throw new Error(`${path} is not a JSON schema`);
  return compileSchema(schema);
}
