/**
 * The B2B Edition stand-in's HTTP surface: REST Management API v3 under `/api/v3/io` (bigcommerce/docs
 * `docs/b2b-edition/specs/api-v3/{company,user,address}/*.yaml`). Every request passes, in order: request log →
 * `X-Auth-Token` and `X-Store-Hash` (401) → injected faults → the store's B2B quota (429) → the route.
 * Answers are `{code, data, meta}`; collections page by `limit` (default 10, at most 250: more is 413, "the
 * limit parameter exceeded the maximum", about/api-status-codes.mdx) and `offset`, with `meta.pagination`.
 */
import { Hono, type Context } from 'hono'
import { RateLimiter } from '../bigcommerce/app'
import type { StoreEvent } from '../bigcommerce'
import { FaultInjector, faultResponse } from '../shared/faults'
import { requestLog, type RequestLogEntry } from '../shared/request-log'
import { addressJson, companyJson, userJson } from './serialize'
import { B2BError, type B2BStore, type Mutation } from './store'

export type { RequestLogEntry } from '../shared/request-log'

export interface AppOptions {
  store: B2BStore
  accessToken: string
  storeHash: string
  clock: () => number
  limiter: RateLimiter
  faults: FaultInjector
  log: RequestLogEntry[]
  /** Webhook events the API's own mutations caused (a company created with POST /companies, say). */
  onEvents(events: StoreEvent[]): void
}

const MAX_LIMIT = 250

/** B2B Edition's quota headers (about/index.mdx "BigCommerce-specific response headers"). */
function quotaHeaders(rate: ReturnType<RateLimiter['take']>, limiter: RateLimiter): Record<string, string> {
  const left = Number(rate.headers['X-Rate-Limit-Requests-Left'])
  const resetMs = Number(rate.headers['X-Rate-Limit-Time-Reset-Ms'])
  return {
    'X-Requests-Allocated': `${limiter.quota} times/${limiter.windowMs / 1000} s`,
    'X-Requests-Window-Length': `${limiter.quota - left} times`,
    'X-Requests-Remaining': `${left} times`,
    'X-Request-Window-Resets-After': `${resetMs / 1000} s`,
  }
}

const ok = (c: Context, data: unknown, meta: Record<string, unknown> = { message: 'SUCCESS' }) => c.json({ code: 200, data, meta })

function params(c: Context): URLSearchParams {
  return new URL(c.req.url).searchParams
}

function integerParam(query: URLSearchParams, name: string, fallback: number, min: number): number {
  const raw = query.get(name)
  if (raw === null || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < min) throw new B2BError(422, 'Parameter Error', { errMsg: { [name]: ['A valid integer is required.'] } })
  return n
}

/** `limit` and `offset`; a limit above the maximum is 413, anything not a count 422. */
function page<T>(c: Context, items: T[]): { data: T[]; meta: Record<string, unknown> } {
  const query = params(c)
  const limit = integerParam(query, 'limit', 10, 1)
  if (limit > MAX_LIMIT) throw new B2BError(413, 'Request Entity Too Large')
  const offset = integerParam(query, 'offset', 0, 0)
  return { data: items.slice(offset, offset + limit), meta: { message: 'SUCCESS', pagination: { limit, offset, totalCount: items.length } } }
}

function timeFilter(query: URLSearchParams, field: string, value: number): boolean {
  const check = (name: string, keep: (bound: number) => boolean) => {
    const raw = query.get(name)
    if (raw === null || raw === '') return true
    const bound = Number(raw)
    if (!Number.isFinite(bound)) throw new B2BError(422, 'Parameter Error', { errMsg: { [name]: ['A valid number is required.'] } })
    return keep(bound)
  }
  const min = field === 'updatedAt' ? 'minModified' : 'minCreated'
  const max = field === 'updatedAt' ? 'maxModified' : 'maxCreated'
  return check(min, (b) => value >= b) && check(max, (b) => value <= b)
}

async function body(c: Context): Promise<unknown> {
  try {
    return await c.req.json()
  } catch {
    throw new B2BError(400, 'Convert failed for the API call.')
  }
}

function object(value: unknown): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new B2BError(400, 'Convert failed for the API call.')
  return value as Record<string, unknown>
}

function idParam(c: Context, name: string): number {
  const id = Number(c.req.param(name))
  if (!Number.isInteger(id) || id <= 0) throw new B2BError(404, 'This resource is not found.')
  return id
}

