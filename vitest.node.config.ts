import { defineConfig } from 'vitest/config'

// Tests of the Node-side tooling (the deploy script and the many-store wrangler configuration): plain Node,
// where they can run wrangler itself. `npm test` runs them after the workerd suite.
export default defineConfig({
  test: {
    include: ['test/node/**/*.test.ts'],
    environment: 'node',
    testTimeout: 180_000,
    fileParallelism: false,
  },
})
