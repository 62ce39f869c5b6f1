/** v3 webhook subscriptions: `/hooks` CRUD and `/hooks/admin` (hook status, blocked domains, emails). */
import { Hono } from 'hono'
import { queryBool, searchParams, v3Error, v3Page } from '../http'
import { v3AdminHook, v3Hook } from '../serialize'
import type { BigCommerceStore } from '../store'

interface HookBody {
  scope?: unknown
  destination?: unknown
  headers?: unknown
  is_active?: unknown
}

async function readJson(request: Request): Promise<unknown> {
  try {
    return await request.json()
  } catch {
    return undefined
  }
}

/** Field errors in BigCommerce's `errors` map; empty when the body is valid. */
function validateHook(body: HookBody, partial: boolean): Record<string, string> {
  const errors: Record<string, string> = {}
  if (body.scope === undefined) {
    if (!partial) errors.scope = 'error.path.missing'
  } else if (typeof body.scope !== 'string' || !/^store\/[\w/*]+$/.test(body.scope)) {
    errors.scope = 'error.expected.scope'
  }
  if (body.destination === undefined) {
    if (!partial) errors.destination = 'error.path.missing'
  } else if (typeof body.destination !== 'string' || !/^https?:\/\/[^\s]+$/.test(body.destination)) {
    errors.destination = 'error.expected.url'
  }
  if (body.headers !== undefined && body.headers !== null) {
    const ok = typeof body.headers === 'object' && !Array.isArray(body.headers) &&
      Object.values(body.headers as object).every((v) => typeof v === 'string')
    if (!ok) errors.headers = 'error.expected.jsobject'
  }
  if (body.is_active !== undefined && typeof body.is_active !== 'boolean') errors.is_active = 'error.expected.jsboolean'
  return errors
}

export function hooksV3(store: BigCommerceStore): Hono {
  const app = new Hono()

  app.get('/hooks/admin', (c) => {
    const isActive = queryBool(searchParams(c.req.url), 'is_active')
    const now = store.clock()
    store.hookAdmin.blockedDomains = store.hookAdmin.blockedDomains.filter((b) => b.until > now)
    const hooks = [...store.hooks.values()].filter((h) => isActive === undefined || (h.status === 'active') === isActive)
    return c.json({
      data: {
        emails: store.hookAdmin.emails,
        hooks_list: hooks.map(v3AdminHook),
        blocked_domains: store.hookAdmin.blockedDomains.map((b) => ({
          destination: b.destination,
          time_left: Math.ceil((b.until - now) / 1000),
          reasons: b.reasons,
        })),
      },
      meta: {},
    })
  })

  app.put('/hooks/admin', async (c) => {
    const body = (await readJson(c.req.raw)) as { emails?: unknown } | undefined
    if (!body || typeof body !== 'object') return v3Error(400, 'Input is invalid.')
    if (!Array.isArray(body.emails) || !body.emails.every((e) => typeof e === 'string')) {
      return v3Error(422, 'JSON data is missing or invalid', { emails: 'error.expected.jsarray' })
    }
    store.hookAdmin.emails = body.emails as string[]
    return new Response(null, { status: 204 })
  })

  app.get('/hooks', (c) => {
    const params = searchParams(c.req.url)
    const isActive = queryBool(params, 'is_active')
    const scope = params.get('scope')
    const destination = params.get('destination')
    const hooks = [...store.hooks.values()].filter((h) =>
      (isActive === undefined || (h.status === 'active') === isActive) &&
      (scope === null || h.scope === scope) && (destination === null || h.destination === destination))
    return v3Page(hooks, params, v3Hook)
  })

  const DELIVERY_EXCEPTION = 'store/hook/deliveryException'

  app.post('/hooks', async (c) => {
    const body = (await readJson(c.req.raw)) as HookBody | undefined
    if (!body || typeof body !== 'object' || Array.isArray(body)) return v3Error(400, 'Input is invalid.')
    const errors = validateHook(body, false)
    if (Object.keys(errors).length) return v3Error(422, 'JSON data is missing or invalid', errors)
    const duplicate = [...store.hooks.values()].some((h) => h.scope === body.scope && h.destination === body.destination)
    // One hook per store + client + scope + destination.
    if (duplicate) return v3Error(422, 'JSON data is missing or invalid', { destination: 'error.duplicate.hook' })
    // store/hook/deliveryException: one per client, at a destination no other hook uses (and no hook may
    // share the exception hook's).
    const exception = (scope: unknown) => scope === DELIVERY_EXCEPTION
    const others = [...store.hooks.values()]
    if (exception(body.scope) && others.some((h) => exception(h.scope))) {
      return v3Error(422, 'JSON data is missing or invalid', { scope: 'only one store/hook/deliveryException hook per client' })
    }
    if (others.some((h) => h.destination === body.destination && exception(h.scope) !== exception(body.scope))) {
      return v3Error(422, 'JSON data is missing or invalid', {
        destination: 'store/hook/deliveryException needs a destination distinct from every other hook',
      })
    }
    const hook = store.createHook({
      scope: body.scope as string,
      destination: body.destination as string,
      headers: (body.headers as Record<string, string> | null | undefined) ?? null,
      isActive: body.is_active as boolean | undefined,
    })
    return c.json({ data: v3Hook(hook), meta: {} })
  })

  app.get('/hooks/:id{[0-9]+}', (c) => {
    const hook = store.hooks.get(Number(c.req.param('id')))
    return hook ? c.json({ data: v3Hook(hook), meta: {} }) : v3Error(404, `Webhook with id [${c.req.param('id')}] not found`)
  })

  app.put('/hooks/:id{[0-9]+}', async (c) => {
    const id = Number(c.req.param('id'))
    if (!store.hooks.has(id)) return v3Error(404, `Webhook with id [${id}] not found`)
    const body = (await readJson(c.req.raw)) as HookBody | undefined
    if (!body || typeof body !== 'object' || Array.isArray(body)) return v3Error(400, 'Input is invalid.')
    const errors = validateHook(body, true)
    if (Object.keys(errors).length) return v3Error(422, 'JSON data is missing or invalid', errors)
    const hook = store.updateHook(id, {
      scope: body.scope as string | undefined,
      destination: body.destination as string | undefined,
      headers: body.headers as Record<string, string> | null | undefined,
      isActive: body.is_active as boolean | undefined,
    })
    return c.json({ data: v3Hook(hook), meta: {} })
  })

  app.delete('/hooks/:id{[0-9]+}', (c) => {
    const id = Number(c.req.param('id'))
    if (!store.hooks.has(id)) return v3Error(404, `Webhook with id [${id}] not found`)
    return c.json({ data: v3Hook(store.deleteHook(id)), meta: {} })
  })

  return app
}
