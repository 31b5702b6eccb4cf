// Minimal typing for what src/adapters/csaf-validator.ts uses of
// @secvisogram/csaf-validator-lib (plain ES modules with JSDoc, no .d.ts).
declare module '@secvisogram/csaf-validator-lib/basic.js' {
  const tests: Record<string, (doc: unknown) => unknown>;
  export = tests;
}
declare module '@secvisogram/csaf-validator-lib/validateStrict.js' {
  interface TestResult {
    name: string;
    isValid: boolean;
    errors: { instancePath: string; message: string }[];
    warnings: { instancePath: string; message: string }[];
  }
  export default function validateStrict(tests: ((doc: unknown) => unknown)[], doc: unknown): Promise<{ isValid: boolean; tests: TestResult[] }>;
}
declare module '@secvisogram/csaf-validator-lib/cwe.js' {
  export const weaknesses: { id: string; name: string }[];
}
