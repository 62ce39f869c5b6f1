/**
 * `npm start`: the whole product, locally, in about a minute.
 *
 *   1. the HubSpot stand-in, the BigCommerce stand-in (seeded with a generated store) and its B2B Edition
 *      stand-in (a few companies of its customers; BIGCOMMERCE_B2B is on in the demo) on free ports;
 *   2. the local D1 migrations, then `wrangler dev` wired to the stand-ins (fresh local state each time);
 *   3. `POST /admin/api/setup` (HubSpot properties, BigCommerce webhooks) and `POST /admin/api/backfill`;
 *   4. live traffic until Ctrl-C: store changes delivered as signed webhooks, storefront beacon hits, and the
 *      crons fired through wrangler's `/__scheduled`.
 *
 *   npm start                       run until Ctrl-C
 *   npm start -- --check            smoke test: wait for the demo data in HubSpot, print a summary, exit 0/1
 *   options: --customers N --orders N --port P --timeout SECONDS (check mode) --quiet
 */
import { randomBytes } from 'node:crypto'
import { rm } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { startB2BStandin, type RunningB2BStandin } from '../standins/b2b/server'
import { startBigCommerceStandin, type RunningStandin } from '../standins/bigcommerce/server'
import { startHubSpotStandin, type RunningHubSpotStandin } from '../standins/hubspot/server'
import { startLocalWorker } from './demo/local-worker'
import { stopAll, type DevServer } from './demo/processes'
import { DemoTraffic } from './demo/traffic'
import { DemoHelpdesk } from './demo/helpdesk'
import { CronDriver, WorkerApi } from './demo/worker-api'

const { values: options } = parseArgs({
  options: {
    check: { type: 'boolean', default: false },
    customers: { type: 'string', default: '300' },
    orders: { type: 'string', default: '3000' },
    port: { type: 'string' },
    timeout: { type: 'string', default: '240' },
    quiet: { type: 'boolean', default: false },
  },
})

const STORE_HASH = 'demostore'
const STOREFRONT_ORIGIN = 'https://demo-store.example'
/** The demo store's second storefront (Multi-Storefront): its site is read from BigCommerce, not configured. */
const OUTLET = { name: 'Outlet', origin: 'https://outlet.demo-store.example' }
// The demo app whose client secret signs the Current Customer tokens of signed-in shoppers.
const APP_CLIENT_ID = 'demo-app-client-id'
const started = Date.now()
const secret = (prefix: string) => `${prefix}-${randomBytes(12).toString('hex')}`
const SECRETS = {
  bigcommerceToken: secret('bc'),
  hubspotToken: secret('hs'),
  clientSecret: secret('client'),
  webhookSecret: secret('whsec'),
  adminToken: secret('demo-admin'),
  viewerToken: secret('demo-viewer'),
}

function say(message: string): void {
  const seconds = ((Date.now() - started) / 1000).toFixed(1).padStart(5)
  console.log(`[${seconds}s] ${message}`)
}

let hubspot: RunningHubSpotStandin | null = null
let bigcommerce: RunningStandin | null = null
let b2b: RunningB2BStandin | null = null
let dev: DevServer | null = null
let traffic: DemoTraffic | null = null
let cron: CronDriver | null = null
let helpdesk: DemoHelpdesk | null = null
let persistDir: string | null = null
let shuttingDown: Promise<void> | null = null

/** Stops everything this script started; safe to call twice. */
function shutdown(): Promise<void> {
  shuttingDown ??= (async () => {
    helpdesk?.stop()
    const stopping = [traffic?.stop(), cron?.stop()]
    await stopAll()
    await Promise.race([Promise.allSettled(stopping), new Promise((resolve) => setTimeout(resolve, 5_000))])
    await Promise.allSettled([hubspot?.close(), bigcommerce?.close(), b2b?.close()])
    if (persistDir) await rm(persistDir, { recursive: true, force: true }).catch(() => {})
  })()
  return shuttingDown
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    say(`${signal}: stopping everything`)
    void shutdown().then(() => process.exit(0))
  })
}

