import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing/vitest-plugin';
import { applyLibraryCuts } from './scripts/library-cuts.ts';

// Unit tests: fake browser (WXT's fakeBrowser), fake-indexeddb, real collector on loopback.
export default defineConfig({
  // The libraries as the extension ships them (scripts/library-cuts.ts), but for the eval cut:
  // the collector runs this zod in Node. Inlined, so the cuts' transform sees them.
  plugins: [WxtVitest(), applyLibraryCuts({ inBuild: false })],
  test: {
    server: { deps: { inline: [/[\\/]node_modules[\\/](zod|idb)[\\/]/] } },
    include: ['tests/unit/**/*.test.ts'],
    setupFiles: ['tests/unit/setup.ts'],
    // A real PostgreSQL for the collector's tests, which run on SQLite and on PostgreSQL.
    globalSetup: ['tests/unit/collector/postgres-global-setup.ts'],
  },
});
