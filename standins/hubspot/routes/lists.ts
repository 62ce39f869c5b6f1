/** Lists v3 (`/crm/v3/lists`): create, search by name, read (with filters), update a DYNAMIC list's filters. */
import { Hono } from 'hono'
import { failure, validationFailure } from '../errors'
import { iso, readJson, type StandinContext, type StandinEnv } from '../http'
import type { StoredList } from '../lists'

export function listRoutes({ portal, clock }: StandinContext) {
  const app = new Hono<StandinEnv>()
  const lists = portal.lists
  const view = (list: StoredList, includeFilters: boolean) => {
    const { filterBranch, ...rest } = list
    return { ...rest, processingStatus: 'COMPLETE', ...(includeFilters && filterBranch !== undefined ? { filterBranch } : {}) }
  }
  const find = (listId: string) => {
    const list = lists.get(listId)
    if (!list) throw failure(404, 'OBJECT_NOT_FOUND', `List ${listId} does not exist`)
    return list
  }

  app.post('/crm/v3/lists', async (c) => {
    const list = lists.create(await readJson(c), iso(clock()))
    return c.json({ list: view(list, true) })
  })

  app.post('/crm/v3/lists/search', async (c) => {
    const body = await readJson(c)
    // HubSpot's list search requires `offset` and `additionalProperties`.
    if (!Number.isInteger(body.offset) || (body.offset as number) < 0) throw validationFailure('offset is required (an integer, 0 or more)')
    if (!Array.isArray(body.additionalProperties)) throw validationFailure('additionalProperties is required (an array of property names)')
    const count = Number(body.count ?? 20)
    const offset = body.offset as number
    if (!Number.isInteger(count) || count < 1 || count > 500) throw validationFailure('count must be between 1 and 500')
    const query = String(body.query ?? '').toLowerCase()
    const found = lists.all().filter((l) => l.name.toLowerCase().includes(query))
    const page = found.slice(offset, offset + count)
    return c.json({ lists: page.map((l) => view(l, false)), total: found.length, offset: offset + page.length, hasMore: offset + page.length < found.length })
  })

  app.get('/crm/v3/lists', (c) => {
    const ids = c.req.queries('listIds') ?? []
    const includeFilters = c.req.query('includeFilters') === 'true'
    return c.json({ lists: ids.flatMap((id) => (lists.get(id) ? [view(lists.get(id)!, includeFilters)] : [])) })
  })

  app.get('/crm/v3/lists/:listId', (c) => c.json({ list: view(find(c.req.param('listId')), c.req.query('includeFilters') === 'true') }))

  app.put('/crm/v3/lists/:listId/update-list-filters', async (c) => {
    const listId = c.req.param('listId')
    find(listId)
    const body = await readJson(c)
    return c.json({ updatedList: view(lists.updateFilters(listId, body.filterBranch, iso(clock())), true) })
  })

  return app
}