async function main(): Promise<number> {
  const customers = Number(options.customers)
  const orders = Number(options.orders)

  hubspot = await startHubSpotStandin({ port: 0, accessToken: SECRETS.hubspotToken, rateLimit: { max: 190, intervalMs: 10_000 } })
  say(`HubSpot stand-in on ${hubspot.url}`)
  bigcommerce = await startBigCommerceStandin({
    port: 0,
    storeHash: STORE_HASH,
    accessToken: SECRETS.bigcommerceToken,
    // A Pro plan's quota (450 requests per 30 s), shared by the backfill and live webhooks.
    rateLimit: { quota: 450, windowMs: 30_000 },
    seed: { customers, orders, seed: 42, secondStorefront: { name: OUTLET.name, siteUrl: OUTLET.origin, currencies: ['USD', 'EUR'] } },
  })
  const seeded = bigcommerce.seeded!
  // The default storefront's site is the demo's storefront origin.
  bigcommerce.standin.store.setChannelSite(1, STOREFRONT_ORIGIN)
  const outletId = seeded.channels.secondStorefront!
  say(
    `BigCommerce stand-in on ${bigcommerce.url}: ${seeded.customers} customers, ${seeded.subscribers} subscribers, ` +
      `${seeded.products} products (${seeded.variants} variants), ${seeded.orders} orders over two years; a second ` +
      `storefront, ${OUTLET.name} (channel ${outletId}, ${OUTLET.origin}), with ${seeded.secondStorefrontAccounts} customer accounts there`,
  )
  b2b = await startB2BStandin({ port: 0, bigcommerce: bigcommerce.standin, accessToken: SECRETS.bigcommerceToken, seed: { companies: 4 } })
  say(`B2B Edition stand-in on ${b2b.url}: ${b2b.seeded!.companies} companies of ${b2b.seeded!.users} of the store's customers (no webhook: the daily reconciliation finds them)`)

  const worker = await startLocalWorker({
    port: options.port ? Number(options.port) : undefined,
    vars: (url) => ({
      BIGCOMMERCE_STORE_HASH: STORE_HASH,
      BIGCOMMERCE_ACCESS_TOKEN: SECRETS.bigcommerceToken,
      BIGCOMMERCE_API_BASE: bigcommerce!.url,
      BIGCOMMERCE_CLIENT_SECRET: SECRETS.clientSecret,
      BIGCOMMERCE_APP_CLIENT_ID: APP_CLIENT_ID,
      BIGCOMMERCE_WEBHOOK_SECRET: SECRETS.webhookSecret,
      BIGCOMMERCE_B2B: 'on',
      BIGCOMMERCE_B2B_API_BASE: b2b!.url,
      HUBSPOT_ACCESS_TOKEN: SECRETS.hubspotToken,
      HUBSPOT_API_BASE: hubspot!.url,
      PUBLIC_URL: url,
      BEACON_ALLOWED_ORIGINS: STOREFRONT_ORIGIN,
      ADMIN_TOKENS: `admin:${SECRETS.adminToken},viewer:${SECRETS.viewerToken}`,
      // Short enough that abandoned carts and the post-purchase steps show up while the demo runs.
      CART_ABANDON_AFTER: '2m',
    }),
    onLine: (line) => {
      // wrangler's attempts to reach Cloudflare (offline here) and workerd's notes about peers closing idle
      // keep-alive connections are noise; the worker's own errors are not.
      if (options.quiet || /ENOTFOUND|workers\.cloudflare\.com|getCaughtExceptionAsKj.*disconnected/.test(line)) return
      if (/✘|\[ERROR\]|Uncaught|unhandled error/.test(line)) console.log(`  worker: ${line}`)
    },
  })
  persistDir = worker.persistDir
  dev = worker.dev
  const { url: workerUrl, health, logFile } = worker
  const healthBody = (await health.json()) as { status: string }
  if (health.status !== 200) {
    say(`the worker reports a configuration problem: ${JSON.stringify(healthBody)}`)
    return 1
  }
  say(`worker up on ${workerUrl} (fresh local D1 with the migrations applied; log: ${logFile})`)

  const api = new WorkerApi(workerUrl, SECRETS.adminToken)
  const setup = await api.admin('POST', '/setup', {})
  if (setup.status === 404) {
    say('POST /admin/api/setup is not there (the admin API has not landed): registering the webhooks in the stand-in directly')
    for (const scope of ['store/order/*', 'store/cart/*', 'store/customer/*', 'store/product/*', 'store/sku/*', 'store/shipment/*', 'store/subscriber/*']) {
      bigcommerce.standin.store.createHook({ scope, destination: `${workerUrl}/webhooks/bigcommerce`, headers: { 'X-Webhook-Secret': SECRETS.webhookSecret } })
    }
  } else if (setup.status >= 300) {
    say(`setup answered ${setup.status}: ${JSON.stringify(setup.body).slice(0, 500)}`)
  } else {
    const hooks = [...bigcommerce.standin.store.hooks.values()].filter((h) => h.status === 'active')
    say(`setup done: HubSpot properties created, ${hooks.length} BigCommerce webhooks registered at ${workerUrl}/webhooks/bigcommerce`)
  }

  const backfill = await api.admin('POST', '/backfill', {})
  if (backfill.status === 404) say('POST /admin/api/backfill is not there (the admin API has not landed): no history import')
  else if (backfill.status !== 202) say(`backfill answered ${backfill.status}: ${JSON.stringify(backfill.body).slice(0, 500)}`)
  else say(`backfill ${backfill.body.id} started: history flows to HubSpot in bounded runs`)

  traffic = new DemoTraffic({
    standin: bigcommerce.standin,
    b2b: b2b.standin,
    workerUrl,
    storefrontOrigin: STOREFRONT_ORIGIN,
    secondStorefront: { channelId: outletId, origin: OUTLET.origin },
    clientSecret: SECRETS.clientSecret,
    appClientId: APP_CLIENT_ID,
    log: (line) => !options.quiet && console.log(`  traffic: ${line}`),
  })
  traffic.start(options.check ? 500 : 1500)
  cron = new CronDriver(api, (line) => !options.quiet && console.log(`  cron: ${line}`))
  cron.start()
  helpdesk = new DemoHelpdesk(hubspot!.standin.portal, (line) => !options.quiet && console.log(`  helpdesk: ${line}`))
  helpdesk.start()

  printBanner(workerUrl)
  return options.check ? check(api) : watch(api)
}

