import { applyD1Migrations } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import './support/network'

// Idempotent: safe to run before every test file.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS)
