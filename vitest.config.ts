import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    // Examples and tests import 'modeflow' as users do; here it is the source.
    alias: [
      { find: /^modeflow\/testing$/, replacement: here('./lib/testing/index.ts') },
      { find: /^modeflow\/bench$/, replacement: here('./lib/bench/index.ts') },
      { find: /^modeflow$/, replacement: here('./lib/index.ts') },
    ],
  },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          // Tests that run the library in the test's own process (worker threads at most).
          // They share their worker's module cache (no per-file isolation): importing the
          // library once per worker instead of once per file is most of the suite's time
          // on 2 cores. Each test leaves process-wide state (env, spies, rxjs config) as
          // it found it.
          name: 'in-process',
          include: ['test/unit/**/*.test.ts', 'test/contract/**/*.test.ts', 'test/property/**/*.test.ts'],
          isolate: false,
          typecheck: { enabled: true, include: ['test/types/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
        },
      },
      {
        extends: true,
        test: {
          // Tests against the outside: the built binary, child processes, real SQLite,
          // Postgres and Redis, worker threads across runs, the playground in Chromium.
          // Isolated per file.
          name: 'services',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          // The CLI tests spawn the built binary; the prod-mode tests need a Postgres server,
          // the queue tests (modeflow worker processes) Redis, the playground's browser tests
          // Chromium and the built app.
          globalSetup: ['./test/setup/build.ts', './test/setup/postgres.ts', './test/setup/redis.ts', './test/setup/playground-browser.ts'],
        },
      },
    ],
  },
});
