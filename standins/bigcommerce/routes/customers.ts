/** v3 customers and subscribers. There is no `GET /customers/{id}`: clients filter with `id:in`. */
import { Hono } from 'hono'
import {
  compareBy, includes, pageAndLimit, pagination, QueryError, queryDate, queryInt, queryIntList, queryStringList, searchParams,
  slice, v3Error, v3Page, within,
} from '../http'
import { v3Customer, v3Subscriber } from '../serialize'
import type { BigCommerceStore } from '../store'
import type { Customer } from '../types'

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