function printBanner(workerUrl: string): void {
  const lines = [
    '',
    'The demo is running:',
    `  Worker                 ${workerUrl}   (health: ${workerUrl}/health)`,
    `  Dashboard              ${workerUrl}/admin   (sign in with the admin token)`,
    `  Admin API docs         ${workerUrl}/admin/api/docs`,
    `  Mapping docs           ${workerUrl}/docs`,
    `  BigCommerce stand-in   ${bigcommerce!.url}/stores/${STORE_HASH}/v3/hooks   (X-Auth-Token: ${SECRETS.bigcommerceToken})`,
    `  B2B Edition stand-in   ${b2b!.url}/api/v3/io/companies   (X-Auth-Token as above, X-Store-Hash: ${STORE_HASH})`,
    `  HubSpot stand-in       ${hubspot!.url}/_standin`,
    `  Admin token            ${SECRETS.adminToken}`,
    `  Viewer token           ${SECRETS.viewerToken}`,
    `  Storefront origin      ${STOREFRONT_ORIGIN}   (allowed to post beacons)`,
    `  Second storefront      ${OUTLET.origin}   (${OUTLET.name}: its site, read from BigCommerce, posts beacons too)`,
    '',
    options.check ? 'Checking that the demo data reaches HubSpot...' : 'Live traffic is flowing. Ctrl-C stops everything.',
    '',
  ]
  console.log(lines.join('\n'))
}

interface Snapshot {
  contacts: number
  companies: number
  orders: number
  lineItems: number
  products: number
  carts: number
  liveOrdersInHubSpot: number
  /** Orders of the second storefront in HubSpot (bc_storefront). */
  outletOrders: number
  /** Live storefronts the worker knows (GET /admin/api/storefronts), null when it did not answer. */
  liveStorefronts: number | null
  backfill: { state: string; done: number; total: number; etaSeconds?: number | null } | null
}

async function snapshot(api: WorkerApi): Promise<Snapshot> {
  const portal = hubspot!.standin.portal
  const orderIds = new Set(portal.records('orders').map((r) => r.properties.bc_order_id))
  let backfill: Snapshot['backfill'] = null
  let liveStorefronts: number | null = null
  try {
    const status = await api.admin('GET', '/status', undefined, 15_000)
    if (status.status === 200 && status.body?.backfill) backfill = status.body.backfill
    const storefronts = await api.admin('GET', '/storefronts', undefined, 15_000)
    if (storefronts.status === 200) liveStorefronts = (storefronts.body.storefronts as { live: boolean }[]).filter((s) => s.live).length
  } catch {
    // The status route is busy or missing: report without it.
  }
  return {
    contacts: portal.records('contacts').length,
    companies: portal.records('companies').length,
    orders: orderIds.size,
    lineItems: portal.records('line_items').length,
    products: portal.records('products').length,
    carts: portal.records('carts').length,
    liveOrdersInHubSpot: traffic!.liveOrderIds.filter((id) => orderIds.has(String(id))).length,
    outletOrders: portal.records('orders').filter((r) => r.properties.bc_storefront === OUTLET.name).length,
    liveStorefronts,
    backfill,
  }
}

