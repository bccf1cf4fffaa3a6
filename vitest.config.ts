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
    include: ['test/**/*.test.ts'],
    // The CLI tests spawn the built binary; the prod-mode tests need a Postgres server; the
    // playground's browser tests need Chromium and the built app.
    globalSetup: ['./test/setup/build.ts', './test/setup/postgres.ts', './test/setup/playground-browser.ts'],
    typecheck: { enabled: true, include: ['test/types/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
