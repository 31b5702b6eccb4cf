// Type-aware lint (typescript-eslint "recommendedTypeChecked"): floating promises and
// unsafe any are the bugs that lose mail in a queue worker, so they are errors here.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'var/**', 'test/fixtures/**', 'bin/**', 'dist/**', 'scripts/*.mjs', 'fuzz/engine/*.mjs', '.dependency-cruiser.cjs', 'coverage/**', '.tmp/**', 'eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
    },
  },
  {
    // Adapter rule (immich-style): only the adapter files may import these libraries.
    files: ['src/**/*.ts'],
    ignores: ['src/crypto/openpgp.ts', 'src/mime/mailparser.ts', 'src/adapters/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: ['openpgp', 'mailparser', 'imapflow', 'nodemailer', 'bullmq', 'pg', 'ioredis', '@electric-sql/pglite', '@holiday-jp/holiday_jp'] }],
    },
  },
);