function describe(s: Snapshot): string {
  const backfill = s.backfill
    ? `backfill ${s.backfill.state} ${s.backfill.done}/${s.backfill.total}` +
      (s.backfill.state === 'running' && s.backfill.etaSeconds ? ` (ETA ${s.backfill.etaSeconds}s)` : '')
    : 'backfill status unavailable'
  const t = traffic!.counts
  return (
    `HubSpot: ${s.contacts} contacts, ${s.companies} companies, ${s.orders} orders (${s.outletOrders} from ${OUTLET.name}), ${s.lineItems} line items, ` +
    `${s.products} products, ${s.carts} carts | storefronts live: ${s.liveStorefronts ?? '?'} | ` +
    `${backfill} | live: ${t.webhooks} webhooks, ${t.beacons} beacon hits, ${t.orders} orders (${s.liveOrdersInHubSpot} in HubSpot), ` +
    `${t.shipments} shipments, ${t.refunds} refunds, ${t.abandoned} abandoned carts`
  )
}

/** Prints progress until Ctrl-C. */
async function watch(api: WorkerApi): Promise<number> {
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 20_000))
    if (shuttingDown) return 0
    if (dev!.child.exitCode !== null) {
      say(`wrangler dev exited (${dev!.child.exitCode}); last output:\n${dev!.output().split('\n').slice(-20).join('\n')}`)
      return 1
    }
    say(describe(await snapshot(api)))
  }
}

/** The smoke test: history and live traffic both visible in HubSpot, within the timeout. */
async function check(api: WorkerApi): Promise<number> {
  const deadline = started + Number(options.timeout) * 1000
  let last: Snapshot | null = null
  let lastPrinted = 0
  while (Date.now() < deadline) {
    if (dev!.child.exitCode !== null) {
      say(`FAIL: wrangler dev exited (${dev!.child.exitCode})`)
      return 1
    }
    last = await snapshot(api)
    const t = traffic!.counts
    const problems = [
      last.contacts === 0 && 'no contacts in HubSpot yet',
      last.products === 0 && 'no products in HubSpot yet',
      last.orders === 0 && 'no orders in HubSpot yet',
      last.lineItems === 0 && 'no line items in HubSpot yet',
      last.liveOrdersInHubSpot === 0 && 'no live order (placed through a webhook) in HubSpot yet',
      last.outletOrders === 0 && `no order of the ${OUTLET.name} storefront in HubSpot yet`,
      last.liveStorefronts !== 2 && 'the worker does not list both storefronts as live yet',
      last.companies === 0 && 'no B2B Edition company in HubSpot yet',
      t.beacons === 0 && 'no beacon hit accepted yet',
      (!last.backfill || last.backfill.state === 'failed' || last.backfill.done === 0) && 'the backfill has not imported anything',
    ].filter(Boolean)
    if (problems.length === 0) {
      say(`OK: ${describe(last)}`)
      say(`webhook deliveries refused: ${t.webhooksFailed}, beacon hits refused: ${t.beaconsFailed}, cron runs: ${cron!.runs}`)
      return t.webhooksFailed > 0 || t.beaconsFailed > 0 ? 1 : 0
    }
    if (Date.now() - lastPrinted > 15_000) {
      say(`waiting: ${problems.join('; ')}`)
      lastPrinted = Date.now()
    }
    await new Promise((resolve) => setTimeout(resolve, 2_000))
  }
  say(`FAIL after ${options.timeout}s: ${last ? describe(last) : 'no snapshot'}`)
  say(`last worker output:\n${dev!.output().split('\n').slice(-30).join('\n')}`)
  return 1
}

main()
  .catch((err: unknown) => {
    say(`failed: ${err instanceof Error ? err.message : String(err)}`)
    return 1
  })
  .then(async (code) => {
    if (shuttingDown) return
    await shutdown()
    process.exit(code)
  })
