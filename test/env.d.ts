import type { D1Migration } from 'cloudflare:test'
import type { ContactObject } from '../src/durable/contact'
import type { HubSpotWriter } from '../src/durable/hubspot-writer'
import type { Env as WorkerEnv } from '../src/env'

declare global {
  namespace Cloudflare {
    interface GlobalProps {
      mainModule: typeof import('../src/index')
    }
    // Tests call the Durable Objects' methods directly: give them the typed namespaces.
    interface Env extends WorkerEnv {
      TEST_MIGRATIONS: D1Migration[]
      SMALL_TEST_LIMITER: RateLimit
      /** BigCommerce's OpenAPI specs by file name (YAML text), from vitest.config.ts. */
      BIGCOMMERCE_SPECS: Record<string, string>
      CONTACT: DurableObjectNamespace<ContactObject>
      HUBSPOT_WRITER: DurableObjectNamespace<HubSpotWriter>
    }
  }
}
