/** v3 customers and subscribers. There is no `GET /customers/{id}`: clients filter with `id:in`. */
import { Hono } from 'hono'
import {
  compareBy, includes, pageAndLimit, pagination, QueryError, queryDate, queryInt, queryIntList, queryStringList, searchParams,
  slice, v3Error, v3Page, within,
} from '../http'
import { v3Customer, v3Subscriber } from '../serialize'
import { StoreError, type BigCommerceStore } from '../store'
import type { Customer, SubscriberConsent } from '../types'

/** customers.v3.yml `PUT /customers`: "Limit of 10 customers per call". */
const CUSTOMERS_PER_UPDATE = 10
const CONSENTS: readonly string[] = ['marketing_newsletter', 'abandoned_cart']
/** The customer_Put fields the stand-in changes; read-only ones (date_created, date_modified, origin_channel_id) are refused. */
const READ_ONLY_CUSTOMER_FIELDS = ['date_created', 'date_modified', 'origin_channel_id']

const CUSTOMER_SORTS = ['date_created:asc', 'date_created:desc', 'last_name:asc', 'last_name:desc',
  'date_modified:asc', 'date_modified:desc']

const encodeCursor = (id: number): string => btoa(`id:${id}`)
function decodeCursor(name: string, cursor: string): number {
  try {
    const match = /^id:(\d+)$/.exec(atob(cursor))
    if (match) return Number(match[1])
  } catch { /* falls through to the error */ }
  throw new QueryError(name, `The field '${name}' is not a valid cursor.`)
}

function customerFilter(params: URLSearchParams): (c: Customer) => boolean {
  const ids = queryIntList(params, 'id:in')
  const emails = queryStringList(params, 'email:in')?.map((e) => e.toLowerCase())
  const companies = queryStringList(params, 'company:in')
  const groups = queryIntList(params, 'customer_group_id:in')
  const createdMin = queryDate(params, 'date_created:min')
  const createdMax = queryDate(params, 'date_created:max')
  const modifiedMin = queryDate(params, 'date_modified:min')
  const modifiedMax = queryDate(params, 'date_modified:max')
  const names = queryStringList(params, 'name:in')?.map((n) => n.toLowerCase())
  return (c) =>
    (!ids || ids.includes(c.id)) &&
    (!emails || emails.includes(c.email.toLowerCase())) &&
    (!companies || companies.includes(c.company)) &&
    (!groups || groups.includes(c.customer_group_id)) &&
    (!names || names.includes(`${c.first_name} ${c.last_name}`.toLowerCase())) &&
    within(c.createdAt, createdMin, createdMax) &&
    within(c.modifiedAt, modifiedMin, modifiedMax)
}

function customerSort(params: URLSearchParams): ((a: Customer, b: Customer) => number) | undefined {
  const sort = params.get('sort')
  if (!sort) return undefined
  if (!CUSTOMER_SORTS.includes(sort)) throw new QueryError('sort', `The field 'sort' must be one of ${CUSTOMER_SORTS.join(', ')}.`)
  const [field, direction] = sort.split(':') as [string, 'asc' | 'desc']
  return compareBy((c: Customer) =>
    field === 'last_name' ? c.last_name : field === 'date_created' ? c.createdAt : c.modifiedAt, direction)
}