export function createApp(options: AppOptions): Hono {
  const { store, clock, limiter, faults, log } = options
  const app = new Hono()
  const emit = <T>(mutation: Mutation<T>): T => {
    if (mutation.events.length) options.onEvents(mutation.events)
    return mutation.value
  }

  app.use('*', requestLog(log, clock))

  app.use('*', async (c, next) => {
    const url = new URL(c.req.url)
    if (!url.pathname.startsWith('/api/v3/io/')) return c.json({ code: 404, data: {}, meta: { message: 'Not Found' } }, 404)
    // The server-to-server token since 2025-09-30: the store's X-Auth-Token with X-Store-Hash (about/index.mdx).
    if (c.req.header('X-Auth-Token') !== options.accessToken || c.req.header('X-Store-Hash') !== options.storeHash) {
      return c.json({ code: 401, data: {}, meta: { message: 'Invalid authToken or store hash.' } }, 401)
    }
    const fault = faults.take(c.req.method, url.pathname, [url.pathname.slice('/api/v3/io'.length), url.pathname])
    if (fault) return faultResponse(fault, c.req.raw.signal)
    const rate = limiter.take(clock())
    const headers = quotaHeaders(rate, limiter)
    if (!rate.allowed) return c.json({ code: 429, data: {}, meta: { message: 'Too Many Requests' } }, 429, headers)
    await next()
    const res = new Response(c.res.body, c.res)
    for (const [name, value] of Object.entries(headers)) res.headers.set(name, value)
    c.res = undefined
    c.res = res
  })

  const api = new Hono()

  // ── Companies ────────────────────────────────────────────────────────────────────────────────────────
  api.get('/companies', (c) => {
    const query = params(c)
    const sortBy = query.get('sortBy') ?? 'updatedAt'
    const orderBy = (query.get('orderBy') ?? 'DESC').toUpperCase()
    if (!['companyName', 'updatedAt'].includes(sortBy) || !['ASC', 'DESC'].includes(orderBy)) {
      throw new B2BError(422, 'Parameter Error', { errMsg: { [['companyName', 'updatedAt'].includes(sortBy) ? 'orderBy' : 'sortBy']: ['Not a valid choice.'] } })
    }
    const status = query.get('companyStatus')
    if (status !== null && !['0', '1', '2', '3'].includes(status)) {
      throw new B2BError(422, 'Parameter Error', { errMsg: { companyStatus: [`"${status}" is not a valid choice.`] } })
    }
    const customerId = query.get('customerId')
    const q = query.get('q')?.toLowerCase()
    const sign = orderBy === 'ASC' ? 1 : -1
    const companies = [...store.companies.values()]
      .filter((co) => status === null || co.companyStatus === Number(status))
      .filter((co) => timeFilter(query, 'updatedAt', co.updatedAt) && timeFilter(query, 'createdAt', co.createdAt))
      .filter((co) => !q || co.companyName.toLowerCase().includes(q))
      .filter((co) => customerId === null || store.usersOf(co.companyId).some((u) => u.customerId === Number(customerId)))
      .sort((a, b) =>
        sortBy === 'companyName'
          ? sign * a.companyName.localeCompare(b.companyName) || a.companyId - b.companyId
          : sign * (a.updatedAt - b.updatedAt) || sign * (a.companyId - b.companyId),
      )
    const { data, meta } = page(c, companies)
    return ok(c, data.map((co) => companyJson(store, co, true)), meta)
  })

  api.post('/companies', async (c) => {
    const { company, admin } = emit(store.createCompany(object(await body(c))))
    return ok(c, { companyId: company.companyId, customerId: admin.customerId, customerGroupId: company.customerGroupId })
  })

  api.post('/companies/bulk', async (c) => {
    const input = await body(c)
    if (!Array.isArray(input)) throw new B2BError(400, 'Convert failed for the API call.')
    const companies = emit(store.bulkCreateCompanies(input.map(object)))
    return c.json({ code: 200, meta: companies.map((co) => ({ companyId: co.companyId })), data: { id: crypto.randomUUID() } })
  })

  api.get('/companies/:id', (c) => ok(c, companyJson(store, store.requireCompany(idParam(c, 'id')), false)))

  api.put('/companies/:id', async (c) => {
    const company = emit(store.updateCompany(idParam(c, 'id'), object(await body(c))))
    return ok(c, { companyId: company.companyId })
  })

  api.put('/companies/:id/status', async (c) => {
    const company = emit(store.setCompanyStatus(idParam(c, 'id'), object(await body(c)).companyStatus))
    return ok(c, { companyId: company.companyId })
  })

  api.delete('/companies/:id', (c) => {
    emit(store.deleteCompany(idParam(c, 'id')))
    return ok(c, {})
  })

  // ── Users ────────────────────────────────────────────────────────────────────────────────────────────
  api.get('/users', (c) => {
    const query = params(c)
    const companyId = query.get('companyId')
    const email = query.get('email')?.toLowerCase()
    const users = [...store.users.values()]
      .filter((u) => companyId === null || u.companyId === Number(companyId))
      .filter((u) => !email || u.email.toLowerCase() === email)
      .filter((u) => timeFilter(query, 'updatedAt', u.updatedAt) && timeFilter(query, 'createdAt', u.createdAt))
      .sort((a, b) => a.id - b.id)
    const { data, meta } = page(c, users)
    return ok(c, data.map((u) => userJson(store, u)), meta)
  })

  api.post('/users', async (c) => {
    const user = emit(store.createUser(object(await body(c))))
    return ok(c, { userId: user.id, bcId: user.customerId }, { message: 'Success' })
  })

  api.post('/users/bulk', async (c) => {
    const input = await body(c)
    if (!Array.isArray(input)) throw new B2BError(400, 'Convert failed for the API call.')
    const users = emit(store.bulkCreateUsers(input.map(object)))
    return ok(c, users.map((u) => ({ userId: u.id, bcId: u.customerId })), { message: 'Success' })
  })

  api.get('/users/customer/:customerId', (c) => {
    const customerId = Number(c.req.param('customerId'))
    const user = [...store.users.values()].find((u) => u.customerId === customerId)
    if (!user) throw new B2BError(404, 'Not Found Error', { errMsg: 'User matching query does not exist.' })
    return ok(c, userJson(store, user), { message: 'Success' })
  })

  api.get('/users/:id', (c) => ok(c, userJson(store, store.requireUser(idParam(c, 'id'))), { message: 'Success' }))

  api.put('/users/:id', async (c) => {
    const user = emit(store.updateUser(idParam(c, 'id'), object(await body(c))))
    return ok(c, userJson(store, user), { message: 'Success' })
  })

  api.delete('/users/:id', (c) => {
    const user = emit(store.deleteUser(idParam(c, 'id')))
    return ok(c, { userId: user.id }, { message: 'Success' })
  })

  // ── Addresses ────────────────────────────────────────────────────────────────────────────────────────
  api.get('/addresses', (c) => {
    const query = params(c)
    const companyId = query.get('companyId')
    const flag = (name: 'isBilling' | 'isShipping') => {
      const raw = query.get(name)
      if (raw === null) return undefined
      if (raw !== 'true' && raw !== 'false') throw new B2BError(422, 'Parameter Error', { errMsg: { [name]: ['Must be a valid boolean.'] } })
      return raw === 'true'
    }
    const billing = flag('isBilling')
    const shipping = flag('isShipping')
    const addresses = [...store.addresses.values()]
      .filter((a) => companyId === null || a.companyId === Number(companyId))
      .filter((a) => billing === undefined || a.isBilling === billing)
      .filter((a) => shipping === undefined || a.isShipping === shipping)
      .sort((a, b) => a.addressId - b.addressId)
    const { data, meta } = page(c, addresses)
    return ok(c, data.map(addressJson), meta)
  })

  api.post('/addresses', async (c) => ok(c, { addressId: emit(store.createAddress(object(await body(c)))).addressId }))

  api.get('/addresses/:id', (c) => ok(c, addressJson(store.requireAddress(idParam(c, 'id')))))

  api.put('/addresses/:id', async (c) => ok(c, { addressId: emit(store.updateAddress(idParam(c, 'id'), object(await body(c)))).addressId }))

  api.delete('/addresses/:id', (c) => ok(c, { addressId: emit(store.deleteAddress(idParam(c, 'id'))).addressId }))

  app.route('/api/v3/io', api)
  app.notFound((c) => c.json({ code: 404, data: {}, meta: { message: 'Not Found' } }, 404))
  app.onError((error, c) => {
    if (error instanceof B2BError) return c.json(error.body(), error.status as 400)
    return c.json({ code: 500, data: {}, meta: { message: `Internal stand-in error: ${String(error)}` } }, 500)
  })
  return app
}
