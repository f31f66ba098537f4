import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing/vitest-plugin';

// Unit tests: fake browser (WXT's fakeBrowser), fake-indexeddb, real collector on loopback.
export default defineConfig({
  plugins: [WxtVitest()],
  test: {
    include: ['tests/unit/**/*.test.ts'],
    setupFiles: ['tests/unit/setup.ts'],
    // A real PostgreSQL for the collector's tests, which run on SQLite and on PostgreSQL.
    globalSetup: ['tests/unit/collector/postgres-global-setup.ts'],
  },
});
