import type { D1Migration } from 'cloudflare:test'

declare global {
  namespace Cloudflare {
    // The worker's bindings are generated (worker-configuration.d.ts); these are the tests' own.
    interface Env {
      TEST_MIGRATIONS: D1Migration[]
      SMALL_TEST_LIMITER: RateLimit
      /** BigCommerce's OpenAPI specs by file name (YAML text), from vitest.config.ts. */
      BIGCOMMERCE_SPECS: Record<string, string>
      // The worker's secrets and unset variables (not in wrangler.toml), as vitest.config.ts gives them.
      BIGCOMMERCE_STORE_HASH?: string
      BIGCOMMERCE_ACCESS_TOKEN?: string
      BIGCOMMERCE_CLIENT_SECRET?: string
      BIGCOMMERCE_WEBHOOK_SECRET?: string
      BIGCOMMERCE_APP_CLIENT_ID?: string
      HUBSPOT_ACCESS_TOKEN?: string
      PUBLIC_URL?: string
      BEACON_ALLOWED_ORIGINS?: string
      ADMIN_TOKENS?: string
    }
  }
}
