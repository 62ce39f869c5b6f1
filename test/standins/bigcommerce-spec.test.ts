import { Validator, type Schema } from '@cfworker/json-schema'
import { env } from 'cloudflare:workers'
import { beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { createBigCommerceStandin, seedStore, type BigCommerceStandin } from '../../standins/bigcommerce'

/**
 * The BigCommerce stand-in's answers, validated against BigCommerce's published OpenAPI specs
 * (standins/bigcommerce/specs): every endpoint the worker calls, with the parameters it sends. A stand-in that
 * answered in a shape of our own invention would hide a misreading of the real API.
 *
 * OpenAPI 3.0 schemas become JSON Schema by `nullable: true` → a `null` type; `format` is left out (the specs
 * use formats loosely: `Url`, `number` on strings, RFC-2822 dates under date-time).
 */
type Json = Record<string, unknown>

function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema)
  if (!node || typeof node !== 'object') return node
  const out: Json = {}
  for (const [key, value] of Object.entries(node as Json)) {
    // Formats and data-bearing keys (examples, defaults, extensions) are not schema: a stray `id` in them
    // would read as a schema id.
    if (['format', 'example', 'examples', 'default', 'nullable', '$id'].includes(key) || key.startsWith('x-')) continue
    out[key] = toJsonSchema(value)
  }
  const n = node as Json
  if (n.nullable === true) {
    if (typeof n.type === 'string') out.type = [n.type, 'null']
    else if (!n.type) return { anyOf: [out, { type: 'null' }] }
    if (Array.isArray(n.enum)) out.enum = [...n.enum, null]
  }
  return out
}

const specs = new Map<string, Json>()
function spec(file: string): Json {
  let found = specs.get(file)
  if (!found) {
    const text = env.BIGCOMMERCE_SPECS[file]
    if (!text) throw new Error(`BigCommerce spec ${file} not found (standins/bigcommerce/specs)`)
    found = toJsonSchema(parse(text)) as Json
    specs.set(file, found)
  }
  return found
}

function resolve(doc: Json, node: Json): Json {
  let current = node
  while (typeof current.$ref === 'string') {
    current = (current.$ref as string).slice(2).split('/').reduce<Json>((at, part) => at[part] as Json, doc)
  }
  return current
}

/** The JSON schema of `method path` answering `status` in the spec, with the spec's components to resolve $refs. */
function responseSchema(file: string, method: string, template: string, status: number): Schema {
  const doc = spec(file)
  const operation = ((doc.paths as Json)[template] as Json | undefined)?.[method] as Json | undefined
  if (!operation) throw new Error(`${file} has no ${method.toUpperCase()} ${template}`)
  const responses = operation.responses as Json
  const response = resolve(doc, (responses[String(status)] ?? responses.default) as Json)
  const schema = (response.content as Json | undefined)?.['application/json'] as Json | undefined
  if (!schema?.schema) throw new Error(`${file} ${method.toUpperCase()} ${template} ${status} has no JSON schema`)
  return { ...(schema.schema as Json), components: doc.components } as Schema
}

/** The JSON schema of the request body of `method path` in the spec, when it declares one. */
function requestSchema(file: string, method: string, template: string): Schema | null {
  const doc = spec(file)
  const operation = ((doc.paths as Json)[template] as Json)[method] as Json
  if (!operation.requestBody) return null
  const body = resolve(doc, operation.requestBody as Json)
  const schema = (body.content as Json | undefined)?.['application/json'] as Json | undefined
  return schema?.schema ? ({ ...(schema.schema as Json), components: doc.components } as Schema) : null
}

let standin: BigCommerceStandin
let ids: { order: number; customer: number; subscriber: number; cart: string; token: string; refundedOrder: number; outlet: number }

