import { defineConfig } from 'vitest/config';

// End-to-end tests: the built extension in Debian's Chromium and Firefox ESR (E2E_BROWSERS picks
// one: `E2E_BROWSERS=firefox npm run test:e2e`). One browser at a time on a 2-core machine; a
// scenario includes browser starts, so timeouts are generous.
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
