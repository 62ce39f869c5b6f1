import { defineConfig } from 'vitest/config'

// Browser tests: plain Node, where wrangler's programmatic API runs the worker (test/browser/harness.ts)
// and playwright-core drives the system Chromium against a local storefront page.
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
})