beforeAll(() => {
  standin = createBigCommerceStandin({ storeHash: 'teststore', accessToken: 'bc-test-token' })
  seedStore(standin.store, { customers: 6, orders: 25 })
  const order = [...standin.store.orders.values()].find((o) => o.status_id !== 0)!
  const refunded = [...standin.store.orderRefunds.keys()][0] ?? order.id
  const customer = [...standin.store.customers.values()][0]!
  const subscriber = [...standin.store.subscribers.values()][0]!
  const cart = standin.store.createCart({ email: 'spec@example.com', lines: [{ productId: 1, quantity: 1 }] }).value
  const { token } = standin.store.abandonCart(cart.id).value
  // A second storefront with its own site and checkout domain, and currencies of its own (Multi-Storefront).
  const outlet = standin.store.createChannel({
    name: 'Spec Outlet', type: 'storefront', platform: 'catalyst', siteUrl: 'https://outlet.example/',
    checkoutUrl: 'https://checkout.outlet.example', currencies: ['EUR', 'USD'],
  }).value.id
  ids = { order: order.id, customer: customer.id, subscriber: subscriber.id, cart: cart.id, token, refundedOrder: refunded, outlet }
})

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await standin.fetch(
    new Request(`http://bigcommerce.standin/stores/teststore${path}`, {
      method,
      headers: { 'X-Auth-Token': 'bc-test-token', accept: 'application/json', 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
  )
  const text = await res.text()
  return { status: res.status, json: text ? JSON.parse(text) : null }
}

const ENDPOINTS: [file: string, method: string, template: string, path: () => string, body?: unknown | (() => unknown)][] = [
  ['orders.v2.oas2.yml', 'get', '/orders/{order_id}', () => `/v2/orders/${ids.order}?include=consignments.line_items&consignment_structure=object`],
  ['orders.v2.oas2.yml', 'get', '/orders', () => '/v2/orders?limit=5&sort=id:asc&include=consignments.line_items&consignment_structure=object'],
  ['orders.v2.oas2.yml', 'get', '/orders/{order_id}/products', () => `/v2/orders/${ids.order}/products`],
  ['orders.v3.yml', 'get', '/orders/payment_actions/refunds', () => `/v3/orders/payment_actions/refunds?order_id:in=${ids.refundedOrder}`],
  ['customers.v3.yml', 'get', '/customers', () => `/v3/customers?id:in=${ids.customer}&include=addresses`],
  ['subscribers.v3.yml', 'get', '/customers/subscribers', () => '/v3/customers/subscribers?limit=5'],
  // CONSENT_WRITE_BACK's two updates (src/bigcommerce/consent-write-back.ts), with the bodies it sends.
  ['subscribers.v3.yml', 'put', '/customers/subscribers/{subscriber_id}', () => `/v3/customers/subscribers/${ids.subscriber}`, { consents: [] }],
  ['customers.v3.yml', 'put', '/customers', () => '/v3/customers', () => [{ id: ids.customer, accepts_product_review_abandoned_cart_emails: false }]],
  ['products_catalog.v3.yml', 'get', '/catalog/products', () => '/v3/catalog/products?include=variants&limit=5'],
  ['carts.v3.yml', 'get', '/carts/{cartId}', () => `/v3/carts/${ids.cart}?include=line_items.physical_items.options,line_items.digital_items.options`],
  ['carts.v3.yml', 'post', '/carts/{cartId}/redirect_urls', () => `/v3/carts/${ids.cart}/redirect_urls`, {}],
  ['abandoned_carts.v3.yml', 'get', '/abandoned-carts/{token}', () => `/v3/abandoned-carts/${ids.token}`],
  ['channels.v3.yml', 'get', '/channels', () => '/v3/channels'],
  ['channels.v3.yml', 'get', '/channels/{channel_id}', () => '/v3/channels/1'],
  ['channels.v3.yml', 'get', '/channels/{channel_id}/site', () => '/v3/channels/1/site'],
  ['channels.v3.yml', 'get', '/channels/{channel_id}', () => `/v3/channels/${ids.outlet}?include=currencies`],
  ['channels.v3.yml', 'get', '/channels/{channel_id}/site', () => `/v3/channels/${ids.outlet}/site`],
  ['channels.v3.yml', 'get', '/channels/currency-assignments', () => '/v3/channels/currency-assignments'],
  ['webhooks.v3.yml', 'post', '/hooks', () => '/v3/hooks', { scope: 'store/order/*', destination: 'https://worker.example.com/webhooks/bigcommerce', is_active: true, headers: null }],
  ['webhooks.v3.yml', 'get', '/hooks', () => '/v3/hooks'],
]

describe('the BigCommerce stand-in answers in the published specs’ shapes', () => {
  it.each(ENDPOINTS)('%s %s %s', async (file, method, template, path, bodyOf) => {
    const body = typeof bodyOf === 'function' ? bodyOf() : bodyOf
    // What we send is what the spec accepts.
    const request = body === undefined ? null : requestSchema(file, method, template)
    if (request) expect(new Validator(request, '2019-09', false).validate(body).errors.map((e) => `${e.instanceLocation}: ${e.error}`)).toEqual([])
    const { status, json } = await call(method.toUpperCase(), path(), body)
    expect(status, JSON.stringify(json)).toBeLessThan(300)
    const validator = new Validator(responseSchema(file, method, template, status), '2019-09', false)
    const result = validator.validate(json)
    // The leaf errors, once per property path (items numbered alike): what differs from the spec.
    const leaves = new Set(
      result.errors
        .filter((e) => !/subschema|did not match|does not match (schema|every)/.test(e.error))
        .map((e) => `${e.instanceLocation.replace(/\/\d+(?=\/|$)/g, '/*')}: ${e.error}`),
    )
    expect([...leaves]).toEqual([])
    expect(result.valid).toBe(true)
  })

  it('the request validation catches a wrong body (a consent outside the enum, a customer update without an array)', () => {
    const subscriber = new Validator(requestSchema('subscribers.v3.yml', 'put', '/customers/subscribers/{subscriber_id}')!, '2019-09', false)
    expect(subscriber.validate({ consents: ['marketing_newsletter'] }).valid).toBe(true)
    expect(subscriber.validate({ consents: ['newsletter'] }).valid).toBe(false)
    const customers = new Validator(requestSchema('customers.v3.yml', 'put', '/customers')!, '2019-09', false)
    expect(customers.validate({ id: 1, accepts_product_review_abandoned_cart_emails: false }).valid).toBe(false)
  })

  it('the validation catches a wrong answer (a string id where the spec has an integer)', () => {
    const validator = new Validator(responseSchema('channels.v3.yml', 'get', '/channels/{channel_id}/site', 200), '2019-09', false)
    expect(validator.validate({ data: { id: 'one', url: 'https://x.example/', channel_id: 1 } }).valid).toBe(false)
  })
})
