/**
 * v3 channels (channels.v3.yml): the channel list and one channel, a channel's site (404 when it has none), and
 * currency assignments (all channels at once, or one). Filter values outside the spec's enums answer 422.
 */
import { Hono } from 'hono'
import { QueryError, queryBool, queryStringList, searchParams, v3Error, v3Page } from '../http'
import { v3Channel, v3CurrencyAssignment, v3Site } from '../serialize'
import type { BigCommerceStore } from '../store'
import type { Channel, ChannelStatus } from '../types'

const STATUSES: readonly ChannelStatus[] = ['prelaunch', 'active', 'inactive', 'connected', 'disconnected', 'archived', 'deleted', 'terminated']
const TYPES = ['marketplace', 'marketing', 'pos', 'storefront']
/** `available=true`: channels open for integration; `false`: the rest. */
const AVAILABLE: readonly ChannelStatus[] = ['prelaunch', 'active', 'inactive', 'connected']

function enumList(params: URLSearchParams, name: string, allowed: readonly string[]): string[] | undefined {
  const values = queryStringList(params, name)
  const wrong = values?.find((v) => !allowed.includes(v))
  if (wrong !== undefined) throw new QueryError(name, `Query parameter "${name}" value "${wrong}" must be one of ${allowed.join(', ')}.`)
  return values
}

export function channelsV3(store: BigCommerceStore): Hono {
  const app = new Hono()
  const channel = (id: string): Channel | undefined => store.channels.get(Number(id))

  app.get('/channels', (c) => {
    const params = searchParams(c.req.url)
    const include = params.get('include')
    if (include !== null && include !== 'currencies') throw new QueryError('include', "The field 'include' must be currencies.")
    const types = enumList(params, 'type:in', TYPES)
    const statuses = enumList(params, 'status:in', STATUSES)
    const platforms = queryStringList(params, 'platform:in')
    const available = queryBool(params, 'available')
    const channels = [...store.channels.values()].filter((ch) =>
      (!types || types.includes(ch.type)) && (!platforms || platforms.includes(ch.platform)) &&
      (!statuses || statuses.includes(ch.status)) && (available === undefined || AVAILABLE.includes(ch.status) === available))
    return v3Page(channels, params, (ch) => v3Channel(ch, include === 'currencies'))
  })

  app.get('/channels/currency-assignments', (c) =>
    c.json({ data: [...store.channels.values()].map(v3CurrencyAssignment), meta: {} }))

  app.get('/channels/:id{[0-9]+}', (c) => {
    const found = channel(c.req.param('id'))
    return found ? c.json({ data: v3Channel(found, true), meta: {} }) : v3Error(404, 'Not found', {})
  })

  app.get('/channels/:id{[0-9]+}/site', (c) => {
    const found = channel(c.req.param('id'))
    if (!found) return v3Error(404, 'Not found', {})
    return found.site ? c.json({ data: v3Site(found.site), meta: {} }) : v3Error(404, 'Site not found', {})
  })

  app.get('/channels/:id{[0-9]+}/currency-assignments', (c) => {
    const found = channel(c.req.param('id'))
    return found ? c.json({ data: v3CurrencyAssignment(found), meta: {} }) : v3Error(404, 'Not found', {})
  })

  // A channel id that is not a number: the API's own answer (invalid_channel_id_resp).
  app.get('/channels/:id{[^/]*[^0-9/][^/]*}/*', () => v3Error(400, 'Invalid channel ID', {}))
  app.get('/channels/:id{[^/]*[^0-9/][^/]*}', () => v3Error(400, 'Invalid channel ID', {}))

  return app
}
