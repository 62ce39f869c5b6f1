/** `GET /crm/v3/pipelines/tickets[/{pipelineId}]`: the portal's ticket pipelines and their stages (../pipelines.ts). */
import { Hono } from 'hono'
import { failure } from '../errors'
import { objectTypeParam, type StandinContext, type StandinEnv } from '../http'

export function pipelineRoutes({ portal }: StandinContext) {
  const app = new Hono<StandinEnv>()
  const ticketsOnly = (segment: string) => {
    if (objectTypeParam(segment) !== 'tickets') {
      throw failure(400, 'VALIDATION_ERROR', `The stand-in models the pipelines of tickets only, not ${segment}`)
    }
  }

  app.get('/crm/v3/pipelines/:type', (c) => {
    ticketsOnly(c.req.param('type'))
    return c.json({ results: portal.ticketPipelines })
  })

  app.get('/crm/v3/pipelines/:type/:pipelineId', (c) => {
    ticketsOnly(c.req.param('type'))
    const found = portal.ticketPipelines.find((p) => p.id === c.req.param('pipelineId'))
    if (!found) throw failure(404, 'OBJECT_NOT_FOUND', `Unable to find pipeline ${c.req.param('pipelineId')}`)
    return c.json(found)
  })

  return app
}
