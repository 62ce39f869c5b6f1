/**
 * What every HubSpot API request passes before its route: injected faults, `Authorization: Bearer`, the
 * token's scopes, and the request budgets (rolling burst window with its headers, daily count, and search's
 * own 5 per second).
 */
import type { MiddlewareHandler } from 'hono'
import { errorBody, HubSpotFailure, json, rateLimitBody } from './errors'
import { faultResponse, type FaultInjector } from './faults'
import type { StandinEnv } from './http'
import { DailyBudget, RollingWindow } from './limits'

export interface Budgets {
  burst: RollingWindow
  daily: DailyBudget
  search: RollingWindow
}

export function faultGate(faults: FaultInjector): MiddlewareHandler<StandinEnv> {
  return async (c, next) => {
    const fault = faults.take(c.req.method, c.req.path)
    if (!fault) return next()
    return faultResponse(fault, c.req.raw.signal)
  }
}

export function authGate(accessToken: string): MiddlewareHandler<StandinEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization')
    const token = /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1]
    if (!token) {
      throw new HubSpotFailure(
        401,
        errorBody(
          'INVALID_AUTHENTICATION',
          'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
        ),
      )
    }
    if (token !== accessToken) {
      throw new HubSpotFailure(401, errorBody('INVALID_AUTHENTICATION', 'The access token provided is invalid or has been revoked.'))
    }
    await next()
  }
}

export function budgetGate(budgets: Budgets, clock: () => number): MiddlewareHandler<StandinEnv> {
  return async (c, next) => {
    const now = clock()
    // Search has its own per-second budget and sends no rate-limit headers.
    if (c.req.method === 'POST' && c.req.path.endsWith('/search')) {
      if (!budgets.search.take(now)) return json(429, rateLimitBody('SECONDLY'))
      if (!budgets.daily.take(now)) return json(429, rateLimitBody('DAILY'))
      return next()
    }
    const headers = () => ({
      'X-HubSpot-RateLimit-Interval-Milliseconds': String(budgets.burst.intervalMs),
      'X-HubSpot-RateLimit-Max': String(budgets.burst.max),
      'X-HubSpot-RateLimit-Remaining': String(budgets.burst.remaining(now)),
      'X-HubSpot-RateLimit-Daily': String(budgets.daily.limit),
      'X-HubSpot-RateLimit-Daily-Remaining': String(budgets.daily.remaining(now)),
    })
    if (budgets.daily.remaining(now) === 0) return json(429, rateLimitBody('DAILY'), headers())
    if (!budgets.burst.take(now)) return json(429, rateLimitBody('TEN_SECONDLY_ROLLING'), headers())
    budgets.daily.take(now)
    await next()
    for (const [name, value] of Object.entries(headers())) c.res.headers.set(name, value)
  }
}

/** Scopes a token may lack; everything else is granted. */
export interface Scopes {
  /** `tickets`: tickets, their pipelines, properties and associations. */
  tickets: boolean
  /** `crm.lists.read` and `crm.lists.write`: the Lists v3 API. */
  lists: boolean
  /** `crm.objects.companies.read`/`.write` and `crm.schemas.companies.write`: companies, their properties and associations. */
  companies: boolean
  /** `e-commerce`: creating properties on line items and products (HubSpot names no crm.schemas scope for them). */
  eCommerce: boolean
}

/** The scopes the token has, as `POST /oauth/v2/private-apps/get/access-token-info` lists them. */
export function grantedScopes(scopes: Scopes): string[] {
  const companies = scopes.companies ? ['companies'] : []
  const objects = ['contacts', 'orders', 'line_items', 'products', 'carts', ...companies, 'deals']
  return [
    ...objects.flatMap((o) => [`crm.objects.${o}.read`, `crm.objects.${o}.write`]),
    ...['contacts', 'orders', 'carts', ...companies, 'deals'].flatMap((o) => [`crm.schemas.${o}.read`, `crm.schemas.${o}.write`]),
    'oauth',
    'behavioral_events.event_definitions.read_write',
    'analytics.behavioral_events.send',
    ...(scopes.eCommerce ? ['e-commerce'] : []),
    ...(scopes.tickets ? ['tickets'] : []),
    ...(scopes.lists ? ['crm.lists.read', 'crm.lists.write'] : []),
  ].sort()
}

const TICKET_PATH = /^\/crm\/v[34]\/(objects|pipelines|properties|associations)\/(.*\/)?(tickets|0-5)(\/|$)/i

/** A call the token's scopes do not cover answers 403 MISSING_SCOPES, as HubSpot does. */
const LIST_PATH = /^\/crm\/v3\/lists(\/|$)/i

const COMPANY_PATH = /^\/crm\/v[34]\/(objects|properties|associations)\/(.*\/)?(companies|company|0-2)(\/|$)/i

/** Creating a property (or group) on line items or products. */
const COMMERCE_SCHEMA_WRITE = /^\/crm\/v3\/properties\/(line_items|0-8|products|0-7)(\/|$)/i

export function scopeGate(scopes: Scopes): MiddlewareHandler<StandinEnv> {
  return async (c, next) => {
    if (!scopes.tickets && TICKET_PATH.test(c.req.path)) throw missingScopes(['tickets'])
    if (!scopes.lists && LIST_PATH.test(c.req.path)) throw missingScopes(['crm.lists.read', 'crm.lists.write'])
    if (!scopes.companies && COMPANY_PATH.test(c.req.path)) {
      throw missingScopes(['crm.objects.companies.read', 'crm.objects.companies.write', 'crm.schemas.companies.write'])
    }
    if (!scopes.eCommerce && c.req.method !== 'GET' && COMMERCE_SCHEMA_WRITE.test(c.req.path)) throw missingScopes(['e-commerce'])
    await next()
  }
}

function missingScopes(required: string[]): HubSpotFailure {
  return new HubSpotFailure(
    403,
    errorBody(
      'MISSING_SCOPES',
      "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
      {
        errors: [{ message: 'One or more of the following scopes are required.', context: { requiredGranularScopes: required } }],
        links: { scopes: 'https://developers.hubspot.com/scopes' },
      },
    ),
  )
}
