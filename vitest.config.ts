import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers'
import { defineConfig } from 'vitest/config'

// Tests run inside workerd, in the same isolate as the worker and its Durable Objects,
// with the D1 migrations applied and every API base URL pointed at the in-process stand-ins.
/** BigCommerce's published OpenAPI specs (standins/bigcommerce/specs): their YAML text, for the spec test. */
function bigcommerceSpecs(): Record<string, string> {
  const dir = path.join(import.meta.dirname, 'standins/bigcommerce/specs')
  return Object.fromEntries(readdirSync(dir).filter((f) => f.endsWith('.yml')).map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]))
}

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, 'migrations'))
  return {
    plugins: [
      cloudflareTest({
        main: './src/index.ts',
        wrangler: { configPath: './wrangler.toml' },
        miniflare: {
          // A rate limiting binding with a small limit (the platform's, as wrangler.toml's are), for tests that
          // check a limit's wiring without sending hundreds of requests: test/routes/beacon-rate-limits.test.ts.
          ratelimits: { SMALL_TEST_LIMITER: { simple: { limit: 5, period: 60 } } },
          bindings: {
            TEST_MIGRATIONS: migrations,
            BIGCOMMERCE_SPECS: bigcommerceSpecs(),
            BIGCOMMERCE_STORE_HASH: 'teststore',
            BIGCOMMERCE_ACCESS_TOKEN: 'bc-test-token',
            BIGCOMMERCE_API_BASE: 'http://bigcommerce.standin',
            BIGCOMMERCE_CLIENT_SECRET: 'test-client-secret',
            BIGCOMMERCE_WEBHOOK_SECRET: 'test-webhook-secret',
            HUBSPOT_ACCESS_TOKEN: 'hs-test-token',
            HUBSPOT_API_BASE: 'http://hubspot.standin',
            PUBLIC_URL: 'https://worker.example.com',
            BEACON_ALLOWED_ORIGINS: 'https://shop.example.com',
            // Each at least 32 characters (shorter tokens are an invalid configuration); test/support/admin.ts TOKENS.
            ADMIN_TOKENS:
              'viewer:viewer-token-0123456789abcdef0123456789,operator:operator-token-0123456789abcdef0123456789,admin:admin-token-0123456789abcdef0123456789',
            BIGCOMMERCE_APP_CLIENT_ID: 'test-app-client-id',
          },
        },
      }),
    ],
    test: {
      include: ['test/**/*.test.ts', 'standins/**/*.test.ts'],
      exclude: ['test/browser/**', 'test/node/**'],
      setupFiles: ['./test/setup.ts'],
    },
  }
})
