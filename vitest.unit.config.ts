// `npm run test:unit`: the tests that need no server (no PostgreSQL, Redis, Dovecot or
// Postfix; gpg is a program, not a server), for a run in well under a minute. The folders
// listed hold only such tests; `npm run test:unit` runs them in a network namespace without
// even loopback in CI (.ci/run), so a test that starts needing a server fails there
// instead of silently slowing the tier. Everything else runs in `npm test`.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/rules/**/*.test.ts', 'test/commands/**/*.test.ts', 'test/interop/**/*.test.ts', 'test/corpus/**/*.test.ts', 'test/outbound/**/*.test.ts', 'test/cli/inspect.test.ts'],
    exclude: ['test/outbound/smtp.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/support/event-loop-watch.ts'],
    testTimeout: 30_000,
    pool: 'forks',
  },
});
