/**
 * Webhook intake throughput: how fast the worker acknowledges BigCommerce deliveries (authenticate, validate,
 * record in D1, 200) compared with a bare route in the same run, since the machine is noisy.
 *
 *   npm run bench:intake            (BENCH_SECONDS=10 BENCH_CONNECTIONS=50 by default)
 *
 * The worker runs under wrangler's local runtime (workerd, local D1 and Durable Objects) and processes each
 * accepted delivery in the background against the BigCommerce and HubSpot stand-ins, as it would in production.
 * Every delivery is unique (its own webhook-id), so each one is a real insert, not a duplicate.
 */
import { createHmac, randomUUID } from 'node:crypto'
import autocannon from 'autocannon'
import { startBigCommerceStandin } from '../standins/bigcommerce/server'
import { startHubSpotStandin } from '../standins/hubspot/server'
import { startWorker } from '../test/browser/harness'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50)
const CLIENT_SECRET = 'bench-client-secret'
const WEBHOOK_SECRET = 'bench-webhook-secret'

interface Figures {
  label: string
  requestsPerSecond: number
  p50: number
  p99: number
  non2xx: number
  total: number
}

async function measure(label: string, options: autocannon.Options): Promise<Figures> {
  const result = await autocannon({ connections: CONNECTIONS, duration: SECONDS, ...options })
  return {
    label,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx + result.errors + result.timeouts,
    total: result.requests.total,
  }
}

/** A signed delivery about one of the seeded orders, unique by its webhook-id. */
function delivery(scope: string, orderIds: number[], n: number): { body: string; headers: Record<string, string> } {
  const orderId = orderIds[n % orderIds.length]!
  const body = JSON.stringify({
    scope,
    store_id: '1025646',
    data: { type: 'order', id: orderId },
    hash: createHmac('sha1', 'bench').update(String(n)).digest('hex'),
    created_at: Math.floor(Date.now() / 1000),
    producer: 'stores/teststore',
  })
  const id = `msg_${randomUUID()}`
  const timestamp = Math.floor(Date.now() / 1000)
  const signature = createHmac('sha256', CLIENT_SECRET).update(`${id}.${timestamp}.${body}`).digest('base64')
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': `v1,${signature}`,
      'x-webhook-secret': WEBHOOK_SECRET,
    },
  }
}

async function main() {
  const bigcommerce = await startBigCommerceStandin({ seed: { customers: 100, orders: 500 }, rateLimit: { quota: 1_000_000, windowMs: 30_000 } })
  const hubspot = await startHubSpotStandin({ rateLimit: { max: 1_000_000, intervalMs: 10_000 } })
  const worker = await startWorker({
    vars: {
      BIGCOMMERCE_API_BASE: bigcommerce.url,
      HUBSPOT_API_BASE: hubspot.url,
      BIGCOMMERCE_CLIENT_SECRET: CLIENT_SECRET,
      BIGCOMMERCE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    },
  })
  try {
    const orderIds = [...bigcommerce.standin.store.orders.keys()]
    let n = 0
    // Warm up the isolate and D1 before measuring.
    await measure('warm-up', { url: `${worker.url}/health`, duration: 2 })

    const bare = await measure('GET /health (bare route, baseline)', { url: `${worker.url}/health` })
    const post = (scope: string): autocannon.Options => ({
      url: `${worker.url}/webhooks/bigcommerce`,
      method: 'POST',
      requests: [{ setupRequest: (request) => ({ ...request, ...delivery(scope, orderIds, n++) }) }],
    })
    // The acknowledgement alone (a scope the worker records and ignores): what BigCommerce waits for.
    const ack = await measure('POST /webhooks/bigcommerce, ack only (verify + D1 insert + 200)', post('store/order/message/created'))
    // The same plus what each delivery sets off after the answer: hydration, the contact, the HubSpot writer.
    const intake = await measure('POST /webhooks/bigcommerce, ack + processing after it', post('store/order/updated'))
    const stored = await worker.db.prepare('SELECT count(*) AS n FROM webhook_events').first<{ n: number }>()

    console.log(`\nWebhook intake, ${CONNECTIONS} connections, ${SECONDS} s each, wrangler's local runtime\n`)
    console.log('| route | req/s | p50 ms | p99 ms | non-2xx | requests |')
    console.log('|---|---|---|---|---|---|')
    for (const f of [bare, ack, intake]) {
      console.log(`| ${f.label} | ${f.requestsPerSecond.toFixed(0)} | ${f.p50} | ${f.p99} | ${f.non2xx} | ${f.total} |`)
    }
    const ratio = (f: Figures) => (f.requestsPerSecond / bare.requestsPerSecond).toFixed(2)
    console.log(`\nthroughput against the bare route: ack only ${ratio(ack)}, ack + processing ${ratio(intake)}`)
    // autocannon counts the responses it timed; requests still in flight at the end are recorded but not counted.
    console.log(`deliveries recorded in D1: ${stored?.n ?? 0} (responses counted: ${ack.total + intake.total})`)
    if (ack.non2xx + intake.non2xx > 0 || (stored?.n ?? 0) < ack.total + intake.total) process.exitCode = 1
  } finally {
    await worker.stop()
    await hubspot.close()
    await bigcommerce.close()
  }
}

await main()
