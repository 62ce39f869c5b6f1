/**
 * CI: `npm run check:live` against the local stand-ins, the way an operator runs it against real platforms.
 * (1) a portal and store after setup: every check passes, `--write` included, exit 0; (2) a portal whose token
 * lacks `e-commerce`: the output names that scope and the exit code is non-zero.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import { BigCommerceClient } from '../src/bigcommerce/bigcommerce-client'
import { registerWebhooks, webhookDestination } from '../src/bigcommerce/hooks'
import { HubSpotClient } from '../src/hubspot/hubspot-client'
import { setupPortal } from '../src/hubspot/setup'
import { startBigCommerceStandin } from '../standins/bigcommerce/server'
import { startHubSpotStandin } from '../standins/hubspot/server'
import { main } from './check-live'

const PUBLIC_URL = 'https://worker.example.com'

async function run(eCommerce: boolean): Promise<{ code: number; output: string }> {
  const bigcommerce = await startBigCommerceStandin({ seed: { customers: 5, orders: 10 } })
  const hubspot = await startHubSpotStandin({ customEvents: true, scopes: { eCommerce } })
  try {
    const hs = new HubSpotClient({ baseUrl: hubspot.url, accessToken: 'hs-test-token' })
    await setupPortal(hs, new Date())
    const bc = new BigCommerceClient({ apiBase: bigcommerce.url, storeHash: 'teststore', accessToken: 'bc-test-token' })
    await registerWebhooks(bc, { destination: webhookDestination(PUBLIC_URL), webhookSecret: 'check-live-secret' })
    const dir = mkdtempSync(join(tmpdir(), 'check-live-'))
    const vars = join(dir, '.dev.vars')
    writeFileSync(
      vars,
      [
        'BIGCOMMERCE_STORE_HASH=teststore',
        'BIGCOMMERCE_ACCESS_TOKEN=bc-test-token',
        `BIGCOMMERCE_API_BASE=${bigcommerce.url}`,
        'BIGCOMMERCE_WEBHOOK_SECRET=check-live-secret',
        'HUBSPOT_ACCESS_TOKEN=hs-test-token',
        `HUBSPOT_API_BASE=${hubspot.url}`,
        `PUBLIC_URL=${PUBLIC_URL}`,
        'HUBSPOT_CUSTOM_EVENTS=on',
      ].join('\n'),
    )
    const lines: string[] = []
    const code = await main(['--write', '--vars', vars, '--toml', join(dir, 'none.toml')], (text) => lines.push(text))
    return { code, output: lines.join('\n') }
  } finally {
    await Promise.all([bigcommerce.close(), hubspot.close()])
  }
}

const results: [string, boolean][] = []
const full = await run(true)
console.log(full.output)
results.push(['every check passes against the stand-ins', full.code === 0 && !/^(warn|FAIL)/m.test(full.output)])
const lacking = await run(false)
console.log(lacking.output)
results.push(['a token without e-commerce is named and exits non-zero', lacking.code !== 0 && /e-commerce/.test(lacking.output)])
for (const [name, ok] of results) console.log(`${ok ? 'ok' : 'FAILED'}: ${name}`)
const failed = results.filter(([, ok]) => !ok).length
console.log(`${results.length - failed} passed, ${failed} failed`)
process.exit(failed ? 1 : 0)