export function customersV3(store: BigCommerceStore): Hono {
  const app = new Hono()

  app.get('/customers', (c) => {
    const params = searchParams(c.req.url)
    const include = includes(params)
    let matches = [...store.customers.values()].filter(customerFilter(params))
    const sort = customerSort(params)
    if (sort) matches.sort(sort)
    const serialize = (customer: Customer) => v3Customer(store, customer, include)
    const after = params.get('after')
    const before = params.get('before')
    if (after === null && before === null) {
      const { page, limit } = pageAndLimit(params)
      const rows = slice(matches, page, limit)
      return c.json({
        data: rows.map(serialize),
        meta: {
          pagination: pagination(matches.length, rows.length, page, limit),
          cursor_pagination: cursorMeta(rows, limit),
        },
      })
    }
    // Cursor paging walks customers by id.
    const { limit } = pageAndLimit(params)
    matches = matches.sort((a, b) => a.id - b.id)
    let rows: Customer[]
    if (after !== null) {
      const from = decodeCursor('after', after)
      rows = matches.filter((m) => m.id > from).slice(0, limit)
    } else {
      const until = decodeCursor('before', before!)
      rows = matches.filter((m) => m.id < until).slice(-limit)
    }
    return c.json({ data: rows.map(serialize), meta: { cursor_pagination: cursorMeta(rows, limit) } })
  })

  // Updates Customers: an array of customer_Put, `id` required, at most 10 (413 beyond).
  app.put('/customers', async (c) => {
    const body: unknown = await c.req.json().catch(() => undefined)
    if (!Array.isArray(body)) return v3Error(422, 'The request body must be an array of customers.')
    if (body.length > CUSTOMERS_PER_UPDATE) {
      return v3Error(413, `The request payload is too large. The maximum number of items allowed in the array is ${CUSTOMERS_PER_UPDATE}.`)
    }
    const problems: Record<string, string> = {}
    body.forEach((item, i) => {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) return void (problems[`${i}`] = 'must be a customer object')
      const input = item as Record<string, unknown>
      if (!Number.isInteger(input.id)) problems[`${i}.id`] = 'id is required'
      else if (!store.customers.has(input.id as number)) problems[`${i}.id`] = `customer ${String(input.id)} does not exist`
      const flag = input.accepts_product_review_abandoned_cart_emails
      if (flag !== undefined && typeof flag !== 'boolean') problems[`${i}.accepts_product_review_abandoned_cart_emails`] = 'must be a boolean'
      for (const field of READ_ONLY_CUSTOMER_FIELDS) if (field in input) problems[`${i}.${field}`] = `${field} is read-only`
    })
    if (Object.keys(problems).length) return v3Error(422, 'The customers were not valid.', problems)
    const updated = (body as Record<string, unknown>[]).map((input) => {
      const { id, email, first_name, last_name, phone, company, notes, customer_group_id, accepts_product_review_abandoned_cart_emails } = input
      const patch = Object.fromEntries(
        Object.entries({ email, first_name, last_name, phone, company, notes, customer_group_id, accepts_product_review_abandoned_cart_emails })
          .filter(([, v]) => v !== undefined),
      )
      const { value, events } = store.updateCustomer(id as number, patch)
      store.apiEvents.push(...events)
      return value
    })
    return c.json({ data: updated.map((customer) => v3Customer(store, customer, new Set())), meta: {} })
  })

  app.get('/customers/subscribers', (c) => {
    const params = searchParams(c.req.url)
    const email = params.get('email')?.trim().toLowerCase()
    const ids = queryIntList(params, 'id:in')
    const id = queryInt(params, 'id')
    const orderId = queryInt(params, 'order_id')
    const source = params.get('source')
    const modifiedMin = queryDate(params, 'date_modified:min')
    const createdMin = queryDate(params, 'date_created:min')
    const matches = [...store.subscribers.values()].filter((s) =>
      (!email || s.email.toLowerCase() === email) &&
      (!ids || ids.includes(s.id)) &&
      (id === undefined || s.id === id) &&
      (orderId === undefined || s.order_id === orderId) &&
      (source === null || s.source === source) &&
      within(s.modifiedAt, modifiedMin, undefined) &&
      within(s.createdAt, createdMin, undefined))
    return v3Page(matches, params, v3Subscriber)
  })

  app.get('/customers/subscribers/:id{[0-9]+}', (c) => {
    const subscriber = store.subscribers.get(Number(c.req.param('id')))
    return subscriber ? c.json({ data: v3Subscriber(subscriber), meta: {} }) : v3Error(404, 'Subscriber not found')
  })

  // Updates a Subscriber (subscriber_Put): `consents` only from the enum; the email stays unique (409).
  app.put('/customers/subscribers/:id{[0-9]+}', async (c) => {
    const id = Number(c.req.param('id'))
    if (!store.subscribers.has(id)) return v3Error(404, 'Subscriber not found')
    const body: unknown = await c.req.json().catch(() => undefined)
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return v3Error(422, 'The request body must be a subscriber object.')
    const input = body as Record<string, unknown>
    if ('id' in input && input.id !== id) return v3Error(422, 'The subscriber was not valid.', { id: 'id is read-only' })
    const { consents, email, first_name, last_name } = input
    if (consents !== undefined && (!Array.isArray(consents) || consents.some((v) => typeof v !== 'string' || !CONSENTS.includes(v)))) {
      return v3Error(422, 'The subscriber was not valid.', { consents: `each consent must be one of ${CONSENTS.join(', ')}` })
    }
    if (email !== undefined && (typeof email !== 'string' || !email.includes('@'))) {
      return v3Error(422, 'The subscriber was not valid.', { email: 'must be an email address' })
    }
    try {
      const patch = Object.fromEntries(Object.entries({ email, first_name, last_name, consents }).filter(([, v]) => v !== undefined))
      const { value, events } = store.updateSubscriber(id, patch as { consents?: SubscriberConsent[] })
      store.apiEvents.push(...events)
      return c.json({ data: v3Subscriber(value), meta: {} })
    } catch (err) {
      if (err instanceof StoreError) return v3Error(409, 'The subscriber was in conflict with another subscriber.', { email: err.message })
      throw err
    }
  })

  return app
}

function cursorMeta(rows: Customer[], limit: number): Record<string, unknown> {
  const start = rows[0] ? encodeCursor(rows[0].id) : ''
  const end = rows.length ? encodeCursor(rows[rows.length - 1]!.id) : ''
  return {
    count: rows.length,
    per_page: limit,
    start_cursor: start,
    end_cursor: end,
    links: {
      ...(start ? { previous: `?limit=${limit}&before=${encodeURIComponent(start)}` } : {}),
      ...(end && rows.length === limit ? { next: `?limit=${limit}&after=${encodeURIComponent(end)}` } : {}),
    },
  }
}
